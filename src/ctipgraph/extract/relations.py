"""Relations stated in prose (and in table descriptions): funding, implementation, leadership,
partnership, establishment, membership. Cue words come from patterns.toml [relations].

Each function reads one ``Unit`` and, optionally, the ``subject`` the text is about (the
program or body of a table row); without one, the subject is the nearest mention before the
cue. Methods are named ``pattern:<relation>`` (or the table's method when called for a row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Literal, URIRef

from ..link.lexicon import fold
from ..namespaces import CTIP
from .context import (
    ACTOR_CLASSES,
    INSTRUMENT_CLASSES,
    INTERVENTION_CLASSES,
    Context,
    gyear,
)
from .units import UMention, Unit
from .values import Amount, amounts, years

_LIST_GLUE = re.compile(r"^(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*;\s*)(?:the\s+)?", re.IGNORECASE)
_LEAD_IN = re.compile(r"\s*(?:the\s+)?", re.IGNORECASE)


@dataclass
class RelationResult:
    """What a unit yielded that its caller may still need (e.g. an amount without funder)."""

    used_amounts: list[Amount]


def _cue_re(words: list[str], suffix: bool = False) -> re.Pattern[str]:
    alt = "|".join(re.escape(fold(w)) for w in sorted(words, key=len, reverse=True))
    if suffix:
        return re.compile(rf"-(?:{alt})(?!\w)")
    return re.compile(rf"(?<!\w)(?:{alt})(?!\w)")


def actors_after(ctx: Context, unit: Unit, pos: int,
                 classes: frozenset[str] = ACTOR_CLASSES) -> list[UMention]:
    """The list of mentions starting at ``pos`` ("the UNODC, UNICEF, and the IOM")."""
    found: list[UMention] = []
    lead = _LEAD_IN.match(unit.text, pos)
    cursor = lead.end() if lead else pos
    while True:
        nxt = next((m for m in unit.mentions if m.start == cursor), None)
        if nxt is None or not ctx.is_a(nxt.iri, *classes):
            break
        # the longest mention starting here
        longest = max((m for m in unit.mentions if m.start == cursor), key=lambda m: m.end)
        if ctx.is_a(longest.iri, *classes):
            nxt = longest
        found.append(nxt)
        rest = unit.text[nxt.end:]
        paren = re.match(r"\s*\([^)]{1,20}\)", rest)  # "(CNLTE)" after a name
        offset = nxt.end + (paren.end() if paren else 0)
        glue = _LIST_GLUE.match(unit.text[offset:])
        if not glue:
            break
        cursor = offset + glue.end()
    return found


def nearest_before(ctx: Context, unit: Unit, pos: int, classes: frozenset[str],
                   exclude: set[URIRef] | None = None) -> UMention | None:
    exclude = exclude or set()
    for m in reversed(unit.before(pos)):
        if m.iri not in exclude and ctx.is_a(m.iri, *classes):
            return m
    return None


def next_after(ctx: Context, unit: Unit, pos: int, classes: frozenset[str],
               skip: set[tuple[int, int]] | None = None) -> UMention | None:
    for m in unit.after(pos):
        if skip and (m.start, m.end) in skip:
            continue
        if ctx.is_a(m.iri, *classes):
            return m
    return None


def _funding(ctx: Context, item: URIRef, funder: URIRef, amount: Amount | None, unit: Unit,
             method: str, matching: bool = False, year: int | None = None,
             fiscal_year: int | None = None) -> URIRef:
    """A ctip:Funding resource (and the plain fundedBy) for an item and a funder; matching
    funds are a ctip:MatchingFunding and no ctip:fundedBy (the grant is someone else's)."""
    if not matching:
        ctx.fact(item, CTIP.fundedBy, funder, unit.blocks, method)
    if amount is None and not matching:
        return item
    slug = [str(item).rsplit("/", 1)[-1]]
    if matching:
        slug.append("matching")
    slug.append(str(funder).rsplit("/", 1)[-1])
    if year:
        slug.append(str(year))
    funding = ctx.nary("funding", *slug)
    ctx.typed(funding, CTIP.MatchingFunding if matching else CTIP.Funding)
    ctx.fact(funding, CTIP.funder, funder, unit.blocks, method)
    ctx.fact(funding, CTIP.fundedItem, item, unit.blocks, method)
    stated = ctx.emitter.graph.value(funding, CTIP.amount)
    if amount is not None and stated is not None and stated != Literal(amount.value):
        # "$82,000 (49 million CFA)", or a second amount of the same year: the first stands
        ctx.unlinked.append(f"{method}: {funding} is also said to be {amount.value} "
                            f"{amount.currency}; kept the first amount")
    elif amount is not None:
        ctx.fact(funding, CTIP.amount, Literal(amount.value), unit.blocks, method)
        ctx.fact(funding, CTIP.currency, Literal(amount.currency), unit.blocks, method)
    if year:
        ctx.fact(funding, CTIP.year, gyear(year), unit.blocks, method)
    if fiscal_year:
        ctx.fact(funding, CTIP.fiscalYear, gyear(fiscal_year), unit.blocks, method)
    return funding


def funding(ctx: Context, unit: Unit, subject: URIRef | None = None,
            method: str = "pattern:funded-by") -> RelationResult:
    """ "$13 million EU-funded project", "USAID-funded program", "funded by USAID"."""
    words = ctx.lexicon.words("relations", "funded")
    used: list[Amount] = []
    money = amounts(unit.text, ctx.lexicon)
    folded = fold(unit.text)
    for m in _cue_re(words, suffix=True).finditer(folded):
        funder = next((x for x in unit.mentions if x.end == m.start()
                       and ctx.is_a(x.iri, *ACTOR_CLASSES)), None)
        if funder is None:
            continue
        item = subject or _item_after(ctx, unit, m.end()) or _item_before(ctx, unit, funder.start)
        if item is None:
            continue
        amount = next((a for a in money if a.end <= funder.start
                       and not unit.text[a.end:funder.start].strip()), None)
        if amount:
            used.append(amount)
        _funding(ctx, item, funder.iri, amount, unit, method)
    for m in _cue_re(ctx.lexicon.words("relations", "funded_by")).finditer(folded):
        item = subject or _item_before(ctx, unit, m.start())
        if item is None:
            continue
        for funder in actors_after(ctx, unit, m.end() + 1):
            _funding(ctx, item, funder.iri, None, unit, method)
    return RelationResult(used)


def _item_after(ctx: Context, unit: Unit, pos: int) -> URIRef | None:
    m = next_after(ctx, unit, pos, INTERVENTION_CLASSES)
    return m.iri if m else None


def _item_before(ctx: Context, unit: Unit, pos: int) -> URIRef | None:
    m = nearest_before(ctx, unit, pos, INTERVENTION_CLASSES)
    return m.iri if m else None


def implementation(ctx: Context, unit: Unit, subject: URIRef | None = None,
                   method: str = "pattern:implemented-by") -> None:
    """ "implemented by the UNODC, UNICEF, and the IOM", "MINUSMA-implemented program"."""
    folded = fold(unit.text)
    for m in _cue_re(ctx.lexicon.words("relations", "implemented_by")).finditer(folded):
        item = subject or _item_before(ctx, unit, m.start())
        if item is None:
            continue
        for actor in actors_after(ctx, unit, m.end() + 1):
            ctx.fact(item, CTIP.implementedBy, actor.iri, unit.blocks, method)
    suffix = _cue_re(ctx.lexicon.words("relations", "implemented_suffix"), suffix=True)
    for m in suffix.finditer(folded):
        actor = next((x for x in unit.mentions if ctx.is_a(x.iri, *ACTOR_CLASSES)
                      and re.fullmatch(r"\s*(?:\([^)]{1,20}\))?", unit.text[x.end:m.start()])),
                     None)
        item = subject or _item_after(ctx, unit, m.end())
        if actor is not None and item is not None:
            ctx.fact(item, CTIP.implementedBy, actor.iri, unit.blocks, method)


def leadership(ctx: Context, unit: Unit, subject: URIRef | None = None,
               method: str = "pattern:led-by") -> None:
    """ "Chaired by the Ministry of Labor", "under the supervision of the Ministry of Justice"."""
    folded = fold(unit.text)
    subjects = ACTOR_CLASSES | INTERVENTION_CLASSES
    for m in _cue_re(ctx.lexicon.words("relations", "led_by")).finditer(folded):
        leaders = actors_after(ctx, unit, m.end() + 1)
        if not leaders:
            continue
        exclude = {x.iri for x in leaders}
        item = subject
        if item is None:
            near = nearest_before(ctx, unit, m.start(), subjects, exclude)
            item = near.iri if near else None
        if item is None:
            continue
        for leader in leaders:
            if leader.iri != item:
                ctx.fact(item, CTIP.ledBy, leader.iri, unit.blocks, method)


def partnership(ctx: Context, unit: Unit, subject: URIRef | None = None,
                method: str = "pattern:partnership") -> None:
    """ "the CNCLTPA, in partnership with UNODC and IOM, developed …"."""
    folded = fold(unit.text)
    for m in _cue_re(ctx.lexicon.words("relations", "partnership")).finditer(folded):
        partners = actors_after(ctx, unit, m.end() + 1)
        if not partners:
            continue
        actor = subject if subject is not None and ctx.is_a(subject, *ACTOR_CLASSES) else None
        if actor is None:
            near = nearest_before(ctx, unit, m.start(), ACTOR_CLASSES)
            # only when the actor is the subject the cue is attached to ("X, in partnership")
            if near is None or not re.fullmatch(r"\s*(?:\([^)]*\))?\s*,?\s*",
                                                unit.text[near.end:m.start()]):
                continue
            actor = near.iri
        for partner in partners:
            if partner.iri != actor:
                ctx.fact(actor, CTIP.partnerOf, partner.iri, unit.blocks, method)


def establishment(ctx: Context, unit: Unit, method: str = "pattern:established") -> None:
    """ "In 2006, Order No. 06-1940/MPFEF-SG established the … (CNS …)", "established …
    the CNCLTPA … in 2011", "was established by Decree …"."""
    folded = fold(unit.text)
    cue = _cue_re(ctx.lexicon.words("relations", "established"))
    partner_cue = _cue_re(ctx.lexicon.words("relations", "partnership"))
    established = ACTOR_CLASSES | INTERVENTION_CLASSES
    for m in cue.finditer(folded):
        skip: set[tuple[int, int]] = set()
        for p in partner_cue.finditer(folded, m.end()):
            skip |= {(x.start, x.end) for x in actors_after(ctx, unit, p.end() + 1)}
        by = re.match(r"\s+by\s+", unit.text[m.end():])
        if by:  # "X was established by Y"
            target = nearest_before(ctx, unit, m.start(), established)
            agents = actors_after(ctx, unit, m.end() + by.end(),
                                  ACTOR_CLASSES | INSTRUMENT_CLASSES)
            if target is not None:
                for agent in agents:
                    ctx.fact(target.iri, CTIP.establishedBy, agent.iri, unit.blocks, method)
                _start_year(ctx, unit, target.iri, method)
            continue
        target = next_after(ctx, unit, m.end(), established, skip)
        if unit.text[m.end():].lstrip().startswith(","):  # "established, in collaboration
            target = next((x for x in unit.after(m.end())  # with …, the X"
                           if ctx.is_a(x.iri, *established)
                           and re.search(r",\s+(?:the\s+)?\*?$", unit.text[:x.start])), None)
        if target is None:
            continue
        agent = nearest_before(ctx, unit, m.start(), INSTRUMENT_CLASSES)
        if agent is not None and not unit.text[agent.end:m.start()].strip(" ,"):
            ctx.fact(target.iri, CTIP.establishedBy, agent.iri, unit.blocks, method)
        _start_year(ctx, unit, target.iri, method)


def _start_year(ctx: Context, unit: Unit, target: URIRef, method: str) -> None:
    found = [y for y, s, _ in years(unit.text)
             if re.search(r"(?:^|\b)in\s+$", unit.text[max(0, s - 4):s], re.IGNORECASE)]
    if len(set(found)) == 1 and ctx.is_a(target, *(ACTOR_CLASSES - {"ArmedGroup"})):
        ctx.fact(target, CTIP.startYear, gyear(found[0]), unit.blocks, method)


def membership(ctx: Context, unit: Unit, body: URIRef, method: str) -> None:
    """ "includes the Ministry of X, the Ministry of Y …" → each ctip:memberOf the body."""
    folded = fold(unit.text)
    for m in _cue_re(ctx.lexicon.words("relations", "member_words")).finditer(folded):
        for member in actors_after(ctx, unit, m.end() + 1):
            if member.iri != body:
                ctx.fact(member.iri, CTIP.memberOf, body, unit.blocks, method)


def all_relations(ctx: Context, unit: Unit, subject: URIRef | None = None,
                  method: str | None = None) -> RelationResult:
    """Every relation pattern over one unit."""
    result = funding(ctx, unit, subject, method or "pattern:funded-by")
    implementation(ctx, unit, subject, method or "pattern:implemented-by")
    leadership(ctx, unit, subject, method or "pattern:led-by")
    partnership(ctx, unit, subject, method or "pattern:partnership")
    if subject is None:
        establishment(ctx, unit, method or "pattern:established")
    return result
