"""Reading order of a page's running text: one full-width column, or two columns where the
page (or part of it) is set in two — read left column first, then right — and paragraphs.

A gutter is a vertical strip near the middle of the page that the text of several rows leaves
empty on both sides; consecutive rows that do not cross it, with text on both sides of it in at
least two of them, are set in two columns. Everything else is read row by row.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from .chars import BULLETS, NOTE_MARKS
from .lines import Line

#: A vertical gap larger than this (× line height) between two lines starts a paragraph.
PARAGRAPH_GAP = 0.45
#: How a finished sentence ends: a stop, maybe a quote or bracket, maybe its citation "(7; 8; 1)".
SENTENCE_END = re.compile(r"[.!?:;][\"”’)]?\s*(?:\((?:\s*[\d\s,;–-]+)\))?\s*$")
#: Type sizes closer than this (points) are one size; indents smaller than INDENT are none.
SAME_SIZE, INDENT = 0.6, 4.0
MARKER = re.compile(rf"^(?:\d{{1,3}}[.)]?|[{BULLETS}\-{re.escape(NOTE_MARKS)}]+|\(?[a-z0-9]\))\s")


@dataclass
class Row:
    """Lines sharing a baseline within one column, read as one line of text."""

    lines: list[Line]
    column_start: bool = False  # the first row of a column after the column to its left
    column_x0: float | None = None  # the left edge of its column, where known

    @property
    def x0(self) -> float:
        return self.lines[0].x0

    @property
    def x1(self) -> float:
        return self.lines[-1].x1

    @property
    def top(self) -> float:
        return min(ln.top for ln in self.lines)

    @property
    def bottom(self) -> float:
        return max(ln.bottom for ln in self.lines)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def text(self) -> str:
        return " ".join(ln.text for ln in self.lines)

    @property
    def size(self) -> float:
        return max(ln.size for ln in self.lines)

    @property
    def bold(self) -> bool:
        return all(ln.bold for ln in self.lines)


@dataclass
class Paragraph:
    """Consecutive rows of one block of text."""

    rows: list[Row] = field(default_factory=list)

    @property
    def top(self) -> float:
        return self.rows[0].top

    @property
    def size(self) -> float:
        return statistics.median(r.size for r in self.rows)

    @property
    def bold(self) -> bool:
        return all(r.bold for r in self.rows)

    @property
    def text(self) -> str:
        return " ".join(r.text for r in self.rows)


def baseline_rows(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped by baseline (vertical overlap of their middles), top to bottom."""
    out: list[list[Line]] = []
    for ln in sorted(lines, key=lambda ln: (ln.middle, ln.x0)):
        if out and abs(out[-1][0].middle - ln.middle) <= 0.4 * max(ln.height, 1.0):
            out[-1].append(ln)
        else:
            out.append([ln])
    for row in out:
        row.sort(key=lambda ln: ln.x0)
    return out


def _zones(lines: list[Line], c: float) -> list[tuple[list[Line], list[Line]]]:
    """Runs of lines (top to bottom) that no line crosses at ``c``, split into the lines left
    of ``c`` and right of it; a line crossing ``c`` is a run of its own (left side)."""
    zones: list[tuple[list[Line], list[Line]]] = []
    current: tuple[list[Line], list[Line]] = ([], [])
    for ln in sorted(lines, key=lambda ln: (ln.top, ln.x0)):
        if ln.x0 < c - 1 and ln.x1 > c + 1:
            if current[0] or current[1]:
                zones.append(current)
            zones.append(([ln], []))
            current = ([], [])
        elif ln.x1 <= c + 1:
            current[0].append(ln)
        else:
            current[1].append(ln)
    if current[0] or current[1]:
        zones.append(current)
    return zones


def find_gutter(lines: list[Line], width: float) -> float | None:
    """The x of a column gutter, or None when the page is set in one column.

    Candidates sit just left of where lines start in the middle of the page. A candidate is
    scored by how many lines lie in runs that no line crosses and that have lines on both sides
    (two columns); of the best, the leftmost is the gutter, so that the gap between a
    reference's number and its text, inside the right column, is not taken for it.
    """
    starts = {round(ln.x0) for ln in lines if 0.3 * width < ln.x0 < 0.7 * width}
    scored: list[tuple[int, float]] = []
    for start in sorted(starts):
        c = start - 2
        in_columns = 0
        channel = float("inf")
        for left, right in _zones(lines, c):
            if len(left) >= 2 and len(right) >= 2:
                in_columns += len(left) + len(right)
                channel = min(channel, min(ln.x0 for ln in right) - max(ln.x1 for ln in left))
        if in_columns >= 6 and channel >= 4:
            scored.append((in_columns, c))
    if not scored:
        return None
    most = max(n for n, _c in scored)
    return min(c for n, c in scored if n >= 0.95 * most)


