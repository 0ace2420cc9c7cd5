"""Tier placements (with narrative history and waivers) and USDOL advancement levels.

"listed Mali in the Tier 3 list in 2017 and upgraded it to the Tier 2 Watch List in 2018 …"
gives one ctip:TierPlacement per year (id:assessment/mali-tier-placement-2017 …): each year is
paired with the tier just before it (no punctuation between, or "remained in <year>"); a tier
with no year is the reporting year's; "for the third consecutive year" adds the years before.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef

from ..link.lexicon import fold
from ..namespaces import CTIP, CTIPC
from ..read.model import Kind
from .context import Context, gyear
from .units import Unit
from .values import years

_REMAINED = re.compile(r"remained\b[^.;]{0,40}?\bin\s+$")
_CONSECUTIVE = re.compile(r"for\s+the\s+(\w+)\s+consecutive\s+year")
_CITATION = re.compile(r"\([^()]*\b\d{4}[a-zA-Z]?\)")
_LEADING_YEAR = re.compile(r"^\s*(?:In|During|By)\s+(\d{4})\b")


def _cue(ctx: Context, unit: Unit, *path: str) -> bool:
    folded = fold(unit.text)
    return any(re.search(rf"(?<!\w){re.escape(fold(w))}(?!\w)", folded)
               for w in ctx.lexicon.words(*path))


def _tier_tokens(ctx: Context, text: str) -> list[tuple[int, int, URIRef]]:
    folded = fold(text)
    labels = [(fold(label), c.iri) for c in ctx.lexicon.concepts.get("tier", [])
              for label in c.labels if label.lower().startswith(("tier", "special"))]
    found: list[tuple[int, int, URIRef]] = []
    for label, iri in sorted(labels, key=lambda x: -len(x[0])):
        pattern = r"(?<!\w)" + r"[\s-]+".join(re.escape(w) for w in re.split(r"[\s-]+", label))
        for m in re.finditer(pattern + r"(?!\w)", folded):
            if not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), iri))
    return sorted(found)


def _country_before(ctx: Context, unit: Unit, pos: int) -> URIRef | None:
    countries = [m for m in unit.mentions if ctx.is_a(m.iri, "Country")]
    before = [m for m in countries if m.end <= pos]
    pick = before[-1] if before else (countries[0] if countries else None)
    return pick.iri if pick else None


def placement(ctx: Context, country: URIRef, year: int) -> URIRef:
    iri = ctx.nary("assessment", ctx.country_slug(country), "tier-placement", year)
    ctx.typed(iri, CTIP.TierPlacement)
    return iri


def tier_placements(ctx: Context, unit: Unit) -> None:
    tiers = _tier_tokens(ctx, unit.text)
    if not tiers:
        return
    country = _country_before(ctx, unit, tiers[0][0])
    if _is_country_tier_heading(unit, tiers):
        # A country narrative's heading, "Mali (Tier 2)" or "MALI: Tier 2 Watch List": the
        # placement of the report's own year, for the country it names (or the document's
        # country when the heading names it in capitals the mention finder skips).
        country = country or _document_country_named(ctx, unit, tiers)
        if country is not None and ctx.reporting_year:
            tp = placement(ctx, country, ctx.reporting_year)
            _describe(ctx, tp, country, ctx.reporting_year, unit, "pattern:tier-heading")
            ctx.fact(tp, CTIP.tier, tiers[0][2], unit.blocks, "pattern:tier-heading")
        return
    if country is None:
        return
    method = "pattern:tier-placement"
    if _cue(ctx, unit, "tiers", "waiver"):
        year = _year_in(unit) or ctx.reporting_year
        if year:
            tp = placement(ctx, country, year)
            _describe(ctx, tp, country, year, unit, method)
            ctx.fact(tp, CTIP.waiver, Literal(True), unit.blocks, method)
        return
    if not _cue(ctx, unit, "tiers", "placement"):
        return
    assigned: list[tuple[int, URIRef]] = []
    years_found = years(_CITATION.sub(lambda m: " " * len(m.group()), unit.text))
    for year, ystart, _ in years_found:
        before = [t for t in tiers if t[1] <= ystart]
        if not before:
            continue
        tier = before[-1]
        between = unit.text[tier[1]:ystart]
        close = len(between) <= 25 and not re.search(r"[,;.¹²³⁴⁵⁶⁷⁸⁹⁰]", between)
        if close or _REMAINED.search(fold(unit.text[:ystart])):
            assigned.append((year, tier[2]))
    if not assigned and ctx.reporting_year:
        tier = tiers[-1][2]
        assigned.append((ctx.reporting_year, tier))
        m = _CONSECUTIVE.search(fold(unit.text))
        count = ctx.lexicon.section("ordinals").get(m.group(1), 0) if m else 0
        for back in range(1, count):
            assigned.append((ctx.reporting_year - back, tier))
    for year, tier in assigned:
        tp = placement(ctx, country, year)
        _describe(ctx, tp, country, year, unit, method)
        ctx.fact(tp, CTIP.tier, tier, unit.blocks, method)


def _is_country_tier_heading(unit: Unit, tiers: list[tuple[int, int, URIRef]]) -> bool:
    """A heading made of a country name and one tier, nothing else of substance."""
    if len(unit.blocks) != 1 or unit.blocks[0].kind != Kind.HEADING or len(tiers) != 1:
        return False
    rest = unit.text[: tiers[0][0]] + unit.text[tiers[0][1]:]
    return len(re.sub(r"[\W_]+", "", rest)) <= 40


def _document_country_named(ctx: Context, unit: Unit,
                            tiers: list[tuple[int, int, URIRef]]) -> URIRef | None:
    """The document's country when the heading's words besides the tier are its name."""
    if ctx.country is None:
        return None
    rest = unit.text[: tiers[0][0]] + unit.text[tiers[0][1]:]
    words = re.sub(r"[^a-z0-9]+", "", fold(rest))
    name = re.sub(r"[^a-z0-9]+", "", ctx.country_slug())
    return ctx.country if name and words == name else None


def _describe(ctx: Context, tp: URIRef, country: URIRef, year: int, unit: Unit,
              method: str) -> None:
    ctx.fact(tp, CTIP.country, country, unit.blocks, method)
    ctx.fact(tp, CTIP.year, gyear(year), unit.blocks, method)


def _year_in(unit: Unit) -> int | None:
    m = _LEADING_YEAR.match(unit.text)
    return int(m.group(1)) if m else None


def advancement(ctx: Context, unit: Unit) -> None:
    """ "In 2017, Mali made a moderate advancement in efforts to eliminate …"."""
    levels = ctx.lexicon.concepts_in("advancement", unit.text)
    if not levels or not _cue(ctx, unit, "advancement", "verbs"):
        return
    country = _country_before(ctx, unit, levels[0][0])
    year = _year_in(unit) or ctx.reporting_year
    if country is None or year is None:
        return
    method = "pattern:advancement"
    iri = ctx.nary("assessment", ctx.country_slug(country), "advancement", year)
    ctx.typed(iri, CTIP.AdvancementAssessment)
    ctx.fact(iri, CTIP.country, country, unit.blocks, method)
    ctx.fact(iri, CTIP.year, gyear(year), unit.blocks, method)
    ctx.fact(iri, CTIP.advancementLevel, levels[0][1], unit.blocks, method)


def advancement_qualifier(ctx: Context, unit: Unit) -> None:
    """ "… because it continued to implement a policy that delayed advancement …": the
    qualified minimal advancement level (a narrower concept) of the reporting year."""
    spec = ctx.lexicon.section("advancement")
    folded = " ".join(fold(unit.text).split())
    if ctx.country is None or ctx.reporting_year is None or "delay" not in folded:
        return
    verbs = "|".join(re.escape(fold(v)) for v in spec.get("qualified", []))
    nouns = "|".join(re.escape(fold(n)) for n in spec.get("qualified_nouns", []))
    if not verbs or not nouns:
        return
    m = re.search(rf"\b(?:{verbs})\s+(?:a|an|the)\s+({nouns})\s+that\s+delay", folded)
    prefix, suffix = (spec.get("qualified_notation", []) + ["", ""])[:2]
    if m is None or not prefix:
        return
    level = CTIPC[f"advancement/{prefix}{m.group(1)}{suffix}"]
    if not any(c.iri == level for c in ctx.lexicon.concepts.get("advancement", [])):
        return
    method = "pattern:advancement-qualifier"
    year = ctx.reporting_year
    iri = ctx.nary("assessment", ctx.country_slug(), "advancement", year)
    ctx.typed(iri, CTIP.AdvancementAssessment)
    ctx.fact(iri, CTIP.country, ctx.country, unit.blocks, method)
    ctx.fact(iri, CTIP.year, gyear(year), unit.blocks, method)
    ctx.fact(iri, CTIP.advancementLevel, level, unit.blocks, method)
