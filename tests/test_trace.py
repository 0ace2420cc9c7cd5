"""Provenance tracing (`ctipgraph trace` and the Tracer) on the fixture graph."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from ctipgraph.paths import ONTOLOGY
from ctipgraph.provenance.trace import TraceError, Tracer, parse_term
from ctipgraph.store import GraphStore

MINI = Path(__file__).parent / "fixtures" / "mini.ttl"
ID = "https://w3id.org/ctipgraph/id/"
CTIP = "https://w3id.org/ctipgraph/ontology#"
TIER_2017 = f"{ID}assessment/mali-tier-placement-2017"
CTIPGRAPH = str(Path(sys.executable).with_name("ctipgraph"))


@pytest.fixture(scope="module")
def tracer(texts: Path) -> Tracer:
    store = GraphStore.from_files([(MINI, None), (ONTOLOGY, None)])
    return Tracer(store, text_dir=texts)  # the texts the mini graph's offsets point into


def test_trace_reaches_quote_document_and_references(tracer: Tracer, texts: Path) -> None:
    fact = tracer.trace(f"{ID}org/gatia", f"{CTIP}engagesIn",
                        f"{ID}concept/exploitation/child-soldiering")
    assert fact.asserted
    assert fact.subject_label == "Tuareg Imghad and Allies Self-Defense Group"
    [claim] = fact.claims
    assert claim.method == "pattern:armed-group-recruitment"
    assert claim.document.title == "2017 Findings on the Worst Forms of Child Labor: Mali"
    [passage] = claim.passages
    assert "Tuareg Imghad and Allies Self-Defense Group (GATIA)" in passage.quote
    text = (texts / "usdol-findings-2017-mali.txt").read_text(encoding="utf-8")
    assert text[passage.start:passage.end] == passage.quote
    assert text[:passage.start].endswith(passage.before)
    assert text[passage.end:].startswith(passage.after)
    assert [ref.key for ref in claim.references] == ["3", "4", "33", "34"]
    assert claim.references[0].source_on_file


def test_disagreeing_documents_are_shown(tracer: Tracer) -> None:
    facts = {str(o): tracer.trace(s, p, o) for s, p, o in tracer.facts_about(TIER_2017)
             if p.value == f"{CTIP}tier"}
    assert len(facts) == 2
    for fact in facts.values():
        assert fact.other_values, "each tier should list the other document's value"
        other_docs = {o["document"] for o in fact.other_values}
        assert not other_docs & set(fact.documents)


def test_other_values_are_cut_and_counted(tracer: Tracer) -> None:
    """A trace lists the first other values of its subject and property (by document, then
    value) and says how many there are."""
    program, implemented_by = f"{ID}program/glo-act", f"{CTIP}implementedBy"
    [(_, _, first), *_] = [spo for spo in tracer.facts_about(program)
                           if spo[1].value == implemented_by]
    every = tracer.trace(program, implemented_by, first, other_values=None)
    assert every.other_value_count == len(every.other_values) >= 2
    assert first.value not in {o["object"].strip("<>") for o in every.other_values}
    assert every.other_values == sorted(every.other_values,
                                        key=lambda o: (o["document"], o["object"]))
    cut = tracer.trace(program, implemented_by, first, other_values=1)
    assert cut.other_values == every.other_values[:1]
    assert cut.other_value_count == every.other_value_count


def test_facts_about_and_matching(tracer: Tracer) -> None:
    about = tracer.facts_about(f"{ID}org/gatia")
    assert any(p.value == f"{CTIP}engagesIn" for _, p, _ in about)
    matching = tracer.facts_matching("gatia")
    assert {s.value for s, _, _ in matching} >= {f"{ID}org/gatia"}
    assert tracer.facts_matching("no such phrase anywhere") == []


@pytest.mark.parametrize("bad", ["not an iri", '"unterminated', "<a b>"])
def test_bad_terms_are_refused(bad: str) -> None:
    with pytest.raises(TraceError):
        parse_term(bad)


def test_literal_terms_parse() -> None:
    term = parse_term('"2017"^^<http://www.w3.org/2001/XMLSchema#gYear>')
    assert term.value == "2017"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CTIPGRAPH, "trace", "--data", str(MINI), "--data", str(ONTOLOGY),
                           *args], capture_output=True, text=True)


def test_cli_text_json_and_turtle() -> None:
    text = _cli(f"{ID}org/gatia")
    assert text.returncode == 0, text.stderr
    assert "FACT" in text.stdout and "«" in text.stdout and "[33]" in text.stdout
    data = json.loads(_cli("--format", "json", "--search", "GATIA").stdout)
    assert data and all(fact["claims"] for fact in data)
    turtle = _cli("--format", "turtle", f"{ID}org/gatia")
    graph = Graph().parse(data=turtle.stdout, format="turtle")
    claims = set(graph.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                URIRef(f"{CTIP}Claim")))
    assert claims
    assert (None, URIRef("http://www.w3.org/ns/oa#exact"), None) in graph


def test_cli_errors() -> None:
    assert _cli().returncode == 2  # nothing to trace: usage error
    bad = _cli("--fact", "not an iri", "x", "y")
    assert bad.returncode == 2 and "not an IRI" in bad.stderr
    none = _cli("--search", "zzzz-nothing")
    assert none.returncode == 1 and "no claimed fact" in none.stderr


def test_text_says_when_documents_disagree() -> None:
    tier = _cli("--fact", TIER_2017, f"{CTIP}tier", f"{ID}concept/tier/tier-3")
    assert tier.returncode == 0, tier.stderr
    assert "the documents disagree" in tier.stdout
    assert "tier-2-watch-list" in tier.stdout.split("the documents disagree", 1)[1]
