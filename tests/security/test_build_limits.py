"""`ctipgraph build` on hostile sources and after a stopped build (issue 11): leftovers removed
at the next start (only ours), document-id collisions refused, a time limit per document, and
a 100,000-character line segmented in linear time."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ctipgraph import build as build_module
from ctipgraph.build import BuildError, build
from ctipgraph.paths import SOURCES_DIR
from ctipgraph.sources import Source, SourceCollision, discover
from ctipgraph.swap import clean_start

CTIPGRAPH = str(Path(sys.executable).with_name("ctipgraph"))
SEED = SOURCES_DIR / "seeds" / "tip-report-2002-mali"


def seed_sources(root: Path, *names: str) -> Path:
    sources = root / "sources"
    sources.mkdir()
    for name in names:
        shutil.copy(SEED.with_suffix(".txt"), sources / f"{name}.txt")
    return sources


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- leftovers of a stopped build ------------------------------------------------------------

def test_the_next_start_removes_only_our_leftovers(tmp_path: Path) -> None:
    sources = seed_sources(tmp_path, "good")
    out = tmp_path / "ttl"
    out.mkdir()
    (out / "previous.ttl").write_text("# the previous build\n")
    ours = [".ttl.tmp-123", ".ttl.old-456", ".ttl.trash-789"]
    for name in ours:
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.ttl").write_text("# half written\n")
    theirs = [".ttl.tmp-abc", ".ttl.backup", ".other.tmp-1", "ttl.tmp-1"]
    for name in theirs:
        (tmp_path / name).mkdir()
    (tmp_path / ".ttl.tmp-999").write_text("a file, not a folder of ours\n")
    done = subprocess.run([CTIPGRAPH, "build", "--sources", str(sources), "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for name in ours:
        assert f"removed {tmp_path / name}, left by a build that was stopped" in done.stderr
    assert names(tmp_path) == sorted(["sources", "ttl", ".ttl.tmp-999", *theirs])
    assert names(out) == ["good.ttl", "good.txt"]


def test_the_next_start_puts_back_a_build_stopped_between_two_renames(tmp_path: Path) -> None:
    """The fallback's one window (no exchange available): data/ttl/ renamed away, the new
    build not yet renamed in. The next start puts the previous build back."""
    out = tmp_path / "ttl"
    (tmp_path / ".ttl.old-41").mkdir()
    (tmp_path / ".ttl.old-41" / "doc.ttl").write_text("# the previous build\n")
    (tmp_path / ".ttl.tmp-41").mkdir()
    (tmp_path / ".ttl.tmp-41" / "doc.ttl").write_text("# the new build\n")
    lines = clean_start(out)
    assert any("put back the previous build from .ttl.old-41" in line for line in lines)
    assert names(tmp_path) == ["ttl"]
    assert (out / "doc.ttl").read_text() == "# the previous build\n"


def test_only_copies_the_other_documents_first(tmp_path: Path) -> None:
    sources = seed_sources(tmp_path, "one", "two")
    out = tmp_path / "ttl"
    build(sources, out, jobs=1)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (tmp_path / ".ttl.tmp-5").mkdir()  # a stopped build's
    build(sources, out, jobs=1, only=["two"])
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert names(tmp_path) == ["sources", "ttl"]


# -- document ids ----------------------------------------------------------------------------

def test_two_file_names_with_one_document_id_are_an_error(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    (sources / "a").mkdir(parents=True)
    shutil.copy(SEED.with_suffix(".txt"), sources / "Report 2019.txt")
    shutil.copy(SEED.with_suffix(".txt"), sources / "a" / "report-2019.txt")
    shutil.copy(SEED.with_suffix(".txt"), sources / "other.txt")
    out = tmp_path / "ttl"
    out.mkdir()
    (out / "previous.ttl").write_text("# the previous build\n")
    done = subprocess.run([CTIPGRAPH, "build", "--sources", str(sources), "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert (f"{sources / 'Report 2019.txt'} and {sources / 'a' / 'report-2019.txt'} have the "
            "same document id 'report-2019'") in done.stderr
    assert names(out) == ["previous.ttl"]  # nothing written
    assert names(tmp_path) == ["sources", "ttl"]


def test_a_pdf_and_a_text_with_one_stem_are_two_renditions(tmp_path: Path) -> None:
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "report-2019.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "report-2019.txt").write_text("text\n")
    sources, skipped = discover(tmp_path, {".pdf", ".txt"})
    assert [s.path.name for s in sources] == ["report-2019.pdf"]
    assert [s.path.name for s in skipped] == ["report-2019.txt"]
    (tmp_path / "Report_2019.txt").write_text("another document\n")
    with pytest.raises(SourceCollision, match="Report_2019.txt"):
        discover(tmp_path, {".pdf", ".txt"})


def test_long_file_names_cut_to_one_document_id_are_an_error(tmp_path: Path) -> None:
    stem = "a" * 80
    (tmp_path / f"{stem}-first.txt").write_text("one\n")
    (tmp_path / f"{stem}-second.txt").write_text("two\n")
    with pytest.raises(SourceCollision, match=f"{stem}-first.txt and .*{stem}-second.txt"):
        discover(tmp_path, {".txt"})


# -- time limit per document -----------------------------------------------------------------

def _slow_probe(slow: str, stuck: bool = False):
    real = build_module.probe

    def probe(source: Source):
        if source.doc_id == slow and stuck:  # like C code that never returns to Python
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGPROF})
            time.sleep(60)
        if source.doc_id == slow:
            while True:  # CPU time
                pass
        return real(source)

    return probe


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_document_over_the_time_limit_is_left_out(jobs: int, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    sources = seed_sources(tmp_path, "good", "slow")
    monkeypatch.setattr(build_module, "probe", _slow_probe("slow"))  # forked workers too
    lines: list[str] = []
    started = time.monotonic()
    summary = build(sources, tmp_path / "ttl", jobs=jobs, doc_timeout=2,
                    progress=lines.append)
    assert time.monotonic() - started < 60
    assert [r.doc_id for r in summary.results] == ["good"]
    assert names(tmp_path / "ttl") == ["good.ttl", "good.txt"]
    expected = (f"slow: skipped: {sources / 'slow.txt'}: over the time limit of 2 s (CPU) per "
                "document (--doc-timeout)")
    assert any(line.endswith(expected) for line in lines), lines
    if jobs == 1:
        with pytest.raises(BuildError, match="over the time limit of 2 s"):
            build(sources, tmp_path / "strict", jobs=jobs, doc_timeout=2, strict=True)


def test_a_worker_that_ignores_the_time_limit_is_killed(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    sources = seed_sources(tmp_path, "good", "stuck")
    out = tmp_path / "ttl"
    out.mkdir()
    (out / "previous.ttl").write_text("# the previous build\n")
    monkeypatch.setattr(build_module, "probe", _slow_probe("stuck", stuck=True))
    monkeypatch.setattr(build_module, "hard_limit", lambda seconds: 4.0)
    started = time.monotonic()
    with pytest.raises(BuildError, match=r"a worker did not stop at the time limit of 1 s "
                                         r"\(CPU\) per document \(--doc-timeout\) nor within "
                                         r"4 s; unfinished: stuck"):
        build(sources, out, jobs=2, doc_timeout=1)
    assert time.monotonic() - started < 30
    assert names(out) == ["previous.ttl"]


def test_cli_time_limit_on_a_huge_document(tmp_path: Path) -> None:
    """A real slow document (a few MB of prose: minutes) against --doc-timeout."""
    sources = seed_sources(tmp_path, "good")
    line = "The committee met in Bamako on 12 May 2019 and adopted the plan (Art. 3). "
    (sources / "huge.txt").write_text((line * 20 + "\n\n") * 2000, encoding="utf-8")
    out = tmp_path / "ttl"
    started = time.monotonic()
    done = subprocess.run([CTIPGRAPH, "build", "--sources", str(sources), "--out", str(out),
                           "--doc-timeout", "4"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 90
    assert (f"huge: skipped: {sources / 'huge.txt'}: over the time limit of 4 s (CPU) per "
            "document (--doc-timeout)") in done.stderr
    assert "built 1 document(s)" in done.stdout and "skipped 1 file(s)" in done.stdout
    assert names(out) == ["good.ttl", "good.txt"]


# -- a pathological line ---------------------------------------------------------------------

@pytest.mark.parametrize("unit", ["a. ", "e.g. ", ". ",
                                  "The committee met in Bamako. "])
def test_a_line_of_100000_characters_is_segmented_in_linear_time(unit: str,
                                                                 tmp_path: Path) -> None:
    """pysbd is quadratic on such a line ("a. " × 33,000: 134 s and more); here seconds."""
    from ctipgraph.segment import load

    path = tmp_path / "line.txt"
    path.write_text("Title\n\n" + (unit * (100_000 // len(unit) + 1))[:100_000] + "\n",
                    encoding="utf-8")
    started = time.process_time()
    load(path)
    assert time.process_time() - started < 15  # CPU seconds: whatever else the machine runs
