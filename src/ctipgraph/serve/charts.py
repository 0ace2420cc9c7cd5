"""Pictures drawn by the server as SVG (no script, no CDN): the evidence chain of a fact (used by
/trace), and the /charts page — a timeline of a country's TIP tier placements and USDOL advancement
levels, a series table (advancement level, enforcement figures and statistics by year, each value
linked to its trace and to the reports stating it), and funding by funder and program, grouped by
currency as stated (never converted).

Every text is escaped, every layout is computed from the data alone (same data, same picture), and
every point, bar and box links to the page behind it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from flask import Blueprint, request, url_for
from markupsafe import Markup, escape

from .app import get_store
from .describe import PREFIX, exists, safe_iri
from .labels import ID, Labeller, href
from .reader import error_response, reader_href, trace_url
from .render import JSON_TWIN, alternates_for, html_response, json_response, negotiate
from .security import safe_url

bp = Blueprint("charts", __name__, template_folder="templates")

CTIP = "https://w3id.org/ctipgraph/ontology#"
TIER_SCHEME = ID + "concept/tier"
ADVANCEMENT_SCHEME = ID + "concept/advancement"
#: the values of a true EXISTS: xsd:boolean, or the integer 1 from Virtuoso 7.2
TRUE = ("true", "1")
#: lane order of the known concepts (others follow, by label)
RANK = {name: n for n, name in enumerate((
    "tier-1", "tier-2", "tier-2-watch-list", "tier-3", "special-case",
    "significant-advancement", "moderate-advancement", "minimal-advancement", "no-advancement",
    "no-assessment"))}


# -- SVG primitives ------------------------------------------------------------------------------


def fit(text: str, length: int) -> str:
    """`text` on one line, cut to `length` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


def _attrs(**attrs: object) -> str:
    return "".join(f' {k.rstrip("_").replace("_", "-")}="{escape(str(v))}"'
                   for k, v in attrs.items() if v is not None)


def svg_text(x: float, y: float, text: str, **attrs: object) -> str:
    return f"<text{_attrs(x=f'{x:g}', y=f'{y:g}', **attrs)}>{escape(text)}</text>"


def svg_document(width: float, height: float, title: str, body: list[str],
                 css_class: str) -> Markup:
    """An inline <svg> with an accessible title, scaled to its container."""
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(css_class)}" role="img" '
            f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
            f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>')
    return Markup(head + "".join(body) + "</svg>")


def linked(href_: str | None, tooltip: str, inner: str, css_class: str) -> str:
    """A group with a tooltip, inside a link when there is somewhere to go (an http(s) URL or a
    path of this site: security.safe_url)."""
    group = f'<g class="{escape(css_class)}"><title>{escape(tooltip)}</title>{inner}</g>'
    target = safe_url(href_)
    return f'<a href="{escape(target)}">{group}</a>' if target else group


# -- the evidence chain of a fact ----------------------------------------------------------------


@dataclass
class Node:
    """A box of a layered diagram."""

    key: str
    title: str
    subtitle: str = ""
    tooltip: str = ""
    href: str | None = None
    kind: str = ""


BOX_W, BOX_H, COL_GAP, ROW_GAP, PAD, HEAD = 176, 44, 36, 10, 8, 22
MAX_ROWS = 14


def layered_svg(headings: list[str], columns: list[list[Node]],
                edges: list[tuple[str, str]], title: str) -> Markup:
    """Columns of boxes, left to right, joined by curves: a deterministic layout."""
    shown: list[list[Node]] = []
    for number, nodes in enumerate(columns):
        if len(nodes) > MAX_ROWS:
            extra = len(nodes) - MAX_ROWS + 1
            nodes = [*nodes[:MAX_ROWS - 1],
                     Node(f"more-{number}", f"… {extra} more", "see the list below", kind="more")]
        shown.append(nodes)
    rows = max((len(c) for c in shown), default=1) or 1
    inner_h = rows * (BOX_H + ROW_GAP) - ROW_GAP
    width = 2 * PAD + len(shown) * BOX_W + (len(shown) - 1) * COL_GAP
    height = 2 * PAD + HEAD + inner_h
    where: dict[str, tuple[float, float]] = {}
    boxes: list[str] = []
    for number, nodes in enumerate(shown):
        x = PAD + number * (BOX_W + COL_GAP)
        boxes.append(svg_text(x + BOX_W / 2, PAD + 12, headings[number], class_="col-head",
                              text_anchor="middle"))
        top = PAD + HEAD + (inner_h - (len(nodes) * (BOX_H + ROW_GAP) - ROW_GAP)) / 2
        for row, node in enumerate(nodes):
            y = top + row * (BOX_H + ROW_GAP)
            where.setdefault(node.key, (x, y))
            inner = (f'<rect x="{x:g}" y="{y:g}" width="{BOX_W}" height="{BOX_H}" rx="5"/>'
                     + svg_text(x + 8, y + 18, fit(node.title, 22), class_="box-title")
                     + svg_text(x + 8, y + 34, fit(node.subtitle, 27), class_="box-sub"))
            boxes.append(linked(node.href, node.tooltip or node.title, inner,
                                f"node node-{node.kind}"))
    curves = []
    for a, b in edges:
        if a in where and b in where:
            (xa, ya), (xb, yb) = where[a], where[b]
            x1, y1, x2, y2 = xa + BOX_W, ya + BOX_H / 2, xb, yb + BOX_H / 2
            mid = (x1 + x2) / 2
            curves.append(f'<path class="edge" d="M{x1:g},{y1:g} C{mid:g},{y1:g} {mid:g},{y2:g} '
                          f'{x2:g},{y2:g}"/>')
    return svg_document(width, height, title, curves + boxes, "chain")


# -- chart data ----------------------------------------------------------------------------------


