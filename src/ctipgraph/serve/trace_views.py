"""`/trace`: the whole evidence chain of facts — fact → claims → quoted passages (in context) →
documents → references — as HTML with an SVG diagram, as JSON (`/trace.json`, FactTrace.to_dict)
and as Turtle (`/trace.ttl`, the RDF behind the facts).

    /trace?s=<IRI>&p=<IRI>&o=<IRI or N-Triples literal>   one fact
    /trace?iri=<IRI>                                        every claimed fact about a resource
    /trace?q=<phrase>                                       facts whose quote or names hold it

The last two come a page at a time: `page` (from 1) and `per_page` (`limit` is its old name;
default DEFAULT_LIMIT, at most MAX_LIMIT); a resource's page says how many facts there are.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, request, url_for

from ..provenance.evidence import FUNCTIONAL
from ..provenance.trace import FactTrace, TraceError, Tracer, parse_term
from ..provenance.trace_render import render_turtle
from .app import get_store
from .charts import Node, layered_svg
from .humanize import display_literal
from .labels import Labeller, fallback_label, href, shorten
from .pages import passage_pages
from .reader import error_response, passage_name, read_text, reader_href, text_dir
from .render import JSON_TWIN, RDF_TWINS, alternates_for, html_response, json_response, negotiate

bp = Blueprint("trace", __name__, template_folder="templates")

TTL_TWIN = RDF_TWINS["ttl"]
DEFAULT_LIMIT = 20
MAX_LIMIT = 100  # facts per page
MAX_PAGE = 10_000
MAX_PHRASE = 200


def fact_url(s: str, p: str, o: str) -> str:
    """The /trace page of a fact given as IRIs and an object in N-Triples form."""
    obj = o[1:-1] if o.startswith("<") and o.endswith(">") else o
    return url_for("trace.trace_page") + "?" + urlencode({"s": s, "p": p, "o": obj})


def _bare(term: str) -> str:
    return term[1:-1] if term.startswith("<") and term.endswith(">") else term


def term_view(nt: str, label: str) -> dict:
    """A subject, predicate or object as the template shows it."""
    if nt.startswith('"'):
        literal = parse_term(nt)
        datatype = literal.datatype.value if literal.datatype is not None else ""
        return {"kind": "literal", "value": literal.value, "lang": literal.language,
                "datatype": datatype.rsplit("#", 1)[-1] if "XMLSchema#" in datatype else datatype,
                "label": literal.value, "display": display_literal(literal.value, datatype)}
    iri = _bare(nt)
    return {"kind": "iri", "iri": iri, "label": label or fallback_label(iri), "href": href(iri)}


def _check(text: str | None, passage) -> str:
    """Whether the quote is verbatim in the document's text at its offsets."""
    if text is None:
        return "no-text"
    if text[passage.start:passage.end] == passage.quote:
        return "verbatim"
    return "elsewhere" if passage.quote and passage.quote in text else "missing"


