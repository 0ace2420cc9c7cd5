"""Markup left in the normalized texts by their text sources — markdown (`**Government of
Mali.**`, `*Etude…*`, `- ` list bullets, `# ` headings), backslash escapes (`\\$13 million`) and
stray HTML tags (`<p>`, `<ul style=…>`) — found by offset, so that a page can render it (bold,
italics) or hide it (the marks) while every character stays in the text: quotes are verbatim and
their offsets true. `marks(text)` gives (start, end, kind) with kind "hide" (a mark not to show),
"strong" or "em" (the text between the marks); `plain(text)` is the text without the marks, for
places where only text can go (a title attribute, a snippet).
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!$%&~|<>\"'])")
_STRONG = re.compile(r"(?<![*\w])\*\*(?=\S)(.+?)(?<=\S)\*\*(?![*\w])", re.S)
_EM = re.compile(r"(?<![*\w\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*\\])\*(?![*\w])")
_TAG = re.compile(r"</?(?:p|ul|ol|li|br|strong|em|b|i|span|div)\b[^<>\n]{0,200}?/?>", re.I)
_LINE = re.compile(r"^(?:#{1,6} |[-*•▪] )", re.M)


def marks(text: str) -> list[tuple[int, int, str]]:
    """The marks of `text` as (start, end, kind), sorted; marks never overlap one another."""
    found: list[tuple[int, int, str]] = []
    taken: set[int] = set()

    def free(a: int, b: int) -> bool:
        return not any(i in taken for i in range(a, b))

    def take(a: int, b: int, kind: str) -> None:
        found.append((a, b, kind))
        if kind == "hide":
            taken.update(range(a, b))

    for m in _ESCAPE.finditer(text):
        if free(m.start(), m.end()):
            take(m.start(), m.end(), "hide")
    for m in _TAG.finditer(text):
        if free(m.start(), m.end()):
            take(m.start(), m.end(), "hide")
    for m in _LINE.finditer(text):
        if free(m.start(), m.end()):
            take(m.start(), m.end(), "hide")
    for pattern, kind, width in ((_STRONG, "strong", 2), (_EM, "em", 1)):
        for m in pattern.finditer(text):
            a, b = m.start(), m.end()
            if free(a, a + width) and free(b - width, b) and \
                    not any(s < b and a < e and k in ("strong", "em") for s, e, k in found):
                take(a, a + width, "hide")
                take(b - width, b, "hide")
                take(a + width, b - width, kind)
    return sorted(found)


def plain(text: str) -> str:
    """`text` without its marks (for a title attribute or a search snippet)."""
    hidden = [(a, b) for a, b, kind in marks(text) if kind == "hide"]
    out, pos = [], 0
    for a, b in hidden:
        out.append(text[pos:a])
        pos = b
    out.append(text[pos:])
    return "".join(out)
