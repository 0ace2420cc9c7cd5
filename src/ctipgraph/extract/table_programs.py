"""Tables of bodies, policies, programs, suggested actions and sectors: the name in the first
column is the subject of what the description column says (funded by, implemented by, led by,
period, budget, forms of exploitation addressed)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from ..link.lexicon import Lexicon, fold
from ..namespaces import CTIP, CTIPC, ID
from ..read.model import Document, Table, TableCell
from .context import ACTOR_CLASSES, INSTRUMENT_CLASSES, Context, gyear
from .relations import all_relations
from .series import local_slug
from .tables import Row, body_rows, split_name
from .units import make_unit
from .values import clean_name, period, period_span, strip_citations, year_range


def _subject(ctx: Context, cell: TableCell, cls: str, method: str) -> URIRef:
    """The entity a first-column cell names (period and markers removed)."""
    text = clean_name(ctx.text(cell))
    span = period_span(text)
    if span:
        text = (text[: span[0]] + text[span[1]:]).replace("()", "").strip()
    name, acronym = split_name(clean_name(text), ctx.lexicon)
    name = re.sub(r"\s*\(\s*\)\s*", " ", name).strip()
    owner, start = _owner(ctx, cell, name)
    if owner is not None:  # "MWCPNS’s Regional Child Protection Committees"
        name = name[start:]
    # (a law, a circular or a protocol a report lists among its policies is that instrument)
    family = {"Program": ("Program", "Policy"),
              "Policy": ("Policy", "Program", *INSTRUMENT_CLASSES - {"LegalProvision"})}.get(cls)
    subject = None
    for m in ctx.in_block(cell):  # a name the linker already knows, covering the cell
        fits = ctx.is_a(m.iri, *family) if family else ctx.is_a(m.iri, *ACTOR_CLASSES)
        if m.start - cell.start <= start + 2 and fits and (m.end - m.start) >= len(name) - 2:
            ctx.registry.use(m.iri)
            if acronym:
                ctx.registry.add_acronym(m.iri, acronym)
            subject = m.iri
            break
    if subject is None:
        subject = ctx.resolve(name, cls, acronym=acronym, rule=method, country=None)
    if owner is not None and cls in ACTOR_CLASSES and ctx.is_a(subject, *ACTOR_CLASSES):
        ctx.fact(subject, CTIP.subOrganizationOf, owner, [cell], method)
    return subject


def _owner(ctx: Context, cell: TableCell, name: str) -> tuple[URIRef | None, int]:
    """The body a cell's name opens with in the possessive ("MOJ’s National Action Plan …"),
    and where the owned name starts; (None, 0) when there is none."""
    for m in ctx.in_block(cell):
        if m.start - cell.start > 2 or not ctx.is_a(m.iri, *ACTOR_CLASSES):
            continue
        owner = ctx.doc.text[m.start:m.end]
        possessive = re.match(re.escape(owner) + r"['’]s\s+(?=[A-Z])", name)
        if possessive:
            return m.iri, possessive.end()
    return None, 0


def _period(ctx: Context, subject: URIRef, cell: TableCell, row: Row, method: str) -> None:
    found = period(ctx.text(cell))
    graph = ctx.emitter.graph
    stated = (graph.value(subject, CTIP.startYear), graph.value(subject, CTIP.endYear))
    if found and stated != (None, None) and stated != (gyear(found[0]), gyear(found[1])):
        # one report naming a plan in two tables with two periods: the first stands
        ctx.unlinked.append(f"{method}: {subject} is also said to run {found[0]}-{found[1]}; "
                            f"kept the first period")
        return
    if found:
        ctx.fact(subject, CTIP.startYear, gyear(found[0]), [row.row], method)
        ctx.fact(subject, CTIP.endYear, gyear(found[1]), [row.row], method)


def _addresses(ctx: Context, subject: URIRef, text: str, row: Row, method: str,
               default: list[URIRef] | None = None) -> None:
    found = [iri for _, iri in ctx.lexicon.concepts_in("exploitation", text)]
    for concept in found or default or []:
        ctx.fact(subject, CTIP.addresses, concept, [row.row], method)


def _first_sentence(text: str) -> str:
    text = strip_citations(text)
    m = re.search(r"(?<=[a-z)])\.\s+(?=[A-Z(])", text)
    return text[: m.start() + 1] if m else text


def coordinating_bodies(ctx: Context, table: Table, method: str) -> None:
    for row in body_rows(table):
        cell, desc = row.cell(1), row.cell(2)
        if cell is None or desc is None:
            continue
        body = _subject(ctx, cell, "CoordinatingBody", method)
        if ctx.country is not None and ctx.registry.found.get(body) is not None:
            ctx.fact(body, CTIP.country, ctx.country, [row.row], method)
        text = ctx.text(desc)
        ctx.fact(body, CTIP.role, Literal(_first_sentence(text)), [row.row], method)
        # relations, members and budgets ("In 2017, received a budget of $381,000")
        all_relations(ctx, make_unit(ctx, [desc]), body, method, subject_blocks=[cell])
    notes(ctx, table, "CoordinatingBody", method)


def notes(ctx: Context, table: Table, cls: str, method: str) -> None:
    """A note under the table says something of every row marked with its marker ("‡ Program
    is funded by the Government of Mali.")."""
    for note in table.notes:
        blocks = [note] if note.is_passage else [
            s for s in ctx.doc.sentences if s.is_passage and note.start <= s.start
            and s.end <= note.end]
        if not blocks or not note.marker:
            continue
        unit = make_unit(ctx, blocks)
        for row in body_rows(table):
            cell = row.cell(1)
            if cell is None or note.marker not in getattr(cell, "markers", ()):
                continue
            subject = _subject(ctx, cell, cls, method)
            all_relations(ctx, unit, subject, method, subject_blocks=[cell])


def _interventions(ctx: Context, table: Table, cls: str, method: str):
    """Rows of a policies or programs table: (row, its intervention, the description cell,
    the forms of exploitation the caption names), with the period and country claimed."""
    default = [iri for _, iri in ctx.lexicon.concepts_in("exploitation", table.caption or "")]
    for row in body_rows(table):
        cell, desc = row.cell(1), row.cell(2)
        if cell is None:
            continue
        subject = _subject(ctx, cell, cls, method)
        _period(ctx, subject, cell, row, method)
        if ctx.country is not None:
            ctx.fact(subject, CTIP.country, ctx.country, [row.row], method)
        yield row, subject, cell, desc, default


def policies(ctx: Context, table: Table, method: str) -> None:
    for row, policy, cell, desc, default in _interventions(ctx, table, "Policy", method):
        text = ctx.text(desc) if desc is not None else ""
        _addresses(ctx, policy, clean_name(ctx.text(cell)) + " " + text, row, method, default)
        if desc is not None:
            all_relations(ctx, make_unit(ctx, [desc]), policy, method, subject_blocks=[cell])
    notes(ctx, table, "Policy", method)


def social_programs(ctx: Context, table: Table, method: str) -> None:
    """Programs: period, forms addressed, and what the description says of them (funders,
    implementers, the funding its amount belongs to — never the program itself —, results)."""
    for row, program, cell, desc, default in _interventions(ctx, table, "Program", method):
        if desc is None:
            continue
        _addresses(ctx, program, ctx.text(desc), row, method, default)
        all_relations(ctx, make_unit(ctx, [desc]), program, method, subject_blocks=[cell])
    notes(ctx, table, "Program", method)


@dataclass
class ActionRow:
    """One row of a suggested-actions table: the action's wording, its area and years."""

    row: Row
    text: str
    area_cell: TableCell | None
    area: URIRef | None
    years: list[int]


def action_rows(doc: Document, lexicon: Lexicon, table: Table) -> Iterator[ActionRow]:
    """The suggested actions of a table (the second column; the area carried down the first;
    the years of the third). A cell with no words (a year range read into the action column)
    is no action."""
    for row in body_rows(table):
        cell = row.cell(2)
        if cell is None:
            continue
        text = strip_citations(doc.text[cell.start:cell.end])
        if not re.search(r"[a-z]{3}", text):
            continue
        area_cell = row.group
        area = None
        if area_cell is not None:
            area = lexicon.concept("area", clean_name(doc.text[area_cell.start:area_cell.end]))
        years_cell = row.cell(3)
        years = year_range(doc.text[years_cell.start:years_cell.end]) if years_cell else []
        yield ActionRow(row, text, area_cell, area, years)


def recommendations(ctx: Context, table: Table, method: str) -> None:
    for action in action_rows(ctx.doc, ctx.lexicon, table):
        row = action.row
        rec = recommendation(ctx, action.text, [row.row], method)
        if action.area is not None:
            ctx.fact(rec, CTIP.area, action.area, [row.row, action.area_cell], method)
        for year in action.years:
            ctx.fact(rec, CTIP.yearsSuggested, gyear(year), [row.row], method)


def recommendation(ctx: Context, text: str, passages: list, method: str) -> URIRef:
    """A ctip:Recommendation: one IRI for an action through a country's series of reports
    (extract.series), claimed by every report that suggests it, each in its own words."""
    country = ctx.country_slug()
    if ctx.series is not None:
        slug = ctx.series.slug(ctx.doc.doc_id, country, text)
    else:
        slug = local_slug(country, text)
    rec = ID[f"recommendation/{slug}"]
    ctx.typed(rec, CTIP.Recommendation)
    ctx.emitter.plain(rec, RDFS.label, Literal(text, lang="en"))
    ctx.fact(rec, CTIP.text, Literal(text), passages, method)
    if ctx.country is not None:
        ctx.fact(rec, CTIP.country, ctx.country, passages, method)
    return rec


def distributed_forms(lexicon: Lexicon, text: str) -> list[URIRef]:
    """The form of exploitation that an activity cell's opening word gives to every item of the
    list it opens (patterns.toml [activity_forms]): "Forced begging, domestic work, street
    vending" is forced labor in each; "Forced recruitment …, including as porters" and "Forced
    begging, sometimes as a result of human trafficking" are one item (no list)."""
    # a parenthesis (citations left in the cell, "(crushed stones)") is not an item
    opening, _, rest = fold(re.sub(r"\([^)]*\)?", " ", text)).partition(" ")
    notation = lexicon.section("activity_forms", "distributive").get(opening)
    items = [item.strip() for item in re.split(r"[,;]", rest)]
    if not notation or len(items) < 2 or not items[1]:
        return []
    second = items[1].removeprefix("and ").removeprefix("or ")
    if any(re.match(re.escape(fold(word)) + r"\b", second)
           for word in lexicon.words("activity_forms", "continuations")):
        return []
    form = lexicon.concept("exploitation", notation)
    return [form] if form is not None else []


def sectors(ctx: Context, table: Table, method: str) -> None:
    """Activities by sector: an activity resource (id:activity/…) with ctip:sector and the
    forms of exploitation (ctip:form) it names. Cells marked with a table note that says
    "hazardous" are hazardous work."""
    hazardous = {n.marker for n in table.notes if "hazardous" in fold(ctx.text(n))}
    for row in body_rows(table):
        cell = row.cell(2)
        group = row.group
        if cell is None or group is None or ctx.country is None:
            continue
        text = clean_name(ctx.text(cell))
        sector = ctx.concept("sector", clean_name(ctx.text(group)))
        activity = ctx.nary("activity", ctx.country_slug(), ctx.reporting_year, text[:60])
        passages = [row.row]
        ctx.emitter.plain(activity, RDFS.label, Literal(text, lang="en"))
        ctx.fact(activity, CTIP.country, ctx.country, passages, method)
        if ctx.reporting_year:
            ctx.fact(activity, CTIP.year, gyear(ctx.reporting_year), passages, method)
        if sector is not None:
            ctx.fact(activity, CTIP.sector, sector, passages + [group], method)
        forms = [iri for _, iri in ctx.lexicon.concepts_in("exploitation", text)]
        forms += distributed_forms(ctx.lexicon, text)
        if hazardous & set(getattr(cell, "markers", ())):
            forms.append(CTIPC["exploitation/hazardous-work"])
        for form in dict.fromkeys(forms):
            ctx.fact(activity, CTIP.form, form, passages, method)

