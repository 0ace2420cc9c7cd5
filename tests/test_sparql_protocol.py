"""The /sparql endpoint through Flask's test client: the SPARQL 1.1 Protocol, content
negotiation, the format parameter, datasets, every refusal and limit, CORS, the service
description and /health."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctipgraph.serve.app import create_app
from ctipgraph.serve.workers import Job, PoolBusy, QueryPool, _Capped, _solutions_once, execute
from ctipgraph.store import GraphStore

FIXTURE = Path(__file__).parent / "fixtures" / "mini.ttl"
DOC = "https://w3id.org/ctipgraph/id/doc/mini"
OTHER = "http://example.org/other"
SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
SELECT_ORGS = ("PREFIX ctip: <https://w3id.org/ctipgraph/ontology#> "
               "SELECT ?o WHERE { ?o a ctip:GovernmentBody } ORDER BY ?o")


def make_store() -> GraphStore:
    db = ox.Store()
    db.load(path=str(FIXTURE), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(DOC))
    db.add(ox.Quad(ox.NamedNode("http://example.org/x"), ox.NamedNode("http://example.org/p"),
                   ox.Literal("other graph"), ox.NamedNode(OTHER)))
    return GraphStore(db)  # union default graph, like the project store


@pytest.fixture(scope="module")
def app():
    app = create_app(make_store(), {"QUERY_WORKERS": 2, "QUERY_TIMEOUT": 10.0})
    yield app
    app.extensions["ctipgraph.pool"].close()


@pytest.fixture()
def client(app):
    return app.test_client()


def bindings(response) -> list[dict]:
    assert response.status_code == 200, response.data
    return json.loads(response.data)["results"]["bindings"]


# -- the three ways to send a query --------------------------------------------------------------


def test_get(client):
    rows = bindings(client.get("/sparql", query_string={"query": SELECT_ORGS}))
    assert rows and all(r["o"]["type"] == "uri" for r in rows)


def test_post_form(client):
    response = client.post("/sparql", data={"query": SELECT_ORGS})
    assert bindings(response) == bindings(client.get("/sparql", query_string={
        "query": SELECT_ORGS}))


def test_post_direct(client):
    response = client.post("/sparql", data=SELECT_ORGS.encode(),
                           content_type="application/sparql-query")
    assert len(bindings(response)) > 1


def test_trailing_slash_and_unknown_parameters_are_fine(client):
    response = client.get("/sparql/", query_string={"query": "ASK {}", "whatever": "1"})
    assert response.status_code == 200
    assert json.loads(response.data)["boolean"] is True


def test_project_prefixes_are_predeclared_and_base_is_the_endpoint(client):
    rows = bindings(client.get("/sparql", query_string={
        "query": "SELECT ?x WHERE { ?x a ctip:Country } LIMIT 1"}))
    assert rows
    rows = bindings(client.get("/sparql", query_string={"query": "SELECT (<rel> AS ?x) {}"}))
    assert rows[0]["x"]["value"] == "http://localhost/rel"


# -- datasets ------------------------------------------------------------------------------------


def test_default_graph_is_the_union(client):
    rows = bindings(client.get("/sparql", query_string={
        "query": "SELECT ?o WHERE { <http://example.org/x> ?p ?o }"}))
    assert [r["o"]["value"] for r in rows] == ["other graph"]


def test_from_clause_is_honoured_despite_the_union(client):
    query = f"SELECT ?o FROM <{OTHER}> WHERE {{ ?s ?p ?o }}"
    rows = bindings(client.get("/sparql", query_string={"query": query}))
    assert [r["o"]["value"] for r in rows] == ["other graph"]


def test_default_graph_uri(client):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    rows = bindings(client.get("/sparql", query_string={"query": query,
                                                        "default-graph-uri": OTHER}))
    assert rows[0]["n"]["value"] == "1"
    both = bindings(client.get("/sparql", query_string=[
        ("query", query), ("default-graph-uri", OTHER), ("default-graph-uri", DOC)]))
    assert int(both[0]["n"]["value"]) > 1


def test_named_graph_uri_replaces_the_dataset(client):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    rows = bindings(client.get("/sparql", query_string={"query": query,
                                                        "named-graph-uri": OTHER}))
    assert [r["g"]["value"] for r in rows] == [OTHER]
    # with only named graphs given, the default graph is empty
    rows = bindings(client.get("/sparql", query_string={
        "query": "SELECT * WHERE { ?s ?p ?o }", "named-graph-uri": OTHER}))
    assert rows == []


def test_protocol_dataset_overrides_from(client):
    query = f"SELECT ?o FROM <{OTHER}> WHERE {{ ?s ?p ?o }}"
    rows = bindings(client.post("/sparql?default-graph-uri=" + DOC,
                                data=query, content_type="application/sparql-query"))
    assert len(rows) > 1


# -- content negotiation and the format parameter --------------------------------------------


@pytest.mark.parametrize(("accept", "media"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("application/sparql-results+json;q=0.2, text/tab-separated-values;q=0.9",
     "text/tab-separated-values"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
     "application/sparql-results+xml"),
    ("*/*", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
])
def test_select_negotiation(client, accept, media):
    response = client.get("/sparql", query_string={"query": SELECT_ORGS},
                          headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media
    assert "Accept" in response.headers["Vary"]
    if media == "text/csv":  # lossy: pyoxigraph does not parse it back
        assert len(list(csv.reader(io.StringIO(response.data.decode())))) > 2
    else:
        fmt = ox.QueryResultsFormat.from_media_type(media)
        assert len(list(ox.parse_query_results(response.data, format=fmt))) > 1


def test_no_accept_header_gives_json(client):
    response = client.get("/sparql", query_string={"query": SELECT_ORGS},
                          headers={"Accept": ""})
    assert response.mimetype == "application/sparql-results+json"


def test_ask_in_xml(client):
    response = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                          headers={"Accept": "application/sparql-results+xml"})
    root = ET.fromstring(response.data)
    assert root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


CONSTRUCT = ("CONSTRUCT { ?o a <https://w3id.org/ctipgraph/ontology#GovernmentBody> } WHERE "
             "{ ?o a <https://w3id.org/ctipgraph/ontology#GovernmentBody> }")


@pytest.mark.parametrize("media", [
    "text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
    "application/trig", "application/n-quads"])
def test_construct_negotiation(client, media):
    response = client.get("/sparql", query_string={"query": CONSTRUCT},
                          headers={"Accept": media})
    assert response.status_code == 200, response.data
    assert response.mimetype == media
    triples = list(ox.parse(response.data, format=ox.RdfFormat.from_media_type(media)))
    assert len(triples) > 1


def test_construct_turtle_uses_project_prefixes(client):
    response = client.get("/sparql", query_string={"query": CONSTRUCT},
                          headers={"Accept": "text/turtle"})
    assert b"@prefix ctip: <https://w3id.org/ctipgraph/ontology#>" in response.data
    assert b"ctip:GovernmentBody" in response.data


def test_describe(client):
    response = client.get("/sparql", query_string={
        "query": "DESCRIBE <https://w3id.org/ctipgraph/id/place/mali>"})
    assert response.mimetype == "text/turtle"
    assert list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))


@pytest.mark.parametrize(("fmt", "media"), [
    ("json", "application/sparql-results+json"),
    ("xml", "application/sparql-results+xml"),
    ("csv", "text/csv"),
    ("tsv", "text/tab-separated-values"),
    ("text/csv", "text/csv"),
])
def test_format_parameter_overrides_accept_for_select(client, fmt, media):
    response = client.get("/sparql", query_string={"query": SELECT_ORGS, "format": fmt},
                          headers={"Accept": "application/sparql-results+xml;q=1"})
    assert response.status_code == 200
    assert response.mimetype == media


@pytest.mark.parametrize(("fmt", "media"), [
    ("turtle", "text/turtle"), ("ntriples", "application/n-triples"),
    ("jsonld", "application/ld+json"), ("rdfxml", "application/rdf+xml"),
    ("trig", "application/trig"), ("nquads", "application/n-quads"),
    ("json", "application/ld+json"), ("xml", "application/rdf+xml"),
    ("application/n-triples", "application/n-triples"),
])
def test_format_parameter_for_construct(client, fmt, media):
    response = client.post("/sparql", data={"query": CONSTRUCT, "format": fmt})
    assert response.status_code == 200
    assert response.mimetype == media


def test_format_that_does_not_fit_the_query_is_406(client):
    response = client.get("/sparql", query_string={"query": SELECT_ORGS, "format": "turtle"})
    assert response.status_code == 406
    assert b"SELECT" in response.data


def test_unknown_format_is_400(client):
    response = client.get("/sparql", query_string={"query": SELECT_ORGS, "format": "pdf"})
    assert response.status_code == 400


def test_unacceptable_accept_is_406(client):
    response = client.get("/sparql", query_string={"query": SELECT_ORGS},
                          headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert b"application/sparql-results+json" in response.data


# -- refusals --------------------------------------------------------------------------------


def assert_refused(response, status: int, *words: str) -> None:
    assert response.status_code == status, response.data
    assert response.mimetype == "text/plain"
    text = response.data.decode()
    assert "Traceback" not in text
    for word in words:
        assert word.lower() in text.lower()
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP GRAPH <http://example.org/other>",
    "PREFIX ex: <http://ex/> WITH ex:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "CREATE GRAPH <http://x>",
    "COPY DEFAULT TO <http://x>",
    "# a comment\nMOVE <http://a> TO <http://b>",
])
def test_update_as_query_is_refused(client, update):
    assert_refused(client.get("/sparql", query_string={"query": update}), 403, "read-only")
    assert_refused(client.post("/sparql", data={"query": update}), 403, "read-only")


def test_update_parameter_is_refused(client):
    assert_refused(client.get("/sparql", query_string={"update": "CLEAR ALL"}), 403,
                   "read-only")
    assert_refused(client.post("/sparql", data={"update": "CLEAR ALL"}), 403, "read-only")


def test_sparql_update_body_is_refused(client):
    response = client.post("/sparql", data=b"CLEAR ALL",
                           content_type="application/sparql-update")
    assert_refused(response, 403, "read-only")


def test_the_store_was_not_changed(client):
    rows = bindings(client.get("/sparql", query_string={
        "query": "SELECT ?o WHERE { <http://example.org/x> ?p ?o }"}))
    assert len(rows) == 1


def test_load_is_refused(client):
    response = client.get("/sparql", query_string={
        "query": "LOAD <http://example.org/data.ttl> INTO GRAPH <http://x>"})
    assert_refused(response, 403, "LOAD")


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
])
def test_service_is_refused(client, query):
    assert_refused(client.get("/sparql", query_string={"query": query}), 403, "SERVICE")


def test_words_in_strings_and_iris_are_not_keywords(client):
    query = ('SELECT ?service WHERE { BIND("SERVICE LOAD INSERT" AS ?service) '
             "# SERVICE <http://x> \n}")
    assert bindings(client.get("/sparql", query_string={"query": query}))


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p }", "ASK {", "hello", ""])
def test_malformed_query_is_400_with_the_parser_message(client, query):
    response = client.get("/sparql", query_string={"query": query})
    assert_refused(response, 400)
    if query:
        assert "error" in response.data.decode().lower()


def test_too_long_query_is_413(app, client):
    limit = app.config["MAX_QUERY_LENGTH"]
    query = "ASK {}" + " " * limit
    assert_refused(client.post("/sparql", data={"query": query}), 413, str(limit))
    assert_refused(client.post("/sparql", data=query.encode(),
                               content_type="application/sparql-query"), 413)


def test_huge_body_is_refused_before_reading(app, client):
    body = b"#" * (app.config["MAX_QUERY_LENGTH"] * 5)
    assert_refused(client.post("/sparql", data=body, content_type="application/sparql-query"),
                   413)


def test_multiple_queries_are_400(client):
    response = client.get("/sparql", query_string=[("query", "ASK {}"), ("query", "ASK {}")])
    assert_refused(response, 400)


def test_wrong_media_type_is_415(client):
    assert_refused(client.post("/sparql", data=b"ASK {}", content_type="text/plain"), 415)
    assert_refused(client.post("/sparql", data=b"query=ASK%20%7B%7D", content_type=""), 415)


def test_non_utf8_is_refused(client):
    response = client.post("/sparql", data="ASK {}".encode("utf-16"),
                           content_type="application/sparql-query; charset=UTF-16")
    assert_refused(response, 415, "UTF-8")
    response = client.post("/sparql", data=b"ASK { \xff }",
                           content_type="application/sparql-query")
    assert_refused(response, 400, "UTF-8")


def test_post_without_query_is_400(client):
    assert_refused(client.post("/sparql", data={"default-graph-uri": OTHER}), 400)


def test_other_methods_are_405(client):
    assert client.put("/sparql?query=ASK%7B%7D").status_code == 405
    assert client.delete("/sparql").status_code == 405


# -- limits: timeout and result size -----------------------------------------------------------


@pytest.fixture()
def limited(app):
    saved = dict(app.config)
    yield app
    app.config.update(saved)


def test_slow_query_times_out_and_the_worker_is_replaced(limited, client):
    pool = limited.extensions["ctipgraph.pool"]
    limited.config["QUERY_TIMEOUT"] = 0.3
    killed = pool.killed
    started = time.monotonic()
    response = client.get("/sparql", query_string={"query": SLOW})
    assert time.monotonic() - started < 5
    assert_refused(response, 504, "time limit", "0.3")
    assert pool.killed == killed + 1
    # the pool is whole again: both workers answer
    for _ in range(4):
        assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def test_result_cap_json(limited, client):
    limited.config["MAX_RESULT_ROWS"] = 3
    response = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"})
    assert response.status_code == 200
    assert response.headers["X-CTIP-Truncated"] == "true"
    assert response.headers["X-CTIP-Max-Rows"] == "3"
    data = json.loads(response.data)
    assert len(data["results"]["bindings"]) == 3
    assert data["truncated"] is True and data["maxRows"] == 3 and "LIMIT" in data["note"]


def test_result_cap_csv_and_literals_with_line_breaks(limited, client):
    limited.config["MAX_RESULT_ROWS"] = 2
    query = ('SELECT ?x WHERE { VALUES ?x { "a\\nb\\tc" "d" "e" "f" } }')
    response = client.get("/sparql", query_string={"query": query, "format": "csv"})
    assert response.headers["X-CTIP-Truncated"] == "true"
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert rows == [["x"], ["a\nb\tc"], ["d"]]


def test_result_under_the_cap_is_not_marked(limited, client):
    limited.config["MAX_RESULT_ROWS"] = 4
    response = client.get("/sparql", query_string={
        "query": 'SELECT ?x WHERE { VALUES ?x { 1 2 3 4 } }'})
    assert "X-CTIP-Truncated" not in response.headers
    assert "truncated" not in json.loads(response.data)


def test_result_cap_construct(limited, client):
    limited.config["MAX_RESULT_ROWS"] = 5
    response = client.get("/sparql", query_string={
        "query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "ntriples"})
    assert response.headers["X-CTIP-Truncated"] == "true"
    assert len(list(ox.parse(response.data, format=ox.RdfFormat.N_TRIPLES))) == 5


def test_pool_busy():
    pool = QueryPool(make_store(), 1)
    try:
        outcome = []

        def run_slow():
            try:
                pool.run(Job(SLOW, {"use_default_graph_as_union": True}, tabular="text/csv"),
                         1.0)
            except Exception as error:  # noqa: BLE001
                outcome.append(error)

        slow = threading.Thread(target=run_slow)
        slow.start()
        time.sleep(0.2)
        with pytest.raises(PoolBusy):
            pool.run(Job("ASK {}", tabular="text/csv"), 1.0, wait=0.1)
        slow.join()
        assert type(outcome[0]).__name__ == "QueryTimeout"
        assert pool.run(Job("ASK {}", tabular="text/csv"), 5.0).body == b"true"
    finally:
        pool.close()


def test_in_process_mode_without_workers():
    app = create_app(make_store(), {"QUERY_WORKERS": 0})
    response = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    assert json.loads(response.data)["boolean"] is True


# -- CORS -------------------------------------------------------------------------------------


def test_cors_on_answers(client):
    response = client.get("/sparql", query_string={"query": "ASK {}"},
                          headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-CTIP-Truncated" in response.headers["Access-Control-Expose-Headers"]


def test_cors_preflight(client):
    response = client.options("/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


# -- service description and health -----------------------------------------------------------


SD = "http://www.w3.org/ns/sparql-service-description#"


def test_service_description_turtle(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    store = ox.Store()
    store.load(response.data, format=ox.RdfFormat.TURTLE)
    assert store.query(f"""ASK {{ <http://localhost/sparql> a <{SD}Service> ;
        <{SD}endpoint> <http://localhost/sparql> ;
        <{SD}supportedLanguage> <{SD}SPARQL11Query> ;
        <{SD}feature> <{SD}UnionDefaultGraph> ;
        <{SD}resultFormat> <http://www.w3.org/ns/formats/SPARQL_Results_JSON> }}""")
    names = {row["g"].value for row in store.query(
        f"SELECT ?g WHERE {{ ?x <{SD}namedGraph> [ <{SD}name> ?g ] }}")}
    assert names == {DOC, OTHER}


def test_service_description_jsonld(client):
    response = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert response.mimetype == "application/ld+json"
    assert list(ox.parse(response.data, format=ox.RdfFormat.JSON_LD))


def test_browsers_get_the_editor_when_there_is_one(app, client):
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    if not any(rule.rule == "/query" for rule in app.url_map.iter_rules()):
        # without a query editor, the service description
        response = client.get("/sparql", headers=browser)
        assert response.status_code == 200 and response.mimetype == "text/turtle"
        other = create_app(make_store(), {"QUERY_WORKERS": 0})
        other.add_url_rule("/query", "query_page", lambda: "editor")
        client = other.test_client()
    response = client.get("/sparql", headers=browser)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/query")


def test_health(client, app):
    response = client.get("/health")
    assert response.status_code == 200
    data = response.get_json()
    assert data["status"] == "ok"
    assert data["graphs"] == 2
    assert data["triples"] == len(app.extensions["ctipgraph.store"])


def test_result_cap_xml_and_tsv(limited, client):
    limited.config["MAX_RESULT_ROWS"] = 2
    query = "SELECT ?x WHERE { VALUES ?x { 1 2 3 } }"
    response = client.get("/sparql", query_string={"query": query, "format": "xml"})
    assert response.headers["X-CTIP-Truncated"] == "true"
    results = ET.fromstring(response.data).iter("{http://www.w3.org/2005/sparql-results#}result")
    assert len(list(results)) == 2
    response = client.get("/sparql", query_string={"query": query, "format": "tsv"})
    assert response.headers["X-CTIP-Truncated"] == "true"
    assert response.data.decode().splitlines() == ["?x", "1", "2"]


def test_head_is_like_get(client):
    assert client.head("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    response = client.head("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"


def test_pool_remembers_verdicts_of_passed_queries_only():
    """A query the policy passed runs again without a second parse, with the same dataset
    rules (its FROM still counts); a refused one is refused again, never remembered; a screened
    one (it cannot spell SERVICE: sparqlpolicy.screen) needs no parse to remember."""
    store = ox.Store()
    graph = ox.NamedNode("http://example.org/g")
    store.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"),
                      ox.Literal("in g"), graph))
    store.add(ox.Quad(ox.NamedNode("http://example.org/b"), ox.NamedNode("http://example.org/p"),
                      ox.Literal("default"), ox.DefaultGraph()))
    pool = QueryPool(GraphStore(store, union_default=False), 1)
    from_g = "SELECT ?o FROM <http://example.org/g> WHERE { ?s ?p ?o }"
    parsed = from_g.replace("?o }", "?o FILTER(?o != 'service') }")  # (spells it: parsed)
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    try:
        answers = [pool.run(Job(from_g, tabular="text/csv"), 5.0).body for _ in range(2)]
        assert answers[0] == answers[1] == b"o\r\nin g\r\n"
        assert len(pool._verdicts) == 0
        answers = [pool.run(Job(parsed, tabular="text/csv"), 5.0).body for _ in range(2)]
        assert answers[0] == answers[1] == b"o\r\nin g\r\n"
        assert len(pool._verdicts) == 1
        # passed with a SERVICE allowance, the text is remembered with that allowance only:
        # without it, it is still refused, every time
        allowed = Job(service, tabular="text/csv", allow_service=("http://127.0.0.1:9/sparql",))
        assert pool.run(allowed, 5.0).status != 403
        assert len(pool._verdicts) == 2
        for _ in range(2):
            assert pool.run(Job(service, tabular="text/csv"), 5.0).status == 403
        assert len(pool._verdicts) == 2
    finally:
        pool.close()


def test_deep_and_long_constructs_are_answered_not_crashing_the_worker():
    """Oxigraph parses and plans recursively: each of these overflowed the 8 MiB stack of a
    worker's main thread (SIGSEGV, the worker died); on the worker's query thread
    (QUERY_STACK) each is answered."""
    texts = ["SELECT * WHERE " + "{" * 5000 + "}" * 5000,
             "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
             "PREFIX : <http://x/> ASK { ?s " + "|".join([":p"] * 12000) + " ?o }",
             "ASK { ?s ?p ?o FILTER(" + "||".join(["?o"] * 9500) + ") }"]
    pool = QueryPool(GraphStore(ox.Store(), union_default=False), 1)
    try:
        for text in texts:
            reply = pool.run(Job(text, tabular="text/csv"), 60.0)
            assert reply.status == 200, (text[:60], bytes(reply.body)[:200])
        assert pool.died == 0
    finally:
        pool.close()


def _values_store(values: list[str]) -> ox.Store:
    store = ox.Store()
    for i, value in enumerate(values):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"),
                          ox.NamedNode("http://example.org/p"), ox.Literal(value)))
    return store


