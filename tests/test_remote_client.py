"""The SPARQL client of `serve --backend` (ctipgraph.remote) against small fake servers: what it
asks for, how it reads Virtuoso's answers, and what a page over its time budget gets."""

from __future__ import annotations

import contextlib
import gc
import http.server
import json
import socket
import threading
import time

import pytest

from ctipgraph import budget
from ctipgraph.remote.sparql import BackendError, SparqlClient
from ctipgraph.remote.store import RemoteDataset

XSD = "http://www.w3.org/2001/XMLSchema#"
#: what Virtuoso 7.2 answers in SPARQL JSON for a stored "true"^^xsd:boolean, an EXISTS and a
#: quote's oa:prefix that begins and ends with white space
VIRTUOSO_JSON = {"head": {"vars": ["b", "e", "prefix"]}, "results": {"bindings": [{
    "b": {"type": "typed-literal", "datatype": XSD + "boolean", "value": "1"},
    "e": {"type": "typed-literal", "datatype": XSD + "integer", "value": "1"},
    "prefix": {"type": "literal", "value": "\n\nU.S. Department of State 2002 "}}, {
    "b": {"type": "typed-literal", "datatype": XSD + "boolean", "value": "0"}}]}}


class _Answers(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []
    #: headers of the next answer (Virtuoso's on an answer it cut)
    extra: dict[str, str] = {}

    def do_POST(self):  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers["Content-Length"]))
        _Answers.seen.append(self.headers["Accept"])
        body = json.dumps(VIRTUOSO_JSON).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in _Answers.extra.items():
            self.send_header(name, value)
        self.end_headers()
        # (a client refusing the answer as soon as it reads its headers closes the connection)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def virtuoso_like():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def silent():
    """A server that takes the connection and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        listener.close()


def test_results_asked_as_json_and_read_as_published(virtuoso_like):
    rows = list(SparqlClient(virtuoso_like).query("SELECT ?b ?e ?prefix WHERE { }"))
    assert _Answers.seen[-1].startswith("application/sparql-results+json")
    assert str(rows[0]["b"]) == f'"true"^^<{XSD}boolean>'  # Virtuoso's "1": the same value
    assert str(rows[1][0]) == f'"false"^^<{XSD}boolean>'
    assert rows[0]["e"].value == "1"  # an integer stays an integer
    assert rows[0]["prefix"].value == "\n\nU.S. Department of State 2002 "  # white space kept
    assert rows[1]["prefix"] is None and len(rows[1]) == 3


@pytest.mark.parametrize("header", [
    ("X-SQL-State", "S1TAT"),  # Virtuoso's "anytime" answer, cut at its time limit
    ("X-SPARQL-MaxRows", "10000"),  # Virtuoso's result limit
])
def test_an_answer_the_server_cut_is_refused_or_marked(virtuoso_like, monkeypatch, header):
    """Partial results are never taken for the answer: refused (a 502 saying why) by a strict
    query, marked `truncated` otherwise."""
    monkeypatch.setattr(_Answers, "extra", dict([header]))
    client = SparqlClient(virtuoso_like)
    with pytest.raises(BackendError) as refused:
        list(client.query("SELECT ?b WHERE { }"))
    assert refused.value.code == 502 and "incomplete" in refused.value.description
    assert header[0] in refused.value.description
    answer = client.query("SELECT ?b WHERE { }", strict=False)
    assert len(list(answer)) == 2 and answer.truncated
    del answer
    gc.collect()  # (its parser, in a reference cycle, freed on this thread, not the server's)


def test_a_query_past_the_page_budget_is_the_budget_503(silent):
    dataset = RemoteDataset(SparqlClient(silent, timeout=30), None, [], 0)
    budget.start(0.3)
    started = time.monotonic()
    try:
        with pytest.raises(budget.BudgetExceeded) as raised:
            dataset.query("SELECT * WHERE { ?s ?p ?o }")
    finally:
        budget.stop()
    assert raised.value.code == 503 and "time budget of 0.3 s" in raised.value.description
    assert time.monotonic() - started < 5


def test_a_query_past_the_client_timeout_without_budget_is_a_504(silent):
    dataset = RemoteDataset(SparqlClient(silent, timeout=0.3), None, [], 0)
    with pytest.raises(BackendError) as raised:
        dataset.query("SELECT * WHERE { ?s ?p ?o }")
    assert raised.value.code == 504 and "did not answer within 0.3 s" in raised.value.description
