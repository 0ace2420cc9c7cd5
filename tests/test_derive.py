"""The facts derived at store build (ctipgraph.store.derive) that query 08 lists as they are:
each corroborated fact's ctip:documentList is its ctip:statedIn documents, sorted and
" | "-joined, whatever order the store received the claims in, and derive gives it again."""

from __future__ import annotations

import pyoxigraph as ox

from conftest import FIXTURES, MINI
from ctipgraph.paths import ONTOLOGY
from ctipgraph.store import DERIVED_GRAPH
from ctipgraph.store.derive import FACT_BASE, _rarer_end, derive, derive_some

CTIP = "https://w3id.org/ctipgraph/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF + "type"
LISTS = f"""PREFIX ctip: <{CTIP}>
SELECT ?fact ?list ?count (GROUP_CONCAT(STR(?document); separator="\\n") AS ?documents)
WHERE {{ ?fact ctip:documentList ?list ; ctip:documentCount ?count ; ctip:statedIn ?document }}
GROUP BY ?fact ?list ?count"""


def _store(reverse: bool = False) -> ox.Store:
    """The fixture's triples (mini.ttl, extra.ttl, the ontology) in the default graph, added in
    file order or in the reverse order."""
    quads = [quad for path in (MINI, FIXTURES / "extra.ttl", ONTOLOGY)
             for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    store = ox.Store()
    for quad in reversed(quads) if reverse else quads:
        store.add(quad)
    return store


def _derived(store: ox.Store) -> set[str]:
    return {str(q) for q in store.quads_for_pattern(None, None, None, DERIVED_GRAPH)}


def test_document_list_is_the_sorted_documents_of_each_corroborated_fact() -> None:
    store = _store()
    derive(store)
    rows = list(store.query(LISTS))
    assert len(rows) == sum(1 for _ in store.quads_for_pattern(
        None, ox.NamedNode(CTIP + "documentCount"), None, DERIVED_GRAPH))
    assert len(rows) >= 4  # mini.ttl alone has four corroborated facts (test_evidence)
    for row in rows:
        documents = sorted(row["documents"].value.split("\n"))
        assert row["list"] == ox.Literal(" | ".join(documents)), row["fact"]
        assert int(row["count"].value) == len(documents) >= 2


def test_derived_facts_do_not_depend_on_the_order_of_the_claims() -> None:
    forward, backward = _store(), _store(reverse=True)
    derive(forward)
    derive(backward)
    assert _derived(forward) == _derived(backward)
    assert any(CTIP + "documentList" in quad for quad in _derived(forward))


def test_derive_again_gives_the_same_graph() -> None:
    store = _store()
    derive(store)
    first = _derived(store)
    derive(store)
    assert _derived(store) == first


YEARS = f"""PREFIX ctip: <{CTIP}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?recommendation (GROUP_CONCAT(DISTINCT STR(?year); separator="\\n") AS ?years)
WHERE {{
  ?recommendation a ctip:Recommendation .
  {{ ?recommendation ctip:yearsSuggested ?year }}
  UNION {{ ?claim rdf:subject ?recommendation ; ctip:inDocument/ctip:reportingYear ?year }}
}}
GROUP BY ?recommendation"""
DOCUMENTS = f"""PREFIX ctip: <{CTIP}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?document WHERE {{
  ?claim a ctip:Claim ; rdf:subject ?recommendation ; ctip:inDocument ?document }}"""


def test_recurrence_of_each_recommendation_suggested_in_two_years_or_more() -> None:
    """Query 10's derived figures: the distinct years of a recommendation (suggested, and the
    reporting years of the documents claiming it), counted, first, last and sorted; the
    documents of its claims sorted; nothing for a recommendation of one year."""
    store = _store()
    recommendation = ox.NamedNode("urn:x:recurring")  # a second one, with three years
    claim = ox.NamedNode("urn:x:claim")
    doc = ox.NamedNode("urn:x:doc")
    a = ox.NamedNode(RDF_TYPE)
    for s, p, o in ((recommendation, a, ox.NamedNode(CTIP + "Recommendation")),
                    (recommendation, ox.NamedNode(CTIP + "yearsSuggested"), ox.Literal("2019")),
                    (recommendation, ox.NamedNode(CTIP + "yearsSuggested"), ox.Literal("2012")),
                    (claim, a, ox.NamedNode(CTIP + "Claim")),
                    (claim, ox.NamedNode(RDF + "subject"), recommendation),
                    (claim, ox.NamedNode(CTIP + "inDocument"), doc),
                    (doc, ox.NamedNode(CTIP + "reportingYear"), ox.Literal("2015"))):
        store.add(ox.Quad(s, p, o))
    derive(store)
    derived = {}
    for quad in store.quads_for_pattern(None, None, None, DERIVED_GRAPH):
        if quad.predicate.value.startswith(CTIP + "recurrence"):
            derived.setdefault(quad.subject, {})[quad.predicate.value[len(CTIP):]] = \
                quad.object.value
    expected = {}
    for row in store.query(YEARS):
        years = sorted(row["years"].value.split("\n"))
        if len(years) < 2:
            continue
        documents = sorted(r["document"].value for r in store.query(
            DOCUMENTS.replace("?recommendation", str(row["recommendation"]))))
        expected[row["recommendation"]] = {
            "recurrenceYearCount": str(len(years)), "recurrenceFirstYear": years[0],
            "recurrenceLastYear": years[-1], "recurrenceYears": ", ".join(years),
            **({"recurrenceDocuments": " | ".join(documents)} if documents else {})}
    assert derived == expected
    assert derived[recommendation]["recurrenceYears"] == "2012, 2015, 2019"
    assert len(derived) >= 2  # the fixture's own recurring recommendation too


def test_a_resource_appears_in_the_documents_that_mention_it_or_quote_a_claim_about_it() -> None:
    """ctip:appearsIn, computed here from the triples themselves: the documents of the passages
    that mention an IRI and of the passages that claims about it are quoted from; a claim's
    own ctip:inDocument is not read (a claim quoted from no passage gives nothing)."""
    store = _store()
    claim, passage, doc = (ox.NamedNode(f"urn:x:{n}") for n in ("claim2", "passage2", "doc2"))
    unquoted, resource = ox.NamedNode("urn:x:unquoted"), ox.NamedNode("urn:x:resource")
    for s, p, o in ((claim, RDF + "subject", resource),
                    (claim, "http://www.w3.org/ns/prov#wasQuotedFrom", passage),
                    (passage, CTIP + "inDocument", doc),
                    (unquoted, RDF + "subject", ox.NamedNode("urn:x:nowhere")),
                    (unquoted, CTIP + "inDocument", doc)):
        store.add(ox.Quad(s, ox.NamedNode(p), o))
    derive(store)

    def objects(s: ox.Term, p: str) -> list[ox.Term]:
        return [q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None,
                                                          ox.DefaultGraph())]

    expected: set[tuple[ox.Term, ox.Term]] = set()
    for q in store.quads_for_pattern(None, ox.NamedNode(CTIP + "mentionedIn"), None,
                                     ox.DefaultGraph()):
        expected.update((q.subject, d) for d in objects(q.object, CTIP + "inDocument"))
    for q in store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/ns/prov#wasQuotedFrom"),
                                     None, ox.DefaultGraph()):
        for subject in objects(q.subject, RDF + "subject"):
            expected.update((subject, d) for d in objects(q.object, CTIP + "inDocument"))
    expected = {(s, d) for s, d in expected if isinstance(s, ox.NamedNode)}
    derived = {(q.subject, q.object) for q in store.quads_for_pattern(
        None, ox.NamedNode(CTIP + "appearsIn"), None, DERIVED_GRAPH)}
    assert derived == expected
    assert (resource, doc) in derived
    assert not any(s == ox.NamedNode("urn:x:nowhere") for s, _ in derived)
    assert len({s for s, _ in derived}) > 10  # the fixture's mentioned entities too


