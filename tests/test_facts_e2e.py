"""End to end: the five seed documents through segment.load + extract_facts.

Concrete answers (Table 10 and Table 4 of the 2017 Findings, Mali's tiers by year, armed groups
recruiting children, the project summary), cross-document identity, and for every claim: its
triple is asserted, its passages exist and quote the text verbatim, its citations are exactly
the references cited in its passages; the evidence, facts and lexicon conform to the shapes.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF

from ctipgraph.emit.evidence import emit_evidence, passage_iri, reference_iri
from ctipgraph.extract import extract_facts
from ctipgraph.link.documents import corpus_documents, link_references
from ctipgraph.link.lexicon import load_lexicon
from ctipgraph.namespaces import CITO, CTIP, CTIPC, ID, OA
from ctipgraph.read.model import Document
from ctipgraph.segment import load
from ctipgraph.sources import Source, discover
from ctipgraph.validate import validate_graph

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data" / "sources" / "seeds"
SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))
FINDINGS = "usdol-findings-2017-mali"
SUMMARY = "usdol-project-summary-mali-better-future"
TIP2002 = "tip-report-2002-mali"
TIP2015 = "tip-report-2015-mali"
USAID = "usaid-ctip-research-2021-mali"
XSD = "http://www.w3.org/2001/XMLSchema#"


@cache
def sources() -> dict[str, Source]:
    found, _ = discover(SEEDS, {".txt"})
    return {s.doc_id: s for s in found}


@cache
def built(doc_id: str) -> tuple[Document, Graph, Graph]:
    """(document, evidence graph, facts graph) of one seed."""
    source = sources()[doc_id]
    doc = load(source.path)
    doc.doc_id = doc_id
    corpus = corpus_documents(list(sources().values()))
    evidence = emit_evidence(doc, source, link_references(doc.bibliography, doc.text, corpus,
                                                          doc_id))
    facts = extract_facts(doc, load_lexicon(), meta=source.meta)
    return doc, evidence, facts


def facts(doc_id: str) -> Graph:
    return built(doc_id)[2]


def short(node) -> str:
    text = str(node)
    for prefix, ns in (("", str(ID)), ("ctip:", str(CTIP))):
        if text.startswith(ns):
            return prefix + text[len(ns):]
    return text


def gyear(year: int) -> Literal:
    return Literal(str(year), datatype=URIRef(XSD + "gYear"))


def claimed_in(graph: Graph, s, p, o) -> list[URIRef]:
    return [c for c in graph.subjects(RDF.subject, s)
            if graph.value(c, RDF.predicate) == p and graph.value(c, RDF.object) == o]


# --- Table 10 of the 2017 Findings: every social program -------------------------------------

PROGRAMS = {
    "program/global-action-program-on-child-labor-issues": (
        (2011, 2017), {"org/usdol"}, {"org/ilo"}, None),
    "program/south-south-cooperation-for-the-promotion-of-decent-work-in-cotton-producing-cou": (
        (2015, 2019), {"org/government-of-brazil"}, set(), 6800000),
    "program/mali-decent-work-country-program": ((2016, 2018), set(), set(), None),
    "program/mali-usaid-country-program": ((2016, 2020), {"org/usaid"}, set(), 600000000),
    "program/mali-unicef-country-program": ((2014, 2017), {"org/unicef"}, set(), None),
    "program/mali-national-disarmament-demobilization-and-reintegration-program": (
        None, set(), {"org/minusma"}, 25000000),
    "program/combating-descent-based-slavery-program": (
        None, {"org/us-state-department"}, {"org/american-bar-association"}, None),
    "program/glo-act": (
        None, {"org/european-union"}, {"org/unodc", "org/unicef", "org/iom"}, 13000000),
}


@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_every_social_program_of_table_10(program: str) -> None:
    g = facts(FINDINGS)
    iri = ID[program]
    period, funders, implementers, amount = PROGRAMS[program]
    assert (iri, RDF.type, CTIP.Program) in g
    assert (iri, CTIP.country, ID["place/mali"]) in g
    if period:
        assert (iri, CTIP.startYear, gyear(period[0])) in g
        assert (iri, CTIP.endYear, gyear(period[1])) in g
    assert {short(o) for o in g.objects(iri, CTIP.fundedBy)} == funders
    assert {short(o) for o in g.objects(iri, CTIP.implementedBy)} == implementers
    if amount is not None:
        fundings = list(g.subjects(CTIP.fundedItem, iri))
        stated = {a for f in fundings for a in g.objects(f, CTIP.amount)}
        assert stated == {Literal(Decimal(amount))}
        currencies = {c for f in fundings for c in g.objects(f, CTIP.currency)}
        assert currencies == {Literal("USD")}
    # an amount sits on a ctip:Funding, never on the program
    assert list(g.objects(iri, CTIP.amount)) == [] and list(g.objects(iri, CTIP.currency)) == []
    table10 = [c for c in g.subjects(RDF.subject, iri)
               if str(g.value(c, CTIP.extractionMethod)) == "table:social-programs"]
    assert table10, program


def test_the_decent_work_program_is_overseen_by_the_ministry_of_labor() -> None:
    g = facts(FINDINGS)
    assert (ID["program/mali-decent-work-country-program"], CTIP.ledBy,
            ID["org/ministry-of-labor"]) in g


# --- Table 4: every legal standard, with age and verdict ----------------------------------------

STANDARDS = {
    "Minimum Age for Work": (True, 15, {"law/law-2017-021-article-l-187"}),
    "Minimum Age for Hazardous Work": (True, 18, {
        "law/hazardous-occupations-list", "law/order-2017-4388-article-1",
        "law/labor-code-article-d-189-14"}),
    "Identification of Hazardous Occupations or Activities Prohibited for Children": (
        True, None, {"law/hazardous-occupations-list", "law/order-2017-4388-article-1",
                     "law/labor-code-article-189"}),
    "Prohibition of Forced Labor": (True, None, {"law/law-2017-021-article-l-6",
                                                 "law/law-2012-023-article-1"}),
    "Prohibition of Child Trafficking": (True, None, {
        "law/penal-code-article-244", "law/law-2012-023-article-7",
        "law/child-protection-code-article-63"}),
    "Prohibition of Commercial Sexual Exploitation of Children": (True, None, {
        "law/penal-code-article-228", "law/law-2012-023-article-1", "law/law-2012-023-article-7",
        "law/child-protection-code-article-57"}),
    "Prohibition of Using Children in Illicit Activities": (False, None, {
        "law/penal-code-article-193"}),
    "Prohibition of Military Recruitment: State Compulsory": (True, 18, {
        "law/child-protection-code-article-17", "law/penal-code-article-31-23",
        "law/penal-code-article-31-31", "law/military-general-statute-article-5"}),
    "Prohibition of Military Recruitment: State Voluntary": (True, 18, {
        "law/child-protection-code-article-17", "law/penal-code-article-31-23",
        "law/penal-code-article-31-31", "law/military-general-statute-article-5"}),
    "Prohibition of Military Recruitment: Non-state": (False, 15, {
        "law/penal-code-article-31-23", "law/penal-code-article-31-31",
        "law/penal-code-article-32"}),
    "Compulsory Education Age": (True, 15, {"law/law-of-education-article-26",
                                            "law/law-of-education-article-34"}),
    "Free Public Education": (True, None, {"law/constitution-of-mali-article-18"}),
}


def test_every_legal_standard_of_table_4() -> None:
    g = facts(FINDINGS)
    found = {str(g.value(a, CTIP.standard)): a
             for a in g.subjects(RDF.type, CTIP.LegalStandardAssessment)}
    assert set(found) == set(STANDARDS)
    for standard, (meets, age, instruments) in STANDARDS.items():
        a = found[standard]
        assert (a, CTIP.meetsInternationalStandards, Literal(meets)) in g, standard
        assert list(g.objects(a, CTIP.age)) == ([Literal(age)] if age is not None else [])
        assert {short(i) for i in g.objects(a, CTIP.setBy)} == instruments, standard
        assert (a, CTIP.year, gyear(2017)) in g and (a, CTIP.country, ID["place/mali"]) in g
    provision = ID["law/penal-code-article-193"]
    assert (provision, CTIP.partOf, ID["law/penal-code"]) in g
    assert (provision, RDF.type, CTIP.LegalProvision) in g


# --- tiers, by year, from the TIP reports and the USAID report ----------------------------------

TIERS = {
    TIP2015: {2013: "tier-2-watch-list", 2014: "tier-2-watch-list", 2015: "tier-2-watch-list"},
    USAID: {2017: "tier-3", 2018: "tier-2-watch-list", 2019: "tier-2",
            2020: "tier-2-watch-list", 2021: "tier-2-watch-list"},
}


@pytest.mark.parametrize("doc_id", sorted(TIERS))
def test_tier_placements_by_year(doc_id: str) -> None:
    g = facts(doc_id)
    found = {}
    for placement in g.subjects(RDF.type, CTIP.TierPlacement):
        assert g.value(placement, CTIP.country) == ID["place/mali"]
        year = int(str(g.value(placement, CTIP.year)))
        tiers = {str(t).rsplit("/", 1)[-1] for t in g.objects(placement, CTIP.tier)}
        assert len(tiers) == 1, (doc_id, year, tiers)
        found[year] = tiers.pop()
        assert placement == ID[f"assessment/mali-tier-placement-{year}"]
    assert found == TIERS[doc_id]


def test_waiver_of_2015() -> None:
    g = facts(TIP2015)
    assert (ID["assessment/mali-tier-placement-2015"], CTIP.waiver, Literal(True)) in g


def test_advancement_of_2017() -> None:
    g = facts(FINDINGS)
    assert (ID["assessment/mali-advancement-2017"], CTIP.advancementLevel,
            CTIPC["advancement/moderate-advancement"]) in g


# --- armed groups ---------------------------------------------------------------------------------


def test_armed_groups_recruiting_children() -> None:
    g = facts(FINDINGS)
    groups = {short(s) for s in g.subjects(CTIP.engagesIn, CTIPC["exploitation/child-soldiering"])}
    assert groups == {"org/cma", "org/mnla", "org/hcua", "org/maa", "org/gatia"}
    for group in groups:
        assert (ID[group], RDF.type, CTIP.ArmedGroup) in g
        claims = claimed_in(g, ID[group], CTIP.engagesIn, CTIPC["exploitation/child-soldiering"])
        assert claims and all(str(g.value(c, CTIP.extractionMethod)) ==
                              "pattern:armed-group-recruitment" for c in claims)


# --- the project summary, the TIP narrative, the coordinating bodies --------------------------


def test_project_summary() -> None:
    g = facts(SUMMARY)
    program = ID["program/a-better-future-for-malis-children"]
    assert (program, CTIP.grantee, ID["org/care-mali"]) in g
    assert {short(o) for o in g.objects(program, CTIP.implementedBy)} == {
        "org/world-vision", "org/ministry-of-education", "org/unicef"}
    assert (program, CTIP.startYear, gyear(2003)) in g and (program, CTIP.endYear, gyear(2007)) in g
    grant = ID["funding/a-better-future-for-malis-children-usdol"]
    assert (grant, CTIP.amount, Literal(Decimal(3000000))) in g
    assert (grant, CTIP.fiscalYear, gyear(2003)) in g
    # who provides the matching funds the summary does not say: no funder (not the grantee)
    matching = ID["funding/a-better-future-for-malis-children-matching"]
    assert (matching, RDF.type, CTIP.MatchingFunding) in g
    assert (matching, RDF.type, CTIP.Funding) not in g  # kept apart from the grant
    assert (matching, CTIP.amount, Literal(Decimal(802455))) in g
    assert list(g.objects(matching, CTIP.funder)) == []
    assert {short(o) for o in g.objects(program, CTIP.region)} >= {
        "place/mopti", "place/segou", "place/bandiagara", "place/bamako"}


def test_tip_narrative_law_and_figures() -> None:
    g = facts(TIP2015)
    law = ID["law/law-2012-023"]
    penalties = [str(p) for p in g.objects(law, CTIP.penalty)]
    assert penalties and penalties[0].startswith("five to 10 years")
    victims = ID["observation/mali-2015-victims-identified-trafficking-in-persons"]
    assert list(g.objects(victims, CTIP.value)) == [Literal(Decimal(48))]
    investigations = ID["observation/mali-2015-investigations-trafficking-in-persons"]
    assert list(g.objects(investigations, CTIP.value)) == [Literal(Decimal(1))]


def test_coordinating_bodies_leaders_and_budgets() -> None:
    g = facts(FINDINGS)
    assert (ID["org/cnlte"], CTIP.ledBy, ID["org/ministry-of-labor"]) in g
    assert (ID["org/cncltpa"], CTIP.ledBy, ID["org/ministry-of-justice"]) in g
    budget = ID["funding/cncltpa-government-of-mali-2017"]
    assert (budget, CTIP.amount, Literal(Decimal(381000))) in g
    assert (budget, CTIP.year, gyear(2017)) in g
    assert (ID["policy/panetem"], CTIP.ledBy, ID["org/cnlte"]) in g


def test_enforcement_figures_keep_unknown_apart_from_zero() -> None:
    g = facts(FINDINGS)
    unknown = ID["observation/mali-2017-investigations-child-labor"]
    assert (unknown, CTIP.valueUnknown, Literal(True)) in g
    assert list(g.objects(unknown, CTIP.value)) == []
    inspections = ID["observation/mali-2017-labor-inspections-child-labor"]
    assert list(g.objects(inspections, CTIP.value)) == [Literal(Decimal(334))]


# --- cross-document identity ----------------------------------------------------------------------


def mentioned(doc_id: str, iri: str) -> bool:
    return any(True for _ in facts(doc_id).objects(ID[iri], CTIP.mentionedIn))


@pytest.mark.parametrize(
    ("iri", "doc_ids"),
    [
        ("org/cncltpa", [FINDINGS, TIP2015, USAID]),
        ("law/law-2012-023", [FINDINGS, TIP2015, USAID]),
        ("program/glo-act", [FINDINGS, USAID]),
        ("program/a-better-future-for-malis-children", [SUMMARY, USAID]),
        ("org/mnla", [FINDINGS, USAID]),
        ("agreement/cooperation-agreement-cote-d-ivoire-mali", [TIP2002, USAID]),
    ],
)
def test_one_iri_across_documents(iri: str, doc_ids: list[str]) -> None:
    for doc_id in doc_ids:
        assert mentioned(doc_id, iri), (iri, doc_id)


def test_mentions_say_how_they_were_matched() -> None:
    g = facts(TIP2015)
    claims = claimed_in(g, ID["org/cncltpa"], CTIP.mentionedIn, next(
        g.objects(ID["org/cncltpa"], CTIP.mentionedIn)))
    assert str(g.value(claims[0], CTIP.extractionMethod)) == "mention:lexicon:label"


# --- every claim, every document ---------------------------------------------------------------


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_every_claim_is_quoted_asserted_and_cited(doc_id: str) -> None:
    doc, evidence, g = built(doc_id)
    passages = {str(passage_iri(doc_id, b)): b for b in doc.passages()}
    cited: dict[str, set[str]] = {}
    for c in doc.citations:
        entry = doc.reference(c.target_id) if c.kind != "footnote" else None
        if entry is None:
            continue
        for key, block in passages.items():
            if block.start <= c.start and c.end <= block.end or c.passage is block:
                cited.setdefault(key, set()).add(str(reference_iri(doc_id, entry)))
    claims = list(g.subjects(RDF.type, CTIP.Claim))
    assert claims
    for claim in claims:
        s, p, o = (g.value(claim, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        assert (s, p, o) in g, claim
        assert g.value(claim, CTIP.inDocument) == ID[f"doc/{doc_id}"]
        assert len(list(g.objects(claim, CTIP.extractionMethod))) == 1
        quoted = [str(q) for q in g.objects(claim, PROV.wasQuotedFrom)]
        assert quoted
        expected_refs: set[str] = set()
        for q in quoted:
            block = passages[q]
            selector = URIRef(f"{q}#quote")
            exact = str(evidence.value(selector, OA.exact))
            position = URIRef(f"{q}#position")
            start = int(evidence.value(position, OA.start))
            end = int(evidence.value(position, OA.end))
            assert doc.text[start:end] == exact == doc.text[block.start:block.end]
            expected_refs |= cited.get(q, set())
        assert {str(r) for r in g.objects(claim, CITO.citesAsEvidence)} == expected_refs, claim


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_evidence_facts_and_lexicon_conform(doc_id: str) -> None:
    _, evidence, g = built(doc_id)
    data = Graph()
    for graph in (evidence, g, load_lexicon().graph):
        for triple in graph:
            data.add(triple)
    report = validate_graph(data)
    assert report.conforms, report.format()


def test_the_whole_corpus_conforms() -> None:
    data = Graph()
    for triple in load_lexicon().graph:
        data.add(triple)
    for doc_id in SEED_IDS:
        _, evidence, g = built(doc_id)
        for graph in (evidence, g):
            for triple in graph:
                data.add(triple)
    report = validate_graph(data)
    assert report.conforms, report.format()


def test_output_is_deterministic() -> None:
    doc, _, g = built(FINDINGS)
    again = extract_facts(doc, load_lexicon(), meta=sources()[FINDINGS].meta)
    assert set(again) == set(g)
    assert not any(isinstance(t, type(None)) for triple in g for t in triple)
    assert all(not str(t).startswith("_:") and type(t).__name__ != "BNode"
               for triple in g for t in triple)
