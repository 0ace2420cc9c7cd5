"""The query policy's parse (ctipgraph.sparqlpolicy.check): what the first request of a query
text costs the endpoint before Oxigraph sees it (a text seen before is not parsed again).

Side by side for each query, runs interleaved: rdflib's full grammar on the text with its
comments (how the policy parsed every query before comments were removed by a lexer),
`check()` as it is (comments removed, then rdflib's grammar copied without the comment pattern),
and `screen()` with Oxigraph's parse of the screened text (on an empty store: what a worker
does instead of check() for a text that cannot spell SERVICE). Prints the medians and their
ratios; the queries are the competency queries (queries/*.rq) and any --query files.

Usage: .venv/bin/python bench/bench_policy.py [--runs 7] [--query FILE …]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pyoxigraph as ox  # noqa: E402
from rdflib.plugins.sparql.parser import Query  # noqa: E402

from ctipgraph.paths import QUERIES_DIR  # noqa: E402
from ctipgraph.sparqlpolicy import _CODEPOINT, check, screen  # noqa: E402


def _full_grammar(text: str) -> None:
    """The policy's parse before comments were removed: escapes and line ends only."""
    if _CODEPOINT.search(text) is None and "\r" not in text:
        Query.parse_string(text, parse_all=True)
    else:
        raise SystemExit("a query with escapes or CR: not comparable here")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--query", type=Path, action="append", default=[])
    args = parser.parse_args()
    paths = [*sorted(QUERIES_DIR.glob("*.rq")), *args.query]
    check("SELECT * { ?s ?p ?o }")  # the grammar's copy is made once per process
    empty = ox.Store()

    def screened(text: str) -> None:
        source = screen(text)
        if source is None:
            raise SystemExit("a query that spells SERVICE: not screened")
        empty.query(source)  # (parsed; a SELECT's evaluation is lazy)

    print(f"{'query':40s} {'chars':>6s} {'full grammar':>13s} {'check()':>9s} {'ratio':>6s} "
          f"{'screen()':>9s} {'check()/screen()':>17s}")
    ratios, speedups = [], []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        full, now, fast = [], [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            _full_grammar(text)
            full.append(time.perf_counter() - started)
            started = time.perf_counter()
            check(text)
            now.append(time.perf_counter() - started)
            started = time.perf_counter()
            screened(text)
            fast.append(time.perf_counter() - started)
        a, b, c = (statistics.median(times) * 1000 for times in (full, now, fast))
        ratios.append(a / b)
        speedups.append(b / c)
        print(f"{path.stem:40s} {len(text):6d} {a:10.1f} ms {b:6.1f} ms {a / b:5.2f}x "
              f"{c:6.2f} ms {b / c:16.0f}x")
    print(f"ratio full grammar / check(): median {statistics.median(ratios):.2f}x, "
          f"{min(ratios):.2f}–{max(ratios):.2f}x over {len(ratios)} queries "
          f"({args.runs} runs each)")
    print(f"ratio check() / screen() and Oxigraph's parse: median "
          f"{statistics.median(speedups):.0f}x, {min(speedups):.0f}–{max(speedups):.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
