"""Mentions: where each entity is named in a document's passages, and how it was recognized.

Discovery (new entities, no code change for a new report), in this order:

1. acronym definitions: the document's acronym list, "Long Name (ACR)" and
   "*Nom français* (ACR, English Name)" (``acronym-list``, ``acronym-definition``);
2. legal identifiers ("Law No. 2017-021", "Decree N° 10-474/P-RM", "Order No. 06-1940/MPFEF-SG")
   and ILO conventions ("ILO C. 182") (``legal-identifier``, ``ilo-convention``);
3. "Government of <country>" (``government-of``) and quoted program names (``quoted-program``);
4. capitalized names headed by a cue word of patterns.toml ("Ministry of …", "… Committee …",
   "… Program") that no known name covers (``cue:<Word>``);
5. legal provisions "Article(s) 31.23, 31.31, and 32 of the Penal Code" (``legal-provision``).

Then every name and acronym of the lexicon and of the document is matched in every passage
(multi-word names case-insensitively, acronyms and one-word names case-sensitively, longest
match first). Citation markers are not searched ("(IOM, 2005)" cites, it does not mention).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import URIRef

from ..emit.evidence import passage_iri
from ..iris import entity_iri, slugify
from ..namespaces import ID
from ..read.model import Block, Document, Kind, TableCell
from ..segment.sentences import split_view
from .entities import EntityRegistry
from .lexicon import (
    KIND_OF_CLASS,
    Lexicon,
    fold,
    ilo_code_re,
    ilo_convention_re,
    legal_identifier_re,
    legal_key,
    norm_name,
)

_CAP = r"(?:[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+|'(?!s\b)[A-Za-z0-9]+)*(?:\.(?:[A-Z]\.)+)?)"
_SP = r"[^\S\t]+"  # white space within a name: never a table's column separator
# what follows a head noun that goes on as a name ("the Committee on …", "the Task Force for …")
_NAME_GOES_ON = "of|on|for|to|against|in|at|de|du|des"
# An indefinite article (maybe one lower-case word after it: "a new") or "the" right before a
# capitalized phrase.
_INDEFINITE = re.compile(r"(?:^|[^\w'’-])[Aa]n?\s+(?:[a-z][\w-]*\s+)?$")
_NUMERAL_AFTER = re.compile(r"[^\S\n]+([IVX]{1,4})(?![\w'’-])")  # "(CLEAR) II"
_DEFINITE = re.compile(r"(?:^|[^\w'’-])[Tt]he\s+$")


def _words_alt(words: list[str]) -> str:
    """An alternation of words of the lexicon, white space in them any white space."""
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)


@lru_cache(maxsize=4096)
def _ending_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?:^|\s){re.escape(phrase)}(?:$|\s+(?:{_NAME_GOES_ON})\s)")


def _ending(label: str, phrase: str) -> bool:
    """Whether a folded label ends with a folded phrase, or its part before a connector does."""
    return _ending_pattern(phrase).search(label) is not None


_ACRONYM = re.compile(
    r"\((?P<acr>[A-Z][A-Za-z0-9.&/\-]*[A-Z0-9](?: [A-Z][A-Z0-9.]*)?)"
    r"(?P<english>,\s*[A-Z][^()]{4,200})?\)"
)
_QUOTED = re.compile(
    r"(?:\b(?:project|program|programme)\s*\(\s*\"(?P<a>[^\"]{5,150})\"\s*\))"
    r"|(?:\"(?P<b>[A-Z][^\"]{4,150})\"\s+(?:project|program|programme)\b)",
    re.IGNORECASE,
)
# the quoted names a kind noun introduces: 'the UNICEF-funded programs "Temporary Spaces for
# Learning and Child Protection (STEPS)" and "Child Friendly Spaces."', 'an award entitled "…"'
_QUOTED_ITEM = re.compile(r"\"(?P<name>[A-Z][^\"]{4,150}?)[.,]?\"(?P<more>\s*,\s*(?:and\s+)?"
                          r"(?=\")|\s+and\s+(?=\"))?")
# "31.23", "L.187", "336(a)", "22(1)(b)", "292 (c)"
_PROVISION_NUM = r"[A-Z]?\.?\d+(?:\.\d+)*(?:\s*\((?:[a-z]{1,4}|\d{1,3})\))*(?:\s*-\s*\([a-z]\))?"
_PROVISION = re.compile(
    rf"(?<!\w)(?P<word>Articles?|Art\.|Sections?|Sec\.)\s+(?P<nums>{_PROVISION_NUM}"
    rf"(?:\s*(?:,\s*(?:and\s+)?|and\s+|&\s*){_PROVISION_NUM})*)\s+of\s+(?:the\s+)?"
)
_NEXT_WORD = re.compile(r"[^\S\t\n]+([A-Z][\w'’-]*)")  # the capitalized word after a name
_PROSE = frozenset({Kind.HEADING, Kind.SENTENCE, Kind.LIST_ITEM, Kind.FOOTNOTE, Kind.FIELD})


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity in a passage."""

    iri: URIRef
    start: int
    end: int
    rule: str
    passage: Block = field(compare=False, hash=False, repr=False)


@dataclass
class Mentions:
    """Every mention of one document, by passage."""

    doc_id: str
    by_passage: dict[str, list[Mention]] = field(default_factory=dict)

    def add(self, mention: Mention) -> None:
        key = str(passage_iri(self.doc_id, mention.passage))
        items = self.by_passage.setdefault(key, [])
        if all((m.iri, m.start, m.end) != (mention.iri, mention.start, mention.end) for m in items):
            items.append(mention)
            items.sort(key=lambda m: (m.start, -m.end, str(m.iri)))

    def in_block(self, block: Block) -> list[Mention]:
        return list(self.by_passage.get(str(passage_iri(self.doc_id, block)), []))

    def in_span(self, block: Block, start: int, end: int) -> list[Mention]:
        return [m for m in self.in_block(block) if start <= m.start and m.end <= end]

    def __iter__(self) -> Iterator[Mention]:
        for key in sorted(self.by_passage):
            yield from self.by_passage[key]

    def first_rules(self) -> dict[tuple[URIRef, str], str]:
        """(entity, passage IRI) → the rule of its first mention there."""
        rules: dict[tuple[URIRef, str], str] = {}
        for key in sorted(self.by_passage):
            for m in self.by_passage[key]:
                rules.setdefault((m.iri, key), m.rule)
        return rules


# --- capitalized names --------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A capitalized phrase: its tokens (text, start, end) in a passage's text."""

    tokens: tuple[tuple[str, int, int], ...]

    @property
    def start(self) -> int:
        return self.tokens[0][1]

    @property
    def end(self) -> int:
        return self.tokens[-1][2]


def _run_re(lexicon: Lexicon) -> re.Pattern[str]:
    connectors = sorted(lexicon.words("names", "connectors"), key=len, reverse=True)
    conn = "|".join(re.escape(c) for c in connectors)
    # a title's word in parentheses: "Trafficking in Persons (Prohibition) Enforcement … Act"
    title = rf"{_SP}\([A-Z][a-z]+(?:{_SP}[A-Z][a-z]+){{0,2}}\){_SP}"
    # "with" after some words only: "… Children Associated with Armed Groups"
    withs = "|".join(rf"(?<=\b{re.escape(w)})" for w in lexicon.words("names", "with_after"))
    glues = [rf"(?:{withs}){_SP}with{_SP}"] if withs else []
    glues += [rf"{_SP}(?:(?:{conn}){_SP})*", rf",{_SP}(?:and{_SP})?(?:the{_SP})?",
              rf"{_SP}&{_SP}", title]
    glue = "(?:" + "|".join(glues) + ")"
    # a numbered part ends a name: "Education Sector Reform Project Phase 2"
    after = "|".join(rf"(?<=\b{re.escape(w)})" for w in lexicon.words("names", "numbered"))
    number = rf"(?:(?:{after}){_SP}\d{{1,2}}(?![\w.,]?\d))?" if after else ""
    # a count of units opens a name: "the 5-Year Plan for Development"
    count = rf"(?:\d{{1,2}}-(?=[A-Z][a-z]+{_SP}))?"
    return re.compile(rf"(?<![\w'-]){count}{_CAP}(?:{glue}{_CAP})*{number}")


