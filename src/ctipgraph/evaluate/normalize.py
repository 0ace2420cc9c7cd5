"""Reading values as the official record and the graph write them, so that they compare.

Numbers ("$71,942" → 71942), shares (0.251 and a percent of 25.1 are one value), age ranges
("5-14", "5 to 14"), years ("2009 – 2017" → every year from 2009 to 2017), answers
(Yes / No / Unknown / N/A, with footnote marks) and suggested-action wording.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from ..iris import slugify
from ..link.lexicon import fold

YES, NO, UNKNOWN, NA = "yes", "no", "unknown", "n/a"

_MARKS = " \t*†‡§¶"
_ANSWERS = {
    "yes": YES, "y": YES, "true": YES, "✓": YES,
    "no": NO, "n": NO, "false": NO, "✗": NO,
    "unknown": UNKNOWN, "unavailable": UNKNOWN, "not available": UNKNOWN,
    "n/a": NA, "na": NA, "not applicable": NA,
}
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?!\d)")
_AGES = re.compile(r"(?<!\d)(\d{1,2})\s*(?:-|–|—|to|through)\s*(\d{1,2})(?!\d)")
_YEAR = r"(?:19|20)\d{2}"
_YEAR_SPAN = re.compile(rf"(?<!\d)({_YEAR})(?:\s*(?:-|–|—|to)\s*({_YEAR}))?(?!\d)")
_SPACE = re.compile(r"\s+")
_SCALES = {"thousand": Decimal(1000), "million": Decimal(10) ** 6, "billion": Decimal(10) ** 9}


def answer(text: str | None) -> str | None:
    """Yes/No/Unknown/N/A of a record or table cell ("Yes*", "Not Applicable", "N/A*")."""
    if text is None:
        return None
    word = _SPACE.sub(" ", fold(text).strip(_MARKS)).strip(_MARKS + ".")
    return _ANSWERS.get(word)


def number(text: str | None) -> Decimal | None:
    """The number a cell holds: "$71,942" → 71942, "0.251" → 0.251, "$1.2 Million" →
    1200000; None for words ("Unknown")."""
    if text is None:
        return None
    folded = fold(text).replace("usd", "")
    m = _NUMBER.search(folded)
    rest = re.sub(r"\b(?:thousand|million|billion)\b", "", folded)
    if not m or re.search(r"[a-z]{3,}", rest):
        return None
    whole = m.group(1).replace(",", "")
    try:
        value = Decimal(f"{whole}.{m.group(2)}") if m.group(2) else Decimal(whole)
    except InvalidOperation:
        return None
    scale = re.search(r"\b(thousand|million|billion)\b", folded)
    return value * _SCALES[scale.group(1)] if scale else value


def share(value: Decimal, unit: str | None) -> Decimal:
    """A proportion as a fraction of one: a value in percent is divided by 100."""
    return value / 100 if unit and "percent" in unit.lower() else value


def same_number(a: Decimal, b: Decimal) -> bool:
    """Equal numbers, up to the printing of trailing zeros (25.10 = 25.1)."""
    return abs(a - b) < Decimal("0.0000001")


def ages(text: str | None) -> tuple[int, int] | None:
    """An age range: "5-14", "5 to 14", "Ages 5–14" → (5, 14)."""
    if not text:
        return None
    m = _AGES.search(fold(text))
    return (int(m.group(1)), int(m.group(2))) if m else None


def years(text: str | None) -> list[int]:
    """Every year a text names, spans expanded: "2009 – 2013, 2016" → 2009…2013, 2016."""
    found: list[int] = []
    for m in _YEAR_SPAN.finditer(fold(text or "")):
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) else first
        found += [y for y in range(first, max(first, last) + 1) if y not in found]
    return sorted(found)


def action_text(text: str) -> str:
    """Suggested-action wording for comparison: folded quotes and dashes, one space, lower case,
    no trailing period."""
    text = unicodedata.normalize("NFKC", text)
    return _SPACE.sub(" ", fold(text)).strip().rstrip(".").strip()


def words(text: str) -> str:
    """A text as lower-case words separated by single spaces (for containment tests)."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def name_slug(text: str) -> str:
    """The slug of a country or level name, a leading article dropped ("The Gambia")."""
    slug = slugify(text)
    return slug[4:] if slug.startswith("the-") else slug
