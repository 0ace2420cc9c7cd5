"""Headings: short standalone chunks in upper case, title case, markdown (#, **…**) or with a
roman numeral ("III. ENFORCEMENT OF LAWS ON CHILD LABOR")."""

from __future__ import annotations

import re

from ..read.model import Heading, Span
from .layout import HEADING, Layout


def _wordset(words: str) -> list[str]:
    return words.split()


_STOP = frozenset(
    _wordset(
        "a an and as at by de des du en et for from in into la le les of on or over the their "
        "through to under with within without vs"
    )
)
_LIST_START = re.compile(r"^\s*(?:[-•▪●◦–]|\*(?!\*)|\d{1,3}[.)]|\(\d{1,2}\))\s")
_CAPTION = re.compile(r"^(?:Figure|Fig\.|Chart|Map|Box|Graph|Photo)\s+\w+\s*[.:]", re.I)
_ROMAN = re.compile(r"^[IVXLC]{1,6}\.\s+\S")
_MD = re.compile(r"^(#{1,6})\s+")


def _words(s: str) -> list[str]:
    return [w for w in (t.strip("()[]\"“”‘’'*:,;.–-") for t in s.split()) if w]


def title_case_ratio(s: str) -> float:
    """Share of significant words (letters, not stop words) that start with a capital."""
    words = [w for w in _words(s) if any(c.isalpha() for c in w) and w.lower() not in _STOP]
    if not words:
        return 0.0
    return sum(1 for w in words if w[0].isupper() or not w[0].isalpha()) / len(words)


def upper_ratio(s: str) -> float:
    letters = [c for c in s if c.isalpha()]
    return sum(1 for c in letters if c.isupper()) / len(letters) if letters else 0.0


def classify_heading(lines: list[str]) -> int | None:
    """The level of a heading made of these stripped lines, or None if it is not a heading."""
    if not lines or len(lines) > 6 or any("\t" in ln for ln in lines):
        return None
    joined = " ".join(lines)
    if len(joined) > 200 or any(len(ln) > 110 for ln in lines):
        return None
    md = _MD.match(joined)
    core = _MD.sub("", joined).strip().strip("*").strip()
    if not core or not any(c.isalpha() for c in core):
        return None
    if md:
        return len(md.group(1))
    bold = joined.startswith("**") and joined.endswith("**") and len(joined) > 4
    if _LIST_START.match(joined) or _CAPTION.match(core) or core[0] in '(⁰¹²³⁴⁵⁶⁷⁸⁹“"':
        return None
    if core[0].islower() or core.endswith((".", ";", "?", "!", "”", '"')):
        return None
    if re.search(r"[a-z]{2,}[.!?]\s", core) or re.search(r"\(\d{1,3}(?:[;,]\s*\d+)*\)$", core):
        return None  # sentences, citation markers
    if _ROMAN.match(core) or bold:
        return 1
    if upper_ratio(core) >= 0.8 and len([c for c in core if c.isalpha()]) >= 3:
        return 1
    words = _words(core)
    if len(words) <= 16 and title_case_ratio(core) >= 0.8:
        if core.endswith((":", ",")) and title_case_ratio(core) < 0.9:
            return None
        return 2
    return None


def heading_span(layout: Layout, chunk: tuple[int, int]) -> Span:
    """The chunk's span without markdown heading markers."""
    span = layout.chunk_span(chunk)
    raw = layout.text[span.start : span.end]
    lead = len(raw) - len(raw.lstrip("#* \t"))
    trail = len(raw) - len(raw.rstrip("* \t"))
    return Span(span.start + lead, span.end - trail)


def find_headings(layout: Layout) -> list[Heading]:
    """Claim heading chunks among the lines nobody claimed yet."""
    found: list[Heading] = []
    for chunk in layout.chunks:
        if not layout.chunk_free(chunk):
            continue
        lines = [ln.stripped for ln in layout.chunk_lines(chunk)]
        level = classify_heading(lines)
        if level is None:
            continue
        span = heading_span(layout, chunk)
        title = " ".join(layout.text[span.start : span.end].split())
        found.append(Heading(start=span.start, end=span.end, title=title, level=level))
        layout.claim(chunk, HEADING)
    found.sort(key=lambda h: h.start)
    for i, h in enumerate(found, start=1):
        h.index = i
    return found