def capitalized_runs(text: str, lexicon: Lexicon) -> list[Run]:
    """Maximal capitalized phrases (connectors and comma-lists inside) of a folded text; a
    role suffix ("World Bank-funded Safe Schools Program") ends a phrase."""
    suffixes = "|".join(re.escape(w) for w in lexicon.words("names", "role_suffixes"))
    role = re.compile(rf"^(?P<head>.+)-(?:{suffixes})$", re.IGNORECASE) if suffixes else None
    runs = []
    for m in _run_re(lexicon).finditer(text):
        tokens: list[tuple[str, int, int]] = []
        for t in re.finditer(r"[^\s,&]+", m.group()):
            word, start, end = t.group(), m.start() + t.start(), m.start() + t.end()
            cut = role.match(word) if role else None
            if cut:
                tokens.append((cut.group("head"), start, start + len(cut.group("head"))))
                runs.append(Run(tuple(tokens)))
                tokens = []
                continue
            tokens.append((word, start, end))
        if tokens:
            runs.append(Run(tuple(tokens)))
    return _joined_at_collective_possessives(text, runs, _collectives(lexicon))


@lru_cache(maxsize=8)
def _collectives(lexicon: Lexicon) -> frozenset[str]:
    return frozenset(fold(w, lower=False)
                     for w in lexicon.words("names", "collective_possessives"))


def _joined_at_collective_possessives(text: str, runs: list[Run],
                                      collective: frozenset[str]) -> list[Run]:
    """Runs joined where a group of people's possessive makes a compound name: "Ministry of
    Women's Affairs and Social Development", "Commission on Children's Rights" (not "Ministry
    of Defense's National Gendarmerie", a body of the ministry's)."""
    joined: list[Run] = []
    for run in runs:
        if joined:
            last = joined[-1].tokens[-1]
            between = text[last[2]:run.start]
            if last[0] in collective and re.fullmatch(r"['’]s[^\S\t\n]+", between):
                word = (text[last[1]:last[2] + 2], last[1], last[2] + 2)
                joined[-1] = Run(joined[-1].tokens[:-1] + (word,) + run.tokens)
                continue
        joined.append(run)
    return joined


