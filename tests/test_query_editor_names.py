"""The slash problem (issue 12): `id:program/glo-act` is not SPARQL. A query that writes such
a name gets, beside the parser's message, the full IRI and the escaped form to write instead —
both of which run."""

from __future__ import annotations

import pytest

from conftest import make_app, make_store
from ctipgraph.serve.sparql import slash_hint


@pytest.fixture(scope="module")
def client():
    return make_app(make_store()).test_client()


def test_slashed_name_gets_a_hint_that_works(client):
    response = client.get("/sparql", query_string={
        "query": "SELECT ?p WHERE { id:program/glo-act ?p ?o }"})
    assert response.status_code == 400
    message = response.data.decode()
    assert "id:program/glo-act is not a SPARQL name" in message
    assert "<https://w3id.org/ctipgraph/id/program/glo-act>" in message
    for name in ("<https://w3id.org/ctipgraph/id/program/glo-act>", r"id:program\/glo-act"):
        ok = client.get("/sparql", query_string={"query": f"ASK {{ {name} ?p ?o }}"},
                        headers={"Accept": "application/sparql-results+json"})
        assert ok.status_code == 200 and ok.get_json()["boolean"] is True, name


@pytest.mark.parametrize("query", [
    "SELECT * { ?s ctip:funds/rdfs:label ?o }",  # a property path
    "SELECT * { ?s ?p <https://w3id.org/ctipgraph/id/org/x> }",
    'SELECT * { ?s ?p "id:org/x" } # id:org/y',
    "SELECT (?a/?b AS ?c) { ?s ?p ?o }",
])
def test_no_hint_where_nothing_is_wrong(query):
    assert slash_hint(query) is None
