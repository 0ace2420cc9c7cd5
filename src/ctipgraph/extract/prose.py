"""Prose patterns other than the relations: armed groups recruiting or using children,
bilateral agreements (parties, and their signing: extract.signings), ratifications, and
sub-organizations named by a possessive ("Ministry of Labor's National Directorate")."""

from __future__ import annotations

import re

from rdflib import URIRef

from ..iris import entity_iri
from ..link.lexicon import fold
from ..namespaces import CTIP, CTIPC
from ..read.model import Block
from .context import ACTOR_CLASSES, Context
from .signings import signing, when_where
from .units import Unit


def _has(ctx: Context, text: str, *path: str) -> bool:
    folded = fold(text)
    return any(re.search(rf"(?<!\w){re.escape(fold(w))}", folded) for w in ctx.lexicon.words(*path))


def armed_groups(ctx: Context, unit: Unit) -> None:
    """Every armed group named in a sentence about recruiting or using children."""
    if not (_has(ctx, unit.text, "armed_groups", "recruit")
            and _has(ctx, unit.text, "children", "words")):
        return
    form = CTIPC["exploitation/child-soldiering"]
    for m in unit.mentions:
        if ctx.is_a(m.iri, "ArmedGroup"):
            ctx.fact(m.iri, CTIP.engagesIn, form, unit.blocks, "pattern:armed-group-recruitment")


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(fold(w)) for w in sorted(words, key=len, reverse=True))


def agreements(ctx: Context, unit: Unit) -> None:
    """ "The cooperation agreement between Mali and Guinea … signed in 2005 in Conakry", "Mali
    entered into a cooperative agreement with Cote D'Ivoire": the agreement between two
    countries and its signing (parties, date, place); "…, which was ratified on …". Signings of
    named agreements are read with the other relations (relations.UnitReader)."""
    spec = ctx.lexicon.section("agreements")
    folded = fold(unit.text)
    pattern = re.compile(
        rf"(?<!\w)(?:{_alt(spec.get('kinds', []))})\s+(?:{_alt(spec.get('nouns', []))})"
        rf"\s+(?P<rel>between|with)\s+", re.IGNORECASE)
    for m in pattern.finditer(folded):
        after = [x for x in unit.mentions if x.start >= m.end() and ctx.is_a(x.iri, "Country")]
        if m.group("rel") == "between":
            parties = [x.iri for x in after[:2]]
        else:
            before = [x for x in unit.mentions if x.end <= m.start() and ctx.is_a(x.iri, "Country")]
            parties = [before[-1].iri] + [after[0].iri] if before and after else []
        if len(parties) != 2 or parties[0] == parties[1]:
            continue
        agreement = _bilateral(ctx, parties, unit)
        cue = re.compile(rf"(?<!\w)(?:{_alt(spec.get('signed', []))})(?!\w)")
        signed = cue.search(folded, m.end())
        stop = re.search(r"[.;]\s", folded[m.end():])
        clause_end = m.end() + stop.start() if stop else len(folded)
        if m.group("rel") == "with":  # "Mali entered into a cooperative agreement with …"
            signed = cue.search(folded, 0, m.start())
        if signed is None:
            continue
        when = when_where(ctx, unit, (0, 0), signed.end(), max(clause_end, signed.end()))
        signing(ctx, agreement, parties, when, unit.blocks, "pattern:bilateral-agreement")
    _ratification(ctx, unit)


