"""End to end over one committed Mali report (the 2019 Findings PDF): both year columns of the
labor and criminal enforcement tables become enforcement figures of their own year — numbers,
Yes/No answers, unknown kept apart from No and from zero — the prose says whether the number of
labor inspectors meets the ILO's advice, and every claim quotes its cells verbatim."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF

from ctipgraph.emit.evidence import emit_evidence
from ctipgraph.extract import extract
from ctipgraph.link.lexicon import load_lexicon
from ctipgraph.namespaces import CTIP, CTIPC, ID, OA
from ctipgraph.read.model import Document
from ctipgraph.segment import load
from ctipgraph.sources import SourceMeta, discover
from ctipgraph.validate import validate_graph

ROOT = Path(__file__).resolve().parents[1]
DOC = "usdol-findings-2019-mali"
META = SourceMeta(kind="usdol-findings", country="Mali", reporting_year=2019)


@cache
def built() -> tuple[Document, Graph, Graph]:
    """(document, evidence graph, facts graph) of the 2019 Findings on Mali."""
    found, _ = discover(ROOT / "data" / "sources" / "pdf", {".pdf"})
    source = next(s for s in found if s.doc_id == DOC)
    doc = load(source.path)
    doc.doc_id = DOC
    evidence = emit_evidence(doc, source, {})
    return doc, evidence, extract(doc, load_lexicon(), meta=META).graph


@pytest.fixture(scope="module")
def facts() -> Graph:
    return built()[2]


def fig(year: int, indicator: str) -> URIRef:
    return ID[f"observation/mali-{year}-{indicator}-child-labor"]


def test_yes_no_answers_of_both_years(facts) -> None:
    # "Training on New Laws Related to Child Labor	No (68)	Yes (4)"
    assert (fig(2018, "labor-new-law-training"), CTIP.booleanValue, Literal(False)) in facts
    assert (fig(2019, "labor-new-law-training"), CTIP.booleanValue, Literal(True)) in facts
    for year in (2018, 2019):
        refresher = fig(year, "labor-refresher-courses")
        assert (refresher, RDF.type, CTIP.EnforcementFigure) in facts
        assert (refresher, CTIP.indicator, CTIPC["indicator/labor-refresher-courses"]) in facts
        assert (refresher, CTIP.year, Literal(str(year), datatype=URIRef(
            "http://www.w3.org/2001/XMLSchema#gYear"))) in facts
        assert (fig(year, "complaint-mechanism"), CTIP.booleanValue, Literal(True)) in facts
    # the criminal table's refresher courses are another indicator than the labor table's
    assert (fig(2019, "criminal-refresher-courses"), CTIP.booleanValue, Literal(True)) in facts


def test_unknown_is_neither_no_nor_zero(facts) -> None:
    # "Routine Inspections Conducted	Unknown (68)	Yes (4)"
    routine = fig(2018, "routine-inspections-conducted")
    assert (routine, CTIP.valueUnknown, Literal(True)) in facts
    assert list(facts.objects(routine, CTIP.booleanValue)) == []
    # "Imposed Penalties for Violations Related to The Worst Forms of Child Labor	Yes (2)
    # Unknown (4)"
    assert (fig(2018, "criminal-penalties-imposed"), CTIP.booleanValue, Literal(True)) in facts
    penalties = fig(2019, "criminal-penalties-imposed")
    assert (penalties, CTIP.valueUnknown, Literal(True)) in facts
    assert list(facts.objects(penalties, CTIP.booleanValue)) == []
    # "Number of Convictions	1 (68)	0 (4)": zero is a number
    assert (fig(2019, "convictions"), CTIP.value, Literal(Decimal(0))) in facts
    assert list(facts.objects(fig(2019, "convictions"), CTIP.valueUnknown)) == []


def test_numbers_of_the_new_rows(facts) -> None:
    assert (fig(2019, "labor-inspections-worksite"), CTIP.value, Literal(Decimal(671))) in facts
    assert (fig(2019, "criminal-violations"), CTIP.value, Literal(Decimal(46))) in facts
    assert (fig(2018, "criminal-violations"), CTIP.value, Literal(Decimal(3))) in facts
    assert (fig(2019, "labor-inspectorate-funding"), CTIP.unit, Literal("USD")) in facts


def test_inspector_sufficiency_from_the_prose(facts) -> None:
    ilo = fig(2019, "labor-inspectors-meet-ilo-advice")
    assert (ilo, CTIP.booleanValue, Literal(False)) in facts
    doc = built()[0]
    claim = next(c for c in facts.subjects(RDF.subject, ilo)
                 if facts.value(c, RDF.predicate) == CTIP.booleanValue)
    quoted = [str(p) for p in facts.objects(claim, PROV.wasQuotedFrom)]
    assert quoted and all("/sentence/" in p for p in quoted)
    assert "insufficient" in doc.text and "ILO" in doc.text


def test_every_enforcement_claim_quotes_its_cells_verbatim() -> None:
    doc, evidence, facts = built()
    exact = {str(s).split("#")[0]: str(o) for s, o in evidence.subject_objects(OA.exact)}
    starts = {str(s).split("#")[0]: int(o) for s, o in evidence.subject_objects(OA.start)}
    figures = set(facts.subjects(RDF.type, CTIP.EnforcementFigure))
    assert len(figures) >= 50
    for claim in facts.subjects(RDF.type, CTIP.Claim):
        if facts.value(claim, RDF.subject) not in figures:
            continue
        passages = [str(p) for p in facts.objects(claim, PROV.wasQuotedFrom)]
        assert passages
        for passage in passages:
            quote = exact[passage]
            assert doc.text[starts[passage]:starts[passage] + len(quote)] == quote
    answer = next(c for c in facts.subjects(RDF.object, Literal(False))
                  if facts.value(c, RDF.subject) == fig(2018, "labor-new-law-training"))
    cells = [exact[str(p)] for p in facts.objects(answer, PROV.wasQuotedFrom)]
    assert "No (68)" in cells and "Training on New Laws Related to Child Labor" in cells


def test_document_conforms_to_the_shapes() -> None:
    _, evidence, facts = built()
    report = validate_graph(evidence + facts)
    assert report.conforms, "\n".join(v.format() for v in report.violations[:5])
