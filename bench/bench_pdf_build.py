"""Benchmark the conversion of published reports (PDF): per report and per stage, then a whole
folder built by `ctipgraph build --jobs N`, with the peak memory of any build process.

Usage: .venv/bin/python bench/bench_pdf_build.py [--sources DIR] [--jobs 2] [--limit N]
                                                 [--skip-build] [--skip-reports]

Stage times are CPU seconds of this process (less noisy than wall time on a shared machine);
the folder build is wall time. Targets (issue 9): median report under 5 s; the 64 regional
reports under 5 minutes with --jobs 2, under 1 GB per worker.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCES = ROOT.parent / "shared" / "corpus" / "regional" / "pdf"


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_reports(paths: list[Path]) -> dict[str, list[float]]:
    """CPU seconds per stage for each report, converted in this process."""
    from ctipgraph.emit.evidence import emit_evidence
    from ctipgraph.extract import extract
    from ctipgraph.link.documents import corpus_documents, link_references
    from ctipgraph.link.lexicon import load_lexicon
    from ctipgraph.read import read
    from ctipgraph.segment import segment_document
    from ctipgraph.sources import Source
    from ctipgraph.validate import validate_graph

    lexicon = load_lexicon()
    sources = [Source(doc_id=p.stem, path=p) for p in paths]
    corpus = corpus_documents(sources)
    stages: dict[str, list[float]] = {k: [] for k in
                                      ("read", "segment", "emit", "extract", "validate", "total")}
    warm = segment_document(read(paths[0]))  # imports, lexicon and shapes loaded once
    validate_graph(emit_evidence(warm, sources[0], {}))
    for k, source in enumerate(sources, start=1):
        clock = time.process_time()
        marks = [clock]
        doc = read(source.path)
        marks.append(time.process_time())
        doc = segment_document(doc)
        marks.append(time.process_time())
        graph = emit_evidence(doc, source, link_references(doc.bibliography, doc.text, corpus,
                                                           source.doc_id))
        marks.append(time.process_time())
        graph += extract(doc, lexicon, meta=source.meta).graph
        marks.append(time.process_time())
        validate_graph(graph)
        marks.append(time.process_time())
        for name, a, b in zip(("read", "segment", "emit", "extract", "validate"), marks,
                              marks[1:], strict=False):
            stages[name].append(b - a)
        stages["total"].append(marks[-1] - marks[0])
        print(f"  [{k}/{len(sources)}] {source.doc_id}: {marks[-1] - marks[0]:.2f} s "
              f"({len(doc.pages)} pages, {len(graph)} triples)", file=sys.stderr)
    return stages


def time_build(sources: Path, jobs: int) -> tuple[float, float, float, int]:
    """Wall seconds of a whole build, its CPU seconds (all processes), the peak RSS (MB) of any
    of its processes, and its exit status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as tmp:
        command = [str(ROOT / ".venv" / "bin" / "ctipgraph"), "build", "--quiet",
                   "--sources", str(sources), "--out", str(Path(tmp) / "ttl"), "--jobs", str(jobs)]
        started = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
        seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    peak_kb = after.ru_maxrss  # the largest descendant
    if done.returncode:
        print(done.stderr[-2000:], file=sys.stderr)
    return seconds, cpu, peak_kb / 1024, done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="time only the first N reports")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--skip-reports", action="store_true")
    args = parser.parse_args()
    if not args.sources.is_dir():
        print(f"error: {args.sources}: no such folder", file=sys.stderr)
        return 2
    paths = sorted(args.sources.rglob("*.pdf"))[: args.limit]
    if not paths:
        print(f"error: {args.sources}: no PDF files", file=sys.stderr)
        return 2
    if not args.skip_reports:
        stages = time_reports(paths)
        print(f"{len(paths)} reports from {args.sources} (CPU seconds per report)")
        print(f"{'stage':>9} {'median':>7} {'p95':>7} {'max':>7}")
        for name, values in stages.items():
            print(f"{name:>9} {statistics.median(values):>7.2f} {_quantile(values, 0.95):>7.2f} "
                  f"{max(values):>7.2f}")
    if not args.skip_build:
        seconds, cpu, peak_mb, status = time_build(args.sources, args.jobs)
        print(f"build of {len(paths)} reports with --jobs {args.jobs}: {seconds:.1f} s wall, "
              f"{cpu:.1f} s CPU in all processes (≥ {cpu / args.jobs:.1f} s wall on {args.jobs} "
              f"idle cores), peak {peak_mb:.0f} MB in one process, exit {status}")
        if status:
            print(f"error: the build failed (exit {status}); its times are not a measurement",
                  file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
