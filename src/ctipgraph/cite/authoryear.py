"""Author-year citations and their resolution against the bibliography.

Parenthetical "(Hilson, 2008)", "(Tjaden & Dunsch, 2020)", "(Obi, Bartolini, & D'Haese, 2019)",
"(Spangaro et al., 2013)", "(NORC at the University of Chicago, 2020b)", several separated by
";"; narrative "Hilson (2008)"; "A 2018 study (Dillon, Porreca & Rosati)". Names are compared with
rapidfuzz after folding accents and case, so one-letter and accent differences still resolve.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ..read.model import BibEntry

_YEAR = r"(?:19|20)\d{2}[a-zA-Z]?"
PAREN = re.compile(r"\((?P<body>[^()]{2,400})\)")
_PREFIX = r"(?:(?:e\.g\.|i\.e\.|see also|see|cf\.|as cited in|quoted in|in)\s*,?\s*)?"
SEGMENT = re.compile(
    rf"^\s*{_PREFIX}(?P<names>[A-Z\u00C0-\u024F][^;()]*?)\s*,?\s+"
    rf"(?P<years>{_YEAR}(?:\s*,\s*{_YEAR})*)(?:\s*,\s*(?:pp?\.|p)\s*[\d–-]+)?\s*$"
)
BARE_YEAR = re.compile(rf"\((?P<year>{_YEAR})\)")
YEAR_NOUN = re.compile(
    rf"\b(?P<year>{_YEAR})\s+(?:study|report|paper|article|review|evaluation|survey|analysis|"
    r"assessment|meta-analysis|trial)\s+\((?P<names>[A-Z\u00C0-\u024F][^()\d]{1,150})\)"
)
_YEAR_PARTS = re.compile(r"^(?P<y>(?:19|20)\d{2})(?P<s>[a-zA-Z]?)$")
_WORD_BEFORE = re.compile(r"[A-Z\u00C0-\u024F][\w’'\-.]*|[a-z][\w’'\-]*|&")
THRESHOLD = 85.0


@dataclass
class Match:
    entry: BibEntry | None
    score: float
    reason: str | None = None  # why nothing was matched
    alternatives: list[BibEntry] = field(default_factory=list)


def fold(s: str) -> str:
    """Accents, case, leading "The", punctuation and spacing folded away."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = s.replace("ø", "o").replace("æ", "ae").replace("ß", "ss").replace("’", "'")
    s = re.sub(r"^the\s+", "", s.strip())
    s = re.sub(r"[^\w\s]", " ", s)
    return " ".join(s.split())


def split_names(names: str) -> tuple[list[str], bool]:
    """ "Obi, Bartolini, & D'Haese" -> (["Obi", "Bartolini", "D'Haese"], False)."""
    et_al = bool(re.search(r"\bet\s+al\b\.?", names))
    work = re.sub(r"\s*,?\s*\bet\s+al\b\.?", "", names).strip().rstrip(",")
    parts = [p.strip() for p in re.split(r"\s*,\s*(?:&\s*|and\s+)?|\s+&\s+|\s+and\s+", work)]
    return [p for p in parts if p], et_al


def split_year(year: str) -> tuple[str, str]:
    m = _YEAR_PARTS.match(year)
    return (m.group("y"), m.group("s")) if m else (year, "")


def similarity(a: str, b: str) -> float:
    """0–100 similarity of two folded names; one edit in a name of 4+ letters scores 90."""
    score = fuzz.ratio(a, b)
    if min(len(a), len(b)) >= 4 and Levenshtein.distance(a, b) <= 1:
        score = max(score, 90.0)
    return score


def _name_score(names: str, entry: BibEntry) -> float:
    parts, et_al = split_names(names)
    if not parts:
        return 0.0
    whole = similarity(fold(re.sub(r"\bet\s+al\b\.?", "", names)), fold(entry.creator or ""))
    surnames = [fold(s) for s in entry.surnames] or [fold(entry.creator or "")]
    first = similarity(fold(parts[0]), surnames[0])
    n = min(len(parts), len(surnames))
    others = [similarity(fold(parts[i]), surnames[i]) for i in range(1, n)]
    score = first * 0.6 + (sum(others) / len(others)) * 0.4 if others else first
    if et_al:
        if len(surnames) < 3 and not entry.et_al:
            score -= 15
    elif len(parts) != len(surnames):
        score -= 15 * min(2, abs(len(parts) - len(surnames)))
    return max(whole, score)


