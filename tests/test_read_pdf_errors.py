"""Bad PDFs: each is refused with a message naming the file and saying what is wrong, and
`ctipgraph build` on a folder holding them and good sources reports them (no traceback), builds
the good ones and writes nothing of the bad; `--strict` fails naming them and changes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from _pdfs import encrypted_pdf, findings_pdf, image_pdf
from ctipgraph.paths import SOURCES_DIR
from ctipgraph.read import PdfReader, ReadError

CTIPGRAPH = str(Path(sys.executable).with_name("ctipgraph"))
REAL_PDF = SOURCES_DIR / "pdf" / "usdol-findings-2013-mali.pdf"

#: file name → what the message must say
BAD = {
    "encrypted.pdf": "encrypted: a password is needed to read it",
    "truncated.pdf": "damaged or truncated",
    "zero-pages.pdf": "no pages",
    "scanned.pdf": "no text layer (a scanned document?); OCR is not supported",
    "five-hundred-pages.pdf": "the PDF has 500 pages, over the 300-page limit",
    "not-a-pdf.pdf": "not a PDF file (no %PDF- header",
}


def _blank_pdf(path: Path, pages: int) -> None:
    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(612, 792)
    pdf.save(path)
    pdf.close()


def make_bad_pdfs(folder: Path) -> dict[str, Path]:
    """The bad PDFs of BAD, written into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "encrypted.pdf").write_bytes(encrypted_pdf())
    real = REAL_PDF.read_bytes()
    (folder / "truncated.pdf").write_bytes(real[: len(real) // 2])
    _blank_pdf(folder / "zero-pages.pdf", 0)
    (folder / "scanned.pdf").write_bytes(image_pdf(pages=3))
    _blank_pdf(folder / "five-hundred-pages.pdf", 500)
    (folder / "not-a-pdf.pdf").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)  # a "zip"
    return {name: folder / name for name in BAD}


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_bad_pdfs(tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize("name", sorted(BAD))
def test_reader_refuses_with_a_message_naming_the_file(name: str, bad: dict[str, Path]) -> None:
    with pytest.raises(ReadError) as caught:
        PdfReader().read(bad[name])
    message = str(caught.value)
    assert message.startswith(str(bad[name])), message
    assert BAD[name] in message, message


def test_errors_do_not_leak_from_one_file_to_the_next(bad: dict[str, Path]) -> None:
    """PDFium keeps its last error between calls: a PDF without pages read after an encrypted
    one must not be called encrypted."""
    reader = PdfReader()
    for first in ("encrypted.pdf", "truncated.pdf"):
        with pytest.raises(ReadError):
            reader.read(bad[first])
        with pytest.raises(ReadError, match="no pages"):
            reader.read(bad["zero-pages.pdf"])


def test_a_larger_page_limit_reads_the_long_pdf(bad: dict[str, Path]) -> None:
    with pytest.raises(ReadError, match="no text layer"):  # read, all 500 pages blank
        PdfReader(max_pages=None).read(bad["five-hundred-pages.pdf"])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bad PDFs beside one good PDF (a small Findings-like report) and one good text."""
    sources = tmp_path_factory.mktemp("sources")
    make_bad_pdfs(sources / "bad")
    (sources / "good-findings-2019-burkina-faso.pdf").write_bytes(findings_pdf())
    (sources / "good-note.txt").write_text(
        "A note on child labor.\n\nThe Ministry of Labor met in Bamako. It adopted a plan.\n",
        encoding="utf-8")
    return sources


def _build(folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CTIPGRAPH, "build", "-j", "2", "--sources", str(folder),
                           "--out", str(out), *extra], capture_output=True, text=True)


def test_build_reports_each_bad_pdf_and_builds_the_good_sources(folder: Path,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "ttl"
    done = _build(folder, out)
    printed = done.stdout + done.stderr
    assert done.returncode == 0, printed
    assert "Traceback" not in printed
    for name, message in BAD.items():
        lines = [ln for ln in printed.splitlines() if str(folder / "bad" / name) in ln]
        assert lines and message in lines[0], (name, printed)
    assert sorted(p.name for p in out.iterdir()) == [
        "good-findings-2019-burkina-faso.ttl", "good-findings-2019-burkina-faso.txt",
        "good-note.ttl", "good-note.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name != "ttl"]  # no temporary folder left
    assert "skipped 6 file(s)" in done.stdout


def test_strict_build_fails_naming_every_bad_pdf_and_changes_nothing(folder: Path,
                                                                     tmp_path: Path) -> None:
    out = tmp_path / "ttl"
    out.mkdir()
    (out / "previous.ttl").write_text("# the previous build\n", encoding="utf-8")
    done = _build(folder, out, "--strict")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "data left unchanged" in done.stderr
    failed = done.stderr[done.stderr.index("build failed"):].splitlines()
    for name, message in BAD.items():
        lines = [ln for ln in failed if str(folder / "bad" / name) in ln]
        assert lines and message in lines[0], (name, failed)
    assert [p.name for p in out.iterdir()] == ["previous.ttl"]
    assert not [p for p in tmp_path.iterdir() if p.name != "ttl"]
