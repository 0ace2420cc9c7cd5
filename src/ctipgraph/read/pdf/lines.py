"""Characters → lines: runs of characters on one baseline with no wide gap, and their text.

A line keeps, for every character of its text, the left and right edge on the page, so that any
part of it (a sentence starting mid-line) can be boxed exactly. Words are separated where the
gap between two characters is wider than a fraction of their box height, or where the page's
text has a space between them.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from .chars import PdfChar

#: A gap wider than this many "box heights" between two characters is a space.
WORD_GAP = 0.08
#: A gap wider than this many font sizes ends a line (a column gutter or a table cell border).
LINE_GAP = 1.0
#: Characters whose vertical middles differ by less than this share a baseline (× box height).
SAME_ROW = 0.35
_NORMALIZE = {"\u2011": "-", "\ufb01": "fi", "\ufb02": "fl", "\ufb00": "ff", "\ufb03": "ffi",
              "\ufb04": "ffl", "\u00a0": " "}


@dataclass(slots=True)
class Line:
    """A run of characters on one baseline: text, box (points, top-left origin) and font."""

    page: int  # 1-based
    chars: list[PdfChar]
    text: str = ""
    lefts: list[float] = field(default_factory=list)  # per character of ``text``
    rights: list[float] = field(default_factory=list)
    x0: float = 0.0
    top: float = 0.0
    x1: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    bold: bool = False

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def __post_init__(self) -> None:
        self._layout()

    def _layout(self) -> None:
        chars = sorted(self.chars, key=lambda c: c.x0)
        self.chars = chars
        parts: list[str] = []
        lefts: list[float] = []
        rights: list[float] = []
        prev: PdfChar | None = None
        for c in chars:
            if prev is not None and (
                c.x0 - prev.x1 > WORD_GAP * max(c.height, prev.height)
                or (c.space_before and c.seq == prev.seq + 1)
            ):
                parts.append(" ")
                lefts.append(min(prev.x1, c.x0))
                rights.append(max(prev.x1, c.x0))
            text = _NORMALIZE.get(c.text, c.text)
            if parts and unicodedata.combining(text[0]):  # an accent drawn apart: compose it
                composed = unicodedata.normalize("NFC", parts[-1] + text)
                if len(composed) == 1:
                    parts[-1] = composed
                    rights[-1] = max(rights[-1], c.x1)
                    prev = c
                    continue
            for k, ch in enumerate(text):
                parts.append(ch)
                width = (c.x1 - c.x0) / len(text)
                lefts.append(c.x0 + k * width)
                rights.append(c.x0 + (k + 1) * width)
            prev = c
        self.text = "".join(parts)
        self.lefts, self.rights = lefts, rights
        self.x0 = min(c.x0 for c in chars)
        self.x1 = max(c.x1 for c in chars)
        self.top = min(c.top for c in chars)
        self.bottom = max(c.bottom for c in chars)
        self.size = statistics.median(c.size for c in chars)
        weight = sum(1 for c in chars if c.bold and c.text.isalnum())
        letters = sum(1 for c in chars if c.text.isalnum()) or 1
        self.bold = weight * 2 > letters



def rows(chars: Iterable[PdfChar]) -> list[list[PdfChar]]:
    """Characters grouped by baseline, top to bottom."""
    ordered = sorted(chars, key=lambda c: (c.middle, c.x0))
    out: list[list[PdfChar]] = []
    mid = 0.0
    for c in ordered:
        middle = c.middle
        if out and abs(middle - mid) <= SAME_ROW * max(c.height, 1.0):
            row = out[-1]
            row.append(c)
            mid += (middle - mid) / len(row)  # running mean of the row's middles
        else:
            out.append([c])
            mid = middle
    return out


def build_lines(chars: Iterable[PdfChar], page: int, gap: float = LINE_GAP) -> list[Line]:
    """Lines of the characters: each baseline split where a gap is wider than ``gap`` sizes."""
    lines: list[Line] = []
    for row in rows(chars):
        row.sort(key=lambda c: c.x0)
        run: list[PdfChar] = [row[0]]
        for c in row[1:]:
            if c.x0 - run[-1].x1 > gap * max(c.size, run[-1].size, 1.0):
                lines.append(Line(page, run))
                run = [c]
            else:
                run.append(c)
        lines.append(Line(page, run))
    lines.sort(key=lambda ln: (round(ln.top), ln.x0))
    return lines
