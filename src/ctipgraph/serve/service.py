"""Descriptions of the service and the dataset: the SPARQL 1.1 Service Description (at /sparql)
and the VoID description (at /.well-known/void), both computed by SPARQL inside Oxigraph once per
app and written in whichever RDF format the client asks for."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyoxigraph as ox
from flask import current_app
from werkzeug.datastructures import MIMEAccept

from ..export import MEDIA_TYPES, dump_names, jsonld_document
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
    if fmt == ox.RdfFormat.JSON_LD:  # compacted, with the terms and prefixes it uses
        return jsonld_document(triples)
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
@prefix dcat: <http://www.w3.org/ns/dcat#> .
"""

# -- what the dataset is: title, licence, publisher, dates (VoID and DCAT say the same) ----------

#: the dataset's licence (the project's, as in pyproject.toml and the ontology); config
#: DATASET_LICENSE replaces it
DATASET_LICENSE = "https://opensource.org/licenses/MIT"
DATASET_RIGHTS = ("The graph is released under the MIT licence, as the ctipgraph project. The "
                  "source reports it quotes are public reports of the U.S. Department of Labor, "
                  "the U.S. Department of State and USAID; quotes are verbatim.")
DATASET_PUBLISHER = "The ctipgraph project"
DATASET_TITLE = "ctipgraph"
DATASET_DESCRIPTION = ("A knowledge graph of counter-trafficking-in-persons evidence on Mali, "
                       "from public reports, with provenance for every fact: the quoted passage, "
                       "the document and the sources it cites.")
DATASET_KEYWORDS = ("human trafficking", "child labor", "counter-trafficking in persons", "Mali",
                    "provenance", "linked data")
MALI = "http://sws.geonames.org/2453866/"  # dcterms:spatial
_ISSUED_QUERY = """SELECT (MIN(?d) AS ?issued) WHERE {
  GRAPH <https://w3id.org/ctipgraph/graph/ontology> {
    ?o a <http://www.w3.org/2002/07/owl#Ontology> ; <http://purl.org/dc/terms/created> ?d } }"""


