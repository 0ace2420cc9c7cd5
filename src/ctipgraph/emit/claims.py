"""Facts as plain triples and as ``ctip:Claim`` resources with their evidence.

``ClaimEmitter.fact(s, p, o, passages, method)`` asserts the triple and describes the claim:
``rdf:subject/predicate/object``, ``prov:wasQuotedFrom`` the passages, ``cito:citesAsEvidence``
the references that in-text citations inside those passages denote (footnote markers denote
footnotes, not references, and are left out), ``ctip:inDocument`` and ``ctip:extractionMethod``.
The claim IRI is ``iris.claim_iri`` over the fact and its passages, so rebuilding gives the same
IRIs and the same fact read from another passage is another claim.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from ..iris import claim_iri, doc_iri
from ..namespaces import CITO, CTIP, PROV, bind_prefixes
from ..read.model import Block, Document
from .evidence import passage_iri, reference_iri


def object_key(obj: Node) -> str:
    """The string a claim IRI hashes for an object (literals with their datatype/language)."""
    return obj.n3() if isinstance(obj, Literal) else str(obj)


class ClaimEmitter:
    """Collects the facts and claims of one document in a graph."""

    def __init__(self, doc: Document, graph: Graph | None = None) -> None:
        self.doc = doc
        self.doc_iri = doc_iri(doc.doc_id)
        self.graph = graph if graph is not None else Graph()
        bind_prefixes(self.graph)
        self._citations: list[tuple[int, int, int, URIRef]] = []
        self._by_passage: dict[str, list[URIRef]] = {}
        for citation in doc.citations:
            if citation.kind == "footnote":
                continue
            entry = doc.reference(citation.target_id)
            if entry is None:
                continue
            ref = reference_iri(doc.doc_id, entry)
            self._citations.append((citation.start, citation.end, citation.index, ref))
            if citation.passage is not None:
                key = str(passage_iri(doc.doc_id, citation.passage))
                self._by_passage.setdefault(key, []).append(ref)
        self.claims = 0

    def references(self, block: Block) -> list[URIRef]:
        """The references cited in a passage (markers inside it, or attached to it)."""
        refs = list(self._by_passage.get(str(passage_iri(self.doc.doc_id, block)), []))
        refs += [r for s, e, _, r in self._citations if block.start <= s and e <= block.end]
        return sorted(set(refs))

    def fact(self, s: URIRef, p: URIRef, o: Node, passages: Sequence[Block],
             method: str) -> URIRef | None:
        """Assert ``s p o`` and describe the claim; returns the claim IRI."""
        blocks = _unique(passages)
        if not blocks:
            return None
        iris = [passage_iri(self.doc.doc_id, b) for b in blocks]
        claim = claim_iri(self.doc.doc_id, str(s), str(p), object_key(o), [str(i) for i in iris])
        g = self.graph
        g.add((s, p, o))
        if (claim, RDF.type, CTIP.Claim) in g:
            return claim
        self.claims += 1
        g.add((claim, RDF.type, CTIP.Claim))
        g.add((claim, RDF.subject, s))
        g.add((claim, RDF.predicate, p))
        g.add((claim, RDF.object, o))
        g.add((claim, CTIP.inDocument, self.doc_iri))
        g.add((claim, CTIP.extractionMethod, Literal(method)))
        for iri in iris:
            g.add((claim, PROV.wasQuotedFrom, iri))
        for block in blocks:
            for ref in self.references(block):
                g.add((claim, CITO.citesAsEvidence, ref))
        return claim

    def plain(self, s: URIRef, p: URIRef, o: Node) -> None:
        """A triple that is not a fact of the document (a type, a label)."""
        self.graph.add((s, p, o))


def _unique(blocks: Sequence[Block | None]) -> list[Block]:
    seen: set[tuple] = set()
    out: list[Block] = []
    for block in blocks:
        if block is None or not block.is_passage:
            continue
        key = (block.kind, block.start, block.end, getattr(block, "table", 0),
               getattr(block, "row", 0), block.index)
        if key not in seen:
            seen.add(key)
            out.append(block)
    return out
