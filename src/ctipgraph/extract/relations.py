"""Relations between entities stated in prose, table descriptions, footnotes and bibliography
entries: funds, implements, leads, supports, partners with, establishes, evaluates, is a member
of; the amounts of fundings and the budgets of bodies. Cue phrases and the classes either side
may have come from patterns.toml [relations.*]; the structure of sentences from
``extract.clauses``.

A relation is stated only between two entities the sentence relates:

- a *passive* cue ("implemented by", "with the support of") relates the list of agents right
  after it to the item it is attached to: the named item just before it ("GLO.ACT, implemented
  by …"), the noun phrase it follows ("a $15 million project implemented by …", which stands
  for the item it is in apposition to, or for the row's subject in a table description), the
  subject of a passive main clause ("The Education for All Program … is implemented by …"), or
  — in a sentence without subject ("Implemented by CNLTE.") — the row's subject;
- a *suffix* cue ("EU and FAO-funded") relates the agents ending at the hyphen to the item its
  noun phrase names or stands for;
- an *active* cue ("Order No. 06-1940 established the CNS") relates the clause's subject to the
  named item right after it.

A cue inside a negated clause states nothing. An amount always sits on a ``ctip:Funding`` of the
item its noun phrase stands for ("$25 million … program"), with the funders the phrase names
(none when it names none), never on the item. Methods are ``pattern:<relation>`` (or the table's
method when called for a table row); inferred facts are claims with ``ctip:inferred true`` and a
method ``inference:<rule>`` (see ``inferred``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rdflib import Literal, URIRef

from ..iris import entity_iri
from ..link.lexicon import Lexicon, fold
from ..namespaces import CTIP
from ..read.model import BibEntry, Block
from .clauses import Sentence, analyse, negated
from .context import (
    ACTOR_CLASSES,
    INSTRUMENT_CLASSES,
    INTERVENTION_CLASSES,
    Context,
    gyear,
)
from .results import Period, sentence_results
from .signings import signing, when_where
from .units import UMention, Unit, make_unit
from .values import Amount, amounts, years

ORGANIZATION_CLASSES = ACTOR_CLASSES - {"Person"}
GROUPS = {
    "Actor": ACTOR_CLASSES - {"ArmedGroup"},
    "Intervention": INTERVENTION_CLASSES,
    "LegalInstrument": INSTRUMENT_CLASSES,
    "Organization": ORGANIZATION_CLASSES - {"ArmedGroup"},
}
_GOV = "GovernmentBody"
_MASK = "\x00"


@dataclass
class RelationResult:
    """What a unit yielded that its caller may still need."""

    used_amounts: list[Amount]


@dataclass(frozen=True)
class Spec:
    """One relation of patterns.toml [relations.<name>]."""

    name: str
    method: str
    prop: URIRef | None
    items: frozenset[str]
    agents: frozenset[str]
    reverse: bool
    subject_anywhere: bool
    passive: re.Pattern[str] | None
    suffix: re.Pattern[str] | None
    active: re.Pattern[str] | None
    active_with: re.Pattern[str] | None


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(fold(w)) for w in sorted(words, key=len, reverse=True))


def _classes(names: list[str]) -> frozenset[str]:
    out: set[str] = set()
    for name in names:
        out |= GROUPS.get(name, {name})
    return frozenset(out)


@lru_cache(maxsize=8)
def _specs(lexicon_id: int, lexicon: Lexicon) -> tuple[Spec, ...]:
    found = []
    for name, spec in lexicon.section("relations").items():
        if not isinstance(spec, dict) or "property" not in spec:
            continue

        def cue(key: str, prefix: str = r"(?<![\w-])", spec: dict = spec) -> re.Pattern | None:
            words = spec.get(key, [])
            return re.compile(rf"{prefix}(?:{_alt(words)})(?!\w)") if words else None

        found.append(Spec(
            name=name, method=spec.get("method", f"pattern:{name}"), prop=CTIP[spec["property"]],
            items=_classes(spec.get("items", [])),
            agents=_classes(spec.get("agents", [])), reverse=spec.get("emit") == "agent-item",
            subject_anywhere=bool(spec.get("subject_anywhere")),
            passive=cue("passive"), suffix=cue("suffix", prefix="-"), active=cue("active"),
            active_with=cue("active_with")))
    return tuple(found)


def specs(lexicon: Lexicon) -> tuple[Spec, ...]:
    return _specs(id(lexicon), lexicon)


@lru_cache(maxsize=8)
def _words(lexicon_id: int, lexicon: Lexicon) -> dict[str, re.Pattern[str]]:
    def words(key: str) -> list[str]:
        return lexicon.words("relations", key)

    return {
        "head_end": re.compile(rf"(?<!\w)(?:{_alt(words('heads'))})\s*,?\s*$"),
        "head_after": re.compile(rf"(?<!\w)(?:{_alt(words('heads'))})(?!\w)"),
        "attached": re.compile(
            rf"\)?(?:\s*(?:\([^()]*\)|[*†‡”\"’]))*\s*(?:(?:{_alt(words('heads'))})"
            rf"(?:\s*\([^()]*\))*)?\s*,?\s*(?:(?:{_alt(words('attached'))})\s+)*"),
        "list_opener": re.compile(
            rf"(?:[a-z][\w-]*\s+){{1,4}}?(?:[a-z][\w-]*),?\s+(?:{_alt(words('list_openers'))})"
            r"\s+"),
        "budget": re.compile(
            rf"(?<!\w)(?:{_alt(lexicon.words('relations', 'budget', 'cues'))})\s*(?=\\?\$|\d|usd)"),
        "government": re.compile(
            rf"(?<!\w)(?:{_alt(lexicon.words('relations', 'government', 'words'))})(?!\w)"),
        "stops": re.compile(rf"(?:{_alt(words('np_stops'))})"),
    }


# a capitalized word right after a name: the name is part of a longer one it does not cover
_CAPITALIZED_NEXT = re.compile(r"[^\S\n]+[A-Z][a-z]")


def _cues(lexicon: Lexicon) -> dict[str, re.Pattern[str]]:
    return _words(id(lexicon), lexicon)


# -- entities in agent position --------------------------------------------------------------


def government_of(ctx: Context, country: URIRef) -> URIRef:
    """The government of a country (registered as a GovernmentBody when new)."""
    label = f"Government of {ctx.registry.label_of(country)}"
    found = ctx.registry.lookup(label, cls=_GOV, fuzzy=False)
    if found is not None:
        return ctx.registry.use(found.iri)
    iri = entity_iri("org", f"government-of-{str(country).rsplit('/', 1)[-1]}")
    return ctx.registry.use(ctx.registry.resolve(label, _GOV, iri=iri, rule="government-of",
                                                 country=country).iri)


# -- facts ------------------------------------------------------------------------------------


def inferred(ctx: Context, s: URIRef, p: URIRef, o, passages: Sequence[Block | None],
             rule: str) -> URIRef | None:
    """A fact the passages imply without stating it: its claim says ``ctip:inferred true`` and
    names the rule (``inference:<rule>``); pages and traces label it as inferred."""
    claim = ctx.fact(s, p, o, passages, f"inference:{rule}")
    if claim is not None:
        ctx.emitter.plain(claim, CTIP.inferred, Literal(True))
    return claim


def funding(ctx: Context, item: URIRef, funders: Sequence[URIRef], amount: Amount | None,
            passages: Sequence[Block | None], method: str, *, matching: bool = False,
            year: int | None = None, fiscal_year: int | None = None,
            funder_rule: str | None = None,
            funder_passages: Sequence[Block | None] | None = None) -> URIRef | None:
    """A ctip:Funding (a ctip:MatchingFunding) of `item` by `funders` (joint when several, none
    when the text does not say who gives the money), with its amount; the plain ctip:fundedBy
    of each funder (none for matching funds: the grant is someone else's). `funder_rule` makes
    the funder an inference (quoting `funder_passages`, what it is inferred from). Without
    amount and funder there is nothing to say."""
    funders = list(dict.fromkeys(funders))
    by_funder = funder_passages if funder_passages is not None else passages
    for funder in funders if not matching else []:
        if funder_rule:
            inferred(ctx, item, CTIP.fundedBy, funder, by_funder, funder_rule)
        else:
            ctx.fact(item, CTIP.fundedBy, funder, passages, method)
    if amount is None and (not matching or not funders):
        return None
    slug = [str(item).rsplit("/", 1)[-1]] + (["matching"] if matching else [])
    slug += sorted(str(f).rsplit("/", 1)[-1] for f in funders)
    iri = ctx.nary("funding", *slug, year)
    ctx.typed(iri, CTIP.MatchingFunding if matching else CTIP.Funding)
    ctx.fact(iri, CTIP.fundedItem, item, passages, method)
    for funder in funders:
        if funder_rule:
            inferred(ctx, iri, CTIP.funder, funder, by_funder, funder_rule)
        else:
            ctx.fact(iri, CTIP.funder, funder, passages, method)
    stated = ctx.emitter.graph.value(iri, CTIP.amount)
    if amount is not None and stated is not None and stated != Literal(amount.value):
        # "$82,000 (49 million CFA)", or a second amount of the same year: the first stands
        ctx.unlinked.append(f"{method}: {iri} is also said to be {amount.value} "
                            f"{amount.currency}; kept the first amount")
    elif amount is not None:
        ctx.fact(iri, CTIP.amount, Literal(amount.value), passages, method)
        ctx.fact(iri, CTIP.currency, Literal(amount.currency), passages, method)
    if year:
        ctx.fact(iri, CTIP.year, gyear(year), passages, method)
    if fiscal_year:
        ctx.fact(iri, CTIP.fiscalYear, gyear(fiscal_year), passages, method)
    return iri


# -- reading one unit -------------------------------------------------------------------------


@dataclass(frozen=True)
class Arg:
    """An entity taking part in a relation, and where the unit names it."""

    iri: URIRef
    start: int
    end: int
    cls: str | None
    topic: bool = False  # the row's (or summary's) subject, not named in this sentence


@dataclass
class _NP:
    """A noun phrase describing an item: "$13 million EU-funded global project"."""

    start: int
    end: int
    item: Arg | None
    funders: list[Arg] = field(default_factory=list)


class UnitReader:
    """Reads the relations of one unit; `topic` is the row's (or summary's) subject that
    sentences without a subject of their own are about, `topic_blocks` the passages naming it."""

    def __init__(self, ctx: Context, unit: Unit, topic: URIRef | None, method: str | None,
                 topic_blocks: Sequence[Block] = (), period: Period | None = None,
                 only: frozenset[str] | None = None) -> None:
        self.ctx, self.unit, self.method = ctx, unit, method
        self.only = only  # the relations to read (None: all, with amounts and results)
        self.period = period  # a project summary's duration (its results' period)
        self.text = unit.text
        self.folded = fold(unit.text)
        self.cues = _cues(ctx.lexicon)
        self.sentences = analyse(ctx.lexicon, unit)
        self.money = amounts(unit.text, ctx.lexicon)
        self.used: list[Amount] = []
        self.topic0 = topic
        self.topic_blocks = list(topic_blocks)
        self.mentions = self._mentions()
        self.masked = self._masked()

    # -- the unit's entities ----------------------------------------------------------------

    def _mentions(self) -> list[UMention]:
        found = list(self.unit.mentions)
        if self.ctx.country is not None:  # "the government" of the report's country
            gov = entity_iri("org", f"government-of-{str(self.ctx.country).rsplit('/', 1)[-1]}")
            for m in self.cues["government"].finditer(self.folded):
                if not any(x.start < m.end() and m.start() < x.end for x in found):
                    found.append(UMention(gov, m.start(), m.end()))
        return sorted(found, key=lambda m: (m.start, -m.end, str(m.iri)))

    def cls(self, m: UMention) -> str | None:
        cls = self.ctx.cls_of(m.iri)
        if cls is None and str(m.iri).rsplit("/", 1)[-1].startswith("government-of-"):
            return _GOV
        return cls

    def arg(self, m: UMention) -> Arg:
        return Arg(m.iri, m.start, m.end, self.cls(m))

    def at(self, pos: int, classes: frozenset[str]) -> UMention | None:
        """The longest mention starting at `pos` with one of the classes."""
        here = [m for m in self.mentions if m.start == pos and self.cls(m) in classes]
        return max(here, key=lambda m: m.end, default=None)

    def _masked(self) -> str:
        """The folded text with mentions and amounts masked (for noun-phrase scans)."""
        chars = list(self.folded)
        for m in self.mentions:
            for i in range(m.start, m.end):
                chars[i] = "x" if chars[i] != " " else "x"
        for a in self.money:
            for i in range(a.start, a.end):
                chars[i] = "$"
        masked = "".join(chars)
        # an agent list before a hyphen ("xx and xxx-funded") is one masked word
        return re.sub(r"x+(?:\s*\([^()]{1,20}\))?(?:(?:\s*,\s*|\s*,?\s+and\s+)x+"
                      r"(?:\s*\([^()]{1,20}\))?)+(?=-\w)",
                      lambda m: "x" * len(m.group()), masked)

    # -- lists of agents ---------------------------------------------------------------------

    def after(self, pos: int, classes: frozenset[str], limit: int | None = None) -> list[Arg]:
        """The list of entities starting at `pos` ("the UNODC, UNICEF, and the IOM"), after an
        optional short noun phrase with "including" ("multiple agencies, including USAID")."""
        end = limit if limit is not None else len(self.text)
        lead = re.match(r"\s*(?:the\s+)?", self.folded[pos:end])
        cursor = pos + (lead.end() if lead else 0)
        if self.at(cursor, classes) is None:
            opener = self.cues["list_opener"].match(self.folded, cursor, end)
            if opener is None:
                return []
            cursor = opener.end()
            lead = re.match(r"the\s+", self.folded[cursor:end])
            cursor += lead.end() if lead else 0
        found: list[Arg] = []
        while cursor < end:
            m = self.at(cursor, classes)
            if m is None or self.cls(m) == "Country" and _CAPITALIZED_NEXT.match(self.text, m.end):
                break  # "the Liberia Children Representative Forum": a name the country begins
            found.append(self.arg(m))
            rest = self.text[m.end:end]
            paren = re.match(r"\s*\([^)]{1,40}\)", rest)  # "(CNLTE)", "(Partenariat …)"
            offset = m.end + (paren.end() if paren else 0)
            glue = re.match(r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*;\s*)(?:the\s+)?",
                            self.folded[offset:end])
            if not glue or self.at(offset + glue.end(), classes) is None:
                break
            cursor = offset + glue.end()
        return found

    def before(self, pos: int, classes: frozenset[str]) -> list[Arg]:
        """The list of entities ending at `pos` ("EU and FAO" before "-funded")."""
        ending = [m for m in self.mentions if self.cls(m) in classes and m.end <= pos
                  and re.fullmatch(r"\s*(?:\([^()]{1,20}\))?", self.text[m.end:pos])]
        if not ending:
            return []
        last = min(ending, key=lambda m: (-m.end, m.start))
        if re.search(r"\b(?:of|for|de|du|des|la|le)\s+(?:the\s+)?$", self.folded[:last.start]):
            return []  # the tail of a longer name the text gives ("… (FAO) of the UN-funded")
        found = [last]
        while True:
            head = found[0]
            prev = [m for m in self.mentions if self.cls(m) in classes and m.end <= head.start
                    and re.fullmatch(r"\s*(?:\([^()]{1,20}\))?\s*(?:,\s*(?:and\s+)?|,?\s*and\s+)"
                                     r"(?:the\s+)?", self.folded[m.end:head.start])]
            if not prev:
                break
            found.insert(0, max(prev, key=lambda m: (m.end, -m.start)))
        return [self.arg(m) for m in found]

    # -- what a sentence is about -------------------------------------------------------------

    def topic_arg(self, s: Sentence, classes: frozenset[str], topic: URIRef | None) -> Arg | None:
        if topic is None or not (s.fragment or s.anaphor):
            return None
        if self.ctx.cls_of(topic) not in classes:
            return None
        return Arg(topic, s.body, s.body, self.ctx.cls_of(topic), topic=True)

    def attached(self, s: Sentence, pos: int, classes: frozenset[str]) -> Arg | None:
        """The named entity a cue at `pos` is attached to ("X (MJP), funded by", "the PROMIS
        project, funded by"); not an actor a program's head noun follows when a program may be
        what the cue says something of: "Government of Liberia program led by the MOL" is the
        program (the row's), not the government ("Ministry of Education program in
        partnership with X": a partner is an actor, the ministry)."""
        start = s.clause_start(self.text, pos)
        for m in reversed([m for m in self.mentions if start <= m.start and m.end <= pos]):
            between = self.folded[m.end:pos]
            if self.cues["attached"].fullmatch(between):
                if self.cls(m) in ACTOR_CLASSES and "Program" in classes \
                        and self.cues["head_after"].search(between):
                    return None
                return self.arg(m) if self.cls(m) in classes else None
            if not re.fullmatch(r"\s*\([^()]*\)\s*", between):
                return None
        return None

    def np_before(self, s: Sentence, end: int) -> int:
        """Where the noun phrase ending at `end` starts (modifiers, amounts, "a"/"an")."""
        start = s.body
        pos = end
        for m in reversed(list(re.finditer(r"\S+", self.masked[start:end]))):
            word = m.group().strip(",")
            if word in ("a", "an", "the"):
                return start + m.start()
            if re.search(r"[;:.()\"“”]", word.replace("$", "")) and not set(word) <= {"x", "$"}:
                return pos
            if self.cues["stops"].fullmatch(word):
                return pos
            pos = start + m.start()
        return pos

    def np_item(self, s: Sentence, np_start: int, head_end: int, classes: frozenset[str],
                topic: URIRef | None) -> Arg | None:
        """The item a descriptive noun phrase stands for: the item it names, the named item it
        is in apposition to, the subject of "X is a …", or the row's subject when the phrase
        opens a sentence without subject."""
        before = self.text[s.body:np_start]
        appos = re.search(r"(?:\s*\([^()]*\))*[*†‡\s]*[,:]\s*(?:an?\s+|the\s+)?$", before)
        if appos and np_start - len(appos.group()) > s.body:
            gap = re.compile(r"\)?[\s*†‡]*(?:\([^()]*\)[\s*†‡]*)*[,:]?\s*(?:an?\s+|the\s+)?")
            m = next((m for m in reversed(self.mentions)
                      if s.body <= m.start and m.end <= np_start
                      and gap.fullmatch(self.text[m.end:np_start])), None)
            if m is not None and m.start >= s.body:
                return self.arg(m) if self.cls(m) in classes else None
            return None
        if re.search(r"\b(?:is|was|are|were)\s+(?:an?\s+)?$", fold(before)):
            subject = s.subject
            if subject is not None and self.cls(subject) in classes:
                return self.arg(subject)
            return self.topic_arg(s, classes, topic) if s.anaphor else None
        after = re.match(r"\s*\(\s*[\"“]?", self.text[head_end:s.end])
        if after:
            m = self.at(head_end + after.end(), classes)
            if m is not None:
                return self.arg(m)
        if not before.strip(" ,"):
            label = re.match(r"([^.;:]{0,80}):", self.text[head_end:s.end])
            if label and re.search(r"\b[A-Z]", label.group(1)):
                return None  # "USDOS-funded programs to Combat …: …" titles a part of the row
            if self._member_of_umbrella(topic, head_end):
                return None  # "U.S. Government-Funded Programs": "USDOS-funded program to …"
            if s.subject is not None and s.subject.end <= head_end:
                # "Government of Liberia program led by the MOL …": the name is a modifier of
                # the phrase that opens the row's description, as in a fragment
                return self.topic_arg(replace(s, fragment=True), classes, topic)
            return self.topic_arg(s, classes, topic)
        return None

    def _member_of_umbrella(self, topic: URIRef | None, head_end: int) -> bool:
        """Whether the topic is named in the plural (an umbrella of items) and the phrase ending
        at `head_end` has the singular head: it describes one of the items, not the topic."""
        if topic is None:
            return False
        umbrella = self.ctx.lexicon.section("relations").get("umbrella_heads", {})
        last = re.findall(r"[\w-]+", fold(self.ctx.registry.label_of(topic)))
        head = re.findall(r"[\w-]+", self.folded[:head_end][-40:])
        return bool(last and head) and umbrella.get(last[-1]) == head[-1]

    # -- the relations ------------------------------------------------------------------------

    def read(self) -> None:
        topic = self.topic0
        for s in self.sentences:
            self.sentence(s, topic)
            topic = self._next_topic(s, topic)

    def _next_topic(self, s: Sentence, topic: URIRef | None) -> URIRef | None:
        """What the next sentences without subject are about: the named program a sentence
        opens with; nothing after a sentence opening with a name the text does not link (a
        new project: "Education Recovery Support Activity (2015–2020), a …")."""
        if s.fragment or s.anaphor:
            return topic
        if s.subject is not None:
            return s.subject.iri if self.cls(s.subject) in INTERVENTION_CLASSES else topic
        return None if s.named else topic

    def sentence(self, s: Sentence, topic: URIRef | None) -> None:
        nps: dict[tuple[int, int], _NP] = {}
        done: list[tuple[int, int, Arg]] = []  # (cue start, agents end, item) of this sentence
        for spec in specs(self.ctx.lexicon):
            if self.only is not None and spec.name not in self.only:
                continue
            for kind, pattern in (("suffix", spec.suffix), ("passive", spec.passive),
                                  ("active", spec.active), ("with", spec.active_with)):
                if pattern is None:
                    continue
                for m in pattern.finditer(self.folded, s.start, s.end):
                    if kind == "active" and (self.folded[m.end():m.end() + 3] == " by"
                                             or self.folded[m.start() - 1:m.start()] == "-"):
                        continue
                    if kind == "passive" and self.folded[m.start() - 1:m.start()] == "-":
                        continue
                    reader = {"suffix": self._suffix, "passive": self._passive,
                              "active": self._active, "with": self._active}[kind]
                    reader(spec, s, m.start(), m.end(), topic, nps, done)
        if self.only is not None:
            return
        self._np_amounts(s, topic, nps)
        self._budget(s, topic)
        self._signings(s, topic)
        self._results(s, topic)

    def _emit(self, spec: Spec, item: Arg, agents: list[Arg], s: Sentence) -> None:
        method = self.method or spec.method
        subject = self._as_agent(item)
        for agent in agents:
            a = self._as_agent(agent)
            if a is None or subject is None or a == subject or spec.prop is None:
                continue
            passages = self._passages(item, agent)
            if spec.reverse:
                self.ctx.fact(a, spec.prop, subject, passages, method)
            else:
                self.ctx.fact(subject, spec.prop, a, passages, method)

    def _as_agent(self, agent: Arg) -> URIRef | None:
        if agent.cls == "Country":
            return government_of(self.ctx, agent.iri)
        if agent.cls == _GOV and self.ctx.cls_of(agent.iri) is None \
                and self.ctx.country is not None:  # "the government", not yet registered
            return government_of(self.ctx, self.ctx.country)
        return agent.iri

    def _passages(self, *args: Arg) -> list[Block]:
        extra = self.topic_blocks if any(a.topic for a in args) else []
        return [*extra, *self.unit.blocks]

    def _negated(self, s: Sentence, start: int, end: int) -> bool:
        return negated(self.ctx.lexicon, self.text[max(s.clause_start(self.text, end), start):end])

    def _suffix(self, spec: Spec, s: Sentence, start: int, end: int, topic: URIRef | None,
                nps: dict, done: list) -> None:
        agents = [a for a in self.before(start, spec.agents | {"Country"})
                  if a.cls in spec.agents or (a.cls == "Country" and "Country" in spec.agents)]
        if not agents:
            return
        window = self.masked[end:min(s.end, end + 80)]
        named = next((m for m in self.mentions if end < m.start <= end + 60
                      and self.cls(m) in spec.items
                      and not re.search(r"[.;:()]", self.masked[end:m.start].replace("$", ""))
                      and not any(self.cues["stops"].fullmatch(w)
                                  for w in self.masked[end:m.start].split())), None)
        head = self.cues["head_after"].search(window)
        if head and any(self.cues["stops"].fullmatch(w) or re.search(r"[.;:()]", w)
                        for w in window[:head.start()].replace("$", "").split()):
            head = None
        item: Arg | None = None
        np_start = self.np_before(s, agents[0].start)
        head_end = end + head.end() if head else end
        if named is not None and (head is None or named.start <= end + head.start()):
            item = self.arg(named)
        elif head is not None:
            item = self.np_item(s, np_start, head_end, spec.items, topic)
        if item is None or self._negated(s, np_start, start):
            return
        self._emit(spec, item, agents, s)
        if spec.name == "funds":
            np = nps.setdefault((np_start, head_end), _NP(np_start, head_end, item))
            np.funders += agents
        elif head is not None:
            nps.setdefault((np_start, head_end), _NP(np_start, head_end, item))
        done.append((start, agents[-1].end, item))

    def _passive(self, spec: Spec, s: Sentence, start: int, end: int, topic: URIRef | None,
                 nps: dict, done: list) -> None:
        agents = self.after(end, spec.agents | {"Country"}, s.end)
        agents = [a for a in agents if a.cls in spec.agents or a.cls == "Country"
                  and "Country" in spec.agents]
        if not agents:
            return
        item = self._passive_item(spec, s, start, topic, nps, done)
        if item is None or item.iri in {a.iri for a in agents}:
            return
        if self._negated(s, item.end if not item.topic else s.body, start):
            return
        self._emit(spec, item, agents, s)
        done.append((start, agents[-1].end, item))
        if spec.name == "establishes":
            self._start_year(s, item)
        if spec.name == "funds":  # "is funded by Brazil ($400,000)"
            money = re.match(r"\s*\(\s*", self.text[agents[-1].end:s.end])
            if money:
                amount = next((a for a in self.money
                               if a.start == agents[-1].end + money.end()), None)
                if amount is not None:
                    self._funding(item, agents, amount, s)

    def _passive_item(self, spec: Spec, s: Sentence, start: int, topic: URIRef | None,
                      nps: dict, done: list) -> Arg | None:
        classes = spec.items
        if start < s.body:  # "Under the supervision of X, Y …"
            subject = s.subject
            return self.arg(subject) if subject and self.cls(subject) in classes else None
        for _, agents_end, item in reversed(done):  # "Led by X and supported by Y", "Led by
            # X, with the support of Y"
            if agents_end <= start and re.fullmatch(
                    r"(?:\s*\([^()]*\))?\s*(?:,\s*(?:and\s+)?|and\s+)",
                    self.folded[agents_end:start]):
                return item if item.cls in classes or item.topic else None
        item = self.attached(s, start, classes)
        if item is not None:
            return item
        head = self.cues["head_end"].search(self.folded, s.body, start)
        if head is not None:  # "… global project implemented by"
            head_end = head.start() + len(head.group().rstrip(" ,"))
            np_start = self.np_before(s, head_end)
            item = self.np_item(s, np_start, head_end, classes, topic)
            if item is not None:
                nps.setdefault((np_start, head_end), _NP(np_start, head_end, item))
            return item
        subject = s.subject
        if subject is not None and subject.end <= start \
                and s.clause_start(self.text, start) <= subject.start:
            between = self.folded[subject.end:start]
            if self.cls(subject) in classes and (
                    re.search(r"\b(?:is|was|are|were|be|been)\s+(?:(?:also|jointly|now|"
                              r"currently|being)\s+)?$", between)
                    or spec.subject_anywhere and not re.search(r"\b(?:which|who|that)\b",
                                                               between)):
                return self.arg(subject)
        if s.fragment and (start == s.body or re.search(
                r"\b(?:is|are|was|were)\s+$", self.folded[s.body:start])):
            return self.topic_arg(s, classes, topic)
        if s.anaphor and re.search(r"\b(?:is|are|was|were)\s+(?:also\s+)?$",
                                   self.folded[s.body:start]):
            return self.topic_arg(s, classes, topic)
        return None

    def _active(self, spec: Spec, s: Sentence, start: int, end: int, topic: URIRef | None,
                nps: dict, done: list) -> None:
        """ "Order No. 06-1940 established the CNS", "Implemented the National Policy …";
        partners: "X collaborated with Y"."""
        with_cue = spec.active_with is not None and spec.active_with.match(self.folded, start)
        agents = self._subject_list(s, start, spec.items if with_cue else spec.agents, topic)
        if not agents:
            return
        if with_cue:  # "X collaborated with Y": X is the item, Y the agents
            others = [a for a in self.after(end, spec.agents | {"Country"}, s.end)
                      if a.cls in spec.agents or a.cls == "Country"]
            if others and not self._negated(s, agents[-1].end, start):
                for subject in agents:
                    self._emit(spec, subject, others, s)
            return
        rest = self.folded[end:s.end]
        lead = re.match(r"\s*(?:,\s*(?:in\s+\w+\s+with\s+[^,]{1,160}),\s*)?"
                        r"(?:the\s+|an?\s+)?[*\"“]?", rest)
        pos = end + (lead.end() if lead else 0)
        target = self.at(pos, spec.items)
        if target is None or self._negated(s, agents[-1].end, start):
            return
        item = self.arg(target)
        self._emit(spec, item, agents, s)
        if spec.name == "establishes":
            self._start_year(s, item)

    def _subject_list(self, s: Sentence, cue: int, classes: frozenset[str],
                      topic: URIRef | None) -> list[Arg]:
        """The subject(s) of the clause a cue at `cue` is the verb of."""
        between = self.folded[s.body:cue]
        if s.fragment and not between.strip():
            arg = self.topic_arg(s, classes, topic)
            return [arg] if arg else []
        subject = s.subject
        if subject is None:
            return []
        found = self.after(subject.start, classes | {"Country"}, cue)
        if not found or found[0].start != subject.start:
            return []
        tail = self.folded[found[-1].end:cue]
        if not re.fullmatch(r"\s*(?:\([^()]*\))?\s*,?\s*(?:(?:has|have|had|also|then|jointly|"
                            r"recently|formally|officially|later|subsequently)\s+)*", tail):
            return []
        return [a for a in found if a.cls in classes or a.cls == "Country"]

    def _start_year(self, s: Sentence, target: Arg) -> None:
        found = {y for y, st, _ in years(self.text[s.start:s.end])
                 if re.search(r"(?:^|\b)in\s+$",
                              self.text[s.start:s.end][max(0, st - 4):st], re.IGNORECASE)}
        if len(found) == 1 and target.cls in (ACTOR_CLASSES - {"ArmedGroup"}):
            self.ctx.fact(target.iri, CTIP.startYear, gyear(found.pop()), self._passages(target),
                          self.method or "pattern:established")

    # -- amounts and budgets ------------------------------------------------------------------

    def _funding(self, item: Arg, funders: list[Arg], amount: Amount, s: Sentence,
                 year: int | None = None) -> None:
        if amount in self.used:
            return
        self.used.append(amount)
        agents = [a for a in (self._as_agent(f) for f in funders) if a is not None]
        funding(self.ctx, item.iri, agents, amount, self._passages(item, *funders),
                self.method or "pattern:funded-by", year=year)

    def _np_amounts(self, s: Sentence, topic: URIRef | None, nps: dict) -> None:
        """An amount in a noun phrase describing an item is a funding of that item, by the
        funders the phrase names (none when it names none)."""
        for amount in self.money:
            if not (s.body <= amount.start < s.end) or amount in self.used:
                continue
            np = next((n for n in nps.values() if n.start <= amount.start < n.end), None)
            if np is None:
                head = self.cues["head_after"].search(self.masked, amount.end,
                                                      min(s.end, amount.end + 60))
                if head is None or any(self.cues["stops"].fullmatch(w)
                                       or re.search(r"[.;:()]", w.replace("$", ""))
                                       for w in self.masked[amount.end:head.start()].split()):
                    continue
                np_start = self.np_before(s, amount.start)
                item = self.np_item(s, np_start, head.end(), GROUPS["Intervention"], topic)
                np = _NP(np_start, head.end(), item)
            if np.item is not None and np.item.cls in INTERVENTION_CLASSES:
                self._funding(np.item, np.funders, amount, s)

    def _budget(self, s: Sentence, topic: URIRef | None) -> None:
        """ "In 2017, received a budget of $53,957": a funding of the body, whose funder (the
        government of its country) is inferred."""
        spec = self.ctx.lexicon.section("relations", "budget")
        classes = frozenset(spec.get("items", []))
        for m in self.cues["budget"].finditer(self.folded, s.body, s.end):
            amount = next((a for a in self.money if a.start == m.end()), None)
            if amount is None or amount in self.used:
                continue
            body = self.attached(s, m.start(), classes)
            subject = s.subject
            if body is None and subject is not None and self.cls(subject) in classes \
                    and subject.end <= m.start() and re.fullmatch(r"\s*(?:\([^()]*\)\s*)?",
                                     self.folded[subject.end:m.start()]):
                body = self.arg(subject)
            if body is None and s.fragment and m.start() == s.body:
                body = self.topic_arg(s, classes, topic)
            if body is None or self._negated(s, body.end if not body.topic else s.body,
                                            m.start()):
                continue
            self.used.append(amount)
            entity = self.ctx.registry.entity(body.iri)
            country = (entity.country if entity else None) or self.ctx.country
            funders = [government_of(self.ctx, country)] if country is not None else []
            funding(self.ctx, body.iri, funders, amount, self._passages(body),
                    self.method or "pattern:budget", year=self._year(s, amount.end),
                    funder_rule="national-body-budget")

    def _year(self, s: Sentence, after: int) -> int | None:
        """The year a sentence dates a fact to: "In 2017, …", "… in 2020", else the only year
        it names, else the reporting year."""
        opening = re.search(r"\b(?:in|during|by)\s+((?:19|20)\d{2})\b",
                            self.folded[s.start:s.body])
        if opening:
            return int(opening.group(1))
        near = re.match(r"[^.;]{0,40}?\bin\s+((?:19|20)\d{2})\b", self.folded[after:s.end])
        if near:
            return int(near.group(1))
        stated = {y for y, _, _ in years(self.text[s.start:s.end])}
        return stated.pop() if len(stated) == 1 else self.ctx.reporting_year

    # -- agreement signings -------------------------------------------------------------------

    def _signings(self, s: Sentence, topic: URIRef | None) -> None:
        """ "The Government of Mali and the UN signed a protocol agreement … (Protocol)", "an
        Inter-Ministerial Circular (Circular) was signed on …", "…, signed on July 27, 2005, in
        Abidjan", "A UN-signed protocol agreement": the signing of a named agreement."""
        spec = self.ctx.lexicon.section("agreements")
        agreements = GROUPS["LegalInstrument"] - {"Law", "LegalProvision"}
        parties = ACTOR_CLASSES - {"Person"} | {"Country"}
        cue = re.compile(rf"(?<![\w-])(?:{_alt(spec.get('signed', []))})(?!\w)")
        suffix = re.compile(rf"-(?:{_alt(spec.get('signed_suffix', []))})(?!\w)")
        for m in suffix.finditer(self.folded, s.start, s.end):
            signers = self.before(m.start(), parties)
            if not signers:
                continue
            window = self.folded[m.end():min(s.end, m.end() + 40)]
            named = next((x for x in self.mentions if m.end() < x.start <= m.end() + 30
                          and self.cls(x) in agreements
                          and not re.search(r"[.;:()]", self.text[m.end():x.start])), None)
            item = self.arg(named) if named is not None else None
            head = self.cues["head_after"].match(window.lstrip(" "))
            if item is None and head is not None:
                item = self.np_item(s, self.np_before(s, signers[0].start),
                                    m.end() + 1 + head.end(), agreements, topic)
            if item is None or self._negated(s, s.body, signers[0].start):
                continue
            self._sign(s, item, signers, m.end())
        for m in cue.finditer(self.folded, s.start, s.end):
            clause_end = s.clause_end(self.text, m.end())
            item, signers = None, []
            before = self.attached(s, m.start(), agreements)
            if before is not None:  # "an Inter-Ministerial Circular (Circular) was signed"
                item = before
                by = re.match(r"\s+by\s+", self.folded[m.end():clause_end])
                if by:
                    signers = self.after(m.end() + by.end(), parties, clause_end)
            else:  # "X and Y signed a protocol agreement … (Protocol)"
                signers = self._subject_list(s, m.start(), parties, topic)
                target = next((x for x in self.mentions if m.end() < x.start < clause_end
                               and x.start - m.end() <= 120 and self.cls(x) in agreements), None)
                if not signers or target is None or re.search(
                        r"[;.]", self.text[m.end():target.start]):
                    continue
                item = self.arg(target)
                with_ = re.search(r"\bwith\s+", self.folded[target.end:clause_end])
                if with_:
                    signers += self.after(target.end + with_.end(), parties, clause_end)
            if item is None or self._negated(s, s.body, m.start()):
                continue
            self._sign(s, item, signers, m.end())

    def _sign(self, s: Sentence, item: Arg, signers: list[Arg], cue_end: int) -> None:
        when = when_where(self.ctx, self.unit, (s.start, s.body), cue_end,
                          s.clause_end(self.text, cue_end), item.end)
        parties = [a for a in (self._as_agent(x) if x.cls != "Country" else x.iri
                               for x in signers) if a is not None]
        signing(self.ctx, item.iri, parties, when, self._passages(item, *signers),
                self.method or "pattern:agreement-signing")

    def _results(self, s: Sentence, topic: URIRef | None) -> None:
        sentence_results(self, s, topic)


# -- entry points -----------------------------------------------------------------------------


def all_relations(ctx: Context, unit: Unit, subject: URIRef | None = None,
                  method: str | None = None, subject_blocks: Sequence[Block] = (),
                  period: Period | None = None) -> RelationResult:
    """Every relation pattern over one unit; `subject` is what a table row or a summary is
    about (sentences without a subject of their own are about it), `subject_blocks` the
    passages naming it (quoted too when a fact is about it), `period` a summary's duration."""
    reader = UnitReader(ctx, unit, subject, method, subject_blocks, period)
    reader.read()
    return RelationResult(reader.used)


def leadership(ctx: Context, unit: Unit, subject: URIRef | None = None,
               method: str = "pattern:led-by", subject_blocks: Sequence[Block] = ()) -> None:
    """Only the leadership of a row's subject ("Chaired by the Ministry of Labor")."""
    reader = UnitReader(ctx, unit, subject, method, subject_blocks)
    leads = next(s for s in specs(ctx.lexicon) if s.name == "leads")
    for s in reader.sentences:
        if leads.passive is None:
            continue
        for m in leads.passive.finditer(reader.folded, s.start, s.end):
            reader._passive(leads, s, m.start(), m.end(), subject, {}, [])


def membership(ctx: Context, unit: Unit, body: URIRef, method: str) -> None:
    """Kept for table callers: members are read by `all_relations` ([relations.includes])."""
    return None


def references(ctx: Context) -> None:
    """What bibliography entries' titles state: "Decree 2011-036 to create a National
    Coordinating Committee …" (establishes), "Independent Final Evaluation of “A Better Future
    for Mali's Children …” Project" by Upton, S. (evaluated by the entry's authors)."""
    for entry in ctx.doc.bibliography:
        if not entry.is_passage:
            continue
        unit = make_unit(ctx, [entry])
        UnitReader(ctx, unit, None, None, only=frozenset({"establishes"})).read()
        _evaluation(ctx, entry, unit)


def _evaluation(ctx: Context, entry: BibEntry, unit: Unit) -> None:
    spec = ctx.lexicon.section("relations", "evaluates")
    title = entry.title or ""
    at = unit.text.find(title) if title else -1
    if at < 0:
        return
    folded = fold(unit.text)
    cue = re.compile(rf"(?<!\w)(?:{_alt(spec.get('titles', []))})(?!\w)")
    m = cue.search(folded, at, at + len(title))
    if m is None:
        return
    end = at + len(title)
    programs = [x.iri for x in unit.mentions if m.end() <= x.start and x.end <= end + 2
                and ctx.cls_of(x.iri) in INTERVENTION_CLASSES]
    if not programs:
        heads = _alt(spec.get("title_heads", []))
        quoted = re.search(rf"[“\"]([^”\"]{{3,200}})[”\"]\s*(?:{heads})(?!\w)",
                           folded[m.end():end])
        if quoted is None:
            return
        name = " ".join(unit.text[m.end() + quoted.start(1):m.end() + quoted.end(1)].split())
        programs = [ctx.resolve(name.strip(" ,.:"), "Program", rule="pattern:evaluation-title")]
        ctx.mention(programs[0], [entry], "pattern:evaluation-title")
    evaluators = []
    for author in entry.authors:
        mention = next((x for x in unit.mentions if x.start < at
                        and ctx.cls_of(x.iri) in GROUPS["Actor"]
                        and fold(unit.text[x.start:x.end]) in fold(author)), None)
        if mention is not None:
            evaluators.append(mention.iri)
            continue
        person = re.fullmatch(r"([A-Z][\w'’-]+),\s*((?:[A-Z]\.\s*)+)", author.strip())
        if person:
            name = f"{person.group(2).strip()} {person.group(1)}"
            iri = ctx.resolve(name, "Person", rule="pattern:evaluation-reference")
        else:
            iri = ctx.resolve(author.strip(" ."), "Organization",
                              rule="pattern:evaluation-reference")
        ctx.mention(iri, [entry], "pattern:evaluation-reference")
        evaluators.append(iri)
    for program in programs:
        for evaluator in evaluators:
            ctx.fact(program, CTIP.evaluatedBy, evaluator, [entry],
                     "pattern:evaluation-reference")
