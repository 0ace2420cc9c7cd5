"""Discovery of entities no lexicon lists, on made-up reports with invented names: bodies,
NGOs (English and French), forces, coalitions, projects, plans, surveys, agreements between two
invented countries, draft laws and laws known by what they do; generic phrases are no entities;
generic names are one entity per country."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ctipgraph.emit.evidence import emit_evidence
from ctipgraph.extract import Extraction, extract
from ctipgraph.link.entities import EntityRegistry
from ctipgraph.link.lexicon import load_lexicon, norm_name
from ctipgraph.namespaces import CTIP, CTIPC, ID
from ctipgraph.segment import load
from ctipgraph.sources import Source, SourceMeta
from ctipgraph.validate import validate_graph

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def run(tmp_path: Path, lexicon, text: str, country: str | None = "Lakeland",
        name: str = "report") -> Extraction:
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    doc = load(path)
    meta = SourceMeta(country=country, reporting_year=2019) if country else None
    return extract(doc, lexicon, meta=meta)


def entities(ex: Extraction) -> dict[str, tuple[str, str]]:
    """Short IRI → (class, label) of every entity mentioned in the document."""
    g = ex.graph
    found = {}
    for s in set(g.subjects(CTIP.mentionedIn, None)):
        cls = ex.registry.cls_of(s)
        if cls and cls not in ("Country", "Region", "Place"):
            found[str(s)[len(str(ID)):]] = (cls, str(g.value(s, RDFS.label)))
    return found


def by_label(ex: Extraction) -> dict[str, str]:
    """Normalized label → class."""
    return {norm_name(label): cls for cls, label in entities(ex).values()}


REPORT = (
    "In 2019, the Ministry of Coastal Affairs and the Ministère de la Pêche et des Ressources "
    "Halieutiques met the NGO Enfants du Lac. Hope Bridges, a local NGO, ran two shelters with "
    "the Association pour la Protection des Enfants Riverains (APER). The Northern Shield Joint "
    "Force and the Lake Basin Coalition patrolled the border, while the Delta Liberation Front "
    "recruited children as fighters. The Blue Harbor Project and the Lakeland Household Labor "
    "survey were funded by the Stillwater Trust Fund. Rebel and Islamic extremist groups attacked "
    "villages, and the government said armed groups recruited children.\n\n"
    "The Office of the United Nations Special Envoy for Lake Affairs praised the Armed Forces "
    "and the National Assembly.\n"
)


def test_bodies_forces_coalitions_and_projects_are_discovered_and_typed(tmp_path, lexicon):
    found = by_label(run(tmp_path, lexicon, REPORT))
    expected = {
        "ministry of coastal affairs": "GovernmentBody",
        "ministere de la peche et des ressources halieutiques": "GovernmentBody",
        "enfants du lac": "NonGovernmentalOrganization",
        "hope bridges": "NonGovernmentalOrganization",
        "association pour la protection des enfants riverains": "NonGovernmentalOrganization",
        "northern shield joint force": "Organization",
        "lake basin coalition": "Organization",
        "delta liberation front": "ArmedGroup",
        "blue harbor project": "Program",
        "lakeland household labor survey": "Program",
        "stillwater trust fund": "Organization",  # a fund: what the text calls it, if anything
        "office of the united nations special envoy for lake affairs":
            "InternationalOrganization",
        "armed forces of lakeland": "GovernmentBody",
        "national assembly of lakeland": "GovernmentBody",
    }
    for name, cls in expected.items():
        assert found.get(name) == cls, (name, found.get(name), sorted(found))


def test_generic_phrases_are_not_entities(tmp_path, lexicon):
    found = by_label(run(tmp_path, lexicon, REPORT))
    for phrase in ("rebel and islamic extremist groups", "islamic extremist groups",
                   "armed groups", "government", "the government", "villages", "shelters"):
        assert phrase not in found, phrase
    assert not any(label.startswith(("rebel", "islamic")) for label in found)


def test_institutions_are_their_country_s(tmp_path, lexicon):
    ex = run(tmp_path, lexicon, REPORT)
    found = entities(ex)
    assert found["org/lakeland-armed-forces"] == ("GovernmentBody", "Armed Forces of Lakeland")
    assert found["org/lakeland-national-assembly"][0] == "GovernmentBody"
    assert (ID["org/lakeland-armed-forces"], CTIP.country, ID["place/lakeland"]) in ex.graph


def test_a_demonym_gives_the_country(tmp_path, lexicon):
    found = entities(run(tmp_path, lexicon, (
        "In 2019, the Nigerian government estimated 20,000 victims. The Malian military and the "
        "Malian National Police and Gendarmerie trained officers; elements of the military and "
        "police officers did not.\n"), country="Mali"))
    assert found["org/government-of-nigeria"][0] == "GovernmentBody"
    assert found["org/mali-armed-forces"] == ("GovernmentBody", "Armed Forces of Mali")
    assert {"org/mali-national-police", "org/mali-national-gendarmerie"} <= set(found)


def test_acronyms_and_french_forms_are_one_entity(tmp_path, lexicon):
    ex = run(tmp_path, lexicon, (
        "The *Cellule de Coordination des Enfants du Lac* (CCEL, Lake Children Coordination "
        "Unit) met. Later the CCEL and the Lake Children Coordination Unit reported.\n"))
    found = entities(ex)
    iri = "org/lakeland-ccel"  # a coordinating body is its country's
    assert found[iri] == ("CoordinatingBody", "Lake Children Coordination Unit")
    assert ("Cellule de Coordination des Enfants du Lac", "fr") in ex.registry.aliases[ID[iri]]


AGREEMENTS = (
    "The cooperation agreement between Lakeland and Rivania in the fight against child "
    "trafficking signed in 2016 in Port Lake entered into force. This led to the drafting of a "
    "domestic workers law and a revised child protection code, but they have not been approved. "
    "Last year, Lakeland introduced a law with severe penalties, specifically outlawing forced "
    "begging. The government passed an inter-ministerial protocol in 2018 to require the "
    "referral of child victims to shelters rather than prisons. It adopted a five-year national "
    "action plan (2019-2023) to combat child labor and requested a budget. The parliament "
    "passed a law authorizing the President to ratify the UN Optional Protocol on the Sale of "
    "Boats, which Lakeland signed on October 5, 2001.\n"
)


def test_agreement_between_two_invented_countries_with_its_date(tmp_path, lexicon):
    ex = run(tmp_path, lexicon, AGREEMENTS)
    g = ex.graph
    iri = ID["agreement/cooperation-agreement-lakeland-rivania"]
    assert (iri, RDF.type, CTIP.InternationalAgreement) in g
    # one label in every document (the parties'), the document's own words an altLabel
    assert str(g.value(iri, RDFS.label)) == "Cooperation agreement between Lakeland and Rivania"
    assert {str(x) for x in g.objects(iri, SKOS.altLabel)} == {
        "Cooperation agreement between Lakeland and Rivania in the fight against child "
        "trafficking"}
    assert set(g.objects(iri, CTIP.party)) == {ID["place/lakeland"], ID["place/rivania"]}
    # the year of its signature is the signing's (extract.signings), not the agreement's start
    signing = ID["signing/cooperation-agreement-lakeland-rivania"]
    assert (signing, CTIP.signedAgreement, iri) in g
    assert (signing, CTIP.year, Literal("2016", datatype=URIRef(XSD + "gYear"))) in g
    assert set(g.objects(signing, CTIP.signatory)) == {ID["place/lakeland"],
                                                       ID["place/rivania"]}
    assert (iri, CTIP.startYear, None) not in g
    assert (iri, CTIP.addresses, CTIPC["exploitation/child-trafficking"]) in g
    claims = [c for c in g.subjects(RDF.subject, iri) if g.value(c, RDF.predicate) == CTIP.party]
    assert claims and all(str(g.value(c, CTIP.extractionMethod)) ==
                          "pattern:described-instrument" for c in claims)


def test_draft_laws_have_their_status_and_labels_from_the_text(tmp_path, lexicon):
    g = run(tmp_path, lexicon, AGREEMENTS).graph
    drafts = {str(g.value(s, RDFS.label)): s
              for s in g.subjects(CTIP.legalStatus, CTIPC["legal-status/draft"])}
    assert set(drafts) == {"draft domestic workers law", "draft revised child protection code"}
    for iri in drafts.values():
        assert (iri, RDF.type, CTIP.Law) in g
        assert (iri, CTIP.country, ID["place/lakeland"]) in g
        assert str(iri).startswith(str(ID["law/lakeland-draft-"]))


def test_laws_known_by_what_they_do_and_when(tmp_path, lexicon):
    g = run(tmp_path, lexicon, AGREEMENTS).graph
    adopted = {str(g.value(s, RDFS.label)): s
               for s in g.subjects(CTIP.legalStatus, CTIPC["legal-status/adopted"])}
    law = adopted["law outlawing forced begging"]
    assert (law, CTIP.addresses, CTIPC["exploitation/forced-begging"]) in g
    protocol = next(s for label, s in adopted.items()
                    if label.startswith("inter-ministerial protocol (2018) to require"))
    assert (protocol, RDF.type, CTIP.Regulation) in g
    assert (protocol, CTIP.startYear, Literal("2018", datatype=URIRef(XSD + "gYear"))) in g
    # "passed a law authorizing … to ratify the … Protocol on the Sale of …": what the law
    # does is not the protocol's name's "on …"
    assert not any(("sale of boats" in label.lower() or "october" in label.lower())
                   and label.startswith("law") for label in adopted), adopted


def test_a_named_instrument_is_no_described_one(tmp_path, lexicon):
    """ "promulgated a new Penal Code … that brings … against child trafficking" adopts the
    Penal Code, not a law labelled with the sentence's words; "drafted the Child Protection
    Bill" makes the named bill (a country's, by its head word) a draft."""
    text = ("In 2019, the President promulgated a new Penal Code in May 2019 that brings "
            "criminal prohibitions against child trafficking in line with international "
            "standards. The Ministry of Justice drafted the Child Protection Bill.\n")
    ex = run(tmp_path, lexicon, text)
    g = ex.graph
    found = entities(ex)
    assert found["law/lakeland-penal-code"] == ("Law", "Penal Code")
    assert found["law/lakeland-child-protection-bill"] == ("Law", "Child Protection Bill")
    assert not [k for k in found if "trafficking" in k or "draft" in k], found
    assert set(g.subjects(CTIP.legalStatus, CTIPC["legal-status/draft"])) == {
        ID["law/lakeland-child-protection-bill"]}