def match_reference(names: str, year: str, entries: list[BibEntry]) -> Match:
    """The bibliography entry denoted by these printed names and year, or why there is none."""
    y, suffix = split_year(year)
    scored: list[tuple[float, BibEntry]] = []
    for e in entries:
        if e.year != y:
            continue
        s = _name_score(names, e)
        if suffix and e.year_suffix.lower() != suffix.lower():
            s -= 10 if not e.year_suffix else 30
        elif not suffix and e.year_suffix:
            s -= 3
        scored.append((s, e))
    scored.sort(key=lambda t: -t[0])
    good = [t for t in scored if t[0] >= THRESHOLD]
    if not good:
        other_years = sorted(
            {e.year_key or "" for e in entries if _name_score(names, e) >= THRESHOLD}
        )
        if other_years:
            reason = f"no {year} entry for {names} (bibliography has {', '.join(other_years)})"
        else:
            reason = f"no bibliography entry for {names}, {year}"
        best = scored[0] if scored else (0.0, None)
        return Match(None, best[0], reason)
    if len(good) > 1 and good[0][0] - good[1][0] < 3 and good[0][1].key != good[1][1].key:
        keys = " or ".join(e.key for _, e in good[:3])
        return Match(None, good[0][0], f"ambiguous: {keys}", [e for _, e in good[:3]])
    return Match(good[0][1], good[0][0])


@dataclass
class AuthorYearItem:
    """One cited work inside a marker."""

    names: str
    year: str
    start: int  # span of this item (names and year) inside the text
    end: int


@dataclass
class AuthorYearMarker:
    text: str
    start: int
    end: int
    items: list[AuthorYearItem]
    narrative: bool = False


def find_parenthetical(text: str, start: int, end: int) -> list[AuthorYearMarker]:
    """ "(A, 2001; B & C, 2002a)" markers in ``text[start:end]``."""
    out: list[AuthorYearMarker] = []
    for m in PAREN.finditer(text, start, end):
        body_start = m.start("body")
        items: list[AuthorYearItem] = []
        pos = body_start
        for seg in m.group("body").split(";"):
            sm = SEGMENT.match(seg)
            if sm:
                names = sm.group("names").strip().rstrip(",")
                seg_start = pos + sm.start("names")
                for ym in re.finditer(_YEAR, sm.group("years")):
                    items.append(
                        AuthorYearItem(names, ym.group(), seg_start, pos + sm.end("years"))
                    )
            pos += len(seg) + 1
        if items:
            out.append(AuthorYearMarker(m.group(), m.start(), m.end(), items))
    for m in YEAR_NOUN.finditer(text, start, end):
        paren_start = m.start("names") - 1
        item = AuthorYearItem(
            m.group("names").strip(), m.group("year"), m.start("names"), m.end("names")
        )
        out.append(AuthorYearMarker(text[paren_start : m.end()], paren_start, m.end(), [item]))
    return out


def find_narrative(
    text: str, start: int, end: int, entries: list[BibEntry]
) -> list[tuple[AuthorYearMarker, Match]]:
    """ "McGillivray (2010)": a bare year in parentheses right after names that match an entry."""
    out: list[tuple[AuthorYearMarker, Match]] = []
    for m in BARE_YEAR.finditer(text, start, end):
        before_start = max(start, m.start() - 120)
        words = list(_WORD_BEFORE.finditer(text, before_start, m.start()))
        if not words or text[words[-1].end() : m.start()].strip():
            continue
        best: tuple[Match, int] | None = None
        for k in range(1, min(8, len(words)) + 1):
            first = words[-k]
            if not first.group()[0].isupper():
                continue
            names = text[first.start() : words[-1].end()]
            found = match_reference(names, m.group("year"), entries)
            if found.entry is not None and (best is None or found.score > best[0].score):
                best = (found, first.start())
        if best is not None:
            match, name_start = best
            item = AuthorYearItem(
                text[name_start : words[-1].end()], m.group("year"), name_start, m.end()
            )
            marker = AuthorYearMarker(text[name_start : m.end()], name_start, m.end(), [item], True)
            out.append((marker, match))
    return out
