"""/search on a built store: the page's time (in-process, Flask test client) and the index's
share of it, per query, warm, and the first search after the index is opened.

The store is opened as `ctipgraph serve --on-disk` opens it (RocksDB, read-only: nothing is
loaded into memory); the search index is `--index` (made from the store when it is missing or
is not that store's, which at 10 M quads takes minutes), else the store's own search.sqlite.
Each query runs once to warm up, then `--runs` times; it prints per query the median and the
maximum of the page, the median of the index's part (SearchIndex.find), the matches, and the
median and p95 over all the timed runs.

Usage: .venv/bin/python bench/bench_search.py --store /tmp/ctip-scale10/store
       [--index /tmp/search/search.sqlite] [--runs 7] [--query WORDS …]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_scale import stats  # noqa: E402

from conftest import make_app  # noqa: E402
from ctipgraph.serve import search_index  # noqa: E402
from ctipgraph.store import GraphStore  # noqa: E402
from ctipgraph.store.update import SEARCH_FILE  # noqa: E402

QUERIES = ("child labor", "labor", "ministry of labor", "trafficking", "unicef", "ilo",
           "police", "mali", "worst forms", "gatia", "zzzyxxqq")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a store folder (oxigraph/)")
    parser.add_argument("--index", type=Path, help=f"the index (default: STORE/{SEARCH_FILE})")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--query", nargs="+", default=list(QUERIES))
    args = parser.parse_args()
    if not (args.store / "oxigraph").is_dir():
        parser.error(f"--store {args.store}: no oxigraph/ folder in it")
    store = GraphStore(ox.Store.read_only(str(args.store / "oxigraph")), location=args.store,
                       on_disk=True)
    app = make_app(store, SEARCH_INDEX=str(args.index or args.store / SEARCH_FILE))
    client = app.test_client()
    found_ms: list[float] = []
    find = search_index.SearchIndex.find

    def timed_find(self, *a, **k):
        started = time.perf_counter()
        try:
            return find(self, *a, **k)
        finally:
            found_ms.append((time.perf_counter() - started) * 1000)

    search_index.SearchIndex.find = timed_find

    def page(q: str) -> float:
        started = time.perf_counter()
        response = client.get("/search?" + urllib.parse.urlencode({"q": q}))
        if response.status_code != 200:
            sys.exit(f"/search?q={q}: HTTP {response.status_code}")
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with app.app_context():
        from ctipgraph.serve.search import get_index

        index = get_index()
        index.connection()
    print(f"index opened (made when stale) in {time.perf_counter() - started:.1f} s",
          flush=True)
    first = page(args.query[0])
    print(f"first search ({args.query[0]!r}): {first:.0f} ms", flush=True)
    every: list[float] = []
    print(f"{'query':20} {'median':>8} {'max':>8} {'index':>8} {'matches':>8}")
    for q in args.query:
        page(q)
        found_ms.clear()
        times = [page(q) for _ in range(args.runs)]
        every += times
        index_ms = statistics.median(found_ms)
        total = index.find(q, limit=1).total
        print(f"{q:20} {statistics.median(times):6.0f}ms {max(times):6.0f}ms "
              f"{index_ms:6.1f}ms {total:8}", flush=True)
    median, p95 = stats(every)
    print(f"all {len(every)} runs: median {median:.0f} ms, p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()