def test_a_name_opening_with_a_count(tmp_path, lexicon):
    """ "the 5-Year Plan for Development" is named with its count."""
    text = ("In 2019, the government adopted the 5-Year Plan for Development (2016–2020), "
            "which aims to conduct a survey.\n")
    found = entities(run(tmp_path, lexicon, text))
    assert found == {"policy/lakeland-5-year-plan-for-development":
                     ("Policy", "5-Year Plan for Development")}, found


def test_a_lower_case_head_after_a_body_s_complement_names_nothing(tmp_path, lexicon):
    """ "the Ministry of Economy and Development Planning policy" is the ministry's policy, not
    a "Development Planning policy"; "the ILO and the Afrobarometer survey" still names the
    survey."""
    text = ("In 2019, the Ministry of Economy and Development Planning policy aimed to conduct "
            "a survey on child labor. The ILO and the Afrobarometer survey found it.\n")
    found = entities(run(tmp_path, lexicon, text))
    assert found["program/afrobarometer-survey"] == ("Program", "Afrobarometer survey")
    assert not [k for k in found if k.startswith("policy/")], found


def test_a_group_s_possessive_goes_on_in_a_name(tmp_path, lexicon):
    """ "Ministry of Women’s Affairs and Social Development" and "National Commission for
    Children’s Rights" are names whole; "Ministry of Social Action’s Directorate of Child
    Protection" names two bodies; "the Youth Parliament" is no parliament of the country."""
    text = ("In 2019, the Ministry of Women’s Affairs and Social Development led. The National "
            "Commission for Children’s Rights met the Ministry of Social Action’s Directorate "
            "of Child Protection and the Youth Parliament.\n")
    found = entities(run(tmp_path, lexicon, text))
    assert {label for _, label in found.values()} == {
        "Ministry of Women’s Affairs and Social Development",
        "National Commission for Children’s Rights", "Ministry of Social Action",
        "Directorate of Child Protection", "Youth Parliament"}, found


