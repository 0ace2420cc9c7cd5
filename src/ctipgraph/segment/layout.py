"""Lines, blank-line separated chunks, and which segmenter has claimed which line."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..read.model import Kind, RunningText, Span


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the text: ``start``/``end`` exclude the ``\\n``."""

    no: int
    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def content(self) -> Span:
        """The span of the line without surrounding whitespace."""
        lead = len(self.text) - len(self.text.lstrip())
        trail = len(self.text) - len(self.text.rstrip())
        return Span(self.start + lead, self.end - trail)

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(" \t"))


# Line roles (what claimed a line).
RUNNING = "running"
METADATA = "metadata"
TOC = "toc"
ACRONYM = "acronym"
TABLE = "table"
BIBLIOGRAPHY = "bibliography"
FOOTNOTE = "footnote"
FIELD_LABEL = "field_label"
HEADING = "heading"
BODY = "body"  # prose or list lines, segmented last


class Layout:
    """The text cut into lines and chunks (runs of non-blank lines)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[Line] = []
        pos = 0
        for no, raw in enumerate(text.split("\n")):
            self.lines.append(Line(no, pos, pos + len(raw), raw))
            pos += len(raw) + 1
        self.roles: list[str | None] = [None] * len(self.lines)
        self.override: dict[int, int] = {}  # line no -> where its body text starts (after a label)
        self.chunks: list[tuple[int, int]] = []
        first: int | None = None
        for line in self.lines:
            if line.blank:
                if first is not None:
                    self.chunks.append((first, line.no))
                    first = None
            elif first is None:
                first = line.no
        if first is not None:
            self.chunks.append((first, len(self.lines)))

    def chunk_lines(self, chunk: tuple[int, int]) -> list[Line]:
        return self.lines[chunk[0] : chunk[1]]

    def chunk_span(self, chunk: tuple[int, int]) -> Span:
        lines = self.chunk_lines(chunk)
        return Span(lines[0].content.start, lines[-1].content.end)

    def body_span(self, no: int) -> Span:
        """The stripped content of a line, starting after a field label if there is one."""
        c = self.lines[no].content
        start = max(c.start, self.override.get(no, c.start))
        return Span(start, c.end)

    def is_free(self, no: int) -> bool:
        return self.roles[no] is None

    def chunk_free(self, chunk: tuple[int, int]) -> bool:
        return all(self.roles[i] is None for i in range(*chunk))

    def claim(self, nos: range | list[int] | tuple[int, int], role: str) -> None:
        if isinstance(nos, tuple):
            nos = range(*nos)
        for no in nos:
            self.roles[no] = role

    def free_chunks(self) -> list[tuple[int, int]]:
        """Maximal runs of unclaimed non-blank lines."""
        out: list[tuple[int, int]] = []
        for a, b in self.chunks:
            first = None
            for no in range(a, b):
                if self.roles[no] is None:
                    if first is None:
                        first = no
                elif first is not None:
                    out.append((first, no))
                    first = None
            if first is not None:
                out.append((first, b))
        return out


# --- running headers and footers --------------------------------------------------------------

_PAGE_FOOTER = re.compile(
    r"^(?:page\s+\d+(?:\s+of\s+\d+)?|\d+\s+of\s+\d+|-\s*\d+\s*-|\d+\s*/\s*\d+)$", re.I
)
_CONT_CAPTION = re.compile(r"\((?:cont|cont\.|continued)\)\s*$", re.I)
_SENTENCE_END = re.compile(r"[.!?:;)\]\"”’»*]$")


def _candidate(layout: Layout, chunk: tuple[int, int]) -> str | None:
    """The text of a one-line chunk that could be a page banner."""
    a, b = chunk
    if b - a != 1:
        return None
    line = layout.lines[a]
    s = line.stripped
    if not s or len(s) > 60 or "\t" in line.text or s[-1] in ".,;:" or not layout.is_free(a):
        return None
    return s


def find_running(layout: Layout) -> list[RunningText]:
    """Claim page footers ("Page 1 of 2") and banner lines repeated at page breaks.

    A repeated one-line chunk is a banner when one of its occurrences (or of the run of
    banner-like chunks it belongs to) interrupts a sentence (text before ends without
    punctuation, text after starts in lower case) or precedes a "(cont)" table caption.
    """
    found: list[RunningText] = []
    chunks = layout.chunks
    # 1. page footers, with short furniture lines printed in the same chunk
    for a, b in chunks:
        lines = layout.chunk_lines((a, b))
        if any(_PAGE_FOOTER.match(ln.stripped) for ln in lines) and len(lines) <= 3:
            for ln in lines:
                if len(ln.stripped) <= 80 and not ln.stripped.endswith("."):
                    layout.claim([ln.no], RUNNING)
                    found.append(_running(ln, Kind.RUNNING_FOOTER))
    # 2. repeated banners
    texts = [_candidate(layout, c) for c in chunks]
    counts = Counter(t for t in texts if t)
    runs: list[list[int]] = []  # runs of consecutive candidate chunks (indexes into chunks)
    for i, t in enumerate(texts):
        if t and counts[t] >= 2:
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
    confirmed: set[str] = set()
    for run in runs:
        before = _neighbour_text(layout, run[0] - 1)
        after = _neighbour_text(layout, run[-1] + 1)
        breaks_sentence = (
            before is not None
            and after is not None
            and not _SENTENCE_END.search(before)
            and after[:1].islower()
        )
        before_cont = after is not None and bool(_CONT_CAPTION.search(after.split("\n")[0]))
        if breaks_sentence or before_cont:
            confirmed.update(texts[i] for i in run if texts[i])
    for run in runs:
        for i in run:
            if texts[i] in confirmed:
                ln = layout.lines[chunks[i][0]]
                layout.claim([ln.no], RUNNING)
                found.append(_running(ln, Kind.RUNNING_HEADER))
    found.sort(key=lambda r: r.start)
    return found


def _neighbour_text(layout: Layout, chunk_index: int) -> str | None:
    if not 0 <= chunk_index < len(layout.chunks):
        return None
    a, b = layout.chunks[chunk_index]
    return "\n".join(ln.stripped for ln in layout.lines[a:b])


def _running(line: Line, kind: Kind) -> RunningText:
    span = line.content
    return RunningText(kind=kind, start=span.start, end=span.end)
