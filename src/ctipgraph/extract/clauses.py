"""The structure of a unit's sentences that relation patterns rely on.

A unit (a sentence, a table cell, a footnote, a bibliography entry) is split into sentences; each
sentence knows where its *body* starts (after an opening citation marker and adverbials: "(4,34)
In 2019, …"), its explicit subject (the mention it opens with), whether it is a *fragment* (no
subject: a table description's "Implemented by CNLTE.", "$13 million EU-funded global project
…", "In 2019, provided …" — about the row's subject) or opens with an *anaphor* ("The project
prevented …"). Clauses end at ";". Words come from patterns.toml [clauses] and [relations].
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..link.lexicon import Lexicon, fold
from .units import UMention, Unit

_CITATION = re.compile(r"\s*\(\s*\d[\d,;\s–\-]*\)")
_ABBREVIATIONS = {"no", "nos", "dr", "mr", "mrs", "ms", "st", "e.g", "i.e", "al", "vs", "inc",
                  "ltd", "co", "jr", "art", "arts", "p", "pp", "vol", "fig", "u.s", "u.n"}
# (markdown emphasis of a text source may close after the period: "**Government of Mali.**")
_BOUNDARY = re.compile(r"(?<=[.!?])(?:[*_]{1,3}(?=\s))?(?:\s*\(\s*\d[\d,;\s–\-]*\))?\s+"
                       r"(?=[\"“‘(]?(?:[*_]{1,3})?[A-Z$\d])"
                       r"|(?<=[.!?])\(\s*\d[\d,;\s–\-]*\)\s*(?=[A-Z$])")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a unit (unit coordinates)."""

    start: int
    end: int
    body: int  # after the opening citation marker and adverbials
    subject: UMention | None  # the mention the sentence opens with
    fragment: bool  # no subject of its own: about the row's (or the summary's) subject
    anaphor: bool  # opens with "The project", "This program" …
    named: bool = False  # opens with a name the text does not link ("Education Recovery …")

    def clause_start(self, text: str, pos: int) -> int:
        """Where the clause holding `pos` starts (after the last ';' before it)."""
        cut = text.rfind(";", self.start, pos)
        return max(self.body, cut + 1) if cut >= 0 else self.body

    def clause_end(self, text: str, pos: int) -> int:
        cut = text.find(";", pos, self.end)
        return cut if cut >= 0 else self.end


@lru_cache(maxsize=8)
def _compiled(lexicon_id: int, lexicon: Lexicon) -> dict[str, re.Pattern[str]]:
    def alt(words: list[str]) -> str:
        return "|".join(re.escape(fold(w)) for w in sorted(words, key=len, reverse=True))

    spec = lexicon.section("clauses")
    passives = [w for rel in lexicon.section("relations").values() if isinstance(rel, dict)
                for w in rel.get("passive", [])]
    return {
        # "In 2019, ", "During the reporting period, ", "More recently – in February 2019 – "
        # (the text is folded: dashes are "-")
        "adverbial": re.compile(rf"(?:{alt(spec.get('adverbials', []))})\b"
                                r"(?:(?:(?!\s-\s)[^,.;:()]){0,70}?,\s+|\s+-\s+[^.;]{1,60}?\s-\s+)"),
        "fragment_verb": re.compile(rf"(?:{alt(spec.get('fragment_verbs', []))})\b"),
        "anaphor": re.compile(rf"(?:{alt(spec.get('anaphors', []))})\b"),
        "subject_word": re.compile(rf"(?:{alt(spec.get('subject_words', []))})\b"),
        "passive": re.compile(rf"(?:{alt(passives)})\b"),
    }


def patterns(lexicon: Lexicon) -> dict[str, re.Pattern[str]]:
    return _compiled(id(lexicon), lexicon)


