"""Score the graph against USDOL's official record of the Findings, field by field.

Usage:
  .venv/bin/python bench/score_official.py [--ttl-dir DIR | --sources DIR]
      [--exclude DOC ...] [--official DIR] [--disagreements FILE] [--json] [--worst N]
      [--calibrate]

--ttl-dir scores an existing build (default data/ttl); --sources builds that folder first into a
temporary folder (ctipgraph.build.build, 2 jobs; --exclude leaves documents out, e.g. those that
do not conform to the shapes, since a build with one failing document writes nothing). Prints
per report the fields matched / scored, the mean and the minimum, the N worst misses with their
causes, the misses counted by cause and the fields where the record disagrees with the report's
text (bench/official_disagreements.toml: the text wins). --calibrate prints, for every recorded
suggested action, its best and second-best wording ratio against the graph's recommendations
(what ACTION_THRESHOLD is chosen from).
Exit 0; 2 on an unreadable input.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ctipgraph.evaluate import (  # noqa: E402
    ACTION_THRESHOLD,
    load_disagreements,
    load_official,
    read_build,
    render_json,
    render_text,
    score_reports,
)
from ctipgraph.evaluate.disagreements import DisagreementError  # noqa: E402
from ctipgraph.evaluate.graph_fields import BuildError  # noqa: E402
from ctipgraph.evaluate.official import OfficialError  # noqa: E402
from ctipgraph.evaluate.score import action_margins  # noqa: E402

OFFICIAL = ROOT.parent / "shared" / "corpus" / "official"
DISAGREEMENTS = ROOT / "bench" / "official_disagreements.toml"


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--ttl-dir", type=Path, help="a build folder (default data/ttl)")
    where.add_argument("--sources", type=Path, help="a sources folder to build first")
    parser.add_argument("--exclude", action="append", default=[], metavar="DOC",
                        help="with --sources: a document id not to build (repeatable)")
    parser.add_argument("--official", type=Path, default=OFFICIAL,
                        help="folder of usdol-official-YYYY.xml (default %(default)s)")
    parser.add_argument("--disagreements", type=Path, default=DISAGREEMENTS,
                        help="where the record disagrees with the text (default %(default)s)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--worst", type=int, default=15, metavar="N",
                        help="how many misses to list (default %(default)s)")
    parser.add_argument("--calibrate", action="store_true",
                        help="print the suggested-action ratio distribution")
    return parser.parse_args(argv)


def _build(sources: Path, out: Path, exclude: list[str]) -> Path:
    """Build a sources folder (less the excluded documents) into `out`."""
    from ctipgraph.build import BuildError as BuildFailed
    from ctipgraph.build import build
    from ctipgraph.read import suffixes
    from ctipgraph.sources import discover

    if not sources.is_dir():
        raise BuildError(f"{sources}: no such folder")
    only = None
    if exclude:
        only = [s.doc_id for s in discover(sources, suffixes())[0] if s.doc_id not in exclude]
    try:
        build(sources, out, jobs=2, only=only,
              progress=lambda line: print(line, file=sys.stderr) if line.startswith("[") else None)
    except BuildFailed as err:
        raise BuildError(str(err)) from err
    return out


def _calibrate(scores) -> str:
    """Best and second-best ratios of every recorded action, as two histograms."""
    best, second = Counter(), Counter()
    for s in scores:
        for top, runner_up in action_margins(s.report, s.doc):
            best[int(top // 5 * 5)] += 1
            second[int(runner_up // 5 * 5)] += 1
    lines = [f"suggested actions: ratio of the closest and the next closest recommendation "
             f"(threshold {ACTION_THRESHOLD:.0f})", f"{'ratio':>7} {'closest':>8} {'next':>6}"]
    for bucket in range(100, -5, -5):
        if best[bucket] or second[bucket]:
            lines.append(f"{bucket:>3}-{min(bucket + 4, 100):<3} {best[bucket]:>8} "
                         f"{second[bucket]:>6}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    try:
        reports = load_official(args.official)
        with tempfile.TemporaryDirectory(prefix="ctip-score-") as tmp:
            ttl_dir = _build(args.sources, Path(tmp) / "ttl", args.exclude) if args.sources \
                else (args.ttl_dir or ROOT / "data" / "ttl")
            docs = read_build(ttl_dir)
            notes = load_disagreements(args.disagreements, texts=ttl_dir)
            scores = score_reports(reports, docs, notes)
    except (OfficialError, BuildError, DisagreementError, OSError) as err:
        print(f"score_official: {err}", file=sys.stderr)
        return 2
    absent = [r.name for r in reports if not any(s.report is r for s in scores)]
    if args.json:
        print(render_json(scores, args.worst, absent))
    else:
        print(render_text(scores, args.worst, absent))
    if args.calibrate:
        print("\n" + _calibrate(scores))
    for entry in notes.unverified:
        print(f"score_official: unverified disagreement (quote not in the text): {entry.country} "
              f"{entry.year} {entry.field}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
