"""Entity linking: mentions of lexicon entities, discovery of new ones, cross-document identity."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest
from rdflib import URIRef

from ctipgraph.iris import slugify
from ctipgraph.link.entities import EntityRegistry
from ctipgraph.link.lexicon import load_lexicon
from ctipgraph.link.mentions import MentionFinder, Mentions, Run, _apart_from_known, find_mentions
from ctipgraph.namespaces import ID
from ctipgraph.read.model import Document
from ctipgraph.segment import load


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def link(tmp_path: Path, lexicon, text: str, name: str = "doc") -> tuple[Document, EntityRegistry,
                                                                         Mentions, list]:
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    doc = load(path)
    registry = EntityRegistry(lexicon)
    mentions, possessives = find_mentions(doc, registry)
    return doc, registry, mentions, possessives


def names_found(tmp_path: Path, lexicon, text: str) -> dict[str, set[str]]:
    """surface text → entity IRIs (short) of the entities found in `text`."""
    doc, _, mentions, _ = link(tmp_path, lexicon, text)
    return named(doc, mentions)


def named(doc: Document, mentions: Mentions) -> dict[str, set[str]]:
    """surface text → entity IRIs (short)."""
    found: dict[str, set[str]] = {}
    for m in mentions:
        found.setdefault(" ".join(doc.text[m.start:m.end].split()), set()).add(
            str(m.iri)[len(str(ID)):])
    return found


def test_lexicon_names_acronyms_and_french_forms_are_one_entity(tmp_path, lexicon) -> None:
    doc, _, mentions, _ = link(tmp_path, lexicon, (
        "The CNCLTPA met twice. The national anti-trafficking committee has a budget. "
        "The *Comité national de coordination de la lutte contre la traite des personnes et les "
        "pratiques assimilées* was created in 2011.\n"))
    found = named(doc, mentions)
    assert found["CNCLTPA"] == {"org/cncltpa"}
    assert found["national anti-trafficking committee"] == {"org/cncltpa"}
    assert {"org/cncltpa"} in [v for k, v in found.items() if k.startswith("Comité national")]


def test_glo_act_spellings_and_law_names_are_one_entity_each(tmp_path, lexicon) -> None:
    doc, _, mentions, _ = link(tmp_path, lexicon, (
        "GLO ACT trained judges. The GLO.ACT newsletter appeared. Law 2012-023 prohibits "
        "trafficking. The 2012 anti-trafficking law was distributed. The Trafficking in Persons "
        "Law was translated. Law No. 2012-023 applies.\n"))
    found = named(doc, mentions)
    assert found["GLO ACT"] == found["GLO.ACT"] == {"program/glo-act"}
    assert found["Law 2012-023"] == found["2012 anti-trafficking law"] == {"law/law-2012-023"}
    assert found["Trafficking in Persons Law"] == found["Law No. 2012-023"] == {
        "law/law-2012-023"}


def test_bodies_with_similar_names_stay_apart(tmp_path, lexicon) -> None:
    doc, _, mentions, _ = link(tmp_path, lexicon, (
        "The Ministry of Justice and the Ministry of Labor met. The CNS and the CNCLTPA did "
        "not.\n"))
    found = named(doc, mentions)
    assert found["Ministry of Justice"] == {"org/ministry-of-justice"}
    assert found["Ministry of Labor"] == {"org/ministry-of-labor"}
    assert found["CNS"] == {"org/cns"} and found["CNCLTPA"] == {"org/cncltpa"}


def test_acronym_definitions_create_entities_found_again_by_acronym(tmp_path, lexicon) -> None:
    doc, registry, mentions, _ = link(tmp_path, lexicon, (
        "The National Task Force on Child Protection (NTFCP) met in Bamako. Later the NTFCP "
        "issued a report.\n"))
    iri = ID["org/ntfcp"]
    entity = registry.found[iri]
    assert entity.cls == "CoordinatingBody"
    assert entity.label == "National Task Force on Child Protection"
    assert entity.acronyms == ["NTFCP"]
    assert named(doc, mentions)["NTFCP"] == {"org/ntfcp"}


def test_french_order_acronyms_are_accepted_with_a_cue_word(tmp_path, lexicon) -> None:
    _, registry, _, _ = link(tmp_path, lexicon, (
        "One labor inspector is the point of contact for the National Office Against Forced "
        "Labor (ONLTF) in each region.\n"))
    assert registry.found[ID["org/onltf"]].label == "National Office Against Forced Labor"


def test_acronym_with_english_expansion_and_emphasized_french_name(tmp_path, lexicon) -> None:
    _, registry, _, _ = link(tmp_path, lexicon, (
        "In 2008, the government established the *Comité de veille sur le travail forcé* "
        "(CVTF, Forced Labor Monitoring Committee) under the Ministry of Justice.\n"))
    iri = ID["org/cvtf"]
    assert registry.found[iri].label == "Forced Labor Monitoring Committee"
    assert ("Comité de veille sur le travail forcé", "fr") in registry.aliases[iri]


def test_acronym_list_entries_are_classified_by_cue_word(tmp_path, lexicon) -> None:
    doc, registry, _, _ = link(tmp_path, lexicon, (
        "ACRONYMS\n\nNTFCP\tNational Task Force on Child Protection\nKII\tKey informant "
        "interview\n\nINTRODUCTION\n\nThe NTFCP met.\n"))
    assert ID["org/ntfcp"] in registry.found
    assert not any("kii" in str(iri) for iri in registry.found)


@pytest.mark.parametrize(
    ("text", "iri", "cls"),
    [
        ("Law No. 2019-045 was adopted.", "law/law-2019-045", "Law"),
        ("It was created by Decree N° 10-474/P-RM in 2010.", "law/decree-10-474-p-rm",
         "Regulation"),
        ("In 2006, Order No. 06-1940/MPFEF-SG established it.", "law/order-06-1940-mpfef-sg",
         "Regulation"),
        ("The Ordonnance N° 10 036/ P-RM created it.", "law/ordinance-10-036-p-rm",
         "Regulation"),
        ("Mali has ratified ILO C. 105 on forced labor.", "agreement/ilo-c-105",
         "InternationalAgreement"),
        # a number printed with a dot (a regional report: "in September, Law 21.003 was
        # adopted" made a law named "September, Law")
        ("Separately, in September, Law 21.003 was adopted.", "law/law-21-003", "Law"),
        ("It is set by Decree N° 85.432; and Loi N° 10.001.", "law/decree-85-432",
         "Regulation"),
        ("The government ratified the International Labor Organization Convention No. 138.",
         "agreement/ilo-c-138", "InternationalAgreement"),
    ],
)
def test_legal_identifiers_become_instruments(tmp_path, lexicon, text, iri, cls) -> None:
    _, registry, mentions, _ = link(tmp_path, lexicon, text + "\n")
    assert registry.cls_of(ID[iri]) == cls
    assert ID[iri] in {m.iri for m in mentions}
    assert not any("september" in str(found) or str(found).endswith(("-convention",
                                                                     "-convention-no"))
                   for found in registry.found)


def test_legal_provisions_are_part_of_their_instrument(tmp_path, lexicon) -> None:
    _, registry, mentions, _ = link(tmp_path, lexicon, (
        "Articles 31.23, 31.31, and 32 of the Penal Code apply, as does Article 244 of the Penal "
        "Code and Article L.187 of the Law 2017-021 modifying the Labor Code.\n"))
    for slug in ("penal-code-article-31-23", "penal-code-article-31-31", "penal-code-article-32",
                 "penal-code-article-244"):
        entity = registry.found[ID[f"law/{slug}"]]
        assert entity.cls == "LegalProvision" and entity.part_of == ID["law/penal-code"]
    provision = registry.found[ID["law/law-2017-021-article-l-187"]]
    assert provision.label == "Article L.187 of the Law 2017-021 modifying the Labor Code"
    assert provision.part_of == ID["law/law-2017-021"]
    assert ID["law/penal-code-article-244"] in {m.iri for m in mentions}


def test_sections_of_an_act_are_its_provisions(tmp_path, lexicon) -> None:
    """ "Sections 2 and 15 of the Education Act": the unit of a common-law country's acts is a
    section, a provision as an article is."""
    _, registry, mentions, _ = link(tmp_path, lexicon, (
        "Sections 2 and 15 of the Lakeland Boating Act apply, as does Section 22(1) of the "
        "Lakeland Boating Act.\n"))
    act = next(iri for iri, e in registry.found.items() if e.label == "Lakeland Boating Act")
    for num in ("2", "15", "22-1"):
        entity = registry.found[URIRef(f"{act}-section-{num}")]
        assert entity.cls == "LegalProvision" and entity.part_of == act
    assert registry.found[URIRef(f"{act}-section-22-1")].label == (
        "Section 22(1) of the Lakeland Boating Act")
    assert URIRef(f"{act}-section-2") in {m.iri for m in mentions}


def test_the_provisions_of_a_long_named_instrument_keep_their_numbers(tmp_path, lexicon):
    """An instrument's slug is cut at a slug's length: its provisions' IRIs keep their numbers
    after it (Sections 13, 19 and 23 of Nigeria's trafficking act had been one provision)."""
    _, registry, _, _ = link(tmp_path, lexicon, (
        "Sections 13 and 23 of the Trafficking in Persons (Prohibition) Enforcement and "
        "Administration of the Lakeland Boats and Harbors Act apply.\n"))
    provisions = {e.label for e in registry.found.values() if e.cls == "LegalProvision"}
    assert len(provisions) == 2, provisions
    iris = [iri for iri, e in registry.found.items() if e.cls == "LegalProvision"]
    assert {str(i).rsplit("-", 2)[-2:][1] for i in iris} == {"13", "23"}, iris


def test_government_of_a_country(tmp_path, lexicon) -> None:
    doc, registry, mentions, _ = link(tmp_path, lexicon, (
        "Program\tDescription\n"
        "The project is a \\$6.8 million Government of Brazil-funded project.\n"))
    iri = ID["org/government-of-brazil"]
    assert registry.found[iri].country == ID["place/brazil"]
    assert named(doc, mentions)["Government of Brazil"] == {"org/government-of-brazil"}


def test_cue_names_are_discovered_but_known_names_are_not_split(tmp_path, lexicon) -> None:
    _, registry, _, _ = link(tmp_path, lexicon, (
        "The Ministry of Malians Abroad and African Integration carries out programs. Mali is "
        "currently on the U.S. Department of State Tier 2 watch list.\n"))
    labels = {e.label for e in registry.found.values()}
    assert "Ministry of Malians Abroad and African Integration" in labels
    assert not any("State Tier" in label for label in labels)


def test_possessives_name_sub_organizations(tmp_path, lexicon) -> None:
    _, _, _, possessives = link(tmp_path, lexicon, (
        "In 2017, the Ministry of Security's Morals Brigade employed 25 staff.\n"))
    pairs = [(str(a)[len(str(ID)):], str(b)[len(str(ID)):]) for a, b, _ in possessives]
    assert pairs == [("org/ministry-of-internal-security",
                      "org/brigade-for-the-protection-of-morals-and-children")]


def test_citation_markers_are_not_mentions(tmp_path, lexicon) -> None:
    doc, _, mentions, _ = link(tmp_path, lexicon, (
        "Victims are transported to Europe (IOM, 2005).\n\nBIBLIOGRAPHY\n\n"
        "- IOM. (2005). Trafficking in West Africa.\n"))
    sentence = doc.sentences[0]
    assert all(m.iri != ID["org/iom"] for m in mentions.in_block(sentence))


def test_same_name_in_two_documents_gives_the_same_iri(tmp_path, lexicon) -> None:
    text = "The Youth Futures Project (YFP) trains teachers.\n"
    _, one, _, _ = link(tmp_path, lexicon, text, "a")
    _, two, _, _ = link(tmp_path, lexicon, "Later, the Youth Futures Project (YFP) closed.\n",
                        "b")
    assert set(one.found) == set(two.found) == {URIRef(ID["program/yfp"])}


def test_seed_findings_mentions(lexicon) -> None:
    seeds = Path(__file__).resolve().parents[1] / "data" / "sources" / "seeds"
    doc = load(seeds / "usdol-findings-2017-mali.txt")
    registry = EntityRegistry(lexicon)
    mentions, _ = find_mentions(doc, registry)
    iris = {m.iri for m in mentions}
    for slug in ("org/cnlte", "org/mnla", "org/gatia", "org/mpfef", "program/glo-act",
                 "law/penal-code-article-193", "agreement/ilo-c-182", "org/government-of-brazil"):
        assert ID[slug] in iris, slug
    rules = {m.rule for m in mentions}
    assert {"lexicon:label", "lexicon:acronym", "legal-provision"} <= rules


def test_a_place_name_inside_another_name_is_not_that_place(tmp_path, lexicon) -> None:
    doc, _, mentions, _ = link(tmp_path, lexicon, (
        "A survey experiment in Benin City, Nigeria, presented similar findings. Boko Haram "
        "recruited children around Lake Chad and in the Niger Delta. Vessels in the Gulf of "
        "Guinea carried children. Children from Benin and Chad were trafficked to Niger, Guinea "
        "and the Republic of Congo. Benin city officials met. The San Diego Union Tribune "
        "reported it. Officials of the Sikasso Region and of San met. “Government Control "
        "Restored In Timbuktu As French Forces Push North.” U.S. Embassy- Abuja Official. "
        "Reuters; Abuja May 10, 2019.\n"))
    found = named(doc, mentions)
    places = {text: iris for text, iris in found.items() if any(
        i.startswith("place/") for i in iris)}
    assert places == {"Nigeria": {"place/nigeria"}, "Benin": {"place/benin"},
                         "Chad": {"place/chad"}, "Niger": {"place/niger"},
                         "Guinea": {"place/guinea"},
                         "Republic of Congo": {"place/republic-of-the-congo"},
                         "San": {"place/san"}, "Sikasso": {"place/sikasso"},
                         "Timbuktu": {"place/timbuktu"}, "Abuja": {"place/abuja"}}
    # only the plain names are the places, not "Benin City", "Lake Chad", "Niger Delta" or
    # "Gulf of Guinea", nor a town's in "San Diego" (a lower-case "city" is not a name, "Region"
    # is the region's, "As" and "Official" are words of a title in title case)
    at = sorted((str(m.iri)[len(str(ID)):], doc.text[m.start:m.end + 5]) for m in mentions
                if str(m.iri).startswith(str(ID) + "place/") and "Nigeria" not in
                doc.text[m.start:m.end] and "Congo" not in doc.text[m.start:m.end])
    assert at == [("place/abuja", "Abuja May "), ("place/abuja", "Abuja Offi"),
                  ("place/benin", "Benin and "),
                  ("place/benin", "Benin city"), ("place/chad", "Chad were"),
                  ("place/guinea", "Guinea and "),
                  ("place/niger", "Niger, Gui"), ("place/san", "San met."),
                  ("place/sikasso", "Sikasso Regi"), ("place/timbuktu", "Timbuktu As F")]


def test_a_name_whose_initials_spell_an_acronym_of_the_document_is_that_entity(
        tmp_path, lexicon) -> None:
    found = names_found(tmp_path, lexicon, (
        "In 2019, Togo made a moderate advancement. Gaps exist within the authority of the "
        "Ministry of Civil Service, Labor, and Administrative Reform (MOL) in Togo. The Ministry "
        "of Labor settles cases with mediation. The National Agency for the Prohibition of "
        "Trafficking in Persons and Other Related Matters (NAPTIP) opened shelters. The National "
        "Agency for the Prohibition of Trafficking in Persons rescued 40 children. The National "
        "Agency for Food and Drug Administration and Control (NAFDAC) and the National Agency for "
        "Food inspected markets.\n"))
    mol = found["Ministry of Civil Service, Labor, and Administrative Reform"]
    assert found["Ministry of Labor"] == found["MOL"] == mol
    naptip = found["NAPTIP"]
    assert found["National Agency for the Prohibition of Trafficking in Persons"] == naptip
    assert naptip != mol
    # initials that spell no acronym of the document keep their own entity
    assert found["National Agency for Food"] != found["NAFDAC"]
    assert len({iri for iris in found.values() for iri in iris if iri.startswith("org/")}) == 4


def test_a_name_that_begins_one_longer_name_of_the_document_is_that_entity(
        tmp_path, lexicon) -> None:
    found = names_found(tmp_path, lexicon, (
        "In 2019, Liberia made a moderate advancement. The National Steering Committee on Child "
        "Labor met twice in Liberia. The National Steering Committee approved a plan. The Child "
        "Protection Directorate at the MOJ handles cases. The Child Protection Directorate "
        "trained 40 officers.\n"))
    # the longer name is the entity's, unless it only adds where the entity is
    assert found["National Steering Committee"] == found[
        "National Steering Committee on Child Labor"] == {
        "org/liberia-national-steering-committee-on-child-labor"}
    assert found["Child Protection Directorate"] == found[
        "Child Protection Directorate at the MOJ"] == {"org/liberia-child-protection-directorate"}


def test_a_name_and_a_list_or_a_cut_name_that_begins_with_it_stay_apart(tmp_path, lexicon) -> None:
    path = tmp_path / "doc.txt"
    path.write_text("In 2019, Liberia made a moderate advancement in Liberia. The Brigade to Fight "
                    "Clandestine Immigration and Human\nTrafficking investigated.\n",
                    encoding="utf-8")
    registry = EntityRegistry(lexicon)
    finder = MentionFinder(load(path), registry)
    registry.country = finder.discovery.report_country()
    names = ["Inspector General for Labor", "Inspector General for Labor and the Judicial Police",
             "Anti-Trafficking in Persons Cell",
             "Anti-Trafficking in Persons Cell (formerly CNARSEVT)",
             # a name cut at a line's end, never printed alone: no name of the whole one
             "Brigade to Fight Clandestine Immigration and Human",
             "Brigade to Fight Clandestine Immigration and Human Trafficking"]
    iris = [registry.resolve(name, "GovernmentBody").iri for name in names]
    # (the name with an aside is the cell's from the start: an aside is no part of an IRI)
    assert iris[3] == iris[2]
    finder._merge_by_prefix()
    assert set(registry.found) == {iris[0], iris[1], iris[2], iris[4], iris[5]}
    assert registry.merged == {}


def _pieces(text: str, known: list[str]) -> list[str]:
    """_apart_from_known over the whole text as one run, `known` the names found before."""
    tokens = tuple((m.group(), m.start(), m.end()) for m in re.finditer(r"[^\s,&]+", text))
    covered = [(m.start(), m.end()) for name in known for m in re.finditer(re.escape(name), text)]
    def stop(signum, frame):
        raise TimeoutError(f"_apart_from_known({text!r}) did not return")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(5)  # (a known name ending inside a word once looped for ever)
    try:
        pieces = _apart_from_known(Run(tokens), text, covered)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return [text[p.start:p.end] for p in pieces]


@pytest.mark.parametrize(
    ("text", "known", "pieces"),
    [
        ("Activity, USAID requested", ["USAID"], ["Activity"]),
        ("Ministry of Justice, and UNICEF", ["UNICEF"], ["Ministry of Justice"]),
        ("UMIRR, and Ministry of the Interior", ["UMIRR"], ["Ministry of the Interior"]),
        ("MASPFA, MOJ, and Ministry of Territorial Administration", ["MASPFA", "MOJ"],
         ["Ministry of Territorial Administration"]),
        ("ICCA and the National Committee for Lakes", ["ICCA"], ["National Committee for Lakes"]),
        ("Ministry of Interior and Public Security", ["Ministry of Interior"],
         ["Public Security"]),
        # no joiner before a known name: part of a longer name; after a joiner, none after it:
        # the run ends there
        ("Support to UNICEF Project", ["UNICEF"], ["Support to UNICEF Project"]),
        ("Ministry of Lakes, UNICEF Office", ["UNICEF"], ["Ministry of Lakes"]),
        ("UNICEF Office for Lakes", ["UNICEF"], ["UNICEF Office for Lakes"]),
        ("Ministry of Lakes, Law and the Committee", ["Law"], ["Ministry of Lakes", "Committee"]),
        # a known name ending inside a word is none (it once looped for ever)
        ("Lawmakers and the Committee", ["Law"], ["Lawmakers and the Committee"]),
        ("Ministry of Lakes, Lawmakers", ["Law"], ["Ministry of Lakes, Lawmakers"]),
    ],
)
def test_a_run_is_cut_at_the_list_joiners_next_to_a_known_name(text, known, pieces) -> None:
    assert _pieces(text, known) == pieces


def test_a_name_s_asides_are_not_part_of_its_iri(lexicon) -> None:
    # one program's name in four reports of a series: "Friends of the Child Shelters
    # (Associação dos Amigos da Criança)", "Friends of the Child (Amigos da Criança) Shelters", …
    iris = set()
    for name in ("Friends of the Lake Shelters (Associação dos Amigos do Lago)",
                 "Friends of the Lake (Amigos do Lago) Shelters",
                 "Friends of the Lake Shelters “Amigos do Lago”"):
        registry = EntityRegistry(lexicon)  # one per document
        resolved = registry.resolve(name, "Program", rule="test")
        assert registry.found[resolved.iri].label == name  # the label as printed
        iris.add(resolved.iri)
    assert iris == {ID["program/friends-of-the-lake-shelters"]}
    # a name that is all aside keeps it
    assert EntityRegistry(lexicon).resolve("(Lake Shelters)", "Program").iri \
        == ID["program/lake-shelters"]


def test_both_apostrophes_give_one_slug() -> None:
    # "Ministry of Justice’s Director of Public Prosecution" and "… Justice's …" in one series
    # were two IRIs ("justices", "justice-s")
    assert slugify("Ministry of Justice’s Office") == slugify("Ministry of Justice's Office") \
        == "ministry-of-justices-office"
    assert slugify("Côte d’Ivoire") == slugify("Côte d'Ivoire") == "cote-d-ivoire"
