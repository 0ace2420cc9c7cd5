"""ctipgraph.sparqltext: telling queries from updates, and spotting SERVICE, LOAD and FROM."""

from __future__ import annotations

import pytest

from ctipgraph.sparqltext import analyse, has_dataset_clause


@pytest.mark.parametrize(("text", "operation"), [
    ("SELECT * { ?s ?p ?o }", "SELECT"),
    ("prefix ex: <http://x/> base <http://y/> ask { ex:a ?p ?o }", "ASK"),
    ("# comment SELECT\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://x>", "DESCRIBE"),
    ("INSERT DATA { <a> <b> <c> }", "INSERT"),
    ("PREFIX ex: <http://x/> DELETE WHERE { ?s ex:p ?o }", "DELETE"),
    ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
    ("CLEAR ALL", "CLEAR"),
    ("hello world", None),
    ("", None),
])
def test_operation(text, operation):
    assert analyse(text).operation == operation


def test_updates_and_queries():
    assert analyse("DROP GRAPH <g>").is_update
    assert analyse("LOAD <http://x>").is_update
    assert analyse("SELECT * {}").is_query
    assert not analyse("SELECT * {}").is_update


@pytest.mark.parametrize("text", [
    "SELECT * { SERVICE <http://x> { ?s ?p ?o } }",
    "select * { service silent ?endpoint { ?s ?p ?o } }",
    "SELECT * { \\u0053ERVICE <http://x> {} }",
])
def test_service(text):
    assert analyse(text).uses_service


@pytest.mark.parametrize("text", [
    'SELECT ?service { ?service <http://x/SERVICE> "SERVICE" }',
    "SELECT * { ?s ex:service ?o } # SERVICE",
    'SELECT * { ?s ?p """\nSERVICE <x> {}\n""" }',
    "SELECT * { ?s ?p 'it''s' . ?s ?p \"SERVICE\"@en }",
])
def test_not_service(text):
    assert not analyse(text).uses_service


def test_from():
    assert has_dataset_clause("SELECT * FROM <g> { ?s ?p ?o }")
    assert has_dataset_clause("ASK FROM NAMED <g> { GRAPH ?g {} }")
    assert not has_dataset_clause("SELECT * { ?s ex:from ?o FILTER(?o = 'from') }")
    assert not has_dataset_clause("SELECT ?from { ?from ?p ?o }")
