"""Server-side SVG: the evidence-chain diagram, the tier/advancement timeline and the funding bars
of /charts (+ .json) over the mini graph and the extra fixture; the series table (values by year,
with their sources) over a small invented fixture and over the built corpus."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from conftest import FIXTURES, make_app, make_store
from ctipgraph.paths import ONTOLOGY, TTL_DIR
from ctipgraph.serve.charts import (
    CTIP,
    Node,
    countries,
    decimal_text,
    fit,
    format_value,
    layered_svg,
)
from ctipgraph.store import GraphStore

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


def test_charts_for_a_country_given_and_unknown(client, tmp_path):
    page = client.get("/charts?" + urlencode({"country": MALI}))
    assert page.status_code == 200
    # a place the graph knows but states nothing about: the page, with the gaps said
    niger = tmp_path / "niger.ttl"
    niger.write_text("<https://w3id.org/ctipgraph/id/place/niger> a "
                     "<https://w3id.org/ctipgraph/ontology#Country> ; "
                     '<http://www.w3.org/2000/01/rdf-schema#label> "Niger" .\n')
    known = make_app(make_store(EXTRA, niger)).test_client()
    other = known.get("/charts?" + urlencode({"country": ID + "place/niger"}))
    assert other.status_code == 200
    text = other.get_data(as_text=True)
    assert "nothing stated" in text
    assert "No funding with a stated amount" in text
    # an IRI the graph does not know at all: 404 saying so (not an empty page that looks valid)
    for suffix in ("", ".json"):
        unknown = client.get(f"/charts{suffix}?" + urlencode({"country": ID + "place/niger"}))
        assert unknown.status_code == 404
        assert "says nothing about" in unknown.get_data(as_text=True)
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


# -- the series table: a country's values by year ------------------------------------------------

FREEDONIA = ID + "place/freedonia"
#: three reports (2017, 2019, 2020) on an invented country: a figure stated by two reports (2019
#: labor inspectors, restated as the previous year by the 2020 report), a disagreement (2019
#: convictions: 1 or 2), Yes/No/N/A/Unknown answers, an amount in USD, a statistic of 2015, an
#: advancement level; 2016 and 2018 have neither a report nor a value. Labels with markup.
SERIES_TTL = """
@base <https://w3id.org/ctipgraph/id/> .
@prefix ctip: <https://w3id.org/ctipgraph/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .

<place/freedonia> a ctip:Country ; rdfs:label "Freedonia" .
<place/nowhere> a ctip:Country ; rdfs:label "Nowhere" .
<concept/indicator/hostile> a ctip:Indicator ; skos:inScheme <concept/indicator> ;
    skos:prefLabel "<script>alert('x')</script> raids & more" .
"""


def _series_ttl() -> str:
    """SERIES_TTL plus documents, passages, facts and claims written out."""
    parts = [SERIES_TTL]
    for year in (2017, 2019, 2020):
        doc = f"doc/fixture-series-{year}"
        parts.append(f"""
<{doc}> a ctip:SourceDocument ; dcterms:title "{year} Findings: Freedonia" ;
    ctip:reportingYear "{year}"^^xsd:gYear ; ctip:country <place/freedonia> .
<{doc}/section/1> a ctip:Section ; ctip:inDocument <{doc}> ; dcterms:title "Labor Law Enforcement" .
<{doc}/section/2> a ctip:Section ; ctip:inDocument <{doc}> ;
    dcterms:title "<i>Criminal</i> Law Enforcement & Co" .
