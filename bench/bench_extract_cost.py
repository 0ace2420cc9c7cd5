"""What extraction costs per document, in CPU seconds (a shared machine inflates wall time).

Usage:
  .venv/bin/python bench/bench_extract_cost.py measure OUT.json [--reps N] [--sources DIR]
  .venv/bin/python bench/bench_extract_cost.py compare OLD.json NEW.json

``measure`` converts every source under ``--sources`` (default data/sources: the seeds' texts
and the PDFs) as the build does — read, segment, evidence, extract, SHACL, Turtle — and then runs
``extract()`` alone on the document read once, each ``--reps`` times (default 2), keeping the
least CPU time of each. It measures the code it is run with: to measure another tree, run it
with that tree's ``src`` first on the path, e.g. for the tree before a change::

    git archive <commit> | tar -x -C /tmp/old
    cd /tmp/old && PYTHONPATH=/tmp/old/src /work/main/.venv/bin/python \\
        /work/main/bench/bench_extract_cost.py measure /tmp/old.json

(``ctipgraph.paths.ROOT`` then is that tree: its lexicon and sources.) ``compare`` prints per
document the build and extraction CPU seconds of both runs, the growth of extraction, and what
the extraction's growth adds to the old build time of the document.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def measure(out: Path, reps: int, sources: Path | None) -> None:
    from ctipgraph.build import convert, load_document
    from ctipgraph.extract import extract
    from ctipgraph.identify import identify
    from ctipgraph.link.lexicon import load_lexicon
    from ctipgraph.paths import ROOT
    from ctipgraph.sources import discover, merge

    root = sources or ROOT / "data" / "sources"
    lexicon = load_lexicon()
    found = []
    for sub, suffixes in (("seeds", {".txt"}), ("pdf", {".pdf"})):
        if (root / sub).is_dir():
            found += discover(root / sub, suffixes)[0]
    result: dict[str, dict[str, float]] = {}
    for source in sorted(found, key=lambda s: (s.doc_id, s.path.suffix)):
        whole = []
        for _ in range(reps):
            started = time.process_time()
            done = convert(source, [], validate=True)
            whole.append(time.process_time() - started)
        if done.error or done.skipped:
            print(f"{source.doc_id}: {done.error or done.skipped}", file=sys.stderr)
            continue
        doc = load_document(source.path)
        doc.doc_id = source.doc_id
        meta = merge(source.meta, identify(doc, lexicon).meta)
        alone = []
        for _ in range(reps):
            started = time.process_time()
            extract(doc, lexicon, meta=meta)
            alone.append(time.process_time() - started)
        key = f"{source.doc_id}{source.path.suffix}"
        result[key] = {"build": min(whole), "extract": min(alone)}
        print(f"{key}: build {min(whole):.2f} s, extract {min(alone):.2f} s", file=sys.stderr)
    out.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def compare(old_path: Path, new_path: Path) -> None:
    old = json.loads(old_path.read_text(encoding="utf-8"))
    new = json.loads(new_path.read_text(encoding="utf-8"))
    print(f"{'document':44} {'build':>6} {'build':>6} {'extract':>7} {'extract':>7} "
          f"{'extract':>8} {'build from':>10}")
    print(f"{'':44} {'old':>6} {'new':>6} {'old':>7} {'new':>7} {'growth':>8} "
          f"{'extract':>10}")
    totals = [0.0, 0.0, 0.0, 0.0]
    worst = 0.0
    for doc in sorted(set(old) & set(new)):
        a, b = old[doc], new[doc]
        added = (b["extract"] - a["extract"]) / a["build"]
        worst = max(worst, added)
        for i, v in enumerate((a["build"], b["build"], a["extract"], b["extract"])):
            totals[i] += v
        print(f"{doc:44} {a['build']:6.2f} {b['build']:6.2f} {a['extract']:7.2f} "
              f"{b['extract']:7.2f} {b['extract'] / a['extract'] - 1:+8.0%} {added:+10.1%}")
    ob, nb, oe, ne = totals
    print(f"{'all':44} {ob:6.2f} {nb:6.2f} {oe:7.2f} {ne:7.2f} {ne / oe - 1:+8.0%} "
          f"{(ne - oe) / ob:+10.1%}")
    print(f"largest growth of one document's build time from extraction: {worst:+.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure")
    m.add_argument("out", type=Path)
    m.add_argument("--reps", type=int, default=2)
    m.add_argument("--sources", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("old", type=Path)
    c.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.command == "measure":
        measure(args.out, args.reps, args.sources)
    else:
        compare(args.old, args.new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
