"""/evidence a list at a time: paged, filtered by document and words, sorted (the mini graph with
the extra fixture, as tests/test_evidence.py)."""

from __future__ import annotations

import re
import threading
import time

import pytest

from conftest import FIXTURES, make_app, make_store
from ctipgraph.serve import evidence_views

ID = "https://w3id.org/ctipgraph/id/"
EXTRA_DOC = ID + "doc/fixture-extra-2019-mali"


@pytest.fixture(scope="module")
def client():
    return make_app(make_store(FIXTURES / "extra.ttl")).test_client()


def traces(html: str) -> list[str]:
    return re.findall(r'href="(/trace\?[^"]+)"', html)


def test_overview_is_short_and_links_each_list(client):
    html = client.get("/evidence").get_data(as_text=True)
    for name in ("corroborated", "disagreements", "single_reference", "unreferenced"):
        assert f"?list={name}" in html
    assert len(traces(html)) <= 4 * 10 * 2


def test_a_list_in_pages(client):
    first = client.get("/evidence?list=unreferenced&per_page=2").get_data(as_text=True)
    second = client.get("/evidence?list=unreferenced&per_page=2&page=2").get_data(as_text=True)
    assert 'rel="next"' in first and "page 1 of" in first
    assert 'rel="prev"' in second
    assert traces(first) and traces(second) and not set(traces(first)) & set(traces(second))


def test_filters_by_document_and_words(client):
    every = client.get("/evidence?list=corroborated&per_page=500").get_data(as_text=True)
    only = client.get("/evidence?list=corroborated&per_page=500&doc=" + EXTRA_DOC
                      ).get_data(as_text=True)
    assert 0 < len(traces(only)) <= len(traces(every))
    words = client.get("/evidence?list=corroborated&per_page=500&q=tier").get_data(as_text=True)
    assert 0 < len(traces(words)) <= len(traces(every))
    assert client.get("/evidence?doc=not-a-document").status_code == 400
    assert client.get("/evidence?list=corroborated&sort=documents").status_code == 200


def test_a_request_during_the_computation_waits_then_is_told_to_come_back():
    """While another thread computes the report, a request waits within its page budget and
    is then answered 503 with Retry-After (not a second computation); once computed, 200."""
    app = make_app(make_store(FIXTURES / "extra.ttl"), PAGE_TIMEOUT=0.3)
    lock = app.extensions.setdefault("ctipgraph.provenance.evidence.lock", threading.Lock())
    lock.acquire()
    try:
        started = time.monotonic()
        busy = app.test_client().get("/evidence")
        assert busy.status_code == 503 and busy.headers["Retry-After"]
        assert "being computed" in busy.get_data(as_text=True)
        assert 0.2 <= time.monotonic() - started < 5
    finally:
        lock.release()
    assert "ctipgraph.provenance.evidence.cache" not in app.extensions or \
        "report" not in app.extensions["ctipgraph.provenance.evidence.cache"]
    evidence_views.warm(app)  # what `serve` runs in a thread at start-up
    assert app.extensions["ctipgraph.provenance.evidence.cache"]["report"].totals["facts"] > 0
    assert app.test_client().get("/evidence").status_code == 200


def test_views_kept_between_requests_answer_as_fresh_ones(monkeypatch):
    """The filtered, sorted lists and facet counts are kept per app (a small LRU): a page asked
    after other filters, and again, is the page an app that has kept nothing gives; the LRU
    stays small."""
    monkeypatch.setattr(evidence_views, "VIEW_CACHE_SIZE", 12)  # (5 entries a page)
    store = make_store(FIXTURES / "extra.ttl")
    app = make_app(store)
    client = app.test_client()
    asks = ["/evidence", "/evidence?sort=subject", f"/evidence?doc={EXTRA_DOC}",
            "/evidence?q=mali&sort=subject",
            "/evidence?list=unreferenced&per_page=2&page=2", "/evidence?list=corroborated"]
    first = [client.get(path).get_data(as_text=True) for path in asks]
    assert len(set(first)) == len(asks)  # each filter gives its own page
    again = [client.get(path).get_data(as_text=True) for path in reversed(asks)][::-1]
    fresh = [make_app(store).test_client().get(path).get_data(as_text=True) for path in asks]
    assert again == first == fresh  # (each fresh page from an app that has kept nothing)
    assert len(app.extensions["ctipgraph.evidence.views"]) == 12
