"""A series' acronyms: a body one report names with its acronym and another names without it is
one entity (one IRI) across the reports of a build.

A document's entities get IRIs from what the document says: "National Steering Committee … (CDN)"
is ``id:org/togo-cdn``, the same name alone ``id:org/togo-national-steering-committee-…``. Each
time a document gives a name with its acronym it *defines* it: the pair (the IRI the name alone
would get, the IRI the acronym gives). The definitions of every report of a build link those
IRIs; each linked set of IRIs is one entity, whose IRI is its acronym's (the acronym defined by
the most reports; ties: the smallest IRI). The build reads the definitions in its phase one
(``build.probe``) and converts every document with the index, so that a document that would mint
another IRI of a set mints the set's; what it states is unchanged. A definition is read from the
document's own words: a report that never gives the pair does not link it, and a document
converted alone keeps its own IRIs.

Variants of one name ("Ministry of the Interior", "Ministry of Interior") are linked the same
way: each entity a document found gives the IRI its label alone would get with a *variant key*
(`EntityRegistry.variant_key`: that IRI's words without connectors, sorted), a node of the sets
that is never an IRI; a set with no acronym IRI takes the name IRI most reports label their
entity with.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Store
from rdflib import URIRef

from ..namespaces import ID
from ..rdfio import read_built
from .entities import VARIANT, EntityRegistry
from .lexicon import KIND_OF_CLASS, Lexicon


@dataclass(frozen=True)
class Definition:
    """One document's giving of a name with an acronym: the IRIs each alone would get."""

    doc: str
    name_iri: str
    acronym_iri: str  # or the key of the name's variants (EntityRegistry.variant_key)
    label: bool = False  # a variant key's: the name is the label of the document's entity


@dataclass
class AcronymIndex(Mapping[str, str]):
    """The series IRI of every IRI minted from a name or an acronym another report defines
    with it (only those whose series IRI differs)."""

    _series: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, definitions: Iterable[Definition]) -> AcronymIndex:
        index = cls()
        given = sorted(set(definitions),
                       key=lambda d: (d.name_iri, d.acronym_iri, d.doc, d.label))
        parent: dict[str, str] = {}

        def root(iri: str) -> str:
            while parent.setdefault(iri, iri) != iri:
                parent[iri] = parent[parent[iri]]
                iri = parent[iri]
            return iri

        for d in given:
            a, b = root(d.name_iri), root(d.acronym_iri)
            if a != b:
                parent[max(a, b)] = min(a, b)
        defining = Counter((d.acronym_iri, d.doc) for d in given
                           if not d.acronym_iri.startswith(VARIANT))
        reports = Counter(iri for iri, _ in defining)
        labelling = Counter(iri for iri, _ in {(d.name_iri, d.doc) for d in given if d.label})
        members: dict[str, list[str]] = {}
        for iri in sorted(parent):
            if not iri.startswith(VARIANT):
                members.setdefault(root(iri), []).append(iri)
        for group in members.values():
            acronyms = [iri for iri in group if iri in reports]
            if acronyms:
                series = min(acronyms, key=lambda iri: (-reports[iri], iri))
            else:  # variants of a name: the one the most reports' entities are labelled
                series = min(group, key=lambda iri: (-labelling[iri], iri))
            index._series.update({iri: series for iri in group if iri != series})
        return index

    def __getitem__(self, iri: str) -> str:
        return self._series[iri]

    def __iter__(self):
        return iter(self._series)

    def __len__(self) -> int:
        return len(self._series)

    def entities(self) -> int:
        """How many entities the linked IRIs are."""
        return len(set(self._series.values()))


_BUILT = """
PREFIX ctip: <https://w3id.org/ctipgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?entity ?class ?label ?other ?acronym ?country ?docCountry WHERE {
  ?entity rdfs:label ?label ; a ?class .
  FILTER(STRSTARTS(STR(?class), STR(ctip:)) && LANG(?label) != "")
  OPTIONAL { ?entity skos:altLabel ?other }
  OPTIONAL { ?entity ctip:acronym ?acronym }
  OPTIONAL { ?entity ctip:country ?country }
  OPTIONAL { ?d a ctip:SourceDocument ; ctip:country ?docCountry }
} ORDER BY ?entity ?class ?other ?acronym"""


def built_definitions(path: Path, lexicon: Lexicon, store: Store | None = None
                      ) -> list[Definition]:
    """The definitions a built document (its Turtle, or `store` when already read) gives, as far
    as its entities tell them (each name of an entity it found with each of its acronyms, and
    the variant keys of its names): what a partial build knows of the documents it does not
    convert again."""
    store = store if store is not None else read_built(path)
    # (class, entity, country) -> its label and other names, its acronyms
    found: dict[tuple[str, str, str | None], tuple[list[str], set[str]]] = {}
    for row in store.query(_BUILT):
        iri = row["entity"].value
        if URIRef(iri) in lexicon.entities:
            continue
        country = row["country"] or row["docCountry"]
        names, acronyms = found.setdefault(
            (row["class"].value.rsplit("#", 1)[-1], iri,
             country.value if country is not None else None), ([row["label"].value], set()))
        if row["other"] is not None and row["other"].value not in names:
            names.append(row["other"].value)
        if row["acronym"] is not None:
            acronyms.add(row["acronym"].value)
    registry = EntityRegistry(lexicon)
    variants = set()
    for (cls, iri, country), (names, acronyms) in sorted(found.items()):
        scope = URIRef(country) if country else None
        for name in names:
            for acronym in sorted(acronyms):
                registry.defines(name, cls, acronym, scope)
        if _is_named_entity(iri):
            variants |= registry.variants_of(names, cls, scope)
    return [Definition(path.stem, *given) for given in sorted(
        {(name, acronym, False) for name, acronym in registry.definitions} | variants)]


def _is_named_entity(iri: str) -> bool:
    """Whether an IRI is one a document's registry mints (a body, group, program, policy, law
    or agreement; not a passage, a claim or a provision's fragment)."""
    kind = iri[len(ID):].split("/", 1)[0] if iri.startswith(ID) else ""
    return kind in KIND_OF_CLASS.values() and "#" not in iri


__all__ = ["AcronymIndex", "Definition", "built_definitions"]
