"""Footnote bodies: a chunk starting with a superscript number ("¹² In the 2020 data …") or a
markdown footnote definition ("[^3]: …"), wherever it stands in the running text."""

from __future__ import annotations

import re

from ..read.model import Footnote, Span
from .layout import FOOTNOTE, Layout

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TO_ASCII = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
_START = re.compile(r"^\s*(?:(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|\[\^(?P<md>\d{1,4})\]:)\s*(?=\S)")


def superscript_number(marker: str) -> int:
    """ "¹²" -> 12."""
    return int(marker.translate(_TO_ASCII))


def find_footnotes(layout: Layout) -> list[Footnote]:
    """Claim footnote bodies; each starts a line and runs to the next footnote or chunk end."""
    found: list[Footnote] = []
    for a, b in layout.chunks:
        if not layout.chunk_free((a, b)) or not _START.match(layout.lines[a].text):
            continue
        current: Footnote | None = None
        for ln in layout.chunk_lines((a, b)):
            m = _START.match(ln.text)
            c = ln.content
            if m:
                marker = m.group("sup") or m.group("md")
                mstart = ln.start + (m.start("sup") if m.group("sup") else m.start("md") - 2)
                mend = ln.start + (m.end("sup") if m.group("sup") else m.end("md") + 1)
                current = Footnote(
                    start=ln.start + m.end(),
                    end=c.end,
                    number=superscript_number(marker) if m.group("sup") else int(marker),
                    marker_span=Span(mstart, mend),
                )
                found.append(current)
            elif current is not None:
                current.end = c.end
            layout.claim([ln.no], FOOTNOTE)
    for i, note in enumerate(found, start=1):
        note.index = i
    return found
