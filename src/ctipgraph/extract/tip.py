"""Narratives of the Trafficking in Persons reports: laws with their penalties and the forms of
exploitation they prohibit, victims identified, investigations, prosecutions and convictions,
and the suggested actions written as one list of imperatives separated by semicolons."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from rdflib import Literal, URIRef

from ..link.lexicon import fold
from ..namespaces import CTIP, CTIPC
from .context import INSTRUMENT_CLASSES, Context, gyear
from .table_programs import recommendation
from .units import Unit

_NUM = r"(?P<n>\d[\d,]*|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_PREV = re.compile(
    r"(?:compared\s+(?:with|to)|(?:a\s+)?(?:decrease|increase)\s+from)\s+(?P<n>\d[\d,]*)"
    r"[^.;]{0,40}?previous\s+reporting\s+period",
    re.IGNORECASE,
)
_FIGURES = {
    "victims-identified": (re.compile(
        rf"\bidentified(?:\s+and\s+referred)?\s+{_NUM}\s+(?:\w+\s+){{0,2}}victims", re.I),
        "victims"),
    "investigations": (re.compile(
        rf"\binvestigated\s+{_NUM}\s+(?:\w+\s+){{0,2}}cases?", re.I), "investigations"),
    "prosecutions": (re.compile(
        rf"\bprosecuted\s+{_NUM}\s+(?:\w+\s+){{0,2}}(?:offenders|traffickers|cases?)", re.I),
        "prosecutions"),
    "convictions": (re.compile(
        rf"\bconvicted\s+{_NUM}\s+(?:\w+\s+){{0,2}}(?:offenders|traffickers)", re.I),
        "convictions"),
}
_NONE = re.compile(
    r"\b(?:did\s+not|failed\s+to)\s+(?P<verbs>(?:investigate|prosecute|convict)"
    r"(?:\s*,?\s*(?:or\s+)?(?:investigate|prosecute|convict))*)\s+any\s+trafficking\s+offenders",
    re.IGNORECASE,
)
_VERB_INDICATOR = {"investigate": "investigations", "prosecute": "prosecutions",
                   "convict": "convictions"}


@dataclass
class Figure:
    indicator: str
    unit: str
    year: int
    value: int
    explicit: bool
    source: Unit


def _number(ctx: Context, text: str) -> int | None:
    words = ctx.lexicon.section("figures").get("number_words", {})
    text = text.lower().replace(",", "")
    return int(text) if text.isdigit() else words.get(text)


def figures(ctx: Context, unit: Unit) -> list[Figure]:
    """Trafficking figures stated about the government in one unit."""
    text = unit.text
    if ctx.reporting_year is None or "traffick" not in text.lower():
        return []
    if not re.search(r"\bgovernment\b|^\s*It\b|officials", text, re.IGNORECASE):
        return []
    year = ctx.reporting_year
    found: list[Figure] = []
    for indicator, (pattern, unit_name) in _FIGURES.items():
        for m in pattern.finditer(text):
            value = _number(ctx, m.group("n"))
            if value is None:
                continue
            found.append(Figure(indicator, unit_name, year, value, True, unit))
            prev = _PREV.search(text, m.end())
            if prev:
                found.append(Figure(indicator, unit_name, year - 1,
                                    int(prev.group("n").replace(",", "")), True, unit))
    for m in _NONE.finditer(text):
        for verb in re.findall(r"investigate|prosecute|convict", m.group("verbs"), re.I):
            indicator = _VERB_INDICATOR[verb.lower()]
            found.append(Figure(indicator, indicator, year, 0, False, unit))
    return found


def emit_figures(ctx: Context, found: list[Figure]) -> None:
    """One value per indicator and year: explicit numbers win over "did not … any"."""
    if ctx.country is None:
        return
    best: dict[tuple[str, int], list[Figure]] = {}
    for fig in found:
        key = (fig.indicator, fig.year)
        current = best.get(key)
        if current is None or (fig.explicit and not current[0].explicit):
            best[key] = [fig]
        elif fig.explicit == current[0].explicit and fig.value == current[0].value:
            current.append(fig)
        elif fig.explicit == current[0].explicit:
            ctx.unlinked.append(f"pattern:tip-figures: {fig.indicator} {fig.year} is stated as "
                                f"{current[0].value} and {fig.value}; kept the first")
    method = "pattern:tip-figures"
    form = CTIPC["exploitation/trafficking-in-persons"]
    for (indicator, year), figs in sorted(best.items()):
        obs = ctx.nary("observation", ctx.country_slug(), year, indicator,
                       "trafficking-in-persons")
        ctx.typed(obs, CTIP.Observation)
        for fig in figs:
            blocks = fig.source.blocks
            ctx.fact(obs, CTIP.indicator, CTIPC[f"indicator/{indicator}"], blocks, method)
            ctx.fact(obs, CTIP.country, ctx.country, blocks, method)
            ctx.fact(obs, CTIP.year, gyear(year), blocks, method)
            ctx.fact(obs, CTIP.value, Literal(Decimal(fig.value)), blocks, method)
            ctx.fact(obs, CTIP.unit, Literal(fig.unit), blocks, method)
            ctx.fact(obs, CTIP.form, form, blocks, method)


def _instrument(ctx: Context, unit: Unit) -> URIRef | None:
    found = [m for m in unit.mentions if ctx.is_a(m.iri, *INSTRUMENT_CLASSES)]
    return found[0].iri if found else None


def laws(ctx: Context, unit: Unit, previous: list[Unit]) -> None:
    """Penalties ("The law prescribes penalties of …") and what a law prohibits."""
    folded = fold(unit.text)
    for cue in ctx.lexicon.words("laws", "penalty"):
        at = folded.find(fold(cue))
        if at < 0:
            continue
        passages = list(unit.blocks)
        law = _instrument(ctx, unit)
        if law is None and any(folded.startswith(fold(a)) for a in
                               ctx.lexicon.words("laws", "anaphora")):
            for prior in reversed(previous[-2:]):
                law = _instrument(ctx, prior)
                if law is not None:
                    passages = list(prior.blocks) + passages
                    break
        if law is None:
            break
        start = at + len(cue)
        rest = unit.text[start:]
        end = re.search(r",\s*which\b|[.;](?:\s|$)", rest)
        penalty = " ".join(rest[: end.start() if end else len(rest)].split()).strip(" ,")
        if penalty:
            ctx.fact(law, CTIP.penalty, Literal(penalty), passages, "pattern:law-penalty")
        break
    for verb in ctx.lexicon.words("laws", "prohibit"):
        m = re.search(rf"(?<!\w){re.escape(fold(verb))}(?!\w)", folded)
        if m is None or re.search(r"\bnot\s+$|\bneither\s+$", folded[:m.start()]):
            continue
        subject = [x for x in unit.mentions if x.end <= m.start()
                   and ctx.is_a(x.iri, *INSTRUMENT_CLASSES)]
        if not subject:
            continue
        for _, concept in ctx.lexicon.concepts_in("exploitation", unit.text[m.end():]):
            ctx.fact(subject[-1].iri, CTIP.addresses, concept, unit.blocks, "pattern:law-prohibits")
        break


def _split_clauses(text: str) -> list[str]:
    clauses, depth, current = [], 0, []
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == ";" and depth == 0:
            clauses.append("".join(current))
            current = []
        else:
            current.append(ch)
    clauses.append("".join(current))
    return [c.strip() for c in clauses if c.strip()]


def _verb_first(clause: str, verbs: set[str]) -> bool:
    words = [w for w in re.findall(r"[A-Za-z]+", fold(clause)) if w != "and"]
    words = [w for w in words if not w.endswith("ly")]  # "vigorously investigate"
    return bool(words) and words[0] in verbs


def recommendation_list(ctx: Context, unit: Unit) -> None:
    """ "Increase efforts to …; vigorously investigate …; and increase …" → one
    ctip:Recommendation per clause, suggested in the reporting year."""
    spec = ctx.lexicon.section("recommendations_prose")
    clauses = _split_clauses(unit.text)
    if len(clauses) < spec.get("min_clauses", 3) or ctx.reporting_year is None:
        return
    first = clauses[0].split()[0] if clauses[0].split() else ""
    if not first[:1].isupper() or first in spec.get("not_imperative", []):
        return
    if any(not c[:1].islower() for c in clauses[1:]):
        return
    verbs = {fold(v) for v in spec.get("verbs", [])}
    imperative = sum(_verb_first(c, verbs) for c in clauses)
    if imperative < max(2, round(0.6 * len(clauses))):
        return
    for clause in clauses:
        clause = re.sub(r"^and\s+", "", clause.strip())
        text = clause[:1].upper() + clause[1:]
        text = text.rstrip(" .") + "."
        rec = recommendation(ctx, text, unit.blocks, "pattern:suggested-actions")
        ctx.fact(rec, CTIP.yearsSuggested, gyear(ctx.reporting_year), unit.blocks,
                 "pattern:suggested-actions")
