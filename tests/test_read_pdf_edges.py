"""The PDF reader on small PDFs drawn for one layout each: turned and cropped pages, text over the
page edge, shaded headings that are not tables, tables side by side or without a last rule, a
paragraph under a ruled table, drawn check marks, characters beyond U+FFFF, doubled letters,
column breaks."""

from __future__ import annotations

from pathlib import Path

from _pdfs import drawn_pdf, hline, rect, shape, text
from ctipgraph.read.pdf import PdfReader
from ctipgraph.segment import segment_document

BODY = ["Child labor remains common in the cotton sector of the country, in the",
        "production of rice and in artisanal gold mining, where children carry heavy",
        "loads and are exposed to mercury. The government adopted a new action plan."]


def read(tmp_path: Path, pages: list[dict], name: str = "report"):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(drawn_pdf(pages))
    return PdfReader().read(path)


def body(y: float, x: float = 72) -> str:
    return "".join(text(x, y - 14 * k, line) for k, line in enumerate(BODY))


def table(x: float, top: float, width: float, caption: str, header: tuple[str, ...],
          rows: list[tuple[str, ...]]) -> str:
    """A caption, a shaded header and one ruled row per entry."""
    out = text(x, top + 8, caption, bold=True)
    step = width / len(header)
    out += rect(x, top - 16, width, 14)
    out += "".join(text(x + 3 + k * step, top - 12, h, size=9, bold=True)
                   for k, h in enumerate(header))
    y = top - 16
    for row in rows:
        out += "".join(text(x + 3 + k * step, y - 11, c, size=9) for k, c in enumerate(row))
        y -= 15
        out += hline(x, x + width, y)
    return out


def all_boxes(doc) -> list:
    return [box for run in doc.runs for box in [run.box(run.start, run.end)] if box]


def test_a_turned_landscape_page_and_a_cropped_page(tmp_path: Path) -> None:
    turned = {"rotate": 90, "content": text(100, 72, "Landscape table note on a turned page.",
                                            matrix=(0, 1, -1, 0))}
    cropped = {"cropbox": (50, 100, 612, 742), "content": text(72, 700, "Cropped page text.")}
    doc = read(tmp_path, [{"content": body(740)}, turned, cropped])
    assert "Landscape table note on a turned page." in doc.text
    assert "Cropped page text." in doc.text
    assert doc.pages[1] == (792.0, 612.0) and doc.pages[2] == (562.0, 642.0)
    for box in all_boxes(doc):
        width, height = doc.pages[box.page - 1]
        assert 0 <= box.x0 < box.x1 <= width and 0 <= box.top < box.bottom <= height
    cropped_box = next(b for b in all_boxes(doc) if b.page == 3)
    # measured from the crop box's top left: x 72 - 50, baseline 742 - 700 under the top
    assert abs(cropped_box.x0 - 22) < 1 and 30 < cropped_box.top < 42 < cropped_box.bottom


def test_text_turned_on_an_upright_page_is_left_out_with_a_warning(tmp_path: Path) -> None:
    margin = text(30, 300, "VERTICAL MARGIN NOTE", matrix=(0, 1, -1, 0))
    doc = read(tmp_path, [{"content": body(740) + margin}])
    assert "VERTICAL" not in doc.text and "V E R" not in doc.text
    assert any("at an angle" in w for w in doc.warnings)


def test_a_character_over_the_page_edge_is_boxed_on_the_page(tmp_path: Path) -> None:
    doc = read(tmp_path, [{"content": text(-3, 600, "Edge text starts off the page.")}])
    assert all(box.x0 >= 0 for box in all_boxes(doc))
    assert all(b.x0 >= 0 for b in doc.boxes(0, len(doc.text)))


def test_a_heading_on_a_shaded_bar_is_not_a_table(tmp_path: Path) -> None:
    bar = rect(72, 690, 468, 16) + text(75, 694, "Section 2. Legal Framework", bold=True)
    doc = segment_document(read(tmp_path, [{"content": bar + body(670)}]))
    assert doc.tables == []
    assert any(doc.quote(s).startswith("Child labor remains common") for s in doc.sentences)


