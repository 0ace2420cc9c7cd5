"""`/sparql`: a read-only SPARQL 1.1 Protocol endpoint over the store.

- query by GET `?query=`, by POST form (`query=`) or by POST `application/sparql-query`;
  `default-graph-uri` / `named-graph-uri` (repeatable) replace the query's own FROM clauses;
- results by content negotiation (Accept, with q-values) or a `format` parameter;
- refused with 4xx: SPARQL Update (any form, `update=`, `application/sparql-update`), LOAD,
  SERVICE (no federation, unless the endpoint is in ALLOW_SERVICE), queries longer than
  MAX_QUERY_LENGTH; 400 with the parser's message for malformed queries. What a query is comes
  from its parse, in the query worker (ctipgraph.sparqlpolicy): the web thread only reads the
  request;
- 504 when a query runs longer than QUERY_TIMEOUT (its worker process is killed); 503 when every
  worker is busy, or when a query given an express worker overruns EXPRESS_TIMEOUT; 507 when it
  needs more than WORKER_MEMORY; at most MAX_RESULT_ROWS solutions or triples and
  MAX_RESULT_BYTES bytes (`X-CTIP-Truncated: true`, and a top-level `"truncated"` note in SPARQL
  JSON results);
- without a query: the SPARQL 1.1 Service Description (or, for browsers, the query editor).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import lru_cache

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    redirect,
    request,
)
from werkzeug.datastructures import MIMEAccept, MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header

from ..namespaces import PREFIXES
from .app import get_store
from .service import RDF_MEDIA_TYPES, negotiate_rdf, service_description
from .workers import (
    MIB,
    Dataset,
    Job,
    PoolBusy,
    QueryPool,
    QueryTimeout,
    Reply,
    WorkerDied,
    execute,
)

bp = Blueprint("sparql", __name__)

JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"

#: media types offered for SELECT/ASK results, best first; aliases map to the canonical type
TABULAR: dict[str, str] = {
    JSON_RESULTS: JSON_RESULTS,
    XML_RESULTS: XML_RESULTS,
    CSV: CSV,
    TSV: TSV,
    "application/json": JSON_RESULTS,
    "application/xml": XML_RESULTS,
    "text/xml": XML_RESULTS,
}
#: media types offered for CONSTRUCT/DESCRIBE results, best first
GRAPH: dict[str, str] = {
    **{media: media for media in RDF_MEDIA_TYPES},
    "application/x-turtle": "text/turtle",
    "application/json": "application/ld+json",
    "application/xml": "application/rdf+xml",
    "text/plain": "application/n-triples",
}
#: the `format` parameter: name → (tabular, graph) media types
FORMATS: dict[str, tuple[str | None, str | None]] = {
    "json": (JSON_RESULTS, "application/ld+json"),
    "srj": (JSON_RESULTS, None),
    "xml": (XML_RESULTS, "application/rdf+xml"),
    "srx": (XML_RESULTS, None),
    "csv": (CSV, None),
    "tsv": (TSV, None),
    "turtle": (None, "text/turtle"),
    "ttl": (None, "text/turtle"),
    "ntriples": (None, "application/n-triples"),
    "nt": (None, "application/n-triples"),
    "jsonld": (None, "application/ld+json"),
    "json-ld": (None, "application/ld+json"),
    "rdfxml": (None, "application/rdf+xml"),
    "rdf": (None, "application/rdf+xml"),
    "trig": (None, "application/trig"),
    "nquads": (None, "application/n-quads"),
    "nq": (None, "application/n-quads"),
}
_TEXTUAL = ("text/", "application/sparql-results+xml", "application/rdf+xml")
QUERY_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-CTIP-Truncated, X-CTIP-Max-Rows, X-CTIP-Max-Bytes, "
                                     "Content-Length, Retry-After",
}


class Refused(HTTPException):
    """A request the endpoint answers with a 4xx/5xx and a plain-text message."""

    def __init__(self, status: int, message: str, headers: dict | None = None) -> None:
        super().__init__(message)
        self.code = status
        self.extra_headers = headers or {}


#: configuration of the endpoint (create_app's config may set any of them)
DEFAULTS: dict[str, object] = {
    "EXPRESS_WORKERS": 0,  # workers for short queries while every regular one is busy
    "EXPRESS_TIMEOUT": 1.0,  # seconds a query may run in an express worker
    "WORKER_MEMORY": None,  # bytes a worker may grow by during one query (None: no limit)
    "MAX_RESULT_BYTES": 64 * MIB,  # bytes of one response body (then truncated)
    "ALLOW_SERVICE": (),  # SERVICE endpoints queries may call (then workers keep the network)
    "SANDBOX": True,  # query workers without network egress, where the OS allows it
    "QUEUE_WAIT": None,  # seconds a query waits for a worker (None: QUERY_TIMEOUT)
}


def init_app(app: Flask) -> None:
    """Start the query workers (before the server starts any thread); report on /health."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    size = int(app.config.get("QUERY_WORKERS") or 0)
    health = app.extensions.setdefault("ctipgraph.health", [])
    if size <= 0:
        health.append(lambda: {"queries": {"workers": 0, "sandbox": {
            "egress": "allowed", "reason": "queries run in the server process"}}})
        return
    allowed = tuple(app.config["ALLOW_SERVICE"] or ())
    sandbox = bool(app.config["SANDBOX"]) and not allowed
    reason = app.config.get("SANDBOX_REASON") or (
        "--allow-service: workers may reach the allowed endpoints" if allowed
        else "disabled (--no-sandbox)")
    memory = app.config["WORKER_MEMORY"]
    pool = QueryPool(app.extensions["ctipgraph.store"], size,
                     express=int(app.config["EXPRESS_WORKERS"] or 0),
                     express_timeout=float(app.config["EXPRESS_TIMEOUT"]),
                     memory=int(memory) if memory else None, sandbox=sandbox,
                     sandbox_reason=reason)
    app.extensions["ctipgraph.pool"] = pool
    health.append(lambda: {"queries": pool.status()})


