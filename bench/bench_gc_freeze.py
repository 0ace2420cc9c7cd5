"""Pages with the server's long-lived objects frozen out of garbage collection, and not, side by
side in one process (issue 13; serve/heap.py).

Opens a built project store read-only in memory, builds the app and warms it up as `ctipgraph
serve` does (search index, evidence report; `warm_caches`, which ends by freezing), then visits
the pages bench_scale.py times for the 20 largest hubs and the 5 largest concepts, `--rounds`
times in each mode, alternating: "unfrozen" (every object back under the collector: the server
before serve.heap) and "frozen" (serve.heap.settle). Before each round the app's caches that
pages fill (labels, years, claimed properties) are emptied, so every round is a first visit.
Prints per mode the median, p95 and maximum over every page visit, each round's total, and how
much time the collector took (gc.callbacks), with how many full collections.

Usage: .venv/bin/python bench/bench_gc_freeze.py --store /tmp/ctip-scale10/store [--rounds 3]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_hub_pages import pages, stats  # noqa: E402

from ctipgraph.commands.serve import warm_caches  # noqa: E402
from ctipgraph.serve import describe, heap  # noqa: E402
from ctipgraph.serve.app import create_app  # noqa: E402
from ctipgraph.serve.describe import CLAIMED_CACHE, YEARS_CACHE  # noqa: E402
from ctipgraph.serve.labels import LABEL_CACHE  # noqa: E402
from ctipgraph.store import GraphStore  # noqa: E402
from ctipgraph.store.update import load_dataset  # noqa: E402

#: app.extensions entries pages fill as they are visited (emptied before each round)
PAGE_CACHES = (LABEL_CACHE, CLAIMED_CACHE, YEARS_CACHE)


class CollectorClock:
    """Time spent in the cyclic garbage collector, and how many full collections ran."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.full = 0
        self._started = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        self.seconds += time.perf_counter() - self._started
        self.full += info["generation"] == 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True,
                        help="a built project store folder (dataset.nq …), read only")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not (args.store / "dataset.nq").is_file():
        print(f"{args.store}: no dataset.nq (not a built project store)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    store = GraphStore(load_dataset(args.store), location=args.store)
    print(f"store: {len(store)} quads, loaded in {time.perf_counter() - started:.0f} s",
          flush=True)
    app = create_app(store, {"QUERY_WORKERS": 0})
    warm_caches(app)  # as serve does; it ends by freezing
    groups = pages(store, 0)  # as bench_hub_pages.py names them
    paths = groups["hub pages (20 largest)"] + groups["concept pages (5 largest)"]
    client = app.test_client()
    clock = CollectorClock()
    gc.callbacks.append(clock)
    times: dict[str, list[float]] = {"unfrozen": [], "frozen": []}
    totals: dict[str, list[float]] = {"unfrozen": [], "frozen": []}
    collector: dict[str, list[tuple[float, int]]] = {"unfrozen": [], "frozen": []}
    for _ in range(args.rounds):
        for mode in times:
            gc.unfreeze()
            if mode == "frozen":
                heap.settle(collect=False)
            for key in PAGE_CACHES:
                app.extensions.pop(key, None)
            describe.warm(app)  # what serve's warm-up reads of them (years, claimed properties)
            clock.seconds, clock.full = 0.0, 0
            round_ms = []
            for path in paths:
                began = time.perf_counter()
                response = client.get(path)
                round_ms.append((time.perf_counter() - began) * 1000)
                if response.status_code != 200:
                    print(f"  {response.status_code} {path}", file=sys.stderr)
            times[mode] += round_ms
            totals[mode].append(sum(round_ms))
            collector[mode].append((clock.seconds * 1000, clock.full))
    gc.callbacks.remove(clock)
    print(f"{len(paths)} pages (20 largest hubs, 5 largest concepts), {args.rounds} rounds each, "
          "caches emptied before each round")
    print(f"{'mode':10} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}  round totals (s)  "
          "collector ms (full collections) per round")
    for mode, visits in times.items():
        median, p95 = stats(visits)
        rounds = " ".join(f"{t / 1000:.2f}" for t in totals[mode])
        spent = " ".join(f"{ms:.0f} ({n})" for ms, n in collector[mode])
        print(f"{mode:10} {median:10.1f} {p95:8.1f} {max(visits):8.1f}  {rounds:16}  {spent}")
    ratio = statistics.median(totals["frozen"]) / statistics.median(totals["unfrozen"])
    print(f"frozen/unfrozen, median round total: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
