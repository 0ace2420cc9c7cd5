"""Find every in-text citation of a segmented Document and resolve it against the document's own
bibliography (numeric or author-year) and footnotes (superscript markers)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..read.model import (
    Block,
    Citation,
    Document,
    Kind,
    SkippedMarker,
    Span,
    UnresolvedCitation,
)
from .authoryear import find_narrative, find_parenthetical, match_reference
from .numeric import find_numeric_markers

_SUPERSCRIPT = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_TO_ASCII = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_UNIT_BEFORE = re.compile(r"(?:\b(?:k?m|cm|mm|ft|in|mi)|\d)$")


@dataclass
class CitationResult:
    """Resolved citations (one per denoted target, in document order), markers that denote
    nothing in the document (with the reason), and parentheses judged not to be citations."""

    citations: list[Citation] = field(default_factory=list)
    unresolved: list[UnresolvedCitation] = field(default_factory=list)
    skipped: list[SkippedMarker] = field(default_factory=list)

    def report(self) -> str:
        """Readable list of unresolved markers."""
        return "\n".join(
            f"{u.start}-{u.end} {u.kind} {u.marker_text!r} [{u.item_text}]: {u.reason}"
            for u in self.unresolved
        )


@dataclass
class _Found:
    kind: str
    marker: Span
    marker_text: str
    item: Span
    item_text: str
    target_key: str | None = None
    target_id: str | None = None
    reason: str | None = None


def _scan_intervals(passages: list[Block]) -> list[Span]:
    """The union of the passages' spans, as disjoint intervals."""
    spans = sorted((p.start, p.end) for p in passages)
    out: list[list[int]] = []
    for s, e in spans:
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [Span(s, e) for s, e in out]


_PREFERENCE = (
    Kind.TABLE_CELL,
    Kind.SENTENCE,
    Kind.LIST_ITEM,
    Kind.FOOTNOTE,
    Kind.FIELD,
    Kind.TABLE_ROW,
    Kind.HEADING,
    Kind.BIBLIOGRAPHY_ENTRY,
)


class _PassageIndex:
    """The smallest passage containing a span, by bisection per kind (passages of one kind do
    not overlap one another)."""

    def __init__(self, passages: list[Block]) -> None:
        self.by_kind: dict[Kind, tuple[list[int], list[Block]]] = {}
        present = {p.kind for p in passages}
        # A fixed order, most specific first: on a tie in length the earlier kind wins (a cell
        # that spans its whole row is the cell). Iterating the set itself would follow the
        # process's hash seed and make builds differ.
        for kind in [k for k in _PREFERENCE if k in present]:
            blocks = sorted((p for p in passages if p.kind == kind), key=lambda p: p.start)
            self.by_kind[kind] = ([b.start for b in blocks], blocks)

    def smallest(self, start: int, end: int) -> Block | None:
        best: Block | None = None
        for starts, blocks in self.by_kind.values():
            k = bisect.bisect_right(starts, start) - 1
            # a few steps back in case of (rare) nested passages of one kind
            for j in range(k, max(-1, k - 3), -1):
                p = blocks[j]
                if p.start <= start and end <= p.end:
                    if best is None or (p.end - p.start) < (best.end - best.start):
                        best = p
                    break
        return best


def find_citations(doc: Document) -> CitationResult:
    """Citations of ``doc`` (which must be segmented), resolved against its own references."""
    text = doc.text
    passages = [p for p in doc.passages() if p.kind != Kind.BIBLIOGRAPHY_ENTRY]
    intervals = _scan_intervals(passages)
    numbered = {e.number: e for e in doc.bibliography if e.number is not None}
    author_year = [e for e in doc.bibliography if e.style == "author-year"]
    found: list[_Found] = []
    skipped: list[SkippedMarker] = []
    for iv in intervals:
        if numbered:
            found += _numeric(text, iv, numbered, skipped)
        if author_year:
            found += _author_year(text, iv, author_year)
        found += _footnote_markers(doc, iv)
    result = CitationResult(skipped=skipped)
    found.sort(key=lambda f: (f.marker.start, f.item.start))
    index = _PassageIndex(passages)
    for f in found:
        passage = index.smallest(f.marker.start, f.marker.end)
        if passage is None:
            skipped.append(
                SkippedMarker(
                    marker_text=f.marker_text,
                    start=f.marker.start,
                    end=f.marker.end,
                    reason="marker crosses a passage boundary",
                )
            )
            continue
        if f.target_key is None:
            result.unresolved.append(
                UnresolvedCitation(
                    kind=f.kind,
                    marker_text=f.marker_text,
                    start=f.marker.start,
                    end=f.marker.end,
                    item_text=f.item_text,
                    reason=f.reason or "unresolved",
                    passage=passage,
                )
            )
            continue
        result.citations.append(
            Citation(
                index=len(result.citations) + 1,
                kind=f.kind,
                marker_text=f.marker_text,
                start=f.marker.start,
                end=f.marker.end,
                item_text=f.item_text,
                item_start=f.item.start,
                item_end=f.item.end,
                target_key=f.target_key,
                target_id=f.target_id or f.target_key,
                passage=passage,
            )
        )
    return result


