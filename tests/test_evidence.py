"""The evidence report (ctipgraph.provenance.evidence), its page /evidence (+ .json) and `ctipgraph
evidence`,
on the mini graph and on the mini graph with the extra fixture."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, MINI, make_app, make_store
from ctipgraph.cli import main
from ctipgraph.paths import ONTOLOGY, QUERIES_DIR
from ctipgraph.provenance.evidence import EvidenceReporter, evidence_report, render_text
from ctipgraph.store.derive import derive

ID = "https://w3id.org/ctipgraph/id/"
CTIP = "https://w3id.org/ctipgraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
EXTRA = FIXTURES / "extra.ttl"
FINDINGS = ID + "doc/usdol-findings-2017-mali"
USAID = ID + "doc/usaid-ctip-research-2021-mali"
TIP2015 = ID + "doc/tip-report-2015-mali"
EXTRA_DOC = ID + "doc/fixture-extra-2019-mali"
TIER_2017 = ID + "assessment/mali-tier-placement-2017"
GAP = ID + "program/global-action-program-on-child-labor-issues"


def fact_keys(rows) -> set[tuple[str, str, str]]:
    return {(r.subject, r.predicate, r.object) for r in rows}


@pytest.fixture(scope="module")
def mini_report():
    return evidence_report(make_store())


@pytest.fixture(scope="module")
def extra_store():
    store = make_store(EXTRA)
    derive(store.store)  # what a project store holds beside the data (query 08 reads it)
    return store


@pytest.fixture(scope="module")
def extra_report(extra_store):
    return evidence_report(extra_store)


def test_corroborated_facts(mini_report):
    assert fact_keys(mini_report.corroborated) == {
        (TIER_2017, CTIP + "country", f"<{ID}place/mali>"),
        (TIER_2017, CTIP + "year", f'"2017"^^<{XSD}gYear>'),
        (ID + "org/cncltpa", CTIP + "ledBy", f"<{ID}org/ministry-of-justice>"),
        (ID + "program/glo-act", CTIP + "implementedBy", f"<{ID}org/unodc>"),
    }
    for row in mini_report.corroborated:
        assert row.documents == sorted([FINDINGS, USAID])
        assert row.claims == 2
    ledby = next(r for r in mini_report.corroborated if r.predicate == CTIP + "ledBy")
    assert ledby.subject_label.startswith("National Coordinating Committee")
    assert ledby.object_label == "Ministry of Justice"


def test_disagreements(mini_report, extra_report):
    [tier] = mini_report.disagreements
    assert (tier.subject, tier.predicate) == (TIER_2017, CTIP + "tier")
    assert [(v.object, v.object_label, v.documents) for v in tier.values] == [
        (f"<{ID}concept/tier/tier-2-watch-list>", "Tier 2 Watch List", [FINDINGS]),
        (f"<{ID}concept/tier/tier-3>", "Tier 3", [USAID]),
    ]
    # implementedBy takes several values: UNODC, UNICEF and IOM are no disagreement
    assert len(extra_report.disagreements) == 2
    start = next(d for d in extra_report.disagreements if d.subject == GAP)
    assert start.predicate == CTIP + "startYear"
    assert [(v.object_label, v.documents) for v in start.values] == [
        ("2010", [EXTRA_DOC]), ("2011", [FINDINGS])]


def test_single_reference_facts(mini_report, extra_report):
    rows = {(r.subject, r.predicate, r.object): r for r in mini_report.single_reference}
    assert len(rows) == 14
    minimum = rows[(ID + "assessment/mali-2017-minimum-age-for-work", CTIP + "setBy",
                    f"<{ID}law/law-2017-021>")]
    [ref] = minimum.references
    assert (ref.iri, ref.key, ref.document) == (FINDINGS + "/ref/44", "44", FINDINGS)
    assert ref.urls == ["http://www.ilo.org/dyn/natlex/docs/ELECTRONIC/104701/127819/"
                        "F1627870706/MLI-104701.pdf"]
    assert not ref.source_on_file
    # GLO ACT's funding cites two references (93; 94): not a single-reference fact
    assert (ID + "program/glo-act", CTIP + "fundedBy", f"<{ID}org/european-union>") not in rows
    # the 2019 EU funding rests on an embassy cable only
    extra = {(r.subject, r.predicate): r for r in extra_report.single_reference}
    cable = extra[(ID + "funding/cncltpa-2019-european-union", CTIP + "amount")]
    assert cable.references[0].text == "U.S. Embassy- Bamako. Reporting, January 15, 2020."


def test_unreferenced_facts(mini_report, extra_report):
    keys = fact_keys(mini_report.unreferenced)
    assert len(keys) == 42
    assert (ID + "assessment/mali-tier-placement-2015", CTIP + "tier",
            f"<{ID}concept/tier/tier-2-watch-list>") in keys
    assert (TIER_2017, CTIP + "tier", f"<{ID}concept/tier/tier-3>") in keys
    assert not keys & fact_keys(mini_report.single_reference)
    extra_keys = fact_keys(extra_report.unreferenced)
    assert (ID + "assessment/mali-advancement-2019", CTIP + "advancementLevel",
            f"<{ID}concept/advancement/moderate-advancement>") in extra_keys


def test_totals_and_limit(mini_report):
    assert mini_report.totals == {"corroborated": 4, "disagreements": 1, "single_reference": 14,
                                  "unreferenced": 42, "claims": 84, "documents": 3, "facts": 80}
    cut = evidence_report(make_store(), limit=2)
    assert len(cut.unreferenced) == 2 and cut.totals["unreferenced"] == 42
    assert cut.unreferenced == mini_report.unreferenced[:2]


def test_report_agrees_with_competency_query_08(extra_store, extra_report):
    """Query 08 answers the same question for a SPARQL user: both must agree."""
    query = (QUERIES_DIR / "08-agreement-disagreement.rq").read_text(encoding="utf-8")
    agree, disagree = set(), set()
    for row in extra_store.query(query):
        key = (row["subject"].value, row["predicate"].value, str(row["object"]))
        (agree if row["status"].value == "agree" else disagree).add(key)
    assert agree == fact_keys(extra_report.corroborated)
    assert disagree == {(d.subject, d.predicate, v.object)
                        for d in extra_report.disagreements for v in d.values}


def test_reporter_lists_are_sorted_and_deterministic(extra_store):
    one, two = EvidenceReporter(extra_store).report(), EvidenceReporter(extra_store).report()
    assert one.to_dict() == two.to_dict()
    keys = [(r.subject, r.predicate, r.object) for r in one.unreferenced]
    assert keys == sorted(keys)


def test_render_text(extra_report):
    text = render_text(extra_report)
    assert text.startswith("101 claimed facts, 107 claims in 4 documents.")
    assert "== Facts on which documents disagree: 2" in text
    assert "Tier 3 (id:concept/tier/tier-3)  according to id:doc/usaid-ctip-research-2021-mali" \
        in text
    assert "[3] U.S. Embassy- Bamako. Reporting, January 15, 2020." in text
    assert "[1] Sahel Evaluation Partners." not in text  # two references back that fact


# -- the command line -----------------------------------------------------------------------------


def test_cli_text_and_json():
    runner = CliRunner()
    data = ["--data", str(MINI), "--data", str(EXTRA), "--data", str(ONTOLOGY)]
    text = runner.invoke(main, ["evidence", *data])
    assert text.exit_code == 0, text.output
    assert "== Facts asserted by two or more documents: 5" in text.output
    as_json = runner.invoke(main, ["evidence", "--format", "json", "--limit", "1", *data])
    assert as_json.exit_code == 0, as_json.output
    report = json.loads(as_json.output)
    assert report["totals"]["disagreements"] == 2
    assert len(report["unreferenced"]) == 1
    assert set(report) == {"corroborated", "disagreements", "single_reference", "unreferenced",
                           "totals", "documents"}


def test_cli_bad_data_file(tmp_path):
    result = CliRunner().invoke(main, ["evidence", "--data", str(tmp_path / "missing.ttl")])
    assert result.exit_code == 2
    assert "no such file" in result.output


# -- the page -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(extra_store):
    return make_app(extra_store).test_client()


def test_evidence_page(client):
    response = client.get("/evidence")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for anchor in ("corroborated", "disagreements", "single-reference", "unreferenced"):
        assert f'id="{anchor}"' in html
    assert "Asserted by two or more documents</a>: 5" in html
    assert "Tier 3" in html and "Tier 2 Watch List" in html
    assert 'href="/trace?s=https%3A%2F%2Fw3id.org%2Fctipgraph%2Fid%2Fassessment%2Fmali-tier-' \
           'placement-2017&amp;p=https%3A%2F%2Fw3id.org%2Fctipgraph%2Fontology%23tier&amp;' \
           'o=https%3A%2F%2Fw3id.org%2Fctipgraph%2Fid%2Fconcept%2Ftier%2Ftier-3"' in html
    assert "/evidence.json" in response.headers["Link"]


def test_evidence_page_links_resolve(client):
    html = client.get("/evidence?limit=3").get_data(as_text=True)
    traces = {h.replace("&amp;", "&") for h in
              (part.split('"', 1)[0] for part in html.split('href="')[1:])
              if h.startswith("/trace?")}
    assert len(traces) >= 8
    for link in traces:
        assert client.get(link).status_code == 200, link


def test_evidence_page_escapes_markup(client):
    html = "".join(client.get(f"/evidence?list={name}&per_page=500").get_data(as_text=True)
                   for name in ("corroborated", "disagreements", "single_reference",
                                "unreferenced"))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Watch &amp; Co." in html


def test_evidence_json_twin(client):
    for response in (client.get("/evidence.json"),
                     client.get("/evidence", headers={"Accept": "application/json"})):
        assert response.status_code == 200 and response.mimetype == "application/json"
        data = response.get_json()
        assert data["totals"]["corroborated"] == 5
        assert data["disagreements"][0]["values"][0]["documents"]
    limited = client.get("/evidence.json?limit=1").get_json()
    assert all(len(limited[k]) <= 1 for k in ("corroborated", "disagreements",
                                              "single_reference", "unreferenced"))
    assert client.get("/evidence.json?limit=oops").status_code == 200


def test_evidence_unknown_suffix(client):
    assert client.get("/evidence.xml").status_code == 404


QUALIFIED = ("concept/advancement/minimal-advancement-efforts-made-but-continued-practice-"
             "that-delayed-advancement")
SERIES = """@prefix ctip: <https://w3id.org/ctipgraph/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@base <https://w3id.org/ctipgraph/id/> .
<doc/r2018> a ctip:SourceDocument .
<doc/r2019> a ctip:SourceDocument .
<observation/x-2018-labor-inspectors> ctip:value 109 .
<observation/x-2019-labor-inspectors> ctip:value 113 .
<observation/x-2018-labor-inspections> ctip:value 792, 800 .
<assessment/x-advancement-2019> ctip:advancementLevel <concept/advancement/minimal-advancement> ,
    <QUALIFIED> .