@pytest.mark.parametrize("media", ["application/sparql-results+json",
                                   "application/sparql-results+xml"])
def test_results_within_the_limits_are_written_once(media):
    """Within max_rows and max_bytes, the results are written once, as the engine writes them
    (not as TSV parsed back and written again); past max_rows, or when values hold the mark
    counted between solutions, nothing is written once (the query is run again and cut)."""
    store = _values_store(["a", 'quote " and <result>', "line\nbreak", "é"])
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    fmt = ox.QueryResultsFormat.from_media_type(media)
    once = _solutions_once(store.query(query), Job(query, tabular=media, max_rows=4))
    assert once is not None and bytes(once.body) == store.query(query).serialize(format=fmt)
    assert _solutions_once(store.query(query), Job(query, tabular=media, max_rows=3)) is None
    marked = _values_store(["x},{y", "z"])
    assert (_solutions_once(marked.query(query), Job(query, tabular=media, max_rows=2))
            is None) == (media.endswith("json"))
    reply = execute(store, Job(query, tabular=media, max_rows=4))
    assert reply.status == 200 and not reply.truncated and bytes(reply.body) == bytes(once.body)


def test_a_mark_split_between_two_writes_is_counted():
    writer = _Capped(1 << 20, 10, mark=b"},{")
    for chunk in (b'{"a":1}', b"}", b",", b'{"b":2},', b'{"c":3}'):
        writer.write(chunk)
    assert writer.marks == 2


@pytest.mark.parametrize(("rows", "limit", "truncated"), [(3, 3, False), (4, 3, True),
                                                           (1, 1, False), (2, 1, True)])
def test_the_row_limit_is_exact_whatever_the_values_hold(rows, limit, truncated):
    """A value holding what the JSON writer puts between solutions ("},{") only makes the
    count larger: the answer is then cut exactly (max_rows rows), or given whole."""
    store = _values_store(["x},{y},{z"] * rows)
    reply = execute(store, Job("SELECT ?o WHERE { ?s ?p ?o }", max_rows=limit,
                               tabular="application/sparql-results+json"))
    bindings = json.loads(bytes(reply.body))["results"]["bindings"]
    assert reply.status == 200 and reply.truncated == truncated
    assert len(bindings) == min(rows, limit)