def reading_order(lines: list[Line], width: float) -> list[Row]:
    """The page's text lines as rows in reading order: where the page is set in two columns,
    the left column's rows, then the right column's."""
    gutter = find_gutter(lines, width)
    if gutter is None:
        return [Row(r) for r in baseline_rows(lines)]
    out: list[Row] = []
    for left, right in _zones(lines, gutter):
        if len(left) >= 2 and len(right) >= 2:
            lx0 = min(ln.x0 for ln in left)
            rx0 = min(ln.x0 for ln in right)
            right_rows = [Row(r, column_x0=rx0) for r in baseline_rows(right)]
            right_rows[0].column_start = True
            out += [Row(r, column_x0=lx0) for r in baseline_rows(left)] + right_rows
        else:
            out += [Row(r) for r in baseline_rows(left + right)]
    return out


def paragraphs(rows: list[Row]) -> list[Paragraph]:
    """Rows grouped into paragraphs: by spacing, type, and hanging indents of numbered lists."""
    out: list[Paragraph] = []
    for k, row in enumerate(rows):
        # the right edge of the text around the previous row, in its column (a column beside
        # a map is narrow)
        near = [r for r in rows[max(0, k - 4):k + 3] if r.column_x0 == rows[k - 1].column_x0]
        right = max((r.x1 for r in near), default=None)
        if out and _continues(out[-1], row, right):
            out[-1].rows.append(row)
        else:
            out.append(Paragraph([row]))
    return out


def is_open(text: str) -> bool:
    """Whether a paragraph's text stops mid-sentence."""
    return SENTENCE_END.search(text) is None


def runs_on(par: Paragraph, row: Row) -> bool:
    """Whether ``row``, at the top of the next column or page, goes on with ``par``: the same
    type, and either the wrapped line of the same list item (indented under its number) or the
    rest of an unfinished sentence — never the next item of a list."""
    prev = par.rows[-1]
    if row.bold != prev.bold or abs(row.size - prev.size) > SAME_SIZE:
        return False
    item = MARKER.match(par.rows[0].text) is not None
    if MARKER.match(row.text):
        return not item and is_open(par.text)  # "… employed" / "60 labor inspectors …"
    indented = row.column_x0 is not None and row.x0 > row.column_x0 + INDENT
    return (item and indented) or is_open(par.text) or row.text[:1].islower()


def _continues(par: Paragraph, row: Row, par_right: float | None = None) -> bool:
    prev = par.rows[-1]
    if row.column_start:  # top of the next column: the item or sentence may go on there
        return runs_on(par, row)
    gap = row.top - prev.bottom
    if gap > PARAGRAPH_GAP * max(prev.height, row.height) or gap < -0.5 * prev.height:
        return False
    if row.x0 < prev.x0 - INDENT and MARKER.match(row.text):
        return False  # the next item of a list with hanging indents
    if abs(row.x0 - prev.x0) <= INDENT and MARKER.match(row.text) and _hanging(par):
        return False  # the next item, where items are set flush and wrap indented
    first = par.rows[0]
    if row.x0 > first.x0 + INDENT and MARKER.match(first.text):
        return True  # a wrapped line of a numbered item (hanging indent)
    if row.bold != prev.bold or abs(row.size - prev.size) > SAME_SIZE:
        return False
    if (row.x0 <= prev.x0 + INDENT and MARKER.match(row.text)
            and row.text[0] in BULLETS + NOTE_MARKS):
        return False  # a note or bullet set flush with the text above it
    short = par_right is not None and prev.x1 < par_right - 0.2 * (par_right - prev.x0)
    # a short last line ending a sentence, then a capital: a new paragraph
    return not (short and SENTENCE_END.search(prev.text) and row.text[:1].isupper())


def _hanging(par: Paragraph) -> bool:
    return MARKER.match(par.rows[0].text) is not None and len(par.rows) == 1
