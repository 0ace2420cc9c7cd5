"""Numeric citation markers: detection, false friends, resolution against numbered references."""

from __future__ import annotations

import pytest

from ctipgraph.cite.numeric import find_numeric_markers
from ctipgraph.cite.resolve import find_citations
from ctipgraph.read.model import Document
from ctipgraph.read.text import TextReader
from ctipgraph.segment import segment_document


def markers(text: str) -> list[tuple[str, list[int] | str]]:
    out: list[tuple[str, list[int] | str]] = []
    for m in find_numeric_markers(text):
        if m.skip_reason:
            out.append((m.text, m.skip_reason))
        else:
            out.append((m.text, [n for it in m.items for n in it.numbers]))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in agriculture. (1; 2; 3) Next", [("(1; 2; 3)", [1, 2, 3])]),
        ("in rice. (7; 8; 1)", [("(7; 8; 1)", [7, 8, 1])]),
        ("trafficking.(1-8) Next", [("(1-8)", [1, 2, 3, 4, 5, 6, 7, 8])]),
        ("trafficking. (2–4; 9)", [("(2–4; 9)", [2, 3, 4, 9])]),
        ("mines (1, 3, 4).", [("(1, 3, 4)", [1, 3, 4])]),
        ("mines (1,3,4,7,8).", [("(1,3,4,7,8)", [1, 3, 4, 7, 8])]),
        ("Data from 2016 (2017) and", [("(2017)", "year or large number")]),
        ("Plan (2011–2020)\tAims", [("(2011–2020)", "year or large number")]),
        ("25.1 (1,216,300)", [("(1,216,300)", "amount")]),
        ("children aged (15) and", [("(15)", "age")]),
        ("between (15) years old", [("(15)", "age")]),
        ("Call (202) 693-4843", [("(202)", "phone number")]),
        (
            "objectives: (1) to create jobs, and (2) extend",
            [("(1)", "enumeration"), ("(2)", "enumeration")],
        ),
        ("Table 2 (cont)", []),
        ("(Tier 2)", []),
        ("Article 3(d) of ILO C. 182", []),
    ],
)
def test_marker_detection(text: str, expected: list) -> None:
    assert markers(text) == expected


def test_implausible_range_is_flagged() -> None:
    (m,) = find_numeric_markers("text. (9-2) and")
    assert m.items[0].problem == "implausible range 9-2"


def seg(text: str) -> Document:
    return segment_document(TextReader().read_string(text, "t"))


DOC = """I. PREVALENCE

Children work in agriculture.(1-3) Children beg in streets. (2; 4)
Some are aged (15) years. Data for 2017 (2017) exist. The ILO advises more inspectors. (7)

Table 1. Statistics

Children\tAge\tPercent
Working (% and population)\t5 to 14\t25.1 (1,216,300)
Attending School (%)\t5 to 14\t46.0 (3)

REFERENCES

- First reference. 2018.
- Second reference. 2017.
3. **Third.** Title. 2016.
4. **Fourth.** Title. 2015. Citing (1; 2) inside an entry is not a citation.
"""


def test_resolution_against_numbered_references() -> None:
    doc = seg(DOC)
    assert [r.number for r in doc.bibliography] == [1, 2, 3, 4]
    got = [(c.marker_text, c.item_text, c.target_key, c.target_id) for c in doc.citations]
    assert got == [
        ("(1-3)", "1-3", "1", "1"),
        ("(1-3)", "1-3", "2", "2"),
        ("(1-3)", "1-3", "3", "3"),
        ("(2; 4)", "2", "2", "2"),
        ("(2; 4)", "4", "4", "4"),
        ("(3)", "3", "3", "3"),
    ]
    assert [c.index for c in doc.citations] == [1, 2, 3, 4, 5, 6]
    first = doc.citations[0]
    assert doc.text[first.start : first.end] == "(1-3)"
    assert doc.text[first.item_start : first.item_end] == "1-3"
    assert doc.quote(first.passage) == "Children work in agriculture.(1-3)"
    cell_cite = doc.citations[-1]
    assert cell_cite.passage.kind.value == "table_cell"
    assert doc.quote(cell_cite.passage) == "46.0 (3)"
    # "(7)" is a plausible marker with no reference 7: reported, with offset and reason
    (u,) = doc.unresolved
    assert (u.marker_text, u.item_text) == ("(7)", "7")
    assert u.reason == "no reference 7: the bibliography has 4 numbered entries (highest 4)"
    assert doc.text[u.start : u.end] == "(7)"
    reasons = {s.marker_text: s.reason for s in doc.skipped}
    assert reasons == {"(15)": "age", "(2017)": "year or large number", "(1,216,300)": "amount"}


def test_no_numbered_references_means_no_numeric_citations() -> None:
    doc = seg("Heading\n\nCall (202) 693-4843 or see (1; 2).\n")
    result = find_citations(doc)
    assert result.citations == [] and result.unresolved == []
