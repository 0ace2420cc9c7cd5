"""The page behind every quote: pages of the PDF source documents as images, and the PDFs.

    /pages/<doc>/<n>.png        page n of the document's PDF as a PNG (rendered once, cached)
    /download/source/<doc>.pdf  the PDF itself, inline, so `…pdf#page=n` opens page n

The PDF is found through the document's `ctip:sourceFile` under `app.config["SOURCES_DIR"]` (never
through a path in the request) and is used only while its bytes still have the document's
`ctip:sha256`: the boxes of its passages were measured on that file. Images are cached in
`app.config["PAGE_CACHE_DIR"]` (default `<store>/pages`, or a temporary folder), named by that
hash, so a rebuilt PDF is rendered afresh.

A passage read from a PDF has RFC 8118 fragment selectors (`page=3&viewrect=l,t,w,h`, points,
origin at the top left of the page); `passage_pages` groups them by page for the views, with the
page's size in points, the image and the PDF links.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, send_file, url_for
from markupsafe import Markup, escape

from ..namespaces import sparql_prologue
from ..paths import SOURCES_DIR
from ..swap import replacing_file
from .render import html_response
from .scratch import scratch_dir

bp = Blueprint("pages", __name__)

DOC_BASE = "https://w3id.org/ctipgraph/id/doc/"
DOC_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,199}")
RFC8118 = "http://tools.ietf.org/rfc/rfc8118"
PDF = "application/pdf"
#: the width of a page image in pixels, unless that makes more than MAX_PIXELS
IMAGE_WIDTH = 1000
MAX_PIXELS = 4_000_000
MAX_SCALE = 4.0
MAX_PAGES = 10_000
_PAGE_NAME = re.compile(r"(\d{1,6})\.png")
_NUMBER = r"(-?\d+(?:\.\d+)?)"
_FRAGMENT = re.compile(rf"page=(\d{{1,6}})(?:&viewrect={_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER})?")
_PROLOGUE = sparql_prologue()
#: PDFium is not thread-safe: every call into it, from any request thread, holds this lock
PDFIUM_LOCK = threading.Lock()


# -- selectors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A rectangle on a page, in points from the page's top left corner (RFC 8118 viewrect)."""

    left: float
    top: float
    width: float
    height: float

    def to_dict(self) -> dict[str, float]:
        return {"left": self.left, "top": self.top, "width": self.width, "height": self.height}


def parse_fragment(value: str) -> tuple[int, Box | None] | None:
    """(page, box) of an RFC 8118 fragment `page=3&viewrect=54.0,82.1,245.3,13.2` (box None when
    there is no viewrect); None for anything else or a box that is not a rectangle."""
    match = _FRAGMENT.fullmatch(value.strip())
    if match is None:
        return None
    page = int(match.group(1))
    if page < 1:
        return None
    if match.group(2) is None:
        return page, None
    left, top, width, height = (float(g) for g in match.groups()[1:])
    if width <= 0 or height <= 0 or left < 0 or top < 0:
        return None
    return page, Box(left, top, width, height)


# -- the PDF of a document ------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfSource:
    """A document's PDF as found on disk: checked against the document's hash."""

    doc: str
    path: Path
    sha256: str
    sizes: tuple[tuple[float, float], ...]  # (width, height) of each page, points

    @property
    def page_count(self) -> int:
        return len(self.sizes)


