"""ctipgraph against Virtuoso, side by side: each competency query run in process (the store in
memory, as `serve --in-memory` holds it) and on Virtuoso over HTTP, in turn, so that both are
measured within the same seconds on a machine whose speed drifts (issue 13: "each competency
query on ctipgraph is at least as fast as on Debian's virtuoso-opensource 7.2").

It reuses what `bench/bench_scale.py` left in its work folder: the built store (`store/`) and
Virtuoso's database (`virtuoso/`, bulk-loaded from the store's default graph); run that first.
Each query: a warm-up of each side (bench_scale.repeat), then `--runs` rounds of one run in
process (serialized as SPARQL JSON) and one request to Virtuoso (its JSON results). Prints, per
query, the rows on each side, both medians and their ratio (ctipgraph / Virtuoso); a query
Virtuoso fails or answers with other rows is said so.

Usage: .venv/bin/python bench/bench_vs_virtuoso.py --work /tmp/ctip-scale10 [--runs 7]
       [--only 01 03 …] [--timeout 120]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_scale import (  # noqa: E402
    JSON,
    VIRTUOSO_GRAPH,
    competency_queries,
    fmt_ms,
    side_by_side,
    sparql_rows,
)

from _virtuoso import Virtuoso  # noqa: E402
from ctipgraph.store import GraphStore  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/ctip-scale"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--virtuoso-memory-gb", type=float, default=4.0)
    parser.add_argument("--only", nargs="*", default=[])
    args = parser.parse_args()
    if not (args.work / "virtuoso" / "db" / "virtuoso.db").is_file():
        print(f"error: no Virtuoso database in {args.work / 'virtuoso'}: run "
              "bench/bench_scale.py --virtuoso first", file=sys.stderr)
        return 2

    started = time.perf_counter()
    store = GraphStore.open_project(args.work / "ttl", args.work / "store", in_memory=True)
    print(f"store: {len(store)} quads, loaded in memory in {time.perf_counter() - started:.0f} s",
          flush=True)
    virtuoso = Virtuoso(args.work / "virtuoso", args.timeout, args.virtuoso_memory_gb)
    rows = []
    try:
        print(f"Virtuoso: {virtuoso.count()} triples", flush=True)
        for name, query in competency_queries(args.only).items():
            ours = len(list(store.query(query)))
            status, body = virtuoso.query(query, args.timeout, VIRTUOSO_GRAPH)
            if status != 200:
                message = body[:120].decode(errors="replace").splitlines()[0]
                rows.append((name, ours, None, None, None, f"Virtuoso fails: {message}"))
                print(f"  {name:38} Virtuoso {status}: {message}", flush=True)
                continue
            theirs = sparql_rows(body)
            local, remote = side_by_side(
                [lambda query=query: store.query(query).serialize(format=JSON),
                 lambda query=query: virtuoso.query(query, args.timeout, VIRTUOSO_GRAPH)],
                args.runs)
            mine, other = statistics.median(local), statistics.median(remote)
            note = "" if theirs == ours else f"Virtuoso gives {theirs} rows, ctipgraph {ours}"
            rows.append((name, ours, mine, other, mine / other, note))
            print(f"  {name:38} in process {mine:9.1f} ms  Virtuoso {other:9.1f} ms  "
                  f"ratio {mine / other:5.2f}  {note}", flush=True)
    finally:
        virtuoso.stop()
    print("\n| query | rows | ctipgraph in memory | Virtuoso | ctipgraph / Virtuoso | note |")
    print("|---|---|---|---|---|---|")
    for name, n, mine, other, ratio, note in rows:
        print(f"| {name} | {n} | {fmt_ms(mine)} | {fmt_ms(other)} | "
              f"{'—' if ratio is None else f'{ratio:.2f}'} | {note} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
