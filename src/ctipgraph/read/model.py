"""The document model shared by readers, segmenters and citation finders.

Every block carries ``start``/``end``: Python ``str`` indices into ``Document.text`` (the normalized
text: UTF-8, NFC, ``"\\n"`` line ends). For every passage ``text[start:end]`` is its exact quote,
stripped of surrounding whitespace and never empty. Nothing here knows about RDF.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable


class ReadError(Exception):
    """A source that cannot be read: empty, binary, undecodable, too large, unknown format."""

    def __init__(
        self,
        path: str | Path | None,
        message: str,
        *,
        offset: int | None = None,
        line: int | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.message = message
        self.offset = offset
        self.line = line
        where = []
        if line is not None:
            where.append(f"line {line}")
        if offset is not None:
            where.append(f"byte {offset}")
        loc = f" ({', '.join(where)})" if where else ""
        super().__init__(f"{self.path or '<input>'}{loc}: {message}")


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` of the document text."""

    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start

    def of(self, text: str) -> str:
        """The text this span covers."""
        return text[self.start : self.end]

    def contains(self, other: Span | Block) -> bool:
        return self.start <= other.start and other.end <= self.end


class Kind(StrEnum):
    """What a block is."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    SENTENCE = "sentence"
    LIST_ITEM = "list_item"
    TABLE = "table"
    TABLE_ROW = "table_row"
    TABLE_CELL = "table_cell"
    TABLE_NOTE = "table_note"
    FOOTNOTE = "footnote"
    BIBLIOGRAPHY_ENTRY = "bibliography_entry"
    FIELD = "field"
    RUNNING_HEADER = "running_header"
    RUNNING_FOOTER = "running_footer"
    TOC_ENTRY = "toc_entry"
    ACRONYM = "acronym"


#: Kinds that are evidence passages (``ctip:Passage`` subclasses).
PASSAGE_KINDS = frozenset(
    {
        Kind.HEADING,
        Kind.SENTENCE,
        Kind.LIST_ITEM,
        Kind.TABLE_ROW,
        Kind.TABLE_CELL,
        Kind.FOOTNOTE,
        Kind.BIBLIOGRAPHY_ENTRY,
        Kind.FIELD,
    }
)


@dataclass(kw_only=True)
class Block:
    """A typed range of the text. ``index`` is 1-based within its kind (the IRI number)."""

    kind: Kind
    start: int
    end: int
    section: int | None = None  # 1-based Section.order, None before the first heading
    index: int = 0
    order: int = 0  # document order among all passages (1-based); 0 for non-passages

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    @property
    def is_passage(self) -> bool:
        return self.kind in PASSAGE_KINDS and self.end > self.start

    def quote(self, text: str) -> str:
        """The exact text of the block."""
        return text[self.start : self.end]


@dataclass(kw_only=True)
class Heading(Block):
    """A heading line (markdown ``**``/``#`` markers are outside the span)."""

    kind: Kind = Kind.HEADING
    title: str = ""  # the heading text with line breaks collapsed
    level: int = 1


@dataclass(kw_only=True)
class Section:
    """The text from one heading to the next. ``order`` = 1-based order of headings."""

    order: int
    title: str
    start: int
    end: int
    heading: Heading | None = None
    level: int = 1


@dataclass(kw_only=True)
class Paragraph(Block):
    """A contiguous run of prose. A paragraph broken by a page furniture or a footnote is two
    paragraphs linked by ``continues`` (index of the paragraph it continues)."""

    kind: Kind = Kind.PARAGRAPH
    continues: int | None = None
    field: int | None = None  # Field.index when the paragraph is a field's value


@dataclass(kw_only=True)
class Sentence(Block):
    """A sentence. A sentence interrupted by a running header or footnote is split into pieces
    linked by ``continues``/``continued_by`` (sentence indexes)."""

    kind: Kind = Kind.SENTENCE
    paragraph: int | None = None
    continues: int | None = None
    continued_by: int | None = None
    field: int | None = None
    table_note: bool = False  # a note under a table ("† Determined by national law …")


@dataclass(kw_only=True)
class ListItem(Block):
    """A list item; the span excludes the list marker (kept in ``marker``)."""

    kind: Kind = Kind.LIST_ITEM
    marker: str = ""
    marker_span: Span | None = None
    field: int | None = None
    continues: int | None = None
    continued_by: int | None = None


@dataclass(kw_only=True)
class TableCell(Block):
    """A cell. Empty cells keep their column position with ``start == end`` (not passages)."""

    kind: Kind = Kind.TABLE_CELL
    table: int = 0  # Table.index
    row: int = 0  # TableRow.index (1-based within the table, header rows included)
    column: int = 0  # 1-based
    column_header: str | None = None
    is_header: bool = False
    markers: tuple[str, ...] = ()  # note markers printed in the cell: "†", "‡", "*"

    @property
    def is_empty(self) -> bool:
        return self.end <= self.start


@dataclass(kw_only=True)
class TableRow(Block):
    """A row; may span several lines when a cell wraps."""

    kind: Kind = Kind.TABLE_ROW
    table: int = 0
    is_header: bool = False
    cells: list[TableCell] = field(default_factory=list)
    part: int = 1  # 1 for the first printing of the table, 2 after the first "(cont)", …

    def cell_texts(self, text: str) -> list[str]:
        return [c.quote(text) for c in self.cells]


@dataclass(kw_only=True)
class TableNote(Block):
    """A note printed under a table, introduced by its marker (span = whole note line)."""

    kind: Kind = Kind.TABLE_NOTE
    table: int = 0
    marker: str = ""
    body: Span | None = None


@dataclass(kw_only=True)
class Table(Block):
    """A table. ``start``/``end`` cover caption to last row; ``parts`` are the contiguous pieces
    (a table continued after a page break under a "(cont)" caption has several)."""

    kind: Kind = Kind.TABLE
    number: str | None = None  # as printed: "3", "I"
    caption: str | None = None  # title without number, markers and "(cont)"
    caption_span: Span | None = None
    caption_markers: tuple[str, ...] = ()
    continuation_captions: list[Span] = field(default_factory=list)
    parts: list[Span] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)
    notes: list[TableNote] = field(default_factory=list)

    @property
    def cells(self) -> list[TableCell]:
        return [c for r in self.rows for c in r.cells]