class PdfSources:
    """Finds documents' PDFs, checks them and renders their pages, caching both."""

    def __init__(self, store, sources_dir: Path, cache_dir: Path, width: int = IMAGE_WIDTH,
                 max_pixels: int = MAX_PIXELS) -> None:
        self.store = store
        self.sources_dir = sources_dir.resolve()
        self.cache_dir = cache_dir
        self.width = width
        self.max_pixels = max_pixels
        self._found: dict[str, tuple[tuple, PdfSource | None]] = {}
        self._pending: dict[str, threading.Lock] = {}  # images being rendered
        self._lock = threading.Lock()

    def _described(self, doc: str) -> tuple[str, str] | None:
        """(ctip:sourceFile, ctip:sha256) of a document whose source is a PDF."""
        rows = list(self.store.query(_PROLOGUE + f"""
            SELECT ?file ?sha ?format WHERE {{
              <{DOC_BASE}{doc}> a ctip:SourceDocument ; ctip:sourceFile ?file ; ctip:sha256 ?sha .
              OPTIONAL {{ <{DOC_BASE}{doc}> dcterms:format ?format }}
            }} LIMIT 1"""))
        if not rows:
            return None
        file, sha, fmt = (t.value if isinstance(t, ox.Literal) else "" for t in
                          (rows[0]["file"], rows[0]["sha"], rows[0]["format"]))
        if (fmt and fmt != PDF) or not file.lower().endswith(".pdf"):
            return None
        return file, sha.lower()

    def _path(self, relative: str) -> Path | None:
        """The file under the sources folder, or None if `relative` would lead out of it."""
        if not relative or relative.startswith(("/", "\\")) or "\\" in relative or \
                any(part in ("", ".", "..") for part in relative.split("/")):
            return None
        path = (self.sources_dir / relative).resolve()
        return path if path.is_relative_to(self.sources_dir) else None

    def source(self, doc: str) -> PdfSource | None:
        """The document's PDF, when the graph names one that is at hand with the same bytes."""
        if not DOC_ID.fullmatch(doc):
            return None
        described = self._described(doc)
        if described is None:
            return None
        path = self._path(described[0])
        try:
            stat = path.stat() if path is not None else None
        except OSError:
            stat = None
        if stat is None or not path.is_file():
            return None
        key = (described, stat.st_size, stat.st_mtime_ns)
        with self._lock:
            cached = self._found.get(doc)
        if cached is not None and cached[0] == key:
            return cached[1]
        found = self._check(doc, path, described[1])
        with self._lock:
            self._found[doc] = (key, found)
        return found

    def _check(self, doc: str, path: Path, sha256: str) -> PdfSource | None:
        """The PDF with its page sizes, if its bytes hash to `sha256` and PDFium opens it."""
        import pypdfium2 as pdfium

        try:
            data = path.read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != sha256:
            return None
        with PDFIUM_LOCK:
            try:
                pdf = pdfium.PdfDocument(data)
            except pdfium.PdfiumError:
                return None
            try:
                sizes = tuple(pdf.get_page_size(i) for i in range(min(len(pdf), MAX_PAGES)))
            except pdfium.PdfiumError:
                return None
            finally:
                pdf.close()
        return PdfSource(doc, path, sha256, sizes)

    def renders(self, source: PdfSource, page: int) -> bool:
        """Whether the page exists and has an area."""
        return 1 <= page <= source.page_count and min(source.sizes[page - 1]) > 0

    def scale(self, source: PdfSource, page: int) -> float:
        """Pixels per point of a page image: IMAGE_WIDTH wide, at most max_pixels in all."""
        width, height = source.sizes[page - 1]
        scale = min(self.width / width, MAX_SCALE)
        if width * height * scale * scale > self.max_pixels:
            scale = math.sqrt(self.max_pixels / (width * height))
        return scale

    def image(self, source: PdfSource, page: int) -> Path:
        """The PNG of a page (1-based, within the document), rendered on first use: one request
        renders it while others asking for the same page wait, then all read the file."""
        path = self.cache_dir / f"{source.sha256}-{page}-{self.width}.png"
        if path.is_file():
            return path
        with self._lock:
            pending = self._pending.setdefault(path.name, threading.Lock())
        try:
            with pending:
                if not path.is_file():
                    with PDFIUM_LOCK:
                        image = self._render(source, page)
                    self._write(image, path)
        finally:
            with self._lock:
                if self._pending.get(path.name) is pending:
                    del self._pending[path.name]
        return path

    def _write(self, image, path: Path) -> None:
        """Save atomically: a temporary file in the cache folder, renamed over `path`."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with replacing_file(path) as out:
            image.save(out, "PNG")

    def _render(self, source: PdfSource, page: int):
        """The page as a palette image (called holding PDFIUM_LOCK)."""
        import pypdfium2 as pdfium
        from PIL import Image

        pdf = pdfium.PdfDocument(source.path)
        try:
            bitmap = pdf[page - 1].render(scale=self.scale(source, page))
            image = bitmap.to_pil().convert("RGB")  # a copy, independent of PDFium's buffer
            bitmap.close()
        finally:
            pdf.close()
        return image.quantize(256, method=Image.Quantize.FASTOCTREE)


def init_app(app: Flask) -> None:
    """Set SOURCES_DIR and PAGE_CACHE_DIR defaults and make the app's PdfSources."""
    store = app.extensions["ctipgraph.store"]
    sources = Path(app.config.get("SOURCES_DIR") or SOURCES_DIR)
    cache = app.config.get("PAGE_CACHE_DIR")
    if cache:
        cache = Path(cache)
    elif store.location is not None:
        cache = store.location / "pages"
    else:
        cache = scratch_dir("ctipgraph-pages-")
    app.config["SOURCES_DIR"], app.config["PAGE_CACHE_DIR"] = str(sources), str(cache)
    app.extensions["ctipgraph.pages"] = PdfSources(
        store, sources, cache, width=int(app.config.get("PAGE_IMAGE_WIDTH") or IMAGE_WIDTH),
        max_pixels=int(app.config.get("PAGE_IMAGE_MAX_PIXELS") or MAX_PIXELS))