<{doc}/section/3> a ctip:Section ; ctip:inDocument <{doc}> ; dcterms:title "Overview" .""")
    facts = [  # (subject, class, indicator, year, property, object, [(report, section, order)])
        ("mali-like-2017-inspectors", "EnforcementFigure", "labor-inspectors", 2017, "value",
         '"100"^^xsd:decimal', [(2017, 1, 10)]),
        ("mali-like-2019-inspectors", "EnforcementFigure", "labor-inspectors", 2019, "value",
         '"113"^^xsd:decimal', [(2019, 1, 10), (2020, 1, 9)]),
        ("mali-like-2020-inspectors", "EnforcementFigure", "labor-inspectors", 2020,
         "valueUnknown", "true", [(2020, 1, 10)]),
        ("mali-like-2019-funding", "EnforcementFigure", "labor-inspectorate-funding", 2019,
         "value", '"85000"^^xsd:decimal', [(2019, 1, 8)]),
        ("mali-like-2019-refresher", "EnforcementFigure", "labor-refresher-courses", 2019,
         "booleanValue", "true", [(2019, 1, 12)]),
        ("mali-like-2020-refresher", "EnforcementFigure", "labor-refresher-courses", 2020,
         "booleanValue", "false", [(2020, 1, 12)]),
        ("mali-like-2020-new-law", "EnforcementFigure", "labor-new-law-training", 2020,
         "valueNotApplicable", "true", [(2020, 1, 14)]),
        ("mali-like-2019-convictions", "EnforcementFigure", "convictions", 2019, "value",
         '"1"^^xsd:decimal', [(2019, 2, 30)]),
        ("mali-like-2019-convictions", "EnforcementFigure", "convictions", 2019, "value",
         '"2"^^xsd:decimal', [(2020, 2, 29)]),
        ("mali-like-2019-raids", "EnforcementFigure", "hostile", 2019, "value",
         '"7"^^xsd:decimal', [(2019, 2, 31)]),
        ("mali-like-2015-working", "Observation", "working-children", 2015, "value",
         '"49.2"^^xsd:decimal', [(2019, 3, 2)]),
    ]
    units = {"labor-inspectors": "inspectors", "labor-inspectorate-funding": "USD",
             "working-children": "percent", "convictions": "convictions"}
    for n, (name, cls, indicator, year, prop, obj, claims) in enumerate(facts):
        s = f"observation/{name}"
        extra = ""
        if cls == "EnforcementFigure":
            extra += " ; ctip:area <concept/area/enforcement>"
        else:
            extra += " ; ctip:ageMin 5 ; ctip:ageMax 14"
        if indicator in units and prop == "value":
            extra += f' ; ctip:unit "{units[indicator]}"'
        parts.append(f"""
<{s}> a ctip:{cls} ; ctip:indicator <concept/indicator/{indicator}> ;
    ctip:country <place/freedonia> ; ctip:year "{year}"^^xsd:gYear ; ctip:{prop} {obj}{extra} .""")
        for m, (report, section, order) in enumerate(claims):
            doc = f"doc/fixture-series-{report}"
            cell = f"{doc}/table/{section}/row/{n + 2}/cell/{m + 2}"
            parts.append(f"""
<{cell}> a ctip:TableCell ; ctip:inDocument <{doc}> ; ctip:inSection <{doc}/section/{section}> ;
    ctip:order {order} ; oa:hasSelector <{cell}#position>, <{cell}#quote> .
<{cell}#position> a oa:TextPositionSelector ; oa:start {order * 10} ; oa:end {order * 10 + 3} .
<{cell}#quote> a oa:TextQuoteSelector ; oa:exact "{name} {prop}" .
<{doc}/claim/{n}-{m}> a ctip:Claim ; rdf:subject <{s}> ; rdf:predicate ctip:{prop} ;
    rdf:object {obj} ; prov:wasQuotedFrom <{cell}> ; ctip:inDocument <{doc}> .""")
    parts.append("""
<assessment/freedonia-advancement-2019> a ctip:AdvancementAssessment ;
    ctip:country <place/freedonia> ; ctip:year "2019"^^xsd:gYear ;
    ctip:advancementLevel <concept/advancement/moderate-advancement> .
<doc/fixture-series-2019/sentence/1> a ctip:Sentence ; ctip:inDocument <doc/fixture-series-2019> ;
    ctip:order 1 ; oa:hasSelector <doc/fixture-series-2019/sentence/1#position>,
        <doc/fixture-series-2019/sentence/1#quote> .
