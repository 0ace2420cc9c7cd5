"""Descriptions of the service and the dataset: the SPARQL 1.1 Service Description (at /sparql)
and the VoID description (at /.well-known/void), both computed by SPARQL inside Oxigraph once per
app and written in whichever RDF format the client asks for."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import current_app
from werkzeug.datastructures import MIMEAccept

from ..export import dump_names
from ..namespaces import PREFIXES
from ..store import DOC_BASE, INFERRED_GRAPH, GraphStore
from .security import public_root, public_url

#: RDF media types offered by negotiation, the default first
RDF_MEDIA_TYPES: tuple[str, ...] = (
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
    "application/trig",
    "application/n-quads",
)
_OUTPUT_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
_ID_SPACE = "https://w3id.org/ctipgraph/id/"
_FORMATS_NS = "http://www.w3.org/ns/formats/"


def negotiate_rdf(accept: MIMEAccept) -> str | None:
    """The RDF media type to answer in (Turtle without an Accept header), None if none fits."""
    if not accept:
        return RDF_MEDIA_TYPES[0]
    return accept.best_match(list(RDF_MEDIA_TYPES))


def to_format(turtle: str, media_type: str) -> bytes:
    """Re-serialize a small Turtle document in another RDF format (inside Oxigraph)."""
    if media_type == "text/turtle":
        return turtle.encode("utf-8")
    fmt = ox.RdfFormat.from_media_type(media_type)
    triples = ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    prefixes = _OUTPUT_PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes) or b""


# -- statistics -----------------------------------------------------------------------------


@dataclass
class Statistics:
    """Counts of the whole dataset, all computed by SPARQL in Oxigraph."""

    quads: int = 0  # the named graphs' (and a default graph of its own), not the merge's
    default_graph: int = 0  # triples in the default graph (the merge, on a project store)
    triples: int = 0  # distinct triples of the dataset
    graphs: dict[str, int] = field(default_factory=dict)  # named graph → triples
    classes: list[tuple[str, int]] = field(default_factory=list)  # class → instances
    properties: list[tuple[str, int]] = field(default_factory=list)  # property → triples
    distinct_subjects: int = 0
    distinct_objects: int = 0
    entities: int = 0  # distinct subjects in the ctipgraph id space


_ALL = "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
_lock = threading.Lock()


def _int(term) -> int:
    return int(term.value) if term is not None else 0


def statistics(store: GraphStore) -> Statistics:
    """The store's statistics, computed once per app (the store does not change while served)."""
    cache = current_app.extensions.setdefault("ctipgraph.statistics", {})
    with _lock:
        if "stats" not in cache:
            cache["stats"] = compute_statistics(store)
        return cache["stats"]