def pdf_sources() -> PdfSources:
    """The PdfSources of the running app."""
    return current_app.extensions["ctipgraph.pages"]


# -- the pages of passages, for the views ---------------------------------------------------------


def _doc_of(iri: str) -> str | None:
    if not iri.startswith(DOC_BASE):
        return None
    doc = iri[len(DOC_BASE):].split("/", 1)[0].split("#", 1)[0]
    return doc if DOC_ID.fullmatch(doc) else None


def _page_rows(store, pattern: str) -> list[tuple[str, str, str]]:
    """(passage, ctip:page, RFC 8118 fragment) rows for the passages `pattern` binds to ?p (the
    pattern is repeated inside each branch: Oxigraph joins an outer pattern with a UNION slowly)."""
    rows = store.query(_PROLOGUE + f"""
        SELECT ?p ?page ?value WHERE {{
          {{ {pattern} ?p ctip:page ?page }}
          UNION {{ {pattern} ?p oa:hasSelector ?sel .
                   ?sel dcterms:conformsTo <{RFC8118}> ; rdf:value ?value }}
        }}""")
    return [tuple(t.value if isinstance(t, ox.NamedNode | ox.Literal) else "" for t in
                  (row["p"], row["page"], row["value"])) for row in rows]


def passage_pages(store, passages: list[str] | None = None, document: str | None = None,
                  ) -> dict[str, list[dict]]:
    """The pages of PDF passages (those listed, or every passage of `document`), each a dict
    {page, boxes, width, height, image, pdf, page_count}; width/height (points), image and pdf
    are there when the PDF is at hand. Passages without pages are left out."""
    if document is not None:
        pattern = f"?p ctip:inDocument <{document}> ."
    else:
        iris = sorted({str(ox.NamedNode(p)) for p in passages or () if _doc_of(p)})
        if not iris:
            return {}
        pattern = "VALUES ?p { " + " ".join(iris) + " }"
    found: dict[str, dict[int, list[Box]]] = {}
    for passage, page, value in _page_rows(store, pattern):
        pages = found.setdefault(passage, {})
        if page.isdigit() and int(page) > 0:
            pages.setdefault(int(page), [])
        parsed = parse_fragment(value) if value else None
        if parsed is not None:
            boxes = pages.setdefault(parsed[0], [])
            if parsed[1] is not None and parsed[1] not in boxes:
                boxes.append(parsed[1])
    sources: dict[str, PdfSource | None] = {}
    out: dict[str, list[dict]] = {}
    for passage, pages in found.items():
        doc = _doc_of(passage)
        if doc is None or not pages:
            continue
        if doc not in sources:
            sources[doc] = pdf_sources().source(doc)
        out[passage] = [page_view(doc, sources[doc], n, boxes)
                        for n, boxes in sorted(pages.items())]
    return out