def _v(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else ""


def _rows(store, query: str) -> list[dict[str, object]]:
    solutions = store.query(PREFIX + query)
    names = [v.value for v in solutions.variables]
    return [{n: row[n] for n in names} for row in solutions]


def countries(store) -> list[dict]:
    """Countries with tier placements, advancement assessments or fundings, most placed first."""
    rows = _rows(store, """
        SELECT ?country (COUNT(DISTINCT ?tp) AS ?placements) (COUNT(DISTINCT ?aa) AS ?assessments)
        WHERE {
          { ?tp a ctip:TierPlacement ; ctip:country ?country }
          UNION { ?aa a ctip:AdvancementAssessment ; ctip:country ?country }
          UNION { ?doc a ctip:SourceDocument ; ctip:country ?country }
        } GROUP BY ?country
        ORDER BY DESC(?placements) DESC(?assessments) STR(?country)""")
    labeller = Labeller(store)
    labeller.want(*(_v(r["country"]) for r in rows))
    return [{"iri": _v(r["country"]), "label": labeller.label(_v(r["country"])),
             "placements": int(_v(r["placements"]) or 0),
             "assessments": int(_v(r["assessments"]) or 0)}
            for r in rows if isinstance(r["country"], ox.NamedNode)]


@dataclass
class Point:
    """One stated value of a timeline: a year, a lane (concept), the documents saying so."""

    year: int
    lane: str
    lane_label: str
    subject: str
    predicate: str
    documents: list[str] = field(default_factory=list)
    disputed: bool = False

    def to_dict(self) -> dict:
        return {"year": self.year, "value": self.lane, "label": self.lane_label,
                "assessment": self.subject, "property": self.predicate,
                "documents": self.documents, "disputed": self.disputed}


def timeline(store, country: str) -> dict[str, dict]:
    """Tier placements and advancement levels of `country`: lanes and points per panel."""
    rows = _rows(store, f"""
        SELECT DISTINCT ?a ?prop ?year ?value
        WHERE {{
          {{ ?a a ctip:TierPlacement ; ctip:tier ?value . BIND(ctip:tier AS ?prop) }}
          UNION
          {{ ?a a ctip:AdvancementAssessment ; ctip:advancementLevel ?value .
             BIND(ctip:advancementLevel AS ?prop) }}
          ?a ctip:country <{country}> ; ctip:year ?year .
          FILTER(isIRI(?value))
        }} ORDER BY ?year STR(?value)""")
    documents = _claiming_documents(store, {(_v(r["a"]), _v(r["prop"]), _v(r["value"]))
                                            for r in rows})
    labeller = Labeller(store)
    panels = {"tier": {"scheme": TIER_SCHEME, "title": "TIP report tier", "points": []},
              "advancement": {"scheme": ADVANCEMENT_SCHEME,
                              "title": "USDOL advancement level", "points": []}}
    for row in rows:
        year = _v(row["year"])[:4]
        if not year.isdigit() or not isinstance(row["value"], ox.NamedNode):
            continue
        panel = "tier" if _v(row["prop"]) == CTIP + "tier" else "advancement"
        key = (_v(row["a"]), _v(row["prop"]), _v(row["value"]))
        panels[panel]["points"].append(Point(int(year), key[2], "", key[0], key[1],
                                             documents.get(key, [])))
    for panel in panels.values():
        scheme = [_v(r["c"]) for r in _rows(store, f"""
            SELECT DISTINCT ?c WHERE {{ ?c skos:inScheme <{panel['scheme']}> }}""")]
        lanes = sorted({*scheme, *(p.lane for p in panel["points"])})
        labeller.want(*lanes)
        labeller.resolve()
        panel["lanes"] = sorted(
            ({"iri": c, "label": labeller.label(c)} for c in lanes),
            key=lambda lane: (RANK.get(lane["iri"].rsplit("/", 1)[-1], 99), lane["label"]))
        per_year: dict[int, set[str]] = {}
        for point in panel["points"]:
            point.lane_label = labeller.label(point.lane)
            per_year.setdefault(point.year, set()).add(point.lane)
        for point in panel["points"]:
            point.disputed = len(per_year[point.year]) > 1
    return panels


def _claiming_documents(store, facts: set[tuple[str, str, str]]) -> dict[tuple, list[str]]:
    """The documents whose claims state each (subject, predicate, IRI object), sorted: looked
    up for these facts only (as an OPTIONAL of the timeline's query, the engine joined every
    claim of the store: seconds at a few million quads)."""
    if not facts:
        return {}
    values = " ".join(f"(<{a}> <{p}> <{o}>)" for a, p, o in sorted(facts))
    found: dict[tuple, set[str]] = {}
    for row in _rows(store, f"""
            SELECT DISTINCT ?a ?prop ?value ?d WHERE {{
              VALUES (?a ?prop ?value) {{ {values} }}
              ?c rdf:subject ?a ; rdf:predicate ?prop ; rdf:object ?value ;
                 ctip:inDocument ?d .
              ?c a ctip:Claim .
            }}"""):
        found.setdefault((_v(row["a"]), _v(row["prop"]), _v(row["value"])), set()).add(
            _v(row["d"]))
    return {key: sorted(docs) for key, docs in found.items()}


def timeline_svg(panels: dict[str, dict], country_label: str) -> Markup:
    """Both panels of the timeline, years across, lanes down; each point links to its trace."""
    points = [p for panel in panels.values() for p in panel["points"]]
    years = sorted({p.year for p in points})
    first, last = (years[0], years[-1]) if years else (2000, 2001)
    if first == last:
        first, last = first - 1, last + 1
    left, right, lane_h, width, inset = 190, 24, 24, 820, 18
    plot_w = width - left - right - 2 * inset

    def x_of(year: int) -> float:
        return round(left + inset + (year - first) / (last - first) * plot_w, 1)

    body: list[str] = []
    y = 10
    for panel in panels.values():
        body.append(svg_text(8, y + 14, panel["title"], class_="panel-title"))
        y += 26
        lane_y = {}
        for lane in panel["lanes"]:
            lane_y[lane["iri"]] = y + lane_h / 2
            body.append(f'<line class="lane" x1="{left}" y1="{y + lane_h / 2:g}" '
                        f'x2="{width - right}" y2="{y + lane_h / 2:g}"/>')
            body.append(svg_text(left - 8, y + lane_h / 2 + 4, fit(lane["label"], 28),
                                 class_="lane-label", text_anchor="end"))
            y += lane_h
        for point in sorted(panel["points"], key=lambda p: (p.year, p.lane, p.subject)):
            cy, cx = lane_y[point.lane], x_of(point.year)
            docs = ", ".join(d.rsplit("/", 1)[-1] for d in point.documents) or "no claim"
            tip = (f"{point.year}: {point.lane_label} — according to {docs}"
                   + (" (the documents disagree on this year)" if point.disputed else ""))
            circle = f'<circle cx="{cx:g}" cy="{cy:g}" r="7"/>'
            body.append(linked(trace_url(ox.NamedNode(point.subject),
                                         ox.NamedNode(point.predicate), ox.NamedNode(point.lane)),
                               tip, circle, "point disputed" if point.disputed else "point"))
        if not panel["points"]:
            body.append(svg_text(left + 8, y - 4, "nothing stated", class_="empty"))
        y += 12
    step = max(1, -(-(last - first) // 16))
    ticks = []
    for year in range(first, last + 1, step):
        ticks.append(f'<line class="tick" x1="{x_of(year):g}" y1="30" x2="{x_of(year):g}" '
                     f'y2="{y:g}"/>')
        ticks.append(svg_text(x_of(year), y + 14, str(year), class_="year",
                              text_anchor="middle"))
    body = ticks + body  # under the lanes and points
    return svg_document(width, y + 24, f"TIP tiers and USDOL advancement levels of "
                        f"{country_label}, by year", body, "chart timeline")


@dataclass
class Bar:
    """One stated amount of one funding."""

    funding: str
    funder: str
    funder_label: str
    item: str
    item_label: str
    amount: str
    currency: str
    matching: bool = False
    documents: list[str] = field(default_factory=list)
    amount_nt: str = ""  # the amount as stated, in N-Triples (for its trace)

    def trace(self) -> str:
        return trace_url(ox.NamedNode(self.funding), ox.NamedNode(CTIP + "amount"),
                         self.amount_nt)

    def to_dict(self) -> dict:
        return {"funding": self.funding, "funder": self.funder, "funderLabel": self.funder_label,
                "fundedItem": self.item, "fundedItemLabel": self.item_label,
                "amount": self.amount, "currency": self.currency, "matching": self.matching,
                "documents": self.documents}


def fundings(store, country: str) -> dict[str, list[Bar]]:
    """Fundings about `country` (its items, itself, or its documents), grouped by currency.

    Each branch starts from the fundings (a few), never from all claims: in the project store
    the default graph is the union of the graphs and repeats a triple once per graph holding it,
    so a plan that starts from the claims took minutes."""
    rows = _rows(store, f"""
        SELECT ?f ?item ?amount ?currency ?matching
               (GROUP_CONCAT(DISTINCT STR(?funder); separator=" ") AS ?funders)
               (GROUP_CONCAT(DISTINCT STR(?d); separator=" ") AS ?docs) WHERE {{
          {{ SELECT DISTINCT ?f WHERE {{
              {{ VALUES ?type {{ ctip:Funding ctip:MatchingFunding }}
                 ?f a ?type ; ctip:fundedItem ?i0 . ?i0 ctip:country <{country}> }}
              UNION {{ VALUES ?type {{ ctip:Funding ctip:MatchingFunding }}
                       ?f a ?type ; ctip:country <{country}> }}
              UNION {{ VALUES ?type {{ ctip:Funding ctip:MatchingFunding }}
                       ?f a ?type . ?c0 rdf:subject ?f ; ctip:inDocument ?d0 .
                       ?d0 ctip:country <{country}> }}
          }} }}
          ?f ctip:amount ?amount .
          OPTIONAL {{ ?f ctip:funder ?funder }}
          OPTIONAL {{ ?f ctip:fundedItem ?item }}
          OPTIONAL {{ ?f ctip:currency ?currency }}
          BIND(EXISTS {{ ?f a ctip:MatchingFunding }} AS ?matching)
          OPTIONAL {{ ?c a ctip:Claim ; rdf:subject ?f ; rdf:predicate ctip:amount ;
                         rdf:object ?amount ; ctip:inDocument ?d }}
        }} GROUP BY ?f ?item ?amount ?currency ?matching
        ORDER BY ?currency DESC(?amount) STR(?f)""")
    labeller = Labeller(store)
    # a joint funding (several funders) is one bar, its funders joined; none stated: said so
    funders_of = {_v(r["f"]): sorted(_v(r["funders"]).split()) for r in rows}
    labeller.want(*(_v(r["item"]) for r in rows if r["item"] is not None),
                  *(f for fs in funders_of.values() for f in fs))
    groups: dict[str, list[Bar]] = {}
    for row in rows:
        funders, item = funders_of[_v(row["f"])], _v(row["item"])
        funder = funders[0] if funders else ""
        bar = Bar(_v(row["f"]), funder,
                  " + ".join(labeller.label(f) for f in funders) or "(funder not stated)",
                  item, labeller.label(item) if item else "(funded item unknown)",
                  _v(row["amount"]), _v(row["currency"]) or "(currency not stated)",
                  _v(row["matching"]) in TRUE, sorted(_v(row["docs"]).split()),
                  str(row["amount"]))
        groups.setdefault(bar.currency, []).append(bar)
    return dict(sorted(groups.items()))


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal(0)


def _money(text: str) -> str:
    value = _amount(text)
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,}"


def funding_svg(currency: str, bars: list[Bar]) -> Markup:
    """Horizontal bars of one currency, longest first; each bar links to its claims."""
    left, right, bar_h, gap, width = 340, 130, 20, 8, 820
    plot_w = width - left - right
    top = max((_amount(b.amount) for b in bars), default=Decimal(1)) or Decimal(1)
    body, y = [], 8
    for bar in bars:
        length = max(2.0, float(_amount(bar.amount) / top) * plot_w)
        label = f"{bar.funder_label} → {bar.item_label}"
        docs = ", ".join(d.rsplit("/", 1)[-1] for d in bar.documents) or "no claim"
        kind = "matching funds" if bar.matching else "funding"
        tip = (f"{bar.funder_label} → {bar.item_label}: {_money(bar.amount)} {currency} "
               f"({kind}; according to {docs})")
        inner = (f'<rect x="{left}" y="{y:g}" width="{length:.1f}" height="{bar_h}"/>'
                 + svg_text(left - 8, y + 14, fit(label, 46), class_="bar-label",
                            text_anchor="end")
                 + svg_text(left + length + 6, y + 14, f"{_money(bar.amount)} {currency}",
                            class_="bar-value"))
        body.append(linked(bar.trace(), tip, inner, "bar matching" if bar.matching else "bar"))
        y += bar_h + gap
    return svg_document(width, y + 4, f"Funding stated in {currency}, by funder and funded item",
                        body, "chart funding")


# -- series: a country's values by year -----------------------------------------------------------

#: the properties that state an observation's value, and the advancement level of an assessment
VALUE_PROPERTIES = tuple(CTIP + p for p in (
    "value", "booleanValue", "valueUnknown", "valueNotApplicable"))
ADVANCEMENT_LEVEL = CTIP + "advancementLevel"
#: how a currency amount is written when its ISO 4217 code has a common symbol
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
CURRENCY_CODE = re.compile(r"[A-Z]{3}")
PERCENT_UNITS = {"percent", "%", "per cent"}
#: group order: the advancement level first, then what the reports group by area, then statistics
KIND_RANK = {"advancement": 0, "enforcement": 1, "statistic": 2}


def decimal_text(text: str) -> str:
    """A decimal as people write it: '1,216,300', '49.2' (the lexical form when not a number)."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if not value.is_finite():
        return text
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value.normalize():,f}"


def is_currency(unit: str | None) -> bool:
    """True when a unit is stated as an ISO 4217 code (an amount of money)."""
    return bool(unit) and CURRENCY_CODE.fullmatch(unit) is not None


def format_value(predicate: str, obj: ox.NamedNode | ox.Literal,
                 unit: str | None) -> tuple[str, str] | None:
    """(text, kind) of a stated value for people: '113', '$85,000', '49.2%', 'Yes', 'Unknown',
    'N/A'; None when the triple states nothing (an explicit `valueUnknown false`)."""
    if predicate == CTIP + "value":
        number = decimal_text(obj.value)
        if is_currency(unit):
            symbol = CURRENCY_SYMBOLS.get(unit or "")
            return (f"{symbol}{number}" if symbol else f"{number} {unit}"), "amount"
        if unit and unit.lower() in PERCENT_UNITS:
            return f"{number}%", "percent"
        return number, "number"
    true = obj.value in ("true", "1")
    if predicate == CTIP + "booleanValue":
        return ("Yes", "yes") if true else ("No", "no")
    if predicate == CTIP + "valueUnknown":
        return ("Unknown", "unknown") if true else None
    if predicate == CTIP + "valueNotApplicable":
        return ("N/A", "not-applicable") if true else None
    return None


@dataclass
class Source:
    """A report stating a value: the document and the passage quoted for it."""

    document: str
    title: str = ""
    year: int | None = None
    passage: str | None = None
    order: int = -1
    section: str | None = None

    @property
    def href(self) -> str | None:
        return reader_href(self.passage or self.document)

    @property
    def short(self) -> str:
        return str(self.year) if self.year else self.document.rsplit("/", 1)[-1]

    def to_dict(self) -> dict:
        return {"document": self.document, "title": self.title, "reportingYear": self.year,
                "passage": self.passage, "section": self.section, "read": self.href}


@dataclass
class SeriesValue:
    """One value stated for one year, with every report stating it."""

    subject: str
    predicate: str
    obj: ox.NamedNode | ox.Literal
    text: str
    kind: str
    unit: str | None = None
    sources: list[Source] = field(default_factory=list)
    form: str | None = None
    form_label: str = ""
    #: the concepts the value (an IRI) is narrower than: stating both is no disagreement
    broader: frozenset[str] = frozenset()

    @property
    def trace(self) -> str | None:
        """The /trace of the fact (None when no claim backs it: there is nothing to show)."""
        if not self.sources:
            return None
        return trace_url(ox.NamedNode(self.subject), ox.NamedNode(self.predicate), self.obj)

    def to_dict(self) -> dict:
        value = self.obj.value
        return {"subject": self.subject, "property": self.predicate, "value": value,
                "datatype": (self.obj.datatype.value if isinstance(self.obj, ox.Literal)
                             and self.obj.datatype is not None else None),
                "text": self.text, "kind": self.kind, "unit": self.unit, "form": self.form,
                "trace": self.trace, "sources": [s.to_dict() for s in self.sources]}


@dataclass
class SeriesRow:
    """What one indicator (with its form, ages and unit) is stated to be, year by year."""

    kind: str
    indicator: str
    indicator_label: str = ""
    form: str | None = None
    form_label: str = ""
    age_min: int | None = None
    age_max: int | None = None
    unit: str | None = None
    area: str | None = None
    broader: str | None = None
    qualifiers: list[str] = field(default_factory=list)
    cells: dict[int, list[SeriesValue]] = field(default_factory=dict)
    position: float = 0.0

    @property
    def label(self) -> str:
        return self.indicator_label + (f" ({', '.join(self.qualifiers)})"
                                       if self.qualifiers else "")

    def disputed(self, year: int) -> bool:
        """Reports state different values for `year` (a level and a narrower one that refines
        it are not different)."""
        values = self.cells.get(year, [])
        implied = {b for v in values for b in v.broader}
        return len({(v.predicate, v.text) for v in values
                    if not (isinstance(v.obj, ox.NamedNode) and v.obj.value in implied)}) > 1

    def to_dict(self) -> dict:
        return {"label": self.label, "indicator": self.indicator,
                "indicatorLabel": self.indicator_label, "form": self.form,
                "ageMin": self.age_min, "ageMax": self.age_max, "unit": self.unit,
                "cells": [{"year": y, "disputed": self.disputed(y),
                           "values": [v.to_dict() for v in values]}
                          for y, values in sorted(self.cells.items())]}


@dataclass
class SeriesGroup:
    """Rows the data puts together: advancement, an area (as the reports title its section),
    a broader indicator, or statistics."""

    key: str
    label: str
    kind: str
    concept: str | None = None
    concept_label: str = ""
    rows: list[SeriesRow] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "concept": self.concept,
                "conceptLabel": self.concept_label or None,
                "rows": [r.to_dict() for r in self.rows]}


@dataclass
class Series:
    """A country's series table: year columns (first to last), report per year, grouped rows."""

    years: list[int]
    reports: dict[int, list[Source]]
    groups: list[SeriesGroup]

    def columns(self) -> list[dict]:
        """The year columns; a run of years with neither a report nor a value is one gap."""
        stated = {y for g in self.groups for r in g.rows for y in r.cells} | set(self.reports)
        columns: list[dict] = []
        for year in self.years:
            if year in stated:
                columns.append({"years": [year], "label": str(year), "gap": False,
                                "reports": self.reports.get(year, [])})
            elif columns and columns[-1]["gap"]:
                columns[-1]["years"].append(year)
                columns[-1]["label"] = f"{columns[-1]['years'][0]}–{year}"
            else:
                columns.append({"years": [year], "label": str(year), "gap": True,
                                "reports": []})
        return columns

    def to_dict(self) -> dict:
        return {"years": self.years,
                "reportYears": {str(y): [s.document for s in docs]
                                for y, docs in sorted(self.reports.items())},
                "gapYears": [y for c in self.columns() if c["gap"] for y in c["years"]],
                "groups": [g.to_dict() for g in self.groups]}


def _facts_query(country: str) -> str:
    """The country's advancement levels and observation values (each dimension deduplicated on
    its own: the union default graph repeats a triple once per graph holding it)."""
    return f"""
        SELECT DISTINCT ?s ?kind ?ind ?broader ?form ?amin ?amax ?unit ?area ?scheme ?year ?p ?o
        WHERE {{
          {{
            ?s a ctip:AdvancementAssessment ; ctip:country <{country}> ;
               ctip:year ?year ; ctip:advancementLevel ?o .
            OPTIONAL {{ ?o skos:inScheme ?scheme }}
            BIND(ctip:advancementLevel AS ?p) BIND("advancement" AS ?kind)
          }} UNION {{
            {{ SELECT DISTINCT ?s ?year ?ind ?p ?o ?kind WHERE {{
                {{ SELECT DISTINCT ?s WHERE {{
                    {{ ?s a ctip:Observation }}
                    UNION {{ ?cls rdfs:subClassOf+ ctip:Observation . ?s a ?cls }}
                    ?s ctip:country <{country}> }} }}
                ?s ctip:year ?year ; ctip:indicator ?ind .
                VALUES ?p {{ {' '.join(f'<{p}>' for p in VALUE_PROPERTIES)} }}
                ?s ?p ?o .
                BIND(IF(EXISTS {{ ?s a ctip:EnforcementFigure }}, "enforcement", "statistic")
                     AS ?kind)
            }} }}
            OPTIONAL {{ SELECT DISTINCT ?s ?unit WHERE {{ ?s ctip:unit ?unit }} }}
            OPTIONAL {{ SELECT DISTINCT ?s ?amin WHERE {{ ?s ctip:ageMin ?amin }} }}
            OPTIONAL {{ SELECT DISTINCT ?s ?amax WHERE {{ ?s ctip:ageMax ?amax }} }}
            OPTIONAL {{ SELECT DISTINCT ?s ?form WHERE {{ ?s ctip:form ?form }} }}
            OPTIONAL {{ SELECT DISTINCT ?s ?area WHERE {{ ?s ctip:area ?area }} }}
            OPTIONAL {{ SELECT DISTINCT ?ind ?broader WHERE {{
                ?ind a ctip:Indicator ; skos:broader ?broader }} }}
          }}
        }}"""


def _claims_query(subjects: list[str]) -> str:
    """Who states each value of `subjects`: claims, documents, quoted passages and sections."""
    properties = ", ".join(f"<{p}>" for p in (*VALUE_PROPERTIES, ADVANCEMENT_LEVEL))
    return f"""
        SELECT DISTINCT ?s ?p ?o ?d ?ry ?pas ?order ?section WHERE {{
          VALUES ?s {{ {' '.join(f'<{s}>' for s in subjects)} }}
          ?c rdf:subject ?s ; rdf:predicate ?p .
          FILTER(?p IN ({properties}))
          ?c rdf:object ?o ; ctip:inDocument ?d .
          OPTIONAL {{ ?d ctip:reportingYear ?ry }}
          OPTIONAL {{ ?c prov:wasQuotedFrom ?pas .
                     OPTIONAL {{ ?pas ctip:order ?order }}
                     OPTIONAL {{ ?pas ctip:inSection ?sec . ?sec dcterms:title ?section }} }}
        }}"""


def _broader(store, concepts: set[str]) -> dict[str, frozenset[str]]:
    """Every broader concept (skos:broader, transitively) of each of `concepts`. (The path
    starts from a triple, not from VALUES: Virtuoso 7.2 refuses a transitive path whose start
    only VALUES binds, "transitive start not given".)"""
    found: dict[str, set[str]] = {}
    for chunk in _chunked(sorted(c for c in concepts if safe_iri(c))):
        for row in _rows(store, f"""
                SELECT DISTINCT ?x ?b WHERE {{
                  VALUES ?x {{ {' '.join(f'<{c}>' for c in chunk)} }}
                  ?x skos:broader ?up . ?up skos:broader* ?b }}"""):
            found.setdefault(_v(row["x"]), set()).add(_v(row["b"]))
    return {c: frozenset(b) for c, b in found.items()}


def _int(term: object) -> int | None:
    """An integer literal's value (None when absent or not one)."""
    text = _v(term)
    return int(text) if re.fullmatch(r"[+-]?\d+", text) else None


def _year(term: object) -> int | None:
    """The year of an xsd:gYear (or date) literal."""
    found = re.match(r"(\d{4})", _v(term))
    return int(found.group(1)) if found else None


def _sources(rows: list[dict[str, object]]) -> dict[tuple[str, str, str], list[Source]]:
    """The reports behind each (subject, property, object): per document, the passage last in
    document order among those its claim quotes (in a table: the value's cell, after its labels)."""
    best: dict[tuple[str, str, str], dict[str, Source]] = {}
    for row in rows:
        key = (_v(row["s"]), _v(row["p"]), str(row["o"]))
        doc = _v(row["d"])
        order = int(_v(row["order"])) if _v(row["order"]).isdigit() else -1
        passage = _v(row["pas"]) or None
        found = best.setdefault(key, {}).get(doc)
        candidate = Source(doc, year=_year(row["ry"]), passage=passage, order=order,
                           section=_v(row["section"]) or None)
        if found is None or (order, passage or "") > (found.order, found.passage or ""):
            if found is not None and candidate.section is None:
                candidate.section = found.section
            best[key][doc] = candidate
        elif found.section is None and candidate.section:
            found.section = candidate.section
    return {key: sorted(docs.values(), key=lambda s: (s.year or 0, s.document))
            for key, docs in best.items()}


def _chunked(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _qualify(rows: list[SeriesRow]) -> None:
    """Row qualifiers: the ages always; the form and the unit where one indicator has rows that
    differ in them."""
    forms: dict[str, set] = {}
    units: dict[tuple, set] = {}
    for row in rows:
        forms.setdefault(row.indicator, set()).add(row.form)
        units.setdefault((row.indicator, row.form, row.age_min, row.age_max), set()).add(
            "¤" if is_currency(row.unit) else row.unit)
    for row in rows:
        row.qualifiers = []
        if len(forms[row.indicator]) > 1 and row.form_label:
            row.qualifiers.append(row.form_label)
        if row.age_min is not None and row.age_max is not None:
            row.qualifiers.append(f"ages {row.age_min}–{row.age_max}")
        elif row.age_min is not None:
            row.qualifiers.append(f"ages {row.age_min} and over")
        elif row.age_max is not None:
            row.qualifiers.append(f"ages up to {row.age_max}")
        if len(units[(row.indicator, row.form, row.age_min, row.age_max)]) > 1 and row.unit:
            row.qualifiers.append(row.unit)


def _positions(rows: list[SeriesRow]) -> None:
    """Each row's place in the reports, its indicator's: of the indicators a report states
    together, the share it precedes minus the share it follows, by the passages stating them
    (rows come out in the order of the reports' tables, one indicator's rows together)."""
    first: dict[str, dict[tuple[str, str], int]] = {}
    for row in rows:
        for values in row.cells.values():
            for value in values:
                for source in value.sources:
                    if source.order >= 0:
                        seen = first.setdefault(source.document, {})
                        key = (row.kind, row.indicator)
                        seen[key] = min(seen.get(key, source.order), source.order)
    score: dict[tuple[str, str], list[int]] = {}
    for seen in first.values():
        for key, order in seen.items():
            tally = score.setdefault(key, [0, 0])
            for other, other_order in seen.items():
                if other != key and other_order != order:
                    tally[0] += 1 if order < other_order else -1
                    tally[1] += 1
    for row in rows:
        wins, compared = score.get((row.kind, row.indicator), [0, 0])
        row.position = -wins / compared if compared else 0.0


def _group_of(row: SeriesRow, labeller: Labeller) -> tuple[str, str, str | None]:
    """(key, label, concept) of a row's group, from the data: the indicator's broader concept;
    else, for a figure with an area, the section the reports state it in (most often), else
    the area; else statistics."""
    if row.kind == "advancement":
        scheme = row.broader
        return "advancement", (labeller.label(scheme) if scheme else "Advancement"), scheme
    if row.broader:
        return "broader:" + row.broader, labeller.label(row.broader), row.broader
    if row.kind == "enforcement" or row.area:
        sections: dict[str, int] = {}
        for values in row.cells.values():
            for value in values:
                for source in value.sources:
                    if source.section:
                        name = " ".join(source.section.split())
                        sections[name] = sections.get(name, 0) + 1
        if sections:
            name = min(sections, key=lambda n: (-sections[n], n))
            return "section:" + name.casefold(), name, row.area
        if row.area:
            return "area:" + row.area, labeller.label(row.area), row.area
        return "enforcement", "Enforcement", None
    return "statistics", "Statistics", None


def series(store, country: str) -> Series:
    """The series table of `country`: the values, who states them, and the broader concepts of
    forms and levels (three queries), then labels."""
    if not safe_iri(country):
        return Series([], {}, [])
    facts = [f for f in _rows(store, _facts_query(country))
             if _year(f["year"]) is not None and isinstance(f["o"], ox.NamedNode | ox.Literal)]
    subjects = sorted({_v(r["s"]) for r in facts})
    claims: list[dict[str, object]] = []
    for chunk in _chunked(subjects):
        claims.extend(_rows(store, _claims_query(chunk)))
    sources = _sources(claims)
    broader = _broader(store, {_v(f["form"]) for f in facts if f["form"] is not None}
                       | {_v(f["o"]) for f in facts if isinstance(f["o"], ox.NamedNode)})
    labeller = Labeller(store)
    labeller.want(*(_v(r[k]) for r in facts for k in ("ind", "form", "area", "broader", "scheme")
                    if r[k] is not None))
    labeller.want(*(_v(r["o"]) for r in facts if _v(r["kind"]) == "advancement"))
    labeller.want(ADVANCEMENT_LEVEL, *{s.document for found in sources.values() for s in found})
    labeller.resolve()
    canonical = _canonical_forms(facts, broader)
    rows: dict[tuple, SeriesRow] = {}
    years: set[int] = set()
    for fact in facts:
        year, predicate, obj = _year(fact["year"]) or 0, _v(fact["p"]), fact["o"]
        kind, unit, form = _v(fact["kind"]), _v(fact["unit"]) or None, _v(fact["form"]) or None
        if kind == "advancement":
            text, value_kind = labeller.label(obj.value), "level"
            key: tuple = ("advancement",)
            indicator, row_form = ADVANCEMENT_LEVEL, None
        else:
            formatted = format_value(predicate, obj, unit)
            if formatted is None:
                continue
            text, value_kind = formatted
            indicator = _v(fact["ind"])
            row_form = canonical.get(_family(fact), {}).get(form, form)
            key = (kind, indicator, row_form, _int(fact["amin"]), _int(fact["amax"]),
                   "¤" if is_currency(unit) else unit)
        row = rows.get(key)
        if row is None:
            row = rows[key] = SeriesRow(
                kind, indicator, labeller.label(indicator), row_form,
                labeller.label(row_form) if row_form else "",
                _int(fact["amin"]), _int(fact["amax"]), unit, _v(fact["area"]) or None,
                _v(fact["scheme"] if kind == "advancement" else fact["broader"]) or None)
        row.unit = row.unit or unit
        subject = _v(fact["s"])
        cell = row.cells.setdefault(year, [])
        if not any(v.subject == subject and v.predicate == predicate and v.obj == obj
                   for v in cell):
            cell.append(SeriesValue(
                subject, predicate, obj, text, value_kind, unit,
                sources.get((subject, predicate, str(obj)), []), form,
                labeller.label(form) if form else "",
                broader.get(obj.value, frozenset()) if isinstance(obj, ox.NamedNode)
                else frozenset()))
        years.add(year)
    _merge_unitless(rows)
    found = list(rows.values())
    for row in found:
        if row.kind == "advancement":
            label = labeller.label(ADVANCEMENT_LEVEL)
            row.indicator_label = label[:1].upper() + label[1:]
        for values in row.cells.values():
            values.sort(key=lambda v: (v.sources[0].year or 0 if v.sources else 9999, v.text,
                                       v.subject))
            for value in values:
                for source in value.sources:
                    source.title = labeller.label(source.document)
    _qualify(found)
    _positions(found)
    groups: dict[str, SeriesGroup] = {}
    for row in found:
        key, label, concept = _group_of(row, labeller)
        groups.setdefault(key, SeriesGroup(
            key, label, row.kind, concept, labeller.label(concept) if concept else "",
        )).rows.append(row)
    ordered = sorted(groups.values(), key=lambda g: (
        KIND_RANK.get(g.kind, 9), sum(r.position for r in g.rows) / len(g.rows), g.label))
    for group in ordered:
        group.rows.sort(key=lambda r: (r.position, r.indicator_label, r.label, r.indicator))
    reports: dict[int, dict[str, Source]] = {}
    for found_sources in sources.values():
        for source in found_sources:
            if source.year:
                reports.setdefault(source.year, {}).setdefault(source.document, Source(
                    source.document, labeller.label(source.document), source.year))
    years |= set(reports)
    span = list(range(min(years), max(years) + 1)) if years else []
    return Series(span, {y: sorted(docs.values(), key=lambda s: s.document)
                         for y, docs in reports.items()}, ordered)


def _family(fact: dict[str, object]) -> tuple:
    """What makes two observations one series, but for their form."""
    unit = _v(fact["unit"]) or None
    return (_v(fact["kind"]), _v(fact["ind"]), _v(fact["amin"]), _v(fact["amax"]),
            "¤" if is_currency(unit) else unit)


def _canonical_forms(facts: list[dict[str, object]],
                     broader: dict[str, frozenset[str]]) -> dict[tuple, dict[str, str]]:
    """Per series, each form's row form: the broadest form of the series it is narrower than
    (a report on 'worst forms of child labor' and one on 'child labor' make one row)."""
    forms: dict[tuple, set[str]] = {}
    for fact in facts:
        if fact["form"] is not None and _v(fact["kind"]) != "advancement":
            forms.setdefault(_family(fact), set()).add(_v(fact["form"]))
    canonical: dict[tuple, dict[str, str]] = {}
    for family, present in forms.items():
        mapping = canonical[family] = {}
        for form in present:
            wider = [f for f in present if f in broader.get(form, ())]
            tops = [f for f in wider if not (broader.get(f, frozenset()) & present)]
            mapping[form] = min(tops) if tops else form
    return canonical


def _merge_unitless(rows: dict[tuple, SeriesRow]) -> None:
    """An unknown, N/A or Yes/No value has no unit: it joins the row of its indicator (same form
    and ages) when exactly one such row has a unit."""
    for key in [k for k in rows if len(k) > 1 and k[-1] is None]:
        kin = [k for k in rows if len(k) > 1 and k[:-1] == key[:-1] and k[-1] is not None]
        if len(kin) != 1:
            continue
        target, source = rows[kin[0]], rows.pop(key)
        for year, values in source.cells.items():
            target.cells.setdefault(year, []).extend(values)


# -- the page ------------------------------------------------------------------------------------


@bp.get("/charts")
@bp.get("/charts.<suffix>")
def charts(suffix: str | None = None):
    if suffix not in (None, "json"):
        return error_response(404, "Not found", "The charts come as HTML or .json.")
    store = get_store()
    known = countries(store)
    country = request.args.get("country", "").strip()
    fmt = suffix or negotiate([JSON_TWIN])
    if country and re.fullmatch(r"[^\W_][\w .'’-]{0,79}", country):
        # a country by its name ("Mali", "mali") as well as by its IRI
        named = {c["label"].lower(): c["iri"] for c in known}
        slug = re.sub(r"[^a-z0-9]+", "-", country.lower()).strip("-")
        found = named.get(country.lower()) or next(
            (c["iri"] for c in known if c["iri"].rstrip("/").rsplit("/", 1)[-1] == slug), None)
        if found is None:
            return error_response(404, "Nothing to chart",
                                  f"No country called {country[:80]!r} has data here; "
                                  f"choose one of: {', '.join(c['label'] for c in known)}.",
                                  fmt == "json")
        country = found
    if country and not safe_iri(country):
        return error_response(400, "Bad request", f"Not an IRI: {country[:80]!r}",
                              fmt == "json")
    if country and not exists(store, country):
        return error_response(404, "Nothing to chart",
                              f"The graph says nothing about {country}.", fmt == "json")
    if not country:
        country = known[0]["iri"] if known else ""
    if not country:
        return error_response(404, "Nothing to chart",
                              "No country has tier placements, assessments or documents.",
                              fmt == "json")
    labeller = Labeller(store)
    labeller.want(country)
    country_label = labeller.label(country)
    panels = timeline(store, country)
    money = fundings(store, country)
    table = series(store, country)
    indicators = _indicators(table)
    indicator = request.args.get("indicator", "").strip()
    if indicator:
        if indicator not in {i["iri"] for i in indicators}:
            return error_response(404, "Nothing to chart",
                                  f"{country_label} has no series for {indicator[:120]!r}.",
                                  fmt == "json")
        table = _only(table, indicator)
    query = request.query_string.decode()
    alternates = alternates_for(url_for("charts.charts"), [JSON_TWIN], query)
    if fmt == "json":
        return json_response({
            "country": country, "countryLabel": country_label,
            "countries": known,
            "timeline": {name: [p.to_dict() for p in panel["points"]]
                         for name, panel in panels.items()},
            "funding": {currency: [b.to_dict() for b in bars]
                        for currency, bars in money.items()},
            "series": table.to_dict(),
        }, alternates)
    return html_response(
        "charts.html", alternates, country={"iri": country, "label": country_label,
                                            "href": href(country)},
        countries=known, indicators=indicators, indicator=indicator, panels=panels,
        timeline_svg=timeline_svg(panels, country_label),
        funding=[{"currency": c, "bars": bars, "svg": funding_svg(c, bars),
                  "rows": [dict(b.to_dict(), amount_text=_money(b.amount), trace=b.trace(),
                                funder_href=href(b.funder) if b.funder else None,
                                item_href=href(b.item) if b.item else None)
                           for b in bars]}
                 for c, bars in money.items()],
        series=series_view(table))


def _indicators(table: Series) -> list[dict]:
    """The indicators and groups of a series table, for the picker (groups first)."""
    seen: dict[str, dict] = {}
    for group in table.groups:
        if group.concept and group.concept not in seen:
            seen[group.concept] = {"iri": group.concept, "label": group.concept_label or
                                   group.label, "group": True}
        for row in group.rows:
            if row.indicator not in seen:
                seen[row.indicator] = {"iri": row.indicator, "label": row.indicator_label,
                                       "group": False}
    return sorted(seen.values(), key=lambda i: (not i["group"], i["label"].lower()))


def _only(table: Series, indicator: str) -> Series:
    """The series table with the rows of one indicator (or of one group's concept) only: years
    with a report and no value stay as such, years with neither stay gaps."""
    groups = []
    for group in table.groups:
        rows = group.rows if group.concept == indicator else \
            [r for r in group.rows if r.indicator == indicator]
        if rows:
            groups.append(replace(group, rows=rows))
    return replace(table, groups=groups)


def series_view(table: Series) -> dict:
    """The series table as the template draws it: columns, and per row one cell per column."""
    columns = table.columns()
    groups = []
    for number, group in enumerate(table.groups, start=1):
        rows = []
        for row in group.rows:
            cells = []
            for column in columns:
                year = column["years"][0]
                values = [] if column["gap"] else row.cells.get(year, [])
                cells.append({"year": year, "label": column["label"], "gap": column["gap"],
                              "stated": values, "disputed": row.disputed(year)})
            rows.append({"row": row, "href": href(row.indicator), "cells": cells})
        groups.append({"id": f"series-group-{number}", "label": group.label,
                       "concept": group.concept, "concept_label": group.concept_label,
                       "concept_href": href(group.concept) if group.concept else None,
                       "rows": rows})
    return {"columns": columns, "groups": groups, "years": table.years}