def _numeric(text: str, iv: Span, numbered: dict, skipped: list[SkippedMarker]) -> list[_Found]:
    out: list[_Found] = []
    size = max(numbered)
    for marker in find_numeric_markers(text, iv.start, iv.end):
        span = Span(marker.start, marker.end)
        if marker.skip_reason:
            skipped.append(
                SkippedMarker(
                    marker_text=marker.text,
                    start=marker.start,
                    end=marker.end,
                    reason=marker.skip_reason,
                )
            )
            continue
        for item in marker.items:
            ispan = Span(item.start, item.end)
            if item.problem:
                out.append(
                    _Found("numeric", span, marker.text, ispan, item.text, reason=item.problem)
                )
                continue
            for n in item.numbers:
                entry = numbered.get(n)
                if entry is None:
                    reason = (
                        f"no reference {n}: the bibliography has {len(numbered)} numbered "
                        f"entries (highest {size})"
                    )
                    out.append(_Found("numeric", span, marker.text, ispan, str(n), reason=reason))
                else:
                    out.append(
                        _Found(
                            "numeric", span, marker.text, ispan, item.text, entry.key, entry.ref_id
                        )
                    )
    return out


def _author_year(text: str, iv: Span, entries: list) -> list[_Found]:
    out: list[_Found] = []
    seen: set[tuple[int, int]] = set()
    for marker in find_parenthetical(text, iv.start, iv.end):
        span = Span(marker.start, marker.end)
        for item in marker.items:
            if (item.start, item.end, item.year) in seen:  # type: ignore[comparison-overlap]
                continue
            seen.add((item.start, item.end))
            m = match_reference(item.names, item.year, entries)
            label = f"{item.names}, {item.year}"
            ispan = Span(item.start, item.end)
            if m.entry is None:
                out.append(_Found("author-year", span, marker.text, ispan, label, reason=m.reason))
            else:
                out.append(
                    _Found(
                        "author-year", span, marker.text, ispan, label, m.entry.key, m.entry.ref_id
                    )
                )
    taken = [(f.marker.start, f.marker.end) for f in out]
    for marker, m in find_narrative(text, iv.start, iv.end, entries):
        if any(a <= marker.end - 1 < b for a, b in taken):
            continue
        item = marker.items[0]
        assert m.entry is not None
        out.append(
            _Found(
                "author-year",
                Span(marker.start, marker.end),
                marker.text,
                Span(item.start, item.end),
                f"{item.names}, {item.year}",
                m.entry.key,
                m.entry.ref_id,
            )
        )
    return out


def _footnote_markers(doc: Document, iv: Span) -> list[_Found]:
    text = doc.text
    out: list[_Found] = []
    for m in _SUPERSCRIPT.finditer(text, iv.start, iv.end):
        before = text[max(iv.start, m.start() - 4) : m.start()]
        if m.start() == iv.start or _UNIT_BEFORE.search(before):
            continue
        number = int(m.group().translate(_TO_ASCII))
        span = Span(m.start(), m.end())
        note = doc.footnote(number)
        if note is None:
            out.append(
                _Found(
                    "footnote", span, m.group(), span, str(number), reason=f"no footnote {number}"
                )
            )
        else:
            out.append(
                _Found("footnote", span, m.group(), span, str(number), str(number), str(number))
            )
    return out
