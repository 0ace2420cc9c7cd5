"""Incremental store builds vs a build from scratch, on a replicated corpus of ~1,000 reports.

**Corpus.** `--docs` (by default the four shorter built reports of data/ttl/: the two TIP
reports, the project summary and the USAID research report, 20,475 quads together) copied with
bench_scale's generator (IRIs rewritten per copy, entities shared) until `--documents`
documents: by default 1,000 documents, 5.1 M quads. (The USDOL Findings reports hold 22–34 k
quads each: 1,000 of them would be 28 M quads, more than this machine's memory holds for a
build from scratch.) The report added, changed and removed is a full-size one: `--report`
(default usdol-findings-2020-mali, 33,535 quads), copied as one more report of copy 7's country.

**Timings** (`GraphStore.open_project`, store on disk, as `ctipgraph serve --on-disk` opens it):
1. a build from scratch (`full=True`: load, merge, OWL RL rules, inferred.ttl, dataset.nq,
   RocksDB) — `--full-runs` times (0: the store and the time of an earlier run, reused);
2. `--runs` times, each: add the report, change a document of the corpus (a tenth of its
   triples dropped, one added), change it back, remove the report — each one an incremental
   update (checked: the store says so).
With `--search` the search index is made first, and each update updates it. It prints each
update's progress lines, the medians and the ratio to the full build, and checks
at the end that the updated store holds the same quads as one built from scratch (`--check`).

Usage: .venv/bin/python bench/bench_incremental.py --work /tmp/ctip-incr [--documents 1000]
       [--runs 3] [--full-runs 1] [--docs STEM …] [--report STEM] [--search] [--check]
The work folder is reused: the corpus (and the store, rebuilt from scratch at each run).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_scale import count_quads, country_orgs, rename, replicate  # noqa: E402

from ctipgraph.paths import LEXICON_DIR, TTL_DIR  # noqa: E402
from ctipgraph.serve.search_index import SearchIndex  # noqa: E402
from ctipgraph.store import GraphStore  # noqa: E402
from ctipgraph.store.update import SEARCH_FILE, load_dataset  # noqa: E402

SHORT = ("tip-report-2002-mali", "tip-report-2015-mali",
         "usdol-project-summary-mali-better-future", "usaid-ctip-research-2021-mali")
REPORT = "usdol-findings-2020-mali"
COPY = 7  # the added report is one more report of this copy's country


def corpus(work: Path, docs: list[str], documents: int) -> tuple[Path, int, int]:
    """The replicated corpus in work/ttl: (folder, documents, quads)."""
    sources = work / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    for doc in docs:
        for suffix in (".ttl", ".txt"):
            shutil.copy(TTL_DIR / f"{doc}{suffix}", sources / f"{doc}{suffix}")
    per_copy = count_quads([sources / f"{d}.ttl" for d in docs])
    copies = math.ceil(documents / len(docs))
    replicate([sources], work / "ttl", copies * per_copy)
    return work / "ttl", copies * len(docs), copies * per_copy


def timed(label: str, action: Callable[[], None], ttl: Path, store: Path,
          *, incremental: bool) -> float:
    """Seconds to apply `action` to the corpus and open the store; its progress printed."""
    action()
    lines: list[str] = []
    started = time.perf_counter()
    GraphStore.open_project(ttl, store, in_memory=False, full=not incremental,
                            progress=lines.append)
    seconds = time.perf_counter() - started
    print(f"  {label}: {seconds:.1f} s", flush=True)
    for line in lines:
        print(f"    {line}", flush=True)
    if incremental and not any("; updated in " in line for line in lines):
        raise SystemExit(f"{label}: the store was not updated incrementally")
    return seconds


def changed(text: str) -> str:
    """A document as a fixed converter might write it again: a tenth of its triples dropped,
    one added (N-Triples, which is Turtle)."""
    base = text.split("@base <", 1)[1].split(">", 1)[0]
    triples = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE, base_iri=base))
    kept = [t for i, t in enumerate(triples) if i % 10]
    extra = ox.Triple(ox.NamedNode(base.rstrip("/")), ox.NamedNode(
        "http://www.w3.org/2000/01/rdf-schema#comment"), ox.Literal("re-converted"))
    return (ox.serialize([*kept, extra], format=ox.RdfFormat.N_TRIPLES) or b"").decode()


def _digest(path: Path) -> tuple[int, int]:
    """(quads, an order-independent digest of them) of a RocksDB store; quads with blank
    nodes (the ontology's restrictions, named anew at each load) left out."""
    count, total = 0, 0
    for quad in ox.Store.read_only(str(path)):
        text = str(quad)
        if "_:" not in text:
            count += 1
            total += int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest())
    return count, total % 2 ** 64


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--docs", nargs="+", default=list(SHORT))
    parser.add_argument("--report", default=REPORT)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--full-runs", type=int, default=1)
    parser.add_argument("--search", action="store_true",
                        help="make the search index first (then updates update it)")
    parser.add_argument("--check", action="store_true",
                        help="compare the updated store with one built from scratch")
    args = parser.parse_args()
    ttl, documents, quads = corpus(args.work, args.docs, args.documents)
    store = args.work / "store"
    print(f"corpus: {documents} documents, {quads} quads ({ttl})", flush=True)

    orgs = country_orgs([TTL_DIR / f"{args.report}.ttl", *sorted(LEXICON_DIR.glob("*.ttl"))])
    report_text = rename((TTL_DIR / f"{args.report}.ttl").read_text(encoding="utf-8"), COPY,
                         orgs)
    report = ttl / f"{args.report}-c{COPY}.ttl"
    victim = ttl / f"{args.docs[-1]}-c{COPY + 1}.ttl"
    sources = sorted((args.work / "sources").glob("*.ttl"))  # the copy as replicate wrote it
    original = rename((args.work / "sources" / f"{args.docs[-1]}.ttl").read_text(
        encoding="utf-8"), COPY + 1, country_orgs([*sources, *sorted(LEXICON_DIR.glob("*.ttl"))]))
    report.unlink(missing_ok=True)
    victim.write_text(original, encoding="utf-8")  # as made, should a run have stopped midway

    recorded = args.work / "full-build-seconds.txt"
    # from scratch: an up-to-date store is not built again, even with full=True
    full = [timed(f"full build {i + 1}", lambda: shutil.rmtree(store, ignore_errors=True),
                  ttl, store, incremental=False) for i in range(args.full_runs)]
    if full:
        recorded.write_text(" ".join(f"{t:.1f}" for t in full))
    elif recorded.is_file() and (store / "MANIFEST.json").is_file():
        full = [float(t) for t in recorded.read_text().split()]
        print(f"  full build: {recorded.read_text().strip()} s (measured earlier, store reused)")
    else:
        raise SystemExit("--full-runs 0 needs a store built by an earlier run")
    if not args.full_runs:  # the reused store brought to the corpus as it is now (a run stopped?)
        GraphStore.open_project(ttl, store, in_memory=False)
    if args.search and not (store / SEARCH_FILE).is_file():
        started = time.perf_counter()
        with_index = GraphStore.open_project(ttl, store, in_memory=False)
        SearchIndex(with_index, store / SEARCH_FILE).connection().close()
        print(f"  search index made in {time.perf_counter() - started:.1f} s", flush=True)
        del with_index
    times: dict[str, list[float]] = {"add one report": [], "change one document": [],
                                     "change it back": [], "remove the report": []}
    for run in range(args.runs):
        print(f"run {run + 1}", flush=True)
        steps = (("add one report", lambda: report.write_text(report_text, encoding="utf-8")),
                 ("change one document",
                  lambda: victim.write_text(changed(original), encoding="utf-8")),
                 ("change it back", lambda: victim.write_text(original, encoding="utf-8")),
                 ("remove the report", report.unlink))
        for label, action in steps:
            times[label].append(timed(label, action, ttl, store, incremental=True))

    print(f"\n## {documents} documents, {quads} quads; report added/removed: {args.report} "
          f"({count_quads([TTL_DIR / f'{args.report}.ttl'])} quads)\n")
    print("| operation | median (s) | runs | full build / operation |")
    print("|---|---|---|---|")
    full_median = statistics.median(full)
    print(f"| full store build | {full_median:.1f} | {len(full)} | 1 |")
    for label, values in times.items():
        median = statistics.median(values)
        print(f"| {label} | {median:.1f} | {len(values)} | {full_median / median:.0f}× |")

    if args.check:
        reference = args.work / "reference"
        GraphStore.open_project(ttl, reference, in_memory=False, full=True)
        same = _digest(store / "oxigraph") == _digest(reference / "oxigraph")
        print(f"\nupdated store == store built from scratch (every quad without a blank node, "
              f"RocksDB): {same}")
        started = time.perf_counter()
        load_dataset(store)
        print(f"in-memory load of the updated store (dataset.nq + patches): "
              f"{time.perf_counter() - started:.1f} s")
        shutil.rmtree(reference)
        if not same:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