<doc/fixture-series-2019/sentence/1#position> a oa:TextPositionSelector ; oa:start 0 ; oa:end 9 .
<doc/fixture-series-2019/sentence/1#quote> a oa:TextQuoteSelector ;
    oa:exact "Freedonia made a moderate advancement" .
<doc/fixture-series-2019/claim/advancement> a ctip:Claim ;
    rdf:subject <assessment/freedonia-advancement-2019> ; rdf:predicate ctip:advancementLevel ;
    rdf:object <concept/advancement/moderate-advancement> ;
    prov:wasQuotedFrom <doc/fixture-series-2019/sentence/1> ;
    ctip:inDocument <doc/fixture-series-2019> .""")
    return "\n".join(parts) + "\n"


@pytest.fixture(scope="module")
def series_client(tmp_path_factory):
    path = tmp_path_factory.mktemp("series") / "series.ttl"
    path.write_text(_series_ttl(), encoding="utf-8")
    return make_app(make_store(path)).test_client()


def _freedonia(client, suffix: str = ""):
    return client.get(f"/charts{suffix}?" + urlencode({"country": FREEDONIA}))


def _row(data: dict, indicator: str) -> dict:
    [row] = [r for g in data["series"]["groups"] for r in g["rows"]
             if r["indicator"] == ID + "concept/indicator/" + indicator]
    return row


def _cell(row: dict, year: int) -> dict | None:
    return next((c for c in row["cells"] if c["year"] == year), None)


def test_series_groups_rows_and_values(series_client):
    data = _freedonia(series_client, ".json").get_json()
    series = data["series"]
    assert series["years"] == [2015, 2016, 2017, 2018, 2019, 2020]
    assert series["gapYears"] == [2016, 2018]
    assert series["reportYears"] == {str(y): [ID + f"doc/fixture-series-{y}"]
                                     for y in (2017, 2019, 2020)}
    groups = [(g["label"], [r["label"] for r in g["rows"]]) for g in series["groups"]]
    assert groups == [
        ("USDOL advancement levels", ["Advancement level"]),
        # the section the reports state them in, rows in the order of the reports
        ("Labor Law Enforcement", ["Labor inspectorate funding", "Labor inspectors",
                                   "Refresher courses for labor inspectors",
                                   "Training of labor inspectors on new laws"]),
        ("<i>Criminal</i> Law Enforcement & Co", [
            "Convictions", "<script>alert('x')</script> raids & more"]),
        ("Statistics", ["Working children (ages 5–14)"]),
    ]
    assert series["groups"][1]["concept"] == ID + "concept/area/enforcement"
    texts = {(r["label"], c["year"]): [v["text"] for v in c["values"]]
             for g in series["groups"] for r in g["rows"] for c in r["cells"]}
    assert texts == {
        ("Advancement level", 2019): ["Moderate Advancement"],
        ("Labor inspectorate funding", 2019): ["$85,000"],
        ("Labor inspectors", 2017): ["100"],
        ("Labor inspectors", 2019): ["113"],
        ("Labor inspectors", 2020): ["Unknown"],  # no unit: joins the row of its indicator
        ("Refresher courses for labor inspectors", 2019): ["Yes"],
        ("Refresher courses for labor inspectors", 2020): ["No"],
        ("Training of labor inspectors on new laws", 2020): ["N/A"],
        ("Convictions", 2019): ["1", "2"],
        ("<script>alert('x')</script> raids & more", 2019): ["7"],
        ("Working children (ages 5–14)", 2015): ["49.2%"],
    }


def test_series_a_fact_stated_by_two_reports_shows_both(series_client):
    data = _freedonia(series_client, ".json").get_json()
    [value] = _cell(_row(data, "labor-inspectors"), 2019)["values"]
    assert (value["text"], value["value"], value["unit"]) == ("113", "113", "inspectors")
    assert [(s["reportingYear"], s["read"]) for s in value["sources"]] == [
        (2019, "/read/fixture-series-2019#table-1-row-3-cell-2"),
        (2020, "/read/fixture-series-2020#table-1-row-3-cell-3")]
    assert value["sources"][1]["section"] == "Labor Law Enforcement"
    assert not _cell(_row(data, "labor-inspectors"), 2019)["disputed"]
    html = _freedonia(series_client).get_data(as_text=True)
    cell = _html_cell(html, "Labor inspectors", 2019)
    assert cell.count('class="series-source"') == 2
    assert 'href="/read/fixture-series-2019#table-1-row-3-cell-2"' in cell
    assert 'href="/read/fixture-series-2020#table-1-row-3-cell-3"' in cell
    assert ">113</a>" in cell and "disputed" not in cell
    trace = series_client.get(value["trace"].replace("&amp;", "&"))
    assert trace.status_code == 200
    assert "fixture-series-2020" in trace.get_data(as_text=True)


def test_series_disagreement_shows_both_values_with_their_sources(series_client):
    data = _freedonia(series_client, ".json").get_json()
    cell = _cell(_row(data, "convictions"), 2019)
    assert cell["disputed"]
    assert [(v["text"], [s["reportingYear"] for s in v["sources"]]) for v in cell["values"]] == [
        ("1", [2019]), ("2", [2020])]
    for value in cell["values"]:
        assert series_client.get(value["trace"]).status_code == 200
    html = _html_cell(_freedonia(series_client).get_data(as_text=True), "Convictions", 2019)
    assert "series-cell disputed" in html and "reports differ" in html
    assert ">1</a>" in html and ">2</a>" in html
    assert html.index(">1</a>") < html.index("fixture-series-2019") < html.index(">2</a>") \
        < html.index("fixture-series-2020")


def test_series_years_without_data_are_gaps(series_client):
    data = _freedonia(series_client, ".json").get_json()
    assert _cell(_row(data, "labor-inspectors"), 2018) is None
    html = _freedonia(series_client).get_data(as_text=True)
    start = html.index('<table class="series">')
    table = html[start:html.index("</table>", start)]
    heads = [h.split(">", 1)[1].split("<", 1)[0].strip()
             for h in table.split("<thead>")[1].split("</thead>")[0].split('<th scope="col"')[1:]]
    assert heads == ["Indicator", "2015", "2016", "2017", "2018", "2019", "2020"]
    assert table.count('class="series-year gap"') == 2
    rows = table.count('<th scope="row"')
    assert table.count('class="series-cell gap" data-year="2018"') == rows
    assert table.count('class="series-cell gap" data-year="2016"') == rows
    # a year with a report but nothing stated for this row: a dash, not a gap
    assert 'class="series-cell none" data-year="2017"' in _html_row(html, "Convictions")


def test_series_gap_runs_collapse_into_one_column(mini_client):
    """Mini: a statistic of 2013 read from the 2017 report; 2014-2016 are one gap column."""
    series = mini_client.get("/charts.json").get_json()["series"]
    assert series["years"] == [2013, 2014, 2015, 2016, 2017]
    assert series["gapYears"] == [2014, 2015, 2016]
    [group] = series["groups"]
    assert [r["label"] for r in group["rows"]] == ["Working children (ages 5–14, children)",
                                                   "Working children (ages 5–14, percent)"]
    html = mini_client.get("/charts").get_data(as_text=True)
    head = html[html.index('<table class="series">'):].split("</thead>")[0]
    assert head.count("<th scope=\"col\"") == 4  # indicator, 2013, 2014–2016, 2017
    assert "2014–2016" in head and 'href="/read/usdol-findings-2017-mali"' in head
    assert ">1,216,300</a>" in html and ">25.1%</a>" in html


def test_series_escapes_labels(series_client):
    html = _freedonia(series_client).get_data(as_text=True)
    assert "<script>alert" not in html and "<i>Criminal" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; raids &amp; more" in html
    assert "&lt;i&gt;Criminal&lt;/i&gt; Law Enforcement &amp; Co" in html


def test_series_of_a_country_without_values(series_client):
    page = series_client.get("/charts?" + urlencode({"country": ID + "place/nowhere"}))
    assert page.status_code == 200
    assert "No advancement level, enforcement figure or statistic" in page.get_data(as_text=True)
    data = series_client.get("/charts.json?" + urlencode({"country": ID + "place/nowhere"}))
    assert data.get_json()["series"] == {"years": [], "reportYears": {}, "gapYears": [],
                                         "groups": []}


@pytest.mark.parametrize("country", ['x" } ; DROP', "a>b", "{}", "a\\b", "a\nb", "<" * 2000])
def test_series_bad_country_is_a_400(series_client, country):
    for suffix in ("", ".json"):
        response = series_client.get(f"/charts{suffix}?" + urlencode({"country": country}))
        assert response.status_code == 400


def test_series_is_deterministic(series_client):
    assert _freedonia(series_client).data == _freedonia(series_client).data
    assert _freedonia(series_client, ".json").data == _freedonia(series_client, ".json").data


def test_format_value():
    value, unknown = CTIP + "value", CTIP + "valueUnknown"
    dec = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    assert format_value(value, ox.Literal("85000", datatype=dec), "USD") == ("$85,000", "amount")
    assert format_value(value, ox.Literal("1500.50", datatype=dec), "XOF") == (
        "1,500.5 XOF", "amount")
    assert format_value(value, ox.Literal("1216300", datatype=dec), "children") == (
        "1,216,300", "number")
    assert format_value(value, ox.Literal("26.0", datatype=dec), "percent") == ("26%", "percent")
    assert format_value(CTIP + "booleanValue", ox.Literal("false", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#boolean")), None) == ("No", "no")
    assert format_value(unknown, ox.Literal("false"), None) is None
    assert format_value(CTIP + "valueNotApplicable", ox.Literal("true"), None) == (
        "N/A", "not-applicable")
    assert decimal_text("1E+3") == "1,000" and decimal_text("n/a") == "n/a"


def _html_row(html: str, label: str) -> str:
    """The <tr> of the series table whose row header link reads `label`."""
    at = html.index(f">{label}</a>", html.index('<table class="series">'))
    return html[html.rindex("<tr", 0, at):html.index("</tr>", at)]


def _html_cell(html: str, label: str, year: int) -> str:
    row = _html_row(html, label)
    start = row.rindex("<td", 0, row.index(f'data-year="{year}"'))
    return row[start:row.index("</td>", start)]


# -- the series on the built corpus ---------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_client():
    inspectors = "observation/mali-2019-labor-inspectors-child-labor"
    if not any(inspectors in p.read_text(encoding="utf-8") for p in TTL_DIR.glob("*.ttl")):
        pytest.skip("data/ttl/ holds no Mali 2019 labor inspectors figure (run ctipgraph build)")
    store = GraphStore.from_files([(p, None) for p in sorted(TTL_DIR.glob("*.ttl"))]
                                  + [(ONTOLOGY, None)])
    return make_app(store, TEXT_DIR=str(TTL_DIR)).test_client()


def test_corpus_mali_2019_labor_inspectors_links_to_the_2019_report(corpus_client):
    query = "?" + urlencode({"country": MALI})
    data = corpus_client.get("/charts.json" + query).get_json()
    cell = _cell(_row(data, "labor-inspectors"), 2019)
    assert [v["text"] for v in cell["values"]] == ["113"]
    [value] = cell["values"]
    reads = {s["reportingYear"]: s["read"] for s in value["sources"]}
    assert reads[2019].startswith("/read/usdol-findings-2019-mali#table-")
    assert corpus_client.get(value["trace"]).status_code == 200
    html = corpus_client.get("/charts" + query).get_data(as_text=True)
    cell_html = _html_cell(html, "Labor inspectors", 2019)
    assert ">113</a>" in cell_html
    assert f'href="{reads[2019]}"' in cell_html
    reader = corpus_client.get(reads[2019].split("#")[0])
    assert reader.status_code == 200
    assert f'id="{reads[2019].split("#")[1]}"' in reader.get_data(as_text=True)