def bilateral_agreement(ctx: Context, parties: list[URIRef], words: str | None = None,
                        rule: str = "pattern:bilateral-agreement") -> URIRef:
    """The agreement between two parties: ``id:agreement/cooperation-agreement-{a}-{b}``,
    labelled alike in every document (patterns.toml [agreements] bilateral_label), the
    document's own ``words`` an altLabel."""
    labels = sorted(ctx.registry.label_of(p) for p in parties)
    slugs = sorted(str(p).rsplit("/", 1)[-1] for p in parties)
    iri = entity_iri("agreement", "cooperation-agreement-" + "-".join(slugs))
    template = ctx.lexicon.section("agreements").get(
        "bilateral_label", "Cooperation agreement between {a} and {b}")
    ctx.registry.resolve(template.format(a=labels[0], b=labels[1]), "InternationalAgreement",
                         iri=iri, rule=rule)
    if words:
        ctx.registry.resolve(words, "InternationalAgreement", iri=iri, rule=rule)
    ctx.registry.use(iri)
    return iri


def _bilateral(ctx: Context, parties: list[URIRef], unit: Unit) -> URIRef:
    iri = bilateral_agreement(ctx, parties)
    method = "pattern:bilateral-agreement"
    ctx.mention(iri, unit.blocks, method)
    for party in parties:
        ctx.fact(iri, CTIP.country, party, unit.blocks, method)
    for _, concept in ctx.lexicon.concepts_in("exploitation", unit.text):
        ctx.fact(iri, CTIP.addresses, concept, unit.blocks, method)
    return iri


def _ratification(ctx: Context, unit: Unit) -> None:
    spec = ctx.lexicon.section("agreements")
    folded = fold(unit.text)
    for m in re.finditer(rf"(?<!\w)(?:{_alt(spec.get('ratified', []))})(?!\w)", folded):
        before = [x for x in unit.mentions if x.end <= m.start()
                  and ctx.is_a(x.iri, "InternationalAgreement")]
        countries = [x for x in unit.mentions if ctx.is_a(x.iri, "Country")]
        if before and countries and re.fullmatch(r"\s*,?\s*(?:which\s+)?(?:was|were|has been)?\s*",
                                                 unit.text[before[-1].end:m.start()]):
            ctx.fact(countries[-1].iri, CTIP.ratified, before[-1].iri, unit.blocks,
                     "pattern:ratified")
            continue
        _ratified_by_subject(ctx, unit, m.start(), m.end())


def _ratified_by_subject(ctx: Context, unit: Unit, start: int, end: int) -> None:
    """ "The government ratified the UN CRC Optional Protocol …", "In 2020, the Government of
    Cameroon ratified …", "Mali has ratified …": the subject right before the verb."""
    after = next((x for x in unit.mentions if end <= x.start
                  and re.fullmatch(r"\s+(?:the\s+)?", unit.text[end:x.start], re.IGNORECASE)
                  and ctx.is_a(x.iri, "InternationalAgreement")), None)
    if after is None:
        return
    head = unit.text[:start]
    country: URIRef | None = None
    subject = next((x for x in reversed(unit.before(start))
                    if re.fullmatch(r"\s*(?:has\s+|had\s+)?", head[x.end:])), None)
    if subject is not None and ctx.is_a(subject.iri, "Country"):
        country = subject.iri
    elif subject is not None and ctx.is_a(subject.iri, "GovernmentBody"):
        entity = ctx.registry.entity(subject.iri)
        country = entity.country if entity is not None else None
    elif re.search(r"\b[Tt]he\s+government\s+(?:has\s+|had\s+)?$", head):
        country = ctx.country
    if country is not None:
        ctx.fact(country, CTIP.ratified, after.iri, unit.blocks, "pattern:ratified")


def possessives(ctx: Context, pairs: list[tuple[URIRef, URIRef, Block]]) -> None:
    """ "Ministry of Security's Morals Brigade" → the brigade is a sub-organization."""
    for owner, part, block in pairs:
        if ctx.is_a(owner, *ACTOR_CLASSES) and ctx.is_a(part, *ACTOR_CLASSES) and owner != part:
            if ctx.cls_of(owner) == "ArmedGroup" or ctx.cls_of(part) == "ArmedGroup":
                continue
            ctx.fact(part, CTIP.subOrganizationOf, owner, [block], "pattern:possessive")

