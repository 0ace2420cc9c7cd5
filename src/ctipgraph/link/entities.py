"""The entities of one document: curated ones from the lexicon plus the ones found in the text.

``EntityRegistry.resolve(name, cls)`` returns one IRI per real-world entity: the lexicon entry
the name, acronym or legal identifier denotes (exact, then fuzzy with compatibility checks),
else an entity already found in this document, else a new one whose IRI comes from its acronym
or name (``id:org/cnlte``, ``id:program/decent-work-country-program``), so that another
document naming it the same way gets the same IRI without any code change.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ..iris import entity_iri
from ..namespaces import CTIP
from .lexicon import FAMILY, KIND_OF_CLASS, Entity, Found, Lexicon, compatible, norm_name


@dataclass(frozen=True)
class Resolved:
    """An entity a name was resolved to, and how."""

    iri: URIRef
    rule: str
    new: bool = False


def _lang_of(name: str) -> str:
    words = set(norm_name(name).split())
    return "fr" if words & {"de", "la", "le", "les", "du", "des", "et", "au", "aux"} else "en"


class EntityRegistry:
    """Resolves names to entity IRIs for one document and describes the entities used."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.found: dict[URIRef, Entity] = {}  # entities created from this document
        self._names: dict[str, URIRef] = {}
        self._acronyms: dict[str, URIRef] = {}
        self.aliases: dict[URIRef, list[tuple[str, str]]] = {}  # extra names of lexicon entities
        self.used: set[URIRef] = set()
        self.unlinked: list[str] = []  # names seen but not linked, and why

    # -- lookups ------------------------------------------------------------------------------

    def entity(self, iri: URIRef) -> Entity | None:
        return self.found.get(iri) or self.lexicon.entities.get(iri)

    def cls_of(self, iri: URIRef) -> str | None:
        entity = self.entity(iri)
        return entity.cls if entity else None

    def label_of(self, iri: URIRef) -> str:
        entity = self.entity(iri)
        return entity.label if entity else str(iri).rsplit("/", 1)[-1]

    def lookup(self, name: str = "", *, cls: str | None = None, acronym: str | None = None,
               fuzzy: bool = True) -> Found | None:
        """The entity a name denotes, if known (lexicon first, then this document)."""
        kind = KIND_OF_CLASS.get(cls) if cls else None
        found = self.lexicon.find(name, kind=kind, acronym=acronym, fuzzy=False)
        if found:
            return found
        if acronym and acronym in self._acronyms:
            return Found(self._acronyms[acronym], "document:acronym")
        if name:
            key = norm_name(name)
            if key in self._names and self._kind_ok(self._names[key], kind):
                return Found(self._names[key], "document:label")
            if name.strip() in self._acronyms:
                return Found(self._acronyms[name.strip()], "document:acronym")
        if fuzzy and name:
            found = self.lexicon.fuzzy(name, kind)
            if found:
                return found
            return self._fuzzy_found(name, kind)
        return None

    def _kind_ok(self, iri: URIRef, kind: str | None) -> bool:
        entity = self.entity(iri)
        return kind is None or entity is None or FAMILY.get(entity.kind) == FAMILY.get(kind)

    def _fuzzy_found(self, name: str, kind: str | None) -> Found | None:
        from rapidfuzz import fuzz

        key = norm_name(name)
        best: tuple[float, str] | None = None
        for iri, entity in sorted(self.found.items()):
            if not self._kind_ok(iri, kind):
                continue
            for other in entity.names():
                score = fuzz.token_sort_ratio(key, norm_name(other))
                if score >= 90 and compatible(name, other) and (best is None or score > best[0]):
                    best = (score, str(iri))
        return Found(URIRef(best[1]), "document:fuzzy-label", best[0]) if best else None

    # -- resolving and creating ---------------------------------------------------------------

    def resolve(self, name: str, cls: str, *, acronym: str | None = None, rule: str = "",
                iri: URIRef | None = None, country: URIRef | None = None,
                part_of: URIRef | None = None) -> Resolved:
        """The entity of a name, created when unknown. ``rule`` names the detection pattern
        that found the name; the returned rule says how it was matched."""
        name = " ".join(name.split())
        found = None if iri is not None else self.lookup(name, cls=cls, acronym=acronym)
        if found is not None:
            self._alias(found.iri, name, acronym)
            return Resolved(found.iri, found.rule)
        kind = KIND_OF_CLASS.get(cls, "org")
        iri = iri or entity_iri(kind, acronym or name)
        existing = self.entity(iri)
        if existing is not None:  # same slug: the same entity under a variant spelling
            self._alias(iri, name, acronym)
            return Resolved(iri, "document:slug")
        entity = Entity(iri=iri, cls=cls, label=name, acronyms=[acronym] if acronym else [],
                        country=country, part_of=part_of, source=rule or "document")
        self.found[iri] = entity
        self._names.setdefault(norm_name(name), iri)
        if acronym:
            self._acronyms.setdefault(acronym, iri)
        return Resolved(iri, rule or "document:new", new=True)

    def _alias(self, iri: URIRef, name: str, acronym: str | None) -> None:
        """Remember a variant name (and acronym) of an entity, for matching and altLabels."""
        entity = self.entity(iri)
        if entity is None:
            return
        known = {norm_name(n) for n in entity.names()}
        extra = self.aliases.setdefault(iri, [])
        known |= {norm_name(n) for n, _ in extra}
        if name and norm_name(name) not in known and not self._is_acronym_of(entity, name):
            extra.append((name, _lang_of(name)))
            self._names.setdefault(norm_name(name), iri)
        new_acronym = acronym and acronym not in entity.acronyms and (acronym, "acr") not in extra
        if new_acronym and self.lexicon.by_acronym(acronym) in (None, iri):
            extra.append((acronym, "acr"))
            self._acronyms.setdefault(acronym, iri)

    @staticmethod
    def _is_acronym_of(entity: Entity, name: str) -> bool:
        return name.strip() in entity.acronyms

    def add_acronym(self, iri: URIRef, acronym: str) -> None:
        self._alias(iri, "", acronym)

    # -- surface forms (for matching mentions) ------------------------------------------------

    def surface_forms(self) -> list[tuple[str, URIRef, bool, str]]:
        """(form, iri, is_acronym, rule) of every name and acronym, lexicon and document."""
        forms: list[tuple[str, URIRef, bool, str]] = []
        for iri, entity in sorted(self.lexicon.entities.items()):
            forms += [(n, iri, False, "lexicon:label") for n in entity.names()]
            forms += [(a, iri, True, "lexicon:acronym") for a in entity.acronyms]
        for iri, entity in sorted(self.found.items()):
            forms += [(n, iri, False, "document:label") for n in entity.names()]
            forms += [(a, iri, True, "document:acronym") for a in entity.acronyms]
        for iri, extra in sorted(self.aliases.items()):
            forms += [(n, iri, lang == "acr", "document:alias") for n, lang in extra]
        return forms

    # -- description --------------------------------------------------------------------------

    def use(self, iri: URIRef) -> URIRef:
        self.used.add(iri)
        return iri

    def describe(self, graph: Graph) -> None:
        """Add the description of every used entity (and the entities it depends on)."""
        todo = sorted(self.used)
        done: set[URIRef] = set()
        while todo:
            iri = todo.pop(0)
            if iri in done:
                continue
            done.add(iri)
            for dep in self._describe_one(graph, iri):
                if dep not in done:
                    todo.append(dep)

    def _describe_one(self, graph: Graph, iri: URIRef) -> list[URIRef]:
        lexicon = self.lexicon
        deps: list[URIRef] = []
        if iri in lexicon.entities:
            for p, o in sorted(lexicon.graph.predicate_objects(iri)):
                graph.add((iri, p, o))
                if p in (CTIP.subOrganizationOf, CTIP.partOf, CTIP.country):
                    deps.append(o)
        elif iri in self.found:
            entity = self.found[iri]
            graph.add((iri, RDF.type, CTIP[entity.cls]))
            graph.add((iri, RDFS.label, Literal(entity.label, lang="en")))
            for acr in entity.acronyms:
                graph.add((iri, CTIP.acronym, Literal(acr)))
            if entity.country is not None:
                graph.add((iri, CTIP.country, entity.country))
                deps.append(entity.country)
            if entity.part_of is not None:
                graph.add((iri, CTIP.partOf, entity.part_of))
                deps.append(entity.part_of)
        else:
            return deps
        for name, lang in self.aliases.get(iri, []):
            if lang == "acr":
                graph.add((iri, CTIP.acronym, Literal(name)))
            else:
                graph.add((iri, SKOS.altLabel, Literal(name, lang=lang)))
        return deps