<assessment/x-undated> ctip:value 1, 2 .
<doc/r2018/claim/1> a ctip:Claim ; ctip:inDocument <doc/r2018> ;
    rdf:subject <observation/x-2018-labor-inspectors> ; rdf:predicate ctip:value ; rdf:object 109 .
<doc/r2019/claim/1> a ctip:Claim ; ctip:inDocument <doc/r2019> ;
    rdf:subject <observation/x-2019-labor-inspectors> ; rdf:predicate ctip:value ; rdf:object 113 .
<doc/r2018/claim/2> a ctip:Claim ; ctip:inDocument <doc/r2018> ;
    rdf:subject <observation/x-2018-labor-inspections> ; rdf:predicate ctip:value ; rdf:object 792 .
<doc/r2019/claim/2> a ctip:Claim ; ctip:inDocument <doc/r2019> ;
    rdf:subject <observation/x-2018-labor-inspections> ; rdf:predicate ctip:value ; rdf:object 800 .
<doc/r2018/claim/3> a ctip:Claim ; ctip:inDocument <doc/r2018> ;
    rdf:subject <assessment/x-advancement-2019> ; rdf:predicate ctip:advancementLevel ;
    rdf:object <concept/advancement/minimal-advancement> .
<doc/r2019/claim/3> a ctip:Claim ; ctip:inDocument <doc/r2019> ;
    rdf:subject <assessment/x-advancement-2019> ; rdf:predicate ctip:advancementLevel ;
    rdf:object <QUALIFIED> .
