"""A report without a sidecar: its kind, title, country, reporting year and publisher read from
its own words (data/lexicon/documents.toml), every value traceable to the passage that gave it;
one country one IRI; Findings table extractors only for Findings reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from _pdfs import findings_pdf, text_pdf
from ctipgraph.build import build
from ctipgraph.emit.evidence import emit_evidence, passage_iri
from ctipgraph.extract import extract
from ctipgraph.identify import identify
from ctipgraph.link.lexicon import load_lexicon
from ctipgraph.link.places import country
from ctipgraph.namespaces import CTIP, CTIPC, ID
from ctipgraph.read.model import Document
from ctipgraph.segment import load, segment_document
from ctipgraph.sources import AgentRef, Source, SourceMeta, merge
from ctipgraph.validate import validate_graph

REGIONAL = Path("/work/shared/corpus/regional/pdf")
METHOD = "metadata:findings-opening"
GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")
FINDINGS_TABLE = "\n".join([
    "Table 6. Key Policies Related to Child Labor",
    "",
    "Policy\tDescription",
    "National Action Plan Against Child Labor (2016–2020)\tAims to eliminate child labor.",
    "",
])


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def text_doc(text: str, doc_id: str = "doc") -> Document:
    return segment_document(Document(doc_id=doc_id, text=text))


@pytest.mark.parametrize(("opening", "year", "name"), [
    ("In 2019, Burkina Faso made a moderate advancement in efforts to eliminate the worst forms "
     "of child labor.", 2019, "Burkina Faso"),
    ("In 2018,Togo made a minimal advancement in its efforts to eliminate the worst forms of "
     "child labor.", 2018, "Togo"),
    ("In 2020, Benin made moderate advancement in efforts to eliminate the worst forms of child "
     "labor.", 2020, "Benin"),
    ("In 2015, Eritrea made no advancement in efforts to eliminate the worst forms of child "
     "labor.", 2015, "Eritrea"),
    ("In 2016, the Central African Republic made a moderate advancement in eforts to eliminate "
     "the worst forms of child labor.", 2016, "Central African Republic"),
    ("In 2017, The Gambia made a significant advancement in efforts to eliminate the worst forms "
     "of child labor.", 2017, "The Gambia"),
])
def test_the_opening_sentence_gives_kind_year_country_title_and_publisher(
        lexicon, opening: str, year: int, name: str) -> None:
    doc = text_doc(f"{opening} The government adopted a plan.\n")
    meta = identify(doc, lexicon).meta
    assert meta.kind == "usdol-findings"
    assert meta.reporting_year == year
    assert meta.country == name
    assert meta.title == f"{year} Findings on the Worst Forms of Child Labor: {name}"
    assert [p.key for p in meta.publishers] == ["usdol-ilab"]
    assert meta.issued is None  # never printed: only a sidecar gives it
    first = doc.sentences[0]
    assert {(e.field, e.start, e.end, e.method) for e in meta.evidence} == {
        (f, first.start, first.end, METHOD) for f in ("kind", "reporting_year", "country", "title")}


@pytest.mark.parametrize("text", [
    "Mali is a Tier 2 country. The government made significant efforts.\n",
    # the opening sentence, but not where a Findings report prints it
    "One. Two. Three. Four. In 2019, Mali made a moderate advancement in efforts to eliminate "
    "the worst forms of child labor.\n",
    "In 2019, the committee made a moderate advancement in efforts to eliminate the worst forms "
    "of child labor.\n",  # not a country's name: no country, but still the kind and year
])
def test_other_texts_are_not_findings_or_say_no_country(lexicon, text: str) -> None:
    meta = identify(text_doc(text), lexicon).meta
    if text.startswith("In 2019, the committee"):
        assert (meta.kind, meta.reporting_year, meta.country, meta.title) == (
            "usdol-findings", 2019, None, None)
    else:
        assert meta == SourceMeta()


def test_running_titles_alone_give_kind_year_and_banner_country(lexicon) -> None:
    doc = text_doc("A report whose opening sentence was lost.\n")
    doc.furniture = [(1, "Cabo Verde"), (1, "MODERATE ADVANCEMENT"),
                     (1, "2 0 1 3 F I N D I N G S O N T H E W O R S T F O R M S O F "
                         "C H I L D L A B O R"), (1, "1"), (2, "Cabo Verde")]
    meta = identify(doc, lexicon).meta
    assert (meta.kind, meta.reporting_year, meta.country) == ("usdol-findings", 2013, "Cabo Verde")
    assert meta.title == "2013 Findings on the Worst Forms of Child Labor: Cabo Verde"
    assert meta.evidence == ()  # nothing in the text to quote


def test_disagreeing_running_title_and_banner_are_warned_about(lexicon) -> None:
    doc = text_doc("In 2019, Togo made a moderate advancement in efforts to eliminate the worst "
                   "forms of child labor.\n")
    doc.furniture = [(1, "Benin"), (1, "2018 FINDINGS ON THE WORST FORMS OF CHILD LABOR")]
    found = identify(doc, lexicon)
    assert (found.meta.reporting_year, found.meta.country) == (2019, "Togo")
    assert len(found.warnings) == 2 and "2018" in found.warnings[0]


def test_the_sidecar_wins_field_by_field(lexicon) -> None:
    doc = text_doc("In 2019, Togo made a moderate advancement in efforts to eliminate the worst "
                   "forms of child labor.\n")
    found = identify(doc, lexicon).meta
    sidecar = SourceMeta(title="Togo 2019", country="Togo", issued="2020-09",
                         publishers=(AgentRef("someone", "Someone"),))
    merged = merge(sidecar, found)
    assert merged.title == "Togo 2019" and merged.issued == "2020-09"
    assert merged.kind == "usdol-findings" and merged.reporting_year == 2019
    assert [p.key for p in merged.publishers] == ["someone"]
    # the passage stays behind the values the text gave (the sidecar's own country agrees)
    assert {e.field for e in merged.evidence} == {"kind", "reporting_year", "country"}
    assert merge(SourceMeta(), SourceMeta()) == SourceMeta()


@pytest.mark.parametrize(("names", "slug"), [
    (["Côte d'Ivoire", "Cote d'Ivoire", "Cote D’Ivoire", "Ivory Coast"], "cote-d-ivoire"),
    (["The Gambia", "Gambia", "the Gambia"], "gambia"),
    (["Cabo Verde", "Cape Verde"], "cabo-verde"),
    (["Central African Republic", "the Central African Republic", "CAR"],
     "central-african-republic"),
    (["Guinea-Bissau", "Guinea Bissau"], "guinea-bissau"),
    (["Côte d’Atlantis", "Cote d'Atlantis"], "cote-d-atlantis"),  # not listed: one slug still
])
def test_a_country_is_one_iri_however_it_is_written(lexicon, names: list[str],
                                                    slug: str) -> None:
    assert {country(lexicon, name)[0] for name in names} == {ID[f"place/{slug}"]}


def _emitted(path: Path, lexicon):
    doc = load(path)
    doc.doc_id = path.stem
    found = identify(doc, lexicon)
    source = Source(doc_id=path.stem, path=path, meta=merge(SourceMeta(), found.meta))
    evidence = emit_evidence(doc, source, {}, lexicon)
    facts = extract(doc, lexicon, meta=source.meta).graph
    return doc, evidence, facts


def test_the_documents_country_is_the_iri_of_its_mentions_and_its_values_are_claimed(
        tmp_path: Path, lexicon) -> None:
    path = tmp_path / "findings-gambia.txt"
    path.write_text("In 2018, The Gambia made a moderate advancement in efforts to eliminate the "
                    "worst forms of child labor. Children in Gambia beg.\n\n" + FINDINGS_TABLE,
                    encoding="utf-8")
    doc, evidence, facts = _emitted(path, lexicon)
    d = ID[f"doc/{path.stem}"]
    gambia = ID["place/gambia"]
    assert (d, CTIP.country, gambia) in evidence
    assert (gambia, CTIP.mentionedIn, passage_iri(doc.doc_id, doc.sentences[1])) in facts
    assert len(set(evidence.objects(gambia, RDF.type))) == 1
    opening = passage_iri(doc.doc_id, doc.sentences[0])
    claimed = {(evidence.value(c, RDF.predicate), evidence.value(c, RDF.object))
               for c in evidence.subjects(CTIP.extractionMethod, Literal(METHOD))
               if evidence.value(c, PROV.wasQuotedFrom) == opening
               and evidence.value(c, RDF.subject) == d}
    assert claimed == {
        (CTIP.documentKind, CTIPC["doc-kind/usdol-findings"]),
        (CTIP.reportingYear, Literal("2018", datatype=GYEAR)),
        (CTIP.country, gambia),
        (DCTERMS.title, Literal("2018 Findings on the Worst Forms of Child Labor: The Gambia")),
    }
    assert any(str(m) == "table:policies" for m in facts.objects(None, CTIP.extractionMethod))
    report = validate_graph(evidence + facts)
    assert report.violations == [], [v.format() for v in report.violations]


def test_findings_tables_are_read_only_in_findings_reports(tmp_path: Path, lexicon) -> None:
    path = tmp_path / "generic-note.txt"
    path.write_text("A note on policies in Togo.\n\n" + FINDINGS_TABLE, encoding="utf-8")
    doc, evidence, facts = _emitted(path, lexicon)
    assert (None, CTIP.documentKind, None) not in evidence
    assert not [m for m in facts.objects(None, CTIP.extractionMethod)
                if str(m).startswith("table:")]
    # the table is still read as text: its names are mentioned
    assert (ID["place/togo"], CTIP.mentionedIn, None) in facts
    assert len(doc.tables) == 1


def test_build_says_what_it_read_and_what_it_did_not_recognize(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "some-findings.pdf").write_bytes(findings_pdf("Cabo Verde", 2018))
    (sources / "a-note.pdf").write_bytes(text_pdf([[
        (72, 700, 16, "A Note on Child Labor"),
        (72, 660, 10, "Children in Togo work in agriculture. The Ministry of Labor inspects."),
    ]]))
    lines: list[str] = []
    build(sources, tmp_path / "ttl", jobs=1, progress=lines.append)
    printed = "\n".join(lines)
    assert (f"{sources / 'a-note.pdf'}: not recognized as a USDOL Findings report: "
            "read as a generic document") in printed
    assert ("read from its text: kind usdol-findings; country Cabo Verde; reporting year 2018; "
            "title '2018 Findings on the Worst Forms of Child Labor: Cabo Verde'; "
            "publisher usdol-ilab") in printed
    ttl = (tmp_path / "ttl" / "some-findings.ttl").read_text(encoding="utf-8")
    assert "<https://w3id.org/ctipgraph/id/place/cabo-verde>" in ttl
    assert "dcterms:issued" not in ttl


@pytest.mark.skipif(not REGIONAL.is_dir(), reason="the regional corpus is not here")
@pytest.mark.parametrize(("name", "printed", "slug"), [
    ("usdol-findings-2016-gambia.pdf", "The Gambia", "gambia"),
    ("usdol-findings-2019-togo.pdf", "Togo", "togo"),
])
def test_regional_reports_are_identified(lexicon, name: str, printed: str, slug: str) -> None:
    doc = load(REGIONAL / name, cite=False)
    meta = identify(doc, lexicon).meta
    year = int(name.split("-")[2])
    assert (meta.kind, meta.reporting_year, meta.country) == ("usdol-findings", year, printed)
    assert country(lexicon, meta.country)[0] == ID[f"place/{slug}"]
