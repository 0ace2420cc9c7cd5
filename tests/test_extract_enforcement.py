"""What the Findings tables say, all of it, on small made-up reports in the text format: the
Yes/No answers of the enforcement tables (unknown and N/A kept apart from No), their row labels
as the series prints them, the inspectors' sufficiency said in prose, unavailable statistics,
advancement wordings and ratifications whatever the table's drawn columns."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF

from ctipgraph.extract import extract
from ctipgraph.link.lexicon import load_lexicon
from ctipgraph.namespaces import CTIP, CTIPC, ID
from ctipgraph.segment import load
from ctipgraph.sources import SourceMeta

REFERENCES = "\n".join(["", "REFERENCES", "", "1. U.S. Embassy. Reporting, 2020.",
                        "2. ILO. Country brief. 2020.", ""])


def facts(tmp_path: Path, body: str, year: int = 2019) -> Graph:
    path = tmp_path / f"synthetic-findings-{year}-niger.txt"
    path.write_text(f"Synthetic Findings: Niger\n\n{body}\n{REFERENCES}", encoding="utf-8")
    meta = SourceMeta(kind="usdol-findings", country="Niger", reporting_year=year)
    return extract(load(path), load_lexicon(), meta=meta).graph


def fig(year: int, indicator: str) -> URIRef:
    return ID[f"observation/niger-{year}-{indicator}-child-labor"]


LABOR = "\n".join([
    "Table 6. Labor Law Enforcement Efforts Related to Child Labor",
    "",
    "Overview of Labor Law Enforcement\t2018\t2019",
    "Mechanism to Assess Civil Penalties\tYes (1)\tYes (2)",
    "Training for Labor Inspectors\t\t",
    "Initial Training for New Employees\tYes (1)\tNo (2)",
    "Training on New Laws Related to Child Labor\tN/A\tUnknown (2)",
    "Number Conducted at Worksite\t12 (1)\tUnknown* (2)",
    "Unannounced Inspections Permited\tYes (1)\tYes (2)",
    "Reciprocal Referral Mechanism Exists Between Labor Authorities and Social Services\t"
    "No (1)\tYes (1, 2)",
    "",
    "Table 7. Criminal Law Enforcement Efforts Related to the Worst Forms of Child Labor",
    "",
    "Overview of Criminal Law Enforcement\t2018\t2019",
    "Initial Training for New Employees\tUnknown (1)\tYes (2)",
    "Number of Violations Found\t3 (1)\t0 (2)",
    "Imposed Penalties for Violations Related to the Worst Forms of Child Labor\tNo (1)\t"
    "Yes (2)",
    "",
])


def test_yes_no_answers_are_figures_of_each_column_year(tmp_path) -> None:
    g = facts(tmp_path, LABOR)
    initial = fig(2019, "labor-initial-training")
    assert (initial, RDF.type, CTIP.EnforcementFigure) in g
    assert (initial, CTIP.indicator, CTIPC["indicator/labor-initial-training"]) in g
    assert (initial, CTIP.booleanValue, Literal(False)) in g
    assert (fig(2018, "labor-initial-training"), CTIP.booleanValue, Literal(True)) in g
    assert (fig(2019, "authorized-to-assess-penalties"), CTIP.booleanValue, Literal(True)) in g
    assert (fig(2019, "labor-referral-mechanism"), CTIP.booleanValue, Literal(True)) in g
    # "Permited": the ligature the PDF lost does not hide the row
    assert (fig(2018, "unannounced-inspections-permitted"), CTIP.booleanValue,
            Literal(True)) in g


def test_unknown_and_not_applicable_are_neither_no_nor_zero(tmp_path) -> None:
    g = facts(tmp_path, LABOR)
    new_laws_2018, new_laws_2019 = fig(2018, "labor-new-law-training"), fig(
        2019, "labor-new-law-training")
    assert (new_laws_2018, CTIP.valueNotApplicable, Literal(True)) in g
    assert (new_laws_2019, CTIP.valueUnknown, Literal(True)) in g
    for figure in (new_laws_2018, new_laws_2019):
        assert list(g.objects(figure, CTIP.booleanValue)) == []
    worksite = fig(2019, "labor-inspections-worksite")
    assert (worksite, CTIP.valueUnknown, Literal(True)) in g
    assert list(g.objects(worksite, CTIP.value)) == []
    assert (fig(2018, "labor-inspections-worksite"), CTIP.value, Literal(Decimal(12))) in g
    assert (fig(2018, "labor-inspections-worksite"), CTIP.unit, Literal("inspections")) in g


def test_the_criminal_table_has_its_own_indicators(tmp_path) -> None:
    g = facts(tmp_path, LABOR)
    # the same row label as the labor table's, another question
    assert (fig(2019, "criminal-initial-training"), CTIP.booleanValue, Literal(True)) in g
    assert (fig(2018, "criminal-initial-training"), CTIP.valueUnknown, Literal(True)) in g
    assert (fig(2019, "criminal-violations"), CTIP.value, Literal(Decimal(0))) in g
    assert (fig(2019, "criminal-penalties-imposed"), CTIP.booleanValue, Literal(True)) in g
    # the caption's wording ("Worst Forms of …") does not change the figure's IRI
    assert (fig(2018, "criminal-penalties-imposed"), CTIP.form,
            CTIPC["exploitation/worst-forms-of-child-labor"]) in g


def test_an_answer_claim_quotes_label_year_and_cell(tmp_path) -> None:
    g = facts(tmp_path, LABOR)
    claim = next(c for c in g.subjects(RDF.subject, fig(2019, "labor-initial-training"))
                 if g.value(c, RDF.predicate) == CTIP.booleanValue)
    passages = {str(p).rsplit("/doc/", 1)[-1].split("/", 1)[-1]
                for p in g.objects(claim, PROV.wasQuotedFrom)}
    assert len(passages) == 3 and all("/cell/" in p for p in passages)


SUFFICIENCY = "\n".join([
    "III. ENFORCEMENT",
    "",
    "The number of labor inspectors is likely insufficient for the size of Niger’s workforce, "
    "which includes more than 6 million workers. According to the ILO’s technical advice of a "
    "ratio approaching 1 inspector for every 40,000 workers in less developed economies, Niger "
    "would employ about 150 inspectors. (1)",
    "",
])


def test_inspector_sufficiency_by_the_ilo_yardstick(tmp_path) -> None:
    g = facts(tmp_path, SUFFICIENCY)
    figure = fig(2019, "labor-inspectors-meet-ilo-advice")
    assert (figure, CTIP.booleanValue, Literal(False)) in g
    claim = next(c for c in g.subjects(RDF.subject, figure)
                 if g.value(c, RDF.predicate) == CTIP.booleanValue)
    assert len(list(g.objects(claim, PROV.wasQuotedFrom))) == 2  # verdict + ILO sentence
    assert str(g.value(claim, CTIP.extractionMethod)) == "pattern:labor-inspector-sufficiency"


def test_an_opinion_or_a_suggested_action_is_no_sufficiency_answer(tmp_path) -> None:
    g = facts(tmp_path, "\n".join([
        "The ministry believes that the number of labor inspectors is still insufficient. (1)",
        "",
        "Increase the number of labor inspectors to meet the ILO’s technical advice.",
        "",
    ]))
    assert not list(g.subjects(CTIP.indicator, CTIPC["indicator/labor-inspectors-meet-ilo-advice"]))


STATISTICS = "\n".join([
    "Table 1. Statistics on Children’s Work and Education",
    "",
    "Children\tAge\tPercent",
    "Working (% and population)\t5 to 14\t47.5 (Unavailable)",
    "Atending School (%)\t5 to 14\t76.6",
    "Primary Completion Rate (%)\t\tUnavailable",
    "",
    "Source for all other data: Analysis of statistics from Survey, 2015. (2)",
    "",
])


def test_unavailable_statistics_are_unknown(tmp_path) -> None:
    g = facts(tmp_path, STATISTICS)
    # an unavailable value has no data year: it is the 2019 report's
    count = ID["observation/niger-reported-2019-working-children-5-14-children"]
    assert (count, CTIP.valueUnknown, Literal(True)) in g
    assert (ID["observation/niger-2015-working-children-5-14-percent"], CTIP.value,
            Literal(Decimal("47.5"))) in g
    assert (ID["observation/niger-2015-attending-school-5-14-percent"], CTIP.value,
            Literal(Decimal("76.6"))) in g  # "Atending": a lost ligature
    rate = ID["observation/niger-reported-2019-primary-completion-rate-percent"]
    assert (rate, CTIP.valueUnknown, Literal(True)) in g
    assert list(g.objects(rate, CTIP.year)) == []


def test_advancement_without_article_and_its_qualified_level(tmp_path) -> None:
    g = facts(tmp_path, "\n".join([
        "In 2020, Niger made minimal advancement in efforts to eliminate the worst forms of "
        "child labor. Despite new initiatives, Niger is receiving this assessment because it "
        "continued to implement a practice that delayed advancement in eliminating child labor.",
        "",
    ]), year=2020)
    assessment = ID["assessment/niger-advancement-2020"]
    levels = set(g.objects(assessment, CTIP.advancementLevel))
    assert levels == {
        CTIPC["advancement/minimal-advancement"],
        CTIPC["advancement/minimal-advancement-efforts-made-but-continued-practice-that-"
              "delayed-advancement"]}


def test_ratification_through_a_drawn_empty_column_and_a_lost_ligature(tmp_path) -> None:
    g = facts(tmp_path, "\n".join([
        "Table 3. Ratification of International Conventions on Child Labor",
        "",
        "Convention\t\tRatification",
        "\tILO C. 138, Minimum Age\t✓",
        "\tPalermo Protocol on Traficking in Persons\t✓",
        "",
        "In January 2019, the government ratified the UN CRC Optional Protocol on the Sale of "
        "Children, Child Prostitution, and Child Pornography. (1)",
        "",
    ]))
    niger = ID["place/niger"]
    ratified = set(g.objects(niger, CTIP.ratified))
    assert {ID["agreement/ilo-c-138"], ID["agreement/palermo-protocol"],
            ID["agreement/un-crc-optional-protocol-sale-of-children"]} <= ratified
