"""The OWL RL rules run inside Oxigraph (ctipgraph.store.rules) agree with owlrl, and the project
store
keeps their result in its own graph and in a deterministic inferred.ttl."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from ctipgraph.namespaces import CTIP
from ctipgraph.ontology import load_ontology
from ctipgraph.paths import ONTOLOGY
from ctipgraph.store import (
    DATASET_FILE,
    INFERRED_FILE,
    INFERRED_GRAPH,
    GraphStore,
    merge_into_default,
    rules,
)
from ctipgraph.store.reason import infer
from ctipgraph.store.rules import materialize, sorted_turtle, write_sorted_turtle

FIXTURE = Path(__file__).parent / "fixtures" / "mini.ttl"
AXIOMATIC = ("http://www.w3.org/2001/XMLSchema#", "http://www.w3.org/2000/01/rdf-schema#",
             "http://www.w3.org/2002/07/owl#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#")
THING = "<http://www.w3.org/2002/07/owl#Thing>"


def _lines(data: bytes) -> set[str]:
    return set(data.decode().splitlines())


def test_rules_agree_with_owlrl_on_the_fixture():
    store = ox.Store()
    store.load(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("urn:x:ontology"))
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:x:data"))
    materialize(store, INFERRED_GRAPH)
    ours = _lines(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=INFERRED_GRAPH))

    closure = infer(Graph().parse(FIXTURE), load_ontology())
    nt = closure.inferred.serialize(format="nt", encoding="utf-8")
    # the same canonical N-Triples as Oxigraph writes
    theirs = _lines(ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES),
                                 format=ox.RdfFormat.N_TRIPLES))
    # owlrl also states axioms about RDF/OWL/XSD terms themselves and that every property has
    # domain and range owl:Thing (scm-dom/scm-rng with owl:Thing): nothing a reader learns from
    theirs = {t for t in theirs
              if not t[1:].startswith(AXIOMATIC) and not t.endswith(f"{THING} .")}
    ours_informative = {t for t in ours if not t.endswith(f"{THING} .")}
    assert ours_informative == theirs
    assert any(f"<{CTIP.Funder}>" in t for t in ours)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    (root / "ttl").mkdir()
    shutil.copy(FIXTURE, root / "ttl" / "mini.ttl")
    return root


def test_project_store_has_inferences_in_their_graph(project):
    store = GraphStore.open_project(project / "ttl", project / "store")
    assert INFERRED_GRAPH.value in store.graphs()
    funders = {row["f"].value for row in store.query(
        f"SELECT ?f WHERE {{ GRAPH <{INFERRED_GRAPH.value}> {{ ?f a <{CTIP.Funder}> }} }}")}
    assert "https://w3id.org/ctipgraph/id/org/usdol" in funders


def test_on_disk_store_is_read_only_and_equal_to_the_in_memory_one(project):
    memory = GraphStore.open_project(project / "ttl", project / "store")
    disk = GraphStore.open_project(project / "ttl", project / "store", in_memory=False)
    assert disk.on_disk and not memory.on_disk
    assert len(disk) == len(memory)

    def named(store: GraphStore) -> set[str]:  # blank nodes are relabelled at each load
        return {str(q) for q in store.store if "_:" not in str(q)}

    assert named(disk) == named(memory)
    with pytest.raises((OSError, RuntimeError)):
        disk.store.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"),
                               ox.NamedNode("http://c")))


def test_query_workers_over_the_on_disk_store(project):
    from ctipgraph.serve.app import create_app

    disk = GraphStore.open_project(project / "ttl", project / "store", in_memory=False)
    app = create_app(disk, {"QUERY_WORKERS": 1})
    try:
        response = app.test_client().get("/sparql", query_string={
            "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "format": "csv"})
        distinct = {(q.subject, q.predicate, q.object) for q in disk.store
                    if not isinstance(q.graph_name, ox.DefaultGraph)}
        assert len(distinct) < len(disk)  # documents share triples: the merge has each once
        assert response.data.decode().split()[1] == str(len(distinct))
    finally:
        app.extensions["ctipgraph.pool"].close()


def test_inferred_ttl_and_dataset_are_deterministic(project, tmp_path):
    GraphStore.open_project(project / "ttl", project / "store")
    first = (project / "store" / INFERRED_FILE).read_bytes()
    GraphStore.open_project(project / "ttl", tmp_path / "store2")
    second = (tmp_path / "store2" / INFERRED_FILE).read_bytes()
    assert first == second
    # the whole dataset too, the ontology's blank nodes (an OWL restriction) included
    dataset = [(folder / DATASET_FILE).read_bytes() for folder in (project / "store",
                                                                     tmp_path / "store2")]
    assert dataset[0] == dataset[1]
    restriction = [line for line in dataset[0].decode().splitlines()
                   if "owl#equivalentClass> _:" in line]
    assert restriction
    assert b"@prefix ctip:" in first
    lines = list(ox.parse(first, format=ox.RdfFormat.TURTLE))
    assert len(lines) > 500


@pytest.mark.parametrize("run_bytes", [1, 2_000, 1 << 30])
def test_sorted_turtle_written_in_runs_is_the_same(project, tmp_path, monkeypatch, run_bytes):
    """inferred.ttl written in bounded memory (the graph's lines sorted in runs, then merged)
    has the bytes of the graph sorted whole in memory, whatever the runs' size, and leaves no
    work file; an empty graph too."""
    from ctipgraph.namespaces import PREFIXES

    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    store = GraphStore.open_project(project / "ttl", project / "store").store
    monkeypatch.setattr(rules, "SORT_RUN_BYTES", run_bytes)
    for graph, least in ((INFERRED_GRAPH, 500), (ox.NamedNode("https://example.org/none"), 0)):
        expected = sorted_turtle(store, graph, prefixes)
        assert expected.count(b" .\n") >= least
        write_sorted_turtle(store, graph, prefixes, tmp_path / "inferred.ttl")
        assert (tmp_path / "inferred.ttl").read_bytes() == expected
        assert [path.name for path in tmp_path.iterdir()] == ["inferred.ttl"]


def test_store_is_reused_while_inputs_are_unchanged(project):
    GraphStore.open_project(project / "ttl", project / "store")
    stamp = project / "store" / "FINGERPRINT"
    before = stamp.stat().st_mtime_ns
    GraphStore.open_project(project / "ttl", project / "store")
    assert stamp.stat().st_mtime_ns == before


def test_no_inferences(project, tmp_path):
    store = GraphStore.open_project(project / "ttl", tmp_path / "plain", inferences=False)
    assert INFERRED_GRAPH.value not in store.graphs()


RULES_DATA = """
@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:Dog rdfs:subClassOf ex:Animal . ex:Animal rdfs:subClassOf ex:Agent .
ex:rex a ex:Dog .
ex:partOf rdfs:subPropertyOf ex:near .
ex:a ex:partOf ex:b . ex:b ex:partOf ex:c . ex:c ex:partOf ex:d .
ex:kind rdfs:domain owl:TransitiveProperty .
ex:partOf ex:kind ex:anything .
"""


RULE_CASES = {
    # OWL 2 RL cax-eqc, both directions of the axiom
    "cax-eqc": ("ex:Canine owl:equivalentClass ex:Dog . ex:rex a ex:Dog . ex:fido a ex:Canine .",
                {"ex:rex a ex:Canine", "ex:fido a ex:Dog"}),
    # prp-dom and prp-rng, a resource at the same end of several triples (each pair once)
    "prp-dom": ("ex:owns rdfs:domain ex:Owner . ex:ann ex:owns ex:rex , ex:fido . "
                "ex:bob ex:owns ex:rex . ex:rex ex:likes ex:ann .",
                {"ex:ann a ex:Owner", "ex:bob a ex:Owner"}),
    "prp-rng": ("ex:owns rdfs:range ex:Pet . ex:ann ex:owns ex:rex , ex:fido . "
                "ex:bob ex:owns ex:rex . ex:rex ex:likes ex:ann .",
                {"ex:rex a ex:Pet", "ex:fido a ex:Pet"}),
    "cax-sco": ("ex:Dog rdfs:subClassOf ex:Animal . ex:rex a ex:Dog , ex:Pet .",
                {"ex:rex a ex:Animal"}),
}


@pytest.mark.parametrize("name", sorted(RULE_CASES))
def test_each_rule_infers_what_owl_rl_says(name):
    """One instance rule's body alone, over a few triples, infers exactly the triples its OWL 2
    RL rule gives, each once (the closure tests above cannot tell cax-eqc from scm-eqc1 then
    cax-sco, which infer the same)."""
    from ctipgraph.store.rules import INSTANCE_RULES, _construct

    data, expected = RULE_CASES[name]
    prefixes = ("@prefix ex: <http://example.org/> . "
                "@prefix owl: <http://www.w3.org/2002/07/owl#> . "
                "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
    store = ox.Store()
    store.load((prefixes + data).encode(), format=ox.RdfFormat.TURTLE)
    lines = (store.query(_construct(INSTANCE_RULES[name])).serialize(
        format=ox.RdfFormat.N_TRIPLES) or b"").decode().splitlines()
    ex, rdf_type = "http://example.org/", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    want = sorted(" ".join(f"<{rdf_type}>" if word == "a" else f"<{ex}{word[3:]}>"
                           for word in triple.split()) + " ." for triple in expected)
    assert sorted(lines) == want


def _naive_closure(store: ox.Store) -> set[str]:
    """The rules applied over the whole store, every one each round, to a fixpoint."""
    from ctipgraph.store.rules import INSTANCE_RULES, SCHEMA_RULES, _construct

    target = ox.NamedNode("urn:x:naive")
    while True:
        added = 0
        for body in (*SCHEMA_RULES.values(), *INSTANCE_RULES.values()):
            data = store.query(_construct(body), use_default_graph_as_union=True).serialize(
                format=ox.RdfFormat.N_TRIPLES)
            if data:
                store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
                added += 1
        if not added:
            return _lines(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=target))


@pytest.mark.parametrize("merged", [False, True])
def test_semi_naive_rounds_reach_the_naive_fixpoint(merged):
    """materialize's semi-naive rounds (and the rounds over the whole store after an instance
    rule infers a schema triple: here that ex:partOf is transitive, so prp-trp, which had no
    schema to match, fires) give what applying every rule to the whole store gives."""
    def loaded() -> ox.Store:
        store = ox.Store()
        store.load(RULES_DATA.encode(), format=ox.RdfFormat.TURTLE,
                   to_graph=ox.NamedNode("urn:x:data"))
        return store

    store = loaded()
    if merged:
        merge_into_default(store)
    materialize(store, INFERRED_GRAPH, merged=merged)
    ours = _lines(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=INFERRED_GRAPH))
    assert ours == _naive_closure(loaded())
    ex = "http://example.org/"
    for triple in (f"<{ex}a> <{ex}partOf> <{ex}d>", f"<{ex}a> <{ex}near> <{ex}d>",
                   f"<{ex}partOf> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                   "<http://www.w3.org/2002/07/owl#TransitiveProperty>",
                   f"<{ex}rex> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{ex}Agent>"):
        assert f"{triple} ." in ours
    assert not {str(g) for g in store.named_graphs()} - {str(INFERRED_GRAPH), "<urn:x:data>"}


def test_built_project_store_is_closed_under_the_rules(tmp_path):
    """The project's store, derived facts included, is a fixpoint of the rules: no rule body
    (over the whole store) finds an informative triple the store lacks. Derived facts are
    computed after the rules (ctipgraph.store.derive), which never read them, so the ontology
    must give the derived properties no axiom from which the rules would infer more."""
    from ctipgraph.paths import TTL_DIR
    from ctipgraph.store.rules import INFORMATIVE, INSTANCE_RULES, RULE_PREFIXES, SCHEMA_RULES

    store = GraphStore.open_project(TTL_DIR, tmp_path / "store").store
    assert len(store) > 100_000
    missing = {}
    for name, body in {**SCHEMA_RULES, **INSTANCE_RULES}.items():
        query = f"{RULE_PREFIXES}SELECT DISTINCT ?s ?p ?o WHERE {{ {body}\n{INFORMATIVE} }}"
        found = [f"{row['s']} {row['p']} {row['o']}" for row in store.query(query)]
        if found:
            missing[name] = sorted(found)[:5]
    assert not missing
