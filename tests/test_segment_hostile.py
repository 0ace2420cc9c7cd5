"""Odd and hostile input for the segmenters: nothing crashes and the offset invariant holds."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ctipgraph.read.model import Document, Kind
from ctipgraph.read.text import TextReader
from ctipgraph.segment import load, segment_document

SEEDS = Path(__file__).resolve().parents[1] / "data" / "sources" / "seeds"


def seg(text: str) -> Document:
    return segment_document(TextReader().read_string(text, "t"))


def check(doc: Document) -> None:
    text = doc.text
    for b in doc.blocks():
        assert 0 <= b.start <= b.end <= len(text)
        q = text[b.start : b.end]
        assert q == q.strip()
    for p in doc.passages():
        assert doc.quote(p).strip()
        for r in doc.running:
            assert p.end <= r.start or r.end <= p.start
    for c in doc.citations:
        assert text[c.start : c.end] == c.marker_text
    for u in doc.unresolved:
        assert text[u.start : u.end] == u.marker_text


ODD = [
    "x",
    "REFERENCES",
    "REFERENCES\n\n",
    "BIBLIOGRAPHY\n\n- \n- (2020).\n-",
    "Table 1. Caption only",
    "Table 1. Caption\n\nA\tB\n\t\n\t\t\t\t\t\n",
    "\t\t\t\n\t\ta\n\t\n",
    "¹²³\n\n⁴\n\nText ¹ with ² markers.⁹⁹",
    "(((((1; 2)))))) ) ( (2017 (Hilson, 2008",
    "- \n-\n- -\n• •\n",
    "PROJECT DURATION\n\nGRANTEE\n\nIMPLEMENTING PARTNERS\n",
    "Page 1 of 2\n\nPage 2 of 2\n",
    "Mali\n\nMali\n\nMali\n\nsentence in lower case",
    "A" * 50_000,
    ("word " * 20_000).strip(),
    "e\u0301te\u0301 — מדינה עברית — العربية. 中文。Ελληνικά.",
    "TABLE OF CONTENTS\n\nINTRODUCTION 1\n\nACRONYMS\n\nUN\tUnited Nations\n",
    "**\n\n**\n\n# \n\n#\n",
    "Publisher X\nAuthor Y\n\nDisclaimerZ\n",
    "—. —. —.\n",
    "I. \n\nII.\n\nIII. A\n",
]


@pytest.mark.parametrize("text", ODD, ids=range(len(ODD)))
def test_odd_documents(text: str) -> None:
    check(seg(text))


def test_shuffled_seed_lines() -> None:
    lines: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        lines += path.read_text(encoding="utf-8").split("\n")
    rng = random.Random(20240611)
    for _ in range(25):
        sample = rng.sample(lines, 120)
        for k in range(0, len(sample), 7):
            sample[k] = ""
        check(seg("\n".join(sample)))


def test_seeds_with_crlf_and_nfd_give_the_same_structure(tmp_path: Path) -> None:
    import unicodedata

    src = SEEDS / "usdol-findings-2017-mali.txt"
    odd = tmp_path / "usdol-findings-2017-mali.txt"
    text = src.read_text(encoding="utf-8")
    odd.write_bytes(unicodedata.normalize("NFD", text).replace("\n", "\r\n").encode())
    a, b = load(src), load(odd)
    assert a.text == b.text
    assert [(s.start, s.end) for s in a.sentences] == [(s.start, s.end) for s in b.sentences]
    assert len(b.citations) == len(a.citations)


def test_unclosed_parenthesis_does_not_swallow_the_document() -> None:
    doc = seg("Heading\n\nIt starts (and never ends. Another sentence. A third one.\n")
    assert len(doc.sentences) >= 1
    assert all(s.kind == Kind.SENTENCE for s in doc.sentences)