def test_with_goes_on_in_a_name_after_some_words(tmp_path, lexicon):
    """ "… Children Formerly Associated with Armed Forces and Armed Groups" is one strategy's
    name (no armed forces of the country, no name cut at "and"); "Interview with USDOL
    Official" names no official, and "Children Associated with Armed Forces" no organization
    (a head noun after "with" heads a complement)."""
    text = ("Through its National Strategy for Community-Based Reintegration of Children "
            "Formerly Associated with Armed Forces and Armed Groups, the ministry provides "
            "care. Interview with USDOL Official. The Persons with Disability Act passed. The "
            "ministry works with Children Associated with Armed Forces or Groups (EAFGA).\n")
    found = entities(run(tmp_path, lexicon, text))
    labels = {label for _, label in found.values()}
    assert labels == {"National Strategy for Community-Based Reintegration of Children Formerly "
                      "Associated with Armed Forces and Armed Groups",
                      "Persons with Disability Act", "U.S. Department of Labor"}, found


def test_the_constitution_is_the_report_country_s(tmp_path, lexicon):
    """ "Article 13 of the Constitution" in a report on a country is a provision of that
    country's constitution (every country has one)."""
    text = ("Although the Constitution guarantees free education, children pay fees.\n\n"
            "Minimum Age for Work\tYes\t15\tArticle 13 of the Constitution\n")
    found = entities(run(tmp_path, lexicon, text))
    assert found["law/lakeland-constitution"] == ("Law", "Constitution of Lakeland")
    assert found["law/lakeland-constitution-article-13"] == (
        "LegalProvision", "Article 13 of the Constitution")


def test_a_report_on_a_country_the_lexicon_does_not_list(tmp_path, lexicon):
    """The report's country, given by its metadata only, is named in its text: its advancement
    level is read, and its name opening a survey's is the survey's."""
    ex = run(tmp_path, lexicon, (
        "In 2019, Lakeland made a moderate advancement in efforts to eliminate the worst forms "
        "of child labor. The Lakeland Household Labor survey was published.\n"))
    assessment = ID["assessment/lakeland-advancement-2019"]
    assert (assessment, CTIP.advancementLevel,
            ID["concept/advancement/moderate-advancement"]) in ex.graph
    assert (assessment, CTIP.country, ID["place/lakeland"]) in ex.graph
    assert entities(ex)["program/lakeland-household-labor-survey"] == (
        "Program", "Lakeland Household Labor survey")


def test_a_name_with_a_cue_word_after_and_the_is_no_part_of_the_phrase_before(tmp_path,
                                                                              lexicon):
    """ "Accelerated Quality Education for Lakeland Children and the Harbor Food for Education
    Program": the program is the phrase after "and the" (the phrase before has no cue word)."""
    text = ("Programs include Accelerated Quality Education for Lakeland Children and the "
            "Harbor Food for Education and Child Nutrition Program, funded by USDA.\n")
    labels = {label for _, label in entities(run(tmp_path, lexicon, text)).values()}
    assert "Harbor Food for Education and Child Nutrition Program" in labels, labels
    assert not [label for label in labels if "Accelerated" in label], labels


def test_a_name_ends_before_a_place_that_is_an_owner_s(tmp_path, lexicon):
    """ "the National Child Protection Council in the Prime Minister’s Office" is the council
    (in the office of the Prime Minister), not a council "in the Prime Minister"."""
    text = ("In 2019, the National Child Protection Council in the Prime Minister’s Office "
            "met the Ministry of Labor’s Directorate of Labor.\n")
    labels = {label for _, label in entities(run(tmp_path, lexicon, text)).values()}
    assert labels == {"National Child Protection Council", "Ministry of Labor",
                      "Directorate of Labor"}, labels


def test_a_plan_with_its_period(tmp_path, lexicon):
    g = run(tmp_path, lexicon, AGREEMENTS).graph
    plan = ID["policy/lakeland-national-action-plan-to-combat-child-labor"]
    assert (plan, RDF.type, CTIP.Policy) in g
    assert (plan, CTIP.startYear, Literal("2019", datatype=URIRef(XSD + "gYear"))) in g
    assert (plan, CTIP.endYear, Literal("2023", datatype=URIRef(XSD + "gYear"))) in g


def test_described_instruments_conform_to_the_shapes(tmp_path, lexicon):
    path = tmp_path / "report.txt"
    path.write_text(AGREEMENTS, encoding="utf-8")
    source = Source(doc_id="report", path=path,
                    meta=SourceMeta(country="Lakeland", reporting_year=2019))
    doc = load(path)
    data = Graph()
    for triple in emit_evidence(doc, source, {}):
        data.add(triple)
    for triple in extract(doc, lexicon, meta=source.meta).graph:
        data.add(triple)
    for triple in lexicon.graph:
        data.add(triple)
    report = validate_graph(data)
    assert report.conforms, report.format()


# --- country scoping ---------------------------------------------------------------------------

SCOPED = ("The Ministry of Labor enforces the Labor Code and the Penal Code. The Labor "
          "Inspectorate employs 20 inspectors.\n")


def test_two_invented_countries_ministries_of_labor_stay_apart(tmp_path, lexicon):
    lake = entities(run(tmp_path, lexicon, SCOPED, country="Lakeland", name="lake"))
    river = entities(run(tmp_path, lexicon, SCOPED, country="Rivania", name="river"))
    for slug in ("org/{c}-ministry-of-labor", "law/{c}-labor-code", "law/{c}-penal-code",
                 "org/{c}-labor-inspectorate"):
        assert slug.format(c="lakeland") in lake, (slug, sorted(lake))
        assert slug.format(c="rivania") in river, (slug, sorted(river))
    assert not set(lake) & set(river)
    assert "org/ministry-of-labor" not in lake and "law/penal-code" not in river


