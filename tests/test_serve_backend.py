"""`ctipgraph serve --backend URL` against a second ctipgraph server (no Virtuoso needed): the
same pages and SPARQL answers as the server it reads from, the query policy applied by the
proxy, and the error paths (a backend unreachable at start: one line and exit 2; a backend
that dies while serving: 502 with a message, never a 500 or a traceback)."""

from __future__ import annotations

import io
import json
import socket
import subprocess

import pyoxigraph as ox
import pytest

from _ctipserver import Server, ctipgraph_command
from _parity import fetch, same_page, same_results
from conftest import MINI
from ctipgraph.export import export
from ctipgraph.paths import ONTOLOGY
from ctipgraph.remote.store import RemoteGraphStore

COUNT = "SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"


@pytest.fixture(scope="module")
def pair():
    """(the ctipgraph server with the data, the one serving from it with --backend)."""
    origin = Server("--quiet", "--data", str(MINI), "--data", str(ONTOLOGY))
    try:
        proxy = Server("--quiet", "--backend", origin.url + "/sparql", "--backend-graph", "")
    except BaseException:
        origin.stop()
        raise
    yield origin, proxy
    proxy.stop()
    origin.stop()


def test_health_names_the_backend(pair):
    origin, proxy = pair
    own = json.loads(fetch(origin.url + "/health")[2])
    health = json.loads(fetch(proxy.url + "/health")[2])
    assert health["backend"]["url"] == origin.url + "/sparql"
    assert health["backend"]["default_graph"] == "the server's own default graph"
    assert (health["triples"], health["graphs"]) == (own["triples"], own["graphs"])
    assert health["queries"]["sandbox"]["egress"] == "allowed"


@pytest.mark.parametrize("path", ["/", "/class/Program", "/search?q=unicef", "/evidence",
                                  "/id/place/mali"])
def test_pages_are_the_origins(pair, path):
    origin, proxy = pair
    status, media, left = fetch(origin.url + path)
    answer = fetch(proxy.url + path)
    assert status == 200 and answer[0] == 200, answer[2][:300]
    same, why = same_page(left, answer[2], media)
    assert same, why


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv"])
def test_sparql_through_the_proxy(pair, accept):
    origin, proxy = pair
    left = fetch(origin.url + "/sparql", data={"query": COUNT}, accept=accept)
    right = fetch(proxy.url + "/sparql", data={"query": COUNT}, accept=accept)
    assert right[0] == 200 and right[1] == left[1]
    if accept.endswith("json"):
        assert same_results(COUNT, left[2], right[2]) == (True, "")
    else:
        assert right[2] == left[2]


def test_proxy_cuts_results_at_its_limits(pair):
    _origin, proxy = pair
    status, _media, body = fetch(proxy.url + "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
                                 accept="application/sparql-results+json")
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _media, body = fetch(proxy.url + "/sparql", data={
        "query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5"}, accept="application/n-triples")
    assert status == 200 and body.count(b" .\n") == 5


@pytest.mark.parametrize(("query", "status", "words"), [
    ("INSERT DATA { <http://a/s> <http://a/p> <http://a/o> }", 403, "read-only"),
    ("LOAD <http://example.org/data.ttl>", 403, "LOAD"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 403, "SERVICE"),
    ("SELECT * WHERE { ?s ?p }", 400, "syntax"),
])
def test_policy_refusals_through_the_proxy(pair, query, status, words):
    _origin, proxy = pair
    answer = fetch(proxy.url + "/sparql", data={"query": query})
    assert answer[0] == status, answer[2][:300]
    assert words.lower() in answer[2].decode().lower()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_backend_at_start_is_one_line_and_exit_2():
    port = _free_port()
    run = subprocess.run([*ctipgraph_command(), "serve", "--port", "0", "--backend",
                          f"http://127.0.0.1:{port}/sparql"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --backend: "), run.stderr
    assert "cannot be reached" in lines[0] and "Traceback" not in run.stderr


def test_not_a_url_is_exit_2():
    run = subprocess.run([*ctipgraph_command(), "serve", "--port", "0", "--backend",
                          "ftp://example.org/sparql"], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 2 and "not an http:// or https:// URL" in run.stderr


def test_backend_dying_mid_run_is_a_502_with_a_message():
    origin = Server("--quiet", "--data", str(MINI))
    proxy = Server("--quiet", "--backend", origin.url + "/sparql", "--backend-graph", "")
    try:
        assert fetch(proxy.url + "/class/Program")[0] == 200
        origin.stop()
        # (not /search: once serve's warm-up has read the index's facets and labels, a search
        # is answered from the index kept beside it, without the SPARQL server)
        for path in ("/class/Organization", "/id/org/usaid"):
            status, media, body = fetch(proxy.url + path)
            assert status == 502, (path, status, body[:300])
            assert b"cannot be reached" in body and b"Traceback" not in body
        status, _media, body = fetch(proxy.url + "/sparql", data={"query": COUNT})
        assert status == 502 and b"cannot be reached" in body, body[:300]
        health = json.loads(fetch(proxy.url + "/health")[2])
        assert health["status"] == "ok"
    finally:
        proxy.stop()
        origin.stop()


def _graph(body: bytes, fmt: ox.RdfFormat) -> set:
    return {tuple("_:b" if isinstance(t, ox.BlankNode) else str(t) for t in q)
            for q in ox.parse(body, format=fmt)}


@pytest.mark.parametrize("name", ["ctipgraph.nt", "ctipgraph.ttl", "ctipgraph.nq"])
def test_downloads_are_the_origins(pair, name):
    origin, proxy = pair
    left, right = (fetch(server.url + "/download/" + name, accept="*/*") for server in pair)
    assert left[0] == 200 and right[0] == 200, right[2][:300]
    fmt = ox.RdfFormat.from_extension(name.rsplit(".", 1)[1])
    assert _graph(right[2], fmt) == _graph(left[2], fmt) and len(_graph(left[2], fmt)) > 100


def test_a_graph_beyond_the_servers_row_limit_is_read_page_by_page():
    """The origin cuts every answer at 10 rows: the dump is read in pages, halved until the
    server no longer cuts them, and holds every triple."""
    origin = Server("--quiet", "--data", str(MINI), "--max-rows", "10")
    try:
        store = RemoteGraphStore.connect(origin.url + "/sparql", graph="")
        store.store.page = 48
        out = io.BytesIO()
        export(store, "nt", out)
        expected = fetch(origin.url + "/download/ctipgraph.nt", accept="*/*")[2]
    finally:
        origin.stop()
    assert store.store.page == 6  # 48 → 24 → 12 → 6: below the server's 10
    assert _graph(out.getvalue(), ox.RdfFormat.N_TRIPLES) == _graph(
        expected, ox.RdfFormat.N_TRIPLES)
    assert out.getvalue().count(b"\n") == expected.count(b"\n") > 30
