"""A small PDF source document for the page-image tests: a two-page PDF drawn with PDFium (coloured
rectangles where its passages are "printed"), its normalized text, and the Turtle the build would
write for it (passages with ctip:page and RFC 8118 box selectors, a claim quoting one of them)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

DOC = "fixture-pdf-2020-mali"
DOC_IRI = f"https://w3id.org/ctipgraph/id/doc/{DOC}"
PAGE = (612.0, 792.0)  # US Letter, points
SUBJECT = "https://w3id.org/ctipgraph/id/org/fixture-pdf-committee"
PREDICATE = "https://w3id.org/ctipgraph/ontology#role"
ROLE = "coordinates the fight against child labor"
TEXT = ("The Fixture Committee reported in 2020.\n\n"
        f"The Fixture Committee {ROLE}.\n\n"
        "A sentence that runs from the foot of page one to the head of page two.\n")
#: passage → (its text, [(page, (left, top, width, height))]) — top-left origin, points
PASSAGES: dict[str, tuple[str, list[tuple[int, tuple[float, float, float, float]]]]] = {
    "sentence/1": ("The Fixture Committee reported in 2020.", [(1, (72.0, 72.0, 200.0, 20.0))]),
    "sentence/2": (f"The Fixture Committee {ROLE}.",
                   [(2, (100.0, 200.0, 300.0, 40.0)), (2, (100.0, 250.0, 150.0, 14.0))]),
    "sentence/3": ("A sentence that runs from the foot of page one to the head of page two.",
                   [(1, (72.0, 700.0, 468.0, 14.0)), (2, (72.0, 72.0, 468.0, 14.0))]),
}
#: the colour each passage's boxes are filled with in the PDF
COLOURS = {"sentence/1": (0, 0, 255), "sentence/2": (255, 0, 0), "sentence/3": (0, 160, 0)}
RFC8118 = "http://tools.ietf.org/rfc/rfc8118"


@dataclass(frozen=True)
class PdfFixture:
    ttl: Path
    sources: Path  # the SOURCES_DIR
    texts: Path  # the TEXT_DIR
    pdf: Path
    sha256: str


def draw_pdf(path: Path, pages: int = 2, size: tuple[float, float] = PAGE) -> None:
    """A PDF whose passages' boxes are filled rectangles of their colour."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument.new()
    width, height = size
    for number in range(1, pages + 1):
        page = pdf.new_page(width, height)
        for passage, (_, boxes) in PASSAGES.items():
            for on, (left, top, w, h) in boxes:
                if on != number:
                    continue
                rect = raw.FPDFPageObj_CreateNewRect(left, height - top - h, w, h)
                raw.FPDFPageObj_SetFillColor(rect, *COLOURS[passage], 255)
                raw.FPDFPath_SetDrawMode(rect, raw.FPDF_FILLMODE_ALTERNATE, False)
                page.insert_obj(pdfium.PdfObject(rect, pdf=pdf))
        page.gen_content()
        page.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.save(str(path))
    pdf.close()


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def turtle(sha256: str, source_file: str = f"pdf/{DOC}.pdf", doc: str = DOC) -> str:
    """The document, its passages (text offsets, pages, boxes) and one claim, as Turtle."""
    doc_iri = f"https://w3id.org/ctipgraph/id/doc/{doc}"
    lines = [
        f"@base <{doc_iri}/> .",
        "@prefix ctip: <https://w3id.org/ctipgraph/ontology#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix oa: <http://www.w3.org/ns/oa#> .",
        "@prefix prov: <http://www.w3.org/ns/prov#> .",
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        f"<{doc_iri}> a ctip:SourceDocument ; dcterms:title {_literal('Fixture PDF ' + doc)} ;",
        '    dcterms:format "application/pdf" ; ctip:pageCount "2"^^xsd:positiveInteger ;',
        f"    ctip:sha256 {_literal(sha256)} ; ctip:sourceFile {_literal(source_file)} ;",
        f"    ctip:textFile {_literal(doc + '.txt')} ; ctip:charCount {len(TEXT)} .",
    ]
    for order, (passage, (exact, boxes)) in enumerate(PASSAGES.items(), 1):
        start = TEXT.index(exact)
        selectors = [f"<{passage}#position>", f"<{passage}#quote>"] + [
            f"<{passage}#box-{k}>" for k in range(1, len(boxes) + 1)]
        pages = sorted({page for page, _ in boxes})
        lines += [
            f"<{passage}> a ctip:Sentence ; ctip:inDocument <{doc_iri}> ; "
            f"oa:hasSource <{doc_iri}> ; ctip:order {order} ;",
            "    ctip:page " + ", ".join(f'"{p}"^^xsd:positiveInteger' for p in pages) + " ;",
            "    oa:hasSelector " + ", ".join(selectors) + " .",
            f"<{passage}#position> a oa:TextPositionSelector ; oa:start {start} ; "
            f"oa:end {start + len(exact)} .",
            f"<{passage}#quote> a oa:TextQuoteSelector ; oa:exact {_literal(exact)} .",
        ]
        for k, (page, (left, top, width, height)) in enumerate(boxes, 1):
            lines.append(f"<{passage}#box-{k}> a oa:FragmentSelector ; dcterms:conformsTo "
                         f"<{RFC8118}> ; rdf:value "
                         f'"page={page}&viewrect={left},{top},{width},{height}" .')
    lines += [
        f"<{SUBJECT}> rdfs:label {_literal('Fixture Committee')} ; "
        f"<{PREDICATE}> {_literal(ROLE)} .",
        f"<claim/0000000000000001> a ctip:Claim ; rdf:subject <{SUBJECT}> ; "
        f"rdf:predicate <{PREDICATE}> ; rdf:object {_literal(ROLE)} ;",
        f'    prov:wasQuotedFrom <sentence/2> ; ctip:inDocument <{doc_iri}> ; '
        f'ctip:extractionMethod "fixture" .',
    ]
    return "\n".join(lines) + "\n"


def make_pdf_fixture(folder: Path) -> PdfFixture:
    """The PDF under folder/sources/pdf/, its text under folder/texts/ and its Turtle."""
    sources, texts = folder / "sources", folder / "texts"
    pdf = sources / "pdf" / f"{DOC}.pdf"
    draw_pdf(pdf)
    texts.mkdir(parents=True, exist_ok=True)
    (texts / f"{DOC}.txt").write_text(TEXT, encoding="utf-8")
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    ttl = folder / f"{DOC}.ttl"
    ttl.write_text(turtle(sha), encoding="utf-8")
    return PdfFixture(ttl, sources, texts, pdf, sha)


def trace_query() -> dict[str, str]:
    """The s, p, o of the fixture's claimed fact, as /trace takes them."""
    return {"s": SUBJECT, "p": PREDICATE, "o": _literal(ROLE)}
