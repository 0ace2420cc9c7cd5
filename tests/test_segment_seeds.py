"""Segmentation of the five seed documents: offsets verbatim, structure and counts."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from ctipgraph.read.model import Document, Kind, passage_path
from ctipgraph.segment import load

SEEDS = Path(__file__).resolve().parents[1] / "data" / "sources" / "seeds"
SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))
FINDINGS = "usdol-findings-2017-mali"
SUMMARY = "usdol-project-summary-mali-better-future"
TIP2002 = "tip-report-2002-mali"
TIP2015 = "tip-report-2015-mali"
USAID = "usaid-ctip-research-2021-mali"


@cache
def seed(doc_id: str) -> Document:
    return load(SEEDS / f"{doc_id}.txt")


# --- the invariant, for every block of every seed --------------------------------------------


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_every_block_quotes_its_text_exactly(doc_id: str) -> None:
    doc = seed(doc_id)
    text = doc.text
    blocks = list(doc.blocks())
    assert blocks
    for b in blocks:
        assert 0 <= b.start <= b.end <= len(text), b
        quote = text[b.start : b.end]
        assert quote == b.quote(text)
        if b.end > b.start:
            assert quote == quote.strip(), (b.kind, quote[:60])
    for p in doc.passages():
        quote = doc.quote(p)
        assert quote.strip(), p
    for s in doc.sections:
        assert text[s.start : s.end] == text[s.start : s.end].rstrip()
        assert text[s.start :].startswith(s.heading.quote(text) if s.heading else "")


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_sub_spans_lie_inside_their_blocks(doc_id: str) -> None:
    doc = seed(doc_id)
    for f in doc.fields:
        assert f.label_span is not None
        assert doc.quote(f.label_span) == f.label
        if f.value_span is not None:
            assert " ".join(doc.quote(f.value_span).split()) == f.value
    for t in doc.tables:
        for row in t.rows:
            assert t.start <= row.start and row.end <= t.end
            for c in row.cells:
                assert row.start <= c.start <= c.end <= row.end
                assert "\t" not in doc.quote(c)
        for part in t.parts:
            assert doc.quote(part) == doc.quote(part).strip()
    for n in doc.footnotes:
        assert n.marker_span is not None and n.marker_span.end <= n.start
    for a in doc.acronym_entries:
        assert a.term_span and doc.quote(a.term_span) == a.term
        assert a.expansion_span and " ".join(doc.quote(a.expansion_span).split()) == a.expansion


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_running_headers_are_in_no_passage(doc_id: str) -> None:
    doc = seed(doc_id)
    for p in doc.passages():
        for r in doc.running:
            assert p.end <= r.start or r.end <= p.start, (doc.quote(p)[:60], doc.quote(r))


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_running_passages_do_not_overlap(doc_id: str) -> None:
    doc = seed(doc_id)
    kinds = {Kind.SENTENCE, Kind.LIST_ITEM, Kind.FOOTNOTE, Kind.BIBLIOGRAPHY_ENTRY, Kind.TABLE_ROW}
    flat = sorted((p for p in doc.passages() if p.kind in kinds), key=lambda p: p.start)
    for a, b in zip(flat, flat[1:], strict=False):
        assert a.end <= b.start, (doc.quote(a)[:50], doc.quote(b)[:50])


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_only_markers_and_labels_are_left_outside_blocks(doc_id: str) -> None:
    doc = seed(doc_id)
    covered = bytearray(len(doc.text))
    for b in doc.blocks():
        covered[b.start : b.end] = b"\x01" * (b.end - b.start)
    for f in doc.fields:
        if f.label_span:
            s = f.label_span
            covered[s.start : s.end] = b"\x01" * (s.end - s.start)
    left = "".join(c if not covered[i] else "\x00" for i, c in enumerate(doc.text))
    pieces = {p.strip() for p in left.split("\x00")} - {""}
    allowed = re.compile(r"^(?:\d{1,3}\.|[-*▪•]|\*\*(?:\s*\*\*)?|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)$")
    assert {p for p in pieces if not allowed.match(p)} == set()


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_indexes_and_orders(doc_id: str) -> None:
    doc = seed(doc_id)
    assert [s.index for s in doc.sentences] == list(range(1, len(doc.sentences) + 1))
    assert [i.index for i in doc.list_items] == list(range(1, len(doc.list_items) + 1))
    assert [t.index for t in doc.tables] == list(range(1, len(doc.tables) + 1))
    assert [s.order for s in doc.sections] == list(range(1, len(doc.sections) + 1))
    orders = [p.order for p in doc.passages()]
    assert orders == list(range(1, len(orders) + 1))
    for s in doc.sentences:
        assert s.section == doc.section_at(s.start)


# --- counts per seed -------------------------------------------------------------------------

EXPECTED = {
    # doc: (sections, sentences, list items, tables, rows, footnotes, fields, references)
    FINDINGS: (10, 97, 0, 11, 116, 0, 0, 99),
    SUMMARY: (2, 20, 15, 0, 0, 0, 12, 0),
    TIP2002: (2, 11, 0, 0, 0, 0, 6, 0),
    TIP2015: (2, 49, 0, 0, 0, 0, 0, 0),
}


@pytest.mark.parametrize("doc_id", sorted(EXPECTED))
def test_counts(doc_id: str) -> None:
    doc = seed(doc_id)
    got = (
        len(doc.sections),
        len(doc.sentences),
        len(doc.list_items),
        len(doc.tables),
        sum(len(t.rows) for t in doc.tables),
        len(doc.footnotes),
        len(doc.fields),
        len(doc.bibliography),
    )
    assert got == EXPECTED[doc_id]


# --- USDOL Findings ----------------------------------------------------------------------------


def test_findings_running_banners() -> None:
    doc = seed(FINDINGS)
    assert [doc.quote(r) for r in doc.running] == ["Mali", "MODERATE ADVANCEMENT"] * 3
    assert all(r.kind == Kind.RUNNING_HEADER for r in doc.running)
    assert not any("MODERATE ADVANCEMENT" in doc.quote(s) for s in doc.sentences)


def test_findings_sentence_broken_by_page_banner_comes_in_linked_pieces() -> None:
    doc = seed(FINDINGS)
    first = next(
        s for s in doc.sentences if doc.quote(s) == "However, the law does not specify the"
    )
    assert first.continued_by is not None
    second = doc.sentences[first.continued_by - 1]
    assert second.continues == first.index
    assert doc.quote(second) == "conditions under which light work may be undertaken. (55; 44)"


def test_findings_sections() -> None:
    doc = seed(FINDINGS)
    titles = [s.title for s in doc.sections]
    assert titles[0] == "I. PREVALENCE AND SECTORAL DISTRIBUTION OF CHILD LABOR"
    assert "Labor Law Enforcement" in titles and titles[-1] == "REFERENCES"


def test_findings_tables() -> None:
    doc = seed(FINDINGS)
    assert [t.number for t in doc.tables] == [str(n) for n in range(1, 12)]
    t1 = doc.tables[0]
    assert t1.caption == "Statistics on Children's Work and Education"
    assert t1.header == ["Children", "Age", "Percent"]
    assert [c.quote(doc.text) for c in t1.rows[1].cells] == [
        "Working (% and population)",
        "5 to 14",
        "25.1 (1,216,300)",
    ]
    assert t1.rows[1].cells[2].column_header == "Percent"
    empty = t1.rows[4].cells[1]
    assert empty.is_empty and empty.column == 2 and not empty.is_passage
    # Table 2 is continued under a "(cont)" caption after the page banner
    t2 = doc.tables[1]
    assert len(t2.parts) == 2 and len(t2.continuation_captions) == 1
    assert [r.index for r in t2.rows if r.is_header] == [1, 5]
    assert [r.part for r in t2.rows] == [1] * 4 + [2] * 10
    assert len(t2.rows) == 14
    fishing = t2.rows[3]
    assert [doc.quote(c) for c in fishing.cells] == ["", "Fishing † (8; 13)"]
    assert fishing.cells[1].markers == ("†",)
    assert [(n.marker, doc.quote(n.body)[:20]) for n in t2.notes] == [
        ("†", "Determined by nation"),
        ("‡", "Child labor understo"),
    ]
    t4 = doc.tables[3]
    assert t4.header[1] == "Meets International Standards: Yes/No"
    assert all(len(r.cells) == 4 for r in t4.rows)
    # caption markers and "*" cell markers
    assert doc.tables[8].caption_markers == ("‡",)
    assert doc.tables[9].caption == "Key Social Programs to Address Child Labor"
    glo = next(c for c in doc.tables[9].cells if doc.quote(c).startswith("Global Action Against"))
    assert glo.markers == ("*",)
    t11 = doc.tables[10]
    assert [r.index for r in t11.rows if r.is_header] == [1, 8]
    assert sum(len(t.rows) for t in doc.tables) == 116


def test_findings_table_cells_count() -> None:
    doc = seed(FINDINGS)
    cells = [c for t in doc.tables for c in t.cells]
    assert len(cells) == 314
    assert sum(1 for c in cells if not c.is_empty) == 281


def test_findings_references() -> None:
    doc = seed(FINDINGS)
    refs = doc.bibliography
    assert len(refs) == 99
    assert [r.number for r in refs] == list(range(1, 100))
    assert all(r.number_inferred for r in refs[:18])
    assert not any(r.number_inferred for r in refs[18:])
    assert [r.key for r in refs[:3]] == ["1", "2", "3"]
    r2 = refs[1]
    assert r2.creator == "U.S. Department of State"
    assert r2.title == "Trafficking in Persons Report- 2017: Mali"
    assert r2.date == "June 27, 2017" and r2.year == "2017"
    assert r2.urls == ["https://www.state.gov/j/tip/rls/tiprpt/countries/2017/271237.htm"]
    assert doc.quote(r2).startswith("U.S. Department of State. Trafficking")
    r19 = refs[18]
    assert r19.creator == "Djire, Doussou" and r19.marker == "19."
    assert doc.quote(r19).startswith("**Djire, Doussou.** Orpaillage")
    r45 = refs[44]
    assert r45.same_author_as_previous and r45.creator == "Government of Mali"
    assert r45.date == "Septmeber 23, 1992"  # as printed
    assert refs[2].source_on_file and sum(r.source_on_file for r in refs) == 17
    assert refs[4].date == "2017"  # "Published: 2017", not the accessed date


# --- USDOL project summary -------------------------------------------------------------------


def test_project_summary_fields() -> None:
    doc = seed(SUMMARY)
    values = {f.key: f.value for f in doc.fields}
    assert values["project_duration"] == "August 20, 2003–December 31, 2007"
    assert values["fiscal_year_funding_level"] == "FY 2003: USD 3,000,000"
    assert values["matching_funds"] == "USD 802,455"
    assert values["region_country"] == "AFRICA/Mali"
    assert values["grantee"] == "CARE Mali"
    assert (
        values["implementing_partners"]
        == "World Vision; Ministry of Education, UNICEF, and local NGOs."
    )
    assert values["contact_information"].endswith("(OCFT) (202) 693-4843")
    assert values["project_title"].startswith("A BETTER FUTURE FOR MALI’S CHILDREN: COMBATING")
    duration = doc.metadata["project_duration"]
    assert doc.quote(duration) == "PROJECT DURATION August 20, 2003–December 31, 2007"
    grantee = doc.metadata["grantee"]
    assert doc.quote(grantee) == "CARE Mali" and grantee.label == "GRANTEE"


def test_project_summary_footer_and_lost_bullets() -> None:
    doc = seed(SUMMARY)
    assert [(r.kind, doc.quote(r)) for r in doc.running][0] == (Kind.RUNNING_FOOTER, "Page 1 of 2")
    items = [doc.quote(i) for i in doc.list_items]
    assert len(items) == 15
    assert items[0].startswith("Secure the participation of children")
    assert items[2].startswith("Improve the capacity") and items[2].endswith(
        "exploitive labor through education."
    )
    assert items[3].startswith("Developed and implemented specific recruitment")
    objectives = doc.metadata["project_objectives"].index
    activities = doc.metadata["summary_of_activities"].index
    assert [i.field for i in doc.list_items] == [objectives] * 3 + [activities] * 12


# --- TIP reports -------------------------------------------------------------------------------


def test_tip_2002_refworld_metadata() -> None:
    doc = seed(TIP2002)
    md = {k: f.value for k, f in doc.metadata.items()}
    assert md["publisher"] == "United States Department of State"
    assert md["author"] == "Office to Monitor and Combat Trafficking in Persons"
    assert md["publication_date"] == "5 June 2002"
    assert md["cite_as"].startswith("United States Department of State, U.S. Department")
    assert md["disclaimer"].startswith("This is not a UNHCR publication.")
    assert md["last_updated"] == "Thursday, 26 May 2016, 08:56 GMT"
    assert doc.quote(doc.metadata["disclaimer"]).startswith("DisclaimerThis is")
    assert [s.title for s in doc.sections] == [
        "U.S. Department of State 2002 Trafficking in Persons Report - Mali",
        "Mali (Tier 2)",
    ]
    assert doc.quote(doc.running[0]) == "Search Refworld"
    assert all(s.section == 2 for s in doc.sentences)


def test_tip_2015_headings_and_sentences() -> None:
    doc = seed(TIP2015)
    assert [s.title for s in doc.sections][-1] == "MALI: Tier 2 Watch List"
    assert doc.quote(doc.sentences[0]).startswith("Mali is a source, transit, and destination")
    assert not doc.citations and not doc.bibliography


# --- USAID research ------------------------------------------------------------------------------


def test_usaid_acronyms() -> None:
    doc = seed(USAID)
    listed = [a for a in doc.acronym_entries if a.source == "list"]
    assert len(listed) == 36
    assert doc.acronyms["CNCLTPA"].startswith("National Coordination Committee against Trafficking")
    assert doc.acronyms["M&E"] == "Monitoring and evaluation"
    assert doc.acronyms["GLO.ACT"].startswith("Global Action to Prevent")
    assert not any(doc.quote(s).startswith("AQIM") for s in doc.sentences)


def test_usaid_table_of_contents_is_not_prose() -> None:
    doc = seed(USAID)
    assert len(doc.toc) == 46
    assert doc.toc[0].title == "ACRONYMS" and doc.toc[0].page == "iii"
    glued = next(t for t in doc.toc if t.title == "AWARENESS RAISING" and t.page == "30")
    assert doc.quote(glued) == "AWARENESS RAISING30"
    wrapped = next(t for t in doc.toc if t.page == "31" and "EXTREMISM" in t.title)
    assert "\n" in doc.quote(wrapped)
    assert not any("....." in doc.quote(s) for s in doc.sentences)


def test_usaid_footnotes() -> None:
    doc = seed(USAID)
    assert [n.number for n in doc.footnotes] == list(range(1, 14))
    n12 = doc.footnote(12)
    assert n12 is not None and doc.quote(n12).startswith("In the 2020 data, respondents in urban")
    assert doc.quote(n12.marker_span) == "¹²"
    # body text resumes after the footnote: the sentence comes in two linked pieces
    first = next(s for s in doc.sentences if doc.quote(s).endswith("consistent call for “greater"))
    second = doc.sentences[first.continued_by - 1]
    assert doc.quote(second) == "cohesion between programs,” as one respondent described it."


def test_usaid_paragraph_split_by_blank_line_only_is_one_sentence() -> None:
    doc = seed(USAID)
    s = next(s for s in doc.sentences if "where the\n\ncountry remained" in doc.quote(s))
    assert doc.quote(s).endswith("remained in 2021 as well.¹¹")
    assert s.continues is None and s.continued_by is None


def test_usaid_structure() -> None:
    doc = seed(USAID)
    titles = [s.title for s in doc.sections]
    for t in (
        "EXECUTIVE SUMMARY",
        "BIBLIOGRAPHY",
        "ANNEX A: RECENT POLITICAL AND SECURITY DEVELOPMENTS IN MALI",
        "KEY FINDINGS",
    ):
        assert t in titles
    assert 540 <= len(doc.sentences) <= 580
    assert len(doc.list_items) == 75
    assert doc.list_items[0].marker == "-"
    assert doc.quote(doc.list_items[0]).startswith("Evidence from the studies")
    assert (
        len(doc.tables) == 1
        and doc.tables[0].caption == "Overview of Key Terms for Document Search"
    )
    assert len(doc.tables[0].rows) == 2 and len(doc.tables[0].rows[1].cells) == 4
    md = {k: f.value for k, f in doc.metadata.items()}
    assert md["submitted_by"] == "Jocelyn Kelly Alexandre Monnard Jeffrey Conroy-Krutz Mithila Iyer"
    assert md["contractor"].startswith("NORC at the University of Chicago")


def test_usaid_bibliography() -> None:
    doc = seed(USAID)
    refs = doc.bibliography
    assert len(refs) == 54
    assert all(r.style == "author-year" and r.number is None for r in refs)
    by_key = {r.key: r for r in refs}
    hilson = by_key["Hilson, 2008"]
    assert hilson.ref_id == "hilson-2008" and hilson.surnames == ["Hilson"]
    assert hilson.title.startswith("'A Load Too Heavy'")
    norc = by_key["NORC at the University of Chicago, 2020b"]
    assert norc.ref_id == "norc-at-the-university-of-chicago-2020b"
    assert norc.year == "2020" and norc.year_suffix == "b" and norc.date == "2020b"
    assert by_key["UN Security Council, 2021B"].year_key == "2021B"
    assert by_key["Armand et al., 2020"].creator == "Armand, A., Atwell, P., & Gomes, J. F."
    assert by_key["Armand et al., 2020"].surnames == ["Armand", "Atwell", "Gomes"]
    assert by_key["Tjaden & Dunsch, 2020"].title.startswith("The Effect of Peer-to-Peer")
    assert by_key["ILO, 2009"].creator == "ILO"
    theroux = by_key["Théroux-Bénoni et al., 2016"]
    assert theroux.date == "2016, August" and theroux.urls[0].startswith("https://issafrica")
    # entries without a bullet, one per paragraph, at the end of the list
    upton = by_key["Upton, 2007"]
    assert upton.marker == "" and doc.quote(upton).startswith("Upton, S. (2007).")
    assert len({r.ref_id for r in refs}) == 54


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_passage_paths_are_unique(doc_id: str) -> None:
    doc = seed(doc_id)
    paths = [passage_path(p) for p in doc.passages()]
    assert len(paths) == len(set(paths))
    for p in doc.passages():
        path = passage_path(p)
        assert all(isinstance(x, int) or x.replace("-", "").isalnum() for x in path)


def test_passage_path_examples() -> None:
    doc = seed(FINDINGS)
    assert passage_path(doc.sentences[11]) == ("sentence", 12)
    cell = doc.tables[1].rows[4].cells[0]
    assert passage_path(cell) == ("table", 2, "row", 5, "cell", 1)
    assert passage_path(doc.tables[1].rows[4]) == ("table", 2, "row", 5)
    assert passage_path(doc.bibliography[16]) == ("ref", "17", "entry")
    usaid = seed(USAID)
    note = usaid.footnote(3)
    assert passage_path(note) == ("footnote", note.index)  # its order; the number may repeat
    assert passage_path(usaid.list_items[0]) == ("item", 1)
    assert passage_path(usaid.reference("Hilson, 2008")) == ("ref", "hilson-2008", "entry")
    assert passage_path(seed(SUMMARY).fields[0]) == ("field", 1)
    assert passage_path(doc.headings[0]) == ("heading", 1)
    with pytest.raises(ValueError):
        passage_path(doc.paragraphs[0])