def compute_statistics(store: GraphStore) -> Statistics:
    st = Statistics()
    db = store.store
    st.quads = len(store)
    for row in db.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                        "GROUP BY ?g ORDER BY ?g"):
        st.graphs[row["g"].value] = _int(row["n"])
    st.default_graph = _int(next(iter(db.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"])
    everything = "{ ?s ?p ?o }" if store.union_default else _ALL  # the merge: each triple once
    st.triples = st.default_graph if store.union_default else _int(next(iter(db.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {_ALL} }}")))["n"])
    st.classes = [(row["c"].value, _int(row["n"])) for row in db.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { "
        + ("?s a ?c" if store.union_default else "{ ?s a ?c } UNION { GRAPH ?g { ?s a ?c } }")
        + " FILTER(isIRI(?c)) } GROUP BY ?c ORDER BY ?c")]
    distinct = everything if store.union_default else f"{{ SELECT DISTINCT ?s ?p ?o WHERE {_ALL} }}"
    st.properties = [(row["p"].value, _int(row["n"])) for row in db.query(
        f"SELECT ?p (COUNT(*) AS ?n) WHERE {distinct} GROUP BY ?p ORDER BY ?p")]
    row = next(iter(db.query(
        f"""SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
                   (COUNT(DISTINCT ?e) AS ?entities)
            WHERE {{ {everything}
                     BIND(IF(isIRI(?s) && STRSTARTS(STR(?s), "{_ID_SPACE}"), ?s, ?unbound)
                          AS ?e) }}""")))
    st.distinct_subjects = _int(row["subjects"])
    st.distinct_objects = _int(row["objects"])
    st.entities = _int(row["entities"])
    return st


# -- Turtle writing -----------------------------------------------------------------------------


def _iri(value: str) -> str:
    return "<" + value.replace("\\", "%5C").replace(">", "%3E").replace(" ", "%20") + ">"


def _literal(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_HEADER = """@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

_RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                   "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG",
                   "N-Quads")


def service_description(store: GraphStore, request_root: str | None, request_endpoint: str | None,
                        media_type: str) -> bytes:
    """The SPARQL 1.1 Service Description of the endpoint, at the public base URL
    (security.public_url). The root and endpoint URLs a caller took from the request are not
    used: a forged Host header must never reach the description."""
    del request_root, request_endpoint
    root = public_root()
    endpoint = public_url("sparql")
    st = statistics(store)
    cfg = current_app.config
    features = ["sd:UnionDefaultGraph"] if store.union_default else []
    default_size = st.default_graph
    limits = (f"Read-only (no SPARQL Update, LOAD or SERVICE). Each query may run "
              f"{float(cfg['QUERY_TIMEOUT']):g} s and be {cfg['MAX_QUERY_LENGTH']} characters "
              f"long; results are cut after {cfg['MAX_RESULT_ROWS']} rows or triples "
              "(response header X-CTIP-Truncated: true).")
    lines = [_HEADER, f"{_iri(endpoint)} a sd:Service ;",
             f"  sd:endpoint {_iri(endpoint)} ;",
             "  sd:supportedLanguage sd:SPARQL11Query ;",
             "  sd:resultFormat " + ", ".join(_iri(_FORMATS_NS + f) for f in _RESULT_FORMATS)
             + " ;",
             "  sd:defaultEntailmentRegime <http://www.w3.org/ns/entailment/Simple> ;"]
    if features:
        lines.append("  sd:feature " + ", ".join(features) + " ;")
    lines += [f"  rdfs:comment {_literal(limits)} ;",
              f"  rdfs:seeAlso {_iri(root + '.well-known/void')} ;",
              "  sd:defaultDataset [",
              "    a sd:Dataset ;",
              f"    sd:defaultGraph [ a sd:Graph ; void:triples {default_size} ]"]
    for graph, size in st.graphs.items():
        lines.append(f"    ; sd:namedGraph [ a sd:NamedGraph ; sd:name {_iri(graph)} ; "
                     f"sd:graph [ a sd:Graph ; void:triples {size} ] ]")
    lines.append("  ] .")
    return to_format("\n".join(lines) + "\n", media_type)


def void_description(store: GraphStore, root: str, media_type: str) -> bytes:
    """The VoID description of the dataset served at `root` (the public base URL)."""
    st = statistics(store)
    doc = root + ".well-known/void"
    ds = doc + "#dataset"
    lines = [_HEADER,
             f"{_iri(doc)} a void:DatasetDescription ;",
             '  dcterms:title "VoID description of the ctipgraph dataset"@en ;',
             f"  foaf:primaryTopic {_iri(ds)} .",
             "",
             f"{_iri(ds)} a void:Dataset ;",
             '  dcterms:title "ctipgraph"@en ;',
             '  dcterms:description "A knowledge graph of counter-trafficking-in-persons evidence,'
             ' with provenance for every fact."@en ;',
             f"  foaf:homepage {_iri(root)} ;",
             f"  void:sparqlEndpoint {_iri(root + 'sparql')} ;",
             f'  void:uriSpace "{_ID_SPACE}" ;',
             f"  void:rootResource {_iri(root)} ;",
             "  void:vocabulary " + ", ".join(_iri(str(PREFIXES[p])) for p in
                                              ("ctip", "prov", "oa", "dcterms", "skos", "org",
                                               "cito", "biro", "c4o", "fabio")) + " ;",
             "  void:feature " + ", ".join(_iri(_FORMATS_NS + f) for f in
                                          ("Turtle", "N-Triples", "TriG", "N-Quads", "JSON-LD"))
             + " ;"]
    for name, _fmt, _inferences in dump_names():
        lines.append(f"  void:dataDump {_iri(root + 'download/' + name)} ;")
    lines += [f"  void:triples {st.triples} ;",
              f"  void:entities {st.entities} ;",
              f"  void:distinctSubjects {st.distinct_subjects} ;",
              f"  void:distinctObjects {st.distinct_objects} ;",
              f"  void:classes {len(st.classes)} ;",
              f"  void:properties {len(st.properties)} ;"]
    parts = []
    for i, (cls, n) in enumerate(st.classes, 1):
        lines.append(f"  void:classPartition <{doc}#class-{i}> ;")
        parts.append(f"<{doc}#class-{i}> void:class {_iri(cls)} ; void:entities {n} .")
    for i, (prop, n) in enumerate(st.properties, 1):
        lines.append(f"  void:propertyPartition <{doc}#property-{i}> ;")
        parts.append(f"<{doc}#property-{i}> void:property {_iri(prop)} ; void:triples {n} .")
    for i, (graph, n) in enumerate(st.graphs.items(), 1):
        lines.append(f"  void:subset <{doc}#graph-{i}> ;")
        title = _graph_title(graph)
        parts.append(f"<{doc}#graph-{i}> a void:Dataset, sd:Graph ; sd:name {_iri(graph)} ; "
                     f"dcterms:title {_literal(title)} ; void:triples {n} .")
    lines[-1] = lines[-1][:-1] + "."
    return to_format("\n".join(lines + [""] + parts) + "\n", media_type)


def _graph_title(graph: str) -> str:
    if graph == INFERRED_GRAPH.value:
        return "OWL RL inferences"
    if graph.startswith(DOC_BASE):
        return "document " + graph[len(DOC_BASE):]
    return graph.rsplit("/", 1)[-1] or graph

