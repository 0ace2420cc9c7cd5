"""Metadata headers: Refworld's "Publisher …/Author …/Cite as …" block, "Last Updated: …" lines
and front-matter labels such as "Submitted by:" followed by their value block."""

from __future__ import annotations

import re

from ..read.model import Field, Kind, RunningText, Span
from .layout import METADATA, RUNNING, Layout, Line

#: Labels of a Refworld record header, longest first (a label may be glued to its value).
REFWORLD_LABELS = (
    "Publication Date",
    "Document type",
    "Reference",
    "Publisher",
    "Disclaimer",
    "Countries",
    "Cite as",
    "Author",
    "Topics",
)
_REFWORLD = re.compile(r"^(" + "|".join(REFWORLD_LABELS) + r")(?=\s|[A-Z])\s*(\S.*)$")
_COLON_FIELD = re.compile(r"^([A-Z][A-Za-z]+(?: [A-Za-z]+){0,3}):\s+(\S.{0,80})$")
_LABEL_ONLY = re.compile(
    r"^(?!(?:The|A|An|This|These|Those|Our|We|It)\b)([A-Z][A-Za-z]+(?: [A-Za-z]+){0,2}):$"
)
_LIST_LINE = re.compile(r"^\s*(?:[-•▪●◦–*]|\d{1,2}[.)]|\(\d{1,2}\))\s")
_BOILERPLATE = re.compile(r"^Search Refworld$")


def field_key(label: str) -> str:
    """ "Publication Date" -> "publication_date"; "FISCAL YEAR & FUNDING LEVEL" ->
    "fiscal_year_funding_level"."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def make_field(
    text: str, label: Span, value: Span | None, source: str, key: str | None = None
) -> Field:
    """A Field whose span covers label and value when adjacent, else the value alone."""
    label_text = text[label.start : label.end]
    if value is None or value.end <= value.start:
        start, end, value = label.start, label.end, None
    elif value.start >= label.end and text[label.end : value.start].strip(" \t\n:") == "":
        start, end = label.start, value.end
    else:
        start, end = value.start, value.end
    value_text = " ".join(text[value.start : value.end].split()) if value else ""
    return Field(
        start=start,
        end=end,
        key=key or field_key(label_text),
        label=label_text,
        label_span=label,
        value=value_text,
        value_span=value,
        source=source,
    )


def find_metadata(layout: Layout) -> tuple[list[Field], list[RunningText]]:
    """Claim metadata header lines; returns the fields and boilerplate lines."""
    text = layout.text
    fields: list[Field] = []
    running: list[RunningText] = []
    refworld = False
    for a, b in layout.chunks:
        lines = layout.chunk_lines((a, b))
        hits = [(ln, _REFWORLD.match(ln.text.rstrip())) for ln in lines]
        if sum(1 for _, m in hits if m) >= 2:
            refworld = True
            for ln, m in hits:
                if m:
                    fields.append(_from_match(text, ln, m, "metadata"))
                    layout.claim([ln.no], METADATA)
    chunks = layout.chunks
    for i, (a, b) in enumerate(chunks):
        if b - a != 1 or not layout.is_free(a):
            continue
        ln = layout.lines[a]
        s = ln.text.rstrip()
        m = _COLON_FIELD.match(s) if ln.indent == 0 else None
        if (
            m
            and not m.group(1).isupper()
            and not (m.group(2).isupper() and sum(c.isalpha() for c in m.group(2)) >= 6)
            and not re.match(r"(?:Figure|Table|Annex|Chart|Box)\b", m.group(1), re.I)
            and not re.search(r"\(\d", m.group(2))
        ):
            fields.append(_from_match(text, ln, m, "metadata"))
            layout.claim([a], METADATA)
            continue
        m = _LABEL_ONLY.match(ln.stripped)
        if m and i + 1 < len(chunks) and layout.chunk_free(chunks[i + 1]):
            value_lines = layout.chunk_lines(chunks[i + 1])
            if len(value_lines) <= 6 and all(
                len(v.stripped) <= 80 and not _LIST_LINE.match(v.text) for v in value_lines
            ):
                span = ln.content
                label = Span(span.start, span.end - 1)  # without the colon
                value = layout.chunk_span(chunks[i + 1])
                fields.append(make_field(text, label, value, "metadata"))
                layout.claim([a], METADATA)
                layout.claim(chunks[i + 1], METADATA)
        elif refworld and _BOILERPLATE.match(ln.stripped):
            layout.claim([a], RUNNING)
            c = ln.content
            running.append(RunningText(kind=Kind.RUNNING_FOOTER, start=c.start, end=c.end))
    fields.sort(key=lambda f: f.start)
    return fields, running


def _from_match(text: str, line: Line, m: re.Match[str], source: str) -> Field:
    base = line.start
    label = Span(base + m.start(1), base + m.end(1))
    value = Span(base + m.start(2), base + len(line.text.rstrip()))
    return make_field(text, label, value, source)
