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
from .flow import Paragraph, runs_on
from .lines import Line
from .tables import PdfTable

_URL_TAIL = re.compile(r"(?:https?://|www\.)\S*$|\S+/$")


@dataclass
class PageItem:
    """A paragraph or a table of a page, placed by its top edge."""

    top: float
    paragraph: Paragraph | None = None
    table: PdfTable | None = None


def continues_on(par: Paragraph, nxt: Paragraph) -> bool:
    """Whether ``nxt`` (the first paragraph of the next page) goes on with ``par`` (never a
    heading, which is set bold)."""
    return not (par.bold or nxt.bold) and runs_on(par, nxt.rows[0])


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
        """Write a line and record where it is drawn."""
        raw = line.text
        text = unicodedata.normalize("NFC", raw)
        lefts, rights = line.lefts, line.rights
        if len(text) != len(raw):  # rare: accents ``lines`` could not compose; spread evenly
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


def write_table(builder: TextBuilder, table: PdfTable) -> None:
    if table.caption:
        builder.lines(table.caption)
        builder.write("\n\n")
    for row in [table.header, *table.rows]:
        for k, cell in enumerate(row):
            if k:
                builder.write("\t")
            builder.lines(cell.lines)
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
            builder.lines([ln for row in item.paragraph.rows for ln in row.lines])
            builder.write("\n\n")
        elif item.table is not None:
            write_table(builder, item.table)
    return builder.text(), builder.runs
