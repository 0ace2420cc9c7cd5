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
from bisect import bisect
from dataclasses import dataclass, field

from .chars import BULLETS, PdfChar
from .flow import baseline_rows
from .graphics import MARK_MAX, Box, Graphics
from .lines import Line, build_lines

CAPTION = re.compile(r"^\s*table\s+(\d{1,3}|[ivxlc]{1,6})\s*[.:]", re.I)
#: Points within which two edges or rules are the same.
SNAP = 3.0
CHECK_MARK = "✓"
#: A drawn mark has no other shape this close (points) outside its cell.
MARK_MARGIN = 3.0
#: A header band: a row of shaded boxes at least this wide, of about a line's height or a few.
MIN_BAND_WIDTH, MIN_BAND_HEIGHT, MAX_BAND_HEIGHT = 100.0, 6.0, 80.0
#: A row taller than this (points) between two rules is not a table row.
MAX_ROW_HEIGHT = 400.0
#: Rows without rules follow each other within this many line heights.
ROW_GAP = 1.2
#: Type sizes closer than this (points) are one size.
SAME_SIZE = 0.6
#: A line this much larger than the header's type (points) is a heading or body text.
LARGER_TYPE = 2.5


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


def _underlines(rule: Box, lines: list[Line]) -> bool:
    """Whether a rule is text decoration: it sits under a line of text, no wider than it."""
    return any(abs(rule.middle_y - ln.bottom) <= 3 and rule.x0 >= ln.x0 - 3
               and rule.x1 <= ln.x1 + 3 for ln in lines)


def _rules(graphics: Graphics, x0: float, x1: float, below: float,
           lines: list[Line]) -> list[_Rule]:
    """Horizontal rules under ``below`` overlapping [x0, x1], grouped by height (underlines of
    text left out)."""
    rules: list[_Rule] = []
    for r in sorted(graphics.hrules, key=lambda b: b.middle_y):
        if r.middle_y < below - 1 or r.overlaps_x(x0, x1) < 3 or _underlines(r, lines):
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


def _crosses(line: Line, x: float) -> bool:
    """Whether a line runs across ``x``: a character straddles it, or two characters of one word
    sit either side of it (a line of two cells close together does not)."""
    if not line.x0 + 1 < x < line.x1 - 1:
        return False
    left = [c for c in line.chars if c.x1 <= x + 1]
    right = [c for c in line.chars if c.x0 >= x - 1]
    if len(left) + len(right) < len(line.chars):
        return True  # a character straddles x
    if not left or not right:
        return False
    a = max(left, key=lambda c: c.x1)
    b = min(right, key=lambda c: c.x0)
    return b.x0 - a.x1 < 0.15 * max(a.size, b.size)


def _crossing(lines: list[Line], x: float) -> bool:
    return any(_crosses(ln, x) for ln in lines)


def _drawn_edges(band: Box, graphics: Graphics, rules: list[_Rule], below: float) -> list[float]:
    """Inner column edges the drawing marks: between the header's shaded boxes, at vertical
    rules, and where rule segments end on at least two rows (a one-off short rule is not an
    edge)."""
    marked: list[float] = []
    for shade in graphics.shades:
        if abs(shade.top - band.top) <= 2 and abs(shade.bottom - band.bottom) <= 2:
            marked += [shade.x0, shade.x1]
    for v in graphics.vrules:
        if v.top < below and v.bottom > band.top and band.x0 < v.middle_x < band.x1:
            marked.append(v.middle_x)
    ends = [(x, k) for k, rule in enumerate(rules) if rule.y <= below + 1
            for a, b in rule.segments for x in (a, b)]
    groups: list[list[tuple[float, int]]] = []
    for x, k in sorted(ends):
        if groups and x - groups[-1][-1][0] <= SNAP:
            groups[-1].append((x, k))
        else:
            groups.append([(x, k)])
    repeated = [statistics.median(x for x, _k in g) for g in groups if len({k for _x, k in g}) >= 2]
    return [x for x in _snap(marked + repeated) if band.x0 + SNAP < x < band.x1 - SNAP]


def _columns(band: Box, header: list[Line], body: list[Line], drawn: list[float]) -> list[float]:
    """Column edges (left edge, inner edges, right edge): the drawn edges no text crosses, or,
    when nothing is drawn, halfway between the header's word groups."""
    edges = [x for x in drawn if not _crossing(header + body, x)]
    if not edges:
        edges = _edges_from_header(header)
    return [band.x0, *edges, band.x1]


