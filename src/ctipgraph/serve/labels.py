"""Human names for IRIs: prefixes, labels looked up in the store, and links to the browse pages.

Everything here works on plain strings (IRIs, lexical forms) and pyoxigraph terms; the views turn
terms into small dictionaries (`term()`) that the templates render with one macro.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from functools import lru_cache

import pyoxigraph as ox
from flask import current_app, g, has_app_context, has_request_context, request, url_for

from ..namespaces import PREFIXES as _NAMESPACES
from ..store import GraphStore
from .humanize import display_literal
from .security import safe_url

CTIP = "https://w3id.org/ctipgraph/ontology#"
ONTOLOGY_IRI = "https://w3id.org/ctipgraph/ontology"
ID = "https://w3id.org/ctipgraph/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"

RDF_TYPE = RDF + "type"

#: prefix → namespace, for display and for the RDF serializations (ctipgraph's own map first).
PREFIXES: dict[str, str] = {p: str(ns) for p, ns in _NAMESPACES.items()}
PREFIXES.setdefault("vann", "http://purl.org/vocab/vann/")
PREFIXES.setdefault("ctipg", "https://w3id.org/ctipgraph/graph/")
# Longest namespace first, so that `ctipc:` wins over `id:` for concepts.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: len(item[1]), reverse=True)

#: label properties in order of preference
LABEL_PROPERTIES = (
    SKOS + "prefLabel",
    RDFS + "label",
    DCTERMS + "title",
    "http://xmlns.com/foaf/0.1/name",
    "https://schema.org/name",
)
QUOTE_LABEL_LENGTH = 90


# a local name SPARQL and Turtle take as written (PN_LOCAL without escapes: no slash, no colon)
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


@lru_cache(maxsize=1 << 16)  # a page shows thousands of IRIs, many of them on every page
def compact(iri: str) -> str | None:
    """`prefix:local` for an IRI in a known namespace whose local part is a valid SPARQL name
    as written (`ctip:Program`; not `id:program/glo-act`, which SPARQL cannot parse)."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and _PLAIN_LOCAL.fullmatch(iri[len(ns):]):
            return f"{prefix}:{iri[len(ns):]}"
    return None


def display_iri(iri: str) -> str:
    """How an IRI is shown: a prefixed name when one is valid SPARQL, else `<IRI>` — either
    can be pasted into a query."""
    return compact(iri) or f"<{iri}>"


def is_internal(iri: str) -> bool:
    """An IRI with a page of its own in this application."""
    return iri.startswith(ID) or iri.startswith(CTIP) or iri == ONTOLOGY_IRI


def id_path(iri: str) -> tuple[str, str | None]:
    """(path under /id/, fragment) of a data IRI."""
    rest = iri[len(ID):]
    path, _, fragment = rest.partition("#")
    return path, (fragment or None)


def href(iri: str) -> str | None:
    """Where a link to `iri` goes: its page here when it has one, else the IRI itself when it
    may be linked (http or https, security.safe_url), else None (shown as text). Each IRI's
    link is built once a request (a hub's page links hundreds of IRIs twice or more)."""
    if not has_app_context():
        return _href(iri)
    cache = g.setdefault("ctipgraph_hrefs", {})
    key = (request.script_root if has_request_context() else None, iri)
    if key not in cache:
        cache[key] = _href(iri)
    return cache[key]


def _href(iri: str) -> str | None:
    if iri.startswith(ID):
        path, fragment = id_path(iri)
        if not path:
            return url_for("browse.home")
        return url_for("browse.resource", path=path, _anchor=fragment)
    if iri.startswith(CTIP):
        return url_for("browse.ontology", _anchor=iri[len(CTIP):])
    if iri == ONTOLOGY_IRI:
        return url_for("browse.ontology")
    return safe_url(iri)


def class_href(iri: str) -> str:
    """The instance list of a class."""
    if iri.startswith(CTIP) and "/" not in iri[len(CTIP):]:
        return url_for("browse.class_page", name=iri[len(CTIP):])
    return url_for("browse.class_by_iri", iri=iri)


def _lang_rank(literal: ox.Literal) -> int:
    lang = literal.language
    if lang is None:
        return 1
    if lang == "en" or lang.startswith("en-"):
        return 0
    return 2


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in iris)


