"""Country scoping: a name that is generic without a country is one entity per country.

"Ministry of Labor", "Penal Code", "National Action Plan to Combat Trafficking in Persons",
"Labor Inspectorate" exist in every country: in a report on Togo they are Togo's, never Mali's.
A name is *generic* when it names no country and its head word or first word is one of
``discovery.toml [scoping] heads / prefixes`` (and its class is a national one). Then:

- a curated lexicon entity with a ``ctip:country`` is found under a generic name (or under its
  acronym) only in reports of its own country, or when the text names that country beside it;
- an entity found in a report gets ``id:{kind}/{country}-{name}`` (``id:org/togo-ministry-of-
  labor``), the country taken from the text (a demonym, a possessive, "of <country>") or else
  from the report (its metadata, or the country it names most).

A report of no known country keeps the lexicon's behaviour (no scoping).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rdflib import URIRef

from ..iris import entity_iri, slugify
from .lexicon import KIND_OF_CLASS, Entity, fold

if TYPE_CHECKING:
    from .lexicon import Lexicon

ID_PLACE = "https://w3id.org/ctipgraph/id/place/"


class Scoping:
    """Which names are generic, and which country a name names (from the lexicon's places and
    the demonyms of discovery.toml)."""

    def __init__(self, lexicon: Lexicon) -> None:
        spec = lexicon.section("scoping")
        self.classes = frozenset(spec.get("classes", []))
        self.always = frozenset(spec.get("always", []))
        # compared in lower case: a lexicon's lower-case altLabel ("hazardous occupation
        # list") is as generic as its label
        self.heads = [fold(h) for h in spec.get("heads", [])]
        self.prefixes = [fold(p) for p in spec.get("prefixes", [])]
        self.plural_heads = frozenset(spec.get("plural_heads", []))
        self.funded = frozenset(spec.get("funded", []))
        self.everywhere = frozenset(URIRef(ID_PLACE + c) for c in spec.get("everywhere", []))
        self.connectors = frozenset(w.lower() for w in lexicon.words("names", "connectors"))
        self.words: dict[str, URIRef] = {}  # folded country word → country IRI
        self.labels: dict[URIRef, str] = {}
        for iri, entity in lexicon.entities.items():
            if entity.cls != "Country":
                continue
            self.labels[iri] = entity.label
            for name in entity.names():
                self.words.setdefault(fold(name.strip(), lower=False), iri)
        for slug, demonyms in sorted(lexicon.section("demonyms").items()):
            iri = URIRef(ID_PLACE + slug)
            for word in demonyms:
                self.words.setdefault(fold(word, lower=False), iri)
        alternatives = sorted(self.words, key=lambda w: (-len(w), w))
        self._country_re = re.compile(
            r"(?<![\w.])(?:the\s+)?(" + "|".join(re.escape(w) for w in alternatives)
            + r")(?:['’]s)?(?![\w])") if alternatives else None

    # -- countries in names -------------------------------------------------------------------

    def country_in(self, name: str) -> URIRef | None:
        """The country a name names ("Ministry of Justice of Mali", "Malian military")."""
        if self._country_re is None:
            return None
        m = self._country_re.search(fold(name, lower=False))
        return self.words.get(m.group(1)) if m else None

    def country_word(self, word: str) -> URIRef | None:
        """The country of one word or phrase: a name, a demonym or a possessive ("Mali's")."""
        word = re.sub(r"['’]s$", "", fold(word.strip(), lower=False))
        return self.words.get(word)

    # -- generic names ------------------------------------------------------------------------

    def is_generic(self, name: str, cls: str | None) -> bool:
        """Whether a name of this class is generic without a country."""
        if cls not in self.classes or self.country_in(name) is not None:
            return False
        if cls in self.always:
            return True
        folded = fold(" ".join(name.split()))
        if any(folded == p or folded.startswith(p + " ") for p in self.prefixes):
            return True
        words = [w for w in re.split(r"[\s,]+", folded) if w]
        return any(_has_phrase(words, head) for head in self.heads) or self.plural_named(
            name, cls)

    def kind_of_program(self, name: str, cls: str | None) -> bool:
        """Whether a name is a kind of program that each country runs, the country it says
        being a funder (`funded` classes named by a plural): "Shelters", "U.S.
        Government-Funded Programs"."""
        return cls in self.funded and self.plural_named(name, cls)

    def plural_named(self, name: str, cls: str | None) -> bool:
        """Whether a name of a `plural_heads` class is headed by a plural ("Shelters", "Child
        Welfare Committees", "District Councils"): a kind of which each country has its own."""
        if cls not in self.plural_heads:
            return False
        words = [w for w in re.split(r"[\s,]+", fold(name)) if w]
        head = self.head_word(words)
        before = words[:words.index(head)] if head in words else []
        # "Eliminating the Worst Forms of …": a verb's object, not the name's head
        return _plural(head) and not any(w in _ARTICLES for w in before)

    def head_word(self, words: list[str]) -> str:
        """The head of a name's words: the last before a preposition ("shelters" in "shelters
        for unaccompanied children"; "activity" in "democracy, human rights, and governance –
        learning, evaluation, and research activity")."""
        head = ""
        for word in words:
            if word in self.connectors and word not in _COORDINATORS:
                break
            if re.search(r"\w", word):
                head = word
        return head

    def found_anywhere(self, entity: Entity, scope: URIRef | None) -> bool:
        """Whether a lexicon entity is found under any of its names (and legal numbers) in a
        report of country ``scope``: a report of no country, an entity of none, of that
        country, or of one named in every report (`everywhere`)."""
        return (scope is None or entity.country in (None, scope)
                or entity.country in self.everywhere)

    def applies(self, entity: Entity, name: str, scope: URIRef | None) -> bool:
        """Whether a lexicon entity may be found under this name (or acronym) in a report of
        country ``scope``: always, unless it is another country's (one not `everywhere`) and
        the name is generic (or is its acronym) and does not name its country."""
        if self.found_anywhere(entity, scope):
            return True
        if entity.cls not in self.classes:
            return True
        name = name.strip()
        if name in entity.acronyms:  # an acronym is as generic as the name it stands for
            return not self.is_generic(self.without_country(entity.label), entity.cls)
        return not self.is_generic(name, entity.cls)

    def without_country(self, name: str) -> str:
        """A name with its country words left out ("National Committee … in Mali")."""
        if self._country_re is None:
            return name
        rest = self._country_re.sub(" ", fold(name, lower=False))
        rest = re.sub(r"\s+(?:of|in|du|de|au)\s*$", "", " ".join(rest.split()))
        return rest

    def scoped_iri(self, name: str, cls: str, country: URIRef, base: str | None = None) -> URIRef:
        """``id:{kind}/{country}-{base or name}`` for a generic name of a country."""
        kind = KIND_OF_CLASS.get(cls, "org")
        slug = str(country).rsplit("/", 1)[-1]
        name_slug = slugify(base or name)
        if name_slug.startswith(slug + "-"):  # "Mali Government and NGO-Implemented Programs"
            return entity_iri(kind, name_slug)
        return entity_iri(kind, f"{slug} {name_slug}")


_ARTICLES = frozenset({"the", "a", "an", "la", "le", "les", "l'"})
_COORDINATORS = frozenset({"and", "et"}) | _ARTICLES


def _plural(word: str) -> bool:
    """Whether an English noun looks plural ("shelters", "programs"; not "access", "bus")."""
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _has_phrase(words: list[str], phrase: str) -> bool:
    parts = phrase.split()
    return any(words[i:i + len(parts)] == parts for i in range(len(words) - len(parts) + 1))
