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


def label_key(text: str) -> str:
    """A row label as compared with the lexicon's: folded, words only, letters that a lost
    ligature may have undoubled squeezed ("Atending" and "Attending" are one key)."""
    words = " ".join(re.findall(r"[a-z0-9%]+", fold(text)))
    return re.sub(r"([a-z])\1+", r"\1", words)


def _indicator(ctx: Context, label: str, mapping: dict) -> tuple[URIRef, list] | None:
    """The indicator of a row label: the mapping's longest prefix of the label."""
    key = label_key(label)
    for prefix in sorted(mapping, key=lambda p: (-len(p), p)):
        if key.startswith(label_key(prefix)):
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


def _names_row(ctx: Context, label: str, note: Block) -> bool:
    key = fold(re.sub(r"\(.*?\)", "", label)).strip()
    return bool(key) and key in fold(ctx.text(note).split(":", 1)[0])


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
        values: list[tuple[Decimal | None, str]] = []  # None: the table says unavailable
        share_unit = "percent" if "%" in label else "value"
        number = parse_number(value_text) if re.match(r"\s*[\d.]", value_text) else None
        if number is not None:
            values.append((number, share_unit))
        elif answer(ctx, value_text) == UNKNOWN:
            values.append((None, share_unit))
        population = re.search(r"\(([^()]*)\)", value_text)
        if population and "population" in fold(label):
            count = population.group(1)
            if re.fullmatch(r"[\d,]+", count.strip()):
                values.append((Decimal(count.strip().replace(",", "")), "children"))
            elif answer(ctx, count) == UNKNOWN:
                values.append((None, "children"))
        for value, unit in values:
            # a statistic with no data year is anchored to the report that states it, so that
            # two reports' values are two observations, not a disagreement; an unavailable
            # value has no data year unless a note names its row
            dated = year if value is not None or (note is not None and _names_row(
                ctx, label, note)) else None
            when = dated or (f"reported-{ctx.reporting_year}" if ctx.reporting_year else None)
            parts = [ctx.country_slug(), when, str(indicator).rsplit("/", 1)[-1]]
            if ages:
                parts += [ages[0], ages[1]]
            obs = ctx.nary("observation", *parts, unit)
            passages = [row.row]
            ctx.typed(obs, CTIP.Observation)
            ctx.fact(obs, CTIP.indicator, indicator, passages, method)
            ctx.fact(obs, CTIP.country, ctx.country, passages, method)
            if value is None:
                ctx.fact(obs, CTIP.valueUnknown, Literal(True), passages, method)
            else:
                ctx.fact(obs, CTIP.value, Literal(value), passages, method)
            ctx.fact(obs, CTIP.unit, Literal(unit), passages, method)
            if ages:
                ctx.fact(obs, CTIP.ageMin, Literal(ages[0]), passages, method)
                ctx.fact(obs, CTIP.ageMax, Literal(ages[1]), passages, method)
            if dated:
                ctx.fact(obs, CTIP.year, gyear(dated), [row.row, note], method)


#: What an enforcement cell says besides a number.
YES, NO, UNKNOWN, NOT_APPLICABLE = "yes", "no", "unknown", "n/a"


def answer(ctx: Context, text: str) -> str | None:
    """Yes / No / unknown / not applicable as a cell begins ("Unknown (57)", "N/A*", "Yes
    (4,49)"); None for a number or anything else."""
    spec = ctx.lexicon.section("enforcement")
    folded = " ".join(fold(text).replace("*", " ").replace("†", " ").replace("‡", " ").split())
    words = [(fold(w), UNKNOWN) for w in spec.get("unknown", [])]
    words += [(fold(w), NOT_APPLICABLE) for w in spec.get("not_applicable", [])]
    words += [(fold(w), YES) for w in spec.get("yes", [])]
    words += [(fold(w), NO) for w in spec.get("no", [])]
    for word, meaning in sorted(words, key=lambda w: (-len(w[0]), w[0])):
        if re.match(rf"{re.escape(word)}(?![a-z0-9/])", folded):
            return meaning
    return None


def enforcement(ctx: Context, table: Table, method: str) -> None:
    """Both year columns of a labor or criminal enforcement table, each a figure of its own
    year: a number (ctip:value, with its unit), Yes/No (ctip:booleanValue), unknown
    (ctip:valueUnknown) or not applicable (ctip:valueNotApplicable)."""
    spec = ctx.lexicon.section("enforcement")
    kind = method.split(":", 1)[-1]
    mapping = spec.get(kind, {}).get("indicators", {})
    scope = spec.get("scope", "")
    forms = ctx.lexicon.concepts_in("exploitation", table.caption or "")
    if ctx.country is None:
        return
    for row in body_rows(table):
        label = row.text(ctx, 1)
        found = _indicator(ctx, label, mapping)
        if found is None:
            if label and not any(c for col, c in row.cells.items() if col != 1 and not c.is_empty):
                continue  # a group row: "Training for Labor Inspectors"
            if label:
                ctx.unlinked.append(f"{method}: no indicator for row {label!r}")
            continue
        indicator, extra = found
        for column, cell in sorted(row.cells.items()):
            head = header_cell(row, column)
            year_found = years(ctx.text(head)) if head is not None else []
            if column == 1 or cell.is_empty or not year_found:
                continue
            said = _cell_value(ctx, ctx.text(cell), extra[0] if extra else None)
            if said is None:
                continue
            year = year_found[0][0]
            notation = str(indicator).rsplit("/", 1)[-1]
            fig = ctx.nary("observation", ctx.country_slug(), year, notation, scope)
            passages = [row.cell(1), head, cell]
            ctx.typed(fig, CTIP.EnforcementFigure)
            ctx.fact(fig, CTIP.indicator, indicator, passages, method)
            ctx.fact(fig, CTIP.country, ctx.country, passages, method)
            ctx.fact(fig, CTIP.year, gyear(year), passages, method)
            ctx.fact(fig, CTIP.area, CTIPC["area/enforcement"], passages, method)
            for prop, value in said:
                ctx.fact(fig, prop, value, passages, method)
            if forms:
                ctx.fact(fig, CTIP.form, forms[0][1], passages, method)


def _cell_value(ctx: Context, text: str, unit: str | None) -> list[tuple[URIRef, Literal]] | None:
    """The facts one enforcement cell states, or None when it states nothing we read."""
    text = strip_citations(text)
    word = answer(ctx, text)
    if word == UNKNOWN:
        return [(CTIP.valueUnknown, Literal(True))]
    if word == NOT_APPLICABLE:
        return [(CTIP.valueNotApplicable, Literal(True))]
    if word in (YES, NO):
        return [(CTIP.booleanValue, Literal(word == YES))]
    money = amounts(text, ctx.lexicon)
    if money and money[0].start <= 2:
        return [(CTIP.value, Literal(money[0].value)), (CTIP.unit, Literal(money[0].currency))]
    if re.match(r"^\s*[\d,.]*\d", text):
        value = parse_number(text)
        if value is None:
            return None
        facts = [(CTIP.value, Literal(value))]
        return facts + ([(CTIP.unit, Literal(unit))] if unit and unit != "USD" else [])
    return None