def test_a_list_item_ending_with_a_head_noun_is_a_name_of_its_own(tmp_path, lexicon):
    found = by_label(run(tmp_path, lexicon, (
        "Children were recruited by the Platform, the Coordination of Lake Movements, Delta "
        "Liberation Front, and other armed groups.\n")))
    assert found.get("delta liberation front") == "ArmedGroup", found
    assert not any("coordination" in name and "front" in name for name in found), found


def test_and_the_before_a_cue_word_or_an_acronym_starts_a_second_name(tmp_path, lexicon):
    found = by_label(run(tmp_path, lexicon, (
        "The campaign was led by the Ministry of Coastal Affairs and the Ministry of Lake "
        "Fisheries, with the Office of Riverine Welfare, the LKPU, and the Ministry for the "
        "Promotion of Women, Children, and the Family. Includes Blue Harbor Project staff.\n")))
    assert found.get("ministry of coastal affairs") == "GovernmentBody", found
    assert found.get("ministry of lake fisheries") == "GovernmentBody", found
    assert "office of riverine welfare" in found, found
    assert not any(" the lkpu" in name or "and the ministry" in name for name in found), found
    # "…, and the Family" is the end of a name, not a second one
    assert "ministry for the promotion of women children and the family" in found, found
    assert "blue harbor project" in found and "includes blue harbor project" not in found


def test_a_known_name_in_a_list_is_cut_from_the_names_beside_it(tmp_path, lexicon):
    # found in the regional reports: "UMIRR, and Ministry of the Interior", "Ministry of
    # Justice, and UNICEF", "MASPFA, MOJ, and Ministry of Territorial Administration", "… Child
    # Labor and the National Monitoring and Coordination Working Group … (CNSCPE)" were names
    found = entities(run(tmp_path, lexicon, (
        "The Joint Unit for Rapid Response (JURR) trained officers. Participants included "
        "Ministry of Defense personnel from JURR, and Ministry of the Lake Interior personnel. "
        "A delegation of the Ministry of Coastal Justice, and UNICEF traveled to the capital. "
        "The Lake Basin Council (LBC) and the National Committee for Lake Child Protection met. "
        "The government coordinated efforts between the National Steering Committee on Lake "
        "Labor and the National Monitoring and Coordination Working Group for Child Protection "
        "(CNSPE). Officials of the MCJ, LBC, and Ministry of Territorial Lake Administration "
        "attended.\n")))
    labels = {norm_name(label): (iri, cls) for iri, (cls, label) in found.items()}
    for name, cls in [("ministry of the lake interior", "GovernmentBody"),
                      ("ministry of coastal justice", "GovernmentBody"),
                      ("national committee for lake child protection", "CoordinatingBody"),
                      ("national steering committee on lake labor", "CoordinatingBody"),
                      ("ministry of territorial lake administration", "GovernmentBody")]:
        assert labels.get(name, ("", ""))[1] == cls, (name, sorted(labels))
    assert labels["national monitoring and coordination working group for child protection"] \
        == ("org/lakeland-cnspe", "CoordinatingBody"), sorted(labels)
    assert found["org/unicef"][0] == "InternationalOrganization"
    # the names above, the two acronyms defined, UNICEF and the Ministry of Defense: none
    # joins two
    assert len(found) == 10, sorted(labels)


def test_a_cue_word_before_another_capitalized_word_modifies_a_later_cue(tmp_path, lexicon):
    found = by_label(run(tmp_path, lexicon, (
        "The Measurement, Awareness-Raising, and Policy Engagement Project on Lake Labor ran "
        "in 2019. The Labor Code Committee met. The Lakeland Police Academy trained officers. "
        "The Committee to Monitor Lake Programs reported. The Cellule Nationale de Coordination "
        "du Programme Lacustre met. The Lakeland Police Force patrolled.\n")))
    assert found.get("measurement awareness raising and policy engagement project on lake "
                     "labor") == "Program", found
    assert found.get("labor code committee") == "CoordinatingBody", found
    assert found.get("committee to monitor lake programs") == "CoordinatingBody", found
    # a head noun first (French): the first cue word decides
    assert found.get("cellule nationale de coordination du programme lacustre") \
        == "CoordinatingBody", found
    # a head cue after it ("Force" of an armed group) does not decide either
    assert found.get("lakeland police force") == "GovernmentBody", found


def test_list_items_opening_with_a_cue_word_and_a_verb_before_to_the(tmp_path, lexicon):
    found = by_label(run(tmp_path, lexicon, (
        "Armed groups recruited children, including the Front Populaire pour la Renaissance du "
        "Lac, Mouvement des Libérateurs Lacustres pour la Justice, and others.\n\n"
        "Accede to the Optional Protocol on the Sale of Lake Children.\n")))
    assert found.get("front populaire pour la renaissance du lac") == "ArmedGroup", found
    assert found.get("mouvement des liberateurs lacustres pour la justice") == "ArmedGroup", found
    assert found.get("optional protocol on the sale of lake children") \
        == "InternationalAgreement", found
    assert not any(name.startswith("accede") or "lac mouvement" in name for name in found), found


def test_a_list_of_bodies_is_cut_where_no_name_has_a_comma(tmp_path, lexicon):
    # found in the regional reports ("Labor Inspectorate General, Public Prosecutor", "Ministry
    # of Tourism, NGOs", "Ministry of Foreign Affairs, Women", "Development Pacification,
    # Ministry of Education, Ministry of Health" were names)
    found = by_label(run(tmp_path, lexicon, (
        "The meeting was attended by National Guard, Judicial Police, Labor Inspectorate "
        "General, Public Prosecutor, Ministry of Tourism, NGOs, and religious leaders. The task "
        "force includes the Ministry of Foreign Affairs, Women’s Bureau, and the Ministry of "
        "Labor, Civil Service, and Social Affairs. Partners include the Ministry of Economy and "
        "Development Pacification, Ministry of Education, Ministry of Health, and Ministry for "
        "Child Protection. It was run by the MLJ, and Ministry of Territorial Lake "
        "Administration. Amendments to the Family Code the Labor Code are pending; a letter to "
        "the Ministry of Lake Health, the Lake Basin Committee, asked.\n")))
    for name in ("judicial police", "labor inspectorate general", "ministry of tourism",
                 "ministry of foreign affairs",
                 "ministry of labor civil service and social affairs",
                 "ministry of economy and development pacification", "ministry of education",
                 "ministry of health", "ministry for child protection",
                 "ministry of territorial lake administration"):
        assert found.get(name) == "GovernmentBody", (name, found)
    # a head noun right before "the" (the list's comma missing), a comma before "the"
    assert found.get("family code") == found.get("labor code") == "Law", found
    assert found.get("ministry of lake health") == "GovernmentBody", found
    assert found.get("lake basin committee") == "CoordinatingBody", found
    assert len(found) == 16, found  # and the national guard and police (institutions)


