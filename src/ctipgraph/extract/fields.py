"""Project summaries: label/value fields (title, country, duration, fiscal year and funding
level, matching funds, grantee, implementing partners, results) about one program.

The grant's funder is not printed in a summary's fields; it is the department that publishes
the summary (the publisher of the source sidecar, climbed up to the department under its
government), and the claim says so by its method ``field:funding-level``.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from ..link.lexicon import fold, norm_name
from ..namespaces import CTIP
from ..read.model import Field
from .context import ACTOR_CLASSES, Context, gyear, xdate
from .relations import _funding
from .units import make_unit
from .values import amounts, dates, years


def _field(ctx: Context, role: str) -> Field | None:
    for key in ctx.lexicon.section("project_summary").get(role, []):
        for f in ctx.doc.fields:
            if f.key == key and f.is_passage:
                return f
    return None


def _program(ctx: Context, title: Field) -> URIRef:
    for m in ctx.in_block(title):
        if ctx.is_a(m.iri, "Program"):
            ctx.registry.use(m.iri)
            return m.iri
    name = " ".join(title.value.split()).strip(" ,")
    for heading in ctx.doc.headings:  # a Title Case form of an upper-case field
        if norm_name(heading.title) == norm_name(name):
            name = heading.title.strip(" ,")
    return ctx.resolve(name, "Program", rule="field:project-title")


def _department(ctx: Context) -> URIRef | None:
    """The publisher, climbed up its sub-organization chain to the level just below the top."""
    iri = ctx.publisher
    if iri is None or ctx.registry.entity(iri) is None:
        return iri
    chain = [iri]
    while True:
        entity = ctx.registry.entity(chain[-1])
        if entity is None or not entity.parents:
            break
        chain.append(entity.parents[0])
    return chain[-2] if len(chain) >= 2 else chain[0]


def project_summary(ctx: Context) -> None:
    title = _field(ctx, "title")
    if title is None:
        return
    program = _program(ctx, title)
    for _, concept in ctx.lexicon.concepts_in("exploitation", title.value):
        ctx.fact(program, CTIP.addresses, concept, [title], "field:project-title")
    country_field = _field(ctx, "country")
    if country_field is not None:
        for m in ctx.in_block(country_field):
            if ctx.is_a(m.iri, "Country"):
                ctx.fact(program, CTIP.country, m.iri, [country_field], "field:country")
    _duration(ctx, program)
    grantees = _actors(ctx, "grantee")
    _money(ctx, program, grantees)
    for grantee, f in grantees:
        ctx.fact(program, CTIP.grantee, grantee, [f], "field:grantee")
    for partner, f in _actors(ctx, "partners"):
        ctx.fact(program, CTIP.implementedBy, partner, [f], "field:implementing-partners")
    _regions(ctx, program)


def _duration(ctx: Context, program: URIRef) -> None:
    f = _field(ctx, "duration")
    if f is None:
        return
    found = dates(f.value)
    method = "field:project-duration"
    if len(found) >= 2:
        ctx.fact(program, CTIP.startDate, xdate(found[0][0]), [f], method)
        ctx.fact(program, CTIP.endDate, xdate(found[1][0]), [f], method)
    stated = [y for y, _, _ in years(f.value)]
    if len(stated) >= 2:
        ctx.fact(program, CTIP.startYear, gyear(stated[0]), [f], method)
        ctx.fact(program, CTIP.endYear, gyear(stated[-1]), [f], method)


def _actors(ctx: Context, role: str) -> list[tuple[URIRef, Field]]:
    f = _field(ctx, role)
    if f is None:
        return []
    found = [(m.iri, f) for m in ctx.in_block(f) if ctx.is_a(m.iri, *ACTOR_CLASSES)]
    if not found and role == "grantee" and f.value.strip():
        found = [(ctx.resolve(f.value.strip(), "Organization", rule="field:grantee"), f)]
    unique: dict[URIRef, Field] = {}
    for iri, f in found:
        unique.setdefault(iri, f)
    return list(unique.items())


def _money(ctx: Context, program: URIRef, grantees: list[tuple[URIRef, Field]]) -> None:
    f = _field(ctx, "funding")
    funder = _department(ctx)
    if f is not None and funder is not None:
        fy_words = "|".join(re.escape(w) for w in ctx.lexicon.words("project_summary",
                                                                      "fiscal_year"))
        fy = re.search(rf"(?:{fy_words})\s*(\d{{4}})", f.value, re.IGNORECASE)
        for money in amounts(f.value, ctx.lexicon)[:1]:
            ctx.registry.use(funder)
            _funding(ctx, program, funder, money, make_unit(ctx, [f]), "field:funding-level",
                     fiscal_year=int(fy.group(1)) if fy else None)
    matching = _field(ctx, "matching")
    if matching is not None and grantees:
        grantee, grantee_field = grantees[0]
        unit = make_unit(ctx, [matching, grantee_field])
        for money in amounts(matching.value, ctx.lexicon)[:1]:
            _funding(ctx, program, grantee, money, unit, "field:matching-funds", matching=True)


def _regions(ctx: Context, program: URIRef) -> None:
    cues = [fold(c) for c in ctx.lexicon.words("project_summary", "region_cues")]
    for role in ("results",):
        f = _field(ctx, role)
        if f is None:
            continue
        for sentence in ctx.doc.sentences:
            if not (f.start <= sentence.start and sentence.end <= f.end):
                continue
            if not any(c in fold(ctx.text(sentence)) for c in cues):
                continue
            for m in ctx.in_block(sentence):
                if ctx.is_a(m.iri, "Region"):
                    ctx.fact(program, CTIP.region, m.iri, [sentence], "field:results")
