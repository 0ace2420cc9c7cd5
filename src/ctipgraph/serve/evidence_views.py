"""`/evidence`: the evidence report as a page (and `/evidence.json`) — facts asserted by two or
more documents, facts on which documents disagree, facts resting on one reference only and facts
citing none; every fact links to its trace."""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Blueprint, current_app, request, url_for
from werkzeug.exceptions import HTTPException

from .. import budget
from ..provenance.evidence import EvidenceReport, FactRow
from ..provenance.evidence_cache import kept_evidence_report
from .app import get_store
from .inputs import BadInput, int_arg
from .labels import Labeller, href
from .reader import error_response, reader_href
from .render import (
    JSON_TWIN,
    alternates_for,
    html_response,
    json_response,
    negotiate,
    query_with,
)
from .trace_views import fact_url, term_view

bp = Blueprint("evidence", __name__, template_folder="templates")

DEFAULT_LIMIT = 200
MAX_LIMIT = 5000
LISTS = ("corroborated", "disagreements", "single_reference", "unreferenced")
OVERVIEW = 10  # rows of each list on the overview
PER_PAGE = 50
MAX_PER_PAGE = 200  # a page of 500 rows takes seconds (labels, titles)
SORTS = ("claims", "documents", "subject")


def _report() -> EvidenceReport:
    """The full report, computed once per app (a served store never changes), by one thread at
    a time: a request arriving meanwhile waits for it within its page budget, then is answered
    503 (the report of a few million quads takes tens of seconds; `warm` computes it when the
    server starts; a project store keeps it in its folder for the next server:
    provenance.evidence_cache)."""
    cache = current_app.extensions.setdefault("ctipgraph.provenance.evidence.cache", {})
    report = cache.get("report")
    if report is not None:
        return report
    lock = current_app.extensions.setdefault("ctipgraph.provenance.evidence.lock", threading.Lock())
    left = budget.remaining()
    if not lock.acquire(timeout=-1 if left is None else max(0.0, left)):
        raise Preparing()
    try:
        if "report" not in cache:
            cache["report"] = kept_evidence_report(get_store())
        return cache["report"]
    finally:
        lock.release()


class Preparing(HTTPException):
    """The report is being computed by another request or at start-up (503, Retry-After)."""

    code = 503
    description = ("The evidence report is being computed (the first time after the server "
                   "starts, this takes a while on a large graph). Try again in a minute.")

    def get_headers(self, environ=None, scope=None):
        return [*super().get_headers(environ, scope), ("Retry-After", "30")]


def warm(app) -> None:
    """Compute the report now (in a thread at start-up) instead of on the first request."""
    with app.app_context():
        _report()


def _limit() -> int:
    try:
        return min(MAX_LIMIT, max(1, int(request.args.get("limit", DEFAULT_LIMIT))))
    except ValueError:
        return DEFAULT_LIMIT


def _docs(iris: list[str], titles: dict[str, str]) -> list[dict]:
    return [{"iri": d, "title": titles.get(d) or d.rsplit("/", 1)[-1], "href": href(d),
             "read": reader_href(d)} for d in iris]


def _fact(row: FactRow, titles: dict[str, str], labeller: Labeller | None = None) -> dict:
    def name(iri: str, given: str) -> str:
        return labeller.label(iri) if labeller is not None else given

    return {
        "subject": term_view(f"<{row.subject}>", name(row.subject, row.subject_label)),
        "predicate": term_view(f"<{row.predicate}>", row.predicate_label),
        "object": term_view(row.object, name(row.object[1:-1], row.object_label)
                            if row.object.startswith("<") else row.object_label),
        "documents": _docs(row.documents, titles), "claims": row.claims,
        "trace": fact_url(row.subject, row.predicate, row.object),
        "references": [{"r": r, "href": href(r.iri), "read": reader_href(r.iri)}
                       for r in row.references],
    }


def _query(**changes) -> str:
    return "?" + query_with(**changes)


def _documents_of(item) -> set[str]:
    if isinstance(item, FactRow):
        return set(item.documents)
    return {d for v in item.values for d in v.documents}


def _text_of(item) -> str:
    if isinstance(item, FactRow):
        return (f"{item.subject} {item.subject_label} {item.predicate_label} {item.object} "
                f"{item.object_label}").lower()
    return (f"{item.subject} {item.subject_label} {item.predicate_label} "
            + " ".join(f"{v.object} {v.object_label}" for v in item.values)).lower()


#: the filtered and sorted lists (and facet counts) kept per app: the report never changes while
#: it is served, and each list is re-read whole for every request (244,000 facts at 15 M
#: quads: about a second a page); at most this many, the least recently used dropped
VIEW_CACHE_SIZE = 32


def _cached(key: tuple, compute):
    """compute(), kept under `key` in the app's small LRU of views of the report."""
    cache = current_app.extensions.setdefault("ctipgraph.evidence.views", OrderedDict())
    lock = current_app.extensions.setdefault("ctipgraph.evidence.views.lock", threading.Lock())
    with lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    value = compute()
    with lock:
        cache[key] = value
        while len(cache) > VIEW_CACHE_SIZE:
            cache.popitem(last=False)
    return value


