"""Benchmark `ctipgraph build`: the five seed documents, then the corpus repeated N times.

Usage: .venv/bin/python bench/bench_build.py [--repeat 1 10 50] [--jobs N]

Prints wall time per run and seconds per document, to show the build stays linear.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data" / "sources" / "seeds"


def make_corpus(target: Path, copies: int) -> int:
    """Copy the seed documents (and sidecars) `copies` times under distinct stems."""
    count = 0
    for n in range(copies):
        folder = target / f"copy-{n:03d}"
        folder.mkdir(parents=True)
        for source in sorted(SEEDS.glob("*.txt")):
            stem = source.stem if copies == 1 else f"{source.stem}-copy{n:03d}"
            shutil.copy(source, folder / f"{stem}.txt")
            sidecar = source.with_name(source.stem + ".meta.toml")
            if sidecar.exists():
                shutil.copy(sidecar, folder / f"{stem}.meta.toml")
            count += 1
    return count


def run(copies: int, jobs: int | None) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        sources, out = Path(tmp) / "sources", Path(tmp) / "ttl"
        documents = make_corpus(sources, copies)
        command = [str(ROOT / ".venv" / "bin" / "ctipgraph"), "build", "--quiet",
                   "--sources", str(sources), "--out", str(out)]
        if jobs:
            command += ["--jobs", str(jobs)]
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        return documents, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    print(f"{'copies':>6} {'documents':>9} {'wall s':>8} {'s/document':>10}")
    for copies in args.repeat:
        documents, seconds = run(copies, args.jobs)
        print(f"{copies:>6} {documents:>9} {seconds:>8.2f} {seconds / documents:>10.3f}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
