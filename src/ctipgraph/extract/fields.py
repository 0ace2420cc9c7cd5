"""Project summaries: label/value fields (title, country, duration, fiscal year and funding
level, matching funds, grantee, implementing partners, results) about one program.

The grant's funder is not printed in a summary's fields; it is inferred to be the department
that publishes the summary (the publisher of the source sidecar, climbed up to the department
under its government): the funder claims are ``ctip:inferred`` with the method
``inference:publisher-funds-project`` and quote the funding field and the contact field naming
the publisher. Who provides the matching funds a summary does not say: the ``ctip:MatchingFunding``
has no funder (the grantee is not credited). The results field's sentences are the project's
results (``extract.results``), over the project's duration (inferred).
"""

from __future__ import annotations

import re

from rdflib import URIRef

from ..link.lexicon import fold, norm_name
from ..namespaces import CTIP
from ..read.model import Field
from .context import ACTOR_CLASSES, Context, gyear, xdate
from .relations import all_relations, funding
from .results import Period
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
    _money(ctx, program)
    for grantee, f in _actors(ctx, "grantee"):
        ctx.fact(program, CTIP.grantee, grantee, [f], "field:grantee")
    for partner, f in _actors(ctx, "partners"):
        ctx.fact(program, CTIP.implementedBy, partner, [f], "field:implementing-partners")
    _regions(ctx, program)
    _results(ctx, program, title)


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


def _money(ctx: Context, program: URIRef) -> None:
    f = _field(ctx, "funding")
    funder = _department(ctx)
    if f is not None:
        fy_words = "|".join(re.escape(w) for w in ctx.lexicon.words("project_summary",
                                                                      "fiscal_year"))
        fy = re.search(rf"(?:{fy_words})\s*(\d{{4}})", f.value, re.IGNORECASE)
        contact = _publisher_passages(ctx, funder)
        for money in amounts(f.value, ctx.lexicon)[:1]:
            if funder is not None:
                ctx.registry.use(funder)
            funding(ctx, program, [funder] if funder is not None else [], money, [f],
                    "field:funding-level", fiscal_year=int(fy.group(1)) if fy else None,
                    funder_rule="publisher-funds-project", funder_passages=[f, *contact])
    matching = _field(ctx, "matching")
    if matching is not None:
        for money in amounts(matching.value, ctx.lexicon)[:1]:
            funding(ctx, program, [], money, [matching], "field:matching-funds", matching=True)


def _publisher_passages(ctx: Context, funder: URIRef | None) -> list[Field]:
    """The summary's field naming the publisher (or a part of it): what the funder of the
    grant is inferred from, beside the funding field."""
    if funder is None:
        return []
    wanted = {funder, ctx.publisher}
    for f in ctx.doc.fields:
        if f.is_passage and any(m.iri in wanted or _part_of(ctx, m.iri, funder)
                                for m in ctx.in_block(f)):
            return [f]
    return []


def _part_of(ctx: Context, iri: URIRef, whole: URIRef) -> bool:
    entity = ctx.registry.entity(iri)
    seen = 0
    while entity is not None and entity.parents and seen < 5:
        if whole in entity.parents:
            return True
        entity = ctx.registry.entity(entity.parents[0])
        seen += 1
    return False


def _results(ctx: Context, program: URIRef, title: Field) -> None:
    """The results field: what the project achieved, over its duration."""
    f = _field(ctx, "results")
    if f is None:
        return
    period = _period(ctx)
    for sentence in ctx.doc.sentences:
        if f.start <= sentence.start and sentence.end <= f.end and sentence.is_passage:
            all_relations(ctx, make_unit(ctx, [sentence]), program, "field:results",
                          subject_blocks=[title], period=period)


def _period(ctx: Context) -> Period | None:
    f = _field(ctx, "duration")
    if f is None:
        return None
    found = dates(f.value)
    stated = [y for y, _, _ in years(f.value)]
    return Period(f, stated[0] if len(stated) >= 2 else None,
                  stated[-1] if len(stated) >= 2 else None,
                  found[0][0] if len(found) >= 2 else None,
                  found[1][0] if len(found) >= 2 else None)


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
