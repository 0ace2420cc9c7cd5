"""Running text: list items and paragraphs from the lines no other segmenter claimed, joined
across page breaks and footnotes, then split into sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..read.model import Field, ListItem, Paragraph, Sentence, Span
from .layout import BODY, FOOTNOTE, RUNNING, Layout, Line
from .sentences import split_pieces

ITEM_MARKER = re.compile(
    r"^(?P<indent>\s*)(?P<m>[-•▪●◦–]|\*(?!\*)|\d{1,2}[.)]|\(\d{1,2}\)|[a-z]\))\s+(?=\S)"
)


def _wordset(words: str) -> list[str]:
    return words.split()


_MARKER_ONLY = re.compile(r"^(?:\(\s*\d{1,3}(?:\s*[-–;,]\s*\d{1,3})*\s*\)|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)\.?$")
_JOIN_WORDS = frozenset(
    _wordset(
        "a an the of to in for by with on at from or and as that which who than into its their "
        "this these those be is are was were"
    )
)


@dataclass
class _Unit:
    kind: str  # "item" | "para"
    start: int
    end: int
    first_line: int
    last_line: int
    marker: str = ""
    marker_span: Span | None = None
    note: bool = False
    continues: _Unit | None = None


@dataclass
class BodyResult:
    paragraphs: list[Paragraph]
    sentences: list[Sentence]
    list_items: list[ListItem]


def _field_of(fields: list[Field], pos: int) -> int | None:
    for f in fields:
        v = f.value_span
        if v is not None and v.start <= pos <= v.end:
            return f.index
    return None


def _runs(layout: Layout) -> list[list[Line]]:
    runs: list[list[Line]] = []
    for ln in layout.lines:
        if ln.blank or layout.roles[ln.no] not in (None, BODY):
            continue
        if runs and runs[-1][-1].no == ln.no - 1:
            runs[-1].append(ln)
        else:
            runs.append([ln])
    return runs


def _units_of_run(
    layout: Layout, run: list[Line], item_starts: set[int], note_lines: set[int]
) -> list[_Unit]:
    units: list[_Unit] = []
    for ln in run:
        span = layout.body_span(ln.no)
        if span.end <= span.start:
            continue
        m = ITEM_MARKER.match(ln.text) if ln.no not in layout.override else None
        lost = span.start in item_starts or (
            layout.roles[ln.no] == BODY
            and ln.no not in layout.override
            and ln.text[:1] == " "
            and ln.text[1:2].isupper()
        )
        if ln.no in note_lines:
            units.append(_Unit("para", span.start, span.end, ln.no, ln.no, note=True))
        elif m:
            mspan = Span(ln.start + m.start("m"), ln.start + m.end("m"))
            start = ln.start + m.end()
            units.append(_Unit("item", start, span.end, ln.no, ln.no, m.group("m"), mspan))
        elif lost:
            units.append(_Unit("item", span.start, span.end, ln.no, ln.no))
        elif units:
            units[-1].end = span.end
            units[-1].last_line = ln.no
        else:
            units.append(_Unit("para", span.start, span.end, ln.no, ln.no))
    return units


def _joinable(layout: Layout, prev: _Unit, cur: _Unit, fields: list[Field]) -> tuple[bool, bool]:
    """(join?, interrupted?) for the first unit of a run after ``prev``."""
    if cur.kind == "item" or cur.note or prev.note:
        return False, False
    between = range(prev.last_line + 1, cur.first_line)
    interrupted = False
    for n in between:
        if layout.lines[n].blank:
            continue
        if layout.roles[n] in (RUNNING, FOOTNOTE):
            interrupted = True
            continue
        return False, False
    if _field_of(fields, prev.start) != _field_of(fields, cur.start):
        return False, False
    text = layout.text
    head = text[cur.start : cur.end].lstrip("“\"‘'(")
    tail = text[prev.start : prev.end].rstrip()
    last_word = tail.split()[-1].lower() if tail.split() else ""
    if head[:1].islower() or _MARKER_ONLY.match(text[cur.start : cur.end]):
        return True, interrupted
    if tail.endswith(",") or (last_word in _JOIN_WORDS and tail[-1:].isalpha()):
        return True, interrupted
    return False, False


def segment_body(
    layout: Layout,
    fields: list[Field],
    item_starts: set[int] | None = None,
    note_lines: set[int] | None = None,
) -> BodyResult:
    """Paragraphs, sentences and list items of the unclaimed (and BODY) lines."""
    item_starts = item_starts or set()
    note_lines = note_lines or set()
    units: list[_Unit] = []
    for run in _runs(layout):
        run_units = _units_of_run(layout, run, item_starts, note_lines)
        if not run_units:
            continue
        if units:
            join, interrupted = _joinable(layout, units[-1], run_units[0], fields)
            if join and not interrupted:
                units[-1].end = run_units[0].end
                units[-1].last_line = run_units[0].last_line
                run_units = run_units[1:]
            elif join:
                run_units[0].kind = units[-1].kind
                run_units[0].continues = units[-1]
        units.extend(run_units)
    return _blocks(layout.text, units, fields)


def _blocks(text: str, units: list[_Unit], fields: list[Field]) -> BodyResult:
    paragraphs: list[Paragraph] = []
    items: list[ListItem] = []
    sentences: list[Sentence] = []
    para_of: dict[int, Paragraph] = {}
    item_of: dict[int, ListItem] = {}
    for u in units:
        fidx = _field_of(fields, u.start)
        if u.kind == "item":
            item = ListItem(
                start=u.start,
                end=u.end,
                marker=u.marker,
                marker_span=u.marker_span,
                field=fidx,
                index=len(items) + 1,
            )
            if u.continues is not None and id(u.continues) in item_of:
                prev = item_of[id(u.continues)]
                item.continues = prev.index
                prev.continued_by = item.index
            items.append(item)
            item_of[id(u)] = item
            continue
        para = Paragraph(start=u.start, end=u.end, field=fidx, index=len(paragraphs) + 1)
        if u.continues is not None and id(u.continues) in para_of:
            para.continues = para_of[id(u.continues)].index
        paragraphs.append(para)
        para_of[id(u)] = para
    # sentences per chain of paragraphs
    chains: list[list[Paragraph]] = []
    for p in paragraphs:
        if p.continues is not None and chains and chains[-1][-1].index == p.continues:
            chains[-1].append(p)
        else:
            chains.append([p])
    notes = {id(para_of[id(u)]) for u in units if u.kind == "para" and u.note}
    for chain in chains:
        pieces = [Span(p.start, p.end) for p in chain]
        for spans in split_pieces(text, pieces):
            made: list[Sentence] = []
            for sp in spans:
                para = next(p for p in chain if p.start <= sp.start and sp.end <= p.end)
                s = Sentence(
                    start=sp.start,
                    end=sp.end,
                    paragraph=para.index,
                    field=para.field,
                    table_note=id(chain[0]) in notes,
                    index=len(sentences) + 1,
                )
                if made:
                    made[-1].continued_by = s.index
                    s.continues = made[-1].index
                made.append(s)
                sentences.append(s)
    return BodyResult(paragraphs, sentences, items)