def _claims_store() -> tuple[ox.Store, list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode]]]:
    """Claims (and the claimed triples) around a hub subject and a hub object: two triples
    that share both ends and differ in their property, each stated twice and once."""
    store, triples = ox.Store(), []
    hub, thing, other, hub_object = (ox.NamedNode(f"urn:x:{n}") for n in
                                     ("hub", "thing", "other", "hub-object"))
    p1, p2, p3 = (ox.NamedNode(f"urn:x:p{n}") for n in (1, 2, 3))
    stated = [(hub, p1, thing, "d1"), (hub, p1, thing, "d2"), (hub, p2, thing, "d3"),
              (other, p1, hub_object, "d1"), (other, p1, hub_object, "d2"),
              (other, p2, hub_object, "d3"),
              *((hub, p3, ox.NamedNode(f"urn:x:e{i}"), f"d{i}") for i in range(6)),
              *((ox.NamedNode(f"urn:x:f{i}"), p3, hub_object, f"d{i}") for i in range(6))]
    for i, (s, p, o, document) in enumerate(stated):
        claim = ox.NamedNode(f"urn:x:claim{i}")
        for predicate, value in ((RDF_TYPE, ox.NamedNode(CTIP + "Claim")),
                                 (RDF + "subject", s), (RDF + "predicate", p), (RDF + "object", o),
                                 (CTIP + "inDocument", ox.NamedNode(f"urn:x:{document}")),
                                 ("http://purl.org/spar/cito/citesAsEvidence",
                                  ox.NamedNode(f"urn:x:ref-{document}"))):
            store.add(ox.Quad(claim, ox.NamedNode(predicate), value))
        triples.append((s, p, o))
    return store, sorted(set(triples), key=str)


def test_facts_and_several_values_computed_again_for_some_keys() -> None:
    """derive_some of every claimed triple and (subject, property) pair gives what derive
    gives, the claims of each triple read from either end."""
    store, triples = _claims_store()
    derive(store)
    facts = {str(q) for q in store.quads_for_pattern(None, None, None, DERIVED_GRAPH)
             if q.subject.value.startswith(FACT_BASE)}
    kinds = [q.split(" ")[2] for q in facts if f"<{RDF_TYPE}>" in q]
    assert kinds.count(f"<{CTIP}CorroboratedFact>") == 2  # p1 around each hub
    assert kinds.count(f"<{CTIP}SingleReferenceFact>") == len(triples) - 2
    # the claims of the two triples around the hubs are read from the end fewer claims have
    around = [(s, o) for s, p, o in triples if p.value == "urn:x:p1"]
    assert sorted(_rarer_end(store, s, o) for s, o in around) == ["object", "subject"]
    several = {str(q) for q in store.quads_for_pattern(
        None, ox.NamedNode(CTIP + "severalValuesClaimedFor"), None, DERIVED_GRAPH)}
    assert several == {f"<urn:x:hub> <{CTIP}severalValuesClaimedFor> <urn:x:p3> {DERIVED_GRAPH}"}
    store.update(f"CLEAR GRAPH {DERIVED_GRAPH}")
    derive_some(store, [], triples, sorted({(s, p) for s, p, _ in triples}, key=str))
    assert {str(q) for q in store.quads_for_pattern(None, None, None, DERIVED_GRAPH)} == \
        facts | several
