"""Nothing a request sends is worked on in the web thread beyond reading it: a 100 kB query built
to make text analysis slow (the issue's 49,980 escaped quotes), or simply slow to parse, is
answered while /health keeps answering at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from _http import fetch, sparql

from _ctipserver import Server

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mini.ttl"
ESCAPED_QUOTES = 'SELECT * WHERE { ?s ?p "' + '\\"' * 49_980 + " }"
#: legal, and slow to parse (about a second): parsed in a query worker, never in the web thread
BIG_VALUES = "SELECT * WHERE { VALUES ?x { " + " ".join(f'"v{i}"' for i in range(2_000)) + " } }"


@pytest.fixture(scope="module")
def server():
    srv = Server("--data", str(FIXTURE), "--threads", "4", "--timeout", "20", "-q")
    yield srv
    srv.stop()


@pytest.mark.parametrize(("query", "statuses"), [
    (ESCAPED_QUOTES, {400}),
    (BIG_VALUES, {200}),
], ids=["escaped-quotes", "values"])
def test_a_heavy_query_text_does_not_hold_health(server, query, statuses):
    """The issue's query took 114 s of the web thread and held /health as long."""
    assert len(query) <= 100_000
    answers = []
    sender = threading.Thread(target=lambda: answers.append(sparql(server.url, query)))
    sender.start()
    health = []
    while sender.is_alive() and len(health) < 200:
        health.append(fetch(server.url, "/health", timeout=10).seconds)
        time.sleep(0.02)
    sender.join(60)
    assert answers and answers[0].status in statuses, answers[0].text[:200] if answers else ""
    assert health and max(health) < 1.0
    if answers[0].status == 400:
        assert "syntax error" in answers[0].text.lower()


def test_over_the_length_limit_is_413_at_once(server):
    answer = sparql(server.url, "ASK {}" + " " * 100_000)
    assert answer.status == 413 and answer.seconds < 1.0
