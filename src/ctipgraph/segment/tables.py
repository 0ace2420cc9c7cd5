"""Tab-separated tables: caption "Table 3. …", header row, rows (wrapped lines joined), tables
continued under a "(cont)" caption after a page break, cell markers (†, ‡, *) and their notes."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..read.model import Span, Table, TableCell, TableNote, TableRow
from .layout import TABLE, Layout, Line

_CAPTION = re.compile(
    r"^(?:\*\*)?(?:Table|TABLE)\s+(?P<num>\d{1,3}|[IVXLC]{1,6})\s*[.:]\s*(?P<title>\S.*?)(?:\*\*)?\s*$"
)
_CONT = re.compile(r"\s*\((?:cont|cont\.|continued)\)\s*$", re.I)
_TAIL_MARKERS = re.compile(r"\s*(?:\[[†‡§¶*]+\]|[†‡§¶*]+)\s*$")
_MARKER = re.compile(r"\[[†‡§¶*]+\]|[†‡§¶]+")
_NOTE = re.compile(r"^(?P<m>\[[†‡§¶*]+\]|[†‡§¶]+|\*(?!\*))\s+\S")


@dataclass
class _Caption:
    number: str
    title: Span
    markers: tuple[str, ...]
    cont: bool
    line: Line


def _parse_caption(line: Line) -> _Caption | None:
    m = _CAPTION.match(line.text)
    if not m:
        return None
    t_start, t_end = m.start("title"), m.end("title")
    title = line.text[t_start:t_end]
    cont = False
    markers: list[str] = []
    while True:
        c = _CONT.search(title)
        if c:
            cont = True
            title = title[: c.start()]
            continue
        mk = _TAIL_MARKERS.search(title)
        if mk and mk.start() > 0:
            markers.insert(0, mk.group().strip().strip("[]"))
            title = title[: mk.start()]
            continue
        break
    title = title.rstrip()
    span = Span(line.start + t_start, line.start + t_start + len(title))
    return _Caption(m.group("num"), span, tuple(markers), cont, line)


def _cell_markers(cell: str) -> tuple[str, ...]:
    found = [m.strip("[]") for m in _MARKER.findall(cell)]
    stripped = cell.rstrip()
    if stripped.endswith("*") and not stripped.endswith("**"):
        found.append("*")
    return tuple(found)


def _pieces(line: Line) -> list[Span]:
    """Stripped spans of the tab-separated pieces of a line (empty pieces → empty spans)."""
    out: list[Span] = []
    pos = line.start
    for raw in line.text.split("\t"):
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        s = pos + lead
        out.append(Span(s, s + len(body)) if body else Span(s, s))
        pos += len(raw) + 1
    return out


def _parse_rows(lines: list[Line], ncols: int | None) -> list[tuple[list[Span], Span]]:
    """Rows as (cell spans, row span); lines without tabs continue the previous row's last cell,
    and a short line completing a short previous row is merged into it."""
    rows: list[tuple[list[Span], Span]] = []
    pending: Span | None = None  # a wrapped first cell printed on a line of its own
    for k, ln in enumerate(lines):
        content = ln.content
        if "\t" not in ln.text and rows:
            cells, rspan = rows[-1]
            nxt = lines[k + 1] if k + 1 < len(lines) else None
            last = next((c for c in reversed(cells) if c.end > c.start), None)
            closed = (
                last is not None
                and ln.text.lstrip()[:1].isupper()
                and (_text_of(lines, last).rstrip().endswith((".", ")", "]")))
            )
            starts_row = nxt is not None and "\t" in nxt.text and not nxt.text.startswith("\t")
            if pending is None and closed and starts_row:
                pending = content
                continue
            _extend_last(cells, content)
            rows[-1] = (cells, Span(rspan.start, content.end))
            continue
        pieces = _pieces(ln)
        if pending is not None:
            first = pieces[0]
            pieces[0] = Span(pending.start, first.end if first.end > first.start else pending.end)
            content = Span(pending.start, content.end)
            pending = None
        if rows and ncols and len(rows[-1][0]) < ncols:
            prev_cells, rspan = rows[-1]
            if len(prev_cells) + len(pieces) - 1 == ncols and not ln.text.startswith("\t"):
                _extend_last(prev_cells, pieces[0])
                prev_cells.extend(pieces[1:])
                rows[-1] = (prev_cells, Span(rspan.start, content.end))
                continue
        rows.append((pieces, content))
        if ncols is None:
            ncols = len(pieces)
    return rows


def _text_of(lines: list[Line], span: Span) -> str:
    """The text of a span lying on these lines."""
    base = lines[0].start
    full = "\n".join(ln.text for ln in lines)
    return full[span.start - base : span.end - base]


def _extend_last(cells: list[Span], piece: Span) -> None:
    if piece.end <= piece.start:
        return
    for k in range(len(cells) - 1, -1, -1):
        if cells[k].end > cells[k].start or k == 0:
            start = cells[k].start if cells[k].end > cells[k].start else piece.start
            cells[k] = Span(start, piece.end)
            return


def _tabbed(lines: list[Line]) -> bool:
    return sum(1 for ln in lines if "\t" in ln.text) >= 1 and "\t" in lines[0].text


def find_tables(layout: Layout) -> list[Table]:
    """Claim caption and row lines of tables; returns tables with rows, cells and notes."""
    text = layout.text
    tables: list[Table] = []
    chunks = layout.chunks
    last_end_chunk = -10  # chunk index where the last table part ended
    i = 0
    while i < len(chunks):
        chunk = chunks[i]
        if not layout.chunk_free(chunk):
            i += 1
            continue
        lines = layout.chunk_lines(chunk)
        cap = _parse_caption(lines[0])
        row_lines: list[Line] = []
        used = [chunk]
        if cap:
            row_lines = lines[1:]
            if not row_lines and i + 1 < len(chunks) and layout.chunk_free(chunks[i + 1]):
                nxt = layout.chunk_lines(chunks[i + 1])
                if _tabbed(nxt):
                    row_lines = nxt
                    used.append(chunks[i + 1])
            if not row_lines or not _tabbed(row_lines):
                i += 1
                continue
        elif "\t" in lines[0].text and (
            sum(1 for ln in lines if "\t" in ln.text) >= 2
            or (tables and _only_furniture_between(layout, last_end_chunk, i))
        ):
            row_lines = lines
        else:
            i += 1
            continue
        # which table does this part belong to?
        table: Table | None = None
        if cap and tables:
            same = [t for t in tables if t.number == cap.number]
            if same and (cap.cont or same[-1] is tables[-1]):
                table = same[-1]
        elif not cap and tables and _only_furniture_between(layout, last_end_chunk, i):
            prev = tables[-1]
            if len(_pieces(row_lines[0])) == len(prev.header or []):
                table = prev
        new = table is None
        if table is None:
            table = Table(
                start=0,
                end=0,
                index=len(tables) + 1,
                number=cap.number if cap else None,
                caption=text[cap.title.start : cap.title.end] if cap else None,
                caption_span=cap.title if cap else None,
                caption_markers=cap.markers if cap else (),
            )
        elif cap:
            table.continuation_captions.append(cap.title)
        part_no = len(table.parts) + 1
        ncols = len(table.header) if table.header else None
        parsed = _parse_rows(row_lines, ncols)
        for k, (cells, rspan) in enumerate(parsed):
            texts = [" ".join(text[c.start : c.end].split()) for c in cells]
            is_header = (
                (new and k == 0 and cap is not None)
                or (bool(table.header) and texts == table.header)
                or (not new and cap is not None and k == 0)
            )
            if new and k == 0:
                table.header = texts
            _add_row(table, cells, rspan, is_header, part_no, text)
        part_start = cap.line.content.start if cap else parsed[0][1].start
        part = Span(part_start, parsed[-1][1].end)
        table.parts.append(part)
        if new:
            table.start = part.start
            tables.append(table)
        table.end = part.end
        for c in used:
            layout.claim(c, TABLE)
        last_end_chunk = i + len(used) - 1
        i += len(used)
    for table in tables:
        table.notes = _notes(layout, table)
    return tables


def _add_row(
    table: Table, cells: list[Span], rspan: Span, is_header: bool, part: int, text: str
) -> None:
    r = len(table.rows) + 1
    row = TableRow(
        start=rspan.start, end=rspan.end, index=r, table=table.index, is_header=is_header, part=part
    )
    for c, span in enumerate(cells, start=1):
        if span.end <= span.start:  # empty cell: keep its position inside the row
            pos = min(max(span.start, rspan.start), rspan.end)
            span = Span(pos, pos)
        col_header = None
        if not is_header and c <= len(table.header):
            col_header = table.header[c - 1] or None
        cell_text = text[span.start : span.end]
        row.cells.append(
            TableCell(
                start=span.start,
                end=span.end,
                index=c,
                table=table.index,
                row=r,
                column=c,
                column_header=col_header,
                is_header=is_header,
                markers=_cell_markers(cell_text),
            )
        )
    table.rows.append(row)


def _only_furniture_between(layout: Layout, a: int, b: int) -> bool:
    """Only claimed running headers/footers between chunk a and chunk b."""
    if a < 0 or b <= a:
        return False
    for k in range(a + 1, b):
        lo, hi = layout.chunks[k]
        if any(layout.roles[n] != "running" for n in range(lo, hi)):
            return False
    return True


def _notes(layout: Layout, table: Table) -> list[TableNote]:
    """Marker notes printed right after each part of the table (lines left for sentences)."""
    notes: list[TableNote] = []
    chunk_starts = [layout.lines[a].start for a, _b in layout.chunks]
    for part in table.parts:
        idx = bisect.bisect_right(chunk_starts, part.end)
        while idx < len(layout.chunks):
            a, b = layout.chunks[idx]
            m = _NOTE.match(layout.lines[a].text)
            if not m or not layout.chunk_free((a, b)):
                break
            for ln in layout.chunk_lines((a, b)):
                mm = _NOTE.match(ln.text)
                c = ln.content
                if mm:
                    body_start = ln.start + mm.end() - 1
                    notes.append(
                        TableNote(
                            start=c.start,
                            end=c.end,
                            index=len(notes) + 1,
                            table=table.index,
                            marker=mm.group("m").strip("[]"),
                            body=Span(body_start, c.end),
                        )
                    )
                elif notes:
                    last = notes[-1]
                    last.end = c.end
                    last.body = Span(last.body.start if last.body else last.start, c.end)
            idx += 1
    return notes
