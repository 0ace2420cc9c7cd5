"""What every extractor works with: the document, its entities, mentions and the claim emitter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from ..emit.claims import ClaimEmitter
from ..emit.evidence import passage_iri
from ..iris import entity_iri, slugify
from ..link.entities import EntityRegistry
from ..link.lexicon import Lexicon
from ..link.mentions import Mention, Mentions
from ..namespaces import CTIP, CTIPC
from ..read.model import Block, Document
from .series import SeriesIndex


def gyear(year: int | str) -> Literal:
    return Literal(str(year), datatype=XSD.gYear)


def xdate(iso: str) -> Literal:
    return Literal(iso, datatype=XSD.date)


@dataclass
class Context:
    """One document being turned into facts."""

    doc: Document
    lexicon: Lexicon
    registry: EntityRegistry
    mentions: Mentions
    emitter: ClaimEmitter
    country: URIRef | None = None
    reporting_year: int | None = None
    publisher: URIRef | None = None
    series: SeriesIndex | None = None  # the suggested actions of the document's series
    unlinked: list[str] = field(default_factory=list)

    # -- facts --------------------------------------------------------------------------------

    def fact(self, s: URIRef, p: URIRef, o: Node, passages: Sequence[Block | None],
             method: str) -> URIRef | None:
        """Assert a fact with its claim; entities in subject/object position are described."""
        if isinstance(s, URIRef) and self.registry.entity(s) is not None:
            self.registry.use(s)
        if isinstance(o, URIRef) and self.registry.entity(o) is not None:
            self.registry.use(o)
        return self.emitter.fact(s, p, o, [b for b in passages if b is not None], method)

    def mention(self, iri: URIRef, blocks: Sequence[Block], rule: str) -> None:
        """Record that an entity found by a pattern is mentioned in these passages."""
        for block in blocks:
            self.fact(iri, CTIP.mentionedIn, passage_iri(self.doc.doc_id, block), [block],
                      f"mention:{rule}")

    def typed(self, s: URIRef, cls: URIRef) -> None:
        self.emitter.plain(s, RDF.type, cls)

    # -- entities -----------------------------------------------------------------------------

    def resolve(self, name: str, cls: str, *, acronym: str | None = None, rule: str = "",
                country: URIRef | None = None) -> URIRef:
        resolved = self.registry.resolve(name, cls, acronym=acronym, rule=rule, country=country)
        return self.registry.use(resolved.iri)

    def cls_of(self, iri: URIRef) -> str | None:
        return self.registry.cls_of(iri)

    def is_a(self, iri: URIRef, *classes: str) -> bool:
        return self.cls_of(iri) in classes

    def in_block(self, block: Block, start: int | None = None,
                 end: int | None = None) -> list[Mention]:
        """Mentions of a passage, optionally within [start, end) (document offsets)."""
        found = self.mentions.in_block(block)
        if start is not None:
            found = [m for m in found if start <= m.start and m.end <= (end or block.end)]
        return found

    def concept(self, scheme: str, text: str) -> URIRef | None:
        return self.lexicon.concept(scheme, text)

    def text(self, block: Block) -> str:
        return self.doc.text[block.start:block.end]

    # -- IRIs of n-ary facts ------------------------------------------------------------------

    def country_slug(self, country: URIRef | None = None) -> str:
        country = country or self.country
        return str(country).rsplit("/", 1)[-1] if country else "x"

    def nary(self, kind: str, *parts: object) -> URIRef:
        return entity_iri(kind, "-".join(slugify(str(p)) for p in parts if p not in (None, "")))


ACTOR_CLASSES = frozenset({
    "Organization", "GovernmentBody", "CoordinatingBody", "NonGovernmentalOrganization",
    "InternationalOrganization", "ResearchOrganization", "ArmedGroup", "Person",
})
INTERVENTION_CLASSES = frozenset({"Program", "Policy"})
INSTRUMENT_CLASSES = frozenset({
    "Law", "Regulation", "InternationalAgreement", "LegalProvision", "LegalInstrument",
})
PLACE_CLASSES = frozenset({"Country", "Region", "Place"})

__all__ = ["CTIP", "CTIPC", "Context", "gyear", "xdate"]
