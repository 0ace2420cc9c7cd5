"""/trace over the mini graph and the extra fixture: one fact, all facts about a resource, a phrase;
the HTML with its SVG chain, the JSON and Turtle twins, the error pages; and a walk over every
claim of the graph checking that it resolves to a passage quoted verbatim from its document."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlencode, urlsplit

import pyoxigraph as ox
import pytest

from conftest import FIXTURES, make_app, make_store
from ctipgraph.paths import ONTOLOGY, TTL_DIR
from ctipgraph.provenance.trace import OTHER_VALUES
from ctipgraph.store import GraphStore

ID = "https://w3id.org/ctipgraph/id/"
CTIP = "https://w3id.org/ctipgraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
EXTRA = FIXTURES / "extra.ttl"
EXTRA_DOC = "fixture-extra-2019-mali"
GATIA = (ID + "org/gatia", CTIP + "engagesIn", ID + "concept/exploitation/child-soldiering")
TIER_2017 = ID + "assessment/mali-tier-placement-2017"
SCRIPT_ROLE = (ID + "org/script-watch", CTIP + "role",
               '"<script>alert(\\"x\\")</script> Watch & Co."')
CLAIMS_QUERY = """
    PREFIX ctip: <https://w3id.org/ctipgraph/ontology#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    SELECT ?c ?s ?p ?o WHERE { ?c a ctip:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }
    ORDER BY ?c"""


@pytest.fixture(scope="module")
def store():
    return make_store(EXTRA)


@pytest.fixture(scope="module")
def client(store, texts):
    return make_app(store, TEXT_DIR=str(texts)).test_client()


def trace_path(s: str, p: str, o: str, suffix: str = "") -> str:
    return f"/trace{suffix}?" + urlencode({"s": s, "p": p, "o": o})


# -- one fact -------------------------------------------------------------------------------------


def test_fact_page_shows_the_whole_chain(client):
    response = client.get(trace_path(*GATIA))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Tuareg Imghad and Allies Self-Defense Group" in html
    assert "2017 Findings on the Worst Forms of Child Labor: Mali" in html  # document
    assert "Bureau of International Labor Affairs" in html  # issuer
    assert "https://www.dol.gov/agencies/ilab/resources/reports/child-labor/mali" in html
    assert "<mark>Although the incidence of child soldiers decreased" in html  # quote
    assert '<span class="context">…' in html  # with its context from the text
    assert "verbatim in the text" in html
    for key in ("[3]", "[4]", "[33]", "[34]"):
        assert key in html
    assert "source on file" in html
    assert 'href="/read/usdol-findings-2017-mali#sentence-61"' in html
    assert 'href="/id/doc/usdol-findings-2017-mali/claim/2f487aa05d82bc82"' in html


def test_fact_page_draws_the_chain_as_svg(client):
    html = client.get(trace_path(*GATIA)).get_data(as_text=True)
    start = html.index("<svg")
    svg = html[start:html.index("</svg>", start) + len("</svg>")]
    root = ET.fromstring(svg)  # well-formed XML
    ns = {"svg": "http://www.w3.org/2000/svg"}
    heads = [t.text for t in root.iterfind(".//svg:text[@class='col-head']", ns)]
    assert heads == ["Fact", "Claims", "Passages", "Documents", "References"]
    links = [a.get("href") for a in root.iterfind(".//svg:a", ns)]
    assert "/id/org/gatia" in links
    assert "/read/usdol-findings-2017-mali#sentence-61" in links
    assert "/read/usdol-findings-2017-mali#ref-33" in links
    assert "/id/doc/usdol-findings-2017-mali" in links
    assert len(root.findall(".//svg:path", ns)) >= 1 + 1 + 1 + 4  # fact→claim→passage→doc→refs
    # deterministic: the same picture every time
    again = client.get(trace_path(*GATIA)).get_data(as_text=True)
    assert again[again.index("<svg"):again.index("</svg>")] == svg[:-len("</svg>")]


def test_literal_object_in_ntriples_form(client):
    response = client.get(trace_path(TIER_2017, CTIP + "year", f'"2017"^^<{XSD}gYear>'))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "2 claims in 2 documents" in html


def test_other_documents_values_are_shown(client):
    html = client.get(trace_path(TIER_2017, CTIP + "tier", ID + "concept/tier/tier-3")) \
        .get_data(as_text=True)
    assert "Other documents give a different value" in html
    assert "Tier 2 Watch List" in html
    other = trace_path(TIER_2017, CTIP + "tier", ID + "concept/tier/tier-2-watch-list")
    assert other.replace("&", "&amp;") in html
    assert client.get(other).status_code == 200


def test_markup_in_a_literal_is_shown_as_text(client):
    response = client.get(trace_path(*SCRIPT_ROLE))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Watch &amp; Co." in html
    start = html.index("<svg")
    ET.fromstring(html[start:html.index("</svg>", start) + len("</svg>")])


# -- resources and phrases ------------------------------------------------------------------------


def test_all_facts_about_a_resource(client):
    response = client.get("/trace?" + urlencode({"iri": TIER_2017}))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('<article class="fact-trace"') == 4  # country, year and two tiers
    assert "Evidence about" in html
    assert html.count("<svg") == 4


def test_facts_matching_a_phrase(client):
    response = client.get("/trace?q=GATIA")
    assert response.status_code == 200
    assert "Tuareg Imghad" in response.get_data(as_text=True)
    limited = client.get("/trace.json?q=Mali&limit=2").get_json()
    assert len(limited["facts"]) <= 2 and limited["truncated"]


# -- twins ----------------------------------------------------------------------------------------


def test_json_twin_by_suffix_and_by_accept(client):
    by_suffix = client.get(trace_path(*GATIA, suffix=".json"))
    assert by_suffix.status_code == 200 and by_suffix.mimetype == "application/json"
    data = by_suffix.get_json()
    [fact] = data["facts"]
    assert fact["subject"] == f"<{GATIA[0]}>"
    assert fact["documents"] == [ID + "doc/usdol-findings-2017-mali"]
    [claim] = fact["claims"]
    assert claim["passages"][0]["iri"].endswith("/sentence/61")
    assert [r["key"] for r in claim["references"]] == ["3", "4", "33", "34"]
    by_accept = client.get(trace_path(*GATIA), headers={"Accept": "application/json"})
    assert by_accept.mimetype == "application/json"
    assert by_accept.get_json()["facts"] == data["facts"]
    html = client.get(trace_path(*GATIA), headers={"Accept": "text/html"})
    assert html.mimetype == "text/html"
    assert "/trace.json?" in html.headers["Link"] and "/trace.ttl?" in html.headers["Link"]


def test_turtle_twin(client):
    for response in (client.get(trace_path(*GATIA, suffix=".ttl")),
                     client.get(trace_path(*GATIA), headers={"Accept": "text/turtle"})):
        assert response.status_code == 200
        assert response.mimetype == "text/turtle"
        triples = list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))
        claim = ox.NamedNode(ID + "doc/usdol-findings-2017-mali/claim/2f487aa05d82bc82")
        assert any(t.subject == claim for t in triples)
        assert any(t.predicate.value == "http://www.w3.org/ns/oa#exact" for t in triples)


# -- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("query,message", [
    ("", "give a fact (s, p and o), a resource (iri) or a phrase (q)"),
    (urlencode({"s": GATIA[0], "p": GATIA[1]}), "missing: o"),
    (urlencode({"s": "not an iri", "p": GATIA[1], "o": GATIA[2]}), "not an IRI"),
    (urlencode({"s": GATIA[0], "p": GATIA[1], "o": '"unterminated'}), "not an N-Triples literal"),
    (urlencode({"s": '"x"', "p": GATIA[1], "o": GATIA[2]}), "must be IRIs"),
    (urlencode({"iri": "<a b>"}), "not an IRI"),
    (urlencode({"q": "x" * 201}), "longer than 200"),
])
def test_bad_requests_are_400_with_a_message(client, query, message):
    response = client.get("/trace?" + query)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    as_json = client.get("/trace.json?" + query)
    assert as_json.status_code == 400
    assert message in as_json.get_json()["detail"]


@pytest.mark.parametrize("query", [
    urlencode({"s": GATIA[0], "p": GATIA[1], "o": ID + "concept/exploitation/forced-labor"}),
    urlencode({"iri": ID + "org/nobody"}),
    urlencode({"q": "no such phrase anywhere"}),
])
def test_facts_without_claims_are_404(client, query):
    response = client.get("/trace?" + query)
    assert response.status_code == 404
    assert "No evidence" in response.get_data(as_text=True)
    assert client.get("/trace.json?" + query).get_json()["error"] == "No evidence"


def test_unknown_suffix_is_404(client):
    assert client.get(trace_path(*GATIA, suffix=".xml")).status_code == 404


# -- every claim resolves -------------------------------------------------------------------------


def _walk(client, store, text_dir) -> tuple[int, dict[str, str]]:
    """Trace every fact of every claim; return the claims seen and each passage's check."""
    facts: dict[tuple[str, str, str], set[str]] = {}
    for row in store.query(CLAIMS_QUERY):
        o = row["o"].value if isinstance(row["o"], ox.NamedNode) else str(row["o"])
        facts.setdefault((row["s"].value, row["p"].value, o), set()).add(row["c"].value)
    checks: dict[str, str] = {}
    texts: dict[str, str | None] = {}
    seen = 0
    for (s, p, o), claims in sorted(facts.items()):
        response = client.get(trace_path(s, p, o, suffix=".json"))
        assert response.status_code == 200, (s, p, o)
        [fact] = response.get_json()["facts"]
        traced = {c["iri"]: c for c in fact["claims"]}
        assert claims <= set(traced), (s, p, o, claims - set(traced))
        for iri in claims:
            claim = traced[iri]
            assert claim["passages"], f"{iri} quotes no passage"
            seen += 1
            text_file = claim["document"]["text_file"]
            if text_file not in texts:
                path = text_dir / text_file if text_file else None
                texts[text_file] = path.read_text(encoding="utf-8") \
                    if path and path.is_file() else None
            text = texts[text_file]
            for passage in claim["passages"]:
                if text is None:
                    checks[passage["iri"]] = "no-text"
                elif text[passage["start"]:passage["end"]] == passage["quote"]:
                    checks[passage["iri"]] = "verbatim"
                else:
                    checks[passage["iri"]] = "differs"
    return seen, checks


