"""Linked data that stands alone (issue 12): every /download dump loads in rdflib with no
network and holds exactly the store's named graphs; the JSON-LD context maps the ontology's
terms; entity JSON-LD is compacted with it; VoID and DCAT describe the dataset, its licence,
publisher, dates, dumps and endpoint, and every page links to them."""

from __future__ import annotations

import json
import shutil
import socket
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from ctipgraph.export import dump_names
from ctipgraph.serve.app import create_app
from ctipgraph.store import INFERRED_GRAPH, GraphStore

FIXTURE = Path(__file__).parent / "fixtures" / "mini.ttl"
ONTOLOGY = "https://w3id.org/ctipgraph/ontology#"
RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "trig": "trig", "nq": "nquads",
                  "jsonld": "json-ld"}
BASE = "https://ctip.example.org/"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("linked-data")
    (root / "ttl").mkdir()
    shutil.copy(FIXTURE, root / "ttl" / "mini.ttl")
    store = GraphStore.open_project(root / "ttl", root / "store")
    return create_app(store, {"QUERY_WORKERS": 0, "DUMP_DIR": root / "dumps",
                              "BASE_URL": BASE})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def offline(monkeypatch):
    """No network: any connection attempt fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def _split(quads: set[tuple]) -> tuple[set[tuple], int]:
    """Quads without blank nodes, and how many have one (labels differ between parsers)."""
    plain = {q for q in quads if not any(isinstance(t, ox.BlankNode) for t in q)}
    return plain, len(quads) - len(plain)


def store_quads(app, inferences: bool, merged: bool) -> set[tuple]:
    store = app.extensions["ctipgraph.store"]
    quads = set()
    for q in store.store:
        if not isinstance(q.graph_name, ox.NamedNode):
            continue  # the default graph is the merge of the named graphs
        if not inferences and q.graph_name == INFERRED_GRAPH:
            continue
        quads.add((q.subject, q.predicate, q.object) + (() if merged else (q.graph_name,)))
    return quads


def rdflib_quads(dataset: rdflib.Dataset, merged: bool) -> set[tuple]:
    """What rdflib read, as pyoxigraph terms (through N-Quads: the same literal forms)."""
    text = dataset.serialize(format="nquads")
    quads = set()
    for q in ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS):
        if merged:
            quads.add((q.subject, q.predicate, q.object))
        else:
            assert isinstance(q.graph_name, ox.NamedNode), q  # nothing outside a named graph
            quads.add((q.subject, q.predicate, q.object, q.graph_name))
    return quads


@pytest.mark.parametrize(("name", "fmt", "inferences"), dump_names())
def test_every_dump_loads_offline_in_rdflib_and_round_trips(client, app, offline, name, fmt,
                                                             inferences):
    response = client.get(f"/download/{name}")
    assert response.status_code == 200
    merged = fmt in ("ttl", "nt")
    dataset = rdflib.Dataset()
    dataset.parse(data=response.get_data(), format=RDFLIB_FORMATS[fmt])
    got, got_blank = _split(rdflib_quads(dataset, merged))
    expected, expected_blank = _split(store_quads(app, inferences, merged))
    assert got_blank == expected_blank
    assert got == expected
    assert len(got) > 1000


def test_context_maps_every_term_of_the_ontology(client, offline):
    response = client.get("/context.jsonld")
    assert response.mimetype == "application/ld+json"
    context = response.get_json()["@context"]
    assert context["ctip"] == ONTOLOGY and context["id"] == "https://w3id.org/ctipgraph/id/"
    assert context["Program"] == "ctip:Program"
    assert context["funds"] == {"@id": "ctip:funds", "@type": "@id"}
    assert context["amount"] == {"@id": "ctip:amount", "@type": "xsd:decimal"}
    assert context["startYear"] == {"@id": "ctip:startYear", "@type": "xsd:gYear"}
    ontology = ox.Store()
    ontology.load(path=str(Path(__file__).parents[1] / "ontology" / "ctip.ttl"),
                  format=ox.RdfFormat.TURTLE)
    declared = {row["t"].value for row in ontology.query(
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> SELECT DISTINCT ?t { ?t a ?k "
        "FILTER(?k IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty)) "
        f'FILTER(STRSTARTS(STR(?t), "{ONTOLOGY}")) }}')}
    mapped = {(v if isinstance(v, str) else v["@id"]).replace("ctip:", ONTOLOGY)
              for v in context.values()}
    assert len(declared) > 100 and declared <= mapped
    # the context alone expands a compacted node back to its IRIs
    doc = {"@context": context, "@id": "id:program/x", "@type": "Program",
           "funds": "id:program/y", "amount": "1500"}
    graph = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    assert (rdflib.URIRef("https://w3id.org/ctipgraph/id/program/x"),
            rdflib.URIRef(ONTOLOGY + "amount"),
            rdflib.Literal("1500", datatype=rdflib.XSD.decimal)) in graph


def test_jsonld_dump_embeds_the_context_and_uses_its_terms(client):
    document = json.loads(client.get("/download/ctipgraph.jsonld").get_data())
    assert isinstance(document["@context"], dict) and document["@context"]["Program"]
    body = json.dumps(document["@graph"])
    assert '"@type": "Program"' in body and '"fundedBy": "id:org/' in body
    names = set()

    def walk(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                names.add(key)
                if key in ("@id", "@type"):
                    names.update(inner if isinstance(inner, list) else [inner])
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(document["@graph"])
    assert not [name for name in names if name.startswith(ONTOLOGY)]


def test_entity_jsonld_is_compacted_and_round_trips(client, offline):
    response = client.get("/id/program/glo-act.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    document = response.get_json()
    assert isinstance(document["@context"], dict)
    node = next(n for n in document["@graph"] if n["@id"] == "id:program/glo-act")
    assert "Program" in node["@type"]
    assert "id:org/european-union" in json.dumps(node["fundedBy"])
    graph = rdflib.Graph().parse(data=response.get_data(), format="json-ld")
    ntriples = client.get("/id/program/glo-act.nt").get_data()
    expected = {t for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)}
    got = set(ox.parse(graph.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES))
    assert got == expected and len(got) > 10


@pytest.mark.parametrize(("path", "accept"), [
    ("/download/ctipgraph.ttl", None), ("/download/ctipgraph.nt", None),
    ("/.well-known/void", "text/turtle"), ("/sparql", "text/turtle"),
    ("/id/program/glo-act.ttl", None), ("/id/program/glo-act", "text/turtle"),
    ("/ontology.ttl", None), ("/catalog", "text/turtle"),
])
def test_turtle_content_type_is_sent_once(client, path, accept):
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    content_type = response.headers["Content-Type"]
    assert content_type.count("charset") <= 1, content_type
    if "turtle" in content_type:
        assert content_type == "text/turtle; charset=utf-8"


DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
PREFIXES = (f"PREFIX dcat: <{DCAT}> PREFIX dcterms: <{DCTERMS}> "
            "PREFIX void: <http://rdfs.org/ns/void#> ")


def rdf_of(client, path: str, accept: str = "text/turtle") -> ox.Store:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200, response.data
    store = ox.Store()
    store.load(response.data, format=ox.RdfFormat.from_media_type(accept))
    return store


@pytest.mark.parametrize("path", ["/.well-known/void", "/catalog"])
def test_void_and_dcat_say_licence_publisher_and_dates(client, path):
    store = rdf_of(client, path)
    ds = f"<{BASE}.well-known/void#dataset>"
    assert store.query(PREFIXES + f"""ASK {{ {ds} a dcat:Dataset, void:Dataset ;
        dcterms:license <https://opensource.org/licenses/MIT> ;
        dcterms:publisher [ <http://xmlns.com/foaf/0.1/name> ?name ] ;
        dcterms:issued ?issued ; dcterms:modified ?modified ;
        dcterms:title ?title ; dcterms:description ?description
        FILTER(DATATYPE(?modified) = <http://www.w3.org/2001/XMLSchema#dateTime>
               && DATATYPE(?issued) = <http://www.w3.org/2001/XMLSchema#date>) }}""")


def test_void_names_dumps_and_endpoint_at_the_base_url(client):
    store = rdf_of(client, "/.well-known/void")
    dumps = {row["u"].value for row in store.query(PREFIXES + "SELECT ?u { ?d void:dataDump ?u }")}
    assert dumps == {f"{BASE}download/{n}" for n, _f, _i in dump_names()}
    assert store.query(PREFIXES + f"ASK {{ ?d void:sparqlEndpoint <{BASE}sparql> }}")


def test_dcat_distributions_and_data_service(client):
    client.get("/download/ctipgraph.nq")  # made: its size is known
    store = rdf_of(client, "/catalog")
    rows = {row["url"].value: (row["media"].value, row["size"]) for row in store.query(
        PREFIXES + f"""SELECT ?url ?media ?size {{ <{BASE}catalog> a dcat:Catalog ;
            dcat:dataset ?ds . ?ds dcat:distribution ?dist .
            ?dist a dcat:Distribution ; dcat:downloadURL ?url ; dcat:mediaType ?media
            OPTIONAL {{ ?dist dcat:byteSize ?size }} }}""")}
    assert set(rows) == {f"{BASE}download/{n}" for n, _f, _i in dump_names()}
    assert rows[f"{BASE}download/ctipgraph.jsonld"][0].endswith("/application/ld+json")
    assert int(rows[f"{BASE}download/ctipgraph.nq"][1].value) > 1000
    assert store.query(PREFIXES + f"""ASK {{ <{BASE}sparql> a dcat:DataService ;
        dcat:endpointURL <{BASE}sparql> ; dcat:servesDataset <{BASE}.well-known/void#dataset> .
        <{BASE}catalog> dcat:service <{BASE}sparql> }}""")
    assert len(rdf_of(client, "/catalog", "application/ld+json")) == len(store)


def test_home_page_and_link_headers_point_to_the_linked_data(client):
    response = client.get("/")
    links = response.headers["Link"]
    for href in (f"<{BASE}.well-known/void>", f"<{BASE}catalog>", f"<{BASE}sparql>",
                 f"<{BASE}download>", "<https://opensource.org/licenses/MIT>"):
        assert href in links
    assert 'rel="describedby"' in links and 'rel="license"' in links
    html = response.data.decode()
    assert f'<link rel="describedby" href="{BASE}catalog"' in html
    for href in ('href="/sparql"', 'href="/download"', 'href="/.well-known/void"',
                 'href="/catalog"', 'href="/context.jsonld"', 'href="/query"'):
        assert href in html
    # listings too, and JSON ones name the JSON-LD context
    assert f"<{BASE}context.jsonld>" in client.get(
        "/index.json").headers["Link"]
    assert f"<{BASE}catalog>" in client.get("/id/program/glo-act").headers["Link"]
