"""A store build from scratch in memory, with and without its RocksDB store, side by side.

A store built to be read into memory writes no RocksDB store (it is written from dataset.nq
when the store is first opened on disk or updated); one built to be queried on disk writes it
during the build. This bench builds the same corpus both ways, alternately (`--rounds` of each,
the machine being shared), and prints each build's progress lines, its total and the medians.

Usage: .venv/bin/python bench/bench_store_build.py --ttl /tmp/ctip-scale10/ttl --work /tmp/ctip-b
       [--rounds 1] [--write-rocksdb]
(--ttl: a folder of built documents' Turtle, e.g. bench_scale.py's replicated corpus;
--write-rocksdb: then time writing the RocksDB store from the last build's dataset.nq, what the
first on-disk open of a store built for memory does.)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ctipgraph.paths import LEXICON_DIR, ONTOLOGY  # noqa: E402
from ctipgraph.store import LAYOUT_VERSION, OXIGRAPH_DIR, RULES_VERSION, _build_store  # noqa: E402
from ctipgraph.store.update import InputDigests, write_rocksdb  # noqa: E402


def build(ttl: Path, location: Path, rocksdb: bool) -> float:
    """Build the store of `ttl` into `location` from scratch; seconds."""
    shutil.rmtree(location, ignore_errors=True)
    digests = InputDigests.of(ONTOLOGY, ttl, LEXICON_DIR)
    versions = f"+{LAYOUT_VERSION}+{RULES_VERSION}"
    started = time.perf_counter()
    _build_store(ttl, location, digests.fingerprint() + versions, inferences=True,
                 progress=lambda line: print("    " + line, flush=True), digests=digests,
                 versions=versions, on_disk=False, rocksdb=rocksdb)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ttl", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--write-rocksdb", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    location = args.work / "store"
    times: dict[bool, list[float]] = {False: [], True: []}
    for round_ in range(args.rounds):
        for rocksdb in (False, True):
            what = "with" if rocksdb else "without"
            print(f"round {round_ + 1}, {what} the RocksDB store", flush=True)
            times[rocksdb].append(build(args.ttl, location, rocksdb))
            print(f"  built in {times[rocksdb][-1]:.1f} s", flush=True)
            if rocksdb or not args.write_rocksdb or round_ < args.rounds - 1:
                continue
            started = time.perf_counter()
            write_rocksdb(location, args.work / OXIGRAPH_DIR,
                          lambda line: print("    " + line, flush=True))
            print(f"  RocksDB store written from dataset.nq in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            shutil.rmtree(args.work / OXIGRAPH_DIR)
    shutil.rmtree(location, ignore_errors=True)
    without, with_ = statistics.median(times[False]), statistics.median(times[True])
    print(f"\nbuild from scratch in memory: without the RocksDB store {without:.1f} s, with it "
          f"{with_:.1f} s (median of {args.rounds}; {without / with_:.2f} x)")


if __name__ == "__main__":
    main()
