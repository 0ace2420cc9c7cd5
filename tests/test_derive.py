"""The facts derived at store build (ctipgraph.store.derive) that query 08 lists as they are:
each corroborated fact's ctip:documentList is its ctip:statedIn documents, sorted and
" | "-joined, whatever order the store received the claims in, and derive gives it again."""

from __future__ import annotations

import pyoxigraph as ox

from conftest import FIXTURES, MINI
from ctipgraph.paths import ONTOLOGY
from ctipgraph.store import DERIVED_GRAPH
from ctipgraph.store.derive import derive

CTIP = "https://w3id.org/ctipgraph/ontology#"
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
