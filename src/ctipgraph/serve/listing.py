"""The instance list of a class, sorted, filtered and paged on the server, with facets.

    /class/<Name>?sort=label|year|documents|iri&order=asc|desc&page=&per_page=
                 &q=<words in the title>&country=<IRI>&year=<YYYY>&doc=<IRI>&area=<IRI>&type=<IRI>

Facets count the instances (after the other filters) by country (ctip:country), year (ctip:year,
ctip:yearsSuggested, ctip:fiscalYear, or the years a ctip:startYear–ctip:endYear period covers),
document (a passage in it mentions the instance or quotes a claim about it), area (ctip:area) and
class. Every instance is shown with its title (humanize: composed for fundings, assessments, …),
its years and one quote that backs a claim about it, with the quote's document.

A class of at most FULL_SORT instances is sorted in Python by title (composed titles are not in
the store); a larger one by its stored label in the store.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox
from flask import request

from ..store import GraphStore
from .describe import PREFIX, safe_iri
from .humanize import years
from .inputs import BadInput, int_arg
from .labels import Labeller, class_href, display_iri, href, shorten, term
from .reader import reader_href
from .render import query_with

PER_PAGE = 50
MAX_PER_PAGE = 500
MAX_PAGE = 10_000_000
FULL_SORT = 3000
#: facets are counted when the filtered list has at most this many instances
FACET_LIMIT = 6000
FACET_VALUES = 40
SORTS = ("label", "year", "documents", "cited", "iri")
YEAR_PATTERN = "ctip:year|ctip:yearsSuggested|ctip:fiscalYear|ctip:startYear|ctip:endYear"
#: the claims whose quotes a listing shows first: those stating what the instance is about
KEY_PREDICATES = ", ".join(f"ctip:{p}" for p in (
    "amount", "tier", "advancementLevel", "value", "booleanValue", "meetsInternationalStandards",
    "text", "engagesIn", "standard", "valueUnknown"))


def doc_pattern(derived: bool, s: str, d: str) -> str:
    """The resource `s` is in the document `d`: a passage of it mentions the resource or quotes
    a claim about it, or the resource is part of it. A project store has the first two derived
    (`derived`, from has_derived_documents: ctip:appearsIn, ctipgraph.store.derive; read
    through the claims, the document facet of 2,346 recommendations took 0.6 s at 15 M quads);
    a store of given files (`serve --data`) does not, and they are read through the passages
    and claims (the same answers)."""
    if derived:
        return f"{{ {s} ctip:appearsIn {d} }} UNION {{ {s} ctip:inDocument {d} }}"
    return f"""{{ {s} ctip:mentionedIn/ctip:inDocument {d} }} UNION
               {{ ?fc rdf:subject {s} ; prov:wasQuotedFrom/ctip:inDocument {d} }} UNION
               {{ {s} ctip:inDocument {d} }}"""


def has_derived_documents(store: GraphStore) -> bool:
    """True when the store holds the derived ctip:appearsIn (a project store, or one published
    from it). One without any has no mention or quoted claim, or was not derived: either way
    the passages and claims give the same answers."""
    return bool(_q(store, "ASK { ?s ctip:appearsIn ?d }"))


def _args() -> dict:
    page = int_arg("page", 1, 1, MAX_PAGE)
    per_page = int_arg("per_page", PER_PAGE, 1, MAX_PER_PAGE)
    sort = request.args.get("sort", "label")
    sort = sort if sort in SORTS else "label"
    order = request.args.get("order", "asc")
    order = order if order in ("asc", "desc") else "asc"
    filters: dict[str, str] = {}
    for name in ("country", "doc", "area", "type"):
        value = request.args.get(name, "").strip()
        if value:
            if not safe_iri(value):
                raise BadInput(f"{name} is not an IRI: {value[:80]!r}")
            filters[name] = value
    year = request.args.get("year", "").strip()
    if year:
        if not re.fullmatch(r"\d{4}", year):
            raise BadInput(f"year is not a year: {year[:20]!r}")
        filters["year"] = year
    q = " ".join(request.args.get("q", "").split())[:200]
    return {"page": page, "per_page": per_page, "sort": sort, "order": order,
            "filters": filters, "q": q}


def _filter_patterns(filters: dict[str, str], derived: bool) -> str:
    parts = []
    if "country" in filters:
        parts.append(f"?s ctip:country <{filters['country']}> .")
    if "area" in filters:
        parts.append(f"?s ctip:area <{filters['area']}> .")
    if "type" in filters:
        parts.append(f"?s a <{filters['type']}> .")
    if "doc" in filters:
        # the document's resources read once, as a sub-query: as a FILTER EXISTS on each
        # instance, the engine read every passage of the document for each (a class filtered
        # by a document: 3.4 s -> 17 ms on the Mali corpus)
        parts.append("{ SELECT DISTINCT ?s WHERE { "
                     + doc_pattern(derived, "?s", f"<{filters['doc']}>") + " } }")
    if "year" in filters:
        y = filters["year"]
        parts.append(f"""FILTER EXISTS {{
            {{ ?s ctip:year|ctip:yearsSuggested|ctip:fiscalYear ?fy FILTER(STR(?fy) = "{y}") }}
            UNION {{ ?s ctip:startYear ?fsy . OPTIONAL {{ ?s ctip:endYear ?fey }}
                     FILTER(xsd:integer(STR(?fsy)) <= {y} &&
                            xsd:integer(STR(COALESCE(?fey, ?fsy))) >= {y}) }} }}""")
    return "\n".join(parts)


def members_query(class_iri: str, filters: dict[str, str], derived: bool) -> str:
    """SELECT DISTINCT ?s: the instances of a class (and its subclasses) passing the filters."""
    return f"""SELECT DISTINCT ?s WHERE {{ ?s a ?t . ?t rdfs:subClassOf* <{class_iri}> .
        {_filter_patterns(filters, derived)} }}"""


def _q(store: GraphStore, query: str):
    return store.query(PREFIX + "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + query)


def _facets(store: GraphStore, members: str, labeller: Labeller, filters: dict[str, str],
            class_iri: str, derived: bool) -> list[dict]:
    """Counts of the filtered instances by country, year, document, area and class."""
    specs = [
        ("country", "Country", "?s ctip:country ?v ."),
        # the years of a span as numbers from VALUES: with the members' rdfs:subClassOf* path,
        # Virtuoso 7.2 drops every row whose FILTER compares a VALUES string (xsd:integer(?v))
        ("year", "Year", f"""{{ ?s ctip:year|ctip:yearsSuggested|ctip:fiscalYear ?yv
                                BIND(STR(?yv) AS ?v) }}
                              UNION {{ ?s ctip:startYear ?sy . OPTIONAL {{ ?s ctip:endYear ?ey }}
                                VALUES ?y {{ {" ".join(str(y) for y in range(1990, 2031))} }}
                                FILTER(xsd:integer(STR(?sy)) <= ?y &&
                                       xsd:integer(STR(COALESCE(?ey, ?sy))) >= ?y)
                                BIND(STR(?y) AS ?v)
                              }}"""),
        ("doc", "Document", doc_pattern(derived, "?s", "?v")),
        ("area", "Area", "?s ctip:area ?v ."),
        ("type", "Class", "?s a ?v . FILTER(STRSTARTS(STR(?v), STR(ctip:)))"),
    ]
    out = []
    for name, title, pattern in specs:
        rows = list(_q(store, f"""SELECT ?v (COUNT(DISTINCT ?s) AS ?n) WHERE {{
                {{ {members} }} {pattern} }} GROUP BY ?v ORDER BY DESC(?n) ?v"""))
        values = []
        for row in rows:
            v, n = row["v"], int(row["n"].value)
            if v is None or (name == "type" and v.value == class_iri):
                continue
            values.append((v.value, n, isinstance(v, ox.NamedNode)))
        if name == "year":
            values.sort(key=lambda x: x[0])
        if not values or (len(values) == 1 and name not in filters):
            continue
        labeller.want(*(v for v, _, named in values if named))
        out.append({"name": name, "title": title, "values": values[:FACET_VALUES],
                    "more": max(0, len(values) - FACET_VALUES), "active": filters.get(name)})
    labeller.resolve()
    for facet in out:
        facet["values"] = [
            {"value": v, "count": n,
             "label": labeller.label(v) if named else v,
             "href": "?" + query_with(**{facet["name"]: v, "page": None}),
             "active": facet["active"] == v}
            for v, n, named in facet["values"]]
        if facet["name"] == "doc":
            facet["values"].sort(key=lambda x: x["label"])
        facet["clear"] = "?" + query_with(**{facet["name"]: None, "page": None}) \
            if facet["active"] else None
    return out


def _row_details(store: GraphStore, iris: list[str], derived: bool,
                 filters: dict[str, str] | None = None) -> dict[str, dict]:
    """Years, documents and one backing quote of each listed instance (from the document or
    the year the filters name, when there is one)."""
    filters = filters or {}
    prefer = []
    if "doc" in filters:
        prefer.append(f"?d = <{filters['doc']}>")
    if "year" in filters:
        prefer.append(f'STR(COALESCE(?ry, "")) = "{filters["year"]}"')
    preferred = " || ".join(prefer) or "false"
    info: dict[str, dict] = {i: {"years": set(), "docs": set(), "quote": None} for i in iris}
    named = [i for i in iris if safe_iri(i)]
    if not named:
        return info
    values = " ".join(f"<{i}>" for i in named)
    for row in _q(store, f"""SELECT ?s ?y WHERE {{ VALUES ?s {{ {values} }}
            ?s {YEAR_PATTERN} ?y }}"""):
        info[row["s"].value]["years"].add(row["y"].value)
    for row in _q(store, f"""SELECT DISTINCT ?s ?d WHERE {{ VALUES ?s {{ {values} }}
            {doc_pattern(derived, "?s", "?d")} }}"""):
        info[row["s"].value]["docs"].add(row["d"].value)
    # one quote per instance: from a claim stating what it is about (the longest quote), else
    # another claim about it, else a passage mentioning it
    for row in _q(store, f"""SELECT ?s (MIN(?key) AS ?k) WHERE {{ VALUES ?s {{ {values} }}
            {{ ?c rdf:subject ?s ; rdf:predicate ?cp ; prov:wasQuotedFrom ?p .
               BIND(IF(?cp IN ({KEY_PREDICATES}), 0, IF(?cp = rdf:type, 2, 1)) AS ?rank) }}
            UNION {{ ?s ctip:mentionedIn ?p . BIND(3 AS ?rank) }}
            ?p ctip:inDocument ?d ; oa:hasSelector/oa:exact ?ex .
            OPTIONAL {{ ?d ctip:reportingYear ?ry }}
            BIND(IF({preferred}, 0, 1) AS ?pref)
            BIND(CONCAT(STR(?pref), STR(?rank), STR(2000000 - STRLEN(?ex)),
                        STR(COALESCE(?ry, "0000")), " ", STR(?p)) AS ?key)
          }} GROUP BY ?s"""):
        if row["k"] is not None:
            info[row["s"].value]["passage"] = row["k"].value.split(" ", 1)[1]
    passages = [x["passage"] for x in info.values() if x.get("passage")]
    if passages:
        pv = " ".join(f"<{p}>" for p in passages if safe_iri(p))
        quotes = {row["p"].value: (row["x"].value, row["d"].value) for row in _q(store, f"""
            SELECT ?p (MIN(STR(?e)) AS ?x) (MIN(STR(?doc)) AS ?d) WHERE {{ VALUES ?p {{ {pv} }}
              ?p oa:hasSelector/oa:exact ?e ; ctip:inDocument ?doc }} GROUP BY ?p""")}
        for x in info.values():
            if x.get("passage") in quotes:
                exact, doc = quotes[x["passage"]]
                x["quote"] = {"exact": exact, "doc": doc, "passage": x["passage"]}
    return info


def class_listing(store: GraphStore, class_iri: str) -> dict:
    """One page of a class's instances, as class.html and the JSON twin show it."""
    args = _args()
    page, per_page, sort, order = args["page"], args["per_page"], args["sort"], args["order"]
    filters, q = args["filters"], args["q"]
    derived = has_derived_documents(store)  # asked once per page
    members = query = members_query(class_iri, filters, derived)
    # the instances themselves when there are few enough to count facets: the later queries
    # start from their IRIs (VALUES) and read their values by index, where a sub-query of
    # them was joined with every value in the store (a facet 116 -> 8 ms on the Mali corpus)
    found = list(_q(store, f"{query} LIMIT {FACET_LIMIT + 1}"))
    if len(found) <= FACET_LIMIT:
        total = len(found)
        iris = [row["s"].value for row in found if isinstance(row["s"], ox.NamedNode)]
        if len(iris) == total and all(safe_iri(i) for i in iris):
            # (as a sub-query: Virtuoso 7.2's HTTP server died on VALUES beside the VALUES
            # of the year facet's spans)
            members = "SELECT ?s WHERE { VALUES ?s { " + " ".join(f"<{i}>" for i in iris) \
                + " } }"
    else:
        total_rows = list(_q(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ {members} }} }}"))
        total = int(total_rows[0]["n"].value) if total_rows else 0
    labeller = Labeller(store)
    direction = "ASC" if order == "asc" else "DESC"
    in_python = total <= FULL_SORT
    if q and not in_python:
        # a large class: the words are looked for in the stored labels and quotes, in the store
        words = re.findall(r"\w+", q.lower())[:8]
        members = query.rstrip().removesuffix("}") + "".join(
            f"""FILTER EXISTS {{
                ?s skos:prefLabel|rdfs:label|dcterms:title|oa:hasSelector/oa:exact ?ql
                FILTER(CONTAINS(LCASE(STR(?ql)), "{w}")) }}\n""" for w in words) + "}"
        total_rows = list(_q(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ {members} }} }}"))
        total = int(total_rows[0]["n"].value) if total_rows else 0
        q_done = True
    else:
        q_done = False
    if in_python:
        # each sort key counted apart: in one group the years, documents and citations of an
        # instance were multiplied (a recommendation of 30 documents and 10 citations: 300
        # rows; 2,346 recommendations at 15 M quads 1.2 s, apart 0.2 s)
        rows = list(_q(store, f"""SELECT ?s ?year ?docs ?cited WHERE {{
              {{ SELECT ?s (MIN(STR(?y)) AS ?year) WHERE {{
                   {{ {members} }} OPTIONAL {{ ?s {YEAR_PATTERN} ?y }} }} GROUP BY ?s }}
              {{ SELECT ?s (COUNT(DISTINCT ?d) AS ?docs) WHERE {{
                   {{ {members} }} OPTIONAL {{ {doc_pattern(derived, "?s", "?d")} }}
                 }} GROUP BY ?s }}
              {{ SELECT ?s (COUNT(DISTINCT ?cit) AS ?cited) WHERE {{
                   {{ {members} }}
                   OPTIONAL {{ {{ ?cit ctip:denotes ?s }} UNION
                              {{ ?cit <http://purl.org/spar/cito/citesAsEvidence> ?s }} }}
                 }} GROUP BY ?s }}
            }} LIMIT {FULL_SORT * 4}"""))
        subjects = [r["s"] for r in rows]
        labeller.want(*(s.value for s in subjects if isinstance(s, ox.NamedNode)))
        labeller.resolve()
        keyed = []
        for r in rows:
            s = r["s"]
            label = labeller.label(s.value) if isinstance(s, ox.NamedNode) else s.value
            if q and not q_done and not all(w in label.lower() for w in q.lower().split()):
                continue
            year = r["year"].value if r["year"] is not None else "9999"
            docs = int(r["docs"].value) if r["docs"] is not None else 0
            cited = int(r["cited"].value) if r["cited"] is not None else 0
            name = (not labeller.has_label(s.value) if isinstance(s, ox.NamedNode) else True,
                    label.lower())
            key = {"label": (name, s.value), "year": (year, name, s.value),
                   "documents": (docs, name, s.value), "cited": (cited, name, s.value),
                   "iri": (s.value,)}[sort]
            keyed.append((key, s))
        keyed.sort(key=lambda k: k[0], reverse=order == "desc")
        total = len(keyed)
        subjects = [s for _, s in keyed[(page - 1) * per_page:page * per_page]]
    else:
        if sort == "label":
            order_by = f'{direction}(COALESCE(?key, "\\uFFFF")) {direction}(STR(?s))'
        elif sort == "year":
            order_by = f'{direction}(COALESCE(?year, "9999")) {direction}(STR(?s))'
        else:
            order_by = f"{direction}(STR(?s))"
        subjects = [row["s"] for row in _q(store, f"""
            SELECT ?s ?key ?year WHERE {{ {{
                SELECT ?s (MIN(LCASE(STR(?l))) AS ?key) (MIN(STR(?y)) AS ?year) WHERE {{
                  {{ {members} }}
                  OPTIONAL {{ ?s skos:prefLabel|rdfs:label|dcterms:title ?l }}
                  OPTIONAL {{ ?s {YEAR_PATTERN} ?y }}
                }} GROUP BY ?s }}
            }} ORDER BY {order_by} LIMIT {per_page} OFFSET {(page - 1) * per_page}""")]
    pages = max(1, -(-total // per_page))
    named = [s.value for s in subjects if isinstance(s, ox.NamedNode) and safe_iri(s.value)]
    types: dict[str, list[str]] = defaultdict(list)
    if named:
        values = " ".join(f"<{s}>" for s in named)
        for row in _q(store, f"SELECT ?s ?t WHERE {{ VALUES ?s {{ {values} }} ?s a ?t }}"):
            types[row["s"].value].append(row["t"].value)
    details = _row_details(store, named, derived, filters)
    labeller.want(class_iri, *named, *(t for ts in types.values() for t in ts),
                  *(d for x in details.values() for d in x["docs"]),
                  *(x["quote"]["doc"] for x in details.values() if x["quote"]))
    labeller.resolve()
    items = []
    for s in subjects:
        item = term(s, labeller)
        item["types"] = [dict(term(ox.NamedNode(t), labeller), class_href=class_href(t))
                         for t in sorted(types.get(s.value, [])) if t != class_iri]
        x = details.get(s.value, {"years": set(), "docs": set(), "quote": None})
        item["years"] = years(x["years"])
        item["documents"] = sorted(
            ({"iri": d, "label": labeller.label(d), "href": href(d)} for d in x["docs"]),
            key=lambda d: d["label"])
        quote = x["quote"]
        item["quote"] = None if quote is None else {
            "exact": quote["exact"], "short": shorten(quote["exact"], 300),
            "doc": {"iri": quote["doc"], "label": labeller.label(quote["doc"]),
                    "href": href(quote["doc"])},
            "read": reader_href(quote["passage"]), "passage": quote["passage"]}
        items.append(item)
    facets = _facets(store, members, labeller, filters, class_iri, derived) \
        if total <= FACET_LIMIT else []
    active = [{"name": f, "value": v, "label": labeller.label(v) if f not in ("year",) else v,
               "clear": "?" + query_with(**{f: None, "page": None})}
              for f, v in filters.items()]
    comment = None
    for row in _q(store, f"SELECT ?c WHERE {{ <{class_iri}> rdfs:comment ?c }} LIMIT 1"):
        comment = row["c"].value
    return {
        "iri": class_iri, "compact": display_iri(class_iri), "label": labeller.label(class_iri),
        "comment": comment, "href": href(class_iri), "total": total, "instances": items,
        "page": page, "pages": pages, "per_page": per_page, "sort": sort, "order": order,
        "q": q, "filters": filters, "facets": facets, "active": active,
        "first": (page - 1) * per_page + 1 if items else 0,
        "last": (page - 1) * per_page + len(items),
        "prev": query_with(page=page - 1) if page > 1 else None,
        "next": query_with(page=page + 1) if page < pages else None,
        "sort_links": {name: "?" + query_with(sort=name, order=(
            "desc" if sort == name and order == "asc" else "asc"), page=None) for name in SORTS},
    }