@dataclass(kw_only=True)
class Footnote(Block):
    """A footnote body (span excludes the printed marker, kept in ``marker_span``)."""

    kind: Kind = Kind.FOOTNOTE
    number: int = 0
    marker_span: Span | None = None


@dataclass(kw_only=True)
class BibEntry(Block):
    """A bibliography entry (reference). Span = the entry text without its list marker."""

    kind: Kind = Kind.BIBLIOGRAPHY_ENTRY
    key: str = ""  # "17" or "Hilson, 2008"
    ref_id: str = ""  # IRI slug: "17", "hilson-2008", duplicates "-2"
    style: str = "numeric"  # "numeric" | "author-year"
    number: int | None = None
    number_inferred: bool = False
    marker: str = ""  # "19.", "-", ""
    creator: str | None = None  # authors / issuing body as printed
    authors: list[str] = field(default_factory=list)  # "Armand, A." or a body's name
    surnames: list[str] = field(default_factory=list)  # "Armand" or a body's name
    et_al: bool = False
    same_author_as_previous: bool = False  # printed "—."
    title: str | None = None
    date: str | None = None  # as printed: "June 27, 2017", "2016, August"
    year: str | None = None  # four digits: "2017"
    year_suffix: str = ""  # "b" of "2020b", "B" of "2021B"
    urls: list[str] = field(default_factory=list)
    source_on_file: bool = False
    extra_spans: list[Span] = field(default_factory=list)  # pieces after a page break (rare)

    @property
    def year_key(self) -> str | None:
        """Year with its suffix as printed ("2020b"), None without a year."""
        return f"{self.year}{self.year_suffix}" if self.year else None

    def plain_text(self, text: str) -> str:
        """The entry text without markdown emphasis markers."""
        return self.quote(text).replace("**", "").replace("*", "")


@dataclass(kw_only=True)
class Field(Block):
    """A label/value pair. ``start``/``end`` cover label and value when they are adjacent,
    otherwise the value alone (labels printed apart from their values, or a value-less label)."""

    kind: Kind = Kind.FIELD
    key: str = ""  # normalized label: "project_duration", "publisher"
    label: str = ""
    label_span: Span | None = None
    value: str = ""  # value text with line breaks collapsed
    value_span: Span | None = None
    source: str = "label-value"  # "label-value" | "metadata"


@dataclass(kw_only=True)
class RunningText(Block):
    """A running header or footer ("Page 1 of 2", repeated page banners). Never a passage."""

    kind: Kind = Kind.RUNNING_HEADER


@dataclass(kw_only=True)
class TocEntry(Block):
    """A table-of-contents line; not a passage."""

    kind: Kind = Kind.TOC_ENTRY
    title: str = ""
    page: str = ""


