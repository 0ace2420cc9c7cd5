"""The ctipgraph ontology: loading it and listing the terms it declares."""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .namespaces import CTIP, bind_prefixes
from .paths import ONTOLOGY

TERM_TYPES = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
)


@lru_cache(maxsize=1)
def _cached_ontology() -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    graph.parse(ONTOLOGY, format="turtle")
    return graph


def load_ontology() -> Graph:
    """A fresh copy of the ontology graph (callers may add to it)."""
    copy = Graph()
    bind_prefixes(copy)
    for triple in _cached_ontology():
        copy.add(triple)
    return copy


def declared_terms(graph: Graph | None = None) -> set[URIRef]:
    """Every ctip: term the ontology declares as a class or property."""
    graph = graph if graph is not None else _cached_ontology()
    terms: set[URIRef] = set()
    for term_type in TERM_TYPES:
        for subject in graph.subjects(RDF.type, term_type):
            if isinstance(subject, URIRef) and str(subject).startswith(str(CTIP)):
                terms.add(subject)
    return terms


def label_of(term: URIRef, graph: Graph | None = None) -> str | None:
    """The English rdfs:label of a term, if any."""
    graph = graph if graph is not None else _cached_ontology()
    for label in graph.objects(term, RDFS.label):
        return str(label)
    return None
