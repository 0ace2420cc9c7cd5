"""Per-worker memory limit and result size limit, on a real server: the issue's query (ORDER BY
over a cross product, which grew one worker to 10.9 GB in 30 s) is stopped at the limit with a
clear 507, and the worker is replaced."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from _http import fetch, sparql

from _ctipserver import Server

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mini.ttl"
BOMB = "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c } ORDER BY ?o ?c LIMIT 1"


@pytest.fixture(scope="module")
def server():
    srv = Server("--data", str(FIXTURE), "--workers", "1", "--express-workers", "0",
                 "--worker-memory", "64M", "--max-result-size", "4k", "--timeout", "60", "-q")
    yield srv
    srv.stop()


def health(server) -> dict:
    return json.loads(fetch(server.url, "/health").body)["queries"]


def test_memory_bomb_is_stopped_and_the_worker_replaced(server):
    before = health(server)
    answer = sparql(server.url, BOMB)
    assert answer.status == 507, answer.text
    assert "memory" in answer.text and "64 MiB" in answer.text
    assert answer.seconds < 30
    after = health(server)
    assert after["memory_stops"] + after["died"] > before["memory_stops"] + before["died"]
    assert after["memory_limit_mib"] == 64
    # the one worker is back: queries run again
    assert sparql(server.url, "ASK { ?s ?p ?o }").status == 200
    assert health(server)["idle"] == 1


def test_results_are_cut_by_size(server):
    answer = sparql(server.url, "SELECT * WHERE { ?s ?p ?o }")
    assert answer.status == 200
    assert answer.headers["x-ctip-truncated"] == "true"
    assert answer.headers["x-ctip-max-bytes"] == "4096"
    data = json.loads(answer.body)
    assert data["truncated"] is True and 0 < data["rows"] == len(data["results"]["bindings"])
    assert len(answer.body) < 4096 + 400  # the body, and the note added to it
    tsv = fetch(server.url, "/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D&format=tsv")
    assert len(tsv.body) <= 4096 and tsv.body.endswith(b"\n")
    turtle = fetch(server.url, "/sparql?query=CONSTRUCT%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D"
                               "&format=ntriples")
    assert len(turtle.body) <= 4096 and turtle.headers["x-ctip-truncated"] == "true"


SCAN = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def test_a_worker_that_copied_the_store_pages_it_read_is_replaced():
    """A forked worker shares the in-memory store's pages, and Oxigraph writes to what it reads:
    a scan of the project's store makes it copy about 200 MB, which its resident size does not
    show. Its private dirty size does: over half the limit, the worker retires after answering,
    and a fresh one takes its place."""
    if not Path("/proc/self/smaps_rollup").is_file():
        pytest.skip("no /proc/self/smaps_rollup (Linux 4.14 or later)")
    srv = Server("--in-memory", "--workers", "1", "--express-workers", "0",
                 "--worker-memory", "32M", "--timeout", "60", "-q", timeout=300)
    try:
        for _ in range(20):  # small queries copy little: the worker stays
            assert sparql(srv.url, "ASK { ?s ?p ?o }").status == 200
        assert health(srv)["retired"] == 0
        answer = sparql(srv.url, SCAN)
        assert answer.status == 200, answer.text  # answered, not stopped (no 507)
        queries = health(srv)
        assert queries["retired"] == 1 and queries["memory_stops"] == 0
        assert sparql(srv.url, SCAN).status == 200  # a fresh worker answers
        assert health(srv)["idle"] == 1
    finally:
        srv.stop()


def test_a_slow_reading_of_the_copies_does_not_space_readings_out(monkeypatch):
    """On a loaded machine, reading the private dirty size can wait far longer than it works:
    the readings are spaced by their CPU time, so a reading that waited 50 ms does not put the
    next one off until half a second of queries later (a worker that copied the store's pages
    would then answer on, past the limit)."""
    from ctipgraph.serve import workers

    limit = 32 * workers.MIB
    readings = iter([10 * workers.MIB, 10 * workers.MIB + limit])

    def waiting_reading() -> int:
        time.sleep(0.05)  # off the CPU: what a loaded machine does to the reader
        return next(readings)

    monkeypatch.setattr(workers, "_private_dirty", waiting_reading)
    monkeypatch.setattr(workers, "_rss", lambda: None)  # no watchdog thread
    monkeypatch.setattr(workers, "_virtual", lambda: None)  # no RLIMIT_AS on the test process
    guard = workers._MemoryGuard(limit, None, threading.Lock())  # type: ignore[arg-type]
    assert guard.check_cost < 0.01
    assert guard.should_retire(0.02)  # 20 ms of queries: the copies are read, and too large
