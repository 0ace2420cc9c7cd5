"""Relations between entities on made-up sentences (positive and negative cases: lists, "with
support from", passive voice, noun phrases in apposition, negations), amounts on fundings (the
$25 million of the DDR program, joint fundings, visible to query 02), matching funds not credited
to the grantee, agreement signings, project results, and inferred facts marked as inferred in the
graph, on the resource page and in the trace."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from ctipgraph.emit.evidence import emit_evidence
from ctipgraph.extract import extract
from ctipgraph.link.lexicon import load_lexicon
from ctipgraph.namespaces import CTIP, CTIPC, ID
from ctipgraph.paths import ONTOLOGY, QUERIES_DIR, ROOT
from ctipgraph.provenance.trace import Tracer
from ctipgraph.provenance.trace_render import render_text
from ctipgraph.segment import load
from ctipgraph.sources import SourceMeta, discover
from ctipgraph.store import GraphStore

XSD = "http://www.w3.org/2001/XMLSchema#"
SEEDS = ROOT / "data" / "sources" / "seeds"
SUMMARY = "usdol-project-summary-mali-better-future"


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def facts(tmp_path: Path, lexicon, text: str, *, kind: str | None = None,
          year: int = 2019) -> Graph:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    meta = SourceMeta(country="Mali", reporting_year=year, kind=kind)
    return extract(load(path), lexicon, meta=meta).graph


def methods(g: Graph, s, p, o) -> set[str]:
    return {str(g.value(c, CTIP.extractionMethod)) for c in g.subjects(RDF.subject, s)
            if g.value(c, RDF.predicate) == p and g.value(c, RDF.object) == o}


def gyear(year: int) -> Literal:
    return Literal(str(year), datatype=URIRef(XSD + "gYear"))


def decimal(value: int) -> Literal:
    return Literal(Decimal(value))


def table(*rows: tuple[str, str], caption: str = "Key Social Programs to Address Child Labor",
          header: str = "Program\tDescription", notes: str = "") -> str:
    body = "\n".join(f"{name}\t{description}" for name, description in rows)
    return f"Table 10. {caption}\n\n{header}\n{body}\n{notes}\n"


# --- funds ----------------------------------------------------------------------------------


def test_funded_by_after_a_named_program_and_a_funder_before_a_hyphen(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "Interviews with the Mali Justice Project (MJP), funded by USAID, confirmed the trainings."
        " The World Bank-funded Safe Schools Program (SSP) is implemented by UNICEF, the ILO and "
        "the IOM.\n"))
    mjp, ssp = ID["program/mali-justice-project"], ID["program/ssp"]
    assert methods(g, mjp, CTIP.fundedBy, ID["org/usaid"]) == {"pattern:funded-by"}
    assert set(g.objects(ssp, CTIP.fundedBy)) == {ID["org/world-bank"]}
    # a list of agents after a passive cue
    assert set(g.objects(ssp, CTIP.implementedBy)) == {ID["org/unicef"], ID["org/ilo"],
                                                      ID["org/iom"]}
    assert (mjp, CTIP.implementedBy, None) not in g


def test_a_negated_or_supporting_cue_is_no_funding(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "The Safe Schools Program (SSP) is not funded by USAID. The Mali Justice Project (MJP) "
        "trained judges with support from UNICEF.\n"))
    assert (ID["program/ssp"], CTIP.fundedBy, None) not in g
    mjp = ID["program/mali-justice-project"]
    assert (mjp, CTIP.fundedBy, None) not in g  # support is not money
    assert methods(g, mjp, CTIP.supportedBy, ID["org/unicef"]) == {"pattern:supported-by"}


def test_the_tail_of_a_longer_name_funds_nothing(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, table((
        "Clear Cotton Project",
        "An $8.5 million Food and Agriculture Organization (FAO) of the UN-funded global project "
        "to combat child labor in cotton supply chains. (33)")), kind="usdol-findings")
    program = ID["program/clear-cotton-project"]
    assert (program, CTIP.fundedBy, None) not in g
    assert (None, CTIP.funder, ID["org/united-nations"]) not in g


def test_an_actor_s_program_in_a_row_is_the_row_s_program(tmp_path, lexicon) -> None:
    # Liberia 2016: "Anti-Trafficking Awareness Campaign† | Government of Liberia program led
    # by the MOL that uses radio …" made the government led by the ministry
    g = facts(tmp_path, lexicon, "The Ministry of Fishing (MOF) enforces laws.\n\n" + table((
        "Lake Awareness Campaign†",
        "Government of Mali program led by the MOF that uses radio messages to raise public "
        "awareness on child labor. (11)"), (
        "Lake Schools Program",
        "Ministry of Fishing program in partnership with the Lake Hope Association, an NGO, that "
        "gives food rations. (12)")), kind="usdol-findings")
    assert set(g.subjects(CTIP.ledBy, ID["org/mali-mof"])) == {
        ID["program/lake-awareness-campaign"]}
    # a partner is an actor: the ministry whose program it is
    assert (ID["org/mali-mof"], CTIP.partnerOf, ID["org/lake-hope-association"]) in g


def test_a_country_that_begins_a_longer_name_is_no_partner(tmp_path, lexicon) -> None:
    # Liberia: "the Ministry of Gender …, in collaboration with the Child Protection Network and
    # the Liberia Children Representative Forum, launched …" made the government a partner
    g = facts(tmp_path, lexicon, (
        "During the year, the Ministry of Fishing, in collaboration with the Lake Protection "
        "Network and the Mali Children Representative Forum, launched an awareness project. "
        "(69) The Ministry of Herding collaborated with Mali and UNICEF. (70)\n"))
    assert set(g.objects(ID["org/mali-ministry-of-fishing"], CTIP.partnerOf)) == {
        ID["org/lake-protection-network"]}
    assert set(g.objects(ID["org/mali-ministry-of-herding"], CTIP.partnerOf)) >= {
        ID["org/unicef"]}


def test_joint_funding_in_apposition_to_a_named_project(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, table((
        "ILO-Implemented Projects to Combat Child Labor",
        "ILO-implemented projects to combat child labor. These projects include the Mali Justice "
        "Project (2019–2022), an $8.5 million EU and FAO-funded global project to combat child "
        "labor and forced labor in cotton supply chains, and ACCEL Africa, a $26.5 million "
        "Government of Netherlands-funded regional project. (68)")), kind="usdol-findings")
    # (a kind of program each country runs: the report's country's)
    umbrella = ID["program/mali-ilo-implemented-projects-to-combat-child-labor"]
    project = ID["program/mali-justice-project"]
    assert (umbrella, CTIP.country, ID["place/mali"]) in g
    assert set(g.objects(project, CTIP.fundedBy)) == {ID["org/european-union"], ID["org/fao"]}
    [funding] = g.subjects(CTIP.fundedItem, project)
    assert set(g.objects(funding, CTIP.funder)) == {ID["org/european-union"], ID["org/fao"]}
    assert (funding, CTIP.amount, decimal(8500000)) in g
    # the umbrella row is funded by none of its projects' funders
    assert (umbrella, CTIP.fundedBy, None) not in g
    assert not list(g.subjects(CTIP.fundedItem, umbrella))


def test_a_singular_phrase_in_an_umbrella_row_describes_a_member(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, table(
        ("Northern Government-Funded Programs",
         "UNICEF-funded program to Combat Forced Begging implemented by the ILO in two regions. "
         "(3)"),
        ("Lakeside Literacy Projects",
         "World Bank-funded projects to keep girls in school. (4)")), kind="usdol-findings")
    umbrella = next(g.subjects(RDFS.label, Literal("Northern Government-Funded Programs",
                                                   lang="en")))
    assert (umbrella, CTIP.fundedBy, None) not in g  # one of its programs is UNICEF-funded
    projects = next(g.subjects(RDFS.label, Literal("Lakeside Literacy Projects", lang="en")))
    assert set(g.objects(projects, CTIP.fundedBy)) == {ID["org/world-bank"]}  # all of them


def test_a_joint_funder_before_a_defined_acronym(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, table((
        "Clear Cotton Project",
        "An $8.5 million EU and Food and Agriculture Organization (FAO)-funded global project "
        "to combat child labor. (33)")), kind="usdol-findings")
    [funding] = g.subjects(CTIP.fundedItem, ID["program/clear-cotton-project"])
    # "EU and Food and Agriculture Organization" is a list, not the name FAO stands for
    assert set(g.objects(funding, CTIP.funder)) == {ID["org/european-union"], ID["org/fao"]}
    assert Literal("EU and Food and Agriculture Organization", lang="en") not in set(
        g.objects(ID["org/fao"], None))


# --- the $25 million of the DDR program, a result, query 02 -------------------------------------


DDR_NAME = "National Disarmament, Demobilization, and Reintegration Program"
# a national program is its country's (link.scope): the report is on Mali
DDR = ID["program/mali-national-disarmament-demobilization-and-reintegration-program"]


@pytest.fixture(scope="module")
def ddr_graph(tmp_path_factory, lexicon) -> Graph:
    return facts(tmp_path_factory.mktemp("ddr"), lexicon, table(
        (DDR_NAME,
         "$25 million UN Multidimensional Integrated Stabilization Mission in Mali (MINUSMA)-"
         "implemented program that aims to provide reintegration services to former combatants "
         "in Mali, including children. (2,87,98) In 2019, provided reintegration services to 39 "
         "child soldiers. (4) During the reporting period, 88 children were removed from armed "
         "groups. (12)"),
        ("Global Action Against Trafficking in Persons and the Smuggling of Migrants (GLO.ACT)",
         "$13 million EU-funded, global project implemented by UNODC, UNICEF, and IOM to combat "
         "human trafficking and migrant smuggling. (100,101)")), kind="usdol-findings")


def test_the_ddr_amount_sits_on_a_funding_of_the_program(ddr_graph: Graph) -> None:
    g = ddr_graph
    assert list(g.objects(DDR, CTIP.amount)) == []  # never on the program
    assert set(g.objects(DDR, CTIP.implementedBy)) == {ID["org/minusma"]}
    [funding] = g.subjects(CTIP.fundedItem, DDR)
    assert (funding, RDF.type, CTIP.Funding) in g
    assert (funding, CTIP.amount, decimal(25000000)) in g
    assert (funding, CTIP.currency, Literal("USD")) in g
    assert (funding, CTIP.funder, None) not in g  # MINUSMA implements it; no funder is stated
    assert (DDR, CTIP.fundedBy, None) not in g
    glo_act = next(iter(g.subjects(CTIP.fundedItem, ID["program/glo-act"])))
    assert list(g.objects(glo_act, CTIP.funder)) == [ID["org/european-union"]]


def test_query_02_counts_the_ddr_amount(ddr_graph: Graph) -> None:
    store = ox.Store()
    store.load(ddr_graph.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    query = (QUERIES_DIR / "02-funders-totals.rq").read_text(encoding="utf-8")
    rows = {(r["funder"].value if r["funder"] else None, r["funderLabel"].value):
            (r["totalAmount"].value if r["totalAmount"] else None) for r in store.query(query)}
    assert rows[(None, "(funder not stated)")] == "25000000"
    assert rows[(str(ID["org/european-union"]), "European Union")] == "13000000"


def test_query_02_keeps_a_joint_funding_whole_in_a_row_of_its_own(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, table(
        ("Clear Cotton Project", "An $8.5 million EU and FAO-funded global project. (33)"),
        ("Global Action Against Trafficking in Persons and the Smuggling of Migrants (GLO.ACT)",
         "$13 million EU-funded, global project. (100)")), kind="usdol-findings")
    store = ox.Store()
    store.load(g.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    query = (QUERIES_DIR / "02-funders-totals.rq").read_text(encoding="utf-8")
    rows = {r["funderLabel"].value: r["totalAmount"].value if r["totalAmount"] else None
            for r in store.query(query)}
    assert rows["European Union"] == "13000000"  # its own funding only
    fao = "Food and Agriculture Organization of the United Nations"
    assert rows[f"European Union + {fao} (jointly)"] == "8500000"
    assert rows[fao] is None  # a funder, with no amount of its own


def test_a_project_result_is_an_observation_of_the_program(ddr_graph: Graph) -> None:
    g = ddr_graph
    [obs] = g.subjects(CTIP.resultOf, DDR)
    assert (obs, RDF.type, CTIP.Observation) in g
    assert (obs, CTIP.indicator, CTIPC["indicator/children-reintegration-services"]) in g
    assert (obs, CTIP.value, decimal(39)) in g
    assert (obs, CTIP.unit, Literal("children")) in g
    assert (obs, CTIP.year, gyear(2019)) in g
    assert (obs, CTIP.form, CTIPC["exploitation/child-soldiering"]) in g
    assert (obs, CTIP.country, None) not in g  # a program's result, not a country statistic
    # "88 children were removed": a passive without agent credits no program
    assert (None, CTIP.value, decimal(88)) not in g


# --- leads, supports, partners, members, establishes --------------------------------------------


def test_led_and_supported_by_in_a_description_without_subject(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, table(
        ("Roadmap to Combat Child Labor in Agriculture (2015–2020)",
         "Seeks to build the capacity of the government. Led by the Ministry of Agriculture and "
         "supported by the FAO. (77)"),
        ("National Plan of Action to Combat Trafficking in Persons (2018–2022)",
         "Aims to enhance the legal framework. Led by the National Coordinating Committee for the "
         "Fight Against Trafficking in Persons and Associated Practices. (4)"),
        # a regional report: "Led by ICCA, with the support of the Ministry of Youth, …"
        ("Action Plan for Fishing Children (2019–2023)",
         "Aims to protect fishing children. Led by the Ministry of Fisheries, with the support of "
         "UNICEF. (5)"),
        caption="Key Policies Related to Child Labor", header="Policy\tDescription"),
        kind="usdol-findings")
    # a plan is its government's (link.scope): the report is on Mali
    roadmap = ID["policy/mali-roadmap-to-combat-child-labor-in-agriculture"]
    assert set(g.objects(roadmap, CTIP.ledBy)) == {ID["org/ministry-of-agriculture"]}
    assert set(g.objects(roadmap, CTIP.supportedBy)) == {ID["org/fao"]}
    plan = ID["policy/mali-national-plan-of-action-to-combat-trafficking-in-persons"]
    assert set(g.objects(plan, CTIP.ledBy)) == {ID["org/cncltpa"]}
    # the leader is not supported by anyone
    assert (ID["org/ministry-of-agriculture"], CTIP.supportedBy, None) not in g
    fishing = ID["policy/mali-action-plan-for-fishing-children"]
    assert set(g.objects(fishing, CTIP.ledBy)) == {ID["org/mali-ministry-of-fisheries"]}
    assert set(g.objects(fishing, CTIP.supportedBy)) == {ID["org/unicef"]}
    assert (ID["org/mali-ministry-of-fisheries"], CTIP.supportedBy, None) not in g


def test_partnership_attached_or_of_the_subject_but_not_of_a_list(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "More recently – in February 2019 – the CNCLTPA, in partnership with UNODC and IOM, "
        "developed a plan. In 2020, Mali developed awareness campaigns in collaboration with "
        "UNICEF. Over 50 percent worked in partnership with other organizations or the ILO.\n"))
    cncltpa = ID["org/cncltpa"]
    assert set(g.objects(cncltpa, CTIP.partnerOf)) == {ID["org/unodc"], ID["org/iom"]}
    # a country in agent position is its government
    assert (ID["org/government-of-mali"], CTIP.partnerOf, ID["org/unicef"]) in g
    # no named partner after "with": nothing
    assert (None, CTIP.partnerOf, ID["org/ilo"]) not in g


def test_members_of_a_body(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "The CNCLTPA includes the Ministry of Justice, the Ministry of Labor and UNICEF. "
        "UNICEF is not a member of the CNLTE.\n"))
    assert set(g.subjects(CTIP.memberOf, ID["org/cncltpa"])) == {
        ID["org/ministry-of-justice"], ID["org/ministry-of-labor"], ID["org/unicef"]}
    assert (ID["org/unicef"], CTIP.memberOf, ID["org/cnlte"]) not in g  # negated


def test_the_head_noun_alone_names_the_body_named_before(tmp_path, lexicon) -> None:
    # regional reports: "… the National Trafficking in Persons Task Force … (17,28) The Task
    # Force includes NAATIP, Ministry of Justice, …" made a body named "Task Force" the members'
    g = facts(tmp_path, lexicon, (
        "In 2019, the Lake Fishing Task Force met twice. (2) The Task Force includes the Ministry "
        "of Fishing and the Lake Police. (2) The Task Force on Boats is another body. (2)\n\n"
        + table(("National Lake Committee",
                 "Coordinates efforts against child labor. (2) The Committee includes the "
                 "Ministry of Herding. (2)"),
                # (a regional report's "National Agency Against Trafficking in Persons (NAATIP)
                # Task Force": the row's name printed with an acronym inside)
                ("National Agency Against Boat Trafficking (NAABT) Task Force",
                 "Coordinates efforts. (2) The Task Force includes the Ministry of Boats. (2)"),
                caption="Key Mechanisms to Coordinate Government Efforts on Child Labor",
                header="Coordinating Body\tRole and Description")), kind="usdol-findings")
    task_force = ID["org/mali-lake-fishing-task-force"]
    assert set(g.subjects(CTIP.memberOf, task_force)) == {
        ID["org/mali-ministry-of-fishing"], ID["org/mali-lake-police"]}
    assert set(g.subjects(CTIP.memberOf, ID["org/mali-national-lake-committee"])) == {
        ID["org/mali-ministry-of-herding"]}  # in a table's description: the row's
    assert set(g.subjects(CTIP.memberOf, ID[
        "org/mali-national-agency-against-boat-trafficking-task-force"])) == {
        ID["org/mali-ministry-of-boats"]}
    labels = {str(o) for o in g.objects(None, RDFS.label)}
    assert "Task Force" not in labels and "Task Force on Boats" in labels, labels
    assert "mention:anaphor:head" in {str(g.value(c, CTIP.extractionMethod))
                                      for c in g.subjects(RDF.subject, task_force)}


def test_a_head_phrase_after_the_is_the_longer_name_and_after_a_is_no_name(
        tmp_path, lexicon) -> None:
    # regional reports: "in support of the Action Plan" (the "Trafficking in Persons Action
    # Plan" named before), "The Steering Committee held …" (the row's "National Steering
    # Committee on Child Labor"), "drafted an Action Plan for 2019": each was a body or a plan
    # of its own named "Action Plan" or "Steering Committee"
    g = facts(tmp_path, lexicon, (
        "The Trafficking in Boats Action Plan (2014–2019) does not receive dedicated funding. "
        "(2) Ministries carry out activities in support of the Action Plan. (2) The Ministry "
        "of Justice drafted an Action Plan for 2019 to publicize the Ordinance, and a new Work "
        "Plan. (3) The National Police arrested three people. (3) A Ministry of Boats "
        "official said so. (3) The President promulgated a new Boat Code. (3)\n\n"
        "The Boat Code of Conduct for the Protection of Children was adopted. (4)\n\n"
        "The Inter-Ministerial Committee on Boats met. (4)\n\nThe Ministry of Herding met. "
        "(4)\n\n"
        "The Lake Police met. (4)\n\nThe Lake Project trains hotel staff on the Code of "
        "Conduct and on the Inter-Ministerial Committee’s Lake Gender Policy. (4)\n\n"
        + table(("National Steering Committee on Boat Labor",
                 "Coordinates efforts. (2) The Steering Committee includes the Ministry of "
                 "Herding. (2)"),
                caption="Key Mechanisms to Coordinate Government Efforts on Child Labor",
                header="Coordinating Body\tRole and Description")), kind="usdol-findings")
    labels = {str(o) for o in g.objects(None, RDFS.label)}
    assert not labels & {"Action Plan", "Steering Committee", "Work Plan"}, labels
    assert {"National Police of Mali", "Ministry of Boats", "Lake Gender Policy",
            "Boat Code"} <= labels  # a law after "a new" is the law
    assert not any(label.startswith("Inter-Ministerial Committee’s") for label in labels)
    code = ID["law/mali-boat-code-of-conduct-for-the-protection-of-children"]
    assert len(set(g.objects(code, CTIP.mentionedIn))) == 2  # far from its name: the one
    assert set(g.subjects(CTIP.memberOf, ID[
        "org/mali-national-steering-committee-on-boat-labor"])) == {
        ID["org/mali-ministry-of-herding"]}
    plan = ID["policy/mali-trafficking-in-boats-action-plan"]
    assert len(set(g.objects(plan, CTIP.mentionedIn))) == 2  # its name's sentence, the anaphor's
    assert "mention:anaphor:head" in {str(g.value(c, CTIP.extractionMethod))
                                      for c in g.subjects(RDF.subject, plan)}


def test_a_decree_creating_a_committee(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "In 2006, Order No. 06-1940/MPFEF-SG established the National Committee to Monitor "
        "Programs to Combat Trafficking in Children (CNS). The CNLTE was created by Decree "
        "2011-036 in 2011. Mali has established laws and regulations.\n"))
    cns = ID["org/cns"]
    assert methods(g, cns, CTIP.establishedBy, ID["law/mali-order-06-1940-mpfef-sg"]) == {
        "pattern:established"}
    assert (cns, CTIP.startYear, gyear(2006)) in g
    assert (ID["org/cnlte"], CTIP.establishedBy, ID["law/mali-decree-2011-036"]) in g


def test_a_reference_title_creating_a_committee(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "Synthetic report\n\nThe committee meets monthly. (1)\n\nREFERENCES\n\n"
        "1. Government of Mali. Decree 2011-036 to create a National Coordinating Committee for "
        "the Fight Against Trafficking in Persons and Associated Practices. Enacted: 2011.\n"))
    assert (ID["org/cncltpa"], CTIP.establishedBy, ID["law/mali-decree-2011-036"]) in g


def test_an_evaluation_report_names_its_evaluator(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "Synthetic report\n\nThe project raised awareness (Upton, 2007).\n\nReferences\n\n"
        "Upton, S. (2007). *Independent Final Evaluation of “A Better Future for Mali’s "
        "Children: Combatting Child Trafficking through Education” Project*.\n"))
    evaluators = set(g.objects(ID["program/a-better-future-for-malis-children"],
                               CTIP.evaluatedBy))
    assert evaluators == {ID["person/s-upton"]}
    assert (ID["person/s-upton"], RDF.type, CTIP.Person) in g


# --- forms of exploitation of the activities by sector ------------------------------------------


def test_forced_before_a_list_of_activities_makes_each_forced_labor(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, table(
        ("Agriculture", "Production of cocoa (1)"),
        ("Categorical Worst Forms of Child Labor‡",
         "Forced begging, domestic work, street vending, and labor in agriculture, including in "
         "cocoa, each sometimes as a result of human trafficking (2; 3)"),
        ("", "Forced recruitment of children by non-state armed groups for use in armed "
             "conflict, including as porters, cooks, and guards (4)"),
        ("", "Forced begging, sometimes as a result of human trafficking (5)"),
        ("", "Forced recruitment by non-state armed groups for use in armed conflict (4-6,27,28)"),
        caption="Overview of Children’s Work by Sector and Activity",
        header="Sector/Industry\tActivity"), kind="usdol-findings")
    forms = {str(g.value(a, RDFS.label))[:30]: {str(f).rsplit("/", 1)[-1]
                                                for f in g.objects(a, CTIP.form)}
             for a in set(g.subjects(CTIP.sector, None))}
    assert forms == {
        "Production of cocoa": set(),
        # "Forced" opens a list: each item is forced labor (the record's goods of forced labor)
        "Forced begging, domestic work,": {"forced-begging", "forced-labor",
                                           "trafficking-in-persons"},
        # one item, continued with "including" or "sometimes": only what it names
        "Forced recruitment of children": {"child-soldiering"},
        "Forced begging, sometimes as a": {"forced-begging", "trafficking-in-persons"},
        # citations left in a cell are no list
        "Forced recruitment by non-stat": {"child-soldiering"},
    }


# --- signings --------------------------------------------------------------------------------


def test_a_signing_with_its_parties_date_and_place(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "On July 1, 2013, the Government of Mali and the UN signed the Protocol on the Release "
        "and Transfer of Children Associated with Armed Groups and Armed Forces in Bamako.\n"))
    protocol = next(s for s in g.subjects(RDF.type, CTIP.InternationalAgreement)
                    if "protocol" in str(s))
    [signing] = g.subjects(CTIP.signedAgreement, protocol)
    assert (signing, RDF.type, CTIP.AgreementSigning) in g
    assert set(g.objects(signing, CTIP.signatory)) == {ID["org/government-of-mali"],
                                                       ID["org/united-nations"]}
    assert (signing, CTIP.date, Literal("2013-07-01", datatype=URIRef(XSD + "date"))) in g
    assert (signing, PROV.atLocation, ID["place/bamako"]) in g


# --- the project summary: matching funds, results, inferred facts ------------------------------


@pytest.fixture(scope="module")
def summary(tmp_path_factory, lexicon) -> tuple[Graph, Path]:
    found, _ = discover(SEEDS, {".txt"})
    source = next(s for s in found if s.doc_id == SUMMARY)
    doc = load(source.path)
    doc.doc_id = SUMMARY
    graph = emit_evidence(doc, source, {}) + extract(doc, lexicon, meta=source.meta).graph
    out = tmp_path_factory.mktemp("summary")
    (out / f"{SUMMARY}.txt").write_text(doc.text, encoding="utf-8")
    graph.serialize(out / f"{SUMMARY}.ttl", format="turtle")
    return graph, out


PROGRAM = ID["program/a-better-future-for-malis-children"]


def test_matching_funds_are_not_credited_to_the_grantee(summary) -> None:
    g, _ = summary
    matching = ID["funding/a-better-future-for-malis-children-matching"]
    assert (matching, RDF.type, CTIP.MatchingFunding) in g
    assert (matching, CTIP.amount, decimal(802455)) in g
    assert list(g.objects(matching, CTIP.funder)) == []
    assert (PROGRAM, CTIP.grantee, ID["org/care-mali"]) in g  # the grantee is stated
    assert (None, CTIP.funder, ID["org/care-mali"]) not in g
    assert (PROGRAM, CTIP.fundedBy, ID["org/care-mali"]) not in g


def test_the_summary_result_over_the_project_duration(summary) -> None:
    g, _ = summary
    [obs] = g.subjects(CTIP.resultOf, PROGRAM)
    assert (obs, CTIP.indicator, CTIPC["indicator/children-prevented"]) in g
    assert (obs, CTIP.value, decimal(6024)) in g
    assert (obs, CTIP.startYear, gyear(2003)) in g and (obs, CTIP.endYear, gyear(2007)) in g
    assert methods(g, obs, CTIP.value, decimal(6024)) == {"field:results"}
    assert methods(g, obs, CTIP.startYear, gyear(2003)) == {
        "inference:result-period-is-project-duration"}


def test_inferred_claims_say_so_and_name_their_rule(summary) -> None:
    g, _ = summary
    grant = ID["funding/a-better-future-for-malis-children-usdol"]
    [claim] = [c for c in g.subjects(RDF.subject, grant) if g.value(c, RDF.predicate)
               == CTIP.funder]
    assert g.value(claim, CTIP.inferred) == Literal(True)
    assert str(g.value(claim, CTIP.extractionMethod)) == "inference:publisher-funds-project"
    quoted = {str(p).rsplit("/", 2)[-2] for p in g.objects(claim, PROV.wasQuotedFrom)}
    assert quoted == {"field"}  # the funding field and the field naming the publisher
    assert len(list(g.objects(claim, PROV.wasQuotedFrom))) == 2
    # a stated claim says nothing of inference
    [stated] = [c for c in g.subjects(RDF.subject, grant) if g.value(c, RDF.predicate)
                == CTIP.amount]
    assert g.value(stated, CTIP.inferred) is None


def test_inferred_facts_are_labelled_on_the_trace_and_the_page(summary) -> None:
    from conftest import make_app

    _, folder = summary
    store = GraphStore.from_files([(folder / f"{SUMMARY}.ttl", None), (ONTOLOGY, None)])
    grant = ID["funding/a-better-future-for-malis-children-usdol"]
    tracer = Tracer(store, text_dir=folder)
    fact = tracer.trace(str(grant), str(CTIP.funder), str(ID["org/usdol"]))
    assert fact.claims and all(c.inferred for c in fact.claims)
    assert fact.to_dict()["claims"][0]["inferred"] is True
    assert "INFERRED" in render_text(fact)
    amount = f'"3000000"^^<{XSD}decimal>'
    stated = Tracer(store, text_dir=folder).trace(str(grant), str(CTIP.amount), amount)
    assert stated.claims and not any(c.inferred for c in stated.claims)
    client = make_app(store).test_client()
    page = client.get("/id/funding/a-better-future-for-malis-children-usdol").get_data(
        as_text=True)
    assert 'class="inferred"' in page and "not stated by them" in page
