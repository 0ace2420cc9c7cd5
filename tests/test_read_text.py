"""The plain-text reader: normalization, the reader registry, and hostile input."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest

from ctipgraph.read import (
    Document,
    ReadError,
    TextReader,
    read,
    reader_for,
    register_reader,
)
from ctipgraph.read.text import normalize

SEEDS = Path(__file__).resolve().parents[1] / "data" / "sources" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def test_seeds_are_present() -> None:
    assert len(SEED_FILES) == 5


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem)
def test_read_seed(path: Path) -> None:
    doc = read(path)
    assert doc.doc_id == path.stem
    assert doc.source == path
    assert "\r" not in doc.text
    assert unicodedata.is_normalized("NFC", doc.text)
    assert len(doc.sha256) == 64
    assert doc.char_count == len(doc.text) > 1000
    assert not doc.segmented and not doc.sentences


def test_normalize_line_ends_nfc_and_bom() -> None:
    raw = "\ufeffCafe\u0301 one\r\ntwo\rthree\u2028four\x0cfive"
    text = normalize(raw)
    assert text == "Caf\u00e9 one\ntwo\nthree\nfour\nfive"


def test_stray_control_characters_become_spaces() -> None:
    assert normalize("a\x07b " + "x" * 3000) == "a b " + "x" * 3000


def test_utf8_bom_and_crlf_file(tmp_path: Path) -> None:
    p = tmp_path / "bom.txt"
    p.write_bytes(codecs.BOM_UTF8 + "Title\r\n\r\nBody é.\r\n".encode())
    doc = read(p)
    assert doc.text == "Title\n\nBody é.\n"
    assert doc.encoding == "utf-8-sig"


def test_utf16_file_with_bom(tmp_path: Path) -> None:
    p = tmp_path / "wide.txt"
    p.write_bytes("Mali (Tier 2)\nText.".encode("utf-16"))
    assert read(p).text == "Mali (Tier 2)\nText."


# --- hostile input ---------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(ReadError, match="empty") as err:
        read(p)
    assert err.value.path == str(p)


def test_whitespace_only_file(tmp_path: Path) -> None:
    p = tmp_path / "blank.txt"
    p.write_text(" \n\t\n  \n")
    with pytest.raises(ReadError, match="empty"):
        read(p)


def test_binary_file(tmp_path: Path) -> None:
    p = tmp_path / "image.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(ReadError, match="binary") as err:
        read(p)
    assert err.value.offset == 8
    assert err.value.line == 3  # "\r\n" and "\n" before the NUL
    assert "byte 8" in str(err.value)


def test_control_character_soup_is_binary(tmp_path: Path) -> None:
    p = tmp_path / "soup.txt"
    p.write_bytes(bytes([1, 2, 3, 4, 5, 6, 65]) * 50)
    with pytest.raises(ReadError, match="binary"):
        read(p)


def test_latin1_file_fails_clearly_then_reads_with_its_encoding(tmp_path: Path) -> None:
    p = tmp_path / "latin1.txt"
    p.write_bytes("Rapport\nCôte d'Ivoire et Ségou.\n".encode("latin-1"))
    with pytest.raises(ReadError, match="cannot decode as utf-8") as err:
        read(p)
    assert err.value.line == 2
    assert err.value.offset == 9  # the byte of "ô"
    doc = TextReader(encoding="latin-1").read(p)
    assert doc.text == "Rapport\nCôte d'Ivoire et Ségou.\n"
    assert doc.encoding == "latin-1"


def test_unknown_encoding_name(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    p.write_text("hello")
    with pytest.raises(ReadError, match="unknown encoding"):
        TextReader(encoding="no-such-codec").read(p)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="no such file"):
        read(tmp_path / "nope.txt")
    d = tmp_path / "dir.txt"
    d.mkdir()
    with pytest.raises(ReadError, match="directory"):
        read(d)


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_text("Line of text.\n" * 100)
    with pytest.raises(ReadError, match="over the 100-byte limit"):
        TextReader(max_bytes=100).read(p)
    assert TextReader(max_bytes=None).read(p).text.count("\n") == 100


def test_huge_file_fails_clearly_by_default(tmp_path: Path) -> None:
    p = tmp_path / "huge.txt"
    with p.open("wb") as fh:
        fh.truncate(20 * 1024 * 1024 + 1)  # sparse: cheap to create
    with pytest.raises(ReadError, match="over the 20971520-byte limit"):
        read(p)


def test_unknown_suffix(tmp_path: Path) -> None:
    p = tmp_path / "report.docx"
    p.write_bytes(b"PK\x03\x04")
    with pytest.raises(ReadError, match="no reader for '.docx'"):
        read(p)


def test_register_reader_for_a_new_suffix(tmp_path: Path) -> None:
    class UpperReader:
        suffixes = (".upper",)

        def read(self, path: Path) -> Document:
            return Document(doc_id=path.stem, text=path.read_text().upper())

    register_reader(UpperReader())
    p = tmp_path / "shout.upper"
    p.write_text("quiet")
    assert read(p).text == "QUIET"
    assert isinstance(reader_for(p), UpperReader)
    assert isinstance(reader_for("x.TXT"), TextReader)


def test_read_error_is_not_a_bare_traceback() -> None:
    err = ReadError("a/b.txt", "something odd", offset=3, line=1)
    assert str(err) == "a/b.txt (line 1, byte 3): something odd"
    assert isinstance(err, Exception)
