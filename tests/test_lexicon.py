"""The curated lexicon (data/lexicon): its format, its indexes and the matching rules."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ctipgraph.link.lexicon import (
    compatible,
    fold,
    legal_key,
    load_lexicon,
    norm_name,
)
from ctipgraph.namespaces import CTIP, ID
from ctipgraph.ontology import declared_terms
from ctipgraph.paths import LEXICON_DIR, SOURCES_DIR
from ctipgraph.validate import validate_graph


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def test_every_entity_has_one_class_one_english_label_and_an_id_iri(lexicon) -> None:
    terms = declared_terms()
    for iri in set(lexicon.graph.subjects(RDF.type, None)):
        assert str(iri).startswith(str(ID)), iri
        kind = str(iri)[len(str(ID)):].split("/")[0]
        assert kind in {"org", "law", "agreement", "program", "policy", "place"}, iri
        classes = list(lexicon.graph.objects(iri, RDF.type))
        assert len(classes) == 1 and classes[0] in terms, iri
        labels = list(lexicon.graph.objects(iri, RDFS.label))
        assert len(labels) == 1 and labels[0].language == "en", iri


def test_the_lexicon_conforms_to_the_shapes(lexicon) -> None:
    report = validate_graph(lexicon.graph)
    assert report.conforms, report.format()


def test_every_reference_in_the_lexicon_is_to_a_lexicon_entity(lexicon) -> None:
    for p in (CTIP.subOrganizationOf, CTIP.partOf, CTIP.country):
        for _, target in lexicon.graph.subject_objects(p):
            assert target in lexicon.entities, (p, target)


def test_acronyms_and_names_denote_one_entity_each(lexicon) -> None:
    acronyms = Counter(a for e in lexicon.entities.values() for a in e.acronyms)
    assert [a for a, n in acronyms.items() if n > 1] == []
    owners: dict[str, set] = {}
    for entity in lexicon.entities.values():
        for name in entity.names():
            owners.setdefault(norm_name(name), set()).add(entity.iri)
    assert [n for n, iris in owners.items() if len(iris) > 1] == []


def test_wikidata_matches_are_entity_iris(lexicon) -> None:
    for _, target in lexicon.graph.subject_objects(SKOS.exactMatch):
        assert str(target).startswith("http://www.wikidata.org/entity/Q")


def test_publisher_labels_agree_with_the_source_sidecars(lexicon) -> None:
    """One entity has one English label: the sidecars' agents and the lexicon must agree."""
    for sidecar in sorted(SOURCES_DIR.rglob("*.meta.toml")):
        meta = tomllib.loads(sidecar.read_text("utf-8"))
        for agent in meta.get("publisher", []) + meta.get("creator", []):
            iri = ID[f"org/{agent['key']}"]
            if iri in lexicon.entities:
                assert lexicon.entities[iri].label == agent["label"], (sidecar.name, iri)


def test_lexicon_files_document_their_format() -> None:
    for path in sorted(LEXICON_DIR.glob("*.ttl")):
        assert path.read_text("utf-8").startswith("# ctipgraph lexicon"), path
    assert "## Entity format" in (LEXICON_DIR / "README.md").read_text("utf-8")


# --- normalization and matching --------------------------------------------------------------


def test_fold_keeps_offsets() -> None:
    text = "Côte d’Ivoire – Ségou “quoted”"
    assert len(fold(text)) == len(text)
    assert fold(text) == "cote d'ivoire - segou \"quoted\""


def test_norm_name_ignores_case_articles_spelling_and_punctuation() -> None:
    assert norm_name("The Ministry of Labour") == norm_name("ministry of labor")
    assert norm_name("A Better Future for Mali’s Children") == norm_name(
        "A BETTER FUTURE FOR MALI'S CHILDREN")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Ministry of Labour", "Ministry of Labor", True),
        ("Imghad Tuareg and Allies Self Defense Group",
         "Tuareg Imghad and Allies Self-Defense Group", True),
        ("Ministry of Justice", "Ministry of Labor", False),
        ("Law 2012-023", "Law 2017-021", False),
        ("Brigade for the Protection of Minors", "Brigade for the Protection of Morals", False),
        ("National Committee to Monitor Programs to Combat Trafficking in Children",
         "National Coordinating Committee for the Fight Against Trafficking in Persons", False),
    ],
)
def test_compatible_names(a: str, b: str, same: bool) -> None:
    assert compatible(a, b) is same


