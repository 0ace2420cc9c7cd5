"""One suggested action through a country's series of reports is one IRI (extract.series), and a
build gives every report that suggests it that IRI."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from ctipgraph.build import build
from ctipgraph.extract.series import Action, SeriesIndex, action_key, built_actions, local_slug
from ctipgraph.namespaces import CTIP, CTIPC


def act(year: int, text: str, area: str = "enforcement", first: int = 2012,
        country: str = "niger") -> Action:
    return Action(f"findings-{year}-{country}", year, country, text, area, first)


def series(*actions: Action) -> dict[Action, str]:
    index = SeriesIndex.of(actions)
    return {a: index.slug(a.doc, a.country, a.text) for a in actions}


def test_key_ignores_case_punctuation_small_words_and_lost_ligatures() -> None:
    assert action_key("Increase eforts to ensure the ILO’s advice.") == \
        action_key("increase efforts to ensure ILO's advice")


def test_local_slug_is_country_first_words_and_a_hash() -> None:
    slug = local_slug("niger", "Raise the minimum age for work to 15.")
    assert slug.startswith("niger-raise-the-minimum-age-for-work-to-15-")
    assert slug != local_slug("chad", "Raise the minimum age for work to 15.")


def test_a_reworded_action_continues_the_earlier_one() -> None:
    a = act(2019, "Clarify roles for coordinating mechanisms combating child labor and improve "
                  "coordination among relevant agencies.", "coordination", 2010)
    b = act(2020, "Clarify roles for coordinating mechanisms addressing child labor, and improve "
                  "coordination among relevant agencies.", "coordination", 2010)
    slugs = series(a, b)
    assert slugs[a] == slugs[b] == a.slug  # the earliest wording names the action


def test_usdol_year_range_links_a_rewording_of_the_same_area() -> None:
    a = act(2016, "Ensure that the CNLTE has appropriate funding to implement the National Plan "
                  "to Combat Child Labor.", "coordination", 2012)
    b = act(2017, "Ensure that the CNLTE has sufficient resources to coordinate efforts to "
                  "address child labor.", "coordination", 2012)
    other_start = act(2017, b.text, "coordination", 2017, country="chad")
    slugs = series(a, b, other_start)
    assert slugs[a] == slugs[b]
    assert slugs[other_start] == other_start.slug  # another country is another series


def test_different_actions_of_one_area_stay_apart_and_each_continues_once() -> None:
    funding = act(2019, "Increase labor inspectorate funding and resources, including equipment.")
    number = act(2019, "Significantly increase the number of labor inspectors to meet the ILO's "
                       "technical advice.")
    funding2 = act(2020, "Increase labor inspectorate funding and resources, including "
                         "equipment.")
    number2 = act(2020, "Significantly increase the number of labor inspectors to meet the ILO "
                        "technical advice.")
    slugs = series(funding, number, funding2, number2)
    assert slugs[funding] == slugs[funding2] != slugs[number] == slugs[number2]


def test_an_unrelated_action_of_the_same_start_year_is_not_merged() -> None:
    a = act(2020, "Ensure that children are identified and removed from worksites.", first=2020)
    b = act(2021, "Collect child labor statistics regularly, and create a database.", first=2020)
    slugs = series(a, b)
    assert slugs[a] != slugs[b]


def test_without_the_series_an_action_keeps_its_local_slug() -> None:
    index = SeriesIndex.of([])
    assert index.slug("doc", "mali", "Criminally prohibit hereditary slavery.") == \
        local_slug("mali", "Criminally prohibit hereditary slavery.")


FINDINGS = """{year} Findings on the Worst Forms of Child Labor: Niger

In {year}, Niger made a minimal advancement in efforts to eliminate the worst forms of child labor.

Table 10. Suggested Government Actions to Eliminate Child Labor

Area\tSuggested Action\tYear(s) Suggested
Coordination\t{action}\t2012 – {year}
Enforcement\tPublish information on labor inspections.\t{year}
"""


@pytest.fixture(scope="module")
def two_years(tmp_path_factory) -> Path:
    """A build of two years of a made-up series whose coordination action is reworded."""
    root = tmp_path_factory.mktemp("series")
    sources = root / "sources"
    sources.mkdir()
    wording = {2019: "Ensure that the steering committee has appropriate funding to meet.",
               2020: "Ensure that the steering committee has sufficient resources to meet "
                     "regularly."}
    for year, action in wording.items():
        stem = f"usdol-findings-{year}-niger"
        (sources / f"{stem}.txt").write_text(FINDINGS.format(year=year, action=action),
                                             encoding="utf-8")
        (sources / f"{stem}.meta.toml").write_text(
            f'kind = "usdol-findings"\ncountry = "Niger"\nreporting_year = {year}\n',
            encoding="utf-8")
    build(sources, root / "ttl", jobs=1)
    return root


def _recommendations(path: Path) -> dict[str, str]:
    g = Graph().parse(path)
    return {str(g.value(r, CTIP.area)).rsplit("/", 1)[-1]: str(r)
            for r in g.subjects(RDF.type, CTIP.Recommendation)}


def test_build_gives_a_reworded_action_one_iri_claimed_by_both_reports(two_years) -> None:
    first = _recommendations(two_years / "ttl" / "usdol-findings-2019-niger.ttl")
    second = _recommendations(two_years / "ttl" / "usdol-findings-2020-niger.ttl")
    assert first["coordination"] == second["coordination"]
    assert first["enforcement"] == second["enforcement"]
    g = Graph().parse(two_years / "ttl" / "usdol-findings-2020-niger.ttl")
    rec = next(r for r in g.subjects(CTIP.area, CTIPC["area/coordination"]))
    assert (rec, CTIP.text, Literal("Ensure that the steering committee has sufficient "
                                    "resources to meet regularly.")) in g  # its own words


def test_partial_build_keeps_the_series_identity(two_years) -> None:
    before = (two_years / "ttl" / "usdol-findings-2020-niger.ttl").read_text(encoding="utf-8")
    build(two_years / "sources", two_years / "ttl", jobs=1, only=["usdol-findings-2020-niger"])
    after = (two_years / "ttl" / "usdol-findings-2020-niger.ttl").read_text(encoding="utf-8")
    assert after == before
    kept = built_actions(two_years / "ttl" / "usdol-findings-2019-niger.ttl")
    assert {(a.year, a.country, a.area, a.first) for a in kept} == {
        (2019, "niger", "coordination", 2012), (2019, "niger", "enforcement", 2019)}
