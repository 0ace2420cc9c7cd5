"""Legal tables: ratified conventions, legal standards (→ ctip:LegalStandardAssessment) and
enforcement agencies with their roles."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef

from ..link.lexicon import fold, norm_name
from ..namespaces import CTIP
from ..read.model import Table
from .context import ACTOR_CLASSES, INSTRUMENT_CLASSES, Context, gyear
from .relations import leadership
from .tables import Row, body_rows, split_name
from .units import make_unit
from .values import age, clean_name, strip_citations


def _yes_no(ctx: Context, text: str) -> bool | None:
    spec = ctx.lexicon.section("legal_standards")
    word = fold(strip_citations(text)).strip(" *†‡")
    if word in [fold(w) for w in spec.get("yes", [])]:
        return True
    if word in [fold(w) for w in spec.get("no", [])]:
        return False
    return None


def ratification(ctx: Context, table: Table, method: str) -> None:
    for row in body_rows(table):
        cell = row.cell(1)
        if cell is None or ctx.country is None or _yes_no(ctx, row.text(ctx, 2)) is not True:
            continue
        name = clean_name(ctx.text(cell))
        mention = next((m for m in ctx.in_block(cell)
                        if ctx.is_a(m.iri, "InternationalAgreement")), None)
        agreement = mention.iri if mention else None
        if agreement is None or agreement not in ctx.lexicon.entities:
            agreement = _squeezed_agreement(ctx, name) or agreement
        if agreement is None:
            agreement = ctx.resolve(name, "InternationalAgreement", rule=method)
        else:
            ctx.registry.use(agreement)
        ctx.fact(ctx.country, CTIP.ratified, agreement, [row.row], method)


def _squeezed(text: str) -> str:
    return re.sub(r"([a-z])\1+", r"\1", norm_name(text))


def _squeezed_agreement(ctx: Context, name: str) -> URIRef | None:
    """The one lexicon agreement whose label is the name once doubled letters are squeezed:
    a PDF text that lost its ligatures prints "Traficking" for "Trafficking"."""
    key = _squeezed(name)
    found = {iri for iri, entity in ctx.lexicon.entities.items()
             if entity.cls == "InternationalAgreement"
             and any(_squeezed(label) == key for label in entity.names())}
    return found.pop() if len(found) == 1 else None


def _instruments(ctx: Context, row: Row, column: int) -> list[URIRef]:
    """Provisions and instruments named in a cell (an instrument inside a provision's span
    stands for the provision, not for itself)."""
    cell = row.cell(column)
    if cell is None:
        return []
    mentions = [m for m in ctx.in_block(cell) if ctx.is_a(m.iri, *INSTRUMENT_CLASSES)]
    provisions = [m for m in mentions if ctx.is_a(m.iri, "LegalProvision")]
    found: list[URIRef] = []
    for m in mentions:
        inside = m not in provisions and any(p.start <= m.start and m.end <= p.end
                                             for p in provisions)
        if not inside and m.iri not in found:
            found.append(m.iri)
    return found


def legal_standards(ctx: Context, table: Table, method: str) -> None:
    members = {fold(m) for m in ctx.lexicon.section("legal_standards").get("group_members", [])}
    group: Row | None = None
    year = ctx.reporting_year
    for row in body_rows(table):
        name = clean_name(row.text(ctx, 1))
        rest = [row.text(ctx, c) for c in sorted(row.cells) if c != 1]
        if name and not any(t.strip() for t in rest):
            group = row  # a group row: "Prohibition of Military Recruitment"
            continue
        if not name or ctx.country is None:
            continue
        passages = [row.row]
        standard = name
        if fold(name) in members and group is not None:
            standard = f"{clean_name(group.text(ctx, 1))}: {name}"
            passages.append(group.row)
        else:
            group = None
        assessment = ctx.nary("assessment", ctx.country_slug(), year, standard)
        ctx.typed(assessment, CTIP.LegalStandardAssessment)
        ctx.fact(assessment, CTIP.standard, Literal(standard), passages, method)
        ctx.fact(assessment, CTIP.country, ctx.country, passages, method)
        if year:
            ctx.fact(assessment, CTIP.year, gyear(year), passages, method)
        verdict = _yes_no(ctx, row.text(ctx, 2))
        if verdict is not None:
            ctx.fact(assessment, CTIP.meetsInternationalStandards, Literal(verdict), passages,
                     method)
        stated_age = age(row.text(ctx, 3))
        if stated_age is not None:
            ctx.fact(assessment, CTIP.age, Literal(stated_age), passages, method)
        for instrument in _instruments(ctx, row, 4):
            ctx.fact(assessment, CTIP.setBy, instrument, passages, method)


def enforcement_agencies(ctx: Context, table: Table, method: str) -> None:
    for row in body_rows(table):
        cell = row.cell(1)
        if cell is None:
            continue
        agency = _agency(ctx, row, method)
        if agency is None:
            continue
        role_cell = row.cell(2)
        if role_cell is None:
            continue
        role = strip_citations(ctx.text(role_cell))
        ctx.fact(agency, CTIP.role, Literal(role), [row.row], method)
        for m in ctx.in_block(role_cell):
            if ctx.is_a(m.iri, *INSTRUMENT_CLASSES):
                ctx.fact(agency, CTIP.enforces, m.iri, [row.row], method)
        leadership(ctx, make_unit(ctx, [role_cell]), agency, method, subject_blocks=[cell])


def _agency(ctx: Context, row: Row, method: str) -> URIRef | None:
    """The agency of a row: "Ministry of Labor's National Directorate of Labor" is the
    directorate, a sub-organization of the ministry."""
    cell = row.cell(1)
    assert cell is not None
    text = ctx.text(cell)
    actors = [m for m in ctx.in_block(cell) if ctx.is_a(m.iri, *ACTOR_CLASSES)]
    if actors and actors[-1].end - cell.start >= len(text.rstrip(" )*")) - 12:
        agency = actors[-1].iri
        for owner, part in zip(actors, actors[1:], strict=False):
            between = ctx.doc.text[owner.end:part.start]
            if between in ("'s ", "’s "):
                ctx.fact(part.iri, CTIP.subOrganizationOf, owner.iri, [row.row], method)
        ctx.registry.use(agency)
        return agency
    name, acronym = split_name(clean_name(text), ctx.lexicon)
    return ctx.resolve(name, "GovernmentBody", acronym=acronym, rule=method)