def _edges_from_header(header: list[Line]) -> list[float]:
    """Edges just left of each of the header's word groups but the first (no drawn edge to go
    by; cells are set flush left under their heading)."""
    spans: list[list[float]] = []
    for ln in sorted(header, key=lambda ln: ln.x0):
        if spans and ln.x0 <= spans[-1][1] + 2:
            spans[-1][1] = max(spans[-1][1], ln.x1)
        else:
            spans.append([ln.x0, ln.x1])
    return [max(a[1] + 1, b[0] - 3) for a, b in zip(spans, spans[1:], strict=False)]


def _is_table_text(lines: list[Line], edges: list[float], band: Box, band_size: float) -> bool:
    """Whether the lines between two rules (or under the last row) can be table rows: no
    caption, no heading-size type, and nothing that runs across a column edge or past the
    table's sides. Lines wholly beside the table (a figure next to it) do not count."""
    for ln in lines:
        if ln.x1 <= band.x0 or ln.x0 >= band.x1:
            continue
        if CAPTION.match(ln.text) or ln.size > band_size + LARGER_TYPE:
            return False
        if ln.x0 < band.x0 - SNAP or ln.x1 > band.x1 + SNAP:
            return False
        if any(_crosses(ln, x) for x in edges):
            return False
    return True


def _cell_lines(chars: list[PdfChar], page: int) -> list[Line]:
    return build_lines(chars, page, gap=4.0) if chars else []


def find_tables(page: int, chars: list[PdfChar], lines: list[Line],
                graphics: Graphics) -> list[PdfTable]:
    """The tables of one page, top to bottom."""
    tables: list[PdfTable] = []
    bands = [b for b in _bands(graphics.shades)
             if b.width >= MIN_BAND_WIDTH and MIN_BAND_HEIGHT <= b.height <= MAX_BAND_HEIGHT]
    bands = [b for b in bands
             if any(b.x0 - 1 <= ln.x0 and ln.x1 <= b.x1 + 1
                    and b.top - 1 <= ln.middle <= b.bottom + 1 for ln in lines)]
    for band in bands:
        # the next header band below this one (not one beside it) ends this table
        next_top = min((o.top for o in bands if o.top > band.top + 1
                        and o.overlaps_x(band.x0, band.x1) > 0), default=float("inf"))
        table = _table(page, band, next_top, chars, lines, graphics)
        if table is not None:
            tables.append(table)
    return sorted(tables, key=lambda t: (t.box.top, t.box.x0))


def _table(page: int, band: Box, next_top: float, chars: list[PdfChar], lines: list[Line],
           graphics: Graphics) -> PdfTable | None:
    header_lines = [ln for ln in lines
                    if band.top - 1 <= ln.middle <= band.bottom + 1
                    and ln.x0 >= band.x0 - 1 and ln.x1 <= band.x1 + 1]
    band_size = max(ln.size for ln in header_lines)
    rules = [r for r in _rules(graphics, band.x0, band.x1, band.bottom, lines)
             if r.y < next_top - 1]
    probe = [x for x in _drawn_edges(band, graphics, rules, next_top)
             if not _crossing(header_lines, x)] or _edges_from_header(header_lines)
    bottom = band.bottom
    accepted: list[_Rule] = []
    for rule in rules:
        slab = [ln for ln in lines if bottom <= ln.middle < rule.y]
        if rule.y - bottom > MAX_ROW_HEIGHT or (
                slab and not _is_table_text(slab, probe, band, band_size)):
            break
        accepted.append(rule)
        bottom = rule.y
    # rows under the last rule (a table whose last row has no rule under it), or every row
    # when none is drawn: one per baseline of table text
    more, end = _text_rows(lines, band, probe, band_size, next_top, start=bottom,
                           size=_body_size(lines, band, bottom), ruled=bool(accepted))
    accepted += more
    bottom = max(bottom, end)
    if not accepted:
        return None
    body = [ln for ln in lines if band.bottom <= ln.middle < bottom
            and ln.x1 > band.x0 and ln.x0 < band.x1]
    drawn = _drawn_edges(band, graphics, accepted, bottom)
    edges = _columns(band, header_lines, body, drawn)
    columns = list(zip(edges, edges[1:], strict=False))
    chars = [c for c in chars if _inside(c, band.x0, band.top - 1, band.x1, bottom + 1)]
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
            rows.extend(_sub_rows(row))
    for i in range(len(columns) - 1):
        # a heading set over an empty column (the logos of a ratification table) heads the
        # column of text beside it, which has no heading of its own
        if (header[i].lines and not any(r[i].lines for r in rows)
                and not header[i + 1].lines and any(r[i + 1].lines for r in rows)):
            header[i], header[i + 1] = Cell(box=header[i].box), header[i]
    keep = [i for i in range(len(columns))
            if header[i].lines or any(r[i].lines for r in rows)]
    header = [header[i] for i in keep]
    rows = [[r[i] for i in keep] for r in rows]
    caption = _caption(lines, band)
    if len(keep) < 2 and not caption:
        return None  # a heading on a shaded bar, not a table
    top = caption[0].top if caption else band.top
    return PdfTable(page, Box(band.x0, top, band.x1, bottom), caption, header, rows)


