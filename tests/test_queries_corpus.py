"""The competency queries answer on the real, built graph (data/ttl/ + lexicon + ontology): each
test pins facts a reader can check in the source documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctipgraph.paths import LEXICON_DIR, ONTOLOGY, QUERIES_DIR, TTL_DIR
from ctipgraph.store import GraphStore
from ctipgraph.store.derive import derive

ID = "https://w3id.org/ctipgraph/id/"


@pytest.fixture(scope="module")
def store() -> GraphStore:
    files = [*sorted(TTL_DIR.glob("*.ttl")), ONTOLOGY, *sorted(LEXICON_DIR.glob("*.ttl"))]
    store = GraphStore.from_files([(Path(f), None) for f in files])
    derive(store.store)  # as in the project store: queries 08 and 09 read the derived facts
    return store


def rows(store: GraphStore, prefix: str) -> list[dict[str, str | None]]:
    [path] = sorted(QUERIES_DIR.glob(f"{prefix}-*.rq"))
    solutions = store.query(path.read_text(encoding="utf-8"))
    names = [v.value for v in solutions.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in solutions]


def short(iri: str | None) -> str | None:
    return iri[len(ID):] if iri and iri.startswith(ID) else iri


def test_01_programs_with_funders_amounts_and_periods(store: GraphStore) -> None:
    found = {(short(r["program"]), short(r["funder"]), r["fundingKind"], r["amount"],
              r["currency"], r["startYear"], r["endYear"]) for r in rows(store, "01")}
    assert ("program/glo-act", "org/european-union", "funding", "13000000", "USD", None,
            None) in found
    assert ("program/a-better-future-for-malis-children", "org/usdol", "funding", "3000000",
            "USD", "2003", "2007") in found
    # who provides the matching funds the summary does not say: no funder
    assert ("program/a-better-future-for-malis-children", None, "matching", "802455",
            "USD", "2003", "2007") in found
    brazil = {f[3:] for f in found if f[1] == "org/government-of-brazil"}
    # the 2016 report says $6.2 million, the 2017 report $6.8 million: both stated, both listed
    assert brazil == {("6200000", "USD", "2015", "2019"), ("6800000", "USD", "2015", "2019")}
    glo_act = next(r for r in rows(store, "01") if short(r["program"]) == "program/glo-act")
    implementers = set((glo_act["implementers"] or "").split(" | "))
    assert {"United Nations Office on Drugs and Crime",
            "International Organization for Migration"} <= implementers


def test_02_funders_and_totals(store: GraphStore) -> None:
    totals = {(short(r["funder"]), r["currency"]): r["totalAmount"] for r in rows(store, "02")}
    assert totals[("org/european-union", "USD")] == "13000000"
    # an amount stated as the joint funding of two funders is not split: a row of its own
    joint = {r["funderLabel"]: r["totalAmount"] for r in rows(store, "02") if r["funder"] is None}
    assert joint["European Union + Food and Agriculture Organization of the United Nations "
                 "(jointly)"] == "8500000"
    # one funding stated as $6.2 million (2016) and $6.8 million (2017): the latest, once; and
    # the South-South Project on Decent Work, "funded by Brazil ($400,000)" (2020 and 2021)
    assert totals[("org/government-of-brazil", "USD")] == str(6_800_000 + 400_000)
    assert ("org/care-mali", "USD") not in totals  # matching funds: the summary names no funder
    # amounts whose funder no document states: the $25 million of the DDR program, the matching
    # funds of the project summary, …
    unstated = next(r for r in rows(store, "02") if r["funderLabel"] == "(funder not stated)")
    assert unstated["funder"] is None and unstated["currency"] == "USD"
    assert float(unstated["totalAmount"]) >= 25_000_000 + 802_455
    assert totals[("org/usdol", "USD")] == "3000000"


def test_03_standards_that_do_not_meet_international_standards(store: GraphStore) -> None:
    report = "doc/usdol-findings-2017-mali"
    found = {(r["standard"], r["instrumentLabel"]) for r in rows(store, "03")
             if report in {short(d) for d in (r["documents"] or "").split(" | ")}}
    assert ("Prohibition of Military Recruitment: Non-state",
            "Article 32 of the Penal Code") in found
    assert ("Prohibition of Using Children in Illicit Activities",
            "Article 193 of the Penal Code") in found
    # Table 4 of the 2017 report: the only two standards marked "No"
    assert {standard for standard, _ in found} == {
        "Prohibition of Military Recruitment: Non-state",
        "Prohibition of Using Children in Illicit Activities"}
    earlier = {r["standard"] for r in rows(store, "03")
               if "doc/usdol-findings-2016-mali" in (short(r["documents"]) or "")}
    assert "Minimum Age for Work" in earlier  # 14 until the 2017 amendment raised it to 15


def test_04_armed_groups_recruiting_children(store: GraphStore) -> None:
    found = {(r["acronyms"], short(r["document"]), r["reportingYear"]) for r in rows(store, "04")}
    assert {a for a, _, _ in found} >= {"MNLA", "CMA", "HCUA", "MAA", "GATIA", "AQIM"}
    assert ("GATIA", "doc/usdol-findings-2017-mali", "2017") in found
    assert ("AQIM", "doc/usdol-findings-2013-mali", "2013") in found
    assert all(document.endswith(f"{year}-mali") for _, document, year in found)


def test_05_tier_by_year_and_document(store: GraphStore) -> None:
    found = {(r["year"], short(r["tier"]), short(r["document"])) for r in rows(store, "05")}
    assert ("2002", "concept/tier/tier-2", "doc/tip-report-2002-mali") in found
    assert ("2015", "concept/tier/tier-2-watch-list", "doc/tip-report-2015-mali") in found
    assert ("2017", "concept/tier/tier-3", "doc/usaid-ctip-research-2021-mali") in found
    assert ("2018", "concept/tier/tier-2-watch-list", "doc/usaid-ctip-research-2021-mali") in found
    assert ("2019", "concept/tier/tier-2", "doc/usaid-ctip-research-2021-mali") in found


def test_06_coordinating_bodies_leaders_and_budgets(store: GraphStore) -> None:
    found = {(short(r["body"]), short(r["leader"]), r["amount"], r["currency"], r["year"])
             for r in rows(store, "06")}
    assert ("org/cncltpa", "org/ministry-of-justice", "381000", "USD", "2017") in found
    assert ("org/cnlte", "org/ministry-of-labor", "53957", "USD", "2017") in found
    assert ("org/cnlte", "org/ministry-of-labor", "70000", "USD", "2018") in found


def test_07_the_evidence_of_one_fact(store: GraphStore) -> None:
    found = rows(store, "07")
    assert found
    text = {short(r["document"]): (TTL_DIR / f"{short(r['document'])[4:]}.txt").read_text(
        encoding="utf-8") for r in found}
    for r in found:
        assert r["exact"] in text[short(r["document"])]
    keys = {r["referenceKey"] for r in found if r["referenceKey"]}
    assert {"1", "2", "67"} <= keys  # the Decree 2011-036 entry is cited for the committee


def test_08_facts_two_documents_agree_on(store: GraphStore) -> None:
    found = {(r["status"], short(r["subject"]), short(r["object"])) for r in rows(store, "08")}
    assert ("agree", "org/cncltpa", "org/ministry-of-justice") in found


def test_09_most_cited_references(store: GraphStore) -> None:
    found = rows(store, "09")
    references = [r for r in found if r["kind"] == "reference"]
    counts = [int(r["citations"]) for r in references]
    assert counts == sorted(counts, reverse=True)
    in_2017 = [r for r in references if short(r["document"]) == "doc/usdol-findings-2017-mali"]
    assert short(in_2017[0]["reference"]) == "doc/usdol-findings-2017-mali/ref/1"


def test_10_suggested_actions_that_recur(store: GraphStore) -> None:
    found = {r["text"][:39]: int(r["yearCount"]) for r in rows(store, "10")}
    # suggested 2009–2021: one action through the series of reports, however reworded
    assert found["Criminally prohibit the use, procuremen"] == 13
    assert all(count >= 2 for count in found.values())


def test_11_every_mention_of_glo_act(store: GraphStore) -> None:
    found = rows(store, "11")
    documents = {short(r["document"]) for r in found}
    assert documents == {"doc/usaid-ctip-research-2021-mali",
                         *(f"doc/usdol-findings-{year}-mali" for year in range(2017, 2022))}
    assert any(r["namesUsed"] == "GLO.ACT" for r in found)


def test_12_working_children_by_year(store: GraphStore) -> None:
    found = {(r["year"], r["value"], r["unit"], r["ageMin"], r["ageMax"], r["references"])
             for r in rows(store, "12")}
    assert ("2013", "25.1", "percent", "5", "14", "10") in found
    assert ("2013", "1216300", "children", "5", "14", "10") in found
