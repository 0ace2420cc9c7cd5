"""Competency queries whose variable scope matters, on hand-made data: query 15 leaves out the
program's own funders and implementers, not every organization that funds some program."""

from __future__ import annotations

import pyoxigraph as ox

from ctipgraph.paths import QUERIES_DIR
from ctipgraph.store import GraphStore

DATA = """
@prefix ctip: <https://w3id.org/ctipgraph/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://w3id.org/ctipgraph/id/> .

ex:y a ctip:Program ; rdfs:label "Program Y" ; ctip:mentionedIn ex:p ; ctip:fundedBy ex:donor .
ex:x a ctip:Program ; rdfs:label "Program X" .
ex:p oa:hasSelector ex:s .
ex:s oa:exact "Program Y, funded by Donor, was evaluated by Acme in 2019." .
ex:acme a ctip:Organization ; rdfs:label "Acme" ; ctip:mentionedIn ex:p ; ctip:funds ex:x .
ex:donor a ctip:Organization ; rdfs:label "Donor" ; ctip:mentionedIn ex:p .
"""


def test_an_evaluator_that_funds_another_program_is_still_an_evaluator() -> None:
    db = ox.Store()
    db.load(DATA.encode(), format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode("https://w3id.org/ctipgraph/id/doc/d"))
    store = GraphStore(db)
    query = (QUERIES_DIR / "15-program-evaluations.rq").read_text(encoding="utf-8")
    rows = [(r["programLabel"].value, r["evaluators"].value) for r in store.query(query)]
    assert rows == [("Program Y", "Acme")]  # Donor funds Y: not its evaluator
