"""The PDF reader on the Mali Findings as published (2013–2021): reading order, furniture,
tables, references, citations, page boxes — and the 2017 PDF read the same as its text."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from rapidfuzz import fuzz
from rdflib import RDF

from ctipgraph.extract import extract
from ctipgraph.link.lexicon import load_lexicon
from ctipgraph.namespaces import CTIP
from ctipgraph.paths import SOURCES_DIR
from ctipgraph.read import read, reader_for
from ctipgraph.read.model import Document, Kind
from ctipgraph.read.pdf import PdfReader
from ctipgraph.segment import load, segment_document
from ctipgraph.sources import load_sidecar

PDFS = sorted((SOURCES_DIR / "pdf").glob("*.pdf"))
YEARS = {int(re.search(r"(\d{4})", p.stem).group(1)): p for p in PDFS}
SEED_2017 = SOURCES_DIR / "seeds" / "usdol-findings-2017-mali.txt"


@cache
def doc(year: int) -> Document:
    return load(YEARS[year])


@cache
def seed() -> Document:
    return load(SEED_2017)


def typographic(text: str) -> str:
    """Text with the differences of two transcriptions of one page removed: curly quotes,
    markdown emphasis and escapes, spacing around note markers, runs of white space."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))
    text = text.replace("\\$", "$").replace("**", "").replace("*", "")
    text = re.sub(r"\s*([†‡])\s*", r"\1 ", text)
    return " ".join(text.split())


def test_the_pdf_reader_is_registered_for_pdf_files() -> None:
    assert isinstance(reader_for("report.PDF"), PdfReader)


@pytest.mark.parametrize("year", sorted(YEARS))
def test_running_headers_footers_and_off_page_text_are_not_in_the_text(year: int) -> None:
    text = doc(year).text
    assert "FINDINGS ON THE WORST FORMS OF CHILD LABOR" not in text  # footer, some off-page
    assert "BUREAU OF INTERNATIONAL LABOR AFFAIRS" not in text
    assert not re.search(r"^(MODERATE|MINIMAL|SIGNIFICANT) ADVANCEMENT", text, re.M)
    assert not re.search(r"^Mali$", text, re.M)


@pytest.mark.parametrize("year", sorted(YEARS))
def test_every_year_has_its_tables_references_and_resolved_citations(year: int) -> None:
    d = doc(year)
    numbers = [t.number for t in d.tables]
    expected = 9 if year <= 2014 else 11  # nine tables until 2014, eleven after
    assert numbers == [str(n) for n in range(1, expected + 1)]
    refs = [e.number for e in d.bibliography]
    assert refs == list(range(1, len(refs) + 1)) and len(refs) >= 80
    assert not any(e.number_inferred for e in d.bibliography)
    assert len(d.citations) >= 250 and d.unresolved == []


def test_the_opening_summary_beside_the_map_is_one_paragraph() -> None:
    d = doc(2017)
    first = d.sentences[0]
    assert d.quote(first).startswith("In 2017, Mali made a moderate advancement")
    paragraph = d.paragraphs[0]
    assert d.quote(paragraph).endswith("hereditary slavery, and debt bondage.")


def test_characters_drawn_twice_are_read_once() -> None:
    text = doc(2017).text
    assert "TTaabbllee" not in text
    assert "Table 10. Key Social Programs to Address Child Labor‡ (cont)" in text


def test_a_sentence_broken_by_a_page_break_is_one_sentence() -> None:
    d = doc(2017)
    sentence = next(s for s in d.sentences
                    if d.quote(s).startswith("However, the law does not specify the conditions"))
    assert d.quote(sentence).endswith("light work may be undertaken. (55; 44)")
    pages = {b.page for b in d.boxes(sentence.start, sentence.end)}
    assert pages == {3, 4}


def test_a_line_end_hyphen_joins_a_compound() -> None:
    text = doc(2017).text
    assert "cotton-producing countries" in text
    assert "cotton- producing" not in text


