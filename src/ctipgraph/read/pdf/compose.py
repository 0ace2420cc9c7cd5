"""Pages of paragraphs and tables → the normalized text, and where each line of it is drawn.

The text follows the conventions every segmenter reads (as in the plain-text sources): one line
per paragraph, a blank line between blocks, a table as its caption line followed by one line per
row with the cells separated by tabs. A line ending in a hyphen joins the next without a space
("child-" + "labor"), as does a web address broken over two lines.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..model import TextRun
from .flow import MARKER, Paragraph, Row
from .lines import Line
from .tables import Cell, PdfTable

_CLOSED = re.compile(r"[.!?:;][\"”’)]?\s*(?:\((?:\s*[\d\s,;–-]+)\))?\s*$")
_URL_TAIL = re.compile(r"(?:https?://|www\.)\S*$|\S+/$")


@dataclass
class PageItem:
    """A paragraph or a table of a page, placed by its top edge."""

    top: float
    paragraph: Paragraph | None = None
    table: PdfTable | None = None


def is_open(par: Paragraph) -> bool:
    """Whether a paragraph stops mid-sentence (and may go on on the next page)."""
    return _CLOSED.search(par.text) is None


def continues_on(par: Paragraph, nxt: Paragraph) -> bool:
    """Whether ``nxt`` (first paragraph of the next page) goes on with ``par``."""
    if par.bold or nxt.bold or abs(par.size - nxt.size) > 0.6:
        return False
    text = nxt.text.lstrip()
    if MARKER.match(text) and MARKER.match(par.text.lstrip()):
        return False  # the next item of a list (a reference list runs on over pages)
    return is_open(par) or text[:1].islower()


def _glue(before: str, after: str) -> str:
    """What separates two lines of one paragraph or cell."""
    if not before or not after:
        return ""
    if before.endswith("-") and len(before) > 1 and before[-2].isalnum() and after[0].isalnum():
        return ""
    if _URL_TAIL.search(before) and not after[0].isupper():
        return ""
    return " "


class TextBuilder:
    """Appends text and records, for every written line, where it is drawn."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.runs: list[TextRun] = []
        self._last = ""

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.pos += len(text)
        if text:
            self._last = text

    def line(self, line: Line) -> None:
        text = unicodedata.normalize("NFC", line.text)
        lefts, rights = line.lefts, line.rights
        if len(text) != len(line.text):  # composed accents: spread the line's edges evenly
            step = (line.x1 - line.x0) / max(len(text), 1)
            lefts = [line.x0 + k * step for k in range(len(text))]
            rights = [line.x0 + (k + 1) * step for k in range(len(text))]
        self.runs.append(TextRun(self.pos, self.pos + len(text), line.page, round(line.top, 2),
                                 round(line.bottom, 2), tuple(round(v, 2) for v in lefts),
                                 tuple(round(v, 2) for v in rights)))
        self.write(text)

    def lines(self, lines: list[Line]) -> None:
        """Lines of one paragraph or cell, joined."""
        for k, line in enumerate(lines):
            if k:
                self.write(_glue(self._last, line.text))
            self.line(line)

    def text(self) -> str:
        return "".join(self.parts)


def _row_lines(rows: list[Row]) -> list[Line]:
    return [ln for row in rows for ln in row.lines]


def _cell(builder: TextBuilder, cell: Cell) -> None:
    builder.lines(cell.lines)


def write_table(builder: TextBuilder, table: PdfTable) -> None:
    if table.caption:
        builder.lines(table.caption)
        builder.write("\n\n")
    for row in [table.header, *table.rows]:
        for k, cell in enumerate(row):
            if k:
                builder.write("\t")
            _cell(builder, cell)
        builder.write("\n")
    builder.write("\n")


def compose(pages: list[list[PageItem]]) -> tuple[str, list[TextRun]]:
    """The text of the document and its runs, paragraphs continued across pages joined."""
    sequence: list[PageItem] = []
    for items in pages:
        items = list(items)
        last = next((it for it in reversed(sequence) if it.paragraph or it.table), None)
        if last is not None and last.paragraph is not None:
            first = next((k for k, it in enumerate(items) if it.paragraph is not None), None)
            if first is not None and continues_on(last.paragraph, items[first].paragraph):
                last.paragraph.rows.extend(items[first].paragraph.rows)
                del items[first]
        sequence.extend(items)
    builder = TextBuilder()
    for item in sequence:
        if item.paragraph is not None:
            builder.lines(_row_lines(item.paragraph.rows))
            builder.write("\n\n")
        elif item.table is not None:
            write_table(builder, item.table)
    return builder.text(), builder.runs
