"""PDF reader: a report as published → the same Document model as a plain-text source, plus
where every line of its text is drawn (page and box), for the page behind every quote.

Per page: characters (``chars``), rules and shaded boxes (``graphics``), lines (``lines``);
across pages: running headers and footers (``furniture``); per page again: tables (``tables``),
the reading order of the rest and its paragraphs (``flow``); then the text (``compose``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pypdfium2 as pdfium

from ..model import Document, ReadError
from .chars import page_chars
from .compose import PageItem, compose
from .flow import paragraphs, reading_order
from .furniture import running_lines
from .graphics import Box, page_graphics
from .lines import Line, build_lines
from .tables import find_tables

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_PAGES = 300
_PDFIUM_ERRORS = {
    1: "unknown error",
    2: "no pages, or a page tree that cannot be read",  # see _open
    3: "not a PDF file, or damaged or truncated",
    4: "encrypted: a password is needed to read it",
    5: "unsupported security scheme",
    6: "page not found or content error",
}


class PdfReader:
    """Reads ``.pdf`` files."""

    suffixes: tuple[str, ...] = (".pdf",)

    def __init__(self, max_bytes: int | None = DEFAULT_MAX_BYTES,
                 max_pages: int | None = DEFAULT_MAX_PAGES) -> None:
        self.max_bytes = max_bytes
        self.max_pages = max_pages

    def _bytes(self, path: Path) -> bytes:
        try:
            if path.is_dir():
                raise ReadError(path, "is a directory, not a file")
            size = path.stat().st_size
            if self.max_bytes is not None and size > self.max_bytes:
                raise ReadError(path, f"file is {size} bytes, over the {self.max_bytes}-byte "
                                      "limit")
            raw = path.read_bytes()
        except FileNotFoundError:
            raise ReadError(path, "no such file") from None
        except OSError as exc:
            raise ReadError(path, f"cannot read file: {exc.strerror or exc}") from None
        if not raw.strip():
            raise ReadError(path, "empty file", offset=0)
        if b"%PDF-" not in raw[:1024]:  # where PDF readers look for the header
            raise ReadError(path, "not a PDF file (no %PDF- header in its first 1024 bytes)",
                            offset=0)
        return raw

    def read(self, path: Path) -> Document:
        """Read one PDF into an unsegmented Document with its text runs."""
        path = Path(path)
        raw = self._bytes(path)
        try:
            pdf = _open(raw)
        except pdfium.PdfiumError as exc:
            code = getattr(exc, "err_code", None)
            reason = _PDFIUM_ERRORS.get(code, str(exc)) if code else str(exc)
            raise ReadError(path, f"cannot open PDF: {reason}") from None
        try:
            return self._read(path, raw, pdf)
        finally:
            pdf.close()

    def _read(self, path: Path, raw: bytes, pdf: pdfium.PdfDocument) -> Document:
        count = len(pdf)
        if count == 0:
            raise ReadError(path, "the PDF has no pages")
        if self.max_pages is not None and count > self.max_pages:
            raise ReadError(path, f"the PDF has {count} pages, over the {self.max_pages}-page "
                                  "limit of a report")
        sizes: list[tuple[float, float]] = []
        page_lines = []
        page_data = []
        warnings: list[str] = []
        for number in range(1, count + 1):
            try:
                page = pdf[number - 1]
                chars = page_chars(page, warnings, number)
                graphics = page_graphics(page)
                sizes.append(page.get_size())
                page.close()
            except pdfium.PdfiumError as exc:
                raise ReadError(path, f"page {number}: cannot read: {exc}") from None
            lines = build_lines(chars, number)
            if not lines:
                warnings.append(f"page {number}: no text (a scanned or blank page?)")
            page_lines.append(lines)
            page_data.append((chars, graphics))
        if not any(page_lines):
            raise ReadError(path, "no text layer (a scanned document?); OCR is not supported")
        running = running_lines(page_lines, [h for _w, h in sizes])
        furniture = [(ln.page, ln.text) for lines in page_lines for ln in lines
                     if id(ln) in running]
        pages: list[list[PageItem]] = []
        for number, (lines, (chars, graphics), (width, _h)) in enumerate(
                zip(page_lines, page_data, sizes, strict=True), start=1):
            lines = [ln for ln in lines if id(ln) not in running]
            kept = {id(c) for ln in lines for c in ln.chars}
            chars = [c for c in chars if id(c) in kept]
            tables = find_tables(number, chars, lines, graphics)
            flow = [ln for ln in lines if not any(_within(ln, t.box) for t in tables)]
            items = [PageItem(t.box.top, table=t) for t in tables]
            for par in paragraphs(reading_order(flow, width)):
                items.append(PageItem(par.top, paragraph=par))
            pages.append(_ordered(items))
        text, runs = compose(pages)
        if not text.strip():
            raise ReadError(path, "no text layer (a scanned document?); OCR is not supported")
        return Document(
            doc_id=path.stem,
            text=text,
            source=path,
            media_type="application/pdf",
            encoding="binary",
            sha256=hashlib.sha256(raw).hexdigest(),
            pages=[(round(w, 2), round(h, 2)) for w, h in sizes],
            runs=runs,
            furniture=furniture,
            warnings=warnings,
        )


def _open(raw: bytes) -> pdfium.PdfDocument:
    """Open PDF bytes. PDFium keeps its last error from call to call and sets none for some
    failures (a PDF without pages), so a load from memory could report the error of another
    file: a failed load of no file first sets "file error", which memory loads never set."""
    pdfium.raw.FPDF_LoadDocument(b"", None)
    return pdfium.PdfDocument(raw)


def _within(line: Line, box: Box) -> bool:
    return (box.x0 - 3 <= line.x0 and line.x1 <= box.x1 + 3
            and box.top - 1 <= line.middle <= box.bottom + 1)


def _ordered(items: list[PageItem]) -> list[PageItem]:
    """Items by their top edge; paragraphs keep their reading order between tables."""
    if all(it.table is None for it in items):
        return items
    paragraphs_ = [it for it in items if it.paragraph is not None]
    tables_ = sorted((it for it in items if it.table is not None), key=lambda it: it.top)
    out: list[PageItem] = []
    t = 0
    for par in paragraphs_:
        while t < len(tables_) and tables_[t].top <= par.top:
            out.append(tables_[t])
            t += 1
        out.append(par)
    out.extend(tables_[t:])
    return out