class Cues:
    """Cue words of patterns.toml: head nouns → ctip class."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.classes: dict[str, str] = {}
        for group in ("org", "law", "program", "policy"):
            for word, cls in lexicon.section("cues", group).items():
                self.classes[fold(word, lower=False)] = cls
        self.heads = {fold(w, lower=False): cls
                      for w, cls in lexicon.section("head_cues").items()}
        self.drop = {fold(w, lower=False) for w in lexicon.words("names", "drop_leading")}
        self.drop |= {fold(w, lower=False) for w in lexicon.words("stop", "leading")}
        self.stop = {norm_name(p) for p in lexicon.words("stop", "phrases")}
        self.last = {norm_name(w) for w in lexicon.words("stop", "last")}
        self.connectors = {c.lower() for c in lexicon.words("names", "connectors")}
        national = lexicon.section("cues", "national")
        self.national_words = {fold(w, lower=False) for w in national.get("words", [])}
        self.national = {fold(w, lower=False): cls
                         for w, cls in national.get("classes", {}).items()}
        #: classes whose name of two words after "a"/"an" names a kind, not one of them
        self.kinds = set(lexicon.words("names", "kinds_after_a"))
        self.dates = {fold(w, lower=False) for w in lexicon.words("stop", "dates")}
        quoted = lexicon.section("quoted_programs")
        kinds, introducers = (_words_alt(quoted.get(k, [])) for k in ("kinds", "introducers"))
        #: what introduces program names in quotes ('the programs "…" and "…"')
        self.quoted_after_kind = re.compile(
            rf"\b(?:{kinds or '(?!)'})\s+(?:(?:{introducers or '(?!)'})\s+)?(?=\")",
            re.IGNORECASE)
        themes = _words_alt(lexicon.words("stop", "quoted_after"))
        #: what opens a quote that is a theme or a slogan, no name ('the theme "Act Now …"')
        self.theme_opener = re.compile(rf"\b(?:{themes})\s*[,:]?\s*[\"“‘]$",
                                       re.IGNORECASE) if themes else None
        #: groups of people whose possessive makes a compound name, not an owner
        self.collective = _collectives(lexicon)
        #: one-word place qualifiers: "in", "at", … ("… Council in the Prime Minister’s Office")
        self.place_qualifiers = frozenset(
            w.lower() for w in lexicon.words("names", "place_qualifiers") if " " not in w)

    def stopped(self, name: str) -> bool:
        """Whether a name is, or starts with, a phrase that is never a name, or ends with the
        word of an event or a document ("… Session", "… Summary")."""
        key = norm_name(name)
        words = key.split()
        return (any(key == s or key.startswith(s + " ") for s in self.stop)
                or bool(words and words[-1] in self.last))

    def first_cue(self, words: list[str]) -> tuple[int, str, str] | None:
        """(position, cue word, class) of the first cue word (two-word cues first) that heads
        its phrase: one followed by capitalized words that end in another cue word only
        modifies it ("Policy Engagement Project" is a project, "Labor Code Committee" a
        committee; "Police Academy" and "Police Force" are the police's, "Cellule Nationale de
        Coordination du Programme" a cell). A cue word after a connector is a complement, not
        the head, when the name ends in a cue word: "Freedom of Movement of Persons and
        Migration in West Africa Project" is a project. A head cue ("Force", "Fund", "Law")
        counts only as the last word, when no cue word is before it, or as the first before a
        connector ("Law on the Organization of the Armed Forces" is a law)."""
        if len(words) > 2 and words[0] in self.heads and words[1] in self.connectors:
            return 0, words[0], self.heads[words[0]]
        for i in range(len(words)):
            cue = self._cue_at(words, i, heads=False)
            if cue is None:
                continue
            j = i + len(cue[1].split())
            while j < len(words) and words[j][:1].isupper():
                later = self._cue_at(words, j, heads=False)
                if later is not None:
                    return later
                j += 1
            if j < len(words) and not self.heads_its_name(words, cue):
                return self._ending_cue(words) or cue
            return cue
        if "with" in words:  # "Children Associated with Armed Forces": a complement's head
            return None
        return self._cue_at(words, len(words) - 1, heads=True) if words else None

    def _ending_cue(self, words: list[str]) -> tuple[int, str, str] | None:
        """The cue word (a head cue too) or two-word cue that ends `words`, if any."""
        last = self._cue_at(words, len(words) - 1, heads=True)
        if last is None and len(words) > 1:
            pair = self._cue_at(words, len(words) - 2, heads=False)
            last = pair if pair is not None and len(pair[1].split()) == 2 else None
        return last

    def heads_its_name(self, words: list[str], cue: tuple[int, str, str] | None) -> bool:
        """Whether a cue word found in `words` is its name's head, not a complement after a
        connector ("Movement" in "Freedom of Movement of Persons")."""
        return cue is not None and not any(w.lower() in self.connectors for w in words[:cue[0]])

    def _cue_at(self, words: list[str], i: int, heads: bool) -> tuple[int, str, str] | None:
        """The cue word (or two-word cue) at position i; with `heads`, a head cue there when
        it is the last word."""
        pair = f"{words[i]} {words[i + 1]}" if i + 1 < len(words) else ""
        if pair in self.classes:
            return i, pair, self.classes[pair]
        if words[i] in self.classes:
            return i, words[i], self.classes[words[i]]
        if heads and i == len(words) - 1 and words[i] in self.heads:
            return i, words[i], self.heads[words[i]]
        return None

    def trim(self, run: Run) -> Run | None:
        """Drop leading non-name words and trailing connectors; None when nothing is left."""
        tokens = list(run.tokens)
        while tokens and (tokens[0][0] in self.drop or tokens[0][0].lower() in self.connectors):
            tokens.pop(0)
        if (len(tokens) > 2 and tokens[1][0] in ("the", "a", "an")
                and tokens[0][0] not in self.classes):
            tokens = tokens[2:]  # "Enforce the Labor Code": a verb opening a sentence
        elif (len(tokens) > 3 and tokens[1][0] == "to" and tokens[2][0] == "the"
              and tokens[0][0] not in self.classes):
            tokens = tokens[3:]  # "Accede to the Optional Protocol …": the same
        caps = 0
        while caps < len(tokens) and tokens[caps][0].isupper() and len(tokens[caps][0]) > 3:
            caps += 1
        if caps >= 2 and caps < len(tokens):  # "CONTACT INFORMATION Office of …": a label
            tokens = tokens[caps:]
        for i in range(1, len(tokens) - 1):
            if tokens[i][0].lower() in self.connectors and tokens[i + 1][0] in self.dates:
                tokens = tokens[:i]  # "Penal Code in May": a date follows the name
                break
        while tokens and tokens[-1][0].lower() in self.connectors:
            tokens.pop()
        return Run(tuple(tokens)) if tokens else None

    @staticmethod
    def _item(tokens: Sequence[tuple[str, int, int]], text: str | None,
              at_and: bool = False) -> list[str]:
        """The words of the list item these tokens open: up to the next comma (and, with
        `at_and`, the next "and" or "&"); all of them without the passage's text."""
        item = [tokens[0][0]]
        for before, tok in zip(tokens, tokens[1:], strict=False):
            if text is not None and ("," in text[before[2]:tok[1]] or (
                    at_and and ("&" in text[before[2]:tok[1]] or tok[0].lower() == "and"))):
                break
            item.append(tok[0])
        return item

    def list_items(self, run: Run, text: str) -> list[Run]:
        """A run cut at the commas of a list that cannot be inside a name: one after its cue
        word when that is its last noun (only "Ministry of A, B, and C" lists what it is of:
        "Judicial Police, Labor Inspectorate General, Public Prosecutor" are three), one
        before or after an acronym ("Ministry of Tourism, NGOs", "MOJ, and Ministry of …")
        and one before the owner of a possessive ("Ministry of Foreign Affairs, Women's
        Bureau")."""
        tokens = run.tokens
        cue = self.first_cue(self._item(tokens, text)) or self.first_cue([t[0] for t in tokens])
        after_cue = cue[0] + len(cue[1].split()) if cue is not None else len(tokens)
        headed = after_cue >= len(tokens) or tokens[after_cue][0].lower() not in self.connectors
        owner = re.match(r"['’]s\b", text[run.end:]) is not None
        # (a title in capitals, "DRG LEARNING, EVALUATION, AND RESEARCH ACTIVITY", has no
        # acronyms)
        shouted = all(not t[0][:1].isalpha() or t[0].isupper() for t in tokens)
        for i in range(1, len(tokens)):
            if "," not in text[tokens[i - 1][2]:tokens[i][1]]:
                continue
            item = self._item(tokens[i:], text)
            words = [w for w in item if w.lower() not in ("and", "the")]
            before = [t[0] for t in tokens[:i]]
            if ((cue is not None and headed and i >= after_cue)
                    or (not shouted and words and re.fullmatch(r"[A-Z]{2,}s?", words[0]))
                    or (not shouted and len(before) == 1
                        and re.fullmatch(r"[A-Z]{2,}", before[0]))
                    or (owner and len(item) == len(tokens) - i)):
                rest = self.trim(Run(tokens[i:]))
                return [self.trim(Run(tokens[:i])) or Run(tokens[:i]),
                        *(self.list_items(rest, text) if rest is not None else [])]
        return [run]

    def _item_with_head(self, tokens: Sequence[tuple[str, int, int]], text: str) -> bool:
        """Whether the list item these tokens open (up to the next comma) ends with a cue word:
        "…, Macina Liberation Front" after "Coordination of Movements for Azawad" is a name of
        its own."""
        item = self._item(tokens, text)
        return len(item) > 1 and (item[-1] in self.heads or item[-1] in self.classes)

    def _item_opening_with_cue(self, tokens: Sequence[tuple[str, int, int]], text: str) -> bool:
        """Whether the list item these tokens open (up to the next comma or "and") starts with
        a cue word and has another word that is no connector: "…, Mouvement des Libérateurs
        Centrafricains pour la Justice, …" after "Front Populaire pour la Renaissance de la
        Centrafrique" (a head noun first, as in French) is a name of its own; "…, Police and
        Human Rights" is not."""
        item = self._item(tokens, text, at_and=True)
        return self._cue_at(item, 0, heads=False) is not None and any(
            w.lower() not in self.connectors for w in item[1:])

    def _listed_the(self, tokens: Sequence[tuple[str, int, int]], i: int,
                    text: str | None) -> bool:
        """ "MASPFA and the Ministry of …", "Ministry of Health and Social Welfare, the WACPS",
        "UPC and the Front …": after "and the" or ", the", a cue word or an acronym starts a
        name of its own."""
        if i < 2:
            return False
        before = tokens[i - 2]
        listed = before[0].lower() in ("and", "&") or (
            text is not None and "," in text[before[2]:tokens[i - 1][1]])
        word = tokens[i][0]
        item = self._item(tokens[i:], text, at_and=True)
        return listed and (word in self.classes or (
            len(word) > 1 and word.isupper() and word.isalpha())
            or self.heads_its_name(item, self.first_cue(item)))

    def _in_complement(self, words: list[str]) -> bool:
        """Whether the last of `words` ends a complement of the name a cue word before it
        heads: "Forces" in "National Strategy for … Children Associated with Armed Forces" (and
        "Armed Groups" after it is the complement's too, no name of its own)."""
        cue = self.first_cue(words)
        return (cue is not None and cue[0] < len(words) - 1 and self.heads_its_name(words, cue)
                and any(w.lower() in self.connectors for w in words[cue[0] + 1:]))

    def split(self, run: Run, text: str | None = None) -> list[Run]:
        """Split a run before a second cue-headed name joined by "and" or a comma (and, given
        the passage's text, before a list item ending with a cue word)."""
        parts: list[list[tuple[str, int, int]]] = [[]]
        for i, tok in enumerate(run.tokens):
            prev = run.tokens[i - 1][0].lower() if i else ""
            comma = text is not None and i > 0 and "," in text[run.tokens[i - 1][2]:tok[1]]
            words = [t[0] for t in parts[-1]]
            while words and words[-1].lower() in self.connectors:
                words.pop()
            pprev = run.tokens[i - 2][0].lower() if i > 1 else ""
            # "… and the X", and "… Code the Labor Code" (a head noun right before "the" ends a
            # name: a list with its comma missing)
            conj = prev in ("and", "&") or prev.endswith(",") or (
                prev == "the" and (pprev in ("and", "&") or pprev.endswith(",")
                                   or run.tokens[i - 2][0] in self.heads
                                   or run.tokens[i - 2][0] in self.classes))
            # "Law on the Organization of …": a head cue that opens a name before a connector
            # heads it (first_cue), and what follows is its complement
            opening_head = len(words) == 1 and len(parts[-1]) > 1 and words[0] in self.heads
            if (
                i
                and (prev == "and" or prev == "the" or prev.endswith(","))
                and ((tok[0] in self.classes and self.first_cue(words) is not None
                      and not (opening_head and prev == "the"))
                     or (conj and words and (
                         (words[-1] in self.heads and not self._in_complement(words))
                         or words[-1] in self.classes))
                     or (conj and self.heads_its_name(words, self.first_cue(words))
                         and self.first_cue(self._item(run.tokens[i:], text)) is not None))
            ) or (
                # "Accelerated Quality Education for Liberian Children and the McGovern-Dole …
                # Program": after "and the", a phrase ending in a cue word is a name of its
                # own when no cue word is before it
                prev == "the" and pprev in ("and", "&") and words
                and self.first_cue(words) is None
                and self._ending_cue([t[0] for t in run.tokens[i:]]) is not None
            ) or (comma and text is not None and len(words) > 1
                  and self._item_with_head(run.tokens[i:], text)) or (
                    comma and text is not None and self.first_cue(words) is not None
                    and self._item_opening_with_cue(run.tokens[i:], text)) or (
                    prev == "the" and words and self._listed_the(run.tokens, i, text)):
                while parts[-1] and parts[-1][-1][0].lower() in self.connectors:
                    parts[-1].pop()
                parts.append([])
            parts[-1].append(tok)
        return [Run(tuple(p)) for p in parts if p]


# --- the finder ---------------------------------------------------------------------------------


class MentionFinder:
    """Finds (and registers) the entities of one document and every mention of them."""

    def __init__(self, doc: Document, registry: EntityRegistry,
                 skip_discovery: Iterable[Block] = ()) -> None:
        self.doc = doc
        self.registry = registry
        self.lexicon = registry.lexicon
        self.cues = Cues(self.lexicon)
        self.mentions = Mentions(doc.doc_id)
        self.passages = [p for p in doc.passages()]
        self._skip = {id(b) for b in skip_discovery}
        self._cited = sorted((c.start, c.end) for c in doc.citations)
        self._folded = fold(doc.text)
        self._folded_cs = fold(doc.text, lower=False)
        prefixes = self.lexicon.section("international").get("name_prefixes", [])
        #: a UN prefix ending right before a name ("UN " before "General Assembly")
        self._un_prefix = re.compile(
            r"(?<![\w-])(?:" + "|".join(re.escape(p) for p in prefixes) + r")\s+$"
        ) if prefixes else None
        from .discovery import Discovery

        self.discovery = Discovery(self)

    # -- helpers ------------------------------------------------------------------------------

    def _prose(self) -> list[Block]:
        """Passages where new names may be discovered (not bibliography entries, not the
        cells of tables no extractor reads): prose, and the cells beyond the first column of
        the tables an extractor reads (descriptions, roles, legislation; the first column
        holds the table's subjects or its row labels)."""
        return [p for p in self.passages if id(p) not in self._skip
                and (p.kind in _PROSE or (p.kind == Kind.TABLE_CELL
                                          and getattr(p, "column", 1) > 1))]

    def _in_citation(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self._cited)

    def _add(self, iri: URIRef, block: Block, start: int, end: int, rule: str) -> None:
        if not self._in_citation(start, end):
            self.mentions.add(Mention(iri, start, end, rule, block))

    def _containers(self, start: int, end: int) -> list[Block]:
        return [p for p in self.passages if p.start <= start and end <= p.end]

    # -- discovery ----------------------------------------------------------------------------

    def discover(self) -> None:
        self._acronym_list()
        for block in self._prose():
            self._acronym_definitions(block)
        for block in self.passages:
            if block.kind != Kind.BIBLIOGRAPHY_ENTRY and id(block) not in self._skip:
                self._government_of(block)
                self._quoted_programs(block)
        for block in self.passages:
            self._legal_identifiers(block)
            self._ilo_conventions(block)

    def _classify(self, name: str, context: str = "") -> str | None:
        """The ctip class of a name from its first cue word (None: not an entity name)."""
        words = [fold(w, lower=False) for w in re.findall(r"[^\s,()]+", name)]
        cue = self.cues.first_cue(words)
        if cue is None:
            return None
        head = self.registry.lookup(words[0], fuzzy=False) if words else None
        io = head is not None and self.registry.cls_of(head.iri) == "InternationalOrganization"
        if (io or self.discovery.international(name)) and KIND_OF_CLASS.get(cue[2]) == "org":
            return "InternationalOrganization"
        if cue[2] == "ArmedGroup" and not self.discovery.armed(context or name):
            return "Organization"
        if words and words[0] in self.cues.national_words:  # "National Institute for Women …"
            return self.cues.national.get(cue[1], cue[2])
        return cue[2]

    def _acronym_list(self) -> None:
        for entry in self.doc.acronym_entries:
            if entry.source != "list":
                continue
            cls = self._classify(entry.expansion)
            known = self.registry.lookup(entry.expansion, acronym=entry.term, fuzzy=True)
            if known is not None:
                self.registry.resolve(entry.expansion, self.registry.cls_of(known.iri) or "",
                                      acronym=entry.term)
            elif cls is not None:
                self.registry.resolve(entry.expansion, cls, acronym=entry.term,
                                      rule="acronym-list")
            else:
                self.registry.unlinked.append(
                    f"acronym list: {entry.term} = {entry.expansion!r} (no entity cue word)")

    def _preceding_name(self, text: str, pos: int) -> tuple[str, int, int, bool] | None:
        """The name just before ``pos`` (an opening parenthesis): an *emphasized* name, or the
        capitalized run ending there. Returns (name, start, end, emphasized)."""
        head = text[:pos].rstrip()
        if head.endswith("*"):
            m = re.search(r"\*([^*]{3,200})\*$", head)
            if m:
                return m.group(1), m.start(1), m.end(1), True
        every = capitalized_runs(fold(head, lower=False), self.lexicon)
        runs = [r for r in every if r.end == len(head)]
        if not runs:
            return None
        run = self.cues.trim(runs[-1])
        if run is None:
            return None
        parts = self.cues.split(run)
        run = parts[-1]
        start = run.start
        owner = re.search(rf"({_CAP})['’]s{_SP}$", fold(head[:start], lower=False))
        if owner and not self._names_an_owner(
                head, [r for r in every if r.end == owner.end(1)]):
            # "Lord's Resistance Army" (but not "UNODC's Global Action …" nor "Ministry of
            # Defense's National Gendarmerie")
            start = owner.start()
        return head[start:run.end], start, run.end, False

    def _names_an_owner(self, text: str, runs: list[Run]) -> bool:
        """Whether the capitalized run of `text` before a possessive (`runs`: those ending
        there) is a name of its own: known, or headed by a cue word ("Ministry of Lake
        Defense"; not "Federal Child" nor "Lord")."""
        run = self.cues.trim(runs[-1]) if runs else None
        if run is None:
            return False
        words = [t[0] for t in run.tokens]
        name = text[run.start:run.end]
        return (self.registry.lookup(words[-1], fuzzy=False) is not None
                or self.registry.lookup(name, fuzzy=False) is not None
                or self.cues.heads_its_name(words, self.cues.first_cue(words)))

    def _acronym_definitions(self, block: Block) -> None:
        text = self.doc.text[block.start:block.end]
        for m in _ACRONYM.finditer(fold(text, lower=False)):
            if self._in_citation(block.start + m.start(), block.start + m.end()):
                continue
            acr = text[m.start("acr"):m.end("acr")]
            if sum(c.isupper() for c in acr) < 2:
                continue
            before = self._preceding_name(text, m.start())
            english = ""
            if m.group("english"):
                english = text[m.start("english") + 1:m.end("english")].strip()
            if before is not None and not _initials_cover(acr, before[0]):
                before = self._extend_over_dash(text, before, acr)
            if before is not None and not before[3]:
                before = self._after_list(before, acr)
            if before is not None and not english:
                head = re.match(r"\s+([A-Z][a-z]+)\b", text[m.end():])
                if head and self.cues.first_cue([fold(head.group(1), lower=False)]) and \
                        self.cues.first_cue([fold(w, lower=False) for w in
                                             before[0].split()]) is None:
                    # "… and Research (DRG-LER) Activity": the head noun follows the acronym
                    before = (f"{before[0]} {head.group(1)}", *before[1:])
            if english:
                self._define(acr, english, before[0] if before else "", block, m, text,
                             start=before[1] if before else None)
            elif before is not None:
                self._define(acr, before[0], "", block, m, text, letters=True, start=before[1])

    def _after_list(self, before: tuple[str, int, int, bool],
                    acr: str) -> tuple[str, int, int, bool]:
        """ "EU and Food and Agriculture Organization (FAO)": the name defined is the last of a
        list whose earlier items are names already known, when its initials give the acronym;
        or the last item after ", the" or ", and the" when it has a cue word."""
        name, start, end, emphasized = before
        previous = 0
        for m in re.finditer(r",\s*(?:and\s+)?|\s+and\s+", name):
            item, rest = name[previous:m.start()].strip(), name[m.end():]
            previous = m.end()
            if not rest or not _initials_cover(acr, rest):
                break
            if item and self.registry.lookup(item, fuzzy=False) is not None:
                return rest, start + m.end(), end, emphasized
        # "Ministries of Interior and Justice, and the National Institute for Women and Children
        # (INMC)": after ", the" or ", and the", a name of its own (a cue word) is the one
        # defined (the acronym may be another language's; a long list's initials give any)
        joiners = list(re.finditer(r",\s*(?:and\s+)?the\s+", name))
        rest = name[joiners[-1].end():] if joiners else ""
        if rest[:1].isupper() and self.cues.first_cue(
                [fold(w, lower=False) for w in rest.split()]) is not None:
            return rest, start + joiners[-1].end(), end, emphasized
        return before

    def _extend_over_dash(self, text: str, before: tuple[str, int, int, bool],
                          acr: str) -> tuple[str, int, int, bool]:
        """ "Democracy, Human Rights, and Governance – Learning, Evaluation, and Research
        (DRG-LER)": a name whose initials need the capitalized words before a dash."""
        m = re.search(r"([A-Z][^.;:()\n–—]*?)\s+[–—-]\s+$", text[:before[1]])
        if m is None:
            return before
        start = m.start(1)
        lead = re.match(r"(?:(?:\w+)\s+)", text[start:before[2]])
        while lead and (fold(lead.group().strip(), lower=False) in self.cues.drop
                        or lead.group().strip().lower() in self.cues.connectors):
            start += lead.end()  # "Under the Democracy, …": not part of the name
            lead = re.match(r"(?:(?:\w+)\s+)", text[start:before[2]])
        name = text[start:before[2]]
        return (name, start, before[2], before[3]) if _initials_cover(acr, name) else before

    def _define(self, acr: str, name: str, other: str, block: Block, m: re.Match[str],
                text: str, letters: bool = False, start: int | None = None) -> None:
        """An acronym's definition (`m`, in a block's `text`) of a name printed from `start`."""
        numbered = _NUMERAL_AFTER.match(text, m.end())
        if numbered is not None:  # "… Child Labor (CLEAR) II": the second phase, "CLEAR II"
            other = other or name
            acr, name = f"{acr} {numbered.group(1)}", f"{name} {numbered.group(1)}"
        end = numbered.end() if numbered is not None else m.end()
        known = self.registry.lookup(name, acronym=acr)
        cls = self._classify(name, text)
        if known is None and cls is None:  # what the text calls it, if anything
            cls = self.discovery.class_after_acronym(text, end)
        if known is None and cls is None and start is not None:  # what it does
            cls = self.discovery.class_of_agent(text, start)
        if known is None and cls is None:
            if not (letters and _initials_cover(acr, name)
                    and self.discovery.names_armed_groups(_sentence_around(text, m.start()))):
                self.registry.unlinked.append(
                    f"acronym definition: {name!r} ({acr}) (no entity cue word)")
                return
            cls = "ArmedGroup"
        if known is not None:
            if not (_initials_cover(acr, name) or cls is not None or len(name.split()) > 2):
                return  # "Migration (IOM)" after a line break: too little of the name
            cls = self.registry.cls_of(known.iri) or cls or "Organization"
            resolved = self.registry.resolve(name, cls, acronym=acr)
        else:
            resolved = self.registry.resolve(name, cls, acronym=acr, rule="acronym-definition")
        if other and norm_name(other) != norm_name(name):
            self.registry._alias(resolved.iri, other, None)

    def _government_of(self, block: Block) -> None:
        text = self.doc.text[block.start:block.end]
        folded = fold(text, lower=False)
        for word in self.lexicon.section("government").get("words", []):
            for m in re.finditer(rf"(?<!\w){re.escape(fold(word, lower=False))}\s+(?P<c>{_CAP}"
                                 rf"(?:\s+{_CAP})*)", folded):
                country = self._country(m.group("c"))
                if country is None:
                    continue
                label = f"{word} {self.registry.label_of(country[0])}"
                known = self.registry.lookup(label, cls="GovernmentBody", fuzzy=False)
                if known is None:
                    slug = slugify(self.registry.label_of(country[0]))
                    iri = entity_iri("org", f"government-of-{slug}")
                    self.registry.resolve(label, "GovernmentBody", iri=iri,
                                          rule="government-of", country=country[0])
                else:
                    self.registry._alias(known.iri, text[m.start():m.start("c") + country[1]], None)

    def _country(self, words: str) -> tuple[URIRef, int] | None:
        """The country named by the leading words of ``words`` (and the length used)."""
        tokens = words.split()
        suffixes = "|".join(re.escape(w) for w in self.lexicon.words("names", "role_suffixes"))
        if suffixes and tokens:  # "Government of Brazil-funded"
            tokens[-1] = re.sub(rf"-(?:{suffixes})$", "", tokens[-1])
        for n in range(len(tokens), 0, -1):
            candidate = " ".join(tokens[:n])
            found = self.registry.lookup(candidate, cls="Country", fuzzy=False)
            if found and self.registry.cls_of(found.iri) == "Country":
                return found.iri, len(candidate)
        return None

    def _quoted_programs(self, block: Block) -> None:
        """Programs named in quotes: 'project ("…")', '"…" project', and the names a kind noun
        introduces ('the programs "…(STEPS)" and "…"', 'an award entitled "…"'), an acronym in
        parentheses at the end of a quoted name defined by it."""
        text = self.doc.text[block.start:block.end]
        folded = fold(text, lower=False)
        for m in _QUOTED.finditer(folded):
            group = "a" if m.group("a") else "b"
            name = text[m.start(group):m.end(group)]
            self.registry.resolve(name, "Program", rule="quoted-program")
        for m in self.cues.quoted_after_kind.finditer(folded):
            pos = m.end()
            while (item := _QUOTED_ITEM.match(folded, pos)) is not None:
                name = text[item.start("name"):item.end("name")]
                defined = _ACRONYM.search(name)
                if defined is not None and defined.end() == len(name) and defined.start() > 0:
                    self.registry.resolve(name[:defined.start()].strip(), "Program",
                                          acronym=defined.group("acr"), rule="quoted-program")
                else:
                    self.registry.resolve(name, "Program", rule="quoted-program")
                if item.group("more") is None:
                    break
                pos = item.end()

    def _legal_identifiers(self, block: Block) -> None:
        text = self.doc.text[block.start:block.end]
        kinds = self.lexicon.legal_kinds
        for m in legal_identifier_re(self.lexicon).finditer(fold(text, lower=False)):
            kind = kinds.get(fold(m.group("kind")))
            if kind is None:
                continue
            key = legal_key(kind[0], m.group("num"))
            printed = " ".join(text[m.start():m.end()].split())
            start, end = block.start + m.start(), block.start + m.end()
            country = self.registry.country
            known = self.lexicon.legal.get(key)
            if known is not None and self._legal_applies(known, country):
                self._add(known, block, start, end, "lexicon:legal-identifier")
                continue
            # a number is its country's: "Law No. 2005-009" of one is not another's
            iri = (self.lexicon.scoping.scoped_iri(printed, kind[1], country,
                                                   key.replace("/", " "))
                   if country is not None else entity_iri("law", key.replace("/", " ")))
            resolved = self.registry.resolve(printed, kind[1], iri=iri, rule="legal-identifier",
                                             country=country)
            self._add(resolved.iri, block, start, end, "legal-identifier")

    def _legal_applies(self, iri: URIRef, country: URIRef | None) -> bool:
        """Whether the lexicon's instrument of a legal number is the one a report of this
        country names: its own country's, or one of no country."""
        entity = self.lexicon.entities.get(iri)
        return entity is None or self.lexicon.scoping.found_anywhere(entity, country)

    def _ilo_conventions(self, block: Block) -> None:
        text = self.doc.text[block.start:block.end]
        for m in ilo_convention_re(self.lexicon).finditer(text):
            label = f"ILO C. {m.group('n')}"
            known = self.registry.lookup(label, cls="InternationalAgreement", fuzzy=False)
            if known is None:
                iri = entity_iri("agreement", f"ilo-c-{m.group('n')}")
                known_iri = self.registry.resolve(label, "InternationalAgreement", iri=iri,
                                                  rule="ilo-convention").iri
            else:
                known_iri = known.iri
            self._add(known_iri, block, block.start + m.start(), block.start + m.end(),
                      "ilo-convention")
        codes = self.lexicon.section("legal").get("ilo_codes", {})
        for m in ilo_code_re(self.lexicon).finditer(text):
            code, number = m.group("code"), m.group("n")
            label = f"ILO {codes[code]} {number}"
            known = self.registry.lookup(label, cls="InternationalAgreement", fuzzy=False)
            iri = known.iri if known is not None else self.registry.resolve(
                label, "InternationalAgreement", rule="ilo-convention",
                iri=entity_iri("agreement", f"ilo-{code.lower()}-{number}")).iri
            # the title is a name of the instrument wherever the report prints it
            self.registry.resolve(m.group("title"), "InternationalAgreement", iri=iri,
                                  rule="ilo-convention")
            self._add(iri, block, block.start + m.start(), block.start + m.end(),
                      "ilo-convention")

    def discover_cue_names(self) -> None:
        """Capitalized names with a cue word that no mention found so far covers."""
        for block in self._prose():
            text = self.doc.text[block.start:block.end]
            folded = fold(text, lower=False)
            covered = [(m.start - block.start, m.end - block.start)
                       for m in self.mentions.in_block(block)]
            previous: tuple[Run, URIRef] | None = None
            for raw in capitalized_runs(folded, self.lexicon):
                run = self.cues.trim(raw)
                if run is None or self.cues.theme_opener is not None \
                        and self.cues.theme_opener.search(text, 0, raw.start):
                    continue  # 'with the theme "Act Now to End Child Labor"': a slogan
                pieces = [item for part in self.cues.split(run, text)
                          for piece in _apart_from_known(self.cues.trim(part) or part, text,
                                                         covered)
                          for item in self.cues.list_items(piece, text)]
                for part in pieces:
                    part = self._before_owner_s_place(part, text)
                    fragment = re.search(r"['’]s\s+$", text[: part.start]) is not None
                    if fragment and previous is None:
                        whole = self.discovery.possessive_name(block, text, part, covered)
                        if whole is not None:  # "Understanding Children's Work Project"
                            self._cue_name(block, text, whole, covered)
                            continue
                        if not self.discovery.owned_by_acronym(text, part):
                            continue
                        # "OHCHR's PROMIS Project": the project, owned by a body
                    iri = self._cue_name(block, text, part, covered)
                    if iri is not None and previous is not None:
                        self._possessive(block, text, previous, (part, iri))
                    previous = (part, iri) if iri is not None else None

    def _before_owner_s_place(self, run: Run, text: str) -> Run:
        """A name cut before a place qualifier whose place is an owner's ("National Child
        Protection Council in the Prime Minister’s Office": the council, in the office of the
        Prime Minister; patterns.toml [names] place_qualifiers)."""
        if not re.match(r"['’]s\b", text[run.end:]):
            return run
        words = [t[0] for t in run.tokens]
        for i in range(1, len(words) - 2):
            if words[i] in self.cues.place_qualifiers and words[i + 1] == "the" \
                    and self.cues.first_cue(words[:i]) is not None:
                return Run(run.tokens[:i])
        return run

    def _cue_name(self, block: Block, text: str, run: Run,
                  covered: list[tuple[int, int]]) -> URIRef | None:
        words = [t[0] for t in run.tokens]
        shouted = block.kind == Kind.HEADING and block.index == 1 and all(
            not w[:1].isalpha() or w.isupper() for w in words)  # the report's title
        if shouted:  # "DRG LEARNING, EVALUATION, AND\nRESEARCH ACTIVITY": a title in capitals
            words = [w.capitalize() if len(w) > 3 else w for w in words]
        cue = self.cues.first_cue(words)
        if cue is None:
            return self._covering(block, run)
        if shouted:
            ends = [i for i, t in enumerate(run.tokens[cue[0]:], start=cue[0])
                    if text[t[2]:t[2] + 1] == "\n" or i == len(run.tokens) - 1]
            run = Run(run.tokens[:ends[0] + 1])
            words = words[:ends[0] + 1]
        pos = cue[0]
        cue_start, cue_end = run.tokens[pos][1], run.tokens[pos][2]
        if any(s <= cue_start and cue_end <= e for s, e in covered):
            return self._covering(block, run)
        if text[run.end:].strip().lower() in self.cues.connectors:
            return None  # the name goes on in the next passage ("… Organization for")
        content = [w for w in words if w.lower() not in self.cues.connectors]
        if len(content) < 2 or all(w in self.cues.classes or w in self.cues.heads
                                   for w in content) or " ".join(content) in self.cues.classes:
            return None  # a head alone ("the Task Force") is no name: _bare_heads
        if len(content) == 2 and not any(w.isupper() for w in content):
            before, phrase = text[:run.start], text[run.start:run.end]
            if len(words) == 2 and cue[2] in self.cues.kinds and _INDEFINITE.search(before):
                return None  # "drafted an Action Plan for 2019", "a new Action Plan": no name
            if _DEFINITE.search(before) and not re.match(r"['’]s\b", text[run.end:]) \
                    and self._longer_names_ending(phrase) \
                    and self.registry.lookup(phrase, fuzzy=False) is None:
                # "the Steering Committee", "the Code of Conduct" of a longer name: _bare_heads
                self._deferred.setdefault((block.start, block.end), []).append(
                    (block.start + run.start, block.start + run.end))
                return None
        name = text[run.start:run.end]
        if shouted:
            name = " ".join(w if len(w) <= 3 and w.lower() not in self.cues.connectors
                            else w.lower() if w.lower() in self.cues.connectors
                            else w.capitalize() for w in name.split())
        if self.cues.stopped(name) or self.discovery.is_institution(name):
            return None
        cls = self._classify(name, text) or cue[2]
        country = self.discovery.country_before(text, run.start)
        resolved = self.registry.resolve(name, cls, rule=f"cue:{cue[1]}", country=country)
        return resolved.iri

    def _covering(self, block: Block, run: Run) -> URIRef | None:
        for m in self.mentions.in_block(block):
            if m.start - block.start <= run.start and run.end <= m.end - block.start:
                return m.iri
        return None

    def _possessive(self, block: Block, text: str, owner: tuple[Run, URIRef],
                    part: tuple[Run, URIRef]) -> None:
        between = text[owner[0].end:part[0].start]
        if owner[1] != part[1] and re.fullmatch(r"['’]s\s+", between):
            self.possessives.append((owner[1], part[1], block))

    # -- matching -----------------------------------------------------------------------------

    def match(self) -> None:
        """Every known name and acronym in every passage (longest match first)."""
        ci_forms: dict[str, tuple[URIRef, str]] = {}
        cs_forms: dict[str, tuple[URIRef, str]] = {}
        for form, iri, is_acronym, rule in self.registry.surface_forms():
            form = " ".join(form.split())
            if len(form) < 2:
                continue
            if is_acronym or " " not in form:
                cs_forms.setdefault(fold(form, lower=False), (iri, rule))
            else:
                ci_forms.setdefault(fold(form), (iri, rule))
        for folded, forms in ((self._folded, ci_forms), (self._folded_cs, cs_forms)):
            if not forms:
                continue
            pattern = _alternation(forms)
            for block in self.passages:
                for m in pattern.finditer(folded, block.start, block.end):
                    key = " ".join(m.group().split())
                    iri, rule = forms[key]
                    if (self._names_another_place(iri, block, m.start(), m.end())
                            or self._of_the_un(iri, block, m.start())):
                        continue
                    self._candidates.append((m.start(), m.end(), iri, rule, block))

    def _of_the_un(self, iri: URIRef, block: Block, start: int) -> bool:
        """Whether a government's body is named after a prefix of the UN system
        (discovery.toml [international] name_prefixes): "UN General Assembly" is not the
        country's "General Assembly"."""
        if self._un_prefix is None or self.registry.cls_of(iri) not in (
                "GovernmentBody", "CoordinatingBody"):
            return False
        return bool(self._un_prefix.search(self.doc.text, max(block.start, start - 32), start))

    def _names_another_place(self, iri: URIRef, block: Block, start: int, end: int) -> bool:
        """Whether a place's name at [start, end) is part of another name (patterns.toml
        [places.other_place]): a country's in "Benin City" or "Lake Chad", a region's or town's
        one-word name in "The San Diego Union Tribune" (but not in "the Sikasso Region")."""
        cls = self.registry.cls_of(iri)
        text = self.doc.text
        if cls == "Region":
            word = _NEXT_WORD.match(text, end, block.end)
            return bool(word and len(text[start:end].split()) == 1
                        and word.group(1) not in _not_part_of_a_name(self.lexicon))
        if cls != "Country":
            return False
        after, before = _other_place_res(self.lexicon)
        # the words before are short: search the few characters before the name, not the block
        return bool((after and after.match(text, end, block.end))
                    or (before and before.search(text, max(block.start, start - 64), start)))

    def resolve_overlaps(self) -> None:
        by_block: dict[int, list] = {}
        for cand in self._candidates:
            by_block.setdefault(id(cand[4]), []).append(cand)
        for cands in by_block.values():
            cands.sort(key=lambda c: (-(c[1] - c[0]), c[0], str(c[2])))
            kept: list[tuple[int, int]] = []
            for start, end, iri, rule, block in cands:
                if any(start < e and s < end for s, e in kept):
                    continue
                kept.append((start, end))
                iri = self._foreign(iri, block, start, end)
                self._add(iri, block, start, end, rule)

    def _foreign(self, iri: URIRef, block: Block, start: int, end: int) -> URIRef:
        """A generic lexicon name after another country's demonym or possessive ("the Togolese
        Ministry of Labor" in a report on Mali) is that country's body."""
        entity = self.lexicon.entities.get(iri)
        if entity is None or entity.country is None:
            return iri
        country = self.discovery.country_before(self.doc.text[block.start:start], start -
                                                block.start)
        country = country or self.discovery.country_after(self.doc.text[end:block.end])
        name = self.doc.text[start:end]
        if country is None or country == entity.country or not self.lexicon.scoping.is_generic(
                name, entity.cls):
            return iri
        return self.registry.resolve(name, entity.cls, rule="scoped", country=country).iri

    # -- legal provisions ---------------------------------------------------------------------

    def provisions(self) -> None:
        for block in self.passages:
            text = fold(self.doc.text[block.start:block.end], lower=False)
            for m in _PROVISION.finditer(text):
                at = block.start + m.end()
                instrument = next(
                    (x for x in self.mentions.in_block(block)
                     if x.start == at and self._is_instrument(x.iri)),
                    None,
                )
                if instrument is None:
                    continue
                of_at = block.start + m.start() + m.group().rindex(" of ") + 1
                printed = " ".join(self.doc.text[of_at:instrument.end].split())
                # an article, or a section (the unit of the acts of common-law countries)
                unit = "Section" if m.group("word").startswith("Sec") else "Article"
                for num in re.findall(_PROVISION_NUM, m.group("nums")):
                    num = " ".join(num.split())
                    base = str(instrument.iri).rsplit("/", 1)[-1]
                    kind = str(instrument.iri).rsplit("/", 2)[-2]
                    # (the instrument's slug as it is: cut to a slug's length, a long name's
                    # provisions would lose their numbers and be one)
                    iri = ID[f"{kind}/{base}-{unit.lower()}-{slugify(num)}"]
                    label = f"{unit} {num} {printed}"
                    resolved = self.registry.resolve(label, "LegalProvision", iri=iri,
                                                     rule="legal-provision",
                                                     part_of=instrument.iri)
                    self._add(resolved.iri, block, block.start + m.start(), instrument.end,
                              "legal-provision")

    def _is_instrument(self, iri: URIRef) -> bool:
        return self.registry.cls_of(iri) in {
            "Law", "Regulation", "InternationalAgreement", "LegalInstrument"
        }

    # -- all steps ----------------------------------------------------------------------------

    def run(self) -> Mentions:
        self.possessives: list[tuple[URIRef, URIRef, Block]] = []
        # "the Steering Committee": spans `_cue_name` leaves to `_bare_heads`, by block
        self._deferred: dict[tuple[int, int], list[tuple[int, int]]] = {}
        if self.registry.country is None:
            self.registry.country = self.discovery.report_country()
        self.discover()
        self._candidates: list = []
        self.match()
        self.resolve_overlaps()
        self.discover_cue_names()
        self.discovery.run()
        self._merge_by_initials()
        self._merge_by_prefix()
        self.mentions = _keep_located(self.mentions, self.doc.doc_id, self.registry.merged)
        self._candidates = []
        self.match()
        self.resolve_overlaps()
        self._bare_heads()
        self.provisions()
        return self.mentions

    def _bare_heads(self) -> None:
        """ "The Task Force includes NAATIP, …", "The Committee met twice", "in support of the
        Action Plan": a capitalized head noun alone after "the", or a phrase of two words that
        `_cue_name` left because a longer name ends with it, names the entity named last
        before it, in its passage or the two before (sentences of one paragraph, a table's
        cell), whose name ends with it (`_ends_with`), or in a table's description the row's
        (its first cell), or for a phrase the one entity of the document whose name ends with
        it; else nothing (no entity is named "Task Force")."""
        heads = sorted(self.cues.classes, key=len, reverse=True)
        if not heads:
            return
        alternatives = "|".join(re.escape(h) for h in heads)
        pattern = re.compile(rf"\b[Tt]he\s+({alternatives})\b"
                             rf"(?![\w'’-]|\s+(?:[A-Z(]|(?:{_NAME_GOES_ON})\s))")
        first_cells = {(c.table, c.row): c for table in self.doc.tables for row in table.rows
                       for c in row.cells if c.column == 1 and not c.is_empty}
        earlier: list[list[Mention]] = []  # the mentions of the two passages before
        for block in sorted(self._prose(), key=lambda b: (b.start, b.end)):
            text = self.doc.text[block.start:block.end]
            known = sorted(self.mentions.in_block(block), key=lambda k: (k.start, k.end))
            window = [k for ks in earlier for k in ks]
            earlier = [*earlier[-1:], known]
            spans = [(block.start + m.start(1), block.start + m.end(1), False)
                     for m in pattern.finditer(text)]
            spans += [(start, end, True)
                      for start, end in self._deferred.get((block.start, block.end), [])]
            for start, end, deferred in sorted(spans):
                if any(k.start <= start and end <= k.end for k in known):
                    continue
                head = fold(self.doc.text[start:end])
                before = [k for k in [*window, *known]
                          if k.end <= start and self._ends_with(k.iri, head)]
                iri = before[-1].iri if before else None
                row = first_cells.get((block.table, block.row)) \
                    if isinstance(block, TableCell) else None
                if iri is None and row is not None:
                    iri = self._row_entity(row, head)
                if iri is None and deferred:
                    named = self._longer_names_ending(head)
                    iri = named.pop() if len(named) == 1 else None
                if iri is not None:
                    self._add(iri, block, start, end, "anaphor:head")

    def _row_entity(self, cell: TableCell, head: str) -> URIRef | None:
        """The entity a table row's first cell names whose name ends with a head noun: one it
        mentions, or the one its words name once an acronym in parentheses is left out
        ("National Agency Against Trafficking in Persons (NAATIP) Task Force")."""
        for k in self.mentions.in_block(cell):
            if self._ends_with(k.iri, head):
                return k.iri
        name = " ".join(re.sub(r"\([^()]*\)|[*†‡§]", " ", self.doc.quote(cell)).split())
        found = self.registry.lookup(name, fuzzy=False) if name else None
        return found.iri if found is not None and self._ends_with(found.iri, head) else None

    def _ends_with(self, iri: URIRef, head: str) -> bool:
        """Whether an entity's label, or its part before a connector, ends with a head noun or
        phrase ("task force", "steering committee", folded): "Trafficking in Persons Action
        Plan", "National Steering Committee on Child Labor"."""
        entity = self.registry.entity(iri)
        return entity is not None and _ending(fold(entity.label), head)

    def _longer_names_ending(self, phrase: str) -> set[URIRef]:
        """The entities found in this document whose longer name ends with a phrase (as
        `_ends_with`): "the Steering Committee" is one of theirs, not an entity of its own."""
        folded = fold(phrase)
        return {iri for iri, e in self.registry.found.items()
                if _ending(fold(e.label), folded) and fold(e.label) != folded}

    def _merge_by_initials(self) -> None:
        """A name found in this document whose initials spell the acronym another entity of
        the same class was given here is that entity: "Ministry of Labor" after "Ministry of
        Civil Service, Labor, and Administrative Reform (MOL)", "National Agency for the
        Prohibition of Trafficking in Persons" after "… in Persons and Other Related Matters
        (NAPTIP)". An acronym given to two entities decides nothing."""
        found = self.registry.found
        by_acronym: dict[str, set[URIRef]] = {}
        for iri, entity in found.items():
            for acronym in entity.acronyms:
                by_acronym.setdefault(acronym.replace(".", "").upper(), set()).add(iri)
        for iri, entity in list(found.items()):
            if iri not in found or entity.acronyms:
                continue
            spelled = _spelled_by_initials(entity.label)
            owners = {owner for acronym, owners in by_acronym.items() if spelled.fullmatch(acronym)
                      for owner in owners if owner != iri and owner in found
                      and found[owner].cls == entity.cls}
            if len(owners) == 1:
                self.registry.merge(iri, owners.pop())

    def _merge_by_prefix(self) -> None:
        """A name of three or more words found in this document that begins, word for word,
        exactly one other name found here of the same class is the same entity ("National
        Steering Committee" and "National Steering Committee on Child Labor"): the longer name
        is its name, unless what it adds only says where the entity is or was ("… in Nigeria",
        "… at the MOJ", "(formerly …)": patterns.toml [names] place_qualifiers). Two names that
        were each given an acronym stay apart, and so do a name and a list that begins with it
        ("… and the Judicial Police": [names] list_joiners)."""
        found = self.registry.found
        qualifiers = tuple(w.lower() + " " for w in self.lexicon.words("names", "place_qualifiers"))
        joiners = [w.lower() for w in self.lexicon.words("names", "list_joiners")]
        labels = {iri: " ".join(fold(e.label, lower=False).split()) for iri, e in found.items()}
        for short in sorted(found, key=lambda iri: (len(labels[iri]), str(iri))):
            if short not in found or len(labels[short].split()) < 3:
                continue
            longer = [iri for iri in found if iri != short and found[iri].cls == found[short].cls
                      and labels[iri].startswith(labels[short] + " ")]
            if len(longer) != 1 or (found[short].acronyms and found[longer[0]].acronyms):
                continue
            tail = labels[longer[0]][len(labels[short]):].strip()
            head = tail[0] if tail[:1] in ",;&" else tail.split(" ", 1)[0].lower()
            if head in joiners:
                continue  # "… for Labor and the Judicial Police": two entities
            if tail.startswith("(") or (tail + " ").lower().startswith(qualifiers):
                self.registry.merge(longer[0], short)
            elif self._stands_alone(labels[short], labels[longer[0]]):
                self.registry.merge(short, longer[0])

    def _stands_alone(self, short: str, longer: str) -> bool:
        """Whether the name `short` is printed somewhere in the document other than as the
        start of `longer` (a name cut at a line's end, "… Immigration and Human", is not)."""
        whole = _alternation([fold(longer)])
        return any(not whole.match(self._folded, m.start())
                   for m in _alternation([fold(short)]).finditer(self._folded))


def _sentence_around(text: str, pos: int) -> str:
    """The sentence of `text` holding position `pos` (a passage may be a table cell of
    several), as the segmenter splits sentences."""
    return next((text[s:e] for s, e in split_view(text) if s <= pos < e), text)


def _spelled_by_initials(name: str) -> re.Pattern[str]:
    """The acronyms a name's initials spell: each capitalized word's initial, and optionally
    each lower-case word's ("Ministry of Labor": ML or MOL)."""
    words = re.findall(r"[^\W\d_][\w'’-]*", fold(name, lower=False))
    return re.compile("".join(w[0].upper() if w[0].isupper() else f"(?:{w[0].upper()})?"
                              for w in words) or "(?!)")


#: Mentions found by a detector at a place (not by a name): kept when names are matched again.
LOCATED_RULES = frozenset({"legal-identifier", "lexicon:legal-identifier", "ilo-convention",
                           "institution", "description", "government-demonym", "trailing-cue",
                           "appositive", "un-acronym"})


def _keep_located(mentions: Mentions, doc_id: str,
                  merged: dict[URIRef, URIRef] | None = None) -> Mentions:
    """Keep only the mentions found by detectors (legal identifiers); matching is redone."""
    kept = Mentions(doc_id)
    merged = merged or {}
    for m in mentions:
        if m.rule in LOCATED_RULES:
            iri = merged.get(m.iri, m.iri)
            kept.add(Mention(iri, m.start, m.end, m.rule, m.passage))
    return kept


def _apart_from_known(run: Run, text: str, covered: list[tuple[int, int]]) -> list[Run]:
    """The pieces of a run that are not known names (mentions found before), cut at the list
    joiners next to one: a comma, "&" or "and", "the" may follow. "Activity, USAID requested" and
    "Ministry of Justice, and UNICEF" leave the name before the joiner; "UMIRR, and Ministry of
    the Interior" and "MASPFA, MOJ, and Ministry of …" the name after it. A known name with no
    joiner before it is part of a longer name ("Support to UNICEF Project": the cue rule
    decides); after a joiner, one with no joiner after it ends the run ("Ministry of Lakes,
    UNICEF Office": what follows it is that name's, not a new one)."""
    ends: dict[int, int] = {}
    for start, end in covered:
        ends[start] = max(end, ends.get(start, end))
    tokens = run.tokens
    pieces: list[list[tuple[str, int, int]]] = []
    piece: list[tuple[str, int, int]] = []
    i = 0
    while i < len(tokens):
        end = ends.get(tokens[i][1])
        if end is None or end < tokens[i][2]:  # (none, or one ending inside the word)
            piece.append(tokens[i])
            i += 1
            continue
        lead = _before_joiner(piece, tokens[i], text)
        if piece and lead is None:
            piece.append(tokens[i])  # inside a longer name
            i += 1
            continue
        if lead:
            pieces.append(lead)
        after = i + 1
        while after < len(tokens) and tokens[after][2] <= end:
            after += 1
        rest = _after_joiner(tokens, after, text)
        if rest is None:
            if piece:  # the known name and what follows it: not this run's name
                piece = []
                break
            piece = list(tokens[i:after])  # a known name opening a longer one
            i = after
            continue
        piece, i = [], rest
    if piece:
        pieces.append(piece)
    return [Run(tuple(p)) for p in pieces if p]


def _before_joiner(piece: list[tuple[str, int, int]], known: tuple[str, int, int],
                   text: str) -> list[tuple[str, int, int]] | None:
    """The tokens of `piece` before the list joiner that ends it right before a known name's
    first token, or None when no joiner does."""
    lead = list(piece)
    if lead and lead[-1][0].lower() == "the":
        lead.pop()
    joined = bool(lead) and lead[-1][0].lower() == "and"
    if joined:
        lead.pop()
    following = piece[len(lead)] if len(piece) > len(lead) else known
    if lead and re.search(r"[,&]", text[lead[-1][2]:following[1]]):
        joined = True
    return lead if joined and lead else None


def _after_joiner(tokens: tuple[tuple[str, int, int], ...], at: int, text: str) -> int | None:
    """The index of the first token after the list joiner that starts at token `at` (right
    after a known name), or None when none does (or nothing follows it)."""
    if at >= len(tokens):
        return None
    joined = bool(re.search(r"[,&]", text[tokens[at - 1][2]:tokens[at][1]]))
    if tokens[at][0].lower() == "and":
        at, joined = at + 1, True
    if joined and at < len(tokens) and tokens[at][0].lower() == "the":
        at += 1
    return at if joined and at < len(tokens) else None


@lru_cache(maxsize=8)
def _not_part_of_a_name(lexicon: Lexicon) -> frozenset[str]:
    """The capitalized words after a region's name that do not make it part of a longer name
    (patterns.toml [places.other_place] region_words and title_words, [names] connectors)."""
    return frozenset([*lexicon.words("places", "other_place", "region_words"),
                      *lexicon.words("places", "other_place", "title_words"),
                      *(w.capitalize() for w in lexicon.words("names", "connectors"))])


@lru_cache(maxsize=8)
def _other_place_res(lexicon: Lexicon) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """The words after and before a country's name that make it another place's name: a
    pattern matched at the name's end, and one searched up to its start."""
    words = {side: "|".join(_SP.join(map(re.escape, w.split()))
                            for w in sorted(lexicon.words("places", "other_place", side),
                                            key=len, reverse=True))
             for side in ("after", "before")}
    return (re.compile(rf"{_SP}(?:{words['after']})(?!\w)") if words["after"] else None,
            re.compile(rf"(?<!\w)(?:{words['before']}){_SP}\Z") if words["before"] else None)


def _alternation(forms: Iterable[str]) -> re.Pattern[str]:
    """Any of the name forms as whole words, the longest first, their words separated by any
    white space within a line."""
    alternatives = []
    for form in sorted(forms, key=lambda f: (-len(f), f)):
        alternatives.append(_SP.join(re.escape(w) for w in form.split()))
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])")


def _initials_cover(acronym: str, name: str) -> bool:
    """Whether the acronym's letters are among the initials of the name's words (any order)."""
    initials = [w[0].lower() for w in re.findall(r"[A-Za-z][\w']*", fold(name, lower=False))]
    for letter in (c.lower() for c in acronym if c.isalpha()):
        if letter not in initials:
            return False
        initials.remove(letter)
    return True


def find_mentions(doc: Document, registry: EntityRegistry,
                  skip_discovery: Iterable[Block] = ()) -> tuple[Mentions, list]:
    """The mentions of a document (registering the entities it discovers) and the
    possessive pairs ("Ministry of Labor's National Directorate of Labor")."""
    finder = MentionFinder(doc, registry, skip_discovery)
    mentions = finder.run()
    return mentions, finder.possessives
