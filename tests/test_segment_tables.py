"""Tab-separated tables on made-up variants: wrapped rows, "(cont)" continuations, ragged rows,
markers and notes, uncaptioned tables."""

from __future__ import annotations

from ctipgraph.read.model import Document
from ctipgraph.read.text import TextReader
from ctipgraph.segment import segment_document


def seg(text: str) -> Document:
    return segment_document(TextReader().read_string(text, "t"))


def cells(doc: Document, table: int = 0) -> list[list[str]]:
    return [[doc.quote(c) for c in r.cells] for r in doc.tables[table].rows]


def test_caption_header_rows_and_column_headers() -> None:
    doc = seg(
        "I. LEGAL FRAMEWORK\n\n"
        "Table 3. Ratification of International Conventions on Child Labor\n\n"
        "Convention\tRatification\n"
        " ILO C. 138, Minimum Age\t✓\n"
        "UN CRC\t✓\n\n"
        "The government has laws. (4)\n"
    )
    (t,) = doc.tables
    assert t.number == "3" and t.index == 1
    assert t.caption == "Ratification of International Conventions on Child Labor"
    assert doc.quote(t.caption_span) == t.caption
    assert cells(doc) == [
        ["Convention", "Ratification"],
        ["ILO C. 138, Minimum Age", "✓"],
        ["UN CRC", "✓"],
    ]
    assert [r.is_header for r in t.rows] == [True, False, False]
    assert t.rows[1].cells[1].column_header == "Ratification"
    assert t.rows[0].cells[0].column_header is None
    assert [(c.row, c.column) for c in t.rows[2].cells] == [(3, 1), (3, 2)]
    assert t.section == 1 and t.rows[2].cells[1].section == 1
    assert [doc.quote(s) for s in doc.sentences] == ["The government has laws. (4)"]


def test_colon_caption_and_roman_number() -> None:
    doc = seg("Table IV: Overview of Key Terms\n\nA\tB\n1\t2\n")
    assert doc.tables[0].number == "IV" and doc.tables[0].caption == "Overview of Key Terms"


def test_wrapped_rows_are_joined() -> None:
    doc = seg(
        "Table 1. Laws\n\n"
        "Standard\tAge\tLegislation\n"
        "Minimum Age for Work\t15\tArticle L.187 of the Law\n"
        "2017-021 modifying the Labor Code (44)\n"
        "Minimum Age for\n"
        "Hazardous Work\t18\tHazardous Occupations List (45)\n"
        "Compulsory Education Age\t15‡\tArticles 26 and 34 (53)\n"
    )
    assert cells(doc) == [
        ["Standard", "Age", "Legislation"],
        [
            "Minimum Age for Work",
            "15",
            "Article L.187 of the Law\n2017-021 modifying the Labor Code (44)",
        ],
        ["Minimum Age for\nHazardous Work", "18", "Hazardous Occupations List (45)"],
        ["Compulsory Education Age", "15‡", "Articles 26 and 34 (53)"],
    ]
    row = doc.tables[0].rows[1]
    assert doc.quote(row).endswith("Labor Code (44)") and "\n" in doc.quote(row)
    assert doc.tables[0].rows[3].cells[1].markers == ("‡",)


def test_table_continued_after_page_banner_under_cont_caption() -> None:
    doc = seg(
        "Table 2. Overview of Children's Work by Sector and Activity\n\n"
        "Sector/Industry\tActivity\n"
        "Agriculture\tCultivating, † harvesting † (7; 8)\n"
        "\tFishing † (8; 13)\n\n"
        "Mali\n\n"
        "MODERATE ADVANCEMENT\n\n"
        "Table 2. Overview of Children’s Work by Sector and Activity (cont)\n\n"
        "Sector/Industry\tActivity\n"
        "Industry\tArtisanal gold mining † (15; 16)\n\n"
        "† Determined by national law or regulation as hazardous.\n\n"
        "Children, especially of the Bellah community, are subject to slavery.\n\n"
        "Mali\n\n"
        "MODERATE ADVANCEMENT\n\n"
        "conditions under which light work may be undertaken.\n"
    )
    (t,) = doc.tables
    assert len(t.rows) == 5 and len(t.parts) == 2
    assert [r.is_header for r in t.rows] == [True, False, False, True, False]
    assert [r.part for r in t.rows] == [1, 1, 1, 2, 2]
    assert [r.index for r in t.rows] == [1, 2, 3, 4, 5]
    assert t.rows[4].cells[1].column_header == "Activity"
    assert [doc.quote(r) for r in doc.running] == ["Mali", "MODERATE ADVANCEMENT"] * 2
    assert [(n.marker, n.table) for n in t.notes] == [("†", 1)]
    note_sentence = next(s for s in doc.sentences if s.table_note)
    assert doc.quote(note_sentence).startswith("† Determined by national law")
    for r in t.rows:
        for run in doc.running:
            assert r.end <= run.start or run.end <= r.start


def test_uncaptioned_continuation_after_banner_only() -> None:
    doc = seg(
        "Table 6. Enforcement\n\n"
        "Overview\t2016\t2017\n"
        "Funding\t$48,000 (57)\t$71,942 (1)\n\n"
        "Page 2 of 5\n\n"
        "Inspectors\t100 (57)\t109 (1)\n"
        "Penalties\tYes (57)\tYes (1)\n"
    )
    (t,) = doc.tables
    assert len(t.rows) == 4 and len(t.parts) == 2
    assert [r.is_header for r in t.rows] == [True, False, False, False]


def test_ragged_rows_do_not_break_anything() -> None:
    doc = seg("Table 7. Ragged\n\nA\tB\tC\nonly one cell\nx\ty\np\tq\tr\ts\tt\n\t\t\t\nlast\t\tz\n")
    (t,) = doc.tables
    got = cells(doc)
    assert got[0] == ["A", "B", "C\nonly one cell"]  # a line without tabs continues a cell
    assert ["p", "q", "r", "s", "t"] in got
    extra = next(r for r in t.rows if len(r.cells) == 5)
    assert extra.cells[4].column_header is None
    for r in t.rows:
        for c in r.cells:
            assert r.start <= c.start <= c.end <= r.end
            assert doc.quote(c) == doc.quote(c).strip()
    # a row of empty cells is a blank line: the rows after it continue the same table
    assert got[-1] == ["last", "", "z"]
    assert not any(c.is_passage for c in t.rows[-1].cells if c.is_empty)


def test_markers_in_caption_and_cells_and_their_notes() -> None:
    doc = seg(
        "Table 10. Key Social Programs to Address Child Labor‡ (cont)\n\n"
        "Program\tDescription\n"
        "GLO ACT*\t$13 million EU-funded project. (1)\n\n"
        "* Program was launched during the reporting period.\n\n"
        "‡ The government had other social programs. (1; 95)\n\n"
        "[‡] A bracketed note.\n"
    )
    (t,) = doc.tables
    assert t.caption == "Key Social Programs to Address Child Labor"
    assert t.caption_markers == ("‡",)
    assert t.rows[1].cells[0].markers == ("*",)
    assert [n.marker for n in t.notes] == ["*", "‡", "‡"]
    assert [doc.quote(n.body) for n in t.notes][
        0
    ] == "Program was launched during the reporting period."
    assert sum(1 for s in doc.sentences if s.table_note) == 3
    assert not doc.list_items  # "* Program …" is a table note, not a bullet


def test_caption_without_rows_is_not_a_table() -> None:
    doc = seg("Table 1. A caption whose table was lost\n\nThe text goes on here.\n")
    assert not doc.tables
