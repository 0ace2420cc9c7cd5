"""Acronyms: an "ACRONYMS" list (term TAB expansion) and inline definitions "Long Name (LN)"."""

from __future__ import annotations

import re

from ..read.model import Acronym, Span
from .layout import ACRONYM, Layout

_HEADING = re.compile(
    r"^(?:\*\*)?(?:list of )?(?:acronyms|abbreviations)(?: and (?:acronyms|abbreviations))?"
    r"(?:\*\*)?$",
    re.I,
)
_ENTRY = re.compile(
    r"^(?P<term>[^\s]{1,20}(?: [^\s]{1,12})?)(?:\t+\s*|\s+[–—-]\s+|\s{2,})(?P<exp>\S.*?)\s*$"
)


def _wordset(words: str) -> list[str]:
    return words.split()


_STOP = frozenset(
    _wordset("of the and for in on to against at de des la le les du et pour sur a an by with")
)
_INLINE = re.compile(r"\((?P<acr>[A-Z][A-Za-z0-9&.\-]*[A-Z0-9][A-Za-z0-9&.\-]*)\)")
_WORD = re.compile(r"[\w’'\-]+", re.UNICODE)


def _acronym_line(text: str, start: int, line: str) -> Acronym | None:
    m = _ENTRY.match(line)
    if not m or not any(c.isupper() for c in m.group("term")):
        return None
    term = Span(start + m.start("term"), start + m.end("term"))
    exp = Span(start + m.start("exp"), start + m.end("exp"))
    return Acronym(
        start=term.start,
        end=exp.end,
        term=text[term.start : term.end],
        expansion=text[exp.start : exp.end],
        term_span=term,
        expansion_span=exp,
        source="list",
    )


def find_acronym_list(layout: Layout) -> list[Acronym]:
    """Claim the lines of acronym lists; returns their entries."""
    found: list[Acronym] = []
    chunks = layout.chunks
    for i, chunk in enumerate(chunks):
        lines = layout.chunk_lines(chunk)
        if len(lines) != 1 or not _HEADING.match(lines[0].stripped):
            continue
        j = i + 1
        while j < len(chunks) and layout.chunk_free(chunks[j]):
            got = []
            for ln in layout.chunk_lines(chunks[j]):
                c = ln.content
                got.append(_acronym_line(layout.text, c.start, layout.text[c.start : c.end]))
            if sum(1 for g in got if g) < max(1, int(0.6 * len(got))):
                break
            for ln, g in zip(layout.chunk_lines(chunks[j]), got, strict=True):
                if g:
                    found.append(g)
                    layout.claim([ln.no], ACRONYM)
            j += 1
    return found


def _initials_match(acr: str, words: list[str]) -> bool:
    letters = [c.lower() for c in acr if c.isalpha()]
    significant = [w[0].lower() for w in words if w.lower() not in _STOP]
    every = [w[0].lower() for w in words]
    return bool(letters) and letters in (significant, every)


def find_inline_acronyms(text: str, spans: list[Span]) -> list[Acronym]:
    """ "National Movement for the Liberation of Azawad (MNLA)" in the given passage spans:
    the acronym's letters must be the initials of the preceding capitalized words."""
    found: list[Acronym] = []
    for span in spans:
        chunk = text[span.start : span.end]
        for m in _INLINE.finditer(chunk):
            acr = m.group("acr")
            if len([c for c in acr if c.isalpha()]) < 2:
                continue
            words = list(_WORD.finditer(chunk, max(0, m.start() - 200), m.start()))
            for n in range(1, min(len(words), 14) + 1):
                tail = words[-n:]
                if tail[0].group()[0].islower():
                    continue
                if _initials_match(acr, [w.group() for w in tail]):
                    exp = Span(span.start + tail[0].start(), span.start + tail[-1].end())
                    term = Span(span.start + m.start("acr"), span.start + m.end("acr"))
                    found.append(
                        Acronym(
                            start=exp.start,
                            end=span.start + m.end(),
                            term=acr,
                            expansion=" ".join(text[exp.start : exp.end].split()),
                            term_span=term,
                            expansion_span=exp,
                            source="inline",
                        )
                    )
                    break
    return found
