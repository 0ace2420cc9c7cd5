"""Table of contents (and lists of figures/tables) after a "TABLE OF CONTENTS" heading."""

from __future__ import annotations

import re

from ..read.model import TocEntry
from .layout import TOC, Layout, Line

_TOC_HEADING = re.compile(r"^(?:\*\*)?(?:table of contents|contents)(?:\*\*)?$", re.I)
_TOC_LINE = re.compile(
    r"^(?P<title>.*?[^\s.])(?:\s*\.{2,}\s*|\s*\t\s*|\s+)?(?P<page>\d{1,3}|[ivxlc]{1,7})$"
)


def _entries(lines: list[Line]) -> tuple[list[TocEntry], int]:
    """TOC entries of a chunk (an entry may wrap over lines); second value = lines left over."""
    out: list[TocEntry] = []
    pending: list[Line] = []
    for ln in lines:
        pending.append(ln)
        m = _TOC_LINE.match(ln.stripped)
        if m:
            title_lines = [p.stripped for p in pending[:-1]] + [m.group("title")]
            start = pending[0].content.start
            out.append(
                TocEntry(
                    start=start,
                    end=ln.content.end,
                    title=" ".join(" ".join(title_lines).split()),
                    page=m.group("page"),
                )
            )
            pending = []
    return out, len(pending)


def find_toc(layout: Layout) -> list[TocEntry]:
    """Claim the lines of a table of contents; returns its entries (not passages)."""
    found: list[TocEntry] = []
    chunks = layout.chunks
    for i, chunk in enumerate(chunks):
        lines = layout.chunk_lines(chunk)
        if len(lines) != 1 or not _TOC_HEADING.match(lines[0].stripped):
            continue
        j = i + 1
        while j < len(chunks) and layout.chunk_free(chunks[j]):
            lines = layout.chunk_lines(chunks[j])
            entries, left = _entries(lines)
            if entries and left == 0:
                found.extend(entries)
                layout.claim(chunks[j], TOC)
                j += 1
                continue
            # a sub-heading ("FIGURES") directly followed by TOC lines
            nxt = j + 1 < len(chunks) and _entries(layout.chunk_lines(chunks[j + 1]))
            if len(lines) == 1 and len(lines[0].stripped) <= 40 and nxt and nxt[0] and not nxt[1]:
                c = lines[0].content
                found.append(TocEntry(start=c.start, end=c.end, title=lines[0].stripped, page=""))
                layout.claim(chunks[j], TOC)
                j += 1
                continue
            break
    return found
