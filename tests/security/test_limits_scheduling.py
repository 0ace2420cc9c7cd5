"""Fair scheduling on a real server: a flooding client gets 429 (Retry-After); light requests
from other clients — pages, /health, small queries — answer within a second while every query
worker is busy with runaways; a page that runs out of its time budget is a 503. Each client is
its own loopback address (127.0.0.0/8)."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _http import fetch, get_query, sparql

from _ctipserver import Server

TESTS = Path(__file__).parents[1]
#: the mini graph with the ontology (which /trace needs)
DATA = ("--data", str(TESTS / "fixtures" / "mini.ttl"),
        "--data", str(TESTS.parent / "ontology" / "ctip.ttl"))
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
MALI = "https://w3id.org/ctipgraph/id/place/mali"


def background(server: Server, sources: list[str], query: str) -> list[threading.Thread]:
    """One runaway query from each address, in the background (answers are not waited for)."""
    threads = [threading.Thread(target=_quietly, args=(server.url, query, source), daemon=True)
               for source in sources]
    for thread in threads:
        thread.start()
    return threads


def _quietly(url: str, query: str, source: str) -> None:
    with contextlib.suppress(OSError):  # the server stops first
        sparql(url, query, source=source, timeout=60)


def queries(server: Server) -> dict:
    return json.loads(fetch(server.url, "/health").body)["queries"]


def wait_until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_flooding_client_gets_429():
    server = Server(*DATA, "--client-limit", "2", "--timeout", "30", "-q")
    try:
        background(server, ["127.0.0.2"] * 2, RUNAWAY)
        wait_until(lambda: queries(server)["busy"] == 2)
        third = sparql(server.url, "ASK {}", source="127.0.0.2")
        assert third.status == 429 and int(third.headers["retry-after"]) > 0
        assert "at most 2" in third.text
        assert third.headers["x-content-type-options"] == "nosniff"  # refusals are answers too
        assert third.seconds < 1.0
        other = sparql(server.url, "ASK {}", source="127.0.0.3")  # another client is served
        assert other.status == 200
        assert fetch(server.url, "/health", source="127.0.0.2").status == 200  # never limited
    finally:
        server.stop()


def test_light_requests_answer_while_every_worker_runs_away():
    server = Server(*DATA, "--workers", "2", "--express-workers", "1",
                    "--express-timeout", "0.5", "--timeout", "60", "--threads", "4", "-q")
    try:
        for n in range(1, 5):  # the light clients have asked before (they are known)
            assert sparql(server.url, "ASK {}", source=f"127.0.2.{n}").status == 200
        runaways = [f"127.0.1.{n}" for n in range(1, 7)]
        background(server, runaways, RUNAWAY)
        wait_until(lambda: queries(server)["busy"] == 2 and queries(server)["waiting"] >= 3)
        light = [get_query("ASK { ?s ?p ?o }"), get_query("SELECT * { ?s ?p ?o } LIMIT 5"),
                 "/health", "/", f"/trace?iri={MALI}&per_page=2", "/search?q=mali"]

        def ask(n: int):
            return fetch(server.url, light[n % len(light)], source=f"127.0.2.{n % 4 + 1}")

        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(ask, range(24)))
        assert [a.status for a in answers] == [200] * 24, [a.text[:80] for a in answers]
        assert max(a.seconds for a in answers) < 1.0, sorted(a.seconds for a in answers)
        status = queries(server)
        assert status["busy"] == 2 and status["timeouts"] >= 1  # runaways still hold both
    finally:
        server.stop()


def test_a_page_over_its_time_budget_is_503():
    server = Server(*DATA, "--page-timeout", "0.001", "-q")
    try:
        answer = fetch(server.url, f"/trace?iri={MALI}&per_page=100")
        assert answer.status == 503, answer.text[:200]
        assert "time budget" in answer.text and answer.headers.get("retry-after")
        assert fetch(server.url, "/health").status == 200
        limits = json.loads(fetch(server.url, "/health").body)["limits"]
        assert limits["page_timeout"] == 0.001
    finally:
        server.stop()


def test_pages_within_their_budget_are_unchanged():
    """The same page answers normally within its budget (and /sparql has no page budget: its
    queries have their own time limit)."""
    server = Server(*DATA, "--page-timeout", "30", "-q")
    try:
        for suffix in ("", ".json"):
            assert fetch(server.url, f"/trace{suffix}?iri={MALI}&per_page=100").status == 200
        assert sparql(server.url, "ASK {}").status == 200
    finally:
        server.stop()