def test_every_fixture_claim_resolves_to_its_passages(client, store, texts):
    seen, checks = _walk(client, store, texts)
    total = len(list(store.query(CLAIMS_QUERY)))
    assert seen == total > 100
    # the extra fixture was written against its own text: every quote is verbatim
    extra = {p: c for p, c in checks.items() if f"/doc/{EXTRA_DOC}/" in p}
    assert extra and set(extra.values()) == {"verbatim"}
    # mini.ttl quotes some passages the current texts normalize differently (and two invented
    # ones): the trace page says so instead of claiming a verbatim quote
    differing = [p for p, c in checks.items() if c == "differs"]
    assert any(c == "verbatim" for p, c in checks.items() if f"/doc/{EXTRA_DOC}/" not in p)
    for passage in differing[:3]:
        claim_rows = store.query(f"""PREFIX prov: <http://www.w3.org/ns/prov#>
            PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
            SELECT ?s ?p ?o WHERE {{ ?c prov:wasQuotedFrom <{passage}> ; rdf:subject ?s ;
              rdf:predicate ?p ; rdf:object ?o }} LIMIT 1""")
        row = next(iter(claim_rows))
        o = row["o"].value if isinstance(row["o"], ox.NamedNode) else str(row["o"])
        html = client.get(trace_path(row["s"].value, row["p"].value, o)).get_data(as_text=True)
        assert "not verbatim in the text" in html or "in the text at other offsets" in html