@bp.after_request
def _cors(response: Response) -> Response:
    response.headers.update(CORS_HEADERS)
    return response


@bp.errorhandler(Refused)
def _refused(error: Refused):
    return _plain(error.code, error.description, error.extra_headers)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return _plain(error.code or 500, error.description or error.name)


@bp.errorhandler(Exception)
def _unexpected(error: Exception):  # never a traceback
    current_app.logger.exception("SPARQL endpoint error")
    return _plain(500, f"internal error: {type(error).__name__}")


def _plain(status: int, message: str, headers: dict | None = None) -> Response:
    response = Response(message.rstrip("\n") + "\n", status=status,
                        mimetype="text/plain", headers=headers or {})
    response.headers.update(CORS_HEADERS)
    return response


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
@bp.route("/sparql/", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    if request.method == "OPTIONS":
        return Response(status=204, headers={
            "Allow": "GET, POST, OPTIONS",
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, Accept",
            "Access-Control-Max-Age": "86400",
        })
    params, query = _read_request()
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise Refused(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    if query is None:
        if request.method == "POST":  # (GET and HEAD: the service description)
            raise Refused(400, "No query: give it as the query parameter or as the body.")
        return _no_query()
    limit = current_app.config["MAX_QUERY_LENGTH"]
    if len(query) > limit:
        raise Refused(413, f"The query is {len(query)} characters long; the limit is {limit}.")
    tabular, graph = _formats(params)
    store = get_store()
    config = current_app.config
    job = Job(
        query=query,
        dataset=Dataset(tuple(params.getlist("default-graph-uri")),
                        tuple(params.getlist("named-graph-uri")), store.union_default),
        base_iri=request.base_url,
        prefixes=QUERY_PREFIXES,
        tabular=tabular,
        graph=graph,
        max_rows=int(config["MAX_RESULT_ROWS"]),
        output_prefixes=QUERY_PREFIXES,
        max_bytes=int(config["MAX_RESULT_BYTES"]),
        allow_service=tuple(config["ALLOW_SERVICE"] or ()),
    )
    reply = _run(job)
    if reply.status == 400:
        hint = slash_hint(query)
        if hint:
            reply = replace(reply, body=bytes(reply.body).rstrip(b"\n") + b"\n"
                            + hint.encode("utf-8"))
    return _respond(reply)


#: a prefixed name whose local part holds a slash (outside <IRIs>, strings and comments). Linear
#: in the query's length: a string runs to its closing quote or else to the end of its line
#: (possessively), so an unterminated one is consumed once, never rescanned from each quote
#: (the issue-11 query of 49,980 escaped quotes took 33 s of the web thread otherwise).
_SLASHED_NAME = re.compile(r"""<[^<>"{}|^`\\\s]*+>|"(?:[^"\\\n]|\\.)*+(?:"|$)"""
                           r"""|'(?:[^'\\\n]|\\.)*+(?:'|$)|#[^\n]*+"""
                           r"|(?<![\w:])([A-Za-z][\w.-]*+)?:([\w.-]*/[\w./%-]*[\w%-])"
                           r"(?![\w/%:-]|\.[\w/%:-])", re.MULTILINE)


def slash_hint(query: str) -> str | None:
    """What to write instead of `id:program/glo-act` (not SPARQL: a '/' may not stand in a
    prefixed name unescaped), when the query holds such a name of a known prefix."""
    for match in _SLASHED_NAME.finditer(query):
        prefix, local = match.group(1), match.group(2)
        if local is None or (prefix or "") not in QUERY_PREFIXES:
            continue
        name = f"{prefix or ''}:{local}"
        iri = QUERY_PREFIXES[prefix or ""] + local
        escaped = f"{prefix or ''}:{local.replace('/', chr(92) + '/')}"
        return (f"{name} is not a SPARQL name: a prefixed name may not hold a '/' unescaped. "
                f"Write the full IRI <{iri}> (or {escaped}).")
    return None


def _read_request() -> tuple[MultiDict, str | None]:
    """The protocol parameters and the query text of a GET or POST request."""
    params = MultiDict(request.args)
    if request.method in ("GET", "HEAD"):
        return params, _single(params.getlist("query"))
    limit = current_app.config["MAX_QUERY_LENGTH"]
    if request.content_length is not None and request.content_length > 4 * limit + 4096:
        raise Refused(413, f"The request body is too large (queries are limited to {limit} "
                           "characters).")
    media_type = request.mimetype
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise Refused(415, f"Unsupported charset {charset!r}: send the query as UTF-8.")
    if media_type == "application/x-www-form-urlencoded":
        for key, value in request.form.items(multi=True):
            params.add(key, value)
        return params, _single(params.getlist("query"))
    if media_type == "application/sparql-query":
        try:
            text = request.get_data().decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(400, "The query is not valid UTF-8.") from None
        if "query" in params:
            raise Refused(400, "Give the query either in the body or as ?query=, not both.")
        return params, text
    if media_type == "application/sparql-update":
        raise Refused(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    if not media_type and not request.get_data() and "query" in params:
        return params, _single(params.getlist("query"))  # POST ?query=… with an empty body
    raise Refused(415, "POST a query as application/x-www-form-urlencoded (query=…) or as "
                       "application/sparql-query; got "
                       f"{media_type or 'no Content-Type'}.")


def _single(values: list[str]) -> str | None:
    if len(values) > 1:
        raise Refused(400, "Exactly one query parameter is allowed.")
    return values[0] if values else None


def _formats(params: MultiDict) -> tuple[str | None, str | None]:
    """The media types to answer in, for tabular and for graph results (None: not acceptable)."""
    name = params.get("format") or params.get("output") or params.get("results")
    if name:
        key = name.strip().lower()
        if key in FORMATS:
            return FORMATS[key]
        media = key.split(";")[0].strip()
        if media in TABULAR or media in GRAPH:
            return TABULAR.get(media), GRAPH.get(media)
        raise Refused(400, f"Unknown format {name!r}: use one of {', '.join(FORMATS)} or a "
                           "media type.")
    return _negotiate(request.headers.get("Accept", ""))


@lru_cache(maxsize=256)
def _negotiate(accept_header: str) -> tuple[str | None, str | None]:
    """Result media types for an Accept header (werkzeug's parsing, q-values; cached)."""
    accept = parse_accept_header(accept_header, MIMEAccept)
    if not accept:
        return JSON_RESULTS, "text/turtle"
    tabular = accept.best_match(list(TABULAR))
    graph = accept.best_match(list(GRAPH))
    return (TABULAR[tabular] if tabular else None), (GRAPH[graph] if graph else None)


def _run(job: Job) -> Reply:
    timeout = float(current_app.config["QUERY_TIMEOUT"])
    pool: QueryPool | None = current_app.extensions.get("ctipgraph.pool")
    if pool is None:
        return execute(get_store().store, job)
    wait = current_app.config.get("QUEUE_WAIT")
    try:
        return pool.run(job, timeout, wait=float(wait) if wait else None,
                        client=request.remote_addr or "")
    except QueryTimeout as stopped:
        current_app.logger.warning("query stopped after %.3g s", stopped.limit)
        if stopped.express:
            raise Refused(503, "Every query worker is busy with long queries; meanwhile a query "
                               f"may run at most {stopped.limit:g} s, and this one was stopped. "
                               "Try again shortly, or narrow it down.",
                          {"Retry-After": "10"}) from None
        raise Refused(504, f"The query ran longer than the time limit of {stopped.limit:g} s "
                           "and was stopped. Narrow it down (LIMIT, more specific patterns)."
                      ) from None
    except PoolBusy:
        raise Refused(503, "All query workers are busy; try again shortly.",
                      {"Retry-After": "5"}) from None
    except WorkerDied:
        memory = pool.memory
        limit = f" of {memory // MIB} MiB per query" if memory else ""
        raise Refused(507, "The query worker stopped while running this query: it most likely "
                           f"needed more memory than the limit{limit}. Narrow it down (LIMIT, "
                           "more specific patterns).") from None


def _respond(reply: Reply) -> Response:
    if reply.status != 200:
        message = bytes(reply.body).decode("utf-8", "replace")
        if reply.status == 406:
            message += (". Ask for one of: " + ", ".join(dict.fromkeys(TABULAR.values()))
                        + " (SELECT/ASK) or " + ", ".join(RDF_MEDIA_TYPES)
                        + " (CONSTRUCT/DESCRIBE), or use the format parameter.")
        raise Refused(reply.status, message)
    body = reply.body
    headers = {"Vary": "Accept", "Content-Length": str(len(body))}
    max_rows = current_app.config["MAX_RESULT_ROWS"]
    if reply.truncated:
        headers["X-CTIP-Truncated"] = "true"
        headers["X-CTIP-Max-Rows"] = str(max_rows)
        headers["X-CTIP-Max-Bytes"] = str(current_app.config["MAX_RESULT_BYTES"])
        if reply.media_type == JSON_RESULTS and body.endswith(b"}"):
            note = json.dumps({
                "truncated": True,
                "maxRows": max_rows,
                "rows": reply.rows,
                "note": f"Only the first {reply.rows} results are given (the endpoint's limits: "
                        f"{max_rows} results, {current_app.config['MAX_RESULT_BYTES']} bytes); "
                        "use LIMIT/OFFSET to page through them.",
            })
            body = body[:-1] + b"," + note[1:].encode()
            headers["Content-Length"] = str(len(body))
    mimetype = reply.media_type
    if mimetype.startswith(_TEXTUAL):
        mimetype += "; charset=utf-8"
    return Response(_chunks(body), status=200, content_type=mimetype, headers=headers)


def _chunks(body: bytes | bytearray, size: int = 1 << 20):
    """The body in pieces of at most `size` bytes: a large result is never copied whole."""
    if len(body) <= size:
        return [bytes(body)]
    view = memoryview(body)
    return (bytes(view[i:i + size]) for i in range(0, len(body), size))


def _no_query() -> Response:
    """GET /sparql without a query: the editor for browsers, else the service description."""
    offers = ["text/html", *RDF_MEDIA_TYPES]
    accept = request.accept_mimetypes
    if accept and accept.best_match(offers) == "text/html" and _has_route("/query"):
        return redirect("/query", code=303)
    media = negotiate_rdf(accept)
    if media is None:
        raise Refused(406, "The service description is available as "
                           + ", ".join(RDF_MEDIA_TYPES) + ".")
    data = service_description(get_store(), request.url_root, request.base_url.rstrip("/"),
                               media)
    return Response(data, content_type=_with_charset(media), headers={"Vary": "Accept"})


def _with_charset(media: str) -> str:
    return media + "; charset=utf-8" if media.startswith(_TEXTUAL) else media


def _has_route(path: str) -> bool:
    return any(rule.rule == path for rule in current_app.url_map.iter_rules())