def test_a_lower_case_alternative_name_is_as_generic_as_the_label(tmp_path, lexicon):
    # the lexicon's Mali list has the altLabel "hazardous occupation list": a report on another
    # country printing "Hazardous Occupation List" names its own list (found in a Benin report)
    text = "Children are protected by Article 1 of the Hazardous Occupation List. (33)\n"
    lake = entities(run(tmp_path, lexicon, text, country="Lakeland", name="lake"))
    assert not any(iri.startswith("law/hazardous-occupation") for iri in lake), sorted(lake)
    mali = entities(run(tmp_path, lexicon, text, country="Mali", name="mali"))
    assert "law/hazardous-occupations-list" in mali, sorted(mali)


def test_a_report_on_mali_keeps_the_lexicon_entities(tmp_path, lexicon):
    found = entities(run(tmp_path, lexicon, SCOPED, country="Mali"))
    assert {"org/ministry-of-labor", "law/labor-code", "law/penal-code"} <= set(found)


def test_another_country_named_beside_a_generic_name(tmp_path, lexicon):
    found = entities(run(tmp_path, lexicon, (
        "The Togolese Ministry of Labor met the Ministry of Justice of Ghana and the Ministry "
        "of Labor.\n"), country="Mali"))
    assert {"org/togo-ministry-of-labor", "org/ghana-ministry-of-justice",
            "org/ministry-of-labor"} <= set(found)


def test_hyphen_variants_and_renamed_bodies_stay_one_entity(tmp_path, lexicon):
    ex = run(tmp_path, lexicon, (
        "The Inter-Ministerial Committee on Lake Children met. The Interministerial Committee on "
        "Lake Children reported. The Ministry of Fisheries, Water and Coastal Affairs (MFWCA) "
        "replaced the Ministry of Fisheries.\n"))
    found = entities(ex)
    assert "org/lakeland-interministerial-committee-on-lake-children" in found
    assert not any("inter-ministerial" in iri for iri in found)
    ministries = [iri for iri, (_, label) in found.items() if "Fisheries" in label]
    assert len(ministries) == 1, ministries


def test_a_short_name_of_one_portfolio_is_the_body_holding_it(tmp_path, lexicon):
    """ "Ministry of Labor" after "Ministry of Civil Service, Labor, and Social Dialogue" is
    that ministry; not when two ministries of the document hold the portfolio."""
    ex = run(tmp_path, lexicon, (
        "The Ministry of Civil Service, Labor, and Social Dialogue conducts inspections. The "
        "committee is led by the Ministry of Labor and includes the Ministry of Justice.\n"))
    labels = sorted(label for _, label in entities(ex).values())
    assert labels == ["Ministry of Civil Service, Labor, and Social Dialogue",
                      "Ministry of Justice"], labels
    ex = run(tmp_path, lexicon, (
        "The Ministry of Civil Service and Labor met the Ministry of Youth and Labor. The "
        "Ministry of Labor reported.\n"))
    labels = sorted(label for _, label in entities(ex).values())
    assert "Ministry of Labor" in labels, labels


def test_the_national_committee_named_by_a_description(tmp_path, lexicon):
    ex = run(tmp_path, lexicon, (
        "The national committee, the entity charged with coordinating government "
        "anti-trafficking efforts, was minimally active.\n"), country="Mali")
    assert "org/cncltpa" in entities(ex)
    rules = {m.rule for m in ex.mentions}
    assert "description" in rules


def test_an_acronym_after_a_list_defines_the_list_s_last_name(tmp_path, lexicon):
    # a regional report: "… with the Ministries of Interior and Justice, and the National
    # Institute for Women and Children (INMC)" was one research organization of that name
    found = by_label(run(tmp_path, lexicon, (
        "Inspectors work with the Ministries of Lakes and Rivers, and the National Institute for "
        "Lake Women and Children (INMLC). The Ministry of Women, Children, and the Family "
        "(MWCF) met. The Measurement, Awareness-Raising, and Policy Engagement Project (MAP) "
        "ran.\n")))
    assert "national institute for lake women and children" in found, found
    assert not any(name.startswith("ministries") for name in found), found
    # ", and the Family" names no body of its own; a name may open with a list
    assert found.get("ministry of women children and the family") == "GovernmentBody", found
    assert found.get("measurement awareness raising and policy engagement project") \
        == "Program", found


def test_a_cue_word_after_of_is_no_head_when_the_name_ends_in_one(tmp_path, lexicon):
    # a regional report: "the Freedom of Movement of Persons and Migration in West Africa
    # Project" was an organization "Freedom of Movement of Persons" and a program "Migration …"
    found = by_label(run(tmp_path, lexicon, (
        "ILO continued the Freedom of Movement of Herders and Trade in the Lake Basin Project "
        "(2013–2020). The Ministry of Lakes and Lakeland Fisheries Agency met.\n")))
    assert found.get("freedom of movement of herders and trade in the lake basin project") \
        == "Program", found
    assert not any(name.startswith("freedom") and name.endswith("herders")
                   for name in found), found
    # a cue word that heads the first name still splits the list
    assert found.get("ministry of lakes") == "GovernmentBody", found


