"""Statistics tables (→ ctip:Observation) and enforcement tables (→ ctip:EnforcementFigure).

Row labels map to indicator concepts through patterns.toml [statistics] / [enforcement]; the
reference year of statistics comes from the "Source for …" notes under the table; enforcement
tables have one column per year. "Unknown" gives ``ctip:valueUnknown true``, never 0.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rdflib import Literal, URIRef

from ..link.lexicon import fold
from ..namespaces import CTIP, CTIPC
from ..read.model import Block, Table
from .context import Context, gyear
from .tables import body_rows, header_cell
from .values import age_range, amounts, parse_number, strip_citations, years

_YEAR_FROM = re.compile(r"\bfrom\s+(\d{4})\b", re.IGNORECASE)
_RANGE = re.compile(r"(\d{4})\s*[-–]\s*(\d{4})")


def _indicator(ctx: Context, label: str, mapping: dict) -> tuple[URIRef, list] | None:
    key = fold(label)
    for prefix in sorted(mapping, key=len, reverse=True):
        if key.startswith(fold(prefix)):
            value = mapping[prefix]
            notation, extra = (value, []) if isinstance(value, str) else (value[0], value[1:])
            return CTIPC[f"indicator/{notation}"], list(extra)
    return None


def _source_notes(ctx: Context, table: Table) -> list[Block]:
    """Sentences right under a table that start with a "source for" cue."""
    cues = [fold(c) for c in ctx.lexicon.words("statistics", "source_note")]
    notes = []
    for sentence in ctx.doc.sentences:
        near = table.end <= sentence.start <= table.end + 2000
        if near and any(fold(ctx.text(sentence)).startswith(c) for c in cues):
            notes.append(sentence)
    return notes


def _note_year(text: str) -> int | None:
    m = _YEAR_FROM.search(text)
    if m:
        return int(m.group(1))
    r = _RANGE.search(fold(text, lower=False))
    if r:
        return int(r.group(2))
    found = years(text)
    return found[0][0] if found else None


def _year_for(ctx: Context, label: str, notes: list[Block]) -> tuple[int | None, Block | None]:
    """The year a note gives for a row: a note naming the row, else the "all other" note."""
    other_cues = [fold(c) for c in ctx.lexicon.words("statistics", "other_rows")]
    key = fold(re.sub(r"\(.*?\)", "", label)).strip()
    fallback: tuple[int | None, Block | None] = (None, None)
    for note in notes:
        text = ctx.text(note)
        head = fold(text.split(":", 1)[0])
        if key and key in head:
            return _note_year(text), note
        if any(c in head for c in other_cues):
            fallback = (_note_year(text), note)
    return fallback


def statistics(ctx: Context, table: Table, method: str) -> None:
    mapping = ctx.lexicon.section("statistics").get("indicators", {})
    notes = _source_notes(ctx, table)
    for row in body_rows(table):
        label = row.text(ctx, 1)
        found = _indicator(ctx, label, mapping)
        if found is None or ctx.country is None:
            if label:
                ctx.unlinked.append(f"{method}: no indicator for row {label!r}")
            continue
        indicator = found[0]
        ages = age_range(row.text(ctx, 2))
        year, note = _year_for(ctx, label, notes)
        value_text = row.text(ctx, 3)
        values: list[tuple[Decimal, str]] = []
        number = parse_number(value_text)
        if number is not None:
            values.append((number, "percent" if "%" in label else "value"))
        population = re.search(r"\(([\d,]+)\)", value_text)
        if population and "population" in fold(label):
            values.append((Decimal(population.group(1).replace(",", "")), "children"))
        for value, unit in values:
            parts = [ctx.country_slug(), year, str(indicator).rsplit("/", 1)[-1]]
            if ages:
                parts += [ages[0], ages[1]]
            obs = ctx.nary("observation", *parts, unit)
            passages = [row.row]
            ctx.typed(obs, CTIP.Observation)
            ctx.fact(obs, CTIP.indicator, indicator, passages, method)
            ctx.fact(obs, CTIP.country, ctx.country, passages, method)
            ctx.fact(obs, CTIP.value, Literal(value), passages, method)
            ctx.fact(obs, CTIP.unit, Literal(unit), passages, method)
            if ages:
                ctx.fact(obs, CTIP.ageMin, Literal(ages[0]), passages, method)
                ctx.fact(obs, CTIP.ageMax, Literal(ages[1]), passages, method)
            if year:
                ctx.fact(obs, CTIP.year, gyear(year), [row.row, note], method)


def enforcement(ctx: Context, table: Table, method: str) -> None:
    spec = ctx.lexicon.section("enforcement")
    mapping = spec.get("indicators", {})
    unknown = [fold(u) for u in spec.get("unknown", [])]
    scope = ctx.lexicon.concepts_in("exploitation", table.caption or "")
    suffix = str(scope[0][1]).rsplit("/", 1)[-1] if scope else ""
    for row in body_rows(table):
        label = row.text(ctx, 1)
        found = _indicator(ctx, label, mapping)
        if found is None or ctx.country is None:
            continue
        indicator, extra = found
        unit = extra[0] if extra else None
        for column, cell in sorted(row.cells.items()):
            head = header_cell(row, column)
            year_found = years(ctx.text(head)) if head is not None else []
            if column == 1 or cell.is_empty or not year_found:
                continue
            year = year_found[0][0]
            text = strip_citations(ctx.text(cell))
            value: Decimal | None = None
            is_unknown = fold(text).strip(" ‡†*") in unknown
            if not is_unknown:
                money = amounts(text, ctx.lexicon)
                if money:
                    value, unit = money[0].value, money[0].currency
                elif re.match(r"^\s*[\d,.]+", text):
                    value = parse_number(text)
            if value is None and not is_unknown:
                continue
            fig = ctx.nary("observation", ctx.country_slug(), year,
                           str(indicator).rsplit("/", 1)[-1], suffix)
            passages = [row.cell(1), head, cell]
            ctx.typed(fig, CTIP.EnforcementFigure)
            ctx.fact(fig, CTIP.indicator, indicator, passages, method)
            ctx.fact(fig, CTIP.country, ctx.country, passages, method)
            ctx.fact(fig, CTIP.year, gyear(year), passages, method)
            ctx.fact(fig, CTIP.area, CTIPC["area/enforcement"], passages, method)
            if is_unknown:
                ctx.fact(fig, CTIP.valueUnknown, Literal(True), passages, method)
            else:
                ctx.fact(fig, CTIP.value, Literal(value), passages, method)
                if unit:
                    ctx.fact(fig, CTIP.unit, Literal(unit), passages, method)
            if scope:
                ctx.fact(fig, CTIP.form, scope[0][1], passages, method)
