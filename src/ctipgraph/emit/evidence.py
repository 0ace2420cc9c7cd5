"""The evidence layer of one document as RDF: the SourceDocument, its sections, tables and
passages (with Web Annotation selectors), its references and its in-text citations."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ..iris import doc_iri, doc_part, entity_iri
from ..link.lexicon import Lexicon, load_lexicon
from ..link.places import country as resolve_country
from ..namespaces import CTIP, CTIPC, OA, bind_prefixes
from ..read.model import BibEntry, Block, Document, Kind, Table, TableCell, TableRow, passage_path
from ..sources import AgentRef, Source

CONTEXT = 32  # characters of oa:prefix / oa:suffix
RFC8118 = URIRef("http://tools.ietf.org/rfc/rfc8118")  # PDF fragment identifiers

PASSAGE_CLASS = {
    Kind.HEADING: CTIP.Heading,
    Kind.SENTENCE: CTIP.Sentence,
    Kind.LIST_ITEM: CTIP.ListItem,
    Kind.TABLE_ROW: CTIP.TableRow,
    Kind.TABLE_CELL: CTIP.TableCell,
    Kind.FOOTNOTE: CTIP.Footnote,
    Kind.BIBLIOGRAPHY_ENTRY: CTIP.BibliographyEntry,
    Kind.FIELD: CTIP.Field,
}


def _nonneg(value: int) -> Literal:
    return Literal(value, datatype=XSD.nonNegativeInteger)


def _positive(value: int) -> Literal:
    return Literal(value, datatype=XSD.positiveInteger)


def _issued(value: str) -> Literal:
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(value)]
    return Literal(value, datatype=datatype)


def passage_iri(doc_id: str, block: Block) -> URIRef:
    """The IRI of a passage block, by the patterns of docs/design.md."""
    return doc_part(doc_id, *passage_path(block))


def reference_iri(doc_id: str, entry: BibEntry) -> URIRef:
    return doc_part(doc_id, "ref", entry.ref_id)


def agent_iri(agent: AgentRef) -> URIRef:
    return entity_iri("person" if agent.type == "Person" else "org", agent.key)


class EvidenceEmitter:
    """Builds the evidence graph of one document; `links` maps reference ids to corpus docs."""

    def __init__(self, doc: Document, source: Source, links: dict[str, str] | None = None,
                 lexicon: Lexicon | None = None):
        self.doc = doc
        self.source = source
        self.links = links or {}
        self.lexicon = lexicon or load_lexicon()
        self.graph = Graph()
        bind_prefixes(self.graph)
        self.doc_iri = doc_iri(doc.doc_id)

    def add(self, s: URIRef, p: URIRef, o: object) -> None:
        self.graph.add((s, p, o))

    def build(self) -> Graph:
        self._document()
        self._sections()
        self._tables()
        for order, block in enumerate(self.doc.passages(), 1):
            self._passage(block, order)
        self._references()
        self._citations()
        return self.graph

    # -- document ---------------------------------------------------------------------------

    def _agent(self, agent: AgentRef) -> URIRef:
        iri = agent_iri(agent)
        self.add(iri, RDF.type, CTIP[agent.type])
        self.add(iri, RDFS.label, Literal(agent.label, lang="en"))
        if agent.acronym:
            self.add(iri, CTIP.acronym, Literal(agent.acronym))
        return iri

    def _document(self) -> None:
        doc, meta, iri = self.doc, self.source.meta, self.doc_iri
        self.add(iri, RDF.type, CTIP.SourceDocument)
        title = meta.title or (doc.sections[0].title if doc.sections else doc.doc_id)
        self.add(iri, DCTERMS.title, Literal(title))
        for agent in meta.publishers:
            self.add(iri, DCTERMS.publisher, self._agent(agent))
        for agent in meta.creators:
            self.add(iri, DCTERMS.creator, self._agent(agent))
        if meta.issued:
            self.add(iri, DCTERMS.issued, _issued(meta.issued))
        said: dict[str, tuple[URIRef, object]] = {"title": (DCTERMS.title, Literal(title))}
        if meta.reporting_year:
            year = Literal(str(meta.reporting_year), datatype=XSD.gYear)
            self.add(iri, CTIP.reportingYear, year)
            said["reporting_year"] = (CTIP.reportingYear, year)
        if meta.kind:
            kind = CTIPC[f"doc-kind/{meta.kind}"]
            self.add(iri, CTIP.documentKind, kind)
            said["kind"] = (CTIP.documentKind, kind)
        if meta.country:
            # the same IRI and label as the country's mentions in any document's text
            country, label, _listed = resolve_country(self.lexicon, meta.country)
            self.add(iri, CTIP.country, country)
            self.add(country, RDF.type, CTIP.Country)
            self.add(country, RDFS.label, Literal(label, lang="en"))
            said["country"] = (CTIP.country, country)
        self._metadata_claims(said)
        if meta.source_url:
            self.add(iri, CTIP.sourceURL, Literal(meta.source_url, datatype=XSD.anyURI))
        self.add(iri, CTIP.sha256, Literal(doc.sha256 or self.source.sha256()))
        self.add(iri, CTIP.textFile, Literal(f"{doc.doc_id}.txt"))
        self.add(iri, CTIP.charCount, _nonneg(doc.char_count))
        self.add(iri, DCTERMS.format, Literal(doc.media_type))
        if doc.pages:
            self.add(iri, CTIP.pageCount, _positive(len(doc.pages)))
        if self.source.relative_path:
            self.add(iri, CTIP.sourceFile, Literal(self.source.relative_path))
        for target in sorted(set(self.links.values())):
            self.add(iri, DCTERMS.references, doc_iri(target))

    def _metadata_claims(self, said: dict[str, tuple[URIRef, object]]) -> None:
        """A claim on the document for every metadata value read from its text (kind, title,
        country, reporting year), quoting the passage that gave it."""
        from .claims import ClaimEmitter  # claims builds on this module

        if not self.source.meta.evidence:
            return
        emitter = ClaimEmitter(self.doc, self.graph)
        for evidence in self.source.meta.evidence:
            if evidence.field not in said:
                continue
            passage = self.doc.passage_at(evidence.start, evidence.end)
            if passage is None:
                continue
            predicate, value = said[evidence.field]
            emitter.fact(self.doc_iri, predicate, value, [passage], evidence.method)

    def _sections(self) -> None:
        for section in self.doc.sections:
            iri = doc_part(self.doc.doc_id, "section", section.order)
            self.add(iri, RDF.type, CTIP.Section)
            self.add(iri, DCTERMS.title, Literal(section.title or f"Section {section.order}"))
            self.add(iri, CTIP.inDocument, self.doc_iri)
            self.add(iri, CTIP.order, _positive(section.order))

    def _tables(self) -> None:
        for table in self.doc.tables:
            iri = self._table_iri(table)
            self.add(iri, RDF.type, CTIP.Table)
            self.add(iri, CTIP.inDocument, self.doc_iri)
            if table.number and table.number.isdigit() and int(table.number) > 0:
                self.add(iri, CTIP.tableNumber, _positive(int(table.number)))
            if table.caption:
                self.add(iri, DCTERMS.title, Literal(table.caption))
            if table.section is not None:
                self.add(iri, CTIP.inSection, doc_part(self.doc.doc_id, "section", table.section))

    def _table_iri(self, table: Table) -> URIRef:
        return doc_part(self.doc.doc_id, "table", table.index)

    # -- passages ---------------------------------------------------------------------------

    def _passage(self, block: Block, order: int) -> None:
        doc_id, text = self.doc.doc_id, self.doc.text
        iri = passage_iri(doc_id, block)
        self.add(iri, RDF.type, PASSAGE_CLASS[block.kind])
        self.add(iri, CTIP.inDocument, self.doc_iri)
        self.add(iri, OA.hasSource, self.doc_iri)
        self.add(iri, CTIP.order, _positive(order))
        if block.section is not None:
            self.add(iri, CTIP.inSection, doc_part(doc_id, "section", block.section))
        position = URIRef(f"{iri}#position")
        quote = URIRef(f"{iri}#quote")
        self.add(iri, OA.hasSelector, position)
        self.add(iri, OA.hasSelector, quote)
        self.add(position, RDF.type, OA.TextPositionSelector)
        self.add(position, OA.start, _nonneg(block.start))
        self.add(position, OA.end, _nonneg(block.end))
        self.add(quote, RDF.type, OA.TextQuoteSelector)
        self.add(quote, OA.exact, Literal(text[block.start : block.end]))
        prefix = text[max(0, block.start - CONTEXT) : block.start]
        suffix = text[block.end : block.end + CONTEXT]
        if prefix:
            self.add(quote, OA.prefix, Literal(prefix))
        if suffix:
            self.add(quote, OA.suffix, Literal(suffix))
        self._page_boxes(iri, block)
        if isinstance(block, TableRow):
            self.add(iri, CTIP.inTable, doc_part(doc_id, "table", block.table))
            self.add(iri, CTIP.rowIndex, _positive(block.index))
            self.add(iri, CTIP.isHeaderRow, Literal(block.is_header))
        elif isinstance(block, TableCell):
            self.add(iri, CTIP.inRow, doc_part(doc_id, "table", block.table, "row", block.row))
            self.add(iri, CTIP.columnIndex, _positive(block.column))
            if block.column_header:
                self.add(iri, CTIP.columnHeader, Literal(block.column_header))
        elif block.kind == Kind.FOOTNOTE:
            self.add(iri, CTIP.footnoteNumber, _positive(block.number))
        elif block.kind == Kind.FIELD:
            self.add(iri, CTIP.fieldLabel, Literal(block.label or block.key))

    def _page_boxes(self, iri: URIRef, block: Block) -> None:
        """The pages a passage is printed on and its boxes there (RFC 8118 fragments)."""
        boxes = [b for b in self.doc.boxes(block.start, block.end)
                 if b.x1 > b.x0 and b.bottom > b.top]  # a box has an area
        for page in sorted({box.page for box in boxes}):
            self.add(iri, CTIP.page, _positive(page))
        for k, box in enumerate(boxes, start=1):
            selector = URIRef(f"{iri}#box-{k}")
            self.add(iri, OA.hasSelector, selector)
            self.add(selector, RDF.type, OA.FragmentSelector)
            self.add(selector, DCTERMS.conformsTo, RFC8118)
            self.add(selector, RDF.value, Literal(f"page={box.page}&viewrect={box.viewrect}"))

    # -- references and citations -----------------------------------------------------------

    def _references(self) -> None:
        doc_id = self.doc.doc_id
        for entry in self.doc.bibliography:
            iri = reference_iri(doc_id, entry)
            self.add(iri, RDF.type, CTIP.Reference)
            self.add(iri, CTIP.inDocument, self.doc_iri)
            self.add(iri, CTIP.referenceKey, Literal(entry.key))
            self.add(iri, CTIP.referenceText, Literal(entry.plain_text(self.doc.text)))
            if entry.number is not None and entry.number > 0:
                self.add(iri, CTIP.referenceNumber, _positive(entry.number))
            if entry.number_inferred:
                self.add(iri, CTIP.numberInferred, Literal(True))
            if entry.creator:
                self.add(iri, DCTERMS.creator, Literal(entry.creator))
            if entry.title:
                self.add(iri, DCTERMS.title, Literal(entry.title))
            if entry.date:
                self.add(iri, DCTERMS.date, Literal(entry.date))
            for url in entry.urls:
                self.add(iri, CTIP.url, Literal(url, datatype=XSD.anyURI))
            if entry.source_on_file:
                self.add(iri, CTIP.sourceOnFile, Literal(True))
            if entry.end > entry.start:
                self.add(iri, CTIP.entry, passage_iri(doc_id, entry))
            target = self.links.get(entry.ref_id)
            if target:
                self.add(iri, CTIP.citesDocument, doc_iri(target))

    def _citations(self) -> None:
        doc_id = self.doc.doc_id
        for citation in self.doc.citations:
            if citation.passage is None:
                continue
            iri = doc_part(doc_id, "citation", citation.index)
            self.add(iri, RDF.type, CTIP.InTextCitation)
            self.add(iri, CTIP.inDocument, self.doc_iri)
            self.add(iri, CTIP.inPassage, passage_iri(doc_id, citation.passage))
            self.add(iri, CTIP.markerText, Literal(citation.marker_text))
            self.add(iri, CTIP.start, _nonneg(citation.start))
            self.add(iri, CTIP.end, _nonneg(citation.end))
            if citation.kind == "footnote":
                note = self.doc.footnote(int(citation.target_id))
                if note is not None:
                    self.add(iri, CTIP.denotes, passage_iri(doc_id, note))
            else:
                entry = self.doc.reference(citation.target_id)
                if entry is not None:
                    self.add(iri, CTIP.denotes, reference_iri(doc_id, entry))


def emit_evidence(doc: Document, source: Source, links: dict[str, str] | None = None,
                  lexicon: Lexicon | None = None) -> Graph:
    """The evidence graph of one segmented document."""
    return EvidenceEmitter(doc, source, links, lexicon).build()