class FactView:
    """A FactTrace made ready for the page: links, reader anchors, checks and the diagram."""

    def __init__(self, fact: FactTrace, number: int, labeller: Labeller,
                 pages: dict[str, list[dict]] | None = None) -> None:
        self.fact = fact
        self.pages = pages or {}
        self.id = f"fact-{number}"
        self.subject = term_view(f"<{fact.subject}>" if not fact.subject.startswith("<")
                                  else fact.subject, fact.subject_label)
        self.predicate = term_view(fact.predicate if fact.predicate.startswith("<")
                                    else f"<{fact.predicate}>", fact.predicate_label)
        self.object = term_view(fact.object, fact.object_label)
        self.claims = [self._claim(c, n) for n, c in enumerate(fact.claims, 1)]
        self.documents = self._documents()
        labeller.want(*(o["document"] for o in fact.other_values))
        self.other_values = [
            dict(o, value=term_view(o["object"], o["label"]), document_href=href(o["document"]),
                 document_title=labeller.label(o["document"]), claim_href=href(o["claim"]),
                 trace=fact_url(self.subject["iri"], self.predicate["iri"], o["object"]))
            for o in fact.other_values]
        #: other values not listed (a hub's property: the subject's page lists them by page)
        self.other_more = fact.other_value_count - len(fact.other_values)
        #: one value expected: other values are a disagreement, not more of the same
        self.functional = self.predicate["iri"] in FUNCTIONAL
        self.svg = self._diagram()

    @property
    def title(self) -> str:
        return f"{self.subject['label']} — {self.predicate['label']} → {self.object['label']}"

    def _claim(self, claim, number: int) -> dict:
        text = read_text(claim.document.text_file)
        passages = [{"p": p, "name": passage_name(p.iri), "href": href(p.iri),
                     "read": reader_href(p.iri) if text is not None else None,
                     "check": _check(text, p), "pages": self.pages.get(p.iri, [])}
                    for p in claim.passages]
        references = [{"r": r, "href": href(r.iri),
                       "read": reader_href(r.iri) if text is not None else None}
                      for r in claim.references]
        doc = claim.document
        return {"c": claim, "number": number, "href": href(claim.iri), "passages": passages,
                "references": references,
                "document": {"d": doc, "href": href(doc.iri),
                             "read": reader_href(doc.iri) if text is not None else None}}

    def _documents(self) -> list[dict]:
        seen: dict[str, dict] = {}
        for claim in self.claims:
            seen.setdefault(claim["document"]["d"].iri, claim["document"])
        return list(seen.values())

    def _diagram(self):
        fact = Node("fact", self.subject["label"],
                    f"{self.predicate['label']} → {self.object['label']}", self.title,
                    self.subject.get("href"), "fact")
        claims, passages, documents, references = [], {}, {}, {}
        edges: list[tuple[str, str]] = []
        for claim in self.claims:
            c = claim["c"]
            claims.append(Node(c.iri, f"claim {claim['number']}", c.method or "claim",
                               c.iri, claim["href"], "claim"))
            edges.append(("fact", c.iri))
            doc = claim["document"]["d"]
            documents.setdefault(doc.iri, Node(
                doc.iri, doc.title or doc.iri, " · ".join(
                    x for x in (doc.publisher, doc.issued) if x),
                doc.title or doc.iri, claim["document"]["href"], "document"))
            for passage in claim["passages"]:
                p = passage["p"]
                passages.setdefault(p.iri, Node(p.iri, passage["name"], p.quote,
                                                shorten(p.quote, 300),
                                                passage["read"] or passage["href"], "passage"))
                edges.extend([(c.iri, p.iri), (p.iri, doc.iri)])
            for ref in claim["references"]:
                r = ref["r"]
                on_file = " · source on file" if r.source_on_file else ""
                references.setdefault(r.iri, Node(
                    r.iri, f"[{r.key}]{on_file}", r.text, shorten(r.text, 300) + on_file,
                    ref["read"] or ref["href"], "reference"))
                edges.append((doc.iri, r.iri))
        return layered_svg(["Fact", "Claims", "Passages", "Documents", "References"],
                           [[fact], claims, list(passages.values()), list(documents.values()),
                            list(references.values())],
                           list(dict.fromkeys(edges)), f"The evidence chain of: {self.title}")


def _limit() -> int:
    """Facts per page: `per_page` (or `limit`), within 1…MAX_LIMIT."""
    value = request.args.get("per_page") or request.args.get("limit") or ""
    if not value.isascii() or not value.isdigit():
        return DEFAULT_LIMIT
    return min(MAX_LIMIT, max(1, int(value[:9])))


def _page() -> int:
    value = request.args.get("page", "")
    return min(MAX_PAGE, max(1, int(value[:9]))) if value.isascii() and value.isdigit() else 1


