"""Countries: one IRI per country, whichever document names it and however it is spelled.

A document's own country (``ctip:country`` of the document, from a sidecar or its text) is
resolved as the country mentions in its text are: a name, altLabel or acronym of a lexicon
country (data/lexicon/places.ttl), compared folded (accents, apostrophes, case, a leading
"The"), never fuzzily. A country the lexicon does not list gets ``id:place/<slug>`` of the same
folded name, so "Côte d’Ivoire" and "Cote d'Ivoire" would be one IRI even then.
"""

from __future__ import annotations

from rdflib import URIRef

from ..iris import entity_iri
from .lexicon import Lexicon, fold


def country(lexicon: Lexicon, name: str) -> tuple[URIRef, str, bool]:
    """(IRI, label, listed) of the country a name denotes; `listed` says the lexicon has it."""
    found = lexicon.find(name, kind="place", fuzzy=False)
    if found is not None and lexicon.entities[found.iri].cls == "Country":
        return found.iri, lexicon.entities[found.iri].label, True
    label = " ".join(name.split())
    words = fold(label).split()
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    return entity_iri("place", " ".join(words) or label), label, False


def is_country(lexicon: Lexicon, name: str) -> bool:
    """Whether a name is one of the lexicon's countries."""
    return country(lexicon, name)[2]