def test_legal_keys_ignore_number_words_and_spacing() -> None:
    assert legal_key("law", "2012-023") == legal_key("law", "2012 - 023") == "law 2012-023"
    assert legal_key("order", "06-1940/MPFEF-SG") == "order 06-1940/mpfef-sg"
    assert legal_key("law", "10.001") == legal_key("law", "10-001") == "law 10-001"


@pytest.mark.parametrize(
    ("name", "expected", "rule"),
    [
        ("CNCLTPA", "org/cncltpa", "lexicon:acronym"),
        ("National Coordination Committee against Trafficking in Persons and Assimilated "
         "Practices", "org/cncltpa", "lexicon:label"),
        ("national anti-trafficking committee", "org/cncltpa", "lexicon:label"),
        ("Law No. 2012-023", "law/law-2012-023", "lexicon:label"),
        ("Loi N° 2012-023", "law/law-2012-023", "lexicon:legal-identifier"),
        ("the 2012 anti-trafficking law", "law/law-2012-023", "lexicon:label"),
        ("Trafficking in Persons Law", "law/law-2012-023", "lexicon:label"),
        ("GLO.ACT", "program/glo-act", "lexicon:acronym"),
        ("GLO ACT", "program/glo-act", "lexicon:acronym"),
        ("Ministry of Labour", "org/ministry-of-labor", "lexicon:label"),
        ("Cote D'Ivoire", "place/cote-d-ivoire", "lexicon:label"),
        ("Loi 99 – 046", "law/law-of-education", "lexicon:label"),
    ],
)
def test_find_names_acronyms_and_identifiers(lexicon, name, expected, rule) -> None:
    found = lexicon.find(name)
    assert found is not None and found.iri == ID[expected] and found.rule == rule


@pytest.mark.parametrize(
    "name",
    ["Ministry of Labor and Civil Service", "Brigade for the Protection of Minors",
     "National Committee on Migration", "Law 2017-022"],
)
def test_similar_names_of_other_bodies_stay_apart(lexicon, name) -> None:
    assert lexicon.find(name) is None


def test_fuzzy_match_is_named_as_such(lexicon) -> None:
    found = lexicon.find("Tuareg Imghad and Allies Self Defence Group")
    assert found is not None and found.iri == ID["org/gatia"]
    assert found.rule == "fuzzy:label" and found.score >= 90


def test_concepts_of_the_ontology_are_indexed(lexicon) -> None:
    assert lexicon.concept("tier", "Tier 2 Watch List") == URIRef(
        "https://w3id.org/ctipgraph/id/concept/tier/tier-2-watch-list")
    found = lexicon.concepts_in("exploitation", "the worst forms of child labor and forced begging")
    notations = [str(iri).rsplit("/", 1)[-1] for _, iri in found]
    assert notations == ["worst-forms-of-child-labor", "forced-begging"]


def test_patterns_file_is_valid_toml_with_the_table_kinds() -> None:
    patterns = tomllib.loads((LEXICON_DIR / "patterns.toml").read_text("utf-8"))
    kinds = {t["kind"] for t in patterns["tables"]}
    assert {"statistics", "legal-standards", "social-programs", "recommendations"} <= kinds


def test_load_lexicon_from_another_folder(tmp_path: Path) -> None:
    (tmp_path / "orgs.ttl").write_text(
        "@base <https://w3id.org/ctipgraph/id/> .\n"
        "@prefix ctip: <https://w3id.org/ctipgraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<org/x> a ctip:NonGovernmentalOrganization ; rdfs:label "Example Aid"@en ;\n'
        '    ctip:acronym "EXA" .\n',
        encoding="utf-8",
    )
    lexicon = load_lexicon(tmp_path)
    assert lexicon.find("EXA").iri == ID["org/x"]
    assert lexicon.patterns == {}