def _chunks(items: list[str], size: int = 300) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def lookup_labels(store: GraphStore, iris: Iterable[str], *, quotes: bool = True,
                  compose: int = 2, named: dict[str, str] | None = None) -> dict[str, str]:
    """The best label of each IRI that has one (a funding, an assessment, an observation without
    a label: a title composed from its parts, humanize.compose_titles; passages: the start of
    their quote; `compose`: how deep titles may be composed of composed titles). `named`: the
    labels already found by a label property (best_label), not looked up again (a hub's look-up
    reads its triples in every graph, 6 ms at 5 M quads); those found here are added to it."""
    named = {} if named is None else named
    wanted = sorted({i for i in iris if labellable(i)})
    best: dict[str, tuple[int, int, str]] = {}
    # one pattern per property, each with its property bound (a UNION, not a VALUES ?p: with
    # VALUES Oxigraph may start from ?p and scan every labelled subject of the store). An
    # unbound property read every triple of each resource: Oxigraph's in-memory store lists a
    # resource's quads by subject, and a hub's are thousands (USDOL: 9,098 at 15 M quads, 11.7
    # ms to read, 1.4 ms to look up one property); a country page's labels 21-23 -> 10 ms
    branches = " UNION ".join(f"{{ ?x <{p}> ?l BIND(<{p}> AS ?p) }}" for p in LABEL_PROPERTIES)
    for chunk in _chunks([i for i in wanted if i not in named]):
        query = f"""
            SELECT ?x ?p ?l WHERE {{
              VALUES ?x {{ {_values(chunk)} }}
              {{ {branches} }} FILTER(isLiteral(?l))
            }}"""
        for row in store.query(query):
            x, p, literal = row["x"].value, row["p"].value, row["l"]
            key = _label_key(p, literal)
            if x not in best or key < best[x]:
                best[x] = key
    named.update((x, key[2]) for x, key in best.items())
    labels = {x: named[x] for x in wanted if x in named}
    if compose > 0:
        from .humanize import compose_titles

        labels.update(compose_titles(
            store, (i for i in wanted if i not in labels),
            lambda parts: lookup_labels(store, parts, quotes=False, compose=compose - 1,
                                        named=named)))
    if quotes:
        missing = [i for i in wanted if i not in labels]
        for chunk in _chunks(missing):
            query = f"""
                PREFIX oa: <{OA}>
                SELECT ?x (SAMPLE(?exact) AS ?q) WHERE {{
                  VALUES ?x {{ {_values(chunk)} }}
                  ?x oa:hasSelector ?sel . ?sel oa:exact ?exact .
                }} GROUP BY ?x"""
            for row in store.query(query):
                if row["q"] is not None:
                    labels[row["x"].value] = "“" + shorten(row["q"].value) + "”"
    return labels


def labellable(iri: str) -> bool:
    """An IRI whose label lookup_labels looks up (one it can write into a query)."""
    return bool(iri) and "<" not in iri and ">" not in iri and " " not in iri


def _label_key(prop: str, literal: ox.Literal) -> tuple[int, int, str]:
    """How good a label is (the least is the best): its property's place in LABEL_PROPERTIES,
    then its language (English first), then its text."""
    return _LABEL_RANK[prop], _lang_rank(literal), literal.value


_LABEL_RANK = {p: n for n, p in enumerate(LABEL_PROPERTIES)}


def best_label(values: Iterable[tuple[str, ox.Term]]) -> str | None:
    """The label lookup_labels gives a resource whose (property, value) pairs are `values`
    (all of those with a property of LABEL_PROPERTIES), or None when it has none."""
    keys = [_label_key(p, v) for p, v in values
            if p in _LABEL_RANK and isinstance(v, ox.Literal)]
    return min(keys)[2] if keys else None


def shorten(text: str, length: int = QUOTE_LABEL_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0]
    return cut + "…"


def fallback_label(iri: str) -> str:
    """A readable name for an IRI without a label: its compact form, or its last segment."""
    if iri.startswith(ID):
        return iri[len(ID):]
    short = compact(iri)
    if short:
        return short
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri


