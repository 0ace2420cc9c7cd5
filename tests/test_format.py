"""Values and titles for people (serve/humanize.py): numbers, amounts, dates, year ranges, and
titles of resources the data names by their parts."""

from __future__ import annotations

from ctipgraph.serve.humanize import (
    CTIP,
    XSD,
    compose_title,
    display_literal,
    format_amount,
    format_date,
    format_number,
    year_range,
    years,
)


def test_numbers_and_amounts() -> None:
    assert format_number("13000000") == "13,000,000"
    assert format_number("20.50") == "20.5"
    assert format_number("abc") == "abc"
    assert format_amount("13000000", "USD") == "USD 13,000,000"
    assert format_amount("802455") == "802,455"
    assert format_amount(None, "USD") == ""


def test_dates_and_years() -> None:
    assert year_range("2010", "2017") == "2010–2017"
    assert year_range("2010", "2010") == "2010"
    assert year_range("2010", None) == "from 2010"
    assert year_range(None, None) == ""
    assert years(["2013", "2014", "2015", "2018"]) == "2013–2015, 2018"
    assert format_date("2003-08-20") == "20 August 2003"
    assert format_date("2022-09") == "September 2022"
    assert format_date("not a date") == "not a date"


def test_literals_keep_their_raw_value_apart() -> None:
    assert display_literal("3000000", XSD + "decimal") == "3,000,000"
    assert display_literal("2010", XSD + "gYear") is None  # a year reads as written
    assert display_literal("true", XSD + "boolean") == "yes"
    assert display_literal("12", XSD + "integer") is None  # nothing to change
    assert display_literal("x", None) is None


def test_composed_titles() -> None:
    names = {"eu": "European Union", "glo": "GLO.ACT", "mali": "Mali",
             "t2": "Tier 2 Watch List", "ind": "Working children"}.get
    funding = compose_title({CTIP + "Funding"}, {
        "funder": ["eu"], "fundedItem": ["glo"], "amount": ["13000000"], "currency": ["USD"],
        "startYear": ["2017"], "endYear": ["2017"]}, names)
    assert funding == "European Union → GLO.ACT: USD 13,000,000 (2017)"
    assert compose_title({CTIP + "Funding"}, {"fundedItem": ["glo"], "startYear": ["2010"],
                                              "endYear": ["2017"]}, names) \
        == "(funder not stated) → GLO.ACT (2010–2017)"
    assert compose_title({CTIP + "TierPlacement"}, {"country": ["mali"], "tier": ["t2"],
                                                    "year": ["2015"]}, names) \
        == "Mali: Tier 2 Watch List (2015)"
    assert compose_title({CTIP + "Observation"}, {
        "country": ["mali"], "indicator": ["ind"], "year": ["2005"], "value": ["1700782"],
        "unit": ["children"]}, names) == "Mali: Working children, 2005: 1,700,782 children"
    assert compose_title({CTIP + "Person"}, {}, names) is None


def test_claims_and_citations_titled() -> None:
    names = {"http://x/mali": "Mali", "http://x/country": "country", "http://x/ref": "IOM 2005",
             "http://x/doc": "Report"}.get
    assert compose_title({CTIP + "Claim"}, {"subject": ["http://x/mali"],
                                            "predicate": ["http://x/country"],
                                            "object": ["13000000"]}, names) \
        == "Claim: Mali — country → 13,000,000"
    assert compose_title({CTIP + "InTextCitation"}, {
        "markerText": ["(IOM, 2005)"], "denotes": ["http://x/ref"], "inDocument": ["http://x/doc"]},
        names) == "Citation (IOM, 2005) of IOM 2005 in Report"
