"""A body one report names with its acronym and another without it is one IRI across the reports
of a build (link.acronyms)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from ctipgraph.build import build
from ctipgraph.link.acronyms import AcronymIndex, Definition, built_definitions
from ctipgraph.link.entities import VARIANT, EntityRegistry
from ctipgraph.link.lexicon import load_lexicon
from ctipgraph.namespaces import CTIP

ID = "https://w3id.org/ctipgraph/id/"


def test_a_name_and_its_acronym_are_the_acronym_s_iri() -> None:
    index = AcronymIndex.of([Definition("a", ID + "org/x-national-committee", ID + "org/x-nc")])
    assert index[ID + "org/x-national-committee"] == ID + "org/x-nc"
    assert ID + "org/x-nc" not in index  # the acronym's IRI is the series' already
    assert index.entities() == 1


def test_two_acronyms_of_one_name_are_the_one_more_reports_define() -> None:
    name = ID + "org/x-ministry-of-labor-and-employment"
    index = AcronymIndex.of([Definition("2016", name, ID + "org/x-mle"),
                             Definition("2018", name, ID + "org/x-mole"),
                             Definition("2019", name, ID + "org/x-mole"),
                             Definition("2019", ID + "org/x-ministry-of-labor", ID + "org/x-mol")])
    assert index[name] == ID + "org/x-mole"
    assert index[ID + "org/x-mle"] == ID + "org/x-mole"
    assert index[ID + "org/x-ministry-of-labor"] == ID + "org/x-mol"  # another name: apart
    assert index.entities() == 2


def test_a_tie_goes_to_the_smallest_iri_whatever_the_order() -> None:
    name = ID + "org/x-unit-to-combat-child-labor"
    pairs = [Definition("2017", name, ID + "org/x-cnlte"),
             Definition("2016", name, ID + "org/x-celte")]
    assert dict(AcronymIndex.of(pairs)) == dict(AcronymIndex.of(reversed(pairs))) == {
        name: ID + "org/x-celte", ID + "org/x-cnlte": ID + "org/x-celte"}


def test_variants_of_a_name_share_a_key_and_are_one_entity() -> None:
    registry = EntityRegistry(load_lexicon(), URIRef(ID + "place/niger"))

    def key(name: str, cls: str = "GovernmentBody") -> str:
        return registry.variant_key(name, cls, registry.country)[1]

    assert key("Ministry of the Interior") == key("Ministry of Interior")
    assert key("National Plan of Action against Child Labor", "Policy") == key(
        "National Action Plan against Child Labor", "Policy")
    assert key("National Action Plan for the Elimination of Child Labor", "Policy") == key(
        "National Action Plan on Elimination of Child Labor", "Policy")
    assert key("UN Population Fund", "InternationalOrganization") == key(
        "United Nations Population Fund", "InternationalOrganization")  # a short form spelled out
    assert key("U.S. Embassy") == key("United States Embassy") == key("US Embassy")
    assert key("Unity Fund", "Organization") != key("United Nations Fund", "Organization")
    assert key("Better Schools for All Project", "Program") == key(
        "Better Schools for All", "Program")  # a head word at the end of a long name
    assert key("Child Labor Project", "Program") != key("Child Labor", "Program")  # short
    assert key("Ministry of Interior") != key("Ministry of Justice")
    assert key("Ministry of Interior") != key("Ministry of Interior", "Policy")
    the, bare = (registry.variant_key(n, "GovernmentBody", registry.country) for n in (
        "Ministry of the Interior", "Ministry of Interior"))
    index = AcronymIndex.of([Definition("2016", *bare, label=True),
                             Definition("2017", *the, label=True),
                             Definition("2018", *the, label=True),
                             Definition("2018", *bare, label=False)])
    assert index[bare[0]] == the[0]  # the name most reports' entities are labelled
    assert index.entities() == 1 and not any(iri.startswith(VARIANT) for iri in index)


def test_an_other_name_that_is_no_variant_links_nothing() -> None:
    # "the National Action Plan" resolved to a plan against child labor in one report and to a
    # plan against trafficking in another must not make the two plans one
    registry = EntityRegistry(load_lexicon(), URIRef(ID + "place/niger"))
    labour = registry.variants_of(["National Action Plan against Child Labor",
                                   "National Action Plan", "NAP against Child Labor"],
                                  "Policy", registry.country)
    assert len(labour) == 1
    trafficking = registry.variants_of(["National Action Plan against Trafficking",
                                        "National Action Plan"], "Policy", registry.country)
    index = AcronymIndex.of([Definition("2016", *pair) for pair in labour]
                            + [Definition("2017", *pair) for pair in trafficking])
    assert not index


REPORT = """{year} Findings on the Worst Forms of Child Labor: Niger