def test_a_name_with_no_cue_word_is_an_armed_group_only_in_its_own_sentence(tmp_path, lexicon):
    # a regional report's table cell: a sentence on "armed group recruitment", then one on
    # "UNICEF-supported Child Friendly Spaces (CFS)", which became an armed group
    found = by_label(run(tmp_path, lexicon, (
        "Provide training to children at risk of armed group recruitment. (3) In 2021, 500 "
        "children used Safe Lake Corners (SLC) in Port Lake. Armed groups such as the Union "
        "for Peace on the Lake (UPL) recruited children.\n")))
    assert "safe lake corners" not in found, found
    assert found.get("union for peace on the lake") == "ArmedGroup", found


def test_an_acronym_after_a_ministry_s_possessive_defines_the_owned_body(tmp_path, lexicon):
    # "the Ministry of Defense’s National Gendarmerie (SED)" was labelled "Defense’s National
    # Gendarmerie"; a one-word owner stays part of the name ("Lord’s Resistance Army")
    found = by_label(run(tmp_path, lexicon, (
        "Cases are referred by the Ministry of Lake Defense’s Shore Brigade (SLD). The "
        "Herder’s Resistance Army (HRA), an armed group, recruited children. The Federal "
        "Herder’s Charter Act (HCA) codifies their rights.\n")))
    assert found.get("shore brigade") == "GovernmentBody", found
    assert found.get("ministry of lake defense") == "GovernmentBody", found
    assert not any("defense s" in name for name in found), found
    assert found.get("herder resistance army") == "ArmedGroup", found
    assert found.get("herder charter act") == "Law", found  # "Federal Herder" is no owner


def test_a_body_of_the_un_is_not_the_country_s_body_of_that_name(tmp_path, lexicon):
    ex = run(tmp_path, lexicon, (
        "A draft law has been pending adoption by the General Assembly since 2015. (1)"
        "\n\nREFERENCES\n\n"
        "1. UN General Assembly Security Council. Children and armed conflict. 2016.\n"))
    national = ID["org/lakeland-general-assembly"]
    assert ex.registry.cls_of(national) == "GovernmentBody"
    quoted = sorted(str(p).rsplit("/", 1)[-1] for p in ex.graph.objects(national,
                                                                         CTIP.mentionedIn))
    assert quoted == ["1"], quoted  # the first sentence only


def test_a_guide_for_law_enforcement_is_no_draft_law(tmp_path, lexicon):
    g = run(tmp_path, lexicon, (
        "In 2019, the government drafted a guide for law enforcement officials on assisting "
        "victims, and drafted a revised fisheries law.\n")).graph
    drafts = {str(g.value(s, RDFS.label))
              for s in g.subjects(CTIP.legalStatus, CTIPC["legal-status/draft"])}
    assert drafts == {"draft revised fisheries law"}, drafts


def programs_table(country: str, *rows: str) -> str:
    return "\n".join([
        f"In 2019, {country} made a minimal advancement in efforts to eliminate the worst forms "
        "of child labor. (1)", "",
        "Table 8. Key Social Programs to Address Child Labor", "",
        "Program\tDescription", *rows, "",
        "REFERENCES", "", "1. Lake Embassy. Reporting, 2020.", ""])


def test_a_program_named_by_a_plural_is_one_per_country(tmp_path, lexicon):
    # regional reports: "Shelters", "UNICEF Programs", "World Bank-Funded Projects", "School
    # Feeding Program" and "UNICEF Country Program" rows of several countries were one program
    rows = (
        "Shelters\tGovernment-run shelters for children. (1)",
        "U.S. Government-Funded Programs\tPrograms funded by the United States. (1)",
        "Lake Country Program (2016–2020)\tA country program. (1)",
        "Eliminating the Worst Forms of Child Labor in Lakes Project\tAn ILO project. (1)",
        "Democracy, Rights, and Governance – Learning and Research Activity\tResearch. (1)",
        "Lakeland Government and NGO-Implemented Programs\tSeveral programs. (1)",
        "UNICEF Programs\tProvide training to children at risk of armed group recruitment. "
        "(1) In 2019, 500 children used Safe Lake Corners (SLC) in Port Lake. (1)")
    found = {}
    for country in ("Lakeland", "Riverland"):
        ex = run(tmp_path, lexicon, programs_table(country, *rows), country=country,
                 name=f"findings-2019-{country}")
        found[country] = entities(ex)
    slug = "u-s-government-funded-programs"
    for country, key in (("Lakeland", "lakeland"), ("Riverland", "riverland")):
        assert found[country].get(f"program/{key}-shelters") == ("Program", "Shelters")
        assert found[country].get(f"program/{key}-{slug}") \
            == ("Program", "U.S. Government-Funded Programs"), found[country]
        assert f"program/{key}-lake-country-program" in found[country], found[country]
        # (a table cell of several sentences: the one defining the acronym names no armed group)
        assert not any(cls == "ArmedGroup" for cls, _ in found[country].values())
    # a name that says its own country is not prefixed twice
    assert "program/lakeland-government-and-ngo-implemented-programs" in found["Lakeland"]
    # a gerund's object and a name opening with a list are no plural heads
    for country in found.values():
        assert "program/eliminating-the-worst-forms-of-child-labor-in-lakes-project" in country
        assert any(k.startswith("program/democracy-rights") for k in country), country


def test_a_government_s_offices_and_departments_are_one_per_country(tmp_path, lexicon):
    # regional reports: "Department of Labor", "Attorney General's Office", "District Councils"
    # had one IRI whatever the country (none was shared yet: a corpus of every country would)
    text = ("In 2019, the Attorney General’s Office and the Department of Lake Immigration "
            "referred cases to the Child Welfare Committees. USDOL and the State Department "
            "funded a project.\n")
    found = {country: entities(run(tmp_path, lexicon, text, country=country))
             for country in ("Lakeland", "Riverland")}
    for country, key in (("Lakeland", "lakeland"), ("Riverland", "riverland")):
        assert found[country].get(f"org/{key}-department-of-lake-immigration") \
            == ("GovernmentBody", "Department of Lake Immigration"), found[country]
        assert f"org/{key}-attorney-generals-office" in found[country], found[country]
        # the United States' bodies are found by their names in every country's report
        assert "org/usdol" in found[country] and "org/us-state-department" in found[country]
    # a body's country is the one its name says (a program's is where it runs: above)
    registry = EntityRegistry(lexicon, country=ID["place/mali"])
    assert registry.resolve("Togolese District Councils", "GovernmentBody").iri \
        == ID["org/togo-district-councils"]
    assert registry.resolve("Togolese Government-Funded Programs", "Program").iri \
        == ID["program/mali-togolese-government-funded-programs"]
    scoping = lexicon.scoping
    assert scoping.is_generic("Child Welfare Committees", "GovernmentBody")
    assert not scoping.is_generic("Child Welfare Committees", "NonGovernmentalOrganization")
    assert not scoping.is_generic("Lakeland Welfare Board", "GovernmentBody")


