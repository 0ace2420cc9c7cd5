"""Prose patterns on made-up sentences and on sentences of the seeds: funding, implementation,
leadership, partnership, establishment, armed groups, tiers, advancement, TIP narratives."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF

from ctipgraph.extract import extract
from ctipgraph.link.lexicon import load_lexicon
from ctipgraph.namespaces import CTIP, CTIPC, ID
from ctipgraph.segment import load
from ctipgraph.sources import SourceMeta


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def facts(tmp_path: Path, lexicon, text: str, year: int = 2019, country: str = "Mali") -> Graph:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    doc = load(path)
    return extract(doc, lexicon, meta=SourceMeta(country=country, reporting_year=year)).graph


def methods(graph: Graph, s: URIRef, p: URIRef, o) -> set[str]:
    return {
        str(graph.value(c, CTIP.extractionMethod))
        for c in graph.subjects(RDF.subject, s)
        if graph.value(c, RDF.predicate) == p and graph.value(c, RDF.object) == o
    }


XSD = "http://www.w3.org/2001/XMLSchema#"


def gyear(y: int) -> Literal:
    return Literal(str(y), datatype=URIRef(XSD + "gYear"))


def test_funding_and_implementation_in_prose(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "Interviews with the Mali Justice Project (MJP), funded by USAID, confirmed the trainings."
        " The World Bank-funded Safe Schools Program (SSP) is implemented by UNICEF and the IOM.\n"
    ))
    mjp, ssp = ID["program/mali-justice-project"], ID["program/ssp"]
    assert (mjp, CTIP.fundedBy, ID["org/usaid"]) in g
    assert methods(g, mjp, CTIP.fundedBy, ID["org/usaid"]) == {"pattern:funded-by"}
    assert (ssp, CTIP.fundedBy, ID["org/world-bank"]) in g
    assert {o for o in g.objects(ssp, CTIP.implementedBy)} == {ID["org/unicef"], ID["org/iom"]}


def test_leadership_partnership_and_establishment(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "In 2006, Order No. 06-1940/MPFEF-SG established the *Comité national de suivi des "
        "programmes de lutte contre la traite des enfants au Mali* (CNS, National Committee to "
        "Monitor Programs to Combat Trafficking in Children in Mali). "
        "Mali then established the CNCLTPA under the supervision of the Ministry of Justice in "
        "2011. In 2019, the CNCLTPA, in partnership with UNODC and IOM, developed a plan.\n"
    ))
    cns, cncltpa = ID["org/cns"], ID["org/cncltpa"]
    assert (cns, CTIP.establishedBy, ID["law/mali-order-06-1940-mpfef-sg"]) in g
    assert (cns, CTIP.startYear, gyear(2006)) in g
    assert (cncltpa, CTIP.ledBy, ID["org/ministry-of-justice"]) in g
    assert (cncltpa, CTIP.startYear, gyear(2011)) in g
    assert (cncltpa, CTIP.partnerOf, ID["org/unodc"]) in g
    assert (cncltpa, CTIP.partnerOf, ID["org/iom"]) in g
    assert (ID["law/mali-order-06-1940-mpfef-sg"], RDF.type, CTIP.Regulation) in g


def test_armed_groups_recruiting_children(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "Children continued to be forcibly recruited by non-state armed groups, including the "
        "National Movement for the Liberation of Azawad (MNLA) and the Popular Front for Justice "
        "(FPJ). Research found limited evidence of ties between the government and GATIA.\n"
    ))
    soldiering = CTIPC["exploitation/child-soldiering"]
    assert (ID["org/mnla"], CTIP.engagesIn, soldiering) in g
    assert (ID["org/fpj"], CTIP.engagesIn, soldiering) in g  # a new group, by its context
    assert (ID["org/fpj"], RDF.type, CTIP.ArmedGroup) in g
    assert (ID["org/gatia"], CTIP.engagesIn, soldiering) not in g


def test_tier_history_in_one_sentence(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "The U.S. State Department listed Mali in the Tier 3 list in 2017 and upgraded it to the "
        "Tier 2 Watch List in 2018 and to Tier 2 in 2019 but downgraded it back to the Tier 2 "
        "Watch List in 2020, where the country remained in 2021 as well.\n"
    ), year=2021)
    expected = {2017: "tier-3", 2018: "tier-2-watch-list", 2019: "tier-2",
                2020: "tier-2-watch-list", 2021: "tier-2-watch-list"}
    for year, tier in expected.items():
        placement = ID[f"assessment/mali-tier-placement-{year}"]
        assert (placement, RDF.type, CTIP.TierPlacement) in g
        assert list(g.objects(placement, CTIP.tier)) == [CTIPC[f"tier/{tier}"]]
        assert (placement, CTIP.year, gyear(year)) in g
        assert (placement, CTIP.country, ID["place/mali"]) in g


def test_tier_with_waiver_and_consecutive_years(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "Therefore, Mali is placed on Tier 2 Watch List for the third consecutive year. Mali was "
        "granted a waiver from an otherwise required downgrade to Tier 3 because its government "
        "has a written plan.\n"
    ), year=2015)
    for year in (2013, 2014, 2015):
        placement = ID[f"assessment/mali-tier-placement-{year}"]
        assert list(g.objects(placement, CTIP.tier)) == [CTIPC["tier/tier-2-watch-list"]]
    assert (ID["assessment/mali-tier-placement-2015"], CTIP.waiver, Literal(True)) in g


def test_advancement(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "In 2017, Mali made a moderate advancement in efforts to eliminate the worst forms of "
        "child labor.\n"
    ))
    iri = ID["assessment/mali-advancement-2017"]
    assert (iri, CTIP.advancementLevel, CTIPC["advancement/moderate-advancement"]) in g
    assert (iri, CTIP.year, gyear(2017)) in g


def test_tip_narrative_law_penalty_and_figures(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "Law 2012-023 Relating to the Combat against Trafficking in Persons and Similar Practices "
        "prohibits all forms of trafficking of adults and children. The law prescribes penalties "
        "of five to 10 years’ imprisonment, which are sufficiently stringent. The government "
        "investigated one potential trafficking case, which represented a decrease from 13 cases "
        "investigated during the previous reporting period. It did not prosecute or convict any "
        "trafficking offenders during the reporting period. Government officials and NGO "
        "partners identified 48 trafficking victims, compared with 79 during the previous "
        "reporting period.\n"
    ), year=2015)
    law = ID["law/law-2012-023"]
    assert (law, CTIP.penalty, Literal("five to 10 years’ imprisonment")) in g
    assert (law, CTIP.addresses, CTIPC["exploitation/trafficking-in-persons"]) in g
    expected = {("investigations", 2015): 1, ("investigations", 2014): 13,
                ("prosecutions", 2015): 0, ("convictions", 2015): 0,
                ("victims-identified", 2015): 48, ("victims-identified", 2014): 79}
    for (indicator, year), value in expected.items():
        obs = ID[f"observation/mali-{year}-{indicator}-trafficking-in-persons"]
        assert list(g.objects(obs, CTIP.value)) == [Literal(Decimal(value))], obs
        assert (obs, CTIP.indicator, CTIPC[f"indicator/{indicator}"]) in g


def test_suggested_actions_in_one_sentence(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "Increase efforts to investigate trafficking offenses; convene and allocate funds to the "
        "national anti-trafficking committee; and increase efforts to raise public awareness "
        "about trafficking.\n\nRespondents mentioned lapses of funding; slow disbursement; and "
        "lack of understanding of needs.\n"
    ), year=2015)
    recs = set(g.subjects(RDF.type, CTIP.Recommendation))
    rec = ID["recommendation/mali-convene-and-allocate-funds-to-the-national-anti-trafficking-"
             "faa5034f"]  # country, first words, hash of the normalized wording
    assert len(recs) == 3 and rec in recs
    assert (rec, CTIP.text, Literal("Convene and allocate funds to the national "
                                    "anti-trafficking committee.")) in g
    assert (rec, CTIP.yearsSuggested, gyear(2015)) in g


def test_bilateral_agreement_with_date_and_place(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "The cooperation agreement between Mali and Guinea in the fight against child trafficking "
        "signed in 2005 in Conakry. The Multilateral Cooperation Agreement to Combat Child "
        "Trafficking in West Africa, signed on July 27, 2005, in Abidjan, followed.\n"
    ))
    bilateral = ID["agreement/cooperation-agreement-guinea-mali"]
    assert {o for o in g.objects(bilateral, CTIP.country)} == {ID["place/mali"],
                                                               ID["place/guinea"]}
    # the signing is a resource of its own: parties, year, place (not the agreement's start)
    signing = ID["signing/cooperation-agreement-guinea-mali"]
    assert (signing, CTIP.signedAgreement, bilateral) in g
    assert set(g.objects(signing, CTIP.signatory)) == {ID["place/mali"], ID["place/guinea"]}
    assert (signing, CTIP.year, gyear(2005)) in g
    assert (signing, PROV.atLocation, ID["place/conakry"]) in g
    assert (bilateral, CTIP.startYear, gyear(2005)) not in g
    multi = ID["agreement/multilateral-cooperation-agreement-to-combat-child-trafficking-in-west-"
               "africa"]
    signing = ID["signing/multilateral-cooperation-agreement-to-combat-child-trafficking-in-west-"
                 "africa"]
    assert (signing, CTIP.signedAgreement, multi) in g
    assert (signing, CTIP.date, Literal("2005-07-27", datatype=URIRef(XSD + "date"))) in g
    assert (signing, PROV.atLocation, ID["place/abidjan"]) in g


def test_every_claim_quotes_passages_and_cites_what_they_cite(tmp_path, lexicon) -> None:
    text = (
        "Synthetic report\n\nThe Mali Justice Project (MJP), funded by USAID, trains judges. "
        "(1)\n\nREFERENCES\n\n1. USAID. Mali Justice Project. 2019.\n"
    )
    g = facts(tmp_path, lexicon, text)
    claims = [c for c in g.subjects(RDF.type, CTIP.Claim)
              if g.value(c, RDF.predicate) == CTIP.fundedBy]
    assert len(claims) == 1
    refs = set(g.objects(claims[0], URIRef("http://purl.org/spar/cito/citesAsEvidence")))
    assert refs == {ID["doc/report/ref/1"]}
    assert set(g.objects(claims[0], PROV.wasQuotedFrom)) == {ID["doc/report/sentence/2"]}
    assert str(claims[0]).startswith(str(ID["doc/report/claim/"]))
    assert g.value(claims[0], CTIP.inDocument) == ID["doc/report"]


@pytest.mark.parametrize(
    ("heading", "country", "tier"),
    [("Niger (Tier 2 Watch List)", "niger", "tier-2-watch-list"),
     ("SENEGAL: Tier 3", "senegal", "tier-3"),
     ("Mali (Tier 2)", "mali", "tier-2")],
)
def test_tier_in_a_country_narrative_heading(tmp_path, lexicon, heading, country, tier) -> None:
    g = facts(tmp_path, lexicon, (
        f"{heading}\n\nThe country is a source and destination for men, women and children "
        "subjected to forced labor.\n"
    ), year=2002, country=country.title())
    placement = ID[f"assessment/{country}-tier-placement-2002"]
    assert list(g.objects(placement, CTIP.tier)) == [CTIPC[f"tier/{tier}"]]
    assert methods(g, placement, CTIP.tier, CTIPC[f"tier/{tier}"]) == {"pattern:tier-heading"}


def test_a_long_heading_naming_a_tier_is_not_a_placement(tmp_path, lexicon) -> None:
    g = facts(tmp_path, lexicon, (
        "Why Mali stayed on Tier 2 while its neighbours moved: lessons from the field work\n\n"
        "The study explains the placement.\n"
    ), year=2002)
    assert not list(g.subjects(RDF.type, CTIP.TierPlacement))
