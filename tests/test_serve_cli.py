"""`ctipgraph serve` as a real server (subprocess, waitress): SPARQLWrapper as a client, the
time limit, the access log, --data semantics, and the message when nothing is built."""

from __future__ import annotations

import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper

from _ctipserver import Server
from ctipgraph.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "mini.ttl"
GRAPH = "https://w3id.org/ctipgraph/id/doc/mini"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a ?b ?c . ?d ?e ?f . ?g2 ?h ?i . ?j ?k ?l } }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    extra = tmp_path_factory.mktemp("serve") / "extra.nt"
    extra.write_text('<http://example.org/s> <http://example.org/p> "in the default graph" .\n')
    srv = Server("--data", f"{FIXTURE}={GRAPH}", "--data", str(extra),
                 "--timeout", "0.5", "--threads", "4")
    yield srv
    srv.stop()


def sparql(server, query: str, fmt=JSON, method=None) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method:
        client.setMethod(method)
    return client


def test_sparqlwrapper_select(server):
    query = f"""PREFIX ctip: <https://w3id.org/ctipgraph/ontology#>
        SELECT ?org WHERE {{ GRAPH <{GRAPH}> {{ ?org a ctip:GovernmentBody }} }}"""
    result = sparql(server, query).queryAndConvert()
    orgs = {b["org"]["value"] for b in result["results"]["bindings"]}
    assert "https://w3id.org/ctipgraph/id/org/usdol" in orgs


def test_sparqlwrapper_post_and_xml(server):
    result = sparql(server, "ASK { GRAPH ?g { ?s ?p ?o } }", XML, POST).queryAndConvert()
    assert result.getElementsByTagName("boolean")[0].firstChild.data == "true"


def test_sparqlwrapper_construct(server):
    graph = sparql(server, f"CONSTRUCT {{ ?s a ?t }} WHERE {{ GRAPH <{GRAPH}> {{ ?s a ?t }} }}",
                   TURTLE).queryAndConvert()
    if isinstance(graph, bytes):
        graph = Graph().parse(data=graph, format="turtle")
    assert len(graph) > 50


def test_default_graph_is_not_the_union_with_data(server):
    result = sparql(server, "SELECT ?o WHERE { ?s ?p ?o }").queryAndConvert()
    assert [b["o"]["value"] for b in result["results"]["bindings"]] == ["in the default graph"]


def test_sparqlwrapper_update_is_refused(server):
    client = sparql(server, "INSERT DATA { <http://a> <http://b> <http://c> }", method=POST)
    client.setRequestMethod("postdirectly")
    with pytest.raises(Exception):  # noqa: B017 — SPARQLWrapper maps 4xx to various classes
        client.query()


def get(server, path: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(server.url + path, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_absolute_links_are_the_servers_own_without_base_url(server):
    """Without --base-url, the links a client follows (VoID, the catalog, the service
    description in `Link` headers) point at the server that sent them, not at port 80."""
    status, headers, _ = get(server, "/")
    assert status == 200
    links = re.findall(r"<([^>]+)>", headers["Link"])
    assert f"{server.url}/.well-known/void" in links
    assert all(not link.startswith("http") or link.startswith(server.url + "/")
               for link in links if "w3.org" not in link and "opensource.org" not in link)


def test_timeout_over_http(server):
    started = time.monotonic()
    status, _, body = get(server, "/sparql?" + urllib.parse.urlencode({"query": SLOW}))
    assert status == 504
    assert b"time limit" in body
    assert time.monotonic() - started < 5
    status, _, body = get(server, "/sparql?query=ASK%7B%7D")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_concurrent_clients(server):
    query = "/sparql?" + urllib.parse.urlencode({
        "query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 20"})
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: get(server, query)[0], range(40)))
    assert statuses == [200] * 40


def test_health_and_access_log(server):
    status, headers, body = get(server, "/health")
    assert status == 200
    health = json.loads(body)
    assert {k: health[k] for k in ("status", "triples", "graphs")} == {
        "status": "ok", "triples": 1421, "graphs": 1}
    assert health["queries"]["workers"] == 4 and "egress" in health["queries"]["sandbox"]
    assert health["limits"]["page_slots"] == 4
    time.sleep(0.1)
    log = "".join(server.lines)
    assert '"GET /health HTTP/1.1" 200' in log


def test_search_index_and_evidence_report_are_prepared_at_start(server):
    """The server prepares what the first search and /evidence would wait for, in a thread,
    and says so; the pages then answer from it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        log = "".join(server.lines)
        if "set aside from garbage collection" in log:
            break
        time.sleep(0.1)
    assert "warm-up: search index ready in" in log
    assert "warm-up: evidence report ready in" in log
    assert "warm-up: page caches (documents' years, claimed properties) ready in" in log
    # then what lives as long as the server is kept out of the collector's full collections
    set_aside = re.search(r"warm-up: ([\d,]+) long-lived objects set aside", log)
    assert set_aside and int(set_aside.group(1).replace(",", "")) > 10_000
    status, _headers, body = get(server, "/evidence.json")
    assert status == 200 and "claims" in json.loads(body)["totals"]


def _free_port() -> str:
    """A port nothing listens on (so these tests do not depend on port 5000 being free)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def test_serve_without_built_data_says_what_to_do(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--port", _free_port(), "--ttl-dir",
                                       str(tmp_path), "--store-dir", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert "ctipgraph build" in result.output and "make run" in result.output


def test_serve_rejects_missing_data_file(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--port", _free_port(),
                                       "--data", str(tmp_path / "nope.ttl=urn:g")])
    assert result.exit_code == 2
    assert "no such file" in result.output