def dataset_dates(store: GraphStore) -> tuple[str | None, str]:
    """(issued, modified): the date the dataset was first published (the ontology's creation
    date, which the first release shipped with; None when the store has no ontology) and when
    this version of it was made (the store's build, or the server's start for --data files),
    as xsd:date and xsd:dateTime lexical forms."""
    cache = current_app.extensions.setdefault("ctipgraph.statistics", {})
    if "dates" not in cache:
        row = next(iter(store.store.query(_ISSUED_QUERY)), None)
        issued = row["issued"].value if row is not None and row["issued"] is not None else None
        stamp = store.location / "FINGERPRINT" if store.location is not None else None
        when = stamp.stat().st_mtime if stamp is not None and stamp.exists() else time.time()
        modified = datetime.fromtimestamp(int(when), UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        cache["dates"] = (issued, modified)
    return cache["dates"]


def _license() -> str:
    return current_app.config.get("DATASET_LICENSE") or DATASET_LICENSE


def _dataset_metadata(store: GraphStore, root: str) -> list[str]:
    """Turtle predicate-object lines (each ending in ' ;') of the dataset's metadata."""
    issued, modified = dataset_dates(store)
    lines = [f"  dcterms:title {_literal(DATASET_TITLE)}@en ;",
             f"  dcterms:description {_literal(DATASET_DESCRIPTION)}@en ;",
             f"  dcterms:license {_iri(_license())} ;",
             f"  dcterms:rights {_literal(DATASET_RIGHTS)}@en ;",
             f"  dcterms:publisher [ a foaf:Organization ; foaf:name {_literal(DATASET_PUBLISHER)}"
             f" ; foaf:homepage {_iri(root)} ] ;",
             f"  dcterms:modified {_literal(modified)}^^xsd:dateTime ;",
             f"  dcterms:spatial {_iri(MALI)} ;",
             "  dcat:keyword " + ", ".join(_literal(k) + "@en" for k in DATASET_KEYWORDS) + " ;",
             f"  dcat:landingPage {_iri(root)} ;",
             f"  foaf:homepage {_iri(root)} ;",
             f"  rdfs:seeAlso {_iri(root + 'catalog')}, {_iri(root + '.well-known/void')} ;"]
    if issued:
        lines.append(f"  dcterms:issued {_literal(issued)}^^xsd:date ;")
    return lines

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
              f"  rdfs:seeAlso {_iri(root + '.well-known/void')}, {_iri(root + 'catalog')} ;",
              f"  dcterms:license {_iri(_license())} ;",
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
             f"{_iri(ds)} a void:Dataset, dcat:Dataset ;",
             *_dataset_metadata(store, root),
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



_FORMAT_TITLES = {"ttl": "Turtle", "nt": "N-Triples", "trig": "TriG", "nq": "N-Quads",
                  "jsonld": "JSON-LD"}
_IANA = "https://www.iana.org/assignments/media-types/"


def dataset_iri(root: str) -> str:
    """The IRI of the dataset (VoID and DCAT describe the same resource)."""
    return root + ".well-known/void#dataset"


def dcat_description(store: GraphStore, root: str, media_type: str,
                     sizes: dict[str, int] | None = None) -> bytes:
    """The DCAT description (at /catalog): a dcat:Catalog with the dataset, a dcat:Distribution
    per dump (media type, download URL, size when known) and the SPARQL endpoint as a
    dcat:DataService."""
    catalog = root + "catalog"
    ds = dataset_iri(root)
    endpoint = root + "sparql"
    sizes = sizes or {}
    lines = [_HEADER,
             f"{_iri(catalog)} a dcat:Catalog ;",
             '  dcterms:title "ctipgraph catalog"@en ;',
             f"  dcterms:publisher [ a foaf:Organization ; foaf:name {_literal(DATASET_PUBLISHER)}"
             f" ; foaf:homepage {_iri(root)} ] ;",
             f"  foaf:homepage {_iri(root)} ;",
             f"  dcat:dataset {_iri(ds)} ;",
             f"  dcat:service {_iri(endpoint)} .",
             "",
             f"{_iri(ds)} a dcat:Dataset, void:Dataset ;",
             *_dataset_metadata(store, root)]
    parts = []
    for name, fmt, inferences in dump_names():
        dist = f"{catalog}#{name}"
        lines.append(f"  dcat:distribution {_iri(dist)} ;")
        media = MEDIA_TYPES[fmt]
        title = (f"{_FORMAT_TITLES[fmt]} dump"
                 + (" with the OWL RL inferences" if inferences else ""))
        size = f" ; dcat:byteSize {sizes[name]}" if name in sizes else ""
        parts.append(f"{_iri(dist)} a dcat:Distribution ; dcterms:title {_literal(title)}@en ; "
                     f"dcat:downloadURL {_iri(root + 'download/' + name)} ; "
                     f"dcat:accessURL {_iri(root + 'download')} ; "
                     f"dcat:mediaType {_iri(_IANA + media)} ; "
                     f"dcterms:format {_literal(media)}{size} .")
    lines.append(f"  dcat:distribution {_iri(catalog + '#sparql')} .")
    parts.append(f"{_iri(catalog + '#sparql')} a dcat:Distribution ; "
                 '  dcterms:title "SPARQL endpoint"@en ; '
                 f"dcat:accessURL {_iri(endpoint)} ; dcat:accessService {_iri(endpoint)} .")
    parts.append(f"{_iri(endpoint)} a dcat:DataService, sd:Service ; "
                 '  dcterms:title "ctipgraph SPARQL endpoint"@en ; '
                 f"dcat:endpointURL {_iri(endpoint)} ; "
                 f"dcat:endpointDescription {_iri(endpoint)} ; "
                 f"dcat:servesDataset {_iri(ds)} ; "
                 "dcterms:conformsTo <https://www.w3.org/TR/sparql11-protocol/> ; "
                 f"dcterms:license {_iri(_license())} .")
    return to_format("\n".join(lines + [""] + parts) + "\n", media_type)