def test_a_legal_number_is_its_country_s(tmp_path, lexicon):
    # "Law No. 2012-023" is Mali's anti-trafficking law in the lexicon: another country's report
    # printing that number names its own law; two countries' "Decree No. 2005-009" are two
    text = "In 2019, Law No. 2012-023 and Decree No. 2005-009 were adopted.\n"
    found = {country: entities(run(tmp_path, lexicon, text, country=country))
             for country in ("Lakeland", "Riverland", "Mali")}
    assert found["Lakeland"].get("law/lakeland-law-2012-023") == ("Law", "Law No. 2012-023")
    assert "law/law-2012-023" not in found["Lakeland"], found["Lakeland"]
    assert "law/law-2012-023" in found["Mali"], found["Mali"]
    assert {k for k in found["Lakeland"] if "2005-009" in k} == {"law/lakeland-decree-2005-009"}
    assert {k for k in found["Riverland"] if "2005-009" in k} == {"law/riverland-decree-2005-009"}
    # an act is a law (a regional report prints "Act No. 2003-17" and "Law 2003-17")
    acts = entities(run(tmp_path, lexicon, "Act No. 2003-17 and Law 2003-17 apply.\n"))
    assert {k for k in acts if "2003-17" in k} == {"law/lakeland-law-2003-17"}, acts


def test_a_name_ends_before_a_date(tmp_path, lexicon):
    found = by_label(run(tmp_path, lexicon, (
        "The President promulgated a new Fisheries Code in May 2017 and the Ministry of Lake "
        "Affairs in June took over.\n")))
    assert found.get("fisheries code") == "Law", found
    assert found.get("ministry of lake affairs") == "GovernmentBody", found
    assert not any("may" in name.split() or "june" in name.split() for name in found), found


def test_and_the_before_a_name_headed_by_a_later_cue_word_starts_it(tmp_path, lexicon):
    # a regional report: "… from Enforced Disappearance and the International Convention on the
    # Protection of the Rights of All Migrant Workers …" was one agreement of both
    found = by_label(run(tmp_path, lexicon, (
        "Ratify the Protocol for All Herders from Lake Drowning and the Regional Convention on "
        "the Rights of Lake Fishers. The Ministry of Lake Women and the Family met.\n")))
    assert found.get("regional convention on the rights of lake fishers") \
        == "InternationalAgreement", found
    assert not any(name.startswith("lake drowning") for name in found), found
    assert found.get("ministry of lake women and the family") == "GovernmentBody", found


def test_an_acronym_in_parentheses_after_a_national_name_is_no_un_body(tmp_path, lexicon):
    # a regional report: "… (DDRR) Coordinating body (UNPDDRR)" became a UN organization
    found = entities(run(tmp_path, lexicon, (
        "The Presidency's Lake Disarmament Coordinating body (UNLDCB) disarmed children. "
        "This is not a UNLX publication. Later, UNLDCB’s staff left. The UNICEF Country "
        "Program works in support of the UNDAF.\n")))
    assert not any("unldcb" in k for k in found), found
    assert found.get("org/unlx") == ("InternationalOrganization", "UNLX"), found
    assert not any("undaf" in k for k in found), found  # a framework, no UN body


def test_a_title_s_word_in_parentheses_is_part_of_the_name(tmp_path, lexicon):
    # a regional report's "Trafficking in Persons (Prohibition) Enforcement and Administration
    # Act" was "Enforcement and Administration Act"
    found = entities(run(tmp_path, lexicon, (
        "Sections 13 and 22 of the Lake Fishing (Prohibition) Enforcement and Administration Act "
        "protect children. The government passed the Fishers (Amendment) Act and the Fishers "
        "Act.\n")))
    assert found["law/lakeland-lake-fishing-prohibition-enforcement-and-administration-act"] == (
        "Law", "Lake Fishing (Prohibition) Enforcement and Administration Act"), found
    assert found["law/lakeland-fishers-amendment-act"] == ("Law", "Fishers (Amendment) Act")
    assert found["law/lakeland-fishers-act"] == ("Law", "Fishers Act")  # another law


def test_a_law_named_law_on_something_is_a_law(tmp_path, lexicon):
    # the Chad reports' "Article 32 of the Law on the Organization of the Armed Forces" made an
    # organization "Organization of the Armed Forces" (a head cue counts before a connector)
    found = entities(run(tmp_path, lexicon, (
        "Article 32 of the Law on the Organization of the Lake Guard bans the recruitment of "
        "children. The Fund for the Protection of Fishers and the Ministry of Fishing met.\n")))
    assert found["law/lakeland-law-on-the-organization-of-the-lake-guard"] == (
        "Law", "Law on the Organization of the Lake Guard"), found
    assert not any("organization-of-the-lake-guard" in iri and iri.startswith("org/")
                   for iri in found), found
    assert found["org/fund-for-the-protection-of-fishers"][0] == "Organization"
    assert found["org/lakeland-ministry-of-fishing"] == ("GovernmentBody", "Ministry of Fishing")


def test_a_numbered_phase_is_part_of_the_name(tmp_path, lexicon):
    # the Chad reports' "Education Sector Reform Project Phase 2 (2013–2020)" was "Education
    # Sector Reform Project Phase"
    found = entities(run(tmp_path, lexicon, (
        "The World Bank funded the Lake Schools Project Phase 2 (2013–2020), a $65 million "
        "project. The Lake Schools Project trained teachers in 2019.\n")))
    assert found["program/lake-schools-project-phase-2"] == (
        "Program", "Lake Schools Project Phase 2"), found
    assert "program/lake-schools-project-phase" not in found, found


