"""The default graph is an RDF merge: a fact stated by several documents is counted once, while
GRAPH ?g still tells which document states it. Counted by hand on a two-document fixture."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from conftest import make_app
from ctipgraph.paths import ONTOLOGY
from ctipgraph.store import GraphStore, merge_into_default

P = """@prefix ctip: <https://w3id.org/ctipgraph/ontology#> .
@prefix program: <https://w3id.org/ctipgraph/id/program/> .
@prefix org: <https://w3id.org/ctipgraph/id/org/> .
@prefix funding: <https://w3id.org/ctipgraph/id/funding/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
# Both reports state program/a, its label, the NGO and the funding of 13,000,000 USD; only the
# second names program/b and the ministry.
DOC_A = P + """
program:a a ctip:Program ; rdfs:label "Program A" .
org:ngo a ctip:NonGovernmentalOrganization ; rdfs:label "An NGO" .
funding:a a ctip:Funding ; ctip:amount "13000000"^^xsd:decimal ; ctip:fundedItem program:a .
"""
DOC_B = DOC_A + """
program:b a ctip:Program ; rdfs:label "Program B" .
org:ministry a ctip:GovernmentBody ; rdfs:label "A Ministry" .
"""
DOCS = "https://w3id.org/ctipgraph/id/doc/"
CTIP = "https://w3id.org/ctipgraph/ontology#"


@pytest.fixture(scope="module")
def store() -> GraphStore:
    db = ox.Store()
    db.load(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode("https://w3id.org/ctipgraph/graph/ontology"))
    for name, text in (("a", DOC_A), ("b", DOC_B)):
        db.load(text.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(DOCS + name))
    return GraphStore(db)  # a project store: the default graph is the merge


def one(store: GraphStore, query: str) -> str:
    return next(iter(store.query(f"PREFIX ctip: <{CTIP}> " + query)))[0].value


def test_counts_and_sums_count_a_fact_once(store) -> None:
    assert one(store, "SELECT (COUNT(*) AS ?n) { ?s a ctip:Program }") == "2"
    assert one(store, "SELECT (SUM(?v) AS ?n) { ?f ctip:amount ?v }") == "13000000"
    assert one(store, "SELECT (COUNT(*) AS ?n) { <https://w3id.org/ctipgraph/id/program/a> "
                      "<http://www.w3.org/2000/01/rdf-schema#label> ?l }") == "1"


def test_graph_still_says_which_document_states_what(store) -> None:
    program = "<https://w3id.org/ctipgraph/id/program/a>"
    docs = {r[0].value for r in store.query(
        f"SELECT ?g {{ GRAPH ?g {{ {program} a <{CTIP}Program> }} }}")}
    assert docs == {DOCS + "a", DOCS + "b"}
    assert one(store, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s a ctip:Program } }") == "3"


def test_the_merge_is_made_once_and_kept(store) -> None:
    db = store.store
    merged = {q.triple for q in db.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert merged == {q.triple for q in db if isinstance(q.graph_name, ox.NamedNode)}
    assert merge_into_default(db) == len(merged)  # adding it again changes nothing
    assert len(store) == sum(1 for q in db if isinstance(q.graph_name, ox.NamedNode))


def test_the_home_page_counts_each_resource_once(store) -> None:
    client = make_app(store).test_client()
    data = json.loads(client.get("/", headers={"Accept": "application/json"}).data)
    totals = {c["class"].removeprefix(CTIP): c["instances"] for c in data["classes"]}
    # program/a and program/b; the NGO and the ministry are the two organizations and actors
    assert totals["Program"] == 2
    assert totals["Organization"] == 2 and totals["Actor"] == 2
    assert totals["GovernmentBody"] == 1 and totals["Funding"] == 1
