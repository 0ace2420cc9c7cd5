"""Pages whose size grows with the data come a page at a time: /trace?iri= (page, per_page, at
most MAX_LIMIT facts, the total shown) and hub resource pages under /id/."""

from __future__ import annotations

import pytest

from ctipgraph.serve import describe, trace_views

MALI = "https://w3id.org/ctipgraph/id/place/mali"


@pytest.fixture()
def client(browse_app):
    return browse_app.test_client()


def trace_json(client, **args) -> dict:
    response = client.get("/trace.json", query_string={"iri": MALI, **args})
    assert response.status_code == 200, response.data
    return response.get_json()


def facts(data: dict) -> list[tuple[str, str, str]]:
    return [(f["subject"], f["predicate"], f["object"]) for f in data["facts"]]


def test_trace_pages_cover_the_facts_once(client):
    everything = trace_json(client, per_page=100)
    total = everything["total"]
    assert total == len(everything["facts"]) > 4 and everything["next"] is None
    seen = []
    page, data = 1, trace_json(client, per_page=3, page=1)
    while True:
        assert data["total"] == total and data["page"] == page and len(data["facts"]) <= 3
        seen += facts(data)
        if data["next"] is None:
            break
        assert f"page={page + 1}" in data["next"] and "per_page=3" in data["next"]
        page += 1
        data = trace_json(client, per_page=3, page=page)
    assert seen == facts(everything) and page == -(-total // 3)


def test_trace_page_size_has_a_maximum(client):
    data = trace_json(client, per_page=10**6)
    assert data["limit"] == trace_views.MAX_LIMIT
    assert trace_json(client, limit=2)["limit"] == 2  # the old name still works
    for junk in ("-1", "x", "1e9", ""):
        assert trace_json(client, per_page=junk)["limit"] == trace_views.DEFAULT_LIMIT


def test_trace_html_shows_the_counts_and_links(client):
    total = trace_json(client, per_page=100)["total"]
    html = client.get("/trace", query_string={"iri": MALI, "per_page": 2, "page": 2}
                      ).data.decode()
    assert f"Facts 3–4 of {total}" in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert f"page 2 of {-(-total // 2)}" in html


def test_a_page_past_the_end_is_404(client):
    response = client.get("/trace.json", query_string={"iri": MALI, "per_page": 2,
                                                        "page": 999})
    assert response.status_code == 404


def test_hub_pages_are_paged(client, monkeypatch):
    monkeypatch.setattr(describe, "IN_LIMIT", 2)
    first = client.get("/id/place/mali").data.decode()
    second = client.get("/id/place/mali", query_string={"page": 2}).data.decode()
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert first != second
    wide = client.get("/id/place/mali", query_string={"per_page": 10**6}).data.decode()
    assert 'rel="next"' not in wide  # per_page is capped (MAX_PER_PAGE) but covers the fixture