def _pager(page: int, limit: int, shown: int, more: bool, total: int | None) -> dict:
    """What the page says about where it is in the list, with links to its neighbours."""
    args = {k: v for k, v in request.args.items() if k not in ("page", "limit")}
    args["per_page"] = str(limit)

    def link(number: int) -> str:
        return url_for("trace.trace_page") + "?" + urlencode({**args, "page": number})

    first = (page - 1) * limit + 1
    pages = -(-total // limit) if total is not None else page + (1 if more else 0)
    return {"page": page, "per_page": limit, "pages": max(pages, 1), "total": total,
            "first": first if shown else 0, "last": first + shown - 1,
            "prev": link(page - 1) if page > 1 else None, "next": link(page + 1) if more else None}


@bp.get("/trace", endpoint="trace_page")
@bp.get("/trace.<suffix>", endpoint="trace_page")
def trace_page(suffix: str | None = None):
    if suffix not in (None, "json", "ttl"):
        return error_response(404, "Not found", "A trace comes as HTML, .json or .ttl.")
    fmt = suffix or negotiate([JSON_TWIN, TTL_TWIN])
    as_json = fmt == "json"
    args = {k: request.args.get(k, "").strip() for k in ("s", "p", "o", "iri", "q")}
    store = get_store()
    tracer = Tracer(store, text_dir=text_dir())
    limit, page = _limit(), _page()
    total = None
    try:
        if args["s"] or args["p"] or args["o"]:
            missing = [k for k in ("s", "p", "o") if not args[k]]
            if missing:
                raise TraceError(f"a fact needs s, p and o (missing: {', '.join(missing)})")
            found = [(parse_term(args["s"]), parse_term(args["p"]), parse_term(args["o"]))]
            if not all(isinstance(t, ox.NamedNode) for t in found[0][:2]):
                raise TraceError("the subject (s) and predicate (p) must be IRIs")
            mode, about = "fact", None
        elif args["iri"]:
            found, total = tracer.facts_about_page(args["iri"], limit=limit + 1,
                                                   offset=(page - 1) * limit)
            mode, about = "iri", args["iri"]
        elif args["q"]:
            if len(args["q"]) > MAX_PHRASE:
                raise TraceError(f"the phrase is longer than {MAX_PHRASE} characters")
            found = tracer.facts_matching(args["q"], limit=limit + 1,
                                          offset=(page - 1) * limit)
            mode, about = "q", args["q"]
        else:
            raise TraceError("give a fact (s, p and o), a resource (iri) or a phrase (q)")
        truncated = len(found) > limit
        traces = [tracer.trace(*spo) for spo in found[:limit]]
    except TraceError as error:
        return error_response(400, "Bad request", str(error), as_json)
    traces = [t for t in traces if t.claims]
    pager = _pager(page, limit, len(traces), truncated, total) if mode != "fact" else None
    if not traces and page > 1:
        return error_response(404, "No such page", f"There are no facts on page {page}; the "
                              "list ends before it.", as_json)
    if not traces:
        detail = {"fact": "No claim backs this fact: nothing quotes a passage for it.",
                  "iri": f"No claimed fact has {about} as its subject or object.",
                  "q": f"No claimed fact matches “{about}”."}[mode]
        return error_response(404, "No evidence", detail, as_json)
    query = request.query_string.decode()
    alternates = alternates_for(url_for("trace.trace_page"), [JSON_TWIN, TTL_TWIN], query)
    pages = passage_pages(store, [p.iri for t in traces for c in t.claims for p in c.passages]
                          ) if fmt != "ttl" else {}
    if fmt == "json":
        return json_response({"mode": mode, "about": about, "limit": limit,
                              "truncated": truncated, "page": page, "total": total,
                              "next": pager["next"] if pager else None,
                              "facts": [_with_pages(t.to_dict(), pages) for t in traces]},
                             alternates)
    if fmt == "ttl":
        response = Response(render_turtle(store, traces), mimetype=TTL_TWIN.mimetype)
        response.charset = "utf-8"
        response.vary.add("Accept")
        return response
    labeller = Labeller(store)
    views = [FactView(t, n, labeller, pages) for n, t in enumerate(traces, 1)]
    if mode == "fact":
        heading = views[0].title
    elif mode == "iri":
        heading = f"Evidence about {_about_label(views, about)}"
    else:
        heading = f"Evidence matching “{about}”"
    return html_response("trace.html", alternates, facts=views, mode=mode, about=about,
                         heading=heading, truncated=truncated, limit=limit, pager=pager,
                         about_href=href(about) if mode == "iri" else None)


def _with_pages(fact: dict, pages: dict[str, list[dict]]) -> dict:
    """A FactTrace dict whose passages list their PDF pages: page numbers, boxes (points from
    the page's top left), the page image and the PDF at that page (pages.page_view)."""
    for claim in fact["claims"]:
        for passage in claim["passages"]:
            passage["pages"] = pages.get(passage["iri"], [])
    return fact


def _about_label(views: list[FactView], iri: str) -> str:
    for view in views:
        for term in (view.subject, view.object):
            if term.get("iri") == iri:
                return term["label"]
    return iri
