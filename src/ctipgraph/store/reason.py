"""OWL RL reasoning (owlrl): the inferences a graph entails, kept apart from what it asserts."""

from __future__ import annotations

from dataclasses import dataclass, field

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

_ERROR_NS = "http://www.daml.org/2002/03/agents/agent-ont#"

# Triples every OWL RL closure adds about everything; they tell a reader nothing.
_TRIVIAL_OBJECTS = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


@dataclass
class Closure:
    """The result of reasoning: the new triples, members of owl:Nothing, reasoner errors."""

    inferred: Graph
    unsatisfiable: list[URIRef] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.unsatisfiable and not self.errors


def _informative(triple: tuple, asserted: Graph) -> bool:
    s, p, o = triple
    if isinstance(s, (BNode, Literal)) or isinstance(o, BNode):
        return False
    if triple in asserted:
        return False
    if p == OWL.sameAs and s == o:
        return False
    if p in (RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty):
        return s != o and o not in _TRIVIAL_OBJECTS
    return not (p == RDF.type and o in _TRIVIAL_OBJECTS)


def infer(data: Graph, ontology: Graph) -> Closure:
    """Compute the OWL RL closure of data + ontology and return only the informative new triples."""
    work = Graph()
    for triple in ontology:
        work.add(triple)
    for triple in data:
        work.add(triple)
    asserted = Graph()
    for triple in work:
        asserted.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(work)

    errors = [
        str(message)
        for node in work.subjects(RDF.type, URIRef(_ERROR_NS + "ErrorMessage"))
        for message in work.objects(node, URIRef(_ERROR_NS + "error"))
    ]
    unsatisfiable = sorted(
        s for s in work.subjects(RDF.type, OWL.Nothing) if isinstance(s, URIRef)
    )
    inferred = Graph()
    for triple in work:
        if _informative(triple, asserted) and not str(triple[1]).startswith(_ERROR_NS):
            inferred.add(triple)
    return Closure(inferred=inferred, unsatisfiable=unsatisfiable, errors=sorted(errors))
