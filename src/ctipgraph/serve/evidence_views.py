"""`/evidence`: the evidence report as a page (and `/evidence.json`) — facts asserted by two or
more documents, facts on which documents disagree, facts resting on one reference only and facts
citing none; every fact links to its trace."""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for

from ..evidence import EvidenceReport, FactRow, evidence_report
from .app import get_store
from .labels import href
from .reader import error_response, reader_href
from .render import JSON_TWIN, alternates_for, html_response, json_response, negotiate
from .trace_views import fact_url, term_view

bp = Blueprint("evidence", __name__, template_folder="templates")

DEFAULT_LIMIT = 200
MAX_LIMIT = 5000


def _report() -> EvidenceReport:
    """The full report, computed once per app (a served store never changes)."""
    cache = current_app.extensions.setdefault("ctipgraph.evidence.cache", {})
    if "report" not in cache:
        cache["report"] = evidence_report(get_store())
    return cache["report"]


def _limit() -> int:
    try:
        return min(MAX_LIMIT, max(1, int(request.args.get("limit", DEFAULT_LIMIT))))
    except ValueError:
        return DEFAULT_LIMIT


def _docs(iris: list[str], titles: dict[str, str]) -> list[dict]:
    return [{"iri": d, "title": titles.get(d) or d.rsplit("/", 1)[-1], "href": href(d),
             "read": reader_href(d)} for d in iris]


def _fact(row: FactRow, titles: dict[str, str]) -> dict:
    return {
        "subject": term_view(f"<{row.subject}>", row.subject_label),
        "predicate": term_view(f"<{row.predicate}>", row.predicate_label),
        "object": term_view(row.object, row.object_label),
        "documents": _docs(row.documents, titles), "claims": row.claims,
        "trace": fact_url(row.subject, row.predicate, row.object),
        "references": [{"r": r, "href": href(r.iri), "read": reader_href(r.iri)}
                       for r in row.references],
    }


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
    lists = ("corroborated", "disagreements", "single_reference", "unreferenced")
    if fmt == "json":
        data = report.to_dict()
        for name in lists:
            data[name] = data[name][:limit]
        data["limit"] = limit
        return json_response(data, alternates)
    titles = report.documents
    disagreements = []
    for item in report.disagreements[:limit]:
        disagreements.append({
            "subject": term_view(f"<{item.subject}>", item.subject_label),
            "predicate": term_view(f"<{item.predicate}>", item.predicate_label),
            "values": [{"value": term_view(v.object, v.object_label),
                        "documents": _docs(v.documents, titles),
                        "trace": fact_url(item.subject, item.predicate, v.object)}
                       for v in item.values]})
    return html_response(
        "evidence.html", alternates, totals=report.totals, limit=limit,
        corroborated=[_fact(r, titles) for r in report.corroborated[:limit]],
        disagreements=disagreements,
        single_reference=[_fact(r, titles) for r in report.single_reference[:limit]],
        unreferenced=[_fact(r, titles) for r in report.unreferenced[:limit]])
