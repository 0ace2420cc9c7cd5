"""Whole-dataset downloads (/download, /download/<name>), the JSON-LD context (/context.jsonld)
and the VoID description (/.well-known/void). Absolute links use the configured public base URL
(security.public_root), never the request's Host header."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
)

from ..export import MEDIA_TYPES, DumpCache, dump_names, jsonld_context, jsonld_wrapped
from .app import get_store
from .scratch import scratch_dir
from .security import public_root
from .service import (
    DATASET_LICENSE,
    RDF_MEDIA_TYPES,
    dcat_description,
    negotiate_rdf,
    void_description,
)

bp = Blueprint("data", __name__)

_FORMAT_NAMES = {"ttl": "Turtle", "nt": "N-Triples", "trig": "TriG (one graph per document)",
                 "nq": "N-Quads (one graph per document)", "jsonld": "JSON-LD"}


def init_app(app: Flask) -> None:
    store = app.extensions["ctipgraph.store"]
    directory = app.config.get("DUMP_DIR")
    if directory:
        directory = Path(directory)
    elif store.location is not None:
        directory = store.location / "dumps"
    else:
        directory = scratch_dir("ctipgraph-dumps-")
    app.extensions["ctipgraph.dumps"] = DumpCache(store, directory)


def _dumps() -> DumpCache:
    return current_app.extensions["ctipgraph.dumps"]


@bp.after_request
def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def dataset_links() -> list[dict]:
    """Where the dataset is described and served (absolute, at the public base URL): for
    `Link` headers, `<link rel>` elements and the home page."""
    root = public_root()
    return [
        {"href": root + ".well-known/void", "rel": "describedby", "type": "text/turtle",
         "title": "VoID description"},
        {"href": root + "catalog", "rel": "describedby", "type": "text/turtle",
         "title": "DCAT description"},
        {"href": root + "sparql", "rel": "service-desc", "type": "text/turtle",
         "title": "SPARQL endpoint (service description)"},
        {"href": root + "download", "rel": "related", "type": "text/html",
         "title": "Downloads"},
        {"href": root + "context.jsonld", "rel": "http://www.w3.org/ns/json-ld#context",
         "type": "application/ld+json", "title": "JSON-LD context"},
        {"href": current_app.config.get("DATASET_LICENSE") or DATASET_LICENSE,
         "rel": "license", "type": "text/html", "title": "Licence"},
    ]


@bp.app_context_processor
def _template_links() -> dict:
    return {"dataset_links": dataset_links}


def _link_value(link: dict) -> str:
    return f'<{link["href"]}>; rel="{link["rel"]}"; type="{link["type"]}"; title="{link["title"]}"'


@bp.after_app_request
def _dataset_link_headers(response: Response) -> Response:
    """Every page (HTML), listing (JSON) and RDF twin names the dataset's descriptions,
    endpoint, downloads, context and licence in `Link` headers (the same on a page and its
    twins; the JSON-LD context only on JSON)."""
    if request.method not in ("GET", "HEAD") or response.status_code >= 400 or \
            response.mimetype not in _LINKED_TYPES or request.path.startswith(_NOT_LINKED):
        return response
    links = [link for link in dataset_links()
             if response.mimetype == "application/json" or link["rel"] != LD_CONTEXT]
    values = [_link_value(link) for link in links]
    existing = response.headers.get("Link")
    response.headers["Link"] = ", ".join(([existing] if existing else []) + values)
    return response


LD_CONTEXT = "http://www.w3.org/ns/json-ld#context"
#: answers that get the links: pages, JSON listings and the RDF twins of pages
_LINKED_TYPES = frozenset({"text/html", "application/json", *RDF_MEDIA_TYPES})
_NOT_LINKED = ("/sparql", "/download/", "/health")


@bp.get("/download")
@bp.get("/download/")
def download_page():
    """An HTML list of the dumps (or JSON, for clients that ask for it)."""
    cache = _dumps()
    root = public_root()
    rows = []
    for name, fmt, inferred in dump_names():
        cached = cache.cached(name)
        rows.append({"name": name, "url": f"{root}download/{name}",
                     "format": fmt, "mediaType": MEDIA_TYPES[fmt], "inferences": inferred,
                     "bytes": cached.stat().st_size if cached else None})
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == \
            "application/json":
        return jsonify(dumps=rows, context=root + "context.jsonld")
    for row in rows:
        row["label"] = _FORMAT_NAMES[row["format"]]
    return Response(render_template("download.html", rows=rows, root=root, alternates=[]),
                    mimetype="text/html")


@bp.get("/download/<name>")
def download(name: str):
    cache = _dumps()
    try:
        path = cache.path(name)
    except KeyError:
        abort(404)
    fmt = name.rsplit(".", 1)[-1]
    if fmt == "jsonld":
        stream, size = jsonld_wrapped(path)  # the context embedded: the file stands alone
        return Response(stream, mimetype=MEDIA_TYPES[fmt],
                        headers={"Content-Length": str(size),
                                 "Content-Disposition": f'attachment; filename="{name}"'})
    mimetype = MEDIA_TYPES[fmt]
    if not mimetype.startswith("text/"):  # (werkzeug adds the charset of text/* itself)
        mimetype += "; charset=utf-8"
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name,
                     conditional=True)


@bp.get("/context.jsonld")
def context():
    response = jsonify(jsonld_context())
    response.mimetype = "application/ld+json"
    response.cache_control.public = True
    response.cache_control.max_age = 3600  # changes only with the ontology
    return response


@bp.get("/catalog")
def catalog():
    """The DCAT description of the dataset: its distributions and the SPARQL endpoint."""
    media = negotiate_rdf(request.accept_mimetypes)
    if media is None:
        return Response("The DCAT description is available as " + ", ".join(RDF_MEDIA_TYPES)
                        + ".\n", status=406, mimetype="text/plain")
    cache = _dumps()
    sizes = {name: path.stat().st_size for name, _f, _i in dump_names()
             if (path := cache.cached(name)) is not None}
    data = dcat_description(get_store(), public_root(), media, sizes)
    mimetype = media + "; charset=utf-8" if media.startswith("text/") else media
    return Response(data, content_type=mimetype, headers={"Vary": "Accept"})


@bp.get("/.well-known/void")
def void():
    media = negotiate_rdf(request.accept_mimetypes)
    if media is None:
        return Response("The VoID description is available as " + ", ".join(RDF_MEDIA_TYPES)
                        + ".\n", status=406, mimetype="text/plain")
    data = void_description(get_store(), public_root(), media)
    mimetype = media + "; charset=utf-8" if media.startswith("text/") else media
    return Response(data, content_type=mimetype, headers={"Vary": "Accept"})
