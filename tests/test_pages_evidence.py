"""/evidence a list at a time: paged, filtered by document and words, sorted (the mini graph with
the extra fixture, as tests/test_evidence.py)."""

from __future__ import annotations

import re

import pytest

from conftest import FIXTURES, make_app, make_store

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