@dataclass(kw_only=True)
class Acronym(Block):
    """An acronym and its expansion, from an acronym list or an inline definition."""

    kind: Kind = Kind.ACRONYM
    term: str = ""
    expansion: str = ""
    term_span: Span | None = None
    expansion_span: Span | None = None
    source: str = "list"  # "list" | "inline"


@dataclass(kw_only=True)
class Citation:
    """One in-text citation = one marker denoting one target (a marker "(1; 2)" gives two).

    ``start``/``end`` cover the whole printed marker; ``item_start``/``item_end`` the part that
    names this target ("2", "Darden, 2019", "¹²")."""

    index: int
    kind: str  # "numeric" | "author-year" | "footnote"
    marker_text: str
    start: int
    end: int
    item_text: str
    item_start: int
    item_end: int
    target_key: str  # BibEntry.key or the footnote number
    target_id: str  # BibEntry.ref_id or the footnote number
    passage: Block | None = field(default=None, repr=False, compare=False)


@dataclass(kw_only=True)
class UnresolvedCitation:
    """A marker that looks like a citation but denotes nothing in this document."""

    kind: str
    marker_text: str
    start: int
    end: int
    item_text: str
    reason: str
    passage: Block | None = field(default=None, repr=False, compare=False)


@dataclass(kw_only=True)
class SkippedMarker:
    """A parenthesis that was considered and judged not to be a citation (year, amount, …)."""

    marker_text: str
    start: int
    end: int
    reason: str


