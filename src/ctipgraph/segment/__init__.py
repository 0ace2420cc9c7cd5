"""Segmentation: a read Document → the same text with typed blocks (all offsets into doc.text).

Public API::

    segment_document(doc: Document, *, cite: bool = True) -> Document
        Returns a new Document with sections, headings, paragraphs, sentences, list_items,
        tables (rows, cells, notes), footnotes, fields, metadata, bibliography, running
        headers/footers, toc, acronym_entries/acronyms, and (cite=True) citations, unresolved
        and skipped markers from ``ctipgraph.cite.resolve.find_citations``.
    load(path: str | Path, *, cite: bool = True) -> Document
        ``read`` + ``segment_document``.

Steps, each claiming the lines it recognizes (``segment.layout.Layout``) so later steps only see
what is left: running headers/footers → table of contents → acronym list → metadata header →
tables → bibliography → footnotes → label/value fields → headings → list items, paragraphs and
sentences. Sections run from one heading to the next.

Invariant (tested on every seed): for every passage ``doc.text[b.start:b.end]`` is its exact
quote, with no surrounding whitespace, never empty; running headers/footers are in no passage.
"""

from __future__ import annotations

import bisect
import dataclasses
from pathlib import Path

from ..read import read
from ..read.model import Document, Field, Kind, Section
from .acronyms import find_acronym_list, find_inline_acronyms
from .bibliography import find_bibliography
from .body import segment_body
from .fields import find_fields
from .footnotes import find_footnotes
from .headings import find_headings
from .layout import Layout, find_running
from .metadata import find_metadata
from .tables import find_tables
from .toc import find_toc

__all__ = ["load", "segment_document"]


def load(path: str | Path, *, cite: bool = True) -> Document:
    """Read a source file and segment it."""
    return segment_document(read(path), cite=cite)


def segment_document(doc: Document, *, cite: bool = True) -> Document:
    """Find the structure of ``doc.text``; returns a new, segmented Document."""
    text = doc.text
    layout = Layout(text)
    running = find_running(layout)
    toc = find_toc(layout)
    acronym_list = find_acronym_list(layout)
    meta_fields, boilerplate = find_metadata(layout)
    running = sorted(running + boilerplate, key=lambda r: r.start)
    tables = find_tables(layout)
    bibliography = find_bibliography(layout)
    footnotes = find_footnotes(layout)
    label_fields, item_starts = find_fields(layout)
    fields: list[Field] = sorted(meta_fields + label_fields, key=lambda f: f.start)
    for i, f in enumerate(fields, start=1):
        f.index = i
    headings = find_headings(layout)
    line_starts = [ln.start for ln in layout.lines]
    note_lines: set[int] = set()
    for t in tables:
        for n in t.notes:
            first = bisect.bisect_right(line_starts, n.start) - 1
            last = bisect.bisect_right(line_starts, n.end) - 1
            note_lines.update(k for k in range(first, last + 1) if not layout.lines[k].blank)
    body = segment_body(layout, fields, item_starts, note_lines)

    sections = _sections(text, headings)
    out = dataclasses.replace(
        doc,
        segmented=True,
        sections=sections,
        headings=headings,
        paragraphs=body.paragraphs,
        sentences=body.sentences,
        list_items=body.list_items,
        tables=tables,
        footnotes=footnotes,
        fields=fields,
        bibliography=bibliography,
        running=running,
        toc=toc,
        acronym_entries=list(acronym_list),
        acronyms={},
        metadata={},
        citations=[],
        unresolved=[],
        skipped=[],
        warnings=list(doc.warnings) + _bibliography_warnings(bibliography),
    )
    starts = [s.start for s in sections]
    for block in out.blocks():
        k = bisect.bisect_right(starts, block.start)
        block.section = sections[k - 1].order if k else None
    for order, passage in enumerate(out.passages(), start=1):
        passage.order = order
    for f in fields:
        out.metadata.setdefault(f.key, f)
    inline = find_inline_acronyms(
        text, [p.span for p in out.passages() if p.kind != Kind.BIBLIOGRAPHY_ENTRY]
    )
    out.acronym_entries.extend(a for a in inline)
    for a in out.acronym_entries:
        out.acronyms.setdefault(a.term, a.expansion)
    for i, a in enumerate(out.acronym_entries, start=1):
        a.index = i
    for i, r in enumerate(out.running, start=1):
        r.index = i
    for i, t in enumerate(out.toc, start=1):
        t.index = i
    if cite:
        from ..cite.resolve import find_citations

        result = find_citations(out)
        out.citations = result.citations
        out.unresolved = result.unresolved
        out.skipped = result.skipped
    return out


def _sections(text: str, headings: list) -> list[Section]:
    sections: list[Section] = []
    for i, h in enumerate(headings):
        end = headings[i + 1].start if i + 1 < len(headings) else len(text)
        end = len(text[:end].rstrip())
        sections.append(
            Section(order=i + 1, title=h.title, start=h.start, end=end, heading=h, level=h.level)
        )
    return sections


def _bibliography_warnings(entries: list) -> list[str]:
    warnings = []
    numbers = [e.number for e in entries if e.number is not None]
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        warnings.append("bibliography numbers are not 1..n in order")
    keys = [e.key for e in entries]
    dups = sorted({k for k in keys if keys.count(k) > 1})
    if dups:
        warnings.append(f"duplicate reference keys: {', '.join(dups)}")
    return warnings
