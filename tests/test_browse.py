"""The browse view over the mini graph: home, class, ontology and resource pages, their RDF and
JSON twins (by suffix and by Accept), pagination and sorting, 404s, and escaping."""

from __future__ import annotations

import json
import re
import warnings
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from conftest import make_app, make_store
from ctipgraph.paths import ONTOLOGY, ROOT

ID = Namespace("https://w3id.org/ctipgraph/id/")
CTIP = Namespace("https://w3id.org/ctipgraph/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
CNCLTPA = ID["org/cncltpa"]
FINDINGS = "doc/usdol-findings-2017-mali"
SENTENCE_61 = ID[FINDINGS + "/sentence/61"]
RDF_SUFFIXES = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
}


class Links(HTMLParser):
    """The <a href> and <link rel=alternate> of a page, and the ids of its elements."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.alternates: list[dict] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag == "link" and a.get("rel") == "alternate":
            self.alternates.append(a)


def parse_html(text: str) -> Links:
    parser = Links()
    parser.feed(text)
    return parser


def parse_rdf(response, fmt: str) -> Graph:
    g = Graph()
    with warnings.catch_warnings():  # rdflib's JSON-LD parser warns about its own internals
        warnings.simplefilter("ignore", DeprecationWarning)
        g.parse(data=response.data.decode("utf-8"), format=fmt)
    return g


# -- home -------------------------------------------------------------------------------------


def test_home_page(browse_client):
    r = browse_client.get("/")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.data.decode()
    assert "counter-trafficking-in-persons" in html
    for title in ("2017 Findings on the Worst Forms of Child Labor: Mali",
                  "Trafficking in Persons Report: Mali"):
        assert title in html
    assert "2021-09" in html  # the USAID report's issue date
    page = parse_html(html)
    assert "/id/doc/usdol-findings-2017-mali" in page.hrefs
    assert "/class/Organization" in page.hrefs and "/class/ArmedGroup" in page.hrefs
    assert "/query?example=01-programs-funders-implementers" in page.hrefs
    assert 'name="q"' in html and 'action="/search"' in html
    assert {"type": "application/json", "href": "/index.json"}.items() <= \
        page.alternates[0].items()
    assert 'rel="alternate"; type="application/json"' in r.headers["Link"]


@pytest.mark.parametrize("how", ["suffix", "accept"])
def test_home_json(browse_client, how):
    r = (browse_client.get("/index.json") if how == "suffix"
         else browse_client.get("/", headers={"Accept": "application/json"}))
    assert r.status_code == 200 and r.mimetype == "application/json"
    data = r.get_json()
    classes = {c["class"]: c for c in data["classes"]}
    assert classes[str(CTIP.ArmedGroup)]["instances"] == 2
    assert classes[str(CTIP.Organization)]["instances"] == 17  # all its subclasses
    assert classes[str(CTIP.Organization)]["direct"] == 0
    assert classes[str(CTIP.Passage)]["instances"] == 20
    assert classes[str(CTIP.SourceDocument)]["instances"] == 3
    docs = {d["document"]: d for d in data["documents"]}
    assert docs[str(ID[FINDINGS])]["issued"] == "2018"
    assert docs[str(ID[FINDINGS])]["reportingYear"] == "2017"
    assert len(data["examples"]) == len(list((ROOT / "queries").glob("*.rq")))
    assert all(e["title"] and e["question"] for e in data["examples"])


# -- class pages ------------------------------------------------------------------------------


def test_class_page_lists_instances_of_subclasses(browse_client):
    r = browse_client.get("/class/Organization")
    assert r.status_code == 200
    html = r.data.decode()
    assert "17 instances" in html
    page = parse_html(html)
    assert "/id/org/mnla" in page.hrefs  # an ArmedGroup, a subclass of Organization
    assert "/id/org/care-mali" in page.hrefs
    assert "/class/ArmedGroup" in page.hrefs  # each instance shows its own class


def _labels(data: dict) -> list[str]:
    return [i["label"] for i in data["instances"]]


def test_class_pagination_and_sorting(browse_client):
    everything = browse_client.get("/class/Organization.json?per_page=500").get_json()
    assert everything["total"] == 17 and len(everything["instances"]) == 17
    labels = _labels(everything)
    assert labels == sorted(labels, key=str.lower)
    pages = [browse_client.get(f"/class/Organization.json?per_page=5&page={n}").get_json()
             for n in (1, 2, 3, 4)]
    assert [len(p["instances"]) for p in pages] == [5, 5, 5, 2]
    assert sum((_labels(p) for p in pages), []) == labels
    assert pages[0]["pages"] == 4
    desc = browse_client.get("/class/Organization.json?per_page=500&order=desc").get_json()
    assert _labels(desc) == labels[::-1]
    by_iri = browse_client.get("/class/Organization.json?per_page=500&sort=iri").get_json()
    iris = [i["iri"] for i in by_iri["instances"]]
    assert iris == sorted(iris)
    by_iri_desc = browse_client.get(
        "/class/Organization.json?per_page=500&sort=iri&order=desc").get_json()
    assert [i["iri"] for i in by_iri_desc["instances"]] == iris[::-1]


def test_class_page_html_pager(browse_client):
    html = browse_client.get("/class/Organization?per_page=5&page=2").data.decode()
    assert "6–10 of 17 instances" in html
    page = parse_html(html)
    prev = [h for h in page.hrefs if "page=1" in h]
    nxt = [h for h in page.hrefs if "page=3" in h]
    assert prev and nxt
    assert parse_qs(urlsplit(nxt[0]).query)["per_page"] == ["5"]


def test_class_json_by_accept(browse_client):
    r = browse_client.get("/class/ArmedGroup", headers={"Accept": "application/json"})
    assert r.mimetype == "application/json"
    assert {i["iri"] for i in r.get_json()["instances"]} == {str(ID["org/mnla"]),
                                                             str(ID["org/gatia"])}


def test_class_by_iri(browse_client):
    r = browse_client.get("/class", query_string={"iri": str(OA.TextQuoteSelector)})
    assert r.status_code == 200
    assert "20 instances" in r.data.decode()
    r = browse_client.get("/class.json", query_string={"iri": str(OA.TextQuoteSelector)})
    assert r.get_json()["total"] == 20
    r = browse_client.get("/class", query_string={"iri": str(CTIP.Program)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/class/Program")


def test_unknown_class_is_404(browse_client):
    assert browse_client.get("/class/NoSuchClass").status_code == 404
    assert browse_client.get("/class",
                             query_string={"iri": "http://example.org/x"}).status_code == 404


# -- the ontology -----------------------------------------------------------------------------


def test_ontology_page(browse_client):
    r = browse_client.get("/ontology")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.data.decode()
    page = parse_html(html)
    for local in ("Actor", "GovernmentBody", "Passage", "Claim", "funds", "fundedBy", "funder",
                  "amount", "inDocument"):
        assert local in page.ids
    # alignments to external vocabularies, shown with their prefixes
    actor = html[html.index('id="Actor"'):html.index('id="AdvancementAssessment"')]
    assert "prov:Agent" in actor
    assert "funds some owl:Thing" in html  # ctip:Funder's anonymous restriction
    funder = html[html.index('id="funder"'):]
    funder = funder[:funder.index("</article>")]
    assert "prov:wasAttributedTo" in funder  # superproperty
    assert "Domain" in funder and "/ontology#Funding" in funder
    assert "Range" in funder and "/ontology#Actor" in funder
    assert "inverse" in html.lower() and "/ontology#fundedBy" in html
    # SKOS concept schemes with their concepts
    assert "Tier 2 Watch List" in html
    assert "forced begging" in html and "/id/concept/exploitation/forced-begging" in page.hrefs
    assert "/class/Organization" in page.hrefs


@pytest.mark.parametrize("how", ["accept", "suffix"])
def test_ontology_turtle(browse_client, how):
    r = (browse_client.get("/ontology", headers={"Accept": "text/turtle"}) if how == "accept"
         else browse_client.get("/ontology.ttl"))
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    assert r.data == ONTOLOGY.read_bytes()
    assert "Accept" in r.headers.get("Vary", "")


@pytest.mark.parametrize("suffix", ["jsonld", "nt", "rdf"])
def test_ontology_other_formats(browse_client, suffix):
    mimetype, fmt = RDF_SUFFIXES[suffix]
    r = browse_client.get(f"/ontology.{suffix}")
    assert r.mimetype == mimetype
    g = parse_rdf(r, fmt)
    assert (CTIP.Actor, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Agent")) in g


# -- resource pages ---------------------------------------------------------------------------


def test_resource_page(browse_client):
    r = browse_client.get("/id/org/cncltpa")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.data.decode()
    page = parse_html(html)
    assert "National Coordinating Committee for the Fight Against Trafficking" in html
    assert "/class/CoordinatingBody" in page.hrefs  # its type
    assert "/id/org/ministry-of-justice" in page.hrefs  # outgoing ctip:ledBy
    assert "Ministry of Justice" in html and "led by" in html  # human labels
    assert "/id/funding/cncltpa-2017" in page.hrefs  # incoming ctip:fundedItem
    assert "/ontology#ledBy" in page.hrefs
    assert "skos:altLabel" in html  # an external property, with its prefix
    # documents that mention it
    mentions = html[html.index('id="mentions"'):html.index('id="outgoing"')]
    for doc in ("/id/doc/usdol-findings-2017-mali", "/id/doc/tip-report-2015-mali",
                "/id/doc/usaid-ctip-research-2021-mali"):
        assert f'href="{doc}"' in mentions
    # the evidence of ctip:ledBy: two claims, their quotes, and a /trace link
    assert "/id/doc/usdol-findings-2017-mali/claim/cfba8a2c1a1b9793" in page.hrefs
    assert "/id/doc/usaid-ctip-research-2021-mali/claim/68558698f8e41915" in page.hrefs
    assert "under the supervision of the Ministry of Justice of Mali in 2011" in html
    traces = [h for h in page.hrefs if h.startswith("/trace?")]
    wanted = {"s": [str(CNCLTPA)], "p": [str(CTIP.ledBy)],
              "o": [str(ID["org/ministry-of-justice"])]}
    assert any(parse_qs(urlsplit(t).query) == wanted for t in traces)
    # the incoming fundedItem fact has its evidence too
    wanted_in = {"s": [str(ID["funding/cncltpa-2017"])], "p": [str(CTIP.fundedItem)],
                 "o": [str(CNCLTPA)]}
    assert any(parse_qs(urlsplit(t).query) == wanted_in for t in traces)


def test_trace_link_for_literal_object(browse_client):
    html = browse_client.get("/id/assessment/mali-tier-placement-2017").data.decode()
    traces = [parse_qs(urlsplit(h).query) for h in parse_html(html).hrefs
              if h.startswith("/trace?")]
    year = [t for t in traces if t["p"] == [str(CTIP.year)]]
    assert year and year[0]["o"] == ['"2017"^^<http://www.w3.org/2001/XMLSchema#gYear>']


def test_passage_page(browse_client):
    r = browse_client.get(f"/id/{FINDINGS}/sentence/61")
    assert r.status_code == 200
    html = r.data.decode()
    page = parse_html(html)
    assert "<h1>sentence 61</h1>" in html
    assert "all signatories of the 2015 Peace Accord" in html
    assert f"/id/{FINDINGS}" in page.hrefs  # its document
    assert "2017 Findings on the Worst Forms of Child Labor: Mali" in html
    assert "characters 5628–6101" in html
    # its selectors are described on the page, at their fragment ids
    assert {"position", "quote"} <= page.ids
    assert f"/id/{FINDINGS}/sentence/61#quote" in page.hrefs
    # the facts quoted from it
    assert "/id/org/mnla" in page.hrefs and "/id/org/gatia" in page.hrefs
    # the in-text citations in it
    assert f"/id/{FINDINGS}/citation/131" in page.hrefs


def test_passage_with_section_table(browse_client):
    html = browse_client.get(f"/id/{FINDINGS}/table/10/row/3/cell/2").data.decode()
    page = parse_html(html)
    assert f"/id/{FINDINGS}/table/10/row/3" in page.hrefs  # its row
    assert "Chaired by the Ministry of Justice" in html


def test_claim_page(browse_client):
    html = browse_client.get(f"/id/{FINDINGS}/claim/cfba8a2c1a1b9793").data.decode()
    assert 'id="statement-heading"' in html
    page = parse_html(html)
    assert "/id/org/cncltpa" in page.hrefs and "/id/org/ministry-of-justice" in page.hrefs
    assert any(h.startswith("/trace?") for h in page.hrefs)


def test_fragment_iris_resolve_to_base_page(browse_client):
    r = browse_client.get(f"/id/{FINDINGS}/sentence/61%23quote")
    assert r.status_code == 302
    assert r.headers["Location"].endswith(f"/id/{FINDINGS}/sentence/61#quote")


def test_unknown_iri_is_404(browse_client):
    for url in ("/id/org/no-such-org", "/id/org/no-such-org.ttl", "/id/doc/nothing/sentence/1"):
        r = browse_client.get(url)
        assert r.status_code == 404, url
    r = browse_client.get("/id/org/no-such-org")
    assert r.mimetype == "text/html" and "Not found" in r.data.decode()


# -- twins ------------------------------------------------------------------------------------


def _check_cncltpa_graph(g: Graph) -> None:
    assert (CNCLTPA, RDF.type, CTIP.CoordinatingBody) in g
    assert (CNCLTPA, CTIP.ledBy, ID["org/ministry-of-justice"]) in g
    assert (CNCLTPA, CTIP.acronym, Literal("CNCLTPA")) in g
    assert (CNCLTPA, RDFS.label, Literal(
        "National Coordinating Committee for the Fight Against Trafficking in Persons and"
        " Associated Practices")) in g
    assert (ID["funding/cncltpa-2017"], CTIP.fundedItem, CNCLTPA) in g  # incoming
    # nothing else is about another subject unless it points here
    for s, _p, o in g:
        assert s == CNCLTPA or o == CNCLTPA


@pytest.mark.parametrize("suffix", sorted(RDF_SUFFIXES))
def test_resource_twins_by_suffix(browse_client, suffix):
    mimetype, fmt = RDF_SUFFIXES[suffix]
    r = browse_client.get(f"/id/org/cncltpa.{suffix}")
    assert r.status_code == 200 and r.mimetype == mimetype
    _check_cncltpa_graph(parse_rdf(r, fmt))


@pytest.mark.parametrize("suffix", sorted(RDF_SUFFIXES))
def test_resource_twins_by_accept(browse_client, suffix):
    mimetype, fmt = RDF_SUFFIXES[suffix]
    r = browse_client.get("/id/org/cncltpa", headers={"Accept": mimetype})
    assert r.status_code == 200 and r.mimetype == mimetype
    assert "Accept" in r.headers["Vary"]
    _check_cncltpa_graph(parse_rdf(r, fmt))


def test_accept_quality_and_browsers(browse_client):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert browse_client.get("/id/org/cncltpa",
                             headers={"Accept": browser}).mimetype == "text/html"
    assert browse_client.get("/id/org/cncltpa", headers={"Accept": "*/*"}).mimetype == "text/html"
    r = browse_client.get("/id/org/cncltpa",
                          headers={"Accept": "text/html;q=0.5, text/turtle"})
    assert r.mimetype == "text/turtle"
    r = browse_client.get("/id/org/cncltpa", headers={"Accept": "application/json"})
    assert r.mimetype == "application/ld+json"


def test_passage_twin_includes_selectors(browse_client):
    g = parse_rdf(browse_client.get(f"/id/{FINDINGS}/sentence/61.ttl"), "turtle")
    quote = URIRef(str(SENTENCE_61) + "#quote")
    position = URIRef(str(SENTENCE_61) + "#position")
    assert (SENTENCE_61, OA.hasSelector, quote) in g
    assert (quote, RDF.type, OA.TextQuoteSelector) in g
    assert (position, OA.start, None) in g
    exact = g.value(quote, OA.exact)
    assert str(exact).startswith("Although the incidence of child soldiers")
    assert (ID[FINDINGS + "/citation/131"], CTIP.inPassage, SENTENCE_61) in g  # incoming


def test_link_headers_and_html_alternates(browse_client):
    r = browse_client.get("/id/org/cncltpa")
    link = r.headers["Link"]
    for suffix, (mimetype, _) in RDF_SUFFIXES.items():
        assert f'</id/org/cncltpa.{suffix}>; rel="alternate"; type="{mimetype}"' in link
    alternates = {a["type"]: a["href"] for a in parse_html(r.data.decode()).alternates}
    assert alternates == {m: f"/id/org/cncltpa.{s}" for s, (m, _) in RDF_SUFFIXES.items()}
    # the twins name each other too
    assert browse_client.get("/id/org/cncltpa.ttl").headers["Link"] == link
    onto = browse_client.get("/ontology")
    assert '</ontology.ttl>; rel="alternate"; type="text/turtle"' in onto.headers["Link"]
    cls = browse_client.get("/class/Program?page=1")
    assert '</class/Program.json?page=1>; rel="alternate"' in cls.headers["Link"]


# -- the query editor -------------------------------------------------------------------------


def test_query_page(browse_client):
    r = browse_client.get("/query?example=07-fact-evidence")
    assert r.status_code == 200
    html = r.data.decode()
    config = re.search(r'<script type="application/json" id="ctip-config">(.*?)</script>', html,
                       re.S)
    data = json.loads(config.group(1))
    assert data["endpoint"] == "/sparql" and data["selected"] == "07-fact-evidence"
    names = [e["name"] for e in data["examples"]]
    assert names == sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    assert all(e["query"].lstrip().startswith("# title:") for e in data["examples"])
    assert "cdn" not in html.lower() and "https://" not in html.split("<main", 1)[1].split(
        'id="ctip-config"')[0]


def test_yasgui_served_from_node_modules(browse_client):
    built = ROOT / "node_modules" / "@zazuko" / "yasgui" / "build" / "yasgui.min.js"
    if not built.is_file():
        pytest.skip("node_modules not installed (make install runs npm ci)")
    html = browse_client.get("/query").data.decode()
    assert '<script src="/vendor/yasgui/yasgui.min.js">' in html
    r = browse_client.get("/vendor/yasgui/yasgui.min.js")
    assert r.status_code == 200 and r.data == built.read_bytes()
    assert browse_client.get("/vendor/yasgui/../../../package.json").status_code == 404
    assert browse_client.get("/assets/style.css").status_code == 200
    assert browse_client.get("/assets/query.js").status_code == 200


# -- escaping ---------------------------------------------------------------------------------

EVIL = "<script>alert('pwned')</script>"


@pytest.fixture(scope="module")
def evil_client(tmp_path_factory):
    ttl = tmp_path_factory.mktemp("evil") / "evil.ttl"
    ttl.write_text(f"""
