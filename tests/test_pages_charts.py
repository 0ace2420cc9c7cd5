"""/charts with a country and indicator picker: a country by name or IRI, one indicator's series
with its gaps (the mini graph with the extra fixture)."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, make_app, make_store

MALI = "https://w3id.org/ctipgraph/id/place/mali"


@pytest.fixture(scope="module")
def client():
    return make_app(make_store(FIXTURES / "extra.ttl")).test_client()


def test_country_by_name(client):
    for name in ("Mali", "mali"):
        r = client.get("/charts.json", query_string={"country": name})
        assert r.status_code == 200 and r.get_json()["country"] == MALI
    r = client.get("/charts", query_string={"country": "Atlantis"})
    assert r.status_code == 404 and b"Mali" in r.data


def test_indicator_picker(client):
    html = client.get("/charts", query_string={"country": MALI}).get_data(as_text=True)
    assert '<select name="country">' in html and '<select name="indicator">' in html
    every = client.get("/charts.json", query_string={"country": MALI}).get_json()["series"]
    rows = [(g, r) for g in every["groups"] for r in g["rows"]]
    assert rows
    indicator = rows[0][1]["indicator"]
    one = client.get("/charts.json", query_string={"country": MALI, "indicator": indicator}
                     ).get_json()["series"]
    assert {r["indicator"] for g in one["groups"] for r in g["rows"]} == {indicator}
    assert one["years"] == every["years"]  # the same columns, gaps where nothing is stated
    assert client.get("/charts", query_string={"country": MALI, "indicator": MALI + "x"}
                      ).status_code == 404