def test_a_table_continued_on_the_next_page_is_one_table() -> None:
    table = doc(2017).tables[1]
    assert table.number == "2" and len(table.parts) == 2
    assert len(table.continuation_captions) == 1
    first_column = [r.cells[0] for r in table.rows if not r.is_header and not r.cells[0].is_empty]
    names = [doc(2017).quote(c) for c in first_column]
    assert names == ["Agriculture", "Industry", "Services",
                     "Categorical Worst Forms of Child Labor‡"]


def test_a_cell_spanning_several_rows_stays_in_its_first_row() -> None:
    d = doc(2021)
    table = d.tables[1]
    rows = [[d.quote(c) for c in r.cells] for r in table.rows]
    categorical = next(r for r in rows if r[0].startswith("Categorical"))
    assert categorical[0] == "Categorical Worst Forms of Child Labor‡"
    assert categorical[1].startswith("Forced labor in artisanal mining")


@pytest.mark.parametrize("year", sorted(YEARS))
def test_ratification_check_marks_are_read_from_the_drawing(year: int) -> None:
    d = doc(year)
    table = d.tables[2]
    assert "Ratification" in (table.caption or "")
    marks = [d.quote(r.cells[-1]) for r in table.rows if not r.is_header]
    assert marks == ["✓"] * 6


def test_a_table_drawn_without_vertical_rules_has_its_columns() -> None:
    d = doc(2014)
    table = d.tables[0]
    assert table.header == ["Children", "Age", "Percent"]
    rows = [[d.quote(c) for c in r.cells] for r in table.rows if not r.is_header]
    assert rows == [["Working (% and population)", "5-14 yrs.", "25.1 (1,216,300)"],
                    ["Attending School (%)", "5-14 yrs.", "46.0"],
                    ["Combining Work and School (%)", "7-14 yrs.", "13.4"],
                    ["Primary Completion Rate (%)", "", "58.7"]]


def test_a_reference_starting_with_digits_is_kept_whole() -> None:
    d = doc(2016)
    entry = next(e for e in d.bibliography if d.quote(e).startswith("50forFreedom"))
    assert entry.number == 40


def test_references_without_a_period_after_the_number() -> None:
    d = doc(2019)
    # as printed: no space after "Mali."
    assert d.quote(d.bibliography[50]).startswith("Government of Mali.Arrete 2017-4388")
    assert d.bibliography[50].number == 51 and d.bibliography[50].source_on_file


@pytest.mark.parametrize(("year", "marker"), [(2014, "(48, 55)"), (2016, "(1-4)"),
                                              (2017, "(1; 2; 3; 4; 5; 6)"),
                                              (2019, "(1-6)"), (2021, "(3,7,11,13,33,34)")])
def test_citation_styles_of_the_series(year: int, marker: str) -> None:
    d = doc(year)
    found = [c for c in d.citations if c.marker_text == marker]
    assert found, f"{marker} not found as a citation in {year}"
    assert all(d.reference(c.target_id) is not None for c in found)


@pytest.mark.parametrize("year", sorted(YEARS))
def test_every_line_of_text_is_drawn_somewhere_in_order(year: int) -> None:
    d = doc(year)
    covered = 0
    for a, b in zip(d.runs, d.runs[1:], strict=False):
        assert a.end <= b.start  # in text order, never overlapping
    for run in d.runs:
        assert len(run.lefts) == len(run.rights) == run.end - run.start > 0
        assert all(left <= right for left, right in zip(run.lefts, run.rights, strict=True))
        width, height = d.pages[run.page - 1]
        assert run.lefts[0] >= 0 and run.rights[-1] <= width and 0 <= run.top < run.bottom
        assert run.bottom <= height
        covered += run.end - run.start
    # every character but the line and cell separators is drawn
    separators = sum(1 for ch in d.text if ch in " \t\n")
    assert covered >= len(d.text) - separators
    for block in d.passages():
        boxes = d.boxes(block.start, block.end)
        assert boxes, d.quote(block)[:60]
        for box in boxes:
            width, height = d.pages[box.page - 1]
            assert 0 <= box.x0 < box.x1 <= width and 0 <= box.top < box.bottom <= height


