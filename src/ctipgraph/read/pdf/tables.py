"""Tables drawn with a shaded header row: columns, rows and cells recovered from the drawing.

A table starts at a band of shaded boxes holding text (its header row). Its columns are the edges
that the drawing marks inside the band — between shaded boxes, at the ends of rule segments, at
vertical rules — and, failing those, the gaps between the header's words. Its rows are the
horizontal rules below the header, as long as what lies between two rules looks like table
text (no larger body type, no other table's header, no caption). A rule that spans only some
columns closes a row only in those columns: a cell spanning several rows ("Agriculture" beside
three activities) stays one cell, in the first of them. Drawn marks alone in a cell are check
marks (✓). The caption is the line "Table N. …" just above the header.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from .chars import PdfChar
from .graphics import Box, Graphics
from .lines import Line, build_lines

CAPTION = re.compile(r"^\s*table\s+(\d{1,3}|[ivxlc]{1,6})\s*[.:]", re.I)
#: Points within which two edges or rules are the same.
SNAP = 3.0
CHECK_MARK = "✓"


@dataclass
class Cell:
    """The lines of one cell, top to bottom (empty for an empty cell)."""

    lines: list[Line] = field(default_factory=list)
    box: Box | None = None


@dataclass
class PdfTable:
    """One table (or one part of a table continued on the next page)."""

    page: int
    box: Box  # header band to last rule, caption included
    caption: list[Line]
    header: list[Cell]
    rows: list[list[Cell]]


def _bands(shades: list[Box]) -> list[Box]:
    """Shaded boxes side by side at the same height, merged into bands."""
    bands: list[list[Box]] = []
    for box in sorted(shades, key=lambda b: (round(b.top), b.x0)):
        for band in bands:
            last = band[-1]
            if (abs(last.top - box.top) <= 2 and abs(last.bottom - box.bottom) <= 2
                    and box.x0 - last.x1 <= 4):
                band.append(box)
                break
        else:
            bands.append([box])
    return [Box(min(b.x0 for b in g), min(b.top for b in g), max(b.x1 for b in g),
                max(b.bottom for b in g)) for g in bands]


def _snap(values: list[float]) -> list[float]:
    """Values within SNAP of each other replaced by their median, sorted."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= SNAP:
            out[-1].append(v)
        else:
            out.append([v])
    return [statistics.median(g) for g in out]


@dataclass
class _Rule:
    y: float
    segments: list[tuple[float, float]]

    def covers(self, x0: float, x1: float) -> bool:
        width = x1 - x0
        covered = sum(max(0.0, min(b, x1) - max(a, x0)) for a, b in self.segments)
        return covered >= 0.5 * width


def _rules(graphics: Graphics, x0: float, x1: float, below: float) -> list[_Rule]:
    """Horizontal rules under ``below`` overlapping [x0, x1], grouped by height."""
    rules: list[_Rule] = []
    for r in sorted(graphics.hrules, key=lambda b: b.middle_y):
        if r.middle_y < below - 1 or r.overlaps_x(x0, x1) < 3:
            continue
        seg = (max(r.x0, x0), min(r.x1, x1))
        if rules and abs(rules[-1].y - r.middle_y) <= 1.5:
            rules[-1].segments.append(seg)
        else:
            rules.append(_Rule(r.middle_y, [seg]))
    return rules


def _inside(c: PdfChar, x0: float, top: float, x1: float, bottom: float) -> bool:
    mx, my = (c.x0 + c.x1) / 2, c.middle
    return x0 <= mx < x1 and top <= my < bottom


def _crossing(lines: list[Line], x: float) -> bool:
    return any(ln.x0 + 1 < x < ln.x1 - 1 for ln in lines)


def _columns(band: Box, body_top: float, body_bottom: float, graphics: Graphics,
             rules: list[_Rule], lines: list[Line]) -> list[float]:
    """Column edges (left edge, inner edges, right edge) of the table."""
    inner: list[float] = []
    for shade in graphics.shades:
        if abs(shade.top - band.top) <= 2 and abs(shade.bottom - band.bottom) <= 2:
            inner += [shade.x0, shade.x1]
    for rule in rules:
        if rule.y <= body_bottom + 1:
            for a, b in rule.segments:
                inner += [a, b]
    for v in graphics.vrules:
        if v.top < body_bottom and v.bottom > band.top and band.x0 < v.middle_x < band.x1:
            inner.append(v.middle_x)
    edges = [x for x in _snap(inner) if band.x0 + SNAP < x < band.x1 - SNAP]
    header = [ln for ln in lines if band.top - 1 <= ln.middle <= band.bottom + 1]
    body = [ln for ln in lines if body_top <= ln.middle <= body_bottom]
    edges = [x for x in edges if not _crossing(header + body, x)]
    if not edges:
        edges = _edges_from_header(header)
    return [band.x0, *edges, band.x1]


def _edges_from_header(header: list[Line]) -> list[float]:
    """Edges halfway between the header's word groups (no drawn edge to go by)."""
    spans: list[list[float]] = []
    for ln in sorted(header, key=lambda ln: ln.x0):
        if spans and ln.x0 <= spans[-1][1] + 2:
            spans[-1][1] = max(spans[-1][1], ln.x1)
        else:
            spans.append([ln.x0, ln.x1])
    return [(a[1] + b[0]) / 2 for a, b in zip(spans, spans[1:], strict=False)]


