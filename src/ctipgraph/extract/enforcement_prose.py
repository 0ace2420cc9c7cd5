"""Enforcement answers the Findings give in prose rather than in a table: whether the number of
labor inspectors is sufficient ("The number of labor inspectors is likely insufficient for the
size of Mali's workforce … According to the ILO's technical advice …").

The figure is the enforcement table's kind of resource (`id:observation/{country}-{year}-
labor-inspectors-meet-ilo-advice-{scope}`, ctip:EnforcementFigure) with ctip:booleanValue;
the verdict's sentence is quoted, with the sentence nearby that cites the ILO's advice.
"""

from __future__ import annotations

import re

from rdflib import Literal

from ..link.lexicon import fold
from ..namespaces import CTIP, CTIPC
from ..read.model import Kind
from .context import Context, gyear
from .units import Unit

INDICATOR = "labor-inspectors-meet-ilo-advice"
METHOD = "pattern:labor-inspector-sufficiency"
_LEADING_YEAR = re.compile(r"^\s*(?:\(\d[\d,;\s-]*\)\s*)?(?:In|During|By)\s+(\d{4})\b")


def _norm(text: str) -> str:
    """Folded, one space, doubled letters squeezed (a lost ligature: "insuficient")."""
    return re.sub(r"([a-z])\1+", r"\1", " ".join(fold(text).split()))


def _phrases(ctx: Context, key: str) -> list[str]:
    return [_norm(w) for w in ctx.lexicon.words("enforcement", "ilo_advice", key)]


def _has(folded: str, phrases: list[str]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", folded) for p in phrases)


def verdict(ctx: Context, text: str) -> bool | None:
    """True / False when a sentence says the number of labor inspectors is (in)sufficient
    by the ILO's yardstick; None otherwise (and for a suggested action)."""
    folded = _norm(text)
    first = folded.split(" ", 1)[0].strip("(")
    if first in {_norm(v) for v in ctx.lexicon.words("recommendations_prose", "verbs")}:
        return None
    if not (_has(folded, _phrases(ctx, "yardstick")) and _has(folded, _phrases(ctx, "subject"))):
        return None
    if _has(folded, _phrases(ctx, "insufficient")):
        return False
    if _has(folded, _phrases(ctx, "sufficient")):
        return True
    return None


def inspector_sufficiency(ctx: Context, units: list[Unit]) -> None:
    """The first verdict of the document (later ones that agree are quoted with it)."""
    if ctx.country is None:
        return
    advice = _phrases(ctx, "advice")
    found: dict[int, tuple[bool, list[Unit]]] = {}
    for i, unit in enumerate(units):
        if unit.blocks[0].kind != Kind.SENTENCE:
            continue
        said = verdict(ctx, unit.text)
        if said is None:
            continue
        m = _LEADING_YEAR.match(unit.text)
        year = int(m.group(1)) if m else ctx.reporting_year
        if year is None:
            continue
        near = [u for u in units[max(0, i - 3): i + 4]
                if u is not unit and u.blocks[0].section == unit.blocks[0].section
                and _has(_norm(u.text), advice)]
        current = found.get(year)
        if current is None:
            found[year] = (said, [unit] + near[:1])
        elif current[0] == said:
            current[1].append(unit)
        else:
            ctx.unlinked.append(f"{METHOD}: {year} is said to be both sufficient and not; "
                                f"kept the first")
    scope = ctx.lexicon.section("enforcement").get("scope", "")
    for year, (said, sources) in sorted(found.items()):
        fig = ctx.nary("observation", ctx.country_slug(), year, INDICATOR, scope)
        passages = [b for u in sources for b in u.blocks]
        ctx.typed(fig, CTIP.EnforcementFigure)
        ctx.fact(fig, CTIP.indicator, CTIPC[f"indicator/{INDICATOR}"], passages, METHOD)
        ctx.fact(fig, CTIP.country, ctx.country, passages, METHOD)
        ctx.fact(fig, CTIP.year, gyear(year), passages, METHOD)
        ctx.fact(fig, CTIP.area, CTIPC["area/enforcement"], passages, METHOD)
        ctx.fact(fig, CTIP.booleanValue, Literal(said), passages, METHOD)
