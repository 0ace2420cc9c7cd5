"""Reading sources: a file → a Document (normalized text; blocks come from ``segment``).

Public API::

    read(path: str | Path) -> Document           # pick a reader by suffix, read, normalize
    register_reader(reader: Reader, suffixes=None) -> None
    reader_for(path) -> Reader                     # ReadError if no reader handles the suffix
    TextReader(encoding="utf-8", max_bytes=20 MiB) # the plain-text reader (.txt, .text, .md)
    PdfReader(max_bytes=100 MiB, max_pages=300)    # published reports (.pdf), with page boxes
    ReadError(path, message, offset=None, line=None)

The model (``ctipgraph.read.model``): Span, Kind, Block and its subclasses (Heading, Paragraph,
Sentence, ListItem, Table, TableRow, TableCell, TableNote, Footnote, BibEntry, Field, RunningText,
TocEntry, Acronym), Section, Citation, UnresolvedCitation, SkippedMarker, Document, Reader, and
``passage_path(block)`` — the IRI path of a passage ("sentence", 12) as in docs/design.md.

A Document from ``read`` holds only the text; ``ctipgraph.segment.segment_document`` fills in
sections, sentences, tables, … and ``ctipgraph.segment.load(path)`` does both (plus citations).
New formats (HTML, …) plug in with ``register_reader`` without touching the rest.
"""

from __future__ import annotations

from pathlib import Path

from .model import (
    Acronym,
    BibEntry,
    Block,
    Citation,
    Document,
    Field,
    Footnote,
    Heading,
    Kind,
    ListItem,
    Paragraph,
    Reader,
    ReadError,
    RunningText,
    Section,
    Sentence,
    SkippedMarker,
    Span,
    Table,
    TableCell,
    TableNote,
    TableRow,
    TocEntry,
    UnresolvedCitation,
    passage_path,
)
from .pdf import PdfReader
from .text import TextReader

_REGISTRY: dict[str, Reader] = {}


def register_reader(reader: Reader, suffixes: tuple[str, ...] | list[str] | None = None) -> None:
    """Use ``reader`` for files with these suffixes (default: ``reader.suffixes``)."""
    for suffix in suffixes or reader.suffixes:
        _REGISTRY[suffix.lower()] = reader


def reader_for(path: str | Path) -> Reader:
    """The reader registered for the path's suffix."""
    suffix = Path(path).suffix.lower()
    try:
        return _REGISTRY[suffix]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        what = suffix or "files without suffix"
        raise ReadError(path, f"no reader for {what!r} (known: {known})") from None


def suffixes() -> set[str]:
    """The file suffixes some registered reader handles."""
    return set(_REGISTRY)


def read(path: str | Path) -> Document:
    """Read a source file into an unsegmented Document."""
    return reader_for(path).read(Path(path))


register_reader(TextReader())
register_reader(PdfReader())

__all__ = [
    "Acronym",
    "BibEntry",
    "Block",
    "Citation",
    "Document",
    "Field",
    "Footnote",
    "Heading",
    "Kind",
    "ListItem",
    "Paragraph",
    "PdfReader",
    "ReadError",
    "Reader",
    "RunningText",
    "Section",
    "Sentence",
    "SkippedMarker",
    "Span",
    "Table",
    "TableCell",
    "TableNote",
    "TableRow",
    "TextReader",
    "TocEntry",
    "UnresolvedCitation",
    "passage_path",
    "read",
    "reader_for",
    "register_reader",
    "suffixes",
]