@dataclass(frozen=True, slots=True)
class PageBox:
    """Where text is drawn: a page (1-based) and a box in points, origin at the top left (the
    coordinates of an RFC 8118 ``viewrect``)."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def viewrect(self) -> str:
        """``left,top,width,height`` rounded to 0.1 point."""
        return ",".join(f"{v:.1f}" for v in (self.x0, self.top, self.x1 - self.x0,
                                              self.bottom - self.top))

    def union(self, other: PageBox) -> PageBox:
        return PageBox(self.page, min(self.x0, other.x0), min(self.top, other.top),
                       max(self.x1, other.x1), max(self.bottom, other.bottom))


@dataclass(frozen=True, slots=True)
class TextRun:
    """A run ``[start, end)`` of the normalized text drawn on one line of a page (PDF sources);
    ``lefts``/``rights`` are the horizontal edges of each of its characters."""

    start: int
    end: int
    page: int
    top: float
    bottom: float
    lefts: tuple[float, ...]
    rights: tuple[float, ...]

    def box(self, start: int, end: int) -> PageBox | None:
        """The box of the part of ``[start, end)`` on this run, None when they do not meet."""
        a, b = max(start, self.start), min(end, self.end)
        if b <= a:
            return None
        return PageBox(self.page, self.lefts[a - self.start], self.top,
                       self.rights[b - 1 - self.start], self.bottom)


def merge_boxes(boxes: list[PageBox]) -> list[PageBox]:
    """Line boxes of one passage merged into blocks: consecutive boxes on the same page that
    overlap horizontally (one column) and follow each other closely become one."""
    out: list[PageBox] = []
    for box in boxes:
        if out:
            last = out[-1]
            height = box.bottom - box.top  # the new line's own height: no creep
            if (box.page == last.page and min(last.x1, box.x1) > max(last.x0, box.x0)
                    and -height <= box.top - last.bottom <= height):
                out[-1] = last.union(box)
                continue
        out.append(box)
    return out


@dataclass(kw_only=True)
class Document:
    """A read source: the normalized text plus everything found in it."""

    doc_id: str  # the source file stem
    text: str
    source: Path | None = None
    media_type: str = "text/plain"
    encoding: str = "utf-8"
    sha256: str = ""  # of the source bytes
    segmented: bool = False
    sections: list[Section] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    list_items: list[ListItem] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    bibliography: list[BibEntry] = field(default_factory=list)
    running: list[RunningText] = field(default_factory=list)
    toc: list[TocEntry] = field(default_factory=list)
    acronym_entries: list[Acronym] = field(default_factory=list)
    acronyms: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, Field] = field(default_factory=dict)
    citations: list[Citation] = field(default_factory=list)
    unresolved: list[UnresolvedCitation] = field(default_factory=list)
    skipped: list[SkippedMarker] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: list[tuple[float, float]] = field(default_factory=list)  # (width, height), PDF only
    runs: list[TextRun] = field(default_factory=list)  # where each line of text is drawn
    #: PDF only: (page, text) of the running headers, footers and page numbers the reader left
    #: out of ``text`` (a report's running title says what it is; see ``ctipgraph.identify``).
    furniture: list[tuple[int, str]] = field(default_factory=list)

    @property
    def char_count(self) -> int:
        return len(self.text)

    @property
    def references(self) -> list[BibEntry]:
        """Alias of ``bibliography``."""
        return self.bibliography

    @property
    def citation_style(self) -> str | None:
        """ "numeric", "author-year" or None (no bibliography)."""
        styles = {e.style for e in self.bibliography}
        if not styles:
            return None
        return "numeric" if "numeric" in styles else "author-year"

    def quote(self, block: Block | Span) -> str:
        return self.text[block.start : block.end]

    def blocks(self) -> Iterator[Block]:
        """Every block of every kind (tables, rows and cells included), unordered."""
        yield from self.headings
        yield from self.paragraphs
        yield from self.sentences
        yield from self.list_items
        for table in self.tables:
            yield table
            yield from table.notes
            for row in table.rows:
                yield row
                yield from row.cells
        yield from self.footnotes
        yield from self.fields
        yield from self.bibliography
        yield from self.running
        yield from self.toc
        yield from self.acronym_entries

    def passages(self) -> list[Block]:
        """All evidence passages in document order (containers before what they contain)."""
        found = [b for b in self.blocks() if b.is_passage]
        found.sort(key=lambda b: (b.start, -b.end, _KIND_RANK.get(b.kind, 9)))
        return found

    def passage_at(self, start: int, end: int) -> Block | None:
        """The smallest passage containing ``[start, end)`` (bibliography entries excluded)."""
        best: Block | None = None
        for b in self.passages():
            if b.kind == Kind.BIBLIOGRAPHY_ENTRY or not (b.start <= start and end <= b.end):
                continue
            if best is None or (b.end - b.start) < (best.end - best.start):
                best = b
        return best

    def section_at(self, offset: int) -> int | None:
        """The Section.order containing ``offset``, or None before the first heading."""
        found = None
        for s in self.sections:
            if s.start <= offset:
                found = s.order
            else:
                break
        return found

    def boxes(self, start: int, end: int) -> list[PageBox]:
        """Where ``text[start:end]`` is drawn (PDF sources; empty otherwise), one box per block
        of lines: several when the span crosses columns or pages."""
        if not self.runs:
            return []
        k = bisect.bisect_right(self._run_starts(), start) - 1
        found: list[PageBox] = []
        for run in self.runs[max(k, 0):]:
            if run.start >= end:
                break
            box = run.box(start, end)
            if box is not None:
                found.append(box)
        return merge_boxes(found)

    def _run_starts(self) -> list[int]:
        cached = getattr(self, "_starts_cache", None)
        if cached is None or len(cached) != len(self.runs):
            cached = [r.start for r in self.runs]
            object.__setattr__(self, "_starts_cache", cached)
        return cached

    def reference(self, key: str) -> BibEntry | None:
        for entry in self.bibliography:
            if entry.key == key or entry.ref_id == key:
                return entry
        return None

    def footnote(self, number: int) -> Footnote | None:
        for note in self.footnotes:
            if note.number == number:
                return note
        return None


def passage_path(block: Block) -> tuple[str | int, ...]:
    """The IRI path of a passage under ``id:doc/{doc}/`` (docs/design.md), e.g.
    ``("sentence", 12)``, ``("table", 2, "row", 5, "cell", 1)``,
    ``("ref", "hilson-2008", "entry")``."""
    if isinstance(block, TableCell):
        return ("table", block.table, "row", block.row, "cell", block.column)
    if isinstance(block, TableRow):
        return ("table", block.table, "row", block.index)
    if isinstance(block, Table):
        return ("table", block.index)
    if isinstance(block, Footnote):
        return ("footnote", block.index)  # the printed number may repeat; it is footnoteNumber
    if isinstance(block, BibEntry):
        return ("ref", block.ref_id, "entry")
    names = {Kind.SENTENCE: "sentence", Kind.LIST_ITEM: "item", Kind.FIELD: "field",
             Kind.HEADING: "heading"}
    if block.kind in names:
        return (names[block.kind], block.index)
    raise ValueError(f"{block.kind} has no IRI path")


_KIND_RANK = {
    Kind.HEADING: 0,
    Kind.FIELD: 0,
    Kind.TABLE_ROW: 1,
    Kind.TABLE_CELL: 2,
    Kind.LIST_ITEM: 3,
    Kind.SENTENCE: 4,
    Kind.FOOTNOTE: 5,
    Kind.BIBLIOGRAPHY_ENTRY: 6,
}


@runtime_checkable
class Reader(Protocol):
    """Turns a source file into an (unsegmented) Document."""

    suffixes: tuple[str, ...]

    def read(self, path: Path) -> Document: ...
