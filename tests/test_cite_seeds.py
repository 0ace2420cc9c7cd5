"""Citations in the seed documents: counts, resolution, and nothing unresolved that exists."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from ctipgraph.cite.resolve import find_citations
from ctipgraph.read.model import Document, Kind
from ctipgraph.segment import load

SEEDS = Path(__file__).resolve().parents[1] / "data" / "sources" / "seeds"
SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))

#: Unresolved markers that are genuinely absent from a seed's reference list: (doc, item) → reason.
#: None so far; add an entry here (with the reason) when a seed really cites a missing reference.
KNOWN_ABSENT: dict[tuple[str, str], str] = {}

# doc: (citations, distinct markers, by kind)
EXPECTED = {
    "usdol-findings-2017-mali": (349, 167, {"numeric": 349}),
    "usaid-ctip-research-2021-mali": (79, 77, {"author-year": 66, "footnote": 13}),
    "usdol-project-summary-mali-better-future": (0, 0, {}),
    "tip-report-2002-mali": (0, 0, {}),
    "tip-report-2015-mali": (0, 0, {}),
}


@cache
def seed(doc_id: str) -> Document:
    return load(SEEDS / f"{doc_id}.txt")


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_no_unresolved_citations(doc_id: str) -> None:
    doc = seed(doc_id)
    report = [
        f"{doc_id} @{u.start}: {u.marker_text!r} [{u.item_text}] — {u.reason}"
        for u in doc.unresolved
        if (doc_id, u.item_text) not in KNOWN_ABSENT
    ]
    print("\n".join(report) or f"{doc_id}: no unresolved citations")
    assert report == [], "\n" + "\n".join(report)


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_citation_counts(doc_id: str) -> None:
    doc = seed(doc_id)
    total, markers, kinds = EXPECTED[doc_id]
    assert len(doc.citations) == total
    assert len({(c.start, c.end) for c in doc.citations}) == markers
    assert dict(Counter(c.kind for c in doc.citations)) == kinds


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_citations_point_into_passages_and_targets_exist(doc_id: str) -> None:
    doc = seed(doc_id)
    keys = {e.key: e.ref_id for e in doc.bibliography}
    for c in doc.citations:
        assert doc.text[c.start : c.end] == c.marker_text
        assert c.passage is not None and c.passage.is_passage
        assert c.passage.kind != Kind.BIBLIOGRAPHY_ENTRY
        assert c.passage.start <= c.start and c.end <= c.passage.end
        if c.kind == "footnote":
            assert doc.footnote(int(c.target_key)) is not None
        else:
            assert keys[c.target_key] == c.target_id
    assert [c.index for c in doc.citations] == list(range(1, len(doc.citations) + 1))
    assert doc.citations == sorted(doc.citations, key=lambda c: (c.start, c.item_start))


def test_find_citations_is_what_segment_stored() -> None:
    doc = seed("usdol-findings-2017-mali")
    again = find_citations(doc)
    assert [(c.start, c.target_key) for c in again.citations] == [
        (c.start, c.target_key) for c in doc.citations
    ]
    assert again.report() == ""


def test_findings_markers_and_false_friends() -> None:
    doc = seed("usdol-findings-2017-mali")
    first = doc.citations[0]
    assert first.marker_text == "(1; 2; 3; 4; 5; 6)" and first.target_key == "1"
    assert first.passage.kind == Kind.SENTENCE
    assert doc.quote(first.passage).startswith("Children in Mali engage in the worst forms")
    # every one of the 99 references but a few is cited
    cited = {c.target_key for c in doc.citations}
    assert len(cited) >= 95
    # cells of tables carry their own citations
    in_cells = [c for c in doc.citations if c.passage.kind == Kind.TABLE_CELL]
    assert len(in_cells) > 100
    # table notes are sentences with their citations
    note = next(c for c in doc.citations if c.marker_text == "(83; 1; 3)")
    assert note.passage.kind == Kind.SENTENCE and note.passage.table_note
    skipped = Counter(s.reason for s in doc.skipped)
    assert skipped == {"year or large number": 10, "amount": 1, "enumeration": 2}
    assert not any(c.marker_text == "(1,216,300)" for c in doc.citations)


def test_usaid_footnote_and_author_year_markers() -> None:
    doc = seed("usaid-ctip-research-2021-mali")
    notes = [c for c in doc.citations if c.kind == "footnote"]
    assert [c.target_key for c in notes] == [str(n) for n in range(1, 14)]
    assert notes[10].marker_text == "¹¹" and doc.quote(notes[10].passage).endswith("as well.¹¹")
    by_item = {c.item_text: c for c in doc.citations if c.kind == "author-year"}
    assert by_item["Thérout-Bénoni et al., 2016"].target_key == "Théroux-Bénoni et al., 2016"
    assert by_item["Freedom Fund, 2019"].target_id == "the-freedom-fund-2019"
    assert by_item["Dillon, Porreca & Rosati, 2018"].target_key == "Dillon et al., 2018"
    assert by_item["McGillivray, 2010"].target_id == "mcgillivray-2010"
    assert by_item["UN Security Council, 2021B"].target_id == "un-security-council-2021b"
    cited = {c.target_key for c in doc.citations if c.kind == "author-year"}
    uncited = sorted(e.key for e in doc.bibliography if e.key not in cited)
    assert uncited == []
