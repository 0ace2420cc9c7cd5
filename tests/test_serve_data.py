"""/download, /download/<name>, /context.jsonld and /.well-known/void over a project store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctipgraph.export import dump_names, jsonld_context
from ctipgraph.serve.app import create_app
from ctipgraph.store import INFERRED_GRAPH, GraphStore

FIXTURE = Path(__file__).parent / "fixtures" / "mini.ttl"
VOID = "http://rdfs.org/ns/void#"
A_FUNDER = ("<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<https://w3id.org/ctipgraph/ontology#Funder>")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve-data")
    (root / "ttl").mkdir()
    shutil.copy(FIXTURE, root / "ttl" / "mini.ttl")
    store = GraphStore.open_project(root / "ttl", root / "store")
    app = create_app(store, {"QUERY_WORKERS": 0, "DUMP_DIR": root / "dumps"})
    return app


@pytest.fixture()
def client(app):
    return app.test_client()


def test_download_page_lists_every_dump(client):
    response = client.get("/download")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.data.decode()
    for name, _fmt, _inf in dump_names():
        assert f'href="http://localhost/download/{name}"' in html
    assert "context.jsonld" in html and ".well-known/void" in html


def test_download_list_as_json(client):
    data = client.get("/download", headers={"Accept": "application/json"}).get_json()
    assert {d["name"] for d in data["dumps"]} == {n for n, _f, _i in dump_names()}
    assert len(dump_names()) == 10


@pytest.mark.parametrize(("name", "fmt", "inferences"), dump_names())
def test_download(client, app, name, fmt, inferences):
    response = client.get(f"/download/{name}")
    assert response.status_code == 200, response.data
    assert name in response.headers["Content-Disposition"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = response.get_data()
    if fmt == "jsonld":
        document = json.loads(data)
        assert document["@context"] == jsonld_context()["@context"]  # embedded: stands alone
        rdf = ox.RdfFormat.JSON_LD
    else:
        rdf = ox.RdfFormat.from_extension(fmt)
        assert response.mimetype == rdf.media_type
    quads = ox.serialize(ox.parse(data, format=rdf), format=ox.RdfFormat.N_QUADS).decode()
    assert (A_FUNDER in quads) == inferences
    if fmt in ("trig", "nq", "jsonld"):
        graphs = {q.graph_name for q in ox.parse(quads.encode(), format=ox.RdfFormat.N_QUADS)}
        assert ox.NamedNode("https://w3id.org/ctipgraph/id/doc/mini") in graphs
        assert (INFERRED_GRAPH in graphs) == inferences


def test_downloads_are_cached_and_conditional(client, app):
    first = client.get("/download/ctipgraph.nq")
    assert first.status_code == 200
    etag = first.headers.get("ETag")
    assert etag
    again = client.get("/download/ctipgraph.nq", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert (Path(app.config["DUMP_DIR"]) / "ctipgraph.nq").is_file()


def test_unknown_download_is_404(client):
    assert client.get("/download/secrets.txt").status_code == 404
    assert client.get("/download/..%2Fstore").status_code == 404


def test_context(client):
    response = client.get("/context.jsonld")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    context = response.get_json()["@context"]
    assert context["ctip"] == "https://w3id.org/ctipgraph/ontology#"
    assert context["id"] == "https://w3id.org/ctipgraph/id/"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def void_store(client, accept: str = "text/turtle") -> ox.Store:
    response = client.get("/.well-known/void", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    store = ox.Store()
    store.load(response.data, format=ox.RdfFormat.from_media_type(accept))
    return store


def value(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(f"PREFIX void: <{VOID}> " + query)))[0].value)


def test_void_counts(client, app):
    store = void_store(client)
    graph_store = app.extensions["ctipgraph.store"]
    distinct = {q.triple for q in graph_store.store if isinstance(q.graph_name, ox.NamedNode)}
    assert len(distinct) < len(graph_store)  # the graphs share triples; the dataset has each once
    assert value(store, "SELECT ?n { ?d void:triples ?n ; void:sparqlEndpoint ?e }") == \
        len(distinct)
    per_graph = {row["g"].value: int(row["n"].value) for row in store.query(
        f"""PREFIX void: <{VOID}> PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
            SELECT ?g ?n {{ ?d void:subset ?s . ?s sd:name ?g ; void:triples ?n }}""")}
    assert set(per_graph) == set(graph_store.graphs())
    assert sum(per_graph.values()) == len(graph_store)
    funders = value(store, "SELECT ?n { ?d void:classPartition [ void:class "
                           "<https://w3id.org/ctipgraph/ontology#Funder> ; void:entities ?n ] }")
    expected = len(list(graph_store.query(
        "SELECT DISTINCT ?f { ?f a <https://w3id.org/ctipgraph/ontology#Funder> }")))
    assert funders == expected > 0
    labels = value(store, "SELECT ?n { ?d void:propertyPartition [ void:property "
                          "<http://www.w3.org/2000/01/rdf-schema#label> ; void:triples ?n ] }")
    assert labels > 10


def test_void_dumps_and_endpoint(client):
    store = void_store(client)
    dumps = {row["u"].value for row in store.query(
        f"SELECT ?u {{ ?d <{VOID}dataDump> ?u }}")}
    assert dumps == {f"http://localhost/download/{n}" for n, _f, _i in dump_names()}
    assert store.query(f"ASK {{ ?d <{VOID}sparqlEndpoint> <http://localhost/sparql> }}")


def test_void_as_jsonld(client):
    store = void_store(client, "application/ld+json")
    assert len(store) > 20


_SCRATCH_SERVER = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from conftest import make_app, make_store
app = make_app(make_store())
dumps = app.extensions["ctipgraph.dumps"].directory
print(dumps, app.config["PAGE_CACHE_DIR"], dumps.exists(), flush=True)
if {dump!r}:
    assert app.test_client().get("/download/ctipgraph.nt").status_code == 200
    print(dumps.exists(), flush=True)
if {kill!r}:
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize(("dump", "kill"), [(False, True), (True, False)])
def test_a_store_without_a_folder_leaves_no_scratch_folder(dump, kill):
    """A server over a store with no folder (`serve --data`) names its dump and page folders
    without creating them: one killed before writing any leaves nothing in the temporary
    directory; one that wrote a dump removes it at exit."""
    import subprocess
    import sys

    script = _SCRATCH_SERVER.format(tests=str(Path(__file__).parent), dump=dump, kill=kill)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    lines = run.stdout.split("\n")
    dumps, pages, existed = lines[0].split(" ")
    assert existed == "False", run.stderr[-2000:]
    assert run.returncode == (-9 if kill else 0), run.stderr[-2000:]
    if dump:
        assert lines[1] == "True"  # written by the first dump
    assert not Path(dumps).exists() and not Path(pages).exists()
    assert Path(dumps).parent == Path(pages).parent  # the temporary directory
