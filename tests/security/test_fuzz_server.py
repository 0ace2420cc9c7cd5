"""The route fuzzer against a real `ctipgraph serve` (waitress, the limits middleware, query
workers in their sandbox): the same requests and checks as test_fuzz_routes.py, sent over HTTP,
so that what only the real stack does — refusals by the limits, worker answers, raw paths and
headers as waitress reads them — is fuzzed too. SERVER_REQUESTS per run (CTIP_FUZZ_SERVER_REQUESTS
for more)."""

from __future__ import annotations

import http.client
import os
from urllib.parse import urlsplit

import pytest
from _fuzz import Corpus, Figures, Strategies, check, recording, requests, warm_up
from _hostile import write_hostile
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from _ctipserver import Server
from conftest import MINI, make_app, make_store
from ctipgraph.paths import ONTOLOGY

SERVER_REQUESTS = int(os.environ.get("CTIP_FUZZ_SERVER_REQUESTS") or 1000)
BATCH = 10


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    ttl, _ = write_hostile(tmp_path_factory.mktemp("fuzz-server"))
    store = make_store(ttl)
    app = make_app(store)  # the same routes and parameters as the server's (no requests sent)
    recording(app)
    corpus = Corpus.of(store)
    warm_up(app.test_client(), sorted(app.url_map.iter_rules(), key=lambda r: r.rule), corpus)
    server = Server("--data", str(MINI), "--data", str(ONTOLOGY), "--data", str(ttl), "-q",
                    "--threads", "4", "--timeout", "10", "--client-limit", "0")
    try:
        yield server, app, corpus
    finally:
        server.stop()


def send(base: str, request) -> tuple[int, dict, bytes] | None:
    """One fuzzed request over HTTP; None when http.client cannot even send it (a control
    character in the target or a header)."""
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    headers = dict(request.headers)
    headers.setdefault("Host", url.netloc)
    if request.content_type:
        headers["Content-Type"] = request.content_type
    try:
        conn.request(request.method, request.target or "/", body=request.body or None,
                     headers=headers)
    except (http.client.InvalidURL, ValueError, UnicodeEncodeError):
        conn.close()
        return None
    try:
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_fuzz_a_real_server(served):
    server, app, corpus = served
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    figures = Figures()
    unsendable = 0

    @settings(max_examples=-(-SERVER_REQUESTS // BATCH), deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(st.lists(requests(rules, Strategies(corpus)), min_size=BATCH, max_size=BATCH))
    def run(batch):
        nonlocal unsendable
        for request in batch:
            answer = send(server.url, request)
            if answer is None:
                unsendable += 1
                continue
            check(figures, request, *answer)

    try:
        run()
    finally:
        print("\nfuzz (real server):", figures.summary(), f"; not sendable {unsendable}")
    assert not figures.problems(), figures.problems()[:20]
    assert figures.requests >= SERVER_REQUESTS * 0.9
    assert server.proc.poll() is None  # still serving
