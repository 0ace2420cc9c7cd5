"""Pictures drawn by the server as SVG (no script, no CDN): the evidence chain of a fact (used by
/trace), and the /charts page — a timeline of a country's TIP tier placements and USDOL advancement
levels, and funding by funder and program, grouped by currency as stated (never converted).

Every text is escaped, every layout is computed from the data alone (same data, same picture), and
every point, bar and box links to the page behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from flask import Blueprint, request, url_for
from markupsafe import Markup, escape

from .app import get_store
from .describe import PREFIX, safe_iri
from .labels import ID, Labeller, href
from .reader import error_response, trace_url
from .render import JSON_TWIN, alternates_for, html_response, json_response, negotiate

bp = Blueprint("charts", __name__, template_folder="templates")

CTIP = "https://w3id.org/ctipgraph/ontology#"
TIER_SCHEME = ID + "concept/tier"
ADVANCEMENT_SCHEME = ID + "concept/advancement"
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
    """A group with a tooltip, inside a link when there is somewhere to go."""
    group = f'<g class="{escape(css_class)}"><title>{escape(tooltip)}</title>{inner}</g>'
    return f'<a href="{escape(href_)}">{group}</a>' if href_ else group


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
        SELECT ?a ?prop ?year ?value (GROUP_CONCAT(DISTINCT STR(?d); separator=" ") AS ?docs)
        WHERE {{
          {{ ?a a ctip:TierPlacement ; ctip:tier ?value . BIND(ctip:tier AS ?prop) }}
          UNION
          {{ ?a a ctip:AdvancementAssessment ; ctip:advancementLevel ?value .
             BIND(ctip:advancementLevel AS ?prop) }}
          ?a ctip:country <{country}> ; ctip:year ?year .
          OPTIONAL {{ ?c a ctip:Claim ; rdf:subject ?a ; rdf:predicate ?prop ; rdf:object ?value ;
                         ctip:inDocument ?d }}
        }} GROUP BY ?a ?prop ?year ?value ORDER BY ?year STR(?value)""")
    labeller = Labeller(store)
    panels = {"tier": {"scheme": TIER_SCHEME, "title": "TIP report tier", "points": []},
              "advancement": {"scheme": ADVANCEMENT_SCHEME,
                              "title": "USDOL advancement level", "points": []}}
    for row in rows:
        year = _v(row["year"])[:4]
        if not year.isdigit() or not isinstance(row["value"], ox.NamedNode):
            continue
        panel = "tier" if _v(row["prop"]) == CTIP + "tier" else "advancement"
        panels[panel]["points"].append(Point(int(year), _v(row["value"]), "", _v(row["a"]),
                                             _v(row["prop"]), sorted(_v(row["docs"]).split())))
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
    """Fundings about `country` (its items, itself, or its documents), grouped by currency."""
    rows = _rows(store, f"""
        SELECT ?f ?funder ?item ?amount ?currency ?matching
               (GROUP_CONCAT(DISTINCT STR(?d); separator=" ") AS ?docs) WHERE {{
          {{ SELECT DISTINCT ?f WHERE {{
              VALUES ?type {{ ctip:Funding ctip:MatchingFunding }} ?f a ?type . }} }}
          FILTER EXISTS {{
            {{ ?f ctip:fundedItem/ctip:country <{country}> }}
            UNION {{ ?f ctip:country <{country}> }}
            UNION {{ ?c0 rdf:subject ?f ; ctip:inDocument/ctip:country <{country}> }}
          }}
          ?f ctip:amount ?amount .
          OPTIONAL {{ ?f ctip:funder ?funder }}
          OPTIONAL {{ ?f ctip:fundedItem ?item }}
          OPTIONAL {{ ?f ctip:currency ?currency }}
          BIND(EXISTS {{ ?f a ctip:MatchingFunding }} AS ?matching)
          OPTIONAL {{ ?c a ctip:Claim ; rdf:subject ?f ; rdf:predicate ctip:amount ;
                         rdf:object ?amount ; ctip:inDocument ?d }}
        }} GROUP BY ?f ?funder ?item ?amount ?currency ?matching
        ORDER BY ?currency DESC(?amount) STR(?f)""")
    labeller = Labeller(store)
    labeller.want(*(_v(r[k]) for r in rows for k in ("funder", "item") if r[k] is not None))
    groups: dict[str, list[Bar]] = {}
    for row in rows:
        funder, item = _v(row["funder"]), _v(row["item"])
        bar = Bar(_v(row["f"]), funder, labeller.label(funder) if funder else "(funder unknown)",
                  item, labeller.label(item) if item else "(funded item unknown)",
                  _v(row["amount"]), _v(row["currency"]) or "(currency not stated)",
                  _v(row["matching"]) == "true", sorted(_v(row["docs"]).split()),
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
    if country and not safe_iri(country):
        return error_response(400, "Bad request", f"Not an IRI: {country!r}", fmt == "json")
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
        }, alternates)
    return html_response(
        "charts.html", alternates, country={"iri": country, "label": country_label,
                                            "href": href(country)},
        countries=known, panels=panels, timeline_svg=timeline_svg(panels, country_label),
        funding=[{"currency": c, "bars": bars, "svg": funding_svg(c, bars),
                  "rows": [dict(b.to_dict(), amount_text=_money(b.amount), trace=b.trace(),
                                funder_href=href(b.funder) if b.funder else None,
                                item_href=href(b.item) if b.item else None)
                           for b in bars]}
                 for c, bars in money.items()])
