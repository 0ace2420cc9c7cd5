"""Running headers and footers: lines near the top or bottom edge that recur on several pages
(digits ignored, so "3 … LABOR" and "5 … LABOR" are one footer), and page numbers: a bare
number near the edge, alone on its line or beside a footer (not a list item's number)."""

from __future__ import annotations

import re
from collections import defaultdict

from .lines import Line

#: The bands (fraction of the page height) where headers and footers sit.
EDGE = 0.12
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?$", re.I)


def _key(line: Line, height: float) -> str | None:
    if line.top < EDGE * height:
        zone = "top"
    elif line.bottom > (1 - EDGE) * height:
        zone = "bottom"
    else:
        return None
    text = _DIGITS.sub("#", " ".join(line.text.lower().split()))
    return f"{zone}:{text}"


def running_lines(pages: list[list[Line]], heights: list[float]) -> set[int]:
    """``id()`` of every line that is a running header, footer or page number."""
    pages_of: dict[str, set[int]] = defaultdict(set)
    keyed: list[tuple[Line, str]] = []
    for number, (lines, height) in enumerate(zip(pages, heights, strict=True)):
        for line in lines:
            key = _key(line, height)
            if key is not None and not _PAGE_NUMBER.match(line.text.strip()):
                keyed.append((line, key))
                pages_of[key].add(number)
    needed = max(2, round(0.4 * len(pages)))
    out = {id(line) for line, key in keyed if len(pages_of[key]) >= needed}
    for lines in pages:
        for line in lines:
            if id(line) in out or not _PAGE_NUMBER.match(line.text.strip()):
                continue
            key = _key(line, heights[line.page - 1])
            if key is None:
                continue
            beside = [o for o in lines if o is not line and abs(o.middle - line.middle) < 3]
            if key.startswith("top:"):
                beyond = [o for o in lines if o.bottom < line.top and id(o) not in out]
            else:
                beyond = [o for o in lines if o.top > line.bottom and id(o) not in out]
            if not beyond and all(id(o) in out for o in beside):
                out.add(id(line))  # outside the text, alone or beside a running footer
    return out