def split(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of `text[start:end]` (a period before a capital, after an optional
    citation marker; not after abbreviations, initials or an all-caps word before another)."""
    end = len(text) if end is None else end
    spans, cursor = [], start
    for m in _BOUNDARY.finditer(text, start, end):
        word = re.search(r"([\w.]+)[.!?]$", text[cursor:m.start()])
        if word:
            w = word.group(1).lower()
            if w in _ABBREVIATIONS or len(w) == 1 or re.fullmatch(r"(?:[a-z]\.)+[a-z]?", w):
                continue
            nxt = re.match(r"\s*([A-Z]{2,})\b", text[m.end():end])
            if word.group(1).isupper() and len(word.group(1)) > 1 and nxt:
                continue  # "GLO. ACT"
        if text[cursor:m.start()].strip():
            spans.append((cursor, m.start()))
        cursor = m.start()
    if text[cursor:end].strip():
        spans.append((cursor, end))
    return spans


_LEAD = re.compile(r"[\s\-–•▪*†‡]+")
# "On July 1, 2013, " (folded)
_DATED = re.compile(r"(?:on|in|by|since|from|until|as of)\s+[a-z]+\s+\d{1,2},\s+\d{4},?\s+")
# two capitalized words (with connectors): a name ("Education Recovery Support Activity")
_NAME = re.compile(r"[A-Z][\w’'-]*\s+(?:(?:of|the|and|for|in|on|to|against|de|la|le|du|des|"
                   r"et|contre)\s+)*[A-Z(“\"]")
_AUX = ("is|was|are|were|has|have|had|will|would|can|could|may|might|did|does|do|remain|"
        "remains|remained|reported|indicate|indicates|show|shows|found|noted|suggest|suggests")


def body_start(lexicon: Lexicon, text: str, start: int, end: int) -> int:
    """The first position of a sentence after citation markers, list marks and adverbials."""
    adverbial = patterns(lexicon)["adverbial"]
    pos = start
    while True:
        before = pos
        m = _LEAD.match(text, pos, end)
        pos = m.end() if m else pos
        m = _CITATION.match(text, pos, end)
        pos = m.end() if m else pos
        folded = fold(text[pos:end])
        m = _DATED.match(folded) or adverbial.match(folded)
        pos = pos + m.end() if m else pos
        if pos == before:
            return pos


def analyse(lexicon: Lexicon, unit: Unit) -> list[Sentence]:
    """The sentences of a unit with their subjects."""
    pats = patterns(lexicon)
    found = []
    for start, end in split(unit.text):
        body = body_start(lexicon, unit.text, start, end)
        rest = unit.text[body:end]
        lead = re.match(r"(?:the|The)\s+", rest)
        at = body + (lead.end() if lead else 0)
        subject = max((m for m in unit.mentions if m.start in (body, at) and m.end <= end),
                      key=lambda m: m.end - m.start, default=None)
        folded = fold(rest)
        anaphor = bool(pats["anaphor"].match(folded))
        fragment = named = False
        if subject is not None and re.match(r"-\w", unit.text[subject.end:subject.end + 2]):
            # "USDOS-funded programs …", "The World Bank-funded Safe Schools Program …"
            found_name = next((m for m in unit.mentions if subject.end < m.start < end
                               and re.fullmatch(r"-\w+\s+", unit.text[subject.end:m.start])),
                              None)
            if found_name is not None:
                subject = found_name
            else:
                fragment, anaphor, subject = not lead, bool(lead), None
        elif subject is None and not anaphor:
            if pats["fragment_verb"].match(folded) or pats["passive"].match(folded):
                fragment = True
            elif _NAME.match(rest) and not pats["subject_word"].match(folded):
                named = True
            else:
                fragment = bool(
                    re.match(r"\\?[a-z$\d]", rest)
                    or re.match(r"(?:an?|An?)\s", rest)
                    or (re.match(r"[A-Z][a-z]+\s+[a-z]", rest)
                        and not pats["subject_word"].match(folded)
                        and not re.match(rf"\S+\s+(?:{_AUX})\b", folded)))
        found.append(Sentence(start, end, body, subject, fragment, anaphor, named))
    return found


def sentence_at(sentences: list[Sentence], pos: int) -> Sentence | None:
    for s in sentences:
        if s.start <= pos < s.end:
            return s
    return None


def negated(lexicon: Lexicon, text: str) -> bool:
    """Whether a stretch of a clause holds a negation ("not", "never", "unable to" …)."""
    folded = fold(text)
    return any(re.search(rf"(?<!\w){re.escape(fold(w))}(?!\w)", folded)
               for w in lexicon.words("relations", "negations"))
