"""A resource's page is the same whether the store keeps each document in its own graph (a
project store: pages then read documents and mentions from the graphs, GraphStore
graphs_are_documents) or holds every triple in one default graph (pages then join on
ctip:inDocument): checked on hubs of three corpus documents, with short lists so that every list
is long and paginated, and with the values of a resource read in one query or per property."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from conftest import make_app
from ctipgraph.paths import ONTOLOGY, TTL_DIR
from ctipgraph.store import ONTOLOGY_GRAPH, GraphStore, document_graph, load_file

DOCS = ("tip-report-2002-mali", "tip-report-2015-mali", "usaid-ctip-research-2021-mali")
ID = "https://w3id.org/ctipgraph/id/"


def _store(in_graphs: bool) -> GraphStore:
    db = ox.Store()
    load_file(db, ONTOLOGY, format=ox.RdfFormat.TURTLE,
              to_graph=ONTOLOGY_GRAPH if in_graphs else ox.DefaultGraph())
    for doc in DOCS:
        graph = document_graph(doc)
        load_file(db, TTL_DIR / f"{doc}.ttl", format=ox.RdfFormat.TURTLE,
                  to_graph=graph if in_graphs else ox.DefaultGraph(), base_iri=graph.value + "/")
    return GraphStore(db, union_default=in_graphs)


@pytest.fixture(scope="module")
def clients():
    graphs, merged = _store(True), _store(False)
    assert graphs.graphs_are_documents and not merged.graphs_are_documents
    return make_app(graphs).test_client(), make_app(merged).test_client(), merged


def _hubs(store: GraphStore, n: int = 6) -> list[str]:
    """The paths of the `n` resources most referred to (as bench/bench_scale.py picks hubs)."""
    rows = store.query(f"""SELECT ?o (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(isIRI(?o)
        && STRSTARTS(STR(?o), "{ID}") && !STRSTARTS(STR(?o), "{ID}concept/")
        && !CONTAINS(STR(?o), "#")) }} GROUP BY ?o ORDER BY DESC(?n) STR(?o) LIMIT {n}""")
    return ["/id/" + row["o"].value[len(ID):] for row in rows]


def _pages(client, paths: list[str]) -> dict[str, str]:
    """The HTML of each page (each must answer 200)."""
    out = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        out[path] = response.get_data(as_text=True)
    return out


@pytest.mark.parametrize(("in_graphs", "inline_max", "many_claims", "timeline_limit",
                          "split_min"), [
    (True, 20_000, 200, 12, 1_000),  # as served
    # a hub's values counted, then read property by property; the documents stating its claims
    # read apart, their claims for the documents of the timeline only
    (True, 20_000, 200, 12, 5),
    (True, 20_000, 200, 2, 5),
    (True, 20_000, 200, 20, 5),  # a document's facts of several properties shown: the timeline
    # reads the facts of the properties of its first ones only (by label), and counts the rest
    # a timeline's facts chosen from the claims, then the quotes of those shown read (a fact
    # of Mali's has three quotes in one document: the least is shown)
    (True, 20_000, 200, 2, 1_000),
    (True, 5, 200, 12, 1_000),  # values read per property; the timeline scans the claims itself
    (True, 5, 200, 12, 5),
    (True, 20_000, 0, 12, 1_000),  # the facts of short lists looked up from their values when
    (False, 20_000, 0, 12, 1_000),  # fewer
])
def test_a_page_is_the_same_whatever_path_reads_it(clients, monkeypatch, in_graphs,
                                                   inline_max, many_claims, timeline_limit,
                                                   split_min):
    from ctipgraph.serve import describe

    for name, value in (("IN_LIMIT", 3), ("OUT_LIMIT", 3), ("MENTION_LIMIT", 2),
                        ("LONG_PAGE", 2), ("TIMELINE_DOCUMENTS", 2),
                        ("TIMELINE_LIMIT", timeline_limit)):
        monkeypatch.setattr(describe, name, value)
    graphs, merged, store = clients
    paths = [hub + query for hub in _hubs(store) for query in ("", "?page=2", "?all=1")]
    assert "/id/place/mali" in paths
    expected = _pages(merged, paths)  # one default graph, the values in one query
    mali = expected["/id/place/mali"]
    # the lists are cut (the paginated paths are compared) and there is a timeline
    assert 'rel="next"' in mali and 'id="timeline"' in mali and 'id="mentions"' in mali
    monkeypatch.setattr(describe, "INLINE_MAX", inline_max)
    monkeypatch.setattr(describe, "SPLIT_MIN", split_min)
    monkeypatch.setattr(describe, "MANY_CLAIMS", many_claims)
    got = _pages(graphs if in_graphs else merged, paths)
    assert [p for p in paths if got[p] != expected[p]] == []


def test_a_page_is_the_same_after_the_warm_up(clients):
    """`describe.warm` (what `serve` runs at start-up) reads every document's year and every
    property claims state at once; pages then ask no ASK per property and are the same."""
    from ctipgraph.serve import describe

    graphs, merged, store = clients
    paths = [hub + query for hub in _hubs(store) for query in ("", "?page=2")]
    expected = _pages(graphs, paths)
    app = make_app(graphs.application.extensions["ctipgraph.store"])
    describe.warm(app)
    claimed = app.extensions[describe.CLAIMED_CACHE]
    asked = {p: bool(store.query(f"ASK {{ ?c <{describe.RDF}predicate> <{p}> }}"))
             for p in claimed if p}
    assert asked and all(asked.values())  # each one read is stated by a claim
    listed = ", ".join(f"<{p}>" for p in asked)
    assert not store.query(  # and no claim states another
        f"ASK {{ ?c <{describe.RDF}predicate> ?p FILTER(?p NOT IN ({listed})) }}")
    got = _pages(app.test_client(), paths)
    assert [p for p in paths if got[p] != expected[p]] == []
