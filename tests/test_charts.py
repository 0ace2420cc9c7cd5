"""Server-side SVG: the evidence-chain diagram, the tier/advancement timeline and the funding bars
of /charts (+ .json) over the mini graph and the extra fixture."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest

from conftest import FIXTURES, make_app, make_store
from ctipgraph.serve.charts import Node, countries, fit, layered_svg

ID = "https://w3id.org/ctipgraph/id/"
MALI = ID + "place/mali"
NS = {"svg": "http://www.w3.org/2000/svg"}
EXTRA = FIXTURES / "extra.ttl"


@pytest.fixture(scope="module")
def store():
    return make_store(EXTRA)


@pytest.fixture(scope="module")
def client(store):
    return make_app(store).test_client()


@pytest.fixture(scope="module")
def mini_client():
    return make_app(make_store()).test_client()


def svgs(html: str) -> list[ET.Element]:
    """Every inline <svg> of a page, parsed as XML (so each is well-formed)."""
    found, start = [], html.find("<svg")
    while start != -1:
        end = html.index("</svg>", start) + len("</svg>")
        found.append(ET.fromstring(html[start:end]))
        start = html.find("<svg", end)
    return found


# -- the layered diagram ------------------------------------------------------------------------


def test_layered_svg_escapes_and_is_deterministic():
    columns = [[Node("a", '<script>alert("x")</script>', "sub & more", "tip <b>", "/x?a=1&b=2",
                     "fact")],
               [Node(f"n{i}", f"node {i}", href=None, kind="claim") for i in range(3)]]
    edges = [("a", f"n{i}") for i in range(3)] + [("a", "missing")]
    one = layered_svg(["A", "B"], columns, edges, "a <title>")
    two = layered_svg(["A", "B"], columns, edges, "a <title>")
    assert one == two
    assert "<script>" not in one
    root = ET.fromstring(one)
    assert root.find("svg:title", NS).text == "a <title>"
    assert root.find(".//svg:a", NS).get("href") == "/x?a=1&b=2"
    assert len(root.findall(".//svg:path", NS)) == 3  # the edge to a missing node is dropped
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert '<script>alert("x")</s…' in texts


def test_layered_svg_caps_long_columns():
    nodes = [Node(f"n{i}", f"node {i}") for i in range(40)]
    root = ET.fromstring(layered_svg(["Only"], [nodes], [], "many"))
    titles = [t.text for t in root.iterfind(".//svg:text[@class='box-title']", NS)]
    assert len(titles) == 14 and titles[-1] == "… 27 more"


def test_fit():
    assert fit("short", 10) == "short"
    assert fit("a  b\nc", 10) == "a b c"
    assert fit("abcdefghijkl", 6) == "abcde…"


# -- data ---------------------------------------------------------------------------------------


def test_countries_default_to_the_most_placed(store):
    found = countries(store)
    assert found[0]["iri"] == MALI and found[0]["label"] == "Mali"
    assert found[0]["placements"] == 4 and found[0]["assessments"] == 1


def test_timeline_json(mini_client, client):
    mini = mini_client.get("/charts.json").get_json()
    assert mini["country"] == MALI
    tiers = [(p["year"], p["label"], p["disputed"]) for p in mini["timeline"]["tier"]]
    assert tiers == [(2015, "Tier 2 Watch List", False), (2017, "Tier 2 Watch List", True),
                     (2017, "Tier 3", True), (2018, "Tier 2 Watch List", False)]
    assert mini["timeline"]["advancement"] == []
    extra = client.get("/charts.json").get_json()
    [advancement] = extra["timeline"]["advancement"]
    assert (advancement["year"], advancement["label"]) == (2019, "Moderate Advancement")
    assert advancement["documents"] == [ID + "doc/fixture-extra-2019-mali"]
    assert (2019, "Tier 2 Watch List") in {(p["year"], p["label"])
                                           for p in extra["timeline"]["tier"]}


def test_funding_is_grouped_by_currency_as_stated(client):
    funding = client.get("/charts.json").get_json()["funding"]
    assert list(funding) == ["EUR", "USD"]
    [eur] = funding["EUR"]
    assert (eur["funderLabel"], eur["amount"]) == ("European Union", "400000")
    usd = [(b["funderLabel"], b["amount"], b["matching"]) for b in funding["USD"]]
    assert usd == [("European Union", "13000000", False), ("U.S. Department of Labor", "3000000",
                                                           False),
                   ("U.S. Department of Labor", "2500000", False),
                   ("CARE Mali", "802455", True), ("Government of Mali", "381000", False)]


# -- the page -----------------------------------------------------------------------------------


def test_charts_page_draws_linked_points_and_bars(client):
    response = client.get("/charts")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    timeline, *bars = svgs(html)
    assert "timeline" in timeline.get("class")
    points = timeline.findall(".//svg:a", NS)
    assert len(points) == 6  # four tier placements (2017 twice) and one of each in 2019
    for a in points:
        assert a.get("href").startswith("/trace?s=")
        assert client.get(a.get("href")).status_code == 200
    disputed = timeline.findall(".//svg:g[@class='point disputed']", NS)
    assert len(disputed) == 2
    assert [b.find("svg:title", NS).text for b in bars] == [
        "Funding stated in EUR, by funder and funded item",
        "Funding stated in USD, by funder and funded item"]
    for svg in bars:
        for a in svg.findall(".//svg:a", NS):
            trace = client.get(a.get("href"))
            assert trace.status_code == 200
            assert "amount" in trace.get_data(as_text=True)
    assert "/charts.json" in response.headers["Link"]


def test_charts_are_deterministic(client):
    assert client.get("/charts").data == client.get("/charts").data


def test_charts_for_a_country_given_and_unknown(client):
    page = client.get("/charts?" + urlencode({"country": MALI}))
    assert page.status_code == 200
    other = client.get("/charts?" + urlencode({"country": ID + "place/niger"}))
    assert other.status_code == 200
    text = other.get_data(as_text=True)
    assert "nothing stated" in text
    assert "No funding with a stated amount" in text
    bad = client.get("/charts?" + urlencode({"country": "<bad iri>"}))
    assert bad.status_code == 400
    assert client.get("/charts.json?" + urlencode({"country": "a b"})).get_json()["error"]
    assert client.get("/charts.png").status_code == 404


def test_charts_escape_labels(tmp_path):
    hostile = tmp_path / "hostile.ttl"
    hostile.write_text(f"""
        @prefix ctip: <https://w3id.org/ctipgraph/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{ID}funding/evil> a ctip:Funding ; ctip:funder <{ID}org/evil> ;
            ctip:fundedItem <{ID}program/evil> ; ctip:amount 5 ; ctip:currency "<i>XOF</i>" .
        <{ID}org/evil> rdfs:label "<script>alert('x')</script> & Co" .
        <{ID}program/evil> rdfs:label "</svg><b>bold</b>" ; ctip:country <{MALI}> .
        """, encoding="utf-8")
    client = make_app(make_store(hostile)).test_client()
    html = client.get("/charts").get_data(as_text=True)
    assert "<script>alert" not in html and "<b>bold" not in html and "<i>XOF" not in html
    texts = [t.text for svg in svgs(html) for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert any(t.startswith("<script>alert('x')</script> & Co → </svg><b>") for t in texts)
    assert "5 <i>XOF</i>" in texts
