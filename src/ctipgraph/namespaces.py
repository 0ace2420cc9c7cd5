"""Namespaces used across ctipgraph: the single source of truth for prefixes."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

CTIP = Namespace("https://w3id.org/ctipgraph/ontology#")
ID = Namespace("https://w3id.org/ctipgraph/id/")
CTIPC = Namespace("https://w3id.org/ctipgraph/id/concept/")
CTIPS = Namespace("https://w3id.org/ctipgraph/shapes#")
OA = Namespace("http://www.w3.org/ns/oa#")
CITO = Namespace("http://purl.org/spar/cito/")
BIRO = Namespace("http://purl.org/spar/biro/")
C4O = Namespace("http://purl.org/spar/c4o/")
FABIO = Namespace("http://purl.org/spar/fabio/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
TIME = Namespace("http://www.w3.org/2006/time#")
QB = Namespace("http://purl.org/linked-data/cube#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")

PREFIXES: dict[str, Namespace] = {
    "ctip": CTIP,
    "id": ID,
    "ctipc": CTIPC,
    "ctips": CTIPS,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "foaf": Namespace(str(FOAF)),
    "prov": Namespace(str(PROV)),
    "oa": OA,
    "cito": CITO,
    "biro": BIRO,
    "c4o": C4O,
    "fabio": FABIO,
    "org": ORG,
    "schema": SCHEMA,
    "eli": ELI,
    "time": TIME,
    "qb": QB,
    "sh": SH,
    "sd": SD,
    "void": VOID,
}


def bind_prefixes(graph) -> None:
    """Bind every ctipgraph prefix on an rdflib graph (replacing rdflib's defaults)."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def sparql_prologue() -> str:
    """PREFIX declarations for every namespace, for queries built in code."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