def test_two_tables_side_by_side_are_both_read(tmp_path: Path) -> None:
    rows = [("Agriculture", "Cotton"), ("Industry", "Mining")]
    content = (body(740) + table(72, 660, 220, "Table 1. Left", ("Sector", "Activity"), rows)
               + table(320, 660, 220, "Table 2. Right", ("Year", "Count"),
                       [("2017", "12"), ("2018", "15")]))
    doc = segment_document(read(tmp_path, [{"content": content}]))
    found = {t.caption: [[doc.quote(c) for c in r.cells] for r in t.rows] for t in doc.tables}
    assert found["Left"][1:] == [["Agriculture", "Cotton"], ["Industry", "Mining"]]
    assert found["Right"][1:] == [["2017", "12"], ["2018", "15"]]


def test_a_last_row_without_a_rule_under_it_stays_in_the_table(tmp_path: Path) -> None:
    content = table(72, 660, 300, "Table 1. Sectors", ("Sector", "Activity"),
                    [("Agriculture", "Cotton"), ("Industry", "Mining")])
    content += text(75, 660 - 16 - 30 - 11, "Services", size=9)
    content += text(75 + 150, 660 - 16 - 30 - 11, "Vending", size=9)
    content += body(560)
    doc = segment_document(read(tmp_path, [{"content": content}]))
    rows = [[doc.quote(c) for c in r.cells] for r in doc.tables[0].rows]
    assert rows[-1] == ["Services", "Vending"]


def test_a_paragraph_right_under_a_ruled_table_is_not_a_row(tmp_path: Path) -> None:
    content = table(72, 660, 400, "Table 1. Conventions", ("Convention", "Ratification"),
                    [("ILO C. 138, Minimum Age", "Yes"), ("UN CRC", "Yes")])
    content += text(72, 660 - 16 - 30 - 14, "The laws are in line with the standards.", size=9)
    content += body(560)
    doc = segment_document(read(tmp_path, [{"content": content}]))
    rows = [[doc.quote(c) for c in r.cells] for r in doc.tables[0].rows]
    assert rows[-1] == ["UN CRC", "Yes"]
    assert any(doc.quote(s) == "The laws are in line with the standards." for s in doc.sentences)


def test_drawn_check_marks_one_per_cell(tmp_path: Path) -> None:
    def tick(x: float, y: float) -> str:  # a check mark as a six-point polygon
        return shape([(x, y + 4), (x + 2, y + 6), (x + 4, y + 3), (x + 9, y + 9),
                      (x + 10, y + 8), (x + 4, y)])

    content = text(72, 668, "Table 3. Ratification of International Conventions", bold=True)
    content += rect(72, 644, 400, 14) + text(75, 648, "Convention", size=9, bold=True)
    content += text(375, 648, "Ratification", size=9, bold=True)
    y = 644
    for k, label in enumerate(["ILO C. 138", "UN CRC", "Palermo Protocol"]):
        content += text(75, y - 11, label, size=9)
        if k == 0:
            content += tick(405, y - 12)
        if k == 1:  # a mark drawn as two overlapping shapes
            content += tick(405, y - 12) + tick(406, y - 12)
        y -= 15
        content += hline(72, 472, y)
    doc = segment_document(read(tmp_path, [{"content": content}]))
    marks = [doc.quote(r.cells[-1]) for r in doc.tables[0].rows[1:]]
    assert marks == ["✓", "✓", ""]


def test_doubled_letters_stay_and_a_page_drawn_twice_is_read_once(tmp_path: Path) -> None:
    line = text(72.3, 700, "illegal skills in small type", size=6)
    doubled = text(72, 650, "Drawn twice.") + text(72, 650, "Drawn twice.")
    doc = read(tmp_path, [{"content": line + doubled}])
    assert "illegal skills in small type" in doc.text
    assert doc.text.count("Drawn twice.") == 1


def test_a_sentence_goes_on_in_the_next_column_after_a_capital(tmp_path: Path) -> None:
    left = "".join(text(54, 700 - 12 * k, f"Left column line {k} of the text goes on and") for k
                   in range(6))
    left += text(54, 628, "with the help of the Ministry of")
    right = text(320, 700, "Labor and the police, children were withdrawn.")
    right += "".join(text(320, 688 - 12 * k, f"Right column line {k} ends here.") for k in range(6))
    doc = read(tmp_path, [{"content": left + right}])
    assert "the Ministry of Labor and the police" in doc.text