def _is_table_text(lines: list[Line], band_size: float, x0: float, x1: float) -> bool:
    """Whether the lines between two rules can be table rows."""
    for ln in lines:
        if ln.size > band_size + 0.6 or CAPTION.match(ln.text):
            return False
        if ln.x0 < x0 - SNAP or ln.x1 > x1 + SNAP:
            return False
    return True


def _cell_lines(chars: list[PdfChar], page: int) -> list[Line]:
    return build_lines(chars, page, gap=4.0) if chars else []


def find_tables(page: int, chars: list[PdfChar], lines: list[Line],
                graphics: Graphics) -> list[PdfTable]:
    """The tables of one page, top to bottom."""
    tables: list[PdfTable] = []
    bands = [b for b in _bands(graphics.shades) if b.width >= 100 and 6 <= b.height <= 80]
    bands = [b for b in bands
             if any(b.x0 - 1 <= ln.x0 and ln.x1 <= b.x1 + 1
                    and b.top - 1 <= ln.middle <= b.bottom + 1 for ln in lines)]
    for k, band in enumerate(bands):
        next_top = bands[k + 1].top if k + 1 < len(bands) else float("inf")
        table = _table(page, band, next_top, chars, lines, graphics)
        if table is not None:
            tables.append(table)
    return tables


def _table(page: int, band: Box, next_top: float, chars: list[PdfChar], lines: list[Line],
           graphics: Graphics) -> PdfTable | None:
    header_lines = [ln for ln in lines
                    if band.top - 1 <= ln.middle <= band.bottom + 1
                    and ln.x0 >= band.x0 - 1 and ln.x1 <= band.x1 + 1]
    band_size = max(ln.size for ln in header_lines)
    rules = _rules(graphics, band.x0, band.x1, band.bottom)
    bottom = band.bottom
    accepted: list[_Rule] = []
    for rule in rules:
        if rule.y >= next_top - 1:
            break
        slab = [ln for ln in lines if bottom <= ln.middle < rule.y]
        if slab and not _is_table_text(slab, band_size, band.x0, band.x1):
            break
        if rule.y - bottom > 400:
            break
        accepted.append(rule)
        bottom = rule.y
    if not accepted:
        return None
    edges = _columns(band, band.bottom, bottom, graphics, accepted, lines)
    columns = list(zip(edges, edges[1:], strict=False))
    header = [_cell(chars, page, a, band.top - 1, b, band.bottom + 1, graphics) for a, b in columns]
    # row boundaries per column: the rules that cross it, plus the header's bottom
    per_column: list[list[float]] = []
    for a, b in columns:
        ys = [band.bottom] + [r.y for r in accepted if r.covers(a, b)]
        if ys[-1] < bottom - 1:
            ys.append(bottom)
        per_column.append(ys)
    boundaries = _snap([y for ys in per_column for y in ys])
    rows: list[list[Cell]] = []
    for top, _next in zip(boundaries, boundaries[1:], strict=False):
        row: list[Cell] = []
        for (a, b), ys in zip(columns, per_column, strict=True):
            starts = [y for y in ys if abs(y - top) <= SNAP]
            if not starts:
                row.append(Cell())
                continue
            later = [y for y in ys if y > top + SNAP]
            end = later[0] if later else bottom
            row.append(_cell(chars, page, a, top, b, end, graphics))
        if any(c.lines for c in row):
            rows.append(row)
    keep = [i for i in range(len(columns))
            if header[i].lines or any(r[i].lines for r in rows)]
    header = [header[i] for i in keep]
    rows = [[r[i] for i in keep] for r in rows]
    caption = _caption(lines, band)
    top = caption[0].top if caption else band.top
    return PdfTable(page, Box(band.x0, top, band.x1, bottom), caption, header, rows)


def _cell(chars: list[PdfChar], page: int, x0: float, top: float, x1: float, bottom: float,
          graphics: Graphics) -> Cell:
    inside = [c for c in chars if _inside(c, x0, top, x1, bottom)]
    if not inside:
        for mark in graphics.marks:
            if x0 <= mark.middle_x < x1 and top <= mark.middle_y < bottom:
                inside.append(PdfChar(CHECK_MARK, mark.x0, mark.top, mark.x1, mark.bottom,
                                      mark.height, "drawn-mark", False, False))
    return Cell(_cell_lines(inside, page), Box(x0, top, x1, bottom))


def _caption(lines: list[Line], band: Box) -> list[Line]:
    """The caption lines ("Table N. …", maybe wrapped) right above the header band, or none."""
    above = [ln for ln in lines if ln.bottom <= band.top + 2 and ln.x0 >= band.x0 - SNAP
             and ln.x1 <= band.x1 + SNAP]
    rows: list[list[Line]] = []
    for ln in sorted(above, key=lambda ln: -ln.bottom):
        if rows and abs(rows[-1][0].top - ln.top) <= 2:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    edge = band.top
    for k, row in enumerate(rows[:3]):
        height = max(ln.height for ln in row)
        if edge - max(ln.bottom for ln in row) > 1.2 * height:
            break
        row.sort(key=lambda ln: ln.x0)
        if CAPTION.match(" ".join(ln.text for ln in row)):
            return [ln for r in reversed(rows[: k + 1]) for ln in r]
        edge = min(ln.top for ln in row)
    return []
