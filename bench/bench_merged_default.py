"""The default graph as a materialized RDF merge vs. Oxigraph's union option, side by side.

For the project data (data/ttl/) and a replicated corpus (bench_sparql.synthetic_ttl: copies of
the test fixture sharing places, concepts and a pool of organizations), this loads every file
into its named graph and then, in the same process:

- *union*: queries with `use_default_graph_as_union` (a triple once per graph holding it);
- *merge*: puts each distinct triple once into the default graph (store.merge_into_default)
  and queries it.

It prints the cost of the merge (seconds, quads added) and, per competency query, the median
time and the number of rows each way (rows differ where the union repeated facts: that is the
wrong count the merge fixes).

Usage: .venv/bin/python bench/bench_merged_default.py [--triples 1000000] [--runs 5]
       [--ttl-dir DIR] [--skip-synthetic] [--timeout 60]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_sparql import competency_queries, synthetic_ttl  # noqa: E402

from ctipgraph.paths import ONTOLOGY, TTL_DIR  # noqa: E402
from ctipgraph.store import ONTOLOGY_GRAPH, document_graph, merge_into_default  # noqa: E402


def load(ttl_dir: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE, to_graph=ONTOLOGY_GRAPH)
    for path in sorted(ttl_dir.glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=document_graph(path.stem),
                   base_iri=document_graph(path.stem).value + "/")
    return store


def run(store: ox.Store, query: str, union: bool, timeout: float) -> tuple[float, int] | None:
    """(seconds, rows) of one run, or None past `timeout` (the run is abandoned: Oxigraph
    queries cannot be interrupted, so a timed-out query is left to finish in its thread)."""
    box: dict[str, object] = {}

    def work() -> None:
        started = time.perf_counter()
        options = {"use_default_graph_as_union": True} if union else {}
        result = store.query(query, **options)
        rows = len(list(result)) if isinstance(result, ox.QuerySolutions) else (
            1 if isinstance(result, ox.QueryBoolean) else len(list(result)))
        box["value"] = (time.perf_counter() - started, rows)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(timeout)
    return box.get("value")  # type: ignore[return-value]


def measure(label: str, ttl_dir: Path, runs: int, timeout: float) -> None:
    started = time.perf_counter()
    store = load(ttl_dir)
    loaded = time.perf_counter() - started
    quads = len(store)
    union_store = load(ttl_dir)
    started = time.perf_counter()
    merged = merge_into_default(store)
    merging = time.perf_counter() - started
    print(f"\n{label}: {quads} quads in {len(list(store.named_graphs()))} graphs, loaded in "
          f"{loaded:.1f} s; merge: {merged} distinct triples ({100 * (1 - merged / quads):.1f} % "
          f"of quads repeated) added in {merging:.1f} s, the store {(quads + merged) / quads:.2f}× "
          "the quads")
    print(f"{'query':<38} {'union ms':>10} {'rows':>8} {'merge ms':>10} {'rows':>8} {'ratio':>7}")
    for name, query in competency_queries().items():
        cells = []
        for target, union in ((union_store, True), (store, False)):
            times, rows = [], None
            for _ in range(runs):
                got = run(target, query, union, timeout)
                if got is None:
                    times = []
                    break
                times.append(got[0])
                rows = got[1]
                if got[0] > 5:
                    break  # a slow query once is enough
            cells.append((statistics.median(times) * 1000 if times else None, rows))
        (u_ms, u_rows), (m_ms, m_rows) = cells
        ratio = f"{u_ms / m_ms:.1f}×" if u_ms and m_ms else "—"

        def show(ms: float | None) -> str:
            return f"{ms:.1f}" if ms is not None else f"> {timeout * 1000:.0f}"

        print(f"{name:<38} {show(u_ms):>10} {u_rows if u_rows is not None else '—':>8} "
              f"{show(m_ms):>10} {m_rows if m_rows is not None else '—':>8} {ratio:>7}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ttl-dir", type=Path, default=TTL_DIR)
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    if not any(args.ttl_dir.glob("*.ttl")):
        print(f"error: {args.ttl_dir}: no .ttl files (run ctipgraph build)", file=sys.stderr)
        return 2
    measure(f"project data ({args.ttl_dir})", args.ttl_dir, args.runs, args.timeout)
    if not args.skip_synthetic:
        with tempfile.TemporaryDirectory() as tmp:
            copies = synthetic_ttl(Path(tmp), args.triples)
            measure(f"replicated corpus ({copies} copies of the fixture)", Path(tmp), args.runs,
                    args.timeout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
