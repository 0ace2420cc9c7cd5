"""The SERVICE bypass corpus against a real `ctipgraph serve`: a listener on 127.0.0.1 counts
connection attempts while every attempt is sent — by GET, POST form, POST body and as an update
— to a server as it runs by default (policy and sandbox), and to one without the sandbox (the
policy alone). Then the sandbox alone: query workers told to skip the policy still reach
nothing."""

from __future__ import annotations

import json
import platform
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from _bypass import Listener, corpus

from _ctipserver import Server
from ctipgraph.serve.workers import Job, QueryPool
from ctipgraph.store import GraphStore

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mini.ttl"
GRAPH = "https://w3id.org/ctipgraph/id/doc/mini"
SANDBOXABLE = platform.system() == "Linux" and platform.machine() in ("x86_64", "aarch64")


@pytest.fixture(scope="module")
def listener():
    lst = Listener()
    yield lst
    lst.close()


def send(url: str, method: str, query: str) -> int:
    """One request with the query; the HTTP status."""
    if method == "GET":
        request = urllib.request.Request(url + "/sparql?" + urllib.parse.urlencode(
            {"query": query}))
    elif method == "FORM":
        request = urllib.request.Request(url + "/sparql", urllib.parse.urlencode(
            {"query": query}).encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    elif method == "BODY":
        request = urllib.request.Request(url + "/sparql", query.encode(),
                                         {"Content-Type": "application/sparql-query"})
    else:  # an update request
        request = urllib.request.Request(url + "/sparql", urllib.parse.urlencode(
            {"update": query}).encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        return error.code


def send_corpus(server: Server, listener: Listener) -> dict[str, list[str]]:
    methods = ("GET", "FORM", "BODY", "UPDATE")
    jobs = [(name, methods[n % len(methods)], text)
            for n, (name, text) in enumerate(corpus(listener.url))]
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda job: send(server.url, job[1], job[2]), jobs))
    by_status: dict[str, list[str]] = {}
    for (name, method, _), status in zip(jobs, statuses, strict=True):
        by_status.setdefault(str(status), []).append(f"{name} ({method})")
    return by_status


def server_with(*args: str) -> Server:
    return Server("--data", f"{FIXTURE}={GRAPH}", "--threads", "4", "--timeout", "10", "-q",
                  "--client-limit", "0", *args)


@pytest.mark.parametrize("args", [(), ("--no-sandbox",)], ids=["default", "policy-alone"])
def test_the_corpus_reaches_nothing(listener, args):
    server = server_with(*args)
    try:
        by_status = send_corpus(server, listener)
        health = json.loads(urllib.request.urlopen(server.url + "/health", timeout=10).read())
    finally:
        server.stop()
    assert listener.settled_count() == 0
    assert set(by_status) <= {"200", "400", "403"}, {k: v[:5] for k, v in by_status.items()}
    assert len(by_status["403"]) > 300
    assert {name.split(" ")[0] for name in by_status.get("200", [])} <= {
        "construct-where", "values-after-where", "from-is-not-fetched",
        "from-named-is-not-fetched", "describe-iri-is-not-fetched",
        "escaped-backslash-ends-string"}
    sandbox = health["queries"]["sandbox"]
    if args:
        assert sandbox["egress"] == "allowed" and "no-sandbox" in sandbox["reason"]
    elif SANDBOXABLE:
        assert sandbox["egress"] == "blocked" and sandbox["seccomp"]


@pytest.mark.skipif(not SANDBOXABLE, reason="the sandbox needs Linux on x86_64 or aarch64")
def test_the_sandbox_alone_stops_a_service_call(listener):
    """Workers told to skip the policy (check=False) run SERVICE, and cannot connect."""
    import pyoxigraph as ox

    db = ox.Store()
    db.load(path=str(FIXTURE), format=ox.RdfFormat.TURTLE)
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    pool = QueryPool(GraphStore(db), 1)
    try:
        assert pool.confinement["egress"] == "blocked"
        before = listener.count
        reply = pool.run(Job(query, tabular="text/csv", check=False), 10.0)
        body = bytes(reply.body).lower()
        assert reply.status == 500 and (b"denied" in body or b"unreachable" in body), body
        assert listener.settled_count() == before
    finally:
        pool.close()
    unconfined = QueryPool(GraphStore(db), 1, sandbox=False)
    try:  # the same without the sandbox does reach the listener: the test can see a call
        unconfined.run(Job(query, tabular="text/csv", check=False), 10.0)
        assert listener.settled_count() > before
    finally:
        unconfined.close()


def test_allowed_service_is_called(listener):
    """--allow-service lets exactly that endpoint through (the listener answers nothing, so
    the query fails, after connecting)."""
    server = server_with("--allow-service", listener.url)
    try:
        before = listener.count
        allowed = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        other = allowed.replace("/sparql", "/other")
        assert send(server.url, "GET", other) == 403
        assert listener.settled_count() == before
        assert send(server.url, "GET", allowed) in (500, 502)
        assert listener.settled_count() > before
        health = json.loads(urllib.request.urlopen(server.url + "/health", timeout=10).read())
        assert health["queries"]["sandbox"]["egress"] == "allowed"
    finally:
        server.stop()
