"""/search: full-text search over labels, acronyms and passage text (the index and its
ranking: serve.search_index, SQLite FTS5).

    /search?q=&page=&limit=<per page>&cls=<class IRI>&doc=<document IRI>

pages through every match, names first, with facets by class and by document (a passage's
document) counted over all the matches. The index lives in memory (stores made from --data
files), or in a file: `SEARCH_INDEX` (a path) when the app is given one, else `search.sqlite`
inside the on-disk store's folder (data/store/, rebuilt with it).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, abort, current_app, request, url_for

from .app import get_store
from .inputs import int_arg
from .labels import Labeller, class_href, display_iri, href
from .markup import plain
from .render import (
    JSON_TWIN,
    alternates_for,
    html_response,
    json_response,
    negotiate,
    query_with,
)
from .search_index import DEFAULT_LIMIT, Hit, SearchIndex, main_type

bp = Blueprint("search", __name__, template_folder="templates")
blueprint = bp

MAX_LIMIT = 500
MAX_PAGE = 1_000_000
FACET_SHOWN = 30  # values of a facet the page lists (the JSON twin: all)


@dataclass
class Group:
    cls: str | None
    label: str
    hits: list[Hit] = field(default_factory=list)


def get_index() -> SearchIndex:
    app = current_app
    index = app.extensions.get("ctipgraph.search")
    if index is None:
        with _INDEX_LOCK:
            index = app.extensions.get("ctipgraph.search")
            if index is None:
                store = get_store()
                path = app.config.get("SEARCH_INDEX")
                if path is None and getattr(store, "location", None) is not None:
                    path = Path(store.location) / "search.sqlite"
                index = SearchIndex(store, Path(path) if path else None)
                app.extensions["ctipgraph.search"] = index
    return index


_INDEX_LOCK = threading.Lock()


def group_hits(hits: list[Hit], labeller: Labeller) -> list[Group]:
    groups: dict[str | None, Group] = {}
    labeller.want(*(t for h in hits for t in h.types))
    labeller.resolve()
    for h in hits:
        cls = main_type(h.types)
        if cls not in groups:
            groups[cls] = Group(cls, labeller.label(cls) if cls else "other")
        groups[cls].hits.append(h)
    return list(groups.values())  # in the order of each group's best hit


def _query(**changes) -> str:
    return "?" + query_with(**changes)


@bp.get("/search")
@bp.get("/search.<suffix>")
def search(suffix: str | None = None):
    if suffix not in (None, "json"):
        abort(404)
    q = request.args.get("q", "").strip()
    limit = int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    page = int_arg("page", 1, 1, MAX_PAGE)
    cls_filter = request.args.get("cls", "").strip() or None
    doc_filter = request.args.get("doc", "").strip() or None
    found = get_index().find(q, page=page, limit=limit, cls=cls_filter, doc=doc_filter)
    page, pages, hits = found.page, found.pages, found.hits
    labeller = Labeller(get_store())  # (the app remembers labels: a common word's documents)
    labeller.want(*found.by_class, *found.by_doc)  # the facets', resolved with the hits' types
    groups = group_hits(hits, labeller)
    label = labeller.label
    by_class = sorted(found.by_class.items(), key=lambda x: (-x[1], x[0]))
    by_doc = sorted(found.by_doc.items(), key=lambda x: (label(x[0]), x[0]))
    facets = [{"name": name, "title": title, "active": active,
               "clear": _query(**{name: None, "page": None}) if active else None,
               "values": [{"value": v, "label": label(v), "count": n, "active": v == active}
                          for v, n in values]}
              for name, title, active, values in (("cls", "Class", cls_filter, by_class),
                                                  ("doc", "Document", doc_filter, by_doc))]
    query = request.query_string.decode()
    alternates = alternates_for(url_for("search.search"), [JSON_TWIN], query)
    fmt = suffix or negotiate([JSON_TWIN])
    if fmt == "json":
        return json_response({
            "q": q, "count": len(hits), "total": found.total, "page": page, "pages": pages,
            "perPage": limit,
            "facets": {f["name"]: [{"value": v["value"], "label": v["label"],
                                    "count": v["count"]} for v in f["values"]]
                       for f in facets},
            "groups": [{"class": g.cls, "label": g.label,
                        "results": [h.as_json() for h in g.hits]} for g in groups],
        }, alternates)
    for f in facets:  # links for the values shown only (thousands of documents at scale)
        f["values"] = [{**v, "href": _query(**{f["name"]: v["value"], "page": None})}
                       for v in f["values"][:FACET_SHOWN]]
    view = [{
        "cls": g.cls, "label": g.label,
        "class_href": class_href(g.cls) if g.cls else None,
        "hits": [{"iri": h.iri, "href": href(h.iri), "compact": display_iri(h.iri),
                  "label": h.label or labeller.label(h.iri), "field": h.field,
                  "snippet": [(plain(text), hl) for text, hl in h.snippet]} for h in g.hits],
    } for g in groups]
    pager = {"page": page, "pages": pages,
             "prev": _query(page=page - 1) if page > 1 else None,
             "next": _query(page=page + 1) if page < pages else None}
    return html_response("search.html", alternates, q=q, groups=view, count=len(hits),
                         limit=limit, total=found.total, pager=pager, facets=facets,
                         first=(page - 1) * limit + 1 if hits else 0)


def warm(app) -> None:
    """Build the index now (e.g. in a thread at start-up) instead of on the first search, and
    read what the facets of every search show: the index's groups (a set of types in a
    document) and the labels of their classes and documents (kept in the app's label cache)."""
    with app.app_context():
        groups = get_index().groups()
        labeller = Labeller(get_store())
        labeller.want(*{g.doc for g in groups if g.doc}, *{g.main for g in groups if g.main})
        labeller.resolve()
