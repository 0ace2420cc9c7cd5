"""The OWL 2 RL rules ctipgraph's ontology relies on, as SPARQL CONSTRUCT queries run inside
Oxigraph to a fixpoint (owlrl does the same in pure Python and is far too slow on the whole graph).

Rules (names from the OWL 2 RL profile, tables 4–9):

- schema: scm-sco, scm-eqc1/2, scm-spo, scm-eqp1/2, scm-dom1/2, scm-rng1/2;
- instances: cax-sco, cax-eqc1/2, prp-spo1, prp-eqp1/2, prp-inv1/2, prp-symp, prp-trp, prp-dom,
  prp-rng, and cls-svf1/2 + cax-eqc through an `owl:someValuesFrom` restriction (how `ctip:Funder`
  is defined: anything that `ctip:funds` something).

Like `ctipgraph.store.reason.infer`, only informative triples are kept: no blank nodes or literals
as
subjects, no blank-node objects, nothing already asserted, no `x a owl:Thing` and no reflexive or
`owl:Thing` sub-class axioms. `tests/test_rules.py` checks that the result equals owlrl's on the
test fixture.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pyoxigraph as ox

RULE_PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""

# Each rule: a WHERE body binding ?s ?p ?o (constants through BIND).
SCHEMA_RULES: dict[str, str] = {
    "scm-sco": "?s rdfs:subClassOf ?m . ?m rdfs:subClassOf ?o . BIND(rdfs:subClassOf AS ?p)",
    "scm-eqc1": """{ ?s owl:equivalentClass ?o } UNION { ?o owl:equivalentClass ?s }
                   BIND(rdfs:subClassOf AS ?p)""",
    "scm-eqc2": """?s rdfs:subClassOf ?o . ?o rdfs:subClassOf ?s .
                   BIND(owl:equivalentClass AS ?p)""",
    "scm-spo": """?s rdfs:subPropertyOf ?m . ?m rdfs:subPropertyOf ?o .
                  BIND(rdfs:subPropertyOf AS ?p)""",
    "scm-eqp1": """{ ?s owl:equivalentProperty ?o } UNION { ?o owl:equivalentProperty ?s }
                   BIND(rdfs:subPropertyOf AS ?p)""",
    "scm-eqp2": """?s rdfs:subPropertyOf ?o . ?o rdfs:subPropertyOf ?s .
                   BIND(owl:equivalentProperty AS ?p)""",
    "scm-dom1": "?s rdfs:domain ?c . ?c rdfs:subClassOf ?o . BIND(rdfs:domain AS ?p)",
    "scm-dom2": "?s rdfs:subPropertyOf ?q . ?q rdfs:domain ?o . BIND(rdfs:domain AS ?p)",
    "scm-rng1": "?s rdfs:range ?c . ?c rdfs:subClassOf ?o . BIND(rdfs:range AS ?p)",
    "scm-rng2": "?s rdfs:subPropertyOf ?q . ?q rdfs:range ?o . BIND(rdfs:range AS ?p)",
}

INSTANCE_RULES: dict[str, str] = {
    "cax-sco": "?s a ?c . ?c rdfs:subClassOf ?o . BIND(rdf:type AS ?p)",
    "cax-eqc": """?s a ?c . { ?c owl:equivalentClass ?o } UNION { ?o owl:equivalentClass ?c }
                  BIND(rdf:type AS ?p)""",
    "prp-spo1": "?q rdfs:subPropertyOf ?p . ?s ?q ?o .",
    "prp-eqp": """{ ?q owl:equivalentProperty ?p } UNION { ?p owl:equivalentProperty ?q }
                  ?s ?q ?o .""",
    "prp-inv1": "?p owl:inverseOf ?q . ?o ?q ?s .",
    "prp-inv2": "?q owl:inverseOf ?p . ?o ?q ?s .",
    "prp-symp": "?p a owl:SymmetricProperty . ?o ?p ?s .",
    "prp-trp": "?p a owl:TransitiveProperty . ?s ?p ?m . ?m ?p ?o .",
    "prp-dom": "?q rdfs:domain ?o . ?s ?q ?any . BIND(rdf:type AS ?p)",
    "prp-rng": "?q rdfs:range ?o . ?any ?q ?s . BIND(rdf:type AS ?p)",
    # cls-svf1/2 then cax-eqc (or cax-sco) with the restriction: x p y (y a v) ⟹ x a c
    "cls-svf": """?r owl:someValuesFrom ?v ; owl:onProperty ?q .
                  { ?o owl:equivalentClass ?r } UNION { ?r owl:equivalentClass ?o }
                  UNION { ?r rdfs:subClassOf ?o }
                  ?s ?q ?y .
                  FILTER(?v = owl:Thing || EXISTS { ?y a ?v })
                  BIND(rdf:type AS ?p)""",
}

INFORMATIVE = """
  FILTER(isIRI(?s) && isIRI(?p) && !isBlank(?o))
  FILTER(?p != rdf:type || ?o NOT IN (owl:Thing, rdfs:Resource, owl:NamedIndividual))
  FILTER(?p NOT IN (rdfs:subClassOf, owl:equivalentClass, rdfs:subPropertyOf,
                    owl:equivalentProperty) || (?s != ?o && ?o NOT IN (owl:Thing, rdfs:Resource)))
  FILTER NOT EXISTS { ?s ?p ?o }
"""


def _construct(body: str) -> str:
    return f"{RULE_PREFIXES}CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {body}\n{INFORMATIVE} }}"


def _round(store: ox.Store, rules: dict[str, str], target: ox.NamedNode, merged: bool) -> int:
    """Apply every rule once (each sees the previous ones' results); return the lines added."""
    added = 0
    for body in rules.values():
        options = {} if merged else {"use_default_graph_as_union": True}
        data = store.query(_construct(body), **options).serialize(format=ox.RdfFormat.N_TRIPLES)
        if data:
            store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
            if merged:  # the merge holds every triple of every graph, these too
                store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
            added += data.count(b"\n")
    return added


def materialize(store: ox.Store, target: ox.NamedNode,
                progress: Callable[[str], None] | None = None, *, merged: bool = False) -> int:
    """Add the closure of the rules over all graphs of `store` into graph `target`.

    With `merged`, the store's default graph is the RDF merge of its named graphs
    (store.merge_into_default) and the rules read it (each triple once: much faster where many
    graphs repeat the same triples); the inferred triples are added to it as well. Otherwise
    the rules read the union of the graphs. Returns the number of triples in `target`
    afterwards. The store must be writable.
    """
    started = time.perf_counter()
    rounds = 0
    for rules in (SCHEMA_RULES, {**SCHEMA_RULES, **INSTANCE_RULES}):
        while _round(store, rules, target, merged):
            rounds += 1
    count = int(next(iter(store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {target} {{ ?s ?p ?o }} }}")))["n"].value)
    if progress:
        progress(f"inferred {count} triple(s) in {rounds} round(s), "
                 f"{time.perf_counter() - started:.1f} s")
    return count


def sorted_turtle(store: ox.Store, graph: ox.NamedNode, prefixes: dict[str, str]) -> bytes:
    """Graph `graph` as Turtle in a deterministic order (sorted N-Triples lines)."""
    lines = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).splitlines()
    lines = sorted(set(lines))
    data = b"\n".join(lines) + (b"\n" if lines else b"")
    return ox.serialize(ox.parse(data, format=ox.RdfFormat.N_TRIPLES),
                        format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
