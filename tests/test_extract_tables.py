"""Table extractors on a made-up Findings chapter (another country, other names): tables are
recognized by caption, not number, and every row becomes facts with claims."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from ctipgraph.extract import extract
from ctipgraph.link.lexicon import load_lexicon
from ctipgraph.namespaces import CTIP, CTIPC, ID
from ctipgraph.segment import load
from ctipgraph.sources import SourceMeta

XSD = "http://www.w3.org/2001/XMLSchema#"

CHAPTER = "\n".join([
    'Synthetic Findings: Niger',
    '',
    'In 2019, Niger made a minimal advancement in efforts to eliminate the worst forms of '
    'child labor. (1) The Ministry of Lake Fishing (MLF) and MLF’s Regional Fishing Committees '
    'met twice. (2) The UNDAF was reviewed. (2) The National Agency Against Lake Trafficking '
    '(NAALT) investigated 12 cases. (2)',
    '',
    "Table 7. Statistics on Children's Work and Education",
    '',
    'Children\tAge\tPercent',
    'Working (% and population)\t5 to 14\t30.2 (1,500,000)',
    'Attending School (%)\t5 to 14\t40.0',
    '',
    'Source for all other data: Analysis of statistics from Survey, 2016–2017. (2)',
    '',
    'Table 2. Ratification of International Conventions on Child Labor',
    '',
    'Convention\tRatification',
    'ILO C. 182, Worst Forms of Child Labor\t✓',
    'ILO C. 29, Forced Labor\t✓',
    '',
    'Table 3. Laws and Regulations on Child Labor',
    '',
    'Standard\tMeets International Standards: Yes/No\tAge\tLegislation',
    'Minimum Age for Work\tNo\t14\tArticle 106 of the Labor Code (1)',
    'Prohibition of Military Recruitment\t\t\t',
    'Non-state\tNo\t\tArticle 12 of Law No. 2019-045 (2)',
    '',
    'Table 9. Agencies Responsible for Child Labor Law Enforcement',
    '',
    'Organization/Agency\tRole',
    "Ministry of Employment's Labor Inspectorate Service\tEnforce the Labor Code. (1)",
    "Children's Court\tAdjudicate cases involving children. (2)",
    "Ministry of Lake Welfare, Gender and Children's Affairs (MLWGCA)\tRefers children. (2)",
    "Ministry of Lake Security’s Division of Drugs and Morals\tInvestigates. (2)",
    "The Lake Juvenile Court\tAdjudicates cases of children. (2)",
    "The Gambia Fisheries Board\tLiaises with the courts. (2)",
    "MLF’s Fisheries Police Unit\tPatrols the lake. (2)",
    '',
    'Table 5. Labor Law Enforcement Efforts Related to Child Labor',
    '',
    'Overview of Labor Law Enforcement\t2018\t2019',
    'Labor Inspectorate Funding\tUnknown (1)\t\\$12,500 (2)',
    'Number of Labor Inspectors\t40 (1)\t42 (2)',
    '',
    'Table 4. Key Mechanisms to Coordinate Government Efforts on Child Labor',
    '',
    'Coordinating Body\tRole and Description',
    'National Steering Committee on Child Labor (NSCCL)\tCoordinate efforts against child '
    'labor. Chaired by the Ministry of Employment. In 2019, received a budget of '
    '\\$20,000 to hold meetings. (2)',
    'Ministry of Lake Herding (MLH)\tCoordinates efforts on herding children. (2)',
    'MLF’s Regional Fishing Committees\tCoordinate regional efforts on fishing. (2)',
    'MLF\tCoordinates the fishing inspectors. (2)',
    'National Agency Against Lake Trafficking (NAALT) Task Force\tInvestigates cases. (2)',
    'Inter-Ministerial Committee (IMLC) on Lake Trafficking\tCoordinates efforts. (2)',
    'Lake Police (LKP) Women and Children Protection Section (WCPS)\tProtects children. (2)',
    '',
    'Table 6. Key Policies Related to Child Labor',
    '',
    'Policy\tDescription',
    'National Action Plan Against Child Labor (2016–2020)\tAims to eliminate child labor. '
    'Overseen by the NSCCL. (1)',
    'MLF’s National Plan for Young Fishers (2018–2022)\tAims to protect young fishers. (2)',
    'UNDAF (2017–2021)\tAims to coordinate UN support to the government. (2)',
    'Ministry of Lake Planning (MLP) Policies\tIncludes the 5-Year Plan for the Lake. (2) '
    'Vision 2040, another MLP policy, aims to build schools. (2)',
    'Lake Children Act*\tSets the minimum age for work and protects children from hazardous '
    'work. (1)',
    '',
    'Table 8. Key Social Programs to Address Child Labor',
    '',
    'Program\tDescription',
    'Sahel Child Protection Project (2017–2021)\t\\$4.5 million USAID-funded project '
    'implemented by the ILO and World Vision to combat forced begging. (1; 2)',
    'Lake Institute of Childhood (LIC) Rehabilitation Project (2017–2020)†\tRebuilds the '
    'institute. (2)',
    'Tackling Lake Labor through Education (TALLE) Project\tSupports schools. (2)',
    'Ministry of Lake Women (MLW)†\tProvides temporary shelter to victims. (2)',
    '',
    'Table 10. Suggested Government Actions to Eliminate Child Labor',
    '',
    'Area\tSuggested Action\tYear(s) Suggested',
    'Legal Framework\tRaise the minimum age for work to 15.\t2016 – 2019',
    'Enforcement\tPublish information on labor inspections.\t2019',
    '',
    'REFERENCES',
    '',
    '1. U.S. Embassy- Niamey. Reporting, 2020.',
    '2. ILO. Country brief. 2020.',
    "",
])


@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> Graph:
    path: Path = tmp_path_factory.mktemp("findings") / "synthetic-findings-2019-niger.txt"
    path.write_text(CHAPTER, encoding="utf-8")
    doc = load(path)
    meta = SourceMeta(country="Niger", reporting_year=2019)
    return extract(doc, load_lexicon(), meta=meta).graph


def lit(value, type_: str | None = None) -> Literal:
    return Literal(value, datatype=URIRef(XSD + type_)) if type_ else Literal(value)


def test_statistics_become_observations_with_the_year_of_the_source_note(graph) -> None:
    obs = ID["observation/niger-2017-working-children-5-14-percent"]
    assert (obs, CTIP.value, Literal(Decimal("30.2"))) in graph
    assert (obs, CTIP.unit, Literal("percent")) in graph
    assert (obs, CTIP.ageMin, Literal(5)) in graph and (obs, CTIP.ageMax, Literal(14)) in graph
    count = ID["observation/niger-2017-working-children-5-14-children"]
    assert (count, CTIP.value, Literal(Decimal(1500000))) in graph
    year_claims = [c for c in graph.subjects(RDF.subject, obs)
                   if graph.value(c, RDF.predicate) == CTIP.year]
    assert len(list(graph.objects(year_claims[0], PROV.wasQuotedFrom))) == 2  # row + note


def test_ratification(graph) -> None:
    niger = ID["place/niger"]
    assert (niger, CTIP.ratified, ID["agreement/ilo-c-182"]) in graph
    assert (niger, CTIP.ratified, ID["agreement/ilo-c-29"]) in graph


def test_legal_standards_with_group_rows_and_provisions(graph) -> None:
    work = ID["assessment/niger-2019-minimum-age-for-work"]
    assert (work, CTIP.age, Literal(14)) in graph
    assert (work, CTIP.meetsInternationalStandards, Literal(False)) in graph
    assert (work, CTIP.setBy, ID["law/niger-labor-code-article-106"]) in graph
    nonstate = ID["assessment/niger-2019-prohibition-of-military-recruitment-non-state"]
    assert (nonstate, CTIP.standard,
            Literal("Prohibition of Military Recruitment: Non-state")) in graph
    provision = ID["law/niger-law-2019-045-article-12"]
    assert (nonstate, CTIP.setBy, provision) in graph
    assert (provision, CTIP.partOf, ID["law/niger-law-2019-045"]) in graph


def test_enforcement_agency_is_the_sub_organization(graph) -> None:
    agencies = [s for s in graph.subjects(CTIP.role, None)
                if "labor-inspectorate-service" in str(s)]
    assert len(agencies) == 1
    agency = agencies[0]
    assert (agency, CTIP.enforces, ID["law/niger-labor-code"]) in graph
    owner = graph.value(agency, CTIP.subOrganizationOf)
    assert owner is not None and "ministry-of-employment" in str(owner)


def test_a_possessive_names_an_owner_only_when_the_owner_is_a_name(graph) -> None:
    # a regional report's "Children’s Court" made a government body named "Children", matched
    # in every sentence saying "Children"
    labels = {str(o) for s in graph.subjects(RDF.type, CTIP.GovernmentBody)
              for o in graph.objects(s, RDFS.label)}
    assert "Children's Court" in labels and "Children" not in labels, labels
    assert "Ministry of Lake Welfare, Gender and Children's Affairs" in labels, labels
    assert "Affairs" not in labels, labels
    # a ministry's division: two bodies
    assert {"Ministry of Lake Security", "Division of Drugs and Morals"} <= labels, labels
    assert any("ministry-of-employment" in str(s)
               for s in graph.subjects(RDF.type, CTIP.GovernmentBody))


def test_enforcement_figures_unknown_is_not_zero(graph) -> None:
    unknown = ID["observation/niger-2018-labor-inspectorate-funding-child-labor"]
    assert (unknown, CTIP.valueUnknown, Literal(True)) in graph
    assert list(graph.objects(unknown, CTIP.value)) == []
    funded = ID["observation/niger-2019-labor-inspectorate-funding-child-labor"]
    assert (funded, CTIP.value, Literal(Decimal(12500))) in graph
    assert (funded, CTIP.unit, Literal("USD")) in graph
    assert (funded, RDF.type, CTIP.EnforcementFigure) in graph
    inspectors = ID["observation/niger-2019-labor-inspectors-child-labor"]
    assert (inspectors, CTIP.value, Literal(Decimal(42))) in graph


def test_coordinating_body_leader_and_budget(graph) -> None:
    body = ID["org/niger-nsccl"]
    assert (body, RDF.type, CTIP.CoordinatingBody) in graph
    leader = graph.value(body, CTIP.ledBy)
    assert leader is not None and "ministry-of-employment" in str(leader)
    budget = ID["funding/niger-nsccl-government-of-niger-2019"]
    assert (budget, CTIP.amount, Literal(Decimal(20000))) in graph
    assert (budget, CTIP.currency, Literal("USD")) in graph
    assert (budget, CTIP.funder, ID["org/government-of-niger"]) in graph


def test_a_leading_article_is_no_part_of_a_table_s_name(graph) -> None:
    # a regional report's row "The Juvenile Court" was a body apart from its "Juvenile Court"
    labels = {str(o) for o in graph.objects(None, RDFS.label)}
    assert "Lake Juvenile Court" in labels and "The Lake Juvenile Court" not in labels
    assert "The Gambia Fisheries Board" in labels  # a country's name keeps its article


def test_a_ministry_among_the_mechanisms_to_coordinate_is_a_ministry(graph) -> None:
    # a regional report lists "Ministry of Women and Childhood Protection (MWCP)" in this table
    ministry = ID["org/niger-mlh"]
    assert (ministry, RDFS.label, Literal("Ministry of Lake Herding", lang="en")) in graph
    assert (ministry, CTIP.role, None) in graph
    assert set(graph.objects(ministry, RDF.type)) == {CTIP.GovernmentBody}


def test_a_table_s_name_owned_by_an_acronym_is_the_owned_name(graph) -> None:
    # regional reports' rows "MWCPNS’s Regional Child Protection Committees" and "MOJ’s National
    # Action Plan for …" were bodies and plans named with their owner's acronym
    committees = ID["org/niger-regional-fishing-committees"]
    assert (committees, RDFS.label, Literal("Regional Fishing Committees", lang="en")) in graph
    assert (committees, CTIP.subOrganizationOf, ID["org/niger-mlf"]) in graph
    assert (committees, CTIP.role, None) in graph
    plan = ID["policy/niger-national-plan-for-young-fishers"]
    assert (plan, RDFS.label, Literal("National Plan for Young Fishers", lang="en")) in graph
    assert (plan, CTIP.startYear, lit("2018", "gYear")) in graph
    assert (plan, CTIP.subOrganizationOf, None) not in graph
    labels = {str(o) for o in graph.objects(None, RDFS.label)}
    assert not any(label.startswith("MLF") for label in labels), labels
    # a row named by the acronym the text defines is the body of that name (it had been a body
    # named "MLF" of its own)
    assert (ID["org/niger-mlf"], CTIP.role, Literal("Coordinates the fishing inspectors.")) in graph
    undaf = ID["policy/niger-undaf"]  # a name that is an acronym is no owner
    assert (undaf, RDF.type, CTIP.Policy) in graph and (undaf, CTIP.startYear, None) in graph
    unit = ID["org/niger-fisheries-police-unit"]  # an agency: the owner is no new body "MLF"
    assert (unit, CTIP.subOrganizationOf, ID["org/niger-mlf"]) in graph
    assert (unit, CTIP.role, Literal("Patrols the lake.")) in graph


def test_a_name_that_goes_on_after_its_acronym(graph) -> None:
    # regional reports' rows "National Agency Against Trafficking in Persons (NAATIP) Task
    # Force", "Ministry of Economy and Development Planning (MEDP) Policies", "Cameroon Institute
    # of Childhood (ICE) Rehabilitation Project" had been the agency, a policy named as the
    # ministry, a program named as the institute
    def labelled(iri: str, label: str) -> bool:
        return (ID[iri], RDFS.label, Literal(label, lang="en")) in graph

    assert labelled("org/niger-national-agency-against-lake-trafficking-task-force",
                    "National Agency Against Lake Trafficking Task Force")
    assert labelled("policy/niger-ministry-of-lake-planning-policies",
                    "Ministry of Lake Planning Policies")
    assert labelled("program/lake-institute-of-childhood-rehabilitation-project",
                    "Lake Institute of Childhood Rehabilitation Project")
    assert (ID["program/lake-institute-of-childhood-rehabilitation-project"], CTIP.startYear,
            lit("2017", "gYear")) in graph
    assert (ID["org/niger-national-agency-against-lake-trafficking-task-force"], CTIP.role,
            Literal("Investigates cases.")) in graph
    assert (ID["org/niger-naalt"], CTIP.role, None) not in graph
    labels = {str(o) for o in graph.objects(None, RDFS.label)}
    interventions = {str(graph.value(s, RDFS.label)) for cls in (CTIP.Policy, CTIP.Program)
                     for s in graph.subjects(RDF.type, cls)}
    assert not {"Ministry of Lake Planning", "Lake Institute of Childhood"} & interventions
    assert labelled("org/lic", "Lake Institute of Childhood")
    # the part the acronym names is defined by it ("another MEDP policy" had been a policy)
    assert labelled("org/niger-mlp", "Ministry of Lake Planning")
    assert (ID["org/niger-mlp"], CTIP.acronym, Literal("MLP")) in graph
    assert not any("MLP" in label for label in labels), labels
    # an acronym inside one name; a lone head word after the acronym: the acronym's name
    committee = ID["org/niger-imlc"]
    assert (committee, RDFS.label,
            Literal("Inter-Ministerial Committee on Lake Trafficking", lang="en")) in graph
    assert (committee, CTIP.acronym, Literal("IMLC")) in graph
    section = ID["org/niger-wcps"]  # the name's own acronym at its end
    assert (section, RDFS.label,
            Literal("Lake Police Women and Children Protection Section", lang="en")) in graph
    assert (section, CTIP.role, Literal("Protects children.")) in graph
    talle = ID["program/talle"]
    assert (talle, RDFS.label, Literal("Tackling Lake Labor through Education", lang="en")) in graph
    assert (talle, CTIP.acronym, Literal("TALLE")) in graph


def test_a_law_among_the_policies_is_the_law(graph) -> None:
    # the Mali reports of 2014-2016 list the Inter-Ministerial Circular and a UN protocol among
    # their policies: each had been a policy beside the instrument of the same name
    act = ID["law/niger-lake-children-act"]
    assert (act, RDF.type, CTIP.Law) in graph
    assert (act, CTIP.addresses, CTIPC["exploitation/child-labor"]) in graph  # the caption
    assert not any("children-act" in str(s) for s in graph.subjects(RDF.type, CTIP.Policy))


def test_a_ministry_among_the_programs_is_the_ministry(graph) -> None:
    # Chad 2020: "Ministry of Women, Childhood Protection and National Solidarity (MWCPNS)†"
    # among the social programs had been a program beside the ministry
    assert (ID["org/niger-mlw"], RDF.type, CTIP.GovernmentBody) in graph
    assert not any("mlw" in str(s) for s in graph.subjects(RDF.type, CTIP.Program))


def test_policy_period_and_leader(graph) -> None:
    policy = ID["policy/niger-national-action-plan-against-child-labor"]
    assert (policy, CTIP.startYear, lit("2016", "gYear")) in graph
    assert (policy, CTIP.endYear, lit("2020", "gYear")) in graph
    assert (policy, CTIP.ledBy, ID["org/niger-nsccl"]) in graph


def test_social_program_funder_amount_implementers(graph) -> None:
    program = ID["program/sahel-child-protection-project"]
    funding = ID["funding/sahel-child-protection-project-usaid"]
    assert (program, CTIP.fundedBy, ID["org/usaid"]) in graph
    assert (funding, CTIP.amount, Literal(Decimal(4500000))) in graph
    assert {o for o in graph.objects(program, CTIP.implementedBy)} == {
        ID["org/ilo"], ID["org/world-vision"]}
    assert (program, CTIP.addresses, CTIPC["exploitation/forced-begging"]) in graph
    methods = {str(graph.value(c, CTIP.extractionMethod))
               for c in graph.subjects(RDF.subject, funding)}
    assert methods == {"table:social-programs"}


def test_recommendations_with_area_and_years(graph) -> None:
    # country, first words of the normalized wording, a hash of it (extract.series)
    rec = ID["recommendation/niger-raise-the-minimum-age-for-work-to-15-b205d62f"]
    assert (rec, CTIP.area, CTIPC["area/legal-framework"]) in graph
    years = sorted(str(y) for y in graph.objects(rec, CTIP.yearsSuggested))
    assert years == ["2016", "2017", "2018", "2019"]


def test_advancement_level(graph) -> None:
    iri = ID["assessment/niger-advancement-2019"]
    assert (iri, CTIP.advancementLevel, CTIPC["advancement/minimal-advancement"]) in graph
