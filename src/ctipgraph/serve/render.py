"""Content negotiation and the machine-readable twins of every page.

Each page has an HTML form and twins: RDF (Turtle, JSON-LD, N-Triples, RDF/XML) for resources and
the ontology, JSON for listing pages. A twin is chosen by a suffix on the path (`.ttl`, `.jsonld`,
`.nt`, `.rdf`, `.json`) or by the Accept header; every response names its twins in `Link` headers
(and the HTML in `<link rel="alternate">`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Response, render_template, request

from ..export import jsonld_document
from .labels import PREFIXES

HTML = "text/html"
JSON = "application/json"


@dataclass(frozen=True)
class Twin:
    suffix: str
    mimetype: str
    title: str
    rdf_format: ox.RdfFormat | None = None


RDF_TWINS: dict[str, Twin] = {
    "ttl": Twin("ttl", "text/turtle", "Turtle", ox.RdfFormat.TURTLE),
    "jsonld": Twin("jsonld", "application/ld+json", "JSON-LD", ox.RdfFormat.JSON_LD),
    "nt": Twin("nt", "application/n-triples", "N-Triples", ox.RdfFormat.N_TRIPLES),
    "rdf": Twin("rdf", "application/rdf+xml", "RDF/XML", ox.RdfFormat.RDF_XML),
}
JSON_TWIN = Twin("json", JSON, "JSON")
HTML_TWIN = Twin("html", HTML, "HTML")
#: other media types clients ask for, and the twin that answers them
ALIASES = {
    "application/x-turtle": "ttl",
    "text/n3": "ttl",
    "application/xml": "rdf",
    "text/xml": "rdf",
    "application/json": "jsonld",  # only where no JSON twin of its own is offered
}


def split_suffix(name: str, suffixes: Iterable[str]) -> tuple[str, str | None]:
    """('a/b', 'ttl') for 'a/b.ttl' when 'ttl' is one of `suffixes`, else (name, None)."""
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and suffix in suffixes and "/" not in suffix:
        return stem, suffix
    return name, None


def negotiate(twins: Iterable[Twin]) -> str:
    """The suffix of the best representation for the request's Accept header.

    HTML comes first, so a browser (or `*/*`, or no Accept header) gets the page."""
    offered = [HTML_TWIN, *twins]
    by_mimetype = {t.mimetype: t.suffix for t in offered}
    suffixes = {t.suffix for t in offered}
    for alias, suffix in ALIASES.items():
        if suffix in suffixes and alias not in by_mimetype:
            by_mimetype[alias] = suffix
    accept = request.accept_mimetypes
    if not accept:
        return "html"
    best = accept.best_match(list(by_mimetype), default=None)
    return by_mimetype[best] if best else "html"


def query_with(**changes) -> str:
    """This request's query string with some parameters changed (None removes one), for the
    links of a listing's pages, facets and sorts."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = str(value)
    return urlencode(args)


def link_header(alternates: list[dict]) -> str:
    return ", ".join(f'<{a["href"]}>; rel="alternate"; type="{a["type"]}"' for a in alternates)


def alternates_for(base_path: str, twins: Iterable[Twin], query: str = "") -> list[dict]:
    """The <link rel="alternate"> entries of a page at `base_path` (query string kept)."""
    suffix_query = f"?{query}" if query else ""
    return [
        {"href": f"{base_path}.{t.suffix}{suffix_query}", "type": t.mimetype, "title": t.title,
         "suffix": t.suffix}
        for t in twins
    ]


def _vary(response: Response) -> Response:
    response.vary.add("Accept")
    return response


def html_response(template: str, alternates: list[dict], status: int = 200, **context) -> Response:
    body = render_template(template, alternates=alternates, **context)
    response = Response(body, status=status, mimetype=HTML)
    if alternates:
        response.headers["Link"] = link_header(alternates)
    return _vary(response)


def json_response(data: object, alternates: list[dict] | None = None,
                  status: int = 200) -> Response:
    # compact: the C encoder (indent takes the pure-Python one, 8 ms a large trace)
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = Response(body + "\n", status=status, mimetype=JSON)
    if alternates:
        response.headers["Link"] = link_header(alternates)
    return _vary(response)


#: data namespaces whose local names hold slashes: written as full IRIs, easier to read than
#: `id:org\/cnlte`
_NO_PREFIX = {"id", "ctipc", "ctipg"}


def used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """The prefixes whose namespaces occur in `triples` (Turtle writes only what it needs)."""
    iris: set[str] = set()
    for t in triples:
        for node in (t.subject, t.predicate, t.object):
            if isinstance(node, ox.NamedNode):
                iris.add(node.value)
            elif isinstance(node, ox.Literal) and node.datatype is not None:
                iris.add(node.datatype.value)
    return {p: ns for p, ns in PREFIXES.items()
            if p not in _NO_PREFIX and any(i.startswith(ns) for i in iris)}


def serialize(triples: list[ox.Triple], twin: Twin) -> bytes:
    if twin.rdf_format == ox.RdfFormat.JSON_LD:  # compacted, with the terms it uses embedded
        return jsonld_document(triples)
    prefixes = used_prefixes(triples) if twin.rdf_format in (
        ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(triples, format=twin.rdf_format, prefixes=prefixes)


def rdf_response(triples: list[ox.Triple], twin: Twin,
                 alternates: list[dict] | None = None) -> Response:
    content_type = twin.mimetype + ("; charset=utf-8" if twin.mimetype.startswith("text/")
                                    else "")
    response = Response(serialize(triples, twin), content_type=content_type)
    if alternates:
        response.headers["Link"] = link_header(alternates)
    return _vary(response)


def warm(app) -> None:
    """Compile every page template now (at start-up), not in the first request for each kind
    of page: Jinja compiles a template on first use, 30–150 ms for the larger ones."""
    with app.app_context():
        for name in app.jinja_env.list_templates(extensions=("html",)):
            app.jinja_env.get_template(name)