#: labels an app remembers (LabelCache): a page's hundreds of IRIs are mostly those of the pages
#: before it (properties, documents, organizations, agreements, countries)
LABEL_CACHE_SIZE = 200_000
LABEL_CACHE = "ctipgraph.labels"  # its key in app.extensions


class LabelCache:
    """IRI -> its label, or None when it has none; past `size` IRIs, the least recently used
    are forgotten. Shared by an app's request threads."""

    def __init__(self, size: int = LABEL_CACHE_SIZE) -> None:
        self.size = size
        self.entries: OrderedDict[str, str | None] = OrderedDict()
        self.lock = threading.Lock()

    def get_many(self, iris: Iterable[str]) -> dict[str, str | None]:
        """What is known of `iris` (those not known are left out)."""
        found: dict[str, str | None] = {}
        with self.lock:
            for iri in iris:
                if iri in self.entries:
                    self.entries.move_to_end(iri)
                    found[iri] = self.entries[iri]
        return found

    def put_many(self, labels: dict[str, str | None]) -> None:
        with self.lock:
            for iri, label in labels.items():
                self.entries[iri] = label
                self.entries.move_to_end(iri)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self.entries)


def app_label_cache(store: GraphStore) -> LabelCache | None:
    """The label cache of the current app when `store` is the store it serves (which does not
    change while it is served), else None."""
    if not has_app_context() or current_app.extensions.get("ctipgraph.store") is not store:
        return None
    cache = current_app.extensions.get(LABEL_CACHE)
    if cache is None:
        cache = current_app.extensions.setdefault(LABEL_CACHE, LabelCache())
    return cache


class Labeller:
    """Collects IRIs while a page is put together, then resolves all their labels in one go
    (those the app already knows from its earlier pages from its cache: app_label_cache)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.labels: dict[str, str] = {}
        self.named: dict[str, str] = {}  # the labels found by a label property (lookup_labels)
        self.pending: set[str] = set()
        self.cache = app_label_cache(store)

    def know(self, iri: str, label: str) -> None:
        """`iri`'s label, found by the caller as lookup_labels would (best_label)."""
        self.labels[iri] = self.named[iri] = label
        self.pending.discard(iri)

    def want(self, *iris: str) -> None:
        self.pending.update(i for i in iris if i not in self.labels)

    def resolve(self) -> None:
        if not self.pending:
            return
        wanted: Iterable[str] = self.pending
        if self.cache is not None:
            known = self.cache.get_many(self.pending)
            self.labels.update((i, label) for i, label in known.items() if label is not None)
            wanted = [i for i in self.pending if i not in known]
        if wanted:
            found = lookup_labels(self.store, wanted, named=self.named)
            self.labels.update(found)
            if self.cache is not None:
                self.cache.put_many({i: found.get(i) for i in wanted})
        self.pending.clear()

    def label(self, iri: str) -> str:
        if iri in self.pending:
            self.resolve()
        return self.labels.get(iri) or fallback_label(iri)

    def has_label(self, iri: str) -> bool:
        return iri in self.labels


def term(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, labeller: Labeller) -> dict:
    """A template-friendly description of an RDF term."""
    if isinstance(node, ox.NamedNode):
        iri = node.value
        return {
            "kind": "iri",
            "iri": iri,
            "label": labeller.label(iri),
            "labelled": labeller.has_label(iri),
            "compact": display_iri(iri),
            "href": href(iri),
            "internal": is_internal(iri),
        }
    if isinstance(node, ox.Literal):
        datatype = node.datatype.value if node.datatype is not None else None
        shown_type = None
        if datatype and datatype not in (XSD + "string", RDF + "langString"):
            shown_type = display_iri(datatype)
        return {"kind": "literal", "value": node.value, "lang": node.language,
                "datatype": shown_type, "display": display_literal(node.value, datatype)}
    if isinstance(node, ox.BlankNode):
        return {"kind": "bnode", "value": "_:" + node.value}
    return {"kind": "literal", "value": str(node), "lang": None, "datatype": None}


def ntriples(node: ox.NamedNode | ox.Literal | ox.BlankNode) -> str:
    """The N-Triples form of a term (what /trace expects for an object)."""
    return str(node)