In {year}, Niger made a moderate advancement in efforts to eliminate the worst forms of child labor.
{sentence}
"""

SENTENCES = {
    2019: "The Government established the National Committee to Fight Forced Begging (CNLMF) "
          "to coordinate efforts against the worst forms of child labor. The Ministry of Lake "
          "Justice (MLJ) reported no case. The Ministry of Interior arrested 3 traffickers.",
    2020: "The National Committee to Fight Forced Begging met twice during the reporting period. "
          "The Ministry of the Interior trained 40 police officers.",
}
AGENCIES = """
Table 6. Agencies Responsible for Child Labor Law Enforcement

Organization/Agency\tRole
Ministry of Lake Justice and Government Relations\tProsecutes cases. (1)
"""
BY_ACRONYM = URIRef(ID + "org/niger-cnlmf")


def _write(sources: Path, years: list[int]) -> None:
    sources.mkdir(parents=True)
    for year in years:
        stem = f"usdol-findings-{year}-niger"
        (sources / f"{stem}.txt").write_text(
            REPORT.format(year=year, sentence=SENTENCES[year]) + AGENCIES, encoding="utf-8")
        (sources / f"{stem}.meta.toml").write_text(
            f'kind = "usdol-findings"\ncountry = "Niger"\nreporting_year = {year}\n',
            encoding="utf-8")


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """A build of two made-up reports: the first defines a committee's acronym, the second names
    the committee without it."""
    root = tmp_path_factory.mktemp("acronyms")
    _write(root / "sources", [2019, 2020])
    build(root / "sources", root / "ttl", jobs=2)
    return root


def _committee(path: Path) -> set[URIRef]:
    g = Graph().parse(path)
    return {s for s in g.subjects(RDFS.label, None)
            if "forced begging" in str(g.value(s, RDFS.label)).lower()}


def test_a_report_naming_a_body_without_its_acronym_gets_the_acronym_s_iri(reports) -> None:
    assert _committee(reports / "ttl" / "usdol-findings-2019-niger.ttl") == {BY_ACRONYM}
    assert _committee(reports / "ttl" / "usdol-findings-2020-niger.ttl") == {BY_ACRONYM}
    g = Graph().parse(reports / "ttl" / "usdol-findings-2020-niger.ttl")
    assert (BY_ACRONYM, RDFS.label,
            Literal("National Committee to Fight Forced Begging", lang="en")) in g
    assert g.value(BY_ACRONYM, CTIP.acronym) is None  # that report does not give it
    assert (BY_ACRONYM, CTIP.mentionedIn, None) in g


def test_a_renamed_body_s_acronym_is_the_acronym_of_the_body(reports) -> None:
    # a regional report: "Ministry of Justice (MOJ)" after "Ministry of Justice and Government
    # Relations", the body it found for the short name; another report names only the long one
    g = Graph().parse(reports / "ttl" / "usdol-findings-2020-niger.ttl")
    ministry = URIRef(ID + "org/niger-mlj")
    assert (ministry, RDFS.label, Literal("Ministry of Lake Justice and Government Relations",
                                          lang="en")) in g


def test_variants_of_a_name_are_one_iri_across_reports(reports) -> None:
    def ministries(year: int) -> set[URIRef]:
        g = Graph().parse(reports / "ttl" / f"usdol-findings-{year}-niger.ttl")
        return {s for s in g.subjects(RDFS.label, None)
                if "interior" in str(g.value(s, RDFS.label)).lower()}

    # one report each: a tie, the smallest IRI (the second report's is another; a partial
    # build of it, below, must read the first's name from its Turtle)
    assert ministries(2019) == ministries(2020) == {URIRef(ID + "org/niger-ministry-of-interior")}


def test_a_report_converted_alone_keeps_its_own_iri(tmp_path) -> None:
    _write(tmp_path / "sources", [2020])
    build(tmp_path / "sources", tmp_path / "ttl", jobs=1)
    assert _committee(tmp_path / "ttl" / "usdol-findings-2020-niger.ttl") == {
        URIRef(ID + "org/niger-national-committee-to-fight-forced-begging")}


def test_a_partial_build_reads_the_kept_reports_definitions(reports) -> None:
    kept = built_definitions(reports / "ttl" / "usdol-findings-2019-niger.ttl", load_lexicon())
    assert (ID + "org/niger-national-committee-to-fight-forced-begging", str(BY_ACRONYM)) in {
        (d.name_iri, d.acronym_iri) for d in kept}
    before = (reports / "ttl" / "usdol-findings-2020-niger.ttl").read_text(encoding="utf-8")
    build(reports / "sources", reports / "ttl", jobs=1, only=["usdol-findings-2020-niger"])
    after = (reports / "ttl" / "usdol-findings-2020-niger.ttl").read_text(encoding="utf-8")
    assert after == before
