"""The entities of one document: curated ones from the lexicon plus the ones found in the text.

``EntityRegistry.resolve(name, cls)`` returns one IRI per real-world entity: the lexicon entry
the name, acronym or legal identifier denotes (exact, then fuzzy with compatibility checks),
else an entity already found in this document, else a new one whose IRI comes from its acronym
or name (``id:org/cnlte``, ``id:program/decent-work-country-program``), so that another
document naming it the same way gets the same IRI without any code change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ..iris import entity_iri, slugify
from ..namespaces import CTIP
from .lexicon import FAMILY, KIND_OF_CLASS, Entity, Found, Lexicon, compatible, fold, norm_name


@dataclass(frozen=True)
class Resolved:
    """An entity a name was resolved to, and how."""

    iri: URIRef
    rule: str
    new: bool = False


_JOIN = re.compile(r"\b(?:(inter|anti|multi|socio|intra|non)[\s-]+|(co|pre|post|sub|self|"
                   r"counter|cross|trans)-)(?=[a-z])", re.IGNORECASE)


_ELIDED = re.compile(r"\b(\w+)\s+(\w+)\s+and\s+(\w+)\s+\2\b", re.IGNORECASE)
_OUR = re.compile(r"\b(\w{3,})our\b")
#: what a name says aside, in parentheses or quotes: another language's name, a number
_ASIDE = re.compile(r"\s*(?:\([^()]*\)|“[^“”]*”|\"[^\"]*\")")
_WORD = re.compile(r"[A-Za-z]+")
#: what a variant key (EntityRegistry.variant_key) opens with: no IRI
VARIANT = "variant:"
#: a title's words in parentheses, part of the name: "Children (Amendment) Act"
_TITLE_WORDS = re.compile(r"\(([A-Z][a-z]+(?: [A-Z][a-z]+){0,2})\)(?= [A-Z])")


def joined_prefixes(name: str) -> str:
    """A name as its IRI spells it: prefixes joined to their word ("Inter-Ministerial
    Committee" and "Interministerial Committee" give one slug), British -our spelled -or, and a
    head noun said once for two words ("Child Labour and Forced Labour" and "Child and Forced
    Labor" give one slug); what it says aside is left out ("Friends of the Child Shelters
    (Associação dos Amigos da Criança)" and "Friends of the Child (Amigos da Criança) Shelters"
    give one slug), but not a title's words ("Children (Amendment) Act" is no "Children Act")."""
    name = _ASIDE.sub("", _TITLE_WORDS.sub(r"\1", name)).strip() or name
    name = _JOIN.sub(lambda m: m.group(1) or m.group(2), name)
    name = _OUR.sub(lambda m: m.group(1) + "or", name)
    return _ELIDED.sub(lambda m: f"{m.group(1)} and {m.group(3)} {m.group(2)}", name)


def _hyphenated(name: str) -> str:
    """A name as matched in text (case, accents and spacing folded; hyphens kept)."""
    return " ".join(fold(name).split())


#: what separates the parts of a name listing several ("Civil Service, Labor, and Social
#: Dialogue"; French "et")
_LIST_SEPARATOR = re.compile(r",\s*(?:and\s+|et\s+)?|\s+and\s+|\s+et\s+")


def _portfolio(name: str) -> set[str]:
    """The keys of the short names of a body of several portfolios: "Ministry of Civil Service,
    Labor, and Social Dialogue" → "ministry of civil service", "ministry of labor", "ministry
    of social dialogue" (none for a name of one)."""
    m = re.match(r"^(\S+\s+(?:of|for|de|du|des)\s+(?:the\s+)?)(.+)$", name)
    if m is None:
        return set()
    items = [i for i in _LIST_SEPARATOR.split(m.group(2)) if i.strip()]
    return {norm_name(m.group(1) + i) for i in items} if len(items) > 1 else set()


def _lang_of(name: str) -> str:
    words = set(norm_name(name).split())
    return "fr" if words & {"de", "la", "le", "les", "du", "des", "et", "au", "aux"} else "en"


class EntityRegistry:
    """Resolves names to entity IRIs for one document and describes the entities used."""

    def __init__(self, lexicon: Lexicon, country: URIRef | None = None,
                 series_names: Mapping[str, str] | None = None) -> None:
        self.lexicon = lexicon
        self.country = country  # the report's country: generic names are scoped to it
        self.series_names = series_names or {}  # minted IRI → its series' (link.acronyms)
        self._american: dict[str, str] = lexicon.section("spelling", "american")
        self._connectors = frozenset(w.lower() for w in lexicon.words("names", "connectors"))
        self._trailing_heads = frozenset(
            slugify(w) for w in lexicon.words("names", "variant_trailing_heads"))
        self._spelled_out = sorted(((slugify(short), slugify(long)) for short, long in
                                    lexicon.section("names", "spelled_out").items()),
                                   key=lambda pair: -len(pair[0]))
        self.definitions: set[tuple[str, str]] = set()  # (name's IRI, acronym's IRI) given
        self.found: dict[URIRef, Entity] = {}  # entities created from this document
        self._names: dict[str, URIRef] = {}
        self._acronyms: dict[str, URIRef] = {}
        self.aliases: dict[URIRef, list[tuple[str, str]]] = {}  # extra names of lexicon entities
        self.used: set[URIRef] = set()
        self.unlinked: list[str] = []  # names seen but not linked, and why
        self.merged: dict[URIRef, URIRef] = {}  # entities found to be another one

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
               fuzzy: bool = True, scope: URIRef | None = None) -> Found | None:
        """The entity a name denotes, if known (lexicon first, then this document); a generic
        name is looked up in the report's country (or ``scope``, a country the text names)."""
        kind = KIND_OF_CLASS.get(cls) if cls else None
        scope = scope or self.country
        found = self.lexicon.find(name, kind=kind, acronym=acronym, fuzzy=False, scope=scope)
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
        if name:
            found = self._acronym_segment(name, kind)
            if found:
                return found
        if fuzzy and name:
            found = self.lexicon.fuzzy(name, kind, scope)
            if found:
                return found
            return self._fuzzy_found(name, kind)
        return None

    def _acronym_segment(self, name: str, kind: str | None) -> Found | None:
        """ "DRG Learning, Evaluation, and Research Activity" is the entity whose acronym has
        the segment "DRG" ("DRG-LER") and whose name ends with the rest of the name."""
        m = re.match(r"^([A-Z]{2,6})\s+(.+)$", name.strip())
        if m is None:
            return None
        rest = norm_name(m.group(2))
        for iri, entity in sorted(self.found.items()):
            if not self._kind_ok(iri, kind) or len(rest.split()) < 2:
                continue
            segments = {seg for acr in entity.acronyms for seg in re.split(r"[-/.]", acr)}
            if m.group(1) in segments and len(segments) > 1 and any(
                    norm_name(n).endswith(" " + rest) for n in entity.names()):
                return Found(iri, "document:acronym-segment")
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
        scoping = self.lexicon.scoping
        kind_of_program = scoping.kind_of_program(name, cls)
        named = None if kind_of_program else scoping.country_in(name)
        scope = named or country or self.country
        found = None
        if iri is None:
            found = self.lookup(name, cls=cls, acronym=acronym, scope=scope)
            if found is None:
                found = self._renamed(name, cls, scope)
            if found is None and KIND_OF_CLASS.get(cls) == "org":
                for prefix in self.lexicon.section("international").get("name_prefixes", []):
                    found = self.lookup(f"{prefix} {name}", fuzzy=False, scope=scope)
                    if found is not None:  # "Global Protection Cluster" after "UN Global …"
                        break
        if found is not None:
            self._alias(found.iri, name, acronym)
            if found.iri not in self.lexicon.entities:
                self.defines(name, cls, acronym, scope, found.iri)
            return Resolved(found.iri, found.rule)
        split = self._split_country(name, cls) if iri is None and named is not None else None
        if split is not None:
            resolved = self.resolve(split[0], cls, acronym=acronym, rule=rule, country=split[1],
                                    part_of=part_of)
            self._alias(resolved.iri, name, None)
            return resolved
        if iri is None:
            iri, country = self._mint(name, cls, acronym, scope, country)
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

    def _iri_from(self, base: str, name: str, cls: str,
                  scope: URIRef | None) -> tuple[URIRef, bool]:
        """The IRI a new entity named ``name`` gets from ``base`` (its name or acronym), spelled
        the American way (discovery.toml [spelling]), and whether it is its country's: a generic
        name or a kind of program is ``scope``'s."""
        scoping = self.lexicon.scoping
        if self._american:
            base = _WORD.sub(lambda m: self._american.get(m.group().lower(), m.group()), base)
        if scope is not None and (scoping.kind_of_program(name, cls)
                                  or scoping.is_generic(name, cls)):
            return scoping.scoped_iri(name, cls, scope, joined_prefixes(base)), True
        return entity_iri(KIND_OF_CLASS.get(cls, "org"), joined_prefixes(base)), False

    def _mint(self, name: str, cls: str, acronym: str | None, scope: URIRef | None,
              country: URIRef | None) -> tuple[URIRef, URIRef | None]:
        """The IRI of a new entity (its acronym's if it has one) and its country; the series'
        IRI when a report of the build defines its name or acronym (link.acronyms)."""
        iri, scoped = self._iri_from(acronym or name, name, cls, scope)
        country = scope if scoped else country
        self.defines(name, cls, acronym, scope)
        series = self.series_names.get(str(iri))
        if series is not None and URIRef(series) not in self.lexicon.entities:
            return URIRef(series), country
        return iri, country

    def defines(self, name: str, cls: str, acronym: str | None, scope: URIRef | None,
                entity: URIRef | None = None) -> None:
        """Remember that this document gives a name with its acronym (link.acronyms), and the
        entity it found for the name if any (a body renamed: "Ministry of Justice (MOJ)" after
        "Ministry of Justice and Government Relations")."""
        if not acronym or not name or name == acronym:
            return
        by_acronym = self._iri_from(acronym, name, cls, scope)[0]
        for by_name in {self._iri_from(name, name, cls, scope)[0], entity or by_acronym}:
            if by_name != by_acronym:
                self.definitions.add((str(by_name), str(by_acronym)))

    def variant_key(self, name: str, cls: str, scope: URIRef | None) -> tuple[str, str]:
        """The IRI a name alone gets and the key its variants share: that IRI's words without
        the name connectors, short forms spelled out (patterns.toml [names] spelled_out: "UN
        Population Fund", "United Nations Population Fund"), a head word at the end of a long
        name left out (variant_trailing_heads: "… Delivery for All Project"), in alphabetical
        order ("Ministry of the Interior" and "Ministry of Interior", "National Plan of Action
        against …" and "National Action Plan against …")."""
        iri = str(self._iri_from(name, name, cls, scope)[0])
        base, _, slug = iri.rpartition("/")
        padded = f"-{slug}-"
        for short, long in self._spelled_out:
            padded = padded.replace(f"-{short}-", f"-{long}-")
        words = [w for w in padded.split("-") if w and w not in self._connectors]
        if len(words) > 3 and words[-1] in self._trailing_heads:
            words.pop()  # "Better Education Service Delivery for All (Project)"
        words.sort()
        return iri, f"{VARIANT}{base}/{'-'.join(words)}"

    def variants_of(self, names: list[str], cls: str, scope: URIRef | None
                    ) -> set[tuple[str, str, bool]]:
        """(IRI by name, variant key, whether the name is the label) of an entity's label (the
        first of `names`) and of its other names that are variants of it: one key an entity, so
        that an other name ("the National Action Plan" of a plan against child labor) never
        links two entities."""
        by_label, key = self.variant_key(names[0], cls, scope)
        pairs = {(by_label, key, True)}
        for name in names[1:]:
            by_name, other = self.variant_key(name, cls, scope)
            if other == key and by_name != by_label:
                pairs.add((by_name, key, False))
        return pairs

    def series_definitions(self) -> set[tuple[str, str, bool]]:
        """What this document tells a series (link.acronyms) of its entities: the names it
        gives with their acronyms (`definitions`) and the variant key of each entity it found
        (variants_of)."""
        pairs = {(name, acronym, False) for name, acronym in self.definitions}
        for iri, entity in self.found.items():
            names = [entity.label, *(n for n, lang in self.aliases.get(iri, []) if lang != "acr")]
            pairs |= self.variants_of(names, entity.cls, entity.country or self.country)
        return pairs

    def merge(self, old: URIRef, into: URIRef) -> None:
        """Two entities found in this document are one: ``old``'s names become ``into``'s."""
        entity = self.found.pop(old, None)
        if entity is None or into == old:
            return
        for name in entity.names():
            self._alias(into, name, None)
        for acronym in entity.acronyms:
            self._alias(into, "", acronym)
        for name, lang in self.aliases.pop(old, []):
            self._alias(into, "" if lang == "acr" else name, name if lang == "acr" else None)
        for table in (self._names, self._acronyms):
            for key, iri in list(table.items()):
                if iri == old:
                    table[key] = into
        if old in self.used:
            self.used.discard(old)
            self.used.add(into)
        self.merged[old] = into

    def _split_country(self, name: str, cls: str) -> tuple[str, URIRef] | None:
        """ "Ministry of Justice of Togo", "Togolese Ministry of Labor", "Mali's Penal Code":
        the generic name and the country the text gives it."""
        scoping = self.lexicon.scoping
        m = re.match(r"^(?:the\s+)?(?P<c>.+?)(?:['’]s)?\s+(?P<rest>.+)$", name)
        if m and scoping.country_word(m.group("c")) is not None:
            rest = m.group("rest")
            if scoping.is_generic(rest, cls):
                return rest, scoping.country_word(m.group("c"))
        m = re.match(r"^(?P<rest>.+?)\s+(?:of|du|de|de la)\s+(?:the\s+)?(?P<c>[^,]+)$", name)
        if m and scoping.country_word(m.group("c")) is not None:
            rest = m.group("rest")
            if scoping.is_generic(rest, cls):
                return rest, scoping.country_word(m.group("c"))
        return None

    def _renamed(self, name: str, cls: str, scope: URIRef | None) -> Found | None:
        """ "Ministry of Labor, Civil Service and Social Dialogue" is the "Ministry of Labor"
        of the same country, renamed or with a wider portfolio (discovery.toml [scoping]
        renamable): the part before the first comma or "and" names a known body. The short
        name after the long one is that body too, and so is a short name whose complement is
        one of the portfolio of the only such body of the document ("Ministry of Labor" after
        "Ministry of Civil Service, Labor, and Social Dialogue")."""
        heads = self.lexicon.section("scoping").get("renamable", [])
        first = name.split()[0] if name.split() else ""
        if first not in heads:
            return None
        def first_part(text: str) -> str:
            return _LIST_SEPARATOR.split(text, maxsplit=1)[0].strip()

        base = first_part(name)
        if base != name and len(base.split()) >= 3:
            found = self.lookup(base, cls=cls, fuzzy=False, scope=scope)
            if found is not None and self.cls_of(found.iri) == cls:
                return Found(found.iri, "document:renamed")
        if base != name:
            return None
        key = norm_name(name)  # the short name after the long one
        holders: set[URIRef] = set()
        for iri, entity in sorted(self.found.items()):
            if entity.cls != cls or entity.country not in (scope, None):
                continue
            if any(first_part(n) != n and norm_name(first_part(n)) == key
                   for n in entity.names()):
                return Found(iri, "document:renamed")
            if any(key in _portfolio(n) for n in entity.names()):
                holders.add(iri)
        return Found(holders.pop(), "document:renamed") if len(holders) == 1 else None

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
        elif name and _hyphenated(name) not in {_hyphenated(n) for n in entity.names()} | {
                _hyphenated(n) for n, _ in extra}:
            extra.append((name, _lang_of(name)))  # "Inter-Ministerial" beside "Interministerial"
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
        applies = self.lexicon.scoping.applies
        for iri, entity in sorted(self.lexicon.entities.items()):
            forms += [(n, iri, False, "lexicon:label") for n in entity.names()
                      if applies(entity, n, self.country)]
            forms += [(a, iri, True, "lexicon:acronym") for a in entity.acronyms
                      if applies(entity, a, self.country)]
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

