"""A hostile document for the security tests: a source document whose data carries script URLs
(`ctip:sourceURL`, a reference's `ctip:url`, an external IRI, a country) and markup in its
labels, quote and text. Every page that shows it must show these as text, never as links or
markup."""

from __future__ import annotations

from pathlib import Path

#: a string that must never reach an HTML page unescaped
MARK = "ctipmk<'\">"
DOC = "hostile-doc"
ID = "https://w3id.org/ctipgraph/id/"
SCRIPT_URLS = ("javascript:alert(document.domain)", "JavaScript:alert(2)",
               "data:text/html,%3Cscript%3Ealert(3)%3C/script%3E", "vbscript:msgbox(1)")
TEXT = (f"The Hostile Ministry <script>alert(1)</script> funds the {MARK} programme (1).\n\n"
        "References\n\n1. Evil Org. javascript:alert(2)\n")
SENTENCE = TEXT.split("\n", 1)[0]


def _lit(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def hostile_turtle() -> str:
    """The hostile document as Turtle (IRIs relative to the id space)."""
    d = f"<doc/{DOC}>"
    start, end = 0, len(SENTENCE)
    return f"""@base <{ID}> .
@prefix ctip: <https://w3id.org/ctipgraph/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix cito: <http://purl.org/spar/cito/> .

{d} a ctip:SourceDocument ;
    dcterms:title {_lit("Hostile <script>alert(5)</script> " + MARK)} ;
    dcterms:publisher <org/hostile-ministry> ;
    ctip:country <{SCRIPT_URLS[0]}> ;
    ctip:sourceURL "{SCRIPT_URLS[0]}"^^xsd:anyURI ;
    ctip:textFile "{DOC}.txt" .

<org/hostile-ministry> a ctip:GovernmentBody ;
    rdfs:label {_lit("Hostile Ministry <img src=x onerror=alert(3)> " + MARK)} ;
    rdfs:seeAlso <{SCRIPT_URLS[1]}>, <{SCRIPT_URLS[2]}> ;
    ctip:funds <{SCRIPT_URLS[3]}> .

<{SCRIPT_URLS[0]}> rdfs:label {_lit("Scriptland " + MARK)} .

<doc/{DOC}/sentence/1> a ctip:Sentence ;
    ctip:inDocument {d} ;
    ctip:order "1"^^xsd:positiveInteger ;
    oa:hasSelector <doc/{DOC}/sentence/1#position>, <doc/{DOC}/sentence/1#quote> .
<doc/{DOC}/sentence/1#position> a oa:TextPositionSelector ;
    oa:start "{start}"^^xsd:nonNegativeInteger ; oa:end "{end}"^^xsd:nonNegativeInteger .
<doc/{DOC}/sentence/1#quote> a oa:TextQuoteSelector ; oa:exact {_lit(SENTENCE)} .

<doc/{DOC}/ref/1> a ctip:Reference ;
    ctip:inDocument {d} ;
    ctip:referenceKey {_lit("1" + MARK)} ;
    ctip:referenceText {_lit("Evil Org. " + MARK)} ;
    ctip:url "{SCRIPT_URLS[1]}"^^xsd:anyURI, "{SCRIPT_URLS[2]}"^^xsd:anyURI .

<org/hostile-ministry> ctip:funds <{SCRIPT_URLS[3]}> .
<doc/{DOC}/claim/1> a ctip:Claim ;
    rdf:subject <org/hostile-ministry> ;
    rdf:predicate ctip:funds ;
    rdf:object <{SCRIPT_URLS[3]}> ;
    prov:wasQuotedFrom <doc/{DOC}/sentence/1> ;
    cito:citesAsEvidence <doc/{DOC}/ref/1> ;
    ctip:inDocument {d} ;
    ctip:extractionMethod {_lit("pattern:" + MARK)} .
<doc/{DOC}/claim/2> a ctip:Claim ;
    rdf:subject <org/hostile-ministry> ;
    rdf:predicate rdfs:label ;
    rdf:object {_lit(MARK)} ;
    prov:wasQuotedFrom <doc/{DOC}/sentence/1> ;
    ctip:inDocument {d} ;
    ctip:extractionMethod "pattern:hostile" .
"""


def write_hostile(folder: Path) -> tuple[Path, Path]:
    """The hostile document's Turtle file and a folder holding its normalized text."""
    folder.mkdir(parents=True, exist_ok=True)
    ttl = folder / f"{DOC}.ttl"
    ttl.write_text(hostile_turtle(), encoding="utf-8")
    texts = folder / "texts"
    texts.mkdir(exist_ok=True)
    (texts / f"{DOC}.txt").write_text(TEXT, encoding="utf-8")
    return ttl, texts