def _document_counts(report: EvidenceReport, q: str, one: str | None) -> dict[str, int]:
    """How many items of the lists shown (all, or `one`) each document has, under `q`."""
    counts: dict[str, int] = {d: 0 for d in report.documents}
    for name in LISTS:
        if one not in (None, name):
            continue
        for i in _matching(report, name, None, q):
            for d in _documents_of(i):
                counts[d] = counts.get(d, 0) + 1
    return counts


def _matching(report: EvidenceReport, name: str, doc: str | None, q: str) -> list:
    """The items of list `name` about document `doc` (None: any) holding every word of `q`."""
    return [i for i in getattr(report, name)
            if (doc is None or doc in _documents_of(i))
            and all(w in _text_of(i) for w in q.lower().split())]


def _filtered(report: EvidenceReport, name: str, doc: str | None, q: str, sort: str) -> list:
    items = _matching(report, name, doc, q)
    if sort == "documents":
        items.sort(key=lambda i: (-len(_documents_of(i)), i.subject_label.lower()))
    elif sort == "subject":
        items.sort(key=lambda i: (i.subject_label.lower(), i.predicate_label.lower()))
    elif name != "disagreements":
        items.sort(key=lambda i: (-i.claims, i.subject_label.lower()))
    return items


@bp.get("/evidence")
@bp.get("/evidence.<suffix>")
def evidence(suffix: str | None = None):
    if suffix not in (None, "json"):
        return error_response(404, "Not found", "The evidence report comes as HTML or .json.")
    report = _report()
    limit = _limit()
    query = request.query_string.decode()
    alternates = alternates_for(url_for("evidence.evidence"), [JSON_TWIN], query)
    fmt = suffix or negotiate([JSON_TWIN])
    if fmt == "json":
        data = report.to_dict()
        for name in LISTS:
            data[name] = data[name][:limit]
        data["limit"] = limit
        return json_response(data, alternates)
    one = request.args.get("list")
    one = one if one in LISTS else None
    doc = request.args.get("doc", "").strip() or None
    if doc is not None and doc not in report.documents:
        raise BadInput("doc is not a document of the report")
    q = " ".join(request.args.get("q", "").split())[:200]
    sort = request.args.get("sort", "claims")
    sort = sort if sort in SORTS else "claims"
    per_page = int_arg("per_page", PER_PAGE, 1, MAX_PER_PAGE)
    page = int_arg("page", 1, 1, 1_000_000)
    titles = report.documents
    labeller = Labeller(get_store())
    lists: dict[str, dict] = {}
    counts = _cached((id(report), "counts", q, one),
                     lambda: _document_counts(report, q, one))
    for name in LISTS:
        items = _cached((id(report), "list", name, doc, q, sort),
                        lambda name=name: _filtered(report, name, doc, q, sort))
        if one is not None and name != one:
            lists[name] = {"total": len(items), "rows": [], "href": _query(list=name,
                                                                             page=None)}
            continue
        size = per_page if one else OVERVIEW
        pages = max(1, -(-len(items) // size))
        current = min(page, pages) if one else 1
        shown = items[(current - 1) * size:current * size]
        labeller.want(*(x.subject for x in shown),
                      *(x.object[1:-1] for x in shown if isinstance(x, FactRow)
                        and x.object.startswith("<")))
        lists[name] = {"total": len(items), "items": shown, "page": current, "pages": pages,
                       "href": _query(list=name, page=None),
                       "prev": _query(page=current - 1) if one and current > 1 else None,
                       "next": _query(page=current + 1) if one and current < pages else None}
    labeller.resolve()
    for name, entry in lists.items():
        shown = entry.pop("items", [])
        if name == "disagreements":
            entry["rows"] = [{
                "subject": term_view(f"<{item.subject}>", labeller.label(item.subject)),
                "predicate": term_view(f"<{item.predicate}>", item.predicate_label),
                "values": [{"value": term_view(v.object, v.object_label),
                            "documents": _docs(v.documents, titles),
                            "trace": fact_url(item.subject, item.predicate, v.object)}
                           for v in item.values]} for item in shown]
        else:
            entry["rows"] = [_fact(r, titles, labeller) for r in shown]
    facet = [{"iri": d, "title": titles.get(d) or d, "count": n,
              "href": _query(doc=d, page=None), "active": d == doc}
             for d, n in sorted(counts.items(), key=lambda x: titles.get(x[0]) or x[0])]
    return html_response(
        "evidence.html", alternates, totals=report.totals, lists=lists, one=one, doc=doc,
        doc_title=titles.get(doc) if doc else None, q=q, sort=sort, per_page=per_page,
        facet=facet, clear_doc=_query(doc=None, page=None), overview=_query(list=None,
                                                                              page=None),
        sort_links={s: _query(sort=s, page=None) for s in SORTS})