@prefix ctip: <https://w3id.org/ctipgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
<https://w3id.org/ctipgraph/id/org/evil> a ctip:NonGovernmentalOrganization ;
    rdfs:label "{EVIL} Evil NGO" ; ctip:acronym "EVILNGO" ;
    ctip:mentionedIn <https://w3id.org/ctipgraph/id/doc/evil/sentence/1> .
<https://w3id.org/ctipgraph/id/doc/evil> a ctip:SourceDocument ; dcterms:title "{EVIL} report" .
<https://w3id.org/ctipgraph/id/doc/evil/sentence/1> a ctip:Sentence ;
    ctip:inDocument <https://w3id.org/ctipgraph/id/doc/evil> ;
    oa:hasSelector <https://w3id.org/ctipgraph/id/doc/evil/sentence/1#quote> .
<https://w3id.org/ctipgraph/id/doc/evil/sentence/1#quote> a oa:TextQuoteSelector ;
    oa:exact "The evilngo said {EVIL} loudly." .
""", encoding="utf-8")
    return make_app(make_store(ttl)).test_client()


@pytest.mark.parametrize("url", [
    "/", "/class/NonGovernmentalOrganization", "/class/SourceDocument", "/class/Sentence",
    "/id/org/evil", "/id/doc/evil", "/id/doc/evil/sentence/1", "/search?q=evilngo",
    "/search?q=" + EVIL,
])
def test_script_literal_renders_as_text(evil_client, url):
    r = evil_client.get(url)
    assert r.status_code == 200, url
    html = r.data.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html


def test_script_literal_in_json(evil_client):
    data = evil_client.get("/class/NonGovernmentalOrganization.json").get_json()
    assert any(i["label"] == f"{EVIL} Evil NGO" for i in data["instances"])


def test_long_relation_lists_are_cut(browse_client, monkeypatch):
    from ctipgraph.serve import describe

    monkeypatch.setattr(describe, "IN_LIMIT", 2)
    html = browse_client.get(f"/id/{FINDINGS}").data.decode()
    assert "… and " in html and "show all" in html
    full = browse_client.get(f"/id/{FINDINGS}?all=1").data.decode()
    assert "show all" not in full
    assert full.count(f'href="/id/{FINDINGS}/ref/') > html.count(f'href="/id/{FINDINGS}/ref/')


def test_resource_by_iri(browse_client):
    r = browse_client.get("/resource", query_string={"iri": str(CNCLTPA)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/id/org/cncltpa")
    r = browse_client.get("/resource", query_string={"iri": str(CTIP.funds)})
    assert r.headers["Location"].endswith("/ontology#funds")
    assert browse_client.get("/resource", query_string={"iri": "http://x.org/"}).status_code == 404


def test_document_page_links_to_its_reader_and_nav_links_reports(browse_client) -> None:
    page = browse_client.get("/id/doc/usdol-findings-2017-mali")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/read/usdol-findings-2017-mali"' in html
    assert 'href="/evidence"' in html and 'href="/charts"' in html
    passage = browse_client.get("/id/doc/usdol-findings-2017-mali/sentence/61")
    assert "Read the document" not in passage.get_data(as_text=True)