def test_page_boxes_follow_the_text() -> None:
    d = doc(2019)
    assert len(d.pages) == 12
    opening = d.boxes(d.sentences[0].start, d.sentences[0].end)
    assert [b.page for b in opening] == [1] and opening[0].top < 100
    heading = next(h for h in d.headings if h.title.startswith("II. LEGAL FRAMEWORK"))
    [box] = d.boxes(heading.start, heading.end)
    first = next(s for s in d.sentences if s.start > heading.end)
    assert box.bottom <= d.boxes(first.start, first.end)[0].top + 1  # the text below it


def test_a_text_source_has_no_pages() -> None:
    d = read(SEED_2017)
    assert d.pages == [] and d.boxes(0, 10) == []


# -- the 2017 report: its PDF and its text are one document -----------------------------------


def test_the_pdf_and_the_text_give_the_same_tables_and_cells() -> None:
    a, b = seed(), doc(2017)
    assert [t.number for t in a.tables] == [t.number for t in b.tables]
    assert [typographic(t.caption or "") for t in a.tables] == [
        typographic(t.caption or "") for t in b.tables]
    cells_a = [typographic(a.quote(c)) for t in a.tables for r in t.rows for c in r.cells]
    cells_b = [typographic(b.quote(c)) for t in b.tables for r in t.rows for c in r.cells]
    assert len(cells_a) == len(cells_b)
    same = sum(1 for x, y in zip(cells_a, cells_b, strict=True) if x == y)
    assert same / len(cells_a) >= 0.99, [
        (x, y) for x, y in zip(cells_a, cells_b, strict=True) if x != y]
    assert all(fuzz.ratio(x, y) >= 95 for x, y in zip(cells_a, cells_b, strict=True))


def test_the_pdf_and_the_text_give_the_same_references_and_citations() -> None:
    a, b = seed(), doc(2017)
    assert [e.key for e in a.bibliography] == [e.key for e in b.bibliography]
    for x, y in zip(a.bibliography, b.bibliography, strict=True):
        assert fuzz.ratio(typographic(a.quote(x)), typographic(b.quote(y))) >= 90, x.key
    assert [(c.marker_text, c.target_key) for c in a.citations] == [
        (c.marker_text, c.target_key) for c in b.citations]


def _facts(d: Document, sidecar: Path) -> set[tuple[str, str, str]]:
    d.doc_id = "usdol-findings-2017-mali"
    graph = extract(d, load_lexicon(), meta=load_sidecar(sidecar)).graph
    facts = set()
    for claim in graph.subjects(RDF.type, CTIP.Claim):
        predicate = graph.value(claim, RDF.predicate)
        if predicate != CTIP.mentionedIn:
            facts.add((str(graph.value(claim, RDF.subject)), str(predicate),
                       typographic(str(graph.value(claim, RDF.object)))))
    return facts


def test_the_pdf_and_the_text_give_the_same_facts() -> None:
    from_text = _facts(segment_document(read(SEED_2017)), SEED_2017.with_suffix(".meta.toml"))
    pdf = YEARS[2017]
    from_pdf = _facts(segment_document(read(pdf)), pdf.with_name(pdf.stem + ".meta.toml"))
    assert len(from_text) > 400
    assert from_text == from_pdf


def test_the_running_lines_are_kept_apart_from_the_text() -> None:
    d = doc(2017)
    assert not [b for b in d.blocks() if b.kind in (Kind.RUNNING_HEADER, Kind.RUNNING_FOOTER)]
    running = {text for _page, text in d.furniture}
    assert {"Mali", "MODERATE ADVANCEMENT",
            "2017 FINDINGS ON THE WORST FORMS OF CHILD LABOR"} <= running
    assert any(text.isdigit() for text in running)  # the page numbers are furniture too
    lines = {text for text in running - {"Mali"} if not text.isdigit()}
    assert not any(text in d.quote(s) for s in d.sentences for text in lines)
