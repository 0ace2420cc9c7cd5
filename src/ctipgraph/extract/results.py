"""Project results: "The project prevented 6,024 children from trafficking", "In 2019, provided
reintegration services to 39 child soldiers" (a table row about the program), "…, and education
services to 157,873 children". Each is a ``ctip:Observation`` of an indicator (patterns.toml
[results]: the verb before the number → ``ctipc:indicator/…``) that is the result of the
program (``ctip:resultOf``), with its value, unit (what was counted), the form of exploitation
the sentence names and its period: the year the sentence opens with ("In 2019, …"), the
reporting year ("During the reporting period, …") or — in a project summary, whose results are
the project's — the project's duration, inferred (``inference:result-period-is-project-duration``).

A result is read only where the program is the subject of the verb: the row's subject of a
sentence without subject, the program a sentence opens with, or "The project" of a summary. A
passive without agent ("88 children were removed from armed groups") says nothing of who did it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef

from ..link.lexicon import Lexicon, fold
from ..namespaces import CTIP, CTIPC, ID
from ..read.model import Block
from .clauses import Sentence, negated
from .context import INTERVENTION_CLASSES, gyear, xdate
from .values import parse_number

if TYPE_CHECKING:
    from .relations import Arg, UnitReader


def inferred(ctx, s, p, o, passages, rule) -> None:
    """See relations.inferred (imported late: relations imports this module)."""
    from .relations import inferred as infer

    infer(ctx, s, p, o, passages, rule)

METHOD = "pattern:project-result"
PERIOD_RULE = "result-period-is-project-duration"


@dataclass(frozen=True)
class Period:
    """A project's duration as its summary states it, and the passage stating it."""

    block: Block
    start_year: int | None = None
    end_year: int | None = None
    start_date: str | None = None
    end_date: str | None = None


def _alt(words) -> str:
    return "|".join(re.escape(fold(w)) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=8)
def _patterns(lexicon_id: int, lexicon: Lexicon) -> dict[str, re.Pattern[str]]:
    spec = lexicon.section("results")
    who = _alt(spec.get("children", []) + spec.get("people", []))
    number = (r"(?:(?:about|approximately|around|nearly|over|more than|at least|some)\s+)?"
              r"(?P<n>\d{1,3}(?:,\d{3})+|\d+)\s+(?:[a-z-]+\s+){0,2}?"
              rf"(?P<who>{who})(?!\w)")
    return {
        "verb": re.compile(rf"(?<!\w)(?P<cue>{_alt(spec.get('verbs', {}))})\s+{number}"),
        "coordinated": re.compile(
            rf"[^;.]{{0,120}}?,?\s+and\s+(?P<cue>{_alt(spec.get('coordinated', {}))})\s+{number}"),
        "year": re.compile(r"(?:in|during|by)\s+(?P<y>(?:19|20)\d{2})\s*,"),
        "reporting": re.compile(rf"(?:{_alt(spec.get('reporting_period', []))})"),
    }


def _indicator(lexicon: Lexicon, key: str, cue: str) -> URIRef | None:
    table = {fold(k): v for k, v in lexicon.section("results").get(key, {}).items()}
    notation = table.get(" ".join(cue.split()))
    return CTIPC[f"indicator/{notation}"] if notation else None


def _program(reader: UnitReader, s: Sentence, pos: int, topic: URIRef | None) -> Arg | None:
    """The program that is the subject of a verb at `pos`."""
    if s.fragment and pos == s.body or s.anaphor and re.fullmatch(
            r"(?:the|this)\s+\w+\s+(?:also\s+|has\s+|had\s+)?", reader.folded[s.body:pos]):
        return reader.topic_arg(s, INTERVENTION_CLASSES, topic)
    subject = s.subject
    if subject is not None and reader.cls(subject) in INTERVENTION_CLASSES \
            and subject.end <= pos and re.fullmatch(
            r"\s*(?:\([^()]*\)\s*)?(?:also\s+|has\s+|had\s+)?", reader.folded[subject.end:pos]):
        return reader.arg(subject)
    return None


def sentence_results(reader: UnitReader, s: Sentence, topic: URIRef | None) -> None:
    """The results one sentence states of its program."""
    ctx = reader.ctx
    pats = _patterns(id(ctx.lexicon), ctx.lexicon)
    for m in pats["verb"].finditer(reader.folded, s.body, s.end):
        program = _program(reader, s, m.start(), topic)
        if program is None or negated(ctx.lexicon, reader.text[s.body:m.start()]):
            continue
        found = [(m, "verbs")]
        more = pats["coordinated"].match(reader.folded, m.end())
        if more:
            found.append((more, "coordinated"))
        for match, key in found:
            indicator = _indicator(ctx.lexicon, key, match.group("cue"))
            if indicator is not None:
                _observation(reader, s, program, indicator, match)


def _observation(reader: UnitReader, s: Sentence, program: Arg, indicator: URIRef,
                 m: re.Match[str]) -> None:
    ctx = reader.ctx
    spec = ctx.lexicon.section("results")
    value = parse_number(m.group("n"))
    if value is None:
        return
    who = " ".join(m.group("who").split())
    unit = "children" if who in [fold(w) for w in spec.get("children", [])] else "people"
    pats = _patterns(id(ctx.lexicon), ctx.lexicon)
    year = None
    opening = pats["year"].search(reader.folded[s.start:s.body])
    if opening:
        year = int(opening.group("y"))
    elif pats["reporting"].search(reader.folded[s.start:s.end]) and ctx.reporting_year:
        year = ctx.reporting_year
    period = reader.period
    notation = str(indicator).rsplit("/", 1)[-1]
    when: object = year
    if year is None and period is not None and period.start_year and period.end_year:
        when = f"{period.start_year}-{period.end_year}"
    program_slug = str(program.iri).rsplit("/", 1)[-1][:48].rstrip("-")
    obs = ID[f"observation/{program_slug}-{notation}" + (f"-{when}" if when else "")]
    passages = reader._passages(program)
    ctx.typed(obs, CTIP.Observation)
    ctx.fact(obs, CTIP.resultOf, program.iri, passages, reader.method or METHOD)
    method = reader.method or METHOD
    ctx.fact(obs, CTIP.indicator, indicator, passages, method)
    ctx.fact(obs, CTIP.value, Literal(value), passages, method)
    ctx.fact(obs, CTIP.unit, Literal(unit), passages, method)
    clause_end = s.clause_end(reader.text, m.end())
    tail = reader.text[m.start():clause_end]
    for _, concept in ctx.lexicon.concepts_in("exploitation", tail):
        ctx.fact(obs, CTIP.form, concept, passages, method)
    if year is not None:
        ctx.fact(obs, CTIP.year, gyear(year), passages, method)
    elif period is not None:
        quoted = [*passages, period.block]
        if period.start_date and period.end_date:
            inferred(ctx, obs, CTIP.startDate, xdate(period.start_date), quoted, PERIOD_RULE)
            inferred(ctx, obs, CTIP.endDate, xdate(period.end_date), quoted, PERIOD_RULE)
        if period.start_year and period.end_year:
            inferred(ctx, obs, CTIP.startYear, gyear(period.start_year), quoted, PERIOD_RULE)
            inferred(ctx, obs, CTIP.endYear, gyear(period.end_year), quoted, PERIOD_RULE)
