"""The browse view: home page, class pages, resource pages, the ontology as documentation and the
query editor — each page with machine-readable twins (see render.py)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    request,
    send_from_directory,
    url_for,
)
from werkzeug.exceptions import NotFound

from ..paths import ONTOLOGY, QUERIES_DIR, ROOT
from ..store import GraphStore
from .app import get_store
from .describe import (
    PREFIX,
    ResourceView,
    exists,
    ontology_model,
    page_args,
    resource_triples,
    safe_iri,
)
from .inputs import BadInput, int_arg
from .labels import CTIP, ID, Labeller, class_href, display_iri, href, term
from .listing import class_listing
from .render import (
    JSON_TWIN,
    RDF_TWINS,
    alternates_for,
    html_response,
    json_response,
    negotiate,
    rdf_response,
    split_suffix,
)

bp = Blueprint("browse", __name__, template_folder="templates", static_folder="static",
               static_url_path="/assets")
blueprint = bp

#: where `npm ci` puts YASGUI's build (served at /vendor/yasgui/…)
YASGUI_BUILD = Path("@zazuko") / "yasgui" / "build"
PER_PAGE = 50
MAX_PER_PAGE = 500
MAX_PAGE = 10_000_000  # (page - 1) * per_page must stay an OFFSET Oxigraph can read


@bp.app_template_filter("ucfirst")
def ucfirst(text: str) -> str:
    """'organization' → 'Organization' (labels are lower-case in the ontology)."""
    return text[:1].upper() + text[1:] if text else text


# -- helpers ----------------------------------------------------------------------------------


def _cache() -> dict:
    """Per-app cache of what never changes while the app runs (counts, ontology, examples)."""
    return current_app.extensions.setdefault("ctipgraph.browse.cache", {})


def _cached(key: str, make):
    cache = _cache()
    if key not in cache:
        cache[key] = make()
    return cache[key]


@lru_cache(maxsize=4)
def _read_examples(directory: str) -> tuple[dict, ...]:
    examples = []
    for path in sorted(Path(directory).glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        meta = {}
        for line in text.splitlines():
            m = re.match(r"#\s*(title|question)\s*:\s*(.*)", line)
            if m:
                meta[m.group(1)] = m.group(2).strip()
            elif line.strip() and not line.startswith("#"):
                break
        examples.append({"name": path.stem, "title": meta.get("title", path.stem),
                         "question": meta.get("question", ""), "query": text})
    return tuple(examples)


def examples() -> list[dict]:
    directory = current_app.config.get("QUERIES_DIR", QUERIES_DIR)
    return list(_read_examples(str(directory)))


def _page_args() -> tuple[int, int, str, str]:
    """page, per_page, sort and order of a class listing (values that are not whole numbers or
    known words give the defaults; numbers are kept within bounds)."""
    page = int_arg("page", 1, 1, MAX_PAGE)
    per_page = int_arg("per_page", PER_PAGE, 1, MAX_PER_PAGE)
    sort = request.args.get("sort", "label")
    sort = sort if sort in ("label", "iri") else "label"
    order = request.args.get("order", "asc")
    order = order if order in ("asc", "desc") else "asc"
    return page, per_page, sort, order


def _query_string(**changes) -> str:
    args = request.args.to_dict()
    args.update({k: str(v) for k, v in changes.items() if v is not None})
    return urlencode(args)


# -- counts and documents ---------------------------------------------------------------------


def class_counts(store: GraphStore) -> dict:
    """Instances per class: direct counts, and totals including the ctip subclasses."""
    direct: dict[str, int] = {}
    for row in store.query("SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t"):
        if isinstance(row["t"], ox.NamedNode):
            direct[row["t"].value] = int(row["n"].value)
    parents: dict[str, set[str]] = {}
    for row in store.query(PREFIX + """
            SELECT ?c ?super WHERE { ?c rdfs:subClassOf ?super FILTER(isIRI(?super)) }"""):
        parents.setdefault(row["c"].value, set()).add(row["super"].value)
    # instances of a class = distinct resources typed with it or any of its subclasses, counted
    # in the store: the class closure first (small), then one join with the typed resources
    totals: dict[str, int] = {}
    for row in store.query(PREFIX + """
            SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {
              { SELECT DISTINCT ?t ?c WHERE {
                  { SELECT DISTINCT ?t WHERE { ?x a ?t } } ?t rdfs:subClassOf* ?c
                  FILTER(isIRI(?c)) } }
              ?s a ?t
            } GROUP BY ?c"""):
        totals[row["c"].value] = int(row["n"].value)
    ctip_classes = [row["c"].value for row in store.query(PREFIX + f"""
        SELECT ?c WHERE {{ ?c a owl:Class FILTER(isIRI(?c) && STRSTARTS(STR(?c), "{CTIP}")) }}""")]
    labeller = Labeller(store)
    labeller.want(*ctip_classes, *direct)
    labeller.resolve()
    children: dict[str, list[str]] = {}
    for c in ctip_classes:
        ups = [p for p in parents.get(c, ()) if p in ctip_classes]
        for up in ups or [""]:
            children.setdefault(up, []).append(c)

    def node(c: str, depth: int, seen: frozenset) -> list[dict]:
        entry = {"iri": c, "local": c[len(CTIP):], "label": labeller.label(c),
                 "href": class_href(c), "total": totals.get(c, 0), "direct": direct.get(c, 0),
                 "depth": depth}
        rows = [entry]
        for k in sorted(children.get(c, []), key=lambda k: labeller.label(k).lower()):
            if k not in seen:
                rows += node(k, depth + 1, seen | {k})
        return rows

    tree: list[dict] = []
    for c in sorted(children.get("", []), key=lambda k: labeller.label(k).lower()):
        tree += node(c, 0, frozenset({c}))
    other = [
        {"iri": c, "compact": display_iri(c), "label": labeller.label(c), "href": class_href(c),
         "total": n, "direct": n}
        for c, n in sorted(direct.items()) if c not in ctip_classes
    ]
    return {"tree": tree, "other": other, "triples": len(store)}


def documents(store: GraphStore) -> list[dict]:
    rows = store.query(PREFIX + """
        SELECT ?doc (SAMPLE(?t) AS ?title) (SAMPLE(?i) AS ?issued) (SAMPLE(?y) AS ?year)
               (SAMPLE(?k) AS ?kind) (SAMPLE(?pub) AS ?publisher) WHERE {
          ?doc a ctip:SourceDocument .
          OPTIONAL { ?doc dcterms:title ?t }
          OPTIONAL { ?doc dcterms:issued ?i }
          OPTIONAL { ?doc ctip:reportingYear ?y }
          OPTIONAL { ?doc ctip:documentKind ?k }
          OPTIONAL { ?doc dcterms:publisher ?pub }
        } GROUP BY ?doc ORDER BY ?issued ?doc""")
    rows = list(rows)
    labeller = Labeller(store)
    labeller.want(*(r[v].value for r in rows for v in ("doc", "kind", "publisher")
                    if r[v] is not None))
    labeller.resolve()
    out = []
    for r in rows:
        doc = r["doc"].value
        out.append({
            "iri": doc, "href": href(doc), "path": doc[len(ID):] if doc.startswith(ID) else doc,
            "title": r["title"].value if r["title"] else labeller.label(doc),
            "issued": r["issued"].value if r["issued"] else None,
            "reporting_year": r["year"].value if r["year"] else None,
            "kind": term(r["kind"], labeller) if r["kind"] else None,
            "publisher": term(r["publisher"], labeller) if r["publisher"] else None,
        })
    return out


# -- pages ------------------------------------------------------------------------------------


@bp.get("/")
@bp.get("/index.<suffix>")
def home(suffix: str | None = None):
    if suffix is not None and suffix != "json":
        abort(404)
    store = get_store()
    counts = _cached("counts", lambda: class_counts(store))
    docs = _cached("documents", lambda: documents(store))
    alternates = alternates_for(url_for("browse.home").rstrip("/") + "/index", [JSON_TWIN])
    fmt = suffix or negotiate([JSON_TWIN])
    if fmt == "json":
        return json_response({
            "title": "ctipgraph",
            "triples": counts["triples"],
            "classes": [{"class": c["iri"], "label": c["label"], "instances": c["total"],
                         "direct": c["direct"]} for c in counts["tree"] + counts["other"]],
            "documents": [{"document": d["iri"], "title": d["title"], "issued": d["issued"],
                           "reportingYear": d["reporting_year"],
                           "kind": d["kind"]["iri"] if d["kind"] else None,
                           "publisher": d["publisher"]["iri"] if d["publisher"] else None}
                          for d in docs],
            "examples": [{"name": e["name"], "title": e["title"], "question": e["question"],
                          "editor": url_for("browse.query_editor", example=e["name"])}
                         for e in examples()],
        }, alternates)
    return html_response("home.html", alternates, counts=counts, documents=docs,
                         examples=examples())


def _class_listing(class_iri: str) -> dict:
    listing = class_listing(get_store(), class_iri)
    if listing["page"] > listing["pages"]:
        pages, per_page = listing["pages"], listing["per_page"]
        raise NotFound(f"{display_iri(class_iri)} has {pages} page{'s' if pages > 1 else ''} "
                       f"of {per_page} instances, not {listing['page']}.")
    return listing


def _class_response(class_iri: str, base_path: str, suffix: str | None):
    if not safe_iri(class_iri):
        raise BadInput(f"iri is not an IRI: {class_iri[:80]!r}")
    store = get_store()
    known = bool(store.query(PREFIX + f"""ASK {{ {{ ?s a <{class_iri}> }} UNION
        {{ <{class_iri}> a ?k . VALUES ?k {{ owl:Class rdfs:Class }} }} }}"""))
    if not known:
        abort(404)
    listing = _class_listing(class_iri)
    query = request.query_string.decode()
    alternates = alternates_for(base_path, [JSON_TWIN], query)
    fmt = suffix or negotiate([JSON_TWIN])
    if fmt == "json":
        return json_response({
            "class": class_iri, "label": listing["label"], "total": listing["total"],
            "page": listing["page"], "pages": listing["pages"], "perPage": listing["per_page"],
            "sort": listing["sort"], "order": listing["order"], "q": listing["q"],
            "filters": listing["filters"],
            "facets": [{"name": f["name"], "values": [{"value": v["value"], "label": v["label"],
                                                       "count": v["count"]} for v in f["values"]]}
                       for f in listing["facets"]],
            "instances": [{"iri": i.get("iri"), "label": i.get("label"),
                           "labelled": i.get("labelled", False),
                           "types": [t["iri"] for t in i["types"]], "years": i["years"],
                           "documents": [d["iri"] for d in i["documents"]],
                           "quote": {"exact": i["quote"]["exact"], "passage":
                                     i["quote"]["passage"], "document": i["quote"]["doc"]["iri"]}
                           if i["quote"] else None}
                          for i in listing["instances"]],
        }, alternates)
    return html_response("class.html", alternates, cls=listing)


@bp.get("/class/<name>")
def class_page(name: str):
    name, suffix = split_suffix(name, ["json"])
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", name):
        abort(404)
    return _class_response(CTIP + name, url_for("browse.class_page", name=name), suffix)


@bp.get("/class")
@bp.get("/class.<suffix>")
def class_by_iri(suffix: str | None = None):
    iri = request.args.get("iri", "")
    if suffix not in (None, "json"):
        abort(404)
    if not iri:
        return redirect(url_for("browse.home"))
    if iri.startswith(CTIP) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", iri[len(CTIP):]):
        return redirect(url_for("browse.class_page", name=iri[len(CTIP):]))
    return _class_response(iri, url_for("browse.class_by_iri"), suffix)


@bp.get("/ontology")
@bp.get("/ontology.<suffix>")
def ontology(suffix: str | None = None):
    if suffix is not None and suffix not in RDF_TWINS:
        abort(404)
    base = url_for("browse.ontology")
    alternates = alternates_for(base, RDF_TWINS.values())
    fmt = suffix or negotiate(RDF_TWINS.values())
    if fmt == "ttl":
        path = Path(current_app.config.get("ONTOLOGY_FILE", ONTOLOGY))
        response = Response(path.read_bytes(), mimetype="text/turtle")
        response.charset = "utf-8"
        response.headers["Link"] = ", ".join(
            f'<{a["href"]}>; rel="alternate"; type="{a["type"]}"' for a in alternates)
        response.vary.add("Accept")
        return response
    if fmt != "html":
        path = Path(current_app.config.get("ONTOLOGY_FILE", ONTOLOGY))
        triples = [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
        return rdf_response(triples, RDF_TWINS[fmt], alternates)
    model = _cached("ontology", lambda: ontology_model(get_store()))
    return html_response("ontology.html", alternates, onto=model)


@bp.get("/id/<path:path>")
def resource(path: str):
    if "#" in path:  # a fragment IRI written into the path: its page is the base resource's
        base, _, fragment = path.partition("#")
        return redirect(url_for("browse.resource", path=base, _anchor=fragment))
    store = get_store()
    iri = ID + path
    suffix = None
    if not exists(store, iri):
        stem, suffix = split_suffix(path, RDF_TWINS)
        if suffix is None or not exists(store, ID + stem):
            abort(404)
        path, iri = stem, ID + stem
    alternates = alternates_for(url_for("browse.resource", path=path), RDF_TWINS.values())
    fmt = suffix or negotiate(RDF_TWINS.values())
    if fmt != "html":
        return rdf_response(resource_triples(store, iri), RDF_TWINS[fmt], alternates)
    show_all = request.args.get("all") == "1"
    page = ResourceView(store, iri, show_all=show_all, **page_args()).build()
    return html_response("resource.html", alternates, r=page)


@bp.get("/resource")
def resource_by_iri():
    """Any IRI: its page here (a data IRI, an ontology term) or 404."""
    iri = request.args.get("iri", "")
    if iri.startswith(ID) or iri.startswith(CTIP):
        return redirect(href(iri))
    abort(404)


@bp.get("/query")
def query_editor():
    have_yasgui = (_node_modules() / YASGUI_BUILD / "yasgui.min.js").is_file()
    return html_response("query.html", [], examples=examples(), have_yasgui=have_yasgui,
                         selected=request.args.get("example"))


def _node_modules() -> Path:
    return Path(current_app.config.get("NODE_MODULES", ROOT / "node_modules"))


@bp.get("/vendor/yasgui/<path:filename>")
def vendor_yasgui(filename: str):
    """YASGUI's build, straight from node_modules (installed by `npm ci`; never a CDN)."""
    response = send_from_directory(_node_modules() / YASGUI_BUILD, filename, max_age=3600)
    return response


@bp.errorhandler(404)
def not_found(error):
    detail = getattr(error, "description", None)
    if detail == NotFound.description:
        detail = None
    if request.path.endswith(".json") or request.accept_mimetypes.best == "application/json":
        body = {"error": "not found", "path": request.path}
        return json_response(body | ({"detail": detail} if detail else {}), status=404)
    wants_html = request.accept_mimetypes.best_match(["text/html", "text/plain"]) != "text/plain"
    if not wants_html:
        return Response(f"Not found{': ' + detail if detail else ''}\n", status=404,
                        mimetype="text/plain")
    return html_response("error.html", [], status=404, code=404, message="Not found",
                         detail=detail or "Nothing is known here about " + request.path)

