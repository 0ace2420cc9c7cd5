"""Parsing values as printed: amounts of money, numbers, years, periods, dates and ages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..cite.numeric import find_numeric_markers
from ..link.lexicon import Lexicon, fold

_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES.split(), 1)}
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
_PERIOD = re.compile(r"(?<!\d)(19\d{2}|20\d{2})\s*[-–—]\s*(19\d{2}|20\d{2})(?!\d)")
_DATE = re.compile(r"(?P<m>[A-Z][a-z]+)\s+(?P<d>\d{1,2}),\s*(?P<y>\d{4})")
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\d])")


@dataclass(frozen=True)
class Amount:
    """An amount of money as stated: value in units of the currency."""

    value: Decimal
    currency: str
    start: int
    end: int


def parse_number(text: str) -> Decimal | None:
    """The first number of a text: "1,216,300" → 1216300, "25.1" → 25.1."""
    m = _NUMBER.search(text)
    if not m:
        return None
    whole = m.group(1).replace(",", "")
    return Decimal(f"{whole}.{m.group(2)}") if m.group(2) else Decimal(whole)


def _money_re(lexicon: Lexicon) -> tuple[re.Pattern[str], dict[str, str], dict[str, int]]:
    money = lexicon.section("money")
    symbols = {fold(k): v for k, v in money.get("symbols", {}).items()}
    scales = {fold(k): int(v) for k, v in money.get("scales", {}).items()}
    sym = "|".join(re.escape(s) for s in sorted(symbols, key=len, reverse=True))
    scale = "|".join(re.escape(s) for s in sorted(scales, key=len, reverse=True))
    num = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    pattern = re.compile(
        rf"(?:\\?(?P<pre>{sym})\s?(?P<n1>{num})(?:\s*(?P<s1>{scale})\b)?)"
        rf"|(?:(?<![\w.])(?P<n2>{num})(?:\s*(?P<s2>{scale})\b)?\s+(?P<post>{sym})(?!\w))",
        re.IGNORECASE,
    )
    return pattern, symbols, scales


def amounts(text: str, lexicon: Lexicon) -> list[Amount]:
    """Every amount of money in a text ("$6.8 million" → 6800000 USD, "USD 802,455")."""
    pattern, symbols, scales = _money_re(lexicon)
    found = []
    for m in pattern.finditer(fold(text, lower=False)):
        cur = m.group("pre") or m.group("post")
        num = (m.group("n1") or m.group("n2")).replace(",", "")
        scale = m.group("s1") or m.group("s2")
        value = Decimal(num) * (scales[scale.lower()] if scale else 1)
        value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
        found.append(Amount(value, symbols[cur.lower()], m.start(), m.end()))
    return found


def years(text: str) -> list[tuple[int, int, int]]:
    """(year, start, end) of every year in a text."""
    return [(int(m.group()), m.start(), m.end()) for m in _YEAR.finditer(text)]


def period(text: str) -> tuple[int, int] | None:
    """The first "2011–2017" period of a text."""
    m = _PERIOD.search(fold(text, lower=False))
    if not m:
        return None
    start, end = int(m.group(1)), int(m.group(2))
    return (start, end) if start <= end else None


def period_span(text: str) -> tuple[int, int] | None:
    m = _PERIOD.search(fold(text, lower=False))
    return (m.start(), m.end()) if m else None


def year_range(text: str) -> list[int]:
    """ "2009 – 2017" → 2009…2017; "2017" → [2017]."""
    p = period(text)
    if p:
        return list(range(p[0], p[1] + 1))
    return [y for y, _, _ in years(text)][:1]


def dates(text: str) -> list[tuple[str, int, int]]:
    """(ISO date, start, end) of "August 20, 2003"-style dates."""
    found = []
    for m in _DATE.finditer(text):
        month = MONTHS.get(m.group("m").lower())
        if month:
            iso = f"{m.group('y')}-{month:02d}-{int(m.group('d')):02d}"
            found.append((iso, m.start(), m.end()))
    return found


def age(text: str) -> int | None:
    m = re.match(r"\s*(\d{1,2})(?!\d)", text)
    return int(m.group(1)) if m else None


def age_range(text: str) -> tuple[int, int] | None:
    m = re.search(r"(\d{1,2})\s*(?:to|-|–)\s*(\d{1,2})", text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def strip_citations(text: str) -> str:
    """A cell or sentence without its trailing citation markers, in any of the series' forms
    ("(57; 32; 58)", "(2, 4-6, 16, 19-21)", "(1-4,8)"; cite.numeric), and not a year, an
    amount or an age in parentheses ("… in Mali (2015)")."""
    text = " ".join(text.split())
    while True:
        tail = text.rstrip(" .")
        markers = [m for m in find_numeric_markers(tail) if m.end == len(tail)]
        if not markers or markers[-1].skip_reason is not None:
            return text.strip()
        text = tail[:markers[-1].start]


def clean_name(text: str) -> str:
    """A name cell without markers (*, †, ‡), citations or a trailing period."""
    text = strip_citations(text)
    text = re.sub(r"[*†‡§]+|\[[†‡*]\]", "", text)
    return " ".join(text.split()).strip(" .,;")