<doc/r2018/claim/4> a ctip:Claim ; ctip:inDocument <doc/r2018> ;
    rdf:subject <assessment/x-undated> ; rdf:predicate ctip:value ; rdf:object 1 .
<doc/r2019/claim/4> a ctip:Claim ; ctip:inDocument <doc/r2019> ;
    rdf:subject <assessment/x-undated> ; rdf:predicate ctip:value ; rdf:object 2 .
<doc/r2018/claim/5> a ctip:Claim ; ctip:inDocument <doc/r2018> ;
    rdf:subject <assessment/x-undated> ; rdf:predicate ctip:year ; rdf:object "2018"^^xsd:gYear .
<doc/r2019/claim/5> a ctip:Claim ; ctip:inDocument <doc/r2019> ;
    rdf:subject <assessment/x-undated> ; rdf:predicate ctip:year ; rdf:object "2019"^^xsd:gYear .
""".replace("QUALIFIED", QUALIFIED)


def test_a_series_of_years_is_no_disagreement(tmp_path):
    path = tmp_path / "series.ttl"
    path.write_text(SERIES, encoding="utf-8")
    found = {(d.subject, d.predicate) for d in evidence_report(make_store(path)).disagreements}
    # two reports on one year's inspections disagree; 2018 and 2019 inspectors are a series
    assert (ID + "observation/x-2018-labor-inspections", CTIP + "value") in found
    assert not any("labor-inspectors" in s for s, _ in found)
    # a level and its narrower qualified level say the same
    assert not any("advancement" in s for s, _ in found)
    # a value each document dates to another year is two values, but the years disagree
    assert (ID + "assessment/x-undated", CTIP + "value") not in found
    assert (ID + "assessment/x-undated", CTIP + "year") in found