def page_view(doc: str, source: PdfSource | None, page: int, boxes: list[Box]) -> dict:
    """One page of a passage as the views and JSON twins show it."""
    boxes = sorted(boxes, key=lambda b: (b.top, b.left))
    view: dict = {"page": page, "boxes": [b.to_dict() for b in boxes]}
    if source is not None and pdf_sources().renders(source, page):
        width, height = source.sizes[page - 1]
        scale = pdf_sources().scale(source, page)
        pixels = [math.ceil(width * scale), math.ceil(height * scale)]  # as PDFium renders
        view.update(page_count=source.page_count, width=round(width, 2),
                    height=round(height, 2), pixels=pixels,
                    image=url_for("pages.page_image", doc=doc, name=f"{page}.png",
                                  v=source.sha256[:12]),
                    pdf=url_for("pages.source_pdf", name=f"{doc}.pdf", _anchor=f"page={page}"))
    return view


@bp.app_template_global("page_figure")
def figure_markup(view: dict, label: str = "", caption: bool = False) -> Markup:
    """A page image with the passage's boxes drawn over it; "" when the PDF is not at hand.

    The SVG's viewBox is the page in points and it is stretched over the image (which has the
    page's proportions), so the boxes are the viewrects as they are. Without `caption` the
    markup holds no text node at all (the reader's text must stay exactly the document's): the
    caption is then the CSS content of the link's data-label."""
    if "image" not in view:
        return Markup("")
    rects = "".join(f'<rect x="{b["left"]:g}" y="{b["top"]:g}" width="{b["width"]:g}" '
                    f'height="{b["height"]:g}"/>' for b in view["boxes"])
    where = f"page {view['page']} of {view['page_count']}"
    alt = f"{label + ', ' if label and caption else ''}{where} of the PDF"
    pdf = escape(view["pdf"])
    link = (f'<a class="page-pdf" href="{pdf}">{where} · open the PDF here</a>' if caption else
            f'<a class="page-pdf" href="{pdf}" data-label="{where} · open the PDF here"></a>')
    return Markup(
        f'<span class="pdf-page"><span class="page-frame"><img src="{escape(view["image"])}" '
        f'loading="lazy" width="{view["pixels"][0]}" height="{view["pixels"][1]}" '
        f'alt="{escape(alt)}">'
        f'<svg viewBox="0 0 {view["width"]:g} {view["height"]:g}" preserveAspectRatio="none" '
        f'aria-hidden="true">{rects}</svg></span>{link}</span>')


# -- routes ---------------------------------------------------------------------------------------


def _error(status: int, message: str, detail: str) -> Response:
    return html_response("error.html", [], status=status, code=status, message=message,
                         detail=detail)


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _source_or_error(doc: str) -> PdfSource | Response:
    if not DOC_ID.fullmatch(doc):
        return _error(400, "Bad request", "A document name is lower-case letters, digits and "
                                          "hyphens.")
    source = pdf_sources().source(doc)
    if source is None:
        return _error(404, "Not found", f"There is no PDF of a document called {doc!r} here.")
    return source


@bp.get("/pages/<doc>/<name>")
def page_image(doc: str, name: str):
    """Page n of a document's PDF as a PNG image."""
    match = _PAGE_NAME.fullmatch(name)
    if match is None:
        return _error(400, "Bad request", "A page image is named <page number>.png.")
    source = _source_or_error(doc)
    if isinstance(source, Response):
        return source
    page = int(match.group(1))
    if not pdf_sources().renders(source, page):
        return _error(404, "Not found", f"{doc} has pages 1 to {source.page_count}.")
    import pypdfium2 as pdfium

    try:
        path = pdf_sources().image(source, page)
    except pdfium.PdfiumError as error:
        return _error(404, "Not found", f"Page {page} of {doc} cannot be drawn: {error}.")
    response = send_file(path, mimetype="image/png", conditional=True, max_age=86400,
                         etag=f"{source.sha256[:32]}-{page}-{path.stat().st_size}")
    response.headers["Content-Disposition"] = f'inline; filename="{doc}-page-{page}.png"'
    return response


@bp.get("/download/source/<name>")
def source_pdf(name: str):
    """The PDF a document was read from, shown inline (`#page=n` opens a page)."""
    doc, dot, suffix = name.rpartition(".")
    if not dot or suffix != "pdf":
        return _error(404, "Not found", "Sources are offered as /download/source/<doc>.pdf.")
    source = _source_or_error(doc)
    if isinstance(source, Response):
        return source
    return send_file(source.path, mimetype=PDF, as_attachment=False, download_name=f"{doc}.pdf",
                     conditional=True, etag=source.sha256, max_age=3600)
