"""Parsing values as printed: money, periods, dates, ages, citations."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ctipgraph.extract.values import (
    age,
    age_range,
    amounts,
    clean_name,
    dates,
    parse_number,
    period,
    strip_citations,
    year_range,
)
from ctipgraph.link.lexicon import load_lexicon


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("$6.8 million Government of Brazil-funded project", Decimal(6800000), "USD"),
        ("\\$13 million EU-funded global project", Decimal(13000000), "USD"),
        ("received a budget of \\$53,957 to conduct activities", Decimal(53957), "USD"),
        ("FY 2003: USD 3,000,000", Decimal(3000000), "USD"),
        ("Matching Funds: USD 802,455", Decimal(802455), "USD"),
        ("a grant of 2.5 million euros", Decimal(2500000), "EUR"),
        ("a budget of 150 million CFA francs", Decimal(150000000), "XOF"),
        ("€400,000 for shelters", Decimal(400000), "EUR"),
    ],
)
def test_amounts_keep_the_stated_currency(lexicon, text, value, currency) -> None:
    found = amounts(text, lexicon)
    assert [(a.value, a.currency) for a in found] == [(value, currency)]


def test_no_amount_in_plain_numbers(lexicon) -> None:
    assert amounts("The project prevented 6,024 children from trafficking in 2005.", lexicon) == []


def test_periods_dates_and_year_ranges() -> None:
    assert period("Global Action Program on Child Labor Issues (2011–2017)") == (2011, 2017)
    assert period("no period here (2017)") is None
    assert year_range("2009 – 2017") == list(range(2009, 2018))
    assert year_range("2017") == [2017]
    assert [d for d, _, _ in dates("August 20, 2003–December 31, 2007")] == [
        "2003-08-20", "2007-12-31"]


def test_numbers_ages_and_markers() -> None:
    assert parse_number("25.1 (1,216,300)") == Decimal("25.1")
    assert parse_number("1,216,300") == Decimal(1216300)
    assert age("15‡") == 15 and age("") is None
    assert age_range("5 to 14") == (5, 14)
    assert strip_citations("Enforce labor laws. (57; 32; 58)") == "Enforce labor laws."


def test_trailing_citations_in_every_form_of_the_series_and_what_only_looks_like_one() -> None:
    # the later reports' commas and ranges, glued or not, several markers, a final period
    assert strip_citations("Begging (2, 16, 24)") == "Begging"
    assert strip_citations("Forced begging by Koranic teachers (1-4,8)") == (
        "Forced begging by Koranic teachers")
    assert strip_citations("Gold mining, including crushing ore (2, 4–6, 16, 19-21).") == (
        "Gold mining, including crushing ore")
    assert strip_citations("Comprises seven members.(96, 97) (98)") == "Comprises seven members."
    assert strip_citations("Comprises seven members.(96, 97) Reduces it.(98)") == (
        "Comprises seven members.(96, 97) Reduces it.")  # only what ends the text
    # a year, an amount or an age in parentheses is no citation
    assert strip_citations("Agreement for Peace and Reconciliation in Mali (2015)") == (
        "Agreement for Peace and Reconciliation in Mali (2015)")
    assert strip_citations("Working children (1,216,300)") == "Working children (1,216,300)"
    assert strip_citations("Children under age (15)") == "Children under age (15)"
    assert clean_name("Raising livestock, including oxen, and small ruminants, (1, 12, 13)") == (
        "Raising livestock, including oxen, and small ruminants")
    assert clean_name("Global Action Against Trafficking (GLO ACT)*") == (
        "Global Action Against Trafficking (GLO ACT)")