def test_an_acronym_s_name_with_no_cue_word_is_what_the_text_calls_it(tmp_path, lexicon):
    # a regional report: "the Better Education Service Delivery for All (BESDA) (2017–2022), a
    # $611 million project" was left unlinked (no cue word in the name)
    found = entities(run(tmp_path, lexicon, (
        "The government supported the Better Schools Service Delivery for All (BSSDA) "
        "(2017–2022), a $611 million project which aims to improve schools, and the Lake Hope "
        "Helpers (LHH), a local NGO. The Lake Fishing Group (LFG) met twice. County Level "
        "Engagement to Reduce Boat Labor (CLERB) II (2016–2018), implemented by the ILO, built "
        "capacity. A USDOS-funded project implemented by Lake Hope Partners (LHPA) runs the "
        "shelter.\n")))
    assert found["org/lhpa"] == ("Organization", "Lake Hope Partners")  # the agent of a deed
    assert found["program/bssda"] == ("Program", "Better Schools Service Delivery for All")
    assert found["program/clerb-ii"] == (  # what is said of it: "implemented by"; phase II
        "Program", "County Level Engagement to Reduce Boat Labor II")
    assert found["org/lhh"] == ("NonGovernmentalOrganization", "Lake Hope Helpers")
    assert not any("lfg" in iri or "fishing-group" in iri for iri in found), found


def test_a_slogan_in_quotes_is_no_name(tmp_path, lexicon):
    # Liberia 2021: 'the World Day Against Child Labor, with the theme "Act Now to End Child
    # Labor,"' made a law "Act Now to End Child Labor" (its first word a cue)
    found = by_label(run(tmp_path, lexicon, (
        "The government celebrated the day with the theme “Act Now to End Lake Labor,” and "
        "the Lake Children Act applies.\n")))
    assert "act now to end lake labor" not in found, found
    assert found.get("lake children act") == "Law", found


def test_a_national_institute_or_fund_is_a_state_body(tmp_path, lexicon):
    # Guinea-Bissau's "National Institute for Women and Children (IMC)" was a research
    # organization in two reports and a coordinating body in four: two IRIs
    found = by_label(run(tmp_path, lexicon, (
        "The National Institute for Lake Women (NILW) identified 159 victims. The National "
        "Boat Fund helps fishers. The Lake Research Institute studies fish.\n")))
    assert found.get("national institute for lake women") == "GovernmentBody", found
    assert found.get("national boat fund") == "GovernmentBody", found
    assert found.get("lake research institute") == "ResearchOrganization", found


def test_names_in_quotes_after_a_kind_noun_are_programs(tmp_path, lexicon):
    # regional reports: 'the UNICEF-funded programs "Temporary Spaces for Learning and Child
    # Protection (STEPS)" and "Child Friendly Spaces."', 'a 5 year award entitled
    # "Strengthening Civic Advocacy and Local Engagement (SCALE)."' were left unlinked
    found = entities(run(tmp_path, lexicon, (
        "The government supported the UNICEF-funded programs “Safe Harbor for Learning and "
        "Child Protection (SHLCP)” and “Lake Friendly School.” USAID issued a 5 year award "
        "entitled \"Strengthening Lake Advocacy (SLA).\" The SLA trains. He said \"Lake "
        "Hope Now\" twice.\n")))
    assert found["program/shlcp"] == ("Program", "Safe Harbor for Learning and Child Protection")
    assert found["program/lake-friendly-school"] == ("Program", "Lake Friendly School")
    assert found["program/sla"] == ("Program", "Strengthening Lake Advocacy")
    assert not any("hope-now" in iri for iri in found), found


def test_what_the_text_calls_a_name_is_its_class_over_its_head_noun(tmp_path, lexicon):
    # a regional report: "the Civilian Joint Task Force (CJTF), a non-state self-defense militia
    # involved in fighting Boko Haram" was a coordinating body ("Task Force")
    found = by_label(run(tmp_path, lexicon, (
        "The Lake Shield Task Force (LSTF), a non-state self-defense militia fighting the Delta "
        "Liberation Front, recruited children. The Lake Basin Task Force coordinated the "
        "response. No strategy is in the LSRP (2010–2020), the UNICEF Country Program Action Plan "
        "or the plan.\n")))
    assert found.get("lake shield task force") == "ArmedGroup", found
    assert found.get("lake basin task force") == "CoordinatingBody", found
    assert "lsrp" not in found, found  # a list's next name, no appositive


def test_an_ilo_instrument_by_its_code_and_title_is_the_ilo_s(tmp_path, lexicon):
    # a 2021 regional report: "ratified the P029 Protocol of the Forced Labor Convention …, the
    # C189 Domestic Workers Convention, and the C143 Migrant Workers (Supplementary Provisions)
    # Convention", and later the titles alone; each was two agreements, none the ILO's
    found = entities(run(tmp_path, lexicon, (
        "Lakeland ratified the P029 Protocol of the Forced Labor Convention and the C190 "
        "Violence and Harassment Convention. The Violence and Harassment Convention enters into "
        "force in 2022. The Lake Fund's IC100 Trade Convention is another text.\n")))
    ilo = {k for k in found if k.startswith("agreement/ilo-")}
    assert ilo == {"agreement/ilo-p-29", "agreement/ilo-c-190"}, found  # not "IC100 …"
    assert not any("harassment" in k for k in found), found  # its title is its name
    # (one the lexicon does not list: named by its code)
    assert found["agreement/ilo-c-190"] == ("InternationalAgreement", "ILO C. 190")


def test_two_spellings_of_one_name_are_one_iri(tmp_path, lexicon):
    # two regional reports print "Tourism Offences Act" and "Tourism Offenses Act": two laws
    found = entities(run(tmp_path, lexicon, (
        "The Lake Tourism Offences Act protects children. The Lake Tourism Offenses Act was "
        "amended.\n")))
    laws = {k: v for k, v in found.items() if k.startswith("law/")}
    assert list(laws) == ["law/lakeland-lake-tourism-offenses-act"], found
    assert laws["law/lakeland-lake-tourism-offenses-act"][1] == "Lake Tourism Offences Act"