def _body_size(lines: list[Line], band: Box, bottom: float) -> float | None:
    """The type size of the table's rows so far (None when it has none)."""
    sizes = sorted(ln.size for ln in lines if band.bottom <= ln.middle < bottom
                   and ln.x1 > band.x0 and ln.x0 < band.x1)
    return sizes[len(sizes) // 2] if sizes else None


def _text_rows(lines: list[Line], band: Box, edges: list[float], band_size: float,
               next_top: float, start: float, size: float | None,
               ruled: bool = False) -> tuple[list[_Rule], float]:
    """Rows without rules under ``start`` (the header's bottom, or the last rule): one per
    baseline, as long as the lines fit the columns, follow each other closely and (after ruled
    rows) are set in the rows' type and fill two columns or more (a paragraph after a ruled
    table fits its first column at most). Returns their
    boundaries as rules (halfway between baselines) and the table's new bottom (``start`` when
    there are none)."""
    under = [ln for ln in lines if start < ln.middle < next_top
             and ln.x1 > band.x0 and ln.x0 < band.x1]
    bounds: list[float] = []
    last_bottom = start
    for group in baseline_rows(under):
        top = min(ln.top for ln in group)
        if ruled and not bounds and len({bisect(edges, (ln.x0 + ln.x1) / 2) for ln in group}) < 2:
            break
        if top - last_bottom > ROW_GAP * max(ln.height for ln in group):
            break
        if not _is_table_text(group, edges, band, band_size):
            break
        if size is not None and any(abs(ln.size - size) > SAME_SIZE for ln in group):
            break
        bounds.append(top - 0.5 if not bounds else (last_bottom + top) / 2)
        last_bottom = max(ln.bottom for ln in group)
    if not bounds:
        return [], start
    bottom = last_bottom + 1
    rules = [_Rule(y, [(band.x0, band.x1)]) for y in bounds[1:]] + [
        _Rule(bottom, [(band.x0, band.x1)])]
    return rules, bottom


def _sub_rows(row: list[Cell]) -> list[list[Cell]]:
    """A row whose label lists bulleted sub-items, each with its own values on its line, as
    one row per sub-item (after the group's own line)."""
    label = row[0].lines
    items = [ln for ln in label[1:] if ln.text[:1] in BULLETS]
    if not items or any(c.box is None for c in row):
        return [row]
    top = min(c.box.top for c in row if c.box)
    bottom = max(c.box.bottom for c in row if c.box)
    cuts = [top] + [ln.top - 0.5 for ln in items] + [bottom]
    parts: list[list[Cell]] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        part = [Cell([ln for ln in c.lines if a <= ln.middle < b],
                     Box(c.box.x0, a, c.box.x1, b) if c.box else None) for c in row]
        if any(c.lines for c in part):
            parts.append(part)
    return parts


def _cell(chars: list[PdfChar], page: int, x0: float, top: float, x1: float, bottom: float,
          graphics: Graphics) -> Cell:
    inside = [c for c in chars if _inside(c, x0, top, x1, bottom)]
    if not inside:
        mark = _drawn_mark(graphics, Box(x0, top, x1, bottom))
        if mark is not None:
            inside.append(PdfChar(CHECK_MARK, mark.x0, mark.top, mark.x1, mark.bottom,
                                  mark.height, "drawn-mark", False, False))
    return Cell(_cell_lines(inside, page), Box(x0, top, x1, bottom))


def _drawn_mark(graphics: Graphics, cell: Box) -> Box | None:
    """The box of a check mark drawn as a shape in an otherwise empty cell: the cell's small
    shapes form one glyph-sized cluster (a logo is many shapes over a larger area)."""
    def within(b: Box) -> bool:
        return cell.x0 <= b.middle_x < cell.x1 and cell.top <= b.middle_y < cell.bottom

    shapes = [b for b in graphics.shapes if within(b)]
    if not shapes or len(shapes) > 2 or not any(within(m) for m in graphics.marks):
        return None
    x0, top = min(b.x0 for b in shapes), min(b.top for b in shapes)
    x1, bottom = max(b.x1 for b in shapes), max(b.bottom for b in shapes)
    if x1 - x0 > MARK_MAX or bottom - top > MARK_MAX:
        return None
    near = MARK_MARGIN
    if any(b.x0 - near < x1 and x0 < b.x1 + near and b.top - near < bottom and top < b.bottom + near
           for b in graphics.shapes if not within(b)):
        return None  # a piece of a drawing that goes on outside the cell (a logo)
    return Box(x0, top, x1, bottom)


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