@pytest.mark.slow  # a few minutes: every fact of the built corpus, one trace each
def test_every_built_claim_resolves_to_a_verbatim_quote():
    if not any("ctip:Claim" in p.read_text(encoding="utf-8") for p in TTL_DIR.glob("*.ttl")):
        pytest.skip("data/ttl/ holds no claims yet (facts and claims are issue 4's work): "
                    "nothing to walk")
    store = GraphStore.from_files([(p, None) for p in sorted(TTL_DIR.glob("*.ttl"))]
                                  + [(ONTOLOGY, None)])
    client = make_app(store, TEXT_DIR=str(TTL_DIR)).test_client()
    seen, checks = _walk(client, store, TTL_DIR)
    assert seen > 0
    bad = sorted(p for p, c in checks.items() if c != "verbatim")
    assert not bad, f"{len(bad)} quoted passages are not verbatim in their text: {bad[:10]}"
    # a fact of a hub's property lists the first OTHER_VALUES other values and counts them all
    [hub] = store.query("""
        PREFIX ctip: <https://w3id.org/ctipgraph/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?s ?p (SAMPLE(?v) AS ?o) (COUNT(*) AS ?n) WHERE {
          ?c a ctip:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?v }
        GROUP BY ?s ?p ORDER BY DESC(?n) LIMIT 1""")
    s, p, o, claims = hub["s"].value, hub["p"].value, hub["o"].value, int(hub["n"].value)
    assert claims > OTHER_VALUES + 1
    [fact] = client.get(trace_path(s, p, o, suffix=".json")).get_json()["facts"]
    assert len(fact["other_values"]) == OTHER_VALUES
    assert fact["other_value_count"] == claims - len(fact["claims"])
    html = client.get(trace_path(s, p, o)).get_data(as_text=True)
    assert f"… and {claims - len(fact['claims']) - OTHER_VALUES:,} more" in html


def test_resource_page_trace_links_resolve(client):
    """Every /trace link of a browse resource page leads to a trace (they send IRIs bare and
    literals in N-Triples form)."""
    html = client.get("/id/assessment/mali-tier-placement-2017").get_data(as_text=True)
    links = sorted({h.replace("&amp;", "&") for h in
                    (part.split('"', 1)[0] for part in html.split('href="')[1:])
                    if h.startswith("/trace?")})
    assert links
    for link in links:
        args = parse_qs(urlsplit(link).query)
        assert set(args) == {"s", "p", "o"}
        assert client.get(link).status_code == 200, link
