"""Whole-dataset dumps, shared by `ctipgraph export` and the /download pages.

Formats: Turtle and N-Triples (all graphs merged, duplicates removed, sorted), TriG and N-Quads
(one named graph per document, plus the ontology, lexicon and inference graphs), and JSON-LD (the
TriG content, compacted with the context `jsonld_context()`, embedded). Each with the OWL
RL inferences (graph INFERRED_GRAPH) or without. Serialization happens inside Oxigraph; files are
written atomically (a temporary file renamed into place).
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, groupby
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .namespaces import PREFIXES
from .store import INFERRED_GRAPH, GraphStore
from .swap import replacing_file

#: export format name → pyoxigraph format
DUMP_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
MEDIA_TYPES: dict[str, str] = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "trig": "application/trig",
    "nq": "application/n-quads",
    "jsonld": "application/ld+json",
}
DUMP_STEM = "ctipgraph"
_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def dump_names() -> list[tuple[str, str, bool]]:
    """Every downloadable dump: (file name, format, with inferences)."""
    return [(f"{DUMP_STEM}{'-inferred' if inferred else ''}.{fmt}", fmt, inferred)
            for fmt in DUMP_FORMATS for inferred in (False, True)]


def parse_dump_name(name: str) -> tuple[str, bool] | None:
    """(format, with inferences) of a dump file name, None if it is not one."""
    for dump, fmt, inferred in dump_names():
        if dump == name:
            return fmt, inferred
    return None


def _graphs(store: GraphStore, inferences: bool) -> list[ox.NamedNode | ox.DefaultGraph]:
    # a merged default graph is derived from the named graphs: not exported a second time
    graphs: list[ox.NamedNode | ox.DefaultGraph] = [] if store.union_default else [
        ox.DefaultGraph()]
    graphs += [ox.NamedNode(g) for g in store.graphs()
               if inferences or g != INFERRED_GRAPH.value]
    # no named graph at all (a SPARQL server's own default graph, `--backend-graph ''`): the
    # default graph is all there is
    return graphs or [ox.DefaultGraph()]


def _quads(store: GraphStore, inferences: bool) -> Iterator[ox.Quad]:
    db = store.store
    return chain.from_iterable(db.quads_for_pattern(None, None, None, g)
                               for g in _graphs(store, inferences))


def export(store: GraphStore, fmt: str, output: BinaryIO, *, inferences: bool = False,
           context: str | dict | None = None) -> None:
    """Write the whole dataset to `output` in format `fmt` (a DUMP_FORMATS key).

    For JSON-LD, `context` is the @context to give: a URL (str) or an object (default: the
    context itself, inline).
    """
    if fmt not in DUMP_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (use {', '.join(DUMP_FORMATS)})")
    if fmt in ("ttl", "nt"):
        _export_triples(store, DUMP_FORMATS[fmt], output, inferences)
    elif fmt == "jsonld":
        output.write(b'{"@context":')
        output.write(json.dumps(context if context is not None else context_object(),
                                ensure_ascii=False).encode())
        output.write(b',"@graph":')
        write_jsonld_graph(store, output, inferences=inferences)
        output.write(b"}\n")
    else:
        ox.serialize(_quads(store, inferences), output, format=DUMP_FORMATS[fmt],
                     prefixes=_PREFIXES if fmt == "trig" else None)


def _export_triples(store: GraphStore, fmt: ox.RdfFormat, output: BinaryIO,
                    inferences: bool) -> None:
    skip = "" if inferences else f"FILTER(?g != <{INFERRED_GRAPH.value}>)"
    # the named graphs (and a default graph of its own, not a merge of them), each triple once
    own = "" if store.union_default else "{ ?s ?p ?o } UNION "
    if not isinstance(store.store, ox.Store):
        # a SPARQL server (serve --backend): its graphs read page by page (one answer of every
        # triple would be cut at the server's row limit), each triple once, in N-Triples order
        results = sorted({q.triple for q in _quads(store, inferences)}, key=str)
    else:
        results = store.store.query(
            "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
            f"{own}{{ GRAPH ?g {{ ?s ?p ?o }} {skip} }} }} ORDER BY ?s ?p ?o }}")
    if fmt == ox.RdfFormat.TURTLE:
        ox.serialize(results, output, format=fmt, prefixes=_PREFIXES)
    elif isinstance(results, list):
        ox.serialize(results, output, format=fmt)
    else:
        results.serialize(output, format=fmt)


# -- JSON-LD ----------------------------------------------------------------------------------
#
# The context maps the project's prefixes and every term of the ontology to a short name: a class
# to its local name (`"Program": "ctip:Program"`, used in @type), an object property to a term
# whose values are IRIs (`"funds": {"@id": "ctip:funds", "@type": "@id"}`), a datatype property
# with an XSD range to a term of that datatype (`"amount": {"@id": "ctip:amount",
# "@type": "xsd:decimal"}`). Documents are written compacted by JsonLdWriter, which picks for each
# value the term that expands back to exactly that value (else the prefixed name and a value
# object), so expanding them gives the same triples as the store; the context is embedded, so
# they read offline.

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_CTIP = str(PREFIXES["ctip"])
#: well-known terms beside the ontology's (plain: any value, written as a value object)
_COMMON_TERMS = {
    "label": "http://www.w3.org/2000/01/rdf-schema#label",
    "comment": "http://www.w3.org/2000/01/rdf-schema#comment",
    "prefLabel": "http://www.w3.org/2004/02/skos/core#prefLabel",
    "altLabel": "http://www.w3.org/2004/02/skos/core#altLabel",
    "title": "http://purl.org/dc/terms/title",
}
_ONTOLOGY_TERMS = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?kind (MIN(STR(?r)) AS ?range) WHERE {
  ?term a ?kind .
  FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty))
  FILTER(isIRI(?term) && STRSTARTS(STR(?term), "%s"))
  OPTIONAL { ?term rdfs:range ?r FILTER(isIRI(?r)) }
} GROUP BY ?term ?kind ORDER BY ?term
"""


@dataclass(frozen=True)
class TermDef:
    """One term of the context: its IRI and coercion (None, "@id" or a datatype IRI)."""

    name: str
    iri: str
    coerce: str | None = None


def _curie(iri: str) -> str:
    """`prefix:local` for an IRI in a project namespace, else the IRI."""
    for prefix, ns in _NAMESPACES:
        if iri.startswith(ns) and not iri[len(ns):].startswith("//"):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


_NAMESPACES = sorted(_PREFIXES.items(), key=lambda item: -len(item[1]))
_PREFIX_OF = {ns: prefix for prefix, ns in _PREFIXES.items()}
assert all(ns.endswith(("/", "#")) for ns in _PREFIX_OF), "JsonLdWriter._find needs this"


@lru_cache(maxsize=1)
def context_terms() -> tuple[TermDef, ...]:
    """The terms of the context, from the ontology (ontology/ctip.ttl) and a few common ones."""
    from .paths import ONTOLOGY

    onto = ox.Store()
    onto.load(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE)
    terms: dict[str, TermDef] = {}
    for row in onto.query(_ONTOLOGY_TERMS % _CTIP):
        iri = row["term"].value
        name = iri[len(_CTIP):]
        kind = row["kind"].value.rsplit("#", 1)[-1]
        if not name.isidentifier() or name in _PREFIXES or name in terms:
            continue  # a term named like a prefix would change what `prefix:x` expands to
        rng = row["range"].value if row["range"] is not None else None
        # (xsd:string is left plain: a simple literal, which rdflib does not equate with an
        # explicit xsd:string)
        coerce = ("@id" if kind == "ObjectProperty"
                  else rng if kind == "DatatypeProperty" and rng and rng.startswith(_XSD)
                  and rng != _XSD + "string" else None)
        terms[name] = TermDef(name, iri, coerce)
    for name, iri in _COMMON_TERMS.items():
        if name not in terms and name not in _PREFIXES:
            terms[name] = TermDef(name, iri)
    return tuple(terms.values())


def _term_json(term: TermDef) -> str | dict:
    if term.coerce is None:
        return _curie(term.iri)
    return {"@id": _curie(term.iri), "@type": _curie(term.coerce) if term.coerce != "@id"
            else "@id"}


def context_object(terms: Iterable[str] | None = None,
                   prefixes: Iterable[str] | None = None) -> dict:
    """The @context object: every prefix and term, or only the `terms` and `prefixes` named
    (the ctip and xsd prefixes, which term definitions use, are always there)."""
    wanted_terms = None if terms is None else set(terms)
    wanted_prefixes = None if prefixes is None else set(prefixes) | {"ctip", "xsd"}
    context: dict = {p: ns for p, ns in _PREFIXES.items()
                     if wanted_prefixes is None or p in wanted_prefixes}
    for term in context_terms():
        if wanted_terms is None or term.name in wanted_terms:
            context[term.name] = _term_json(term)
    if wanted_prefixes is not None:  # prefixes the kept term definitions use
        for value in list(context.values()):
            for text in ([value] if isinstance(value, str) else value.values()):
                prefix = text.split(":", 1)[0]
                if prefix in _PREFIXES and prefix not in context:
                    context[prefix] = _PREFIXES[prefix]
    return context


def jsonld_context() -> dict:
    """The JSON-LD context of ctipgraph (published at /context.jsonld, embedded in the dumps):
    the prefixes and the ontology's terms."""
    return {"@context": context_object()}


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class JsonLdWriter:
    """Compacted JSON-LD node objects, written from RDF terms with the context's terms.

    Keeps which terms and prefixes it used (for a context of just those)."""

    def __init__(self) -> None:
        self.by_iri: dict[str, list[TermDef]] = {}
        for term in context_terms():
            self.by_iri.setdefault(term.iri, []).append(term)
        self.class_terms = {t.iri: t.name for t in context_terms() if t.iri.startswith(_CTIP)
                            and t.name[:1].isupper()}
        self.used_terms: set[str] = set()
        self.used_prefixes: set[str] = set()
        self._compact: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        """The prefixed name of an IRI (the longest namespace that fits), else the IRI."""
        compact = self._compact.get(iri)
        if compact is None:
            compact = self._compact[iri] = self._find(iri)
        if compact is not iri:
            self.used_prefixes.add(compact[:compact.index(":")])
        return compact

    @staticmethod
    def _find(iri: str) -> str:
        end = len(iri)
        while True:  # namespaces end in '/' or '#': try each such cut, longest first
            cut = max(iri.rfind("/", 0, end), iri.rfind("#", 0, end))
            if cut < 0:
                return iri
            prefix = _PREFIX_OF.get(iri[:cut + 1])
            if prefix is not None and not iri[cut + 1:].startswith("//"):
                return f"{prefix}:{iri[cut + 1:]}"
            end = cut

    def node_id(self, node) -> str:
        if isinstance(node, ox.BlankNode):
            return "_:" + node.value
        return self.iri(node.value)

    def type_name(self, node) -> str:
        if isinstance(node, ox.NamedNode) and node.value in self.class_terms:
            name = self.class_terms[node.value]
            self.used_terms.add(name)
            return name
        return self.node_id(node)

    def value(self, node) -> dict | str:
        """A value object for a term without coercion."""
        if isinstance(node, ox.Literal):
            if node.language:
                return {"@value": node.value, "@language": node.language}
            if node.datatype.value == _XSD + "string":
                return node.value
            return {"@value": node.value, "@type": self.iri(node.datatype.value)}
        return {"@id": self.node_id(node)}

    def key_and_value(self, predicate: str, node) -> tuple[str, dict | str]:
        for term in self.by_iri.get(predicate, ()):
            if term.coerce == "@id":
                if isinstance(node, (ox.NamedNode, ox.BlankNode)):
                    self.used_terms.add(term.name)
                    return term.name, self.node_id(node)
            elif term.coerce is not None:
                if isinstance(node, ox.Literal) and not node.language and \
                        node.datatype.value == term.coerce:
                    self.used_terms.add(term.name)
                    return term.name, node.value
            else:
                self.used_terms.add(term.name)
                return term.name, self.value(node)
        return self.iri(predicate), self.value(node)

    def node(self, subject, pairs: Iterable[tuple[str, object]]) -> str:
        """One node object (JSON text) of `subject` with its (predicate IRI, object) pairs."""
        obj: dict = {"@id": self.node_id(subject)}
        types: list[str] = []
        for predicate, node in pairs:
            if predicate == _RDF_TYPE and not isinstance(node, ox.Literal):
                types.append(self.type_name(node))
                continue
            key, value = self.key_and_value(predicate, node)
            obj.setdefault(key, []).append(value)
        if types:
            obj = {"@id": obj["@id"], "@type": types[0] if len(types) == 1 else types,
                   **{k: v for k, v in obj.items() if k != "@id"}}
        for key, values in obj.items():
            if isinstance(values, list) and len(values) == 1 and key != "@type":
                obj[key] = values[0]
        return _dumps(obj)

    def nodes(self, triples: Iterable) -> Iterator[str]:
        """Node objects of triples (sorted by subject, predicate and object)."""
        rows = sorted(((_sort_key(t.subject), t.predicate.value, _sort_key(t.object), t)
                       for t in triples), key=lambda row: row[:3])
        for _key, group in groupby(rows, key=lambda row: row[0]):
            group = list(group)
            yield self.node(group[0][3].subject, ((row[1], row[3].object) for row in group))


def _sort_key(node) -> str:
    if isinstance(node, ox.Literal):
        return "\x02" + node.value + "\x00" + (node.language or node.datatype.value)
    if isinstance(node, ox.BlankNode):
        return "\x01" + node.value
    return node.value


def jsonld_document(triples: Iterable, *, context: str | dict | None = None) -> bytes:
    """A small JSON-LD document of `triples` (one graph), compacted, with an embedded context of
    just the terms and prefixes it uses (or `context`: a URL or object, given as is)."""
    writer = JsonLdWriter()
    nodes = list(writer.nodes(triples))
    if context is None:
        context = context_object(writer.used_terms, writer.used_prefixes)
    body = ",\n  ".join(nodes)
    return (f'{{"@context":{_dumps(context)},\n"@graph":[\n  {body}\n]}}\n').encode()


def write_jsonld_graph(store: GraphStore, output: BinaryIO, *, inferences: bool) -> None:
    """The dataset as a JSON-LD @graph array: one graph object per named graph (and the default
    graph's nodes, when it is not the merge), nodes compacted with the context's terms."""
    writer = JsonLdWriter()
    output.write(b"[")
    first = True
    for graph in _graphs(store, inferences):
        triples = (q.triple for q in store.store.quads_for_pattern(None, None, None, graph))
        nodes = writer.nodes(triples)
        if isinstance(graph, ox.DefaultGraph):
            for node in nodes:
                output.write(("\n" if first else ",\n").encode() + node.encode())
                first = False
            continue
        output.write(("\n" if first else ",\n").encode()
                     + f'{{"@id":{_dumps(writer.node_id(graph))},"@graph":['.encode())
        first = False
        inner = True
        for node in nodes:
            output.write(("\n  " if inner else ",\n  ").encode() + node.encode())
            inner = False
        output.write(b"\n]}")
    output.write(b"\n]")


# -- files ------------------------------------------------------------------------------------


class ExportTargetError(ValueError):
    """A path `export_file` will not write: not a regular file, or in a missing folder."""


def check_export_target(path: Path) -> Path:
    """The file to write for `path`: `path` itself, or the file a symbolic link points to.

    Only regular files are written: a device, FIFO, socket or folder is refused (replacing one
    would destroy it, writing into a FIFO waits forever), and so is a path whose folder does
    not exist (no folder is created that was not asked for). ExportTargetError says why.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise ExportTargetError(f"{path}: {error.strerror or error}") from None
    if mode is not None and not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) \
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) \
            else "a socket" if stat.S_ISSOCK(mode) else "not a regular file"
        raise ExportTargetError(f"{path} is {kind}: export writes only regular files "
                                "(leave out -o to write to standard output)")
    if not target.parent.is_dir():
        raise ExportTargetError(f"{path}: no such folder {target.parent} (create it first)")
    return target


def export_file(store: GraphStore, fmt: str, path: Path, *, inferences: bool = False,
                context: str | dict | None = None) -> Path:
    """Export to `path` atomically: a new temporary file in the same folder, renamed into
    place. `path` must be a regular file or not exist yet, in a folder that exists
    (`check_export_target`: ExportTargetError otherwise)."""
    if fmt not in DUMP_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    target = check_export_target(path)
    with replacing_file(target) as out:
        export(store, fmt, out, inferences=inferences, context=context)
        check_export_target(target)  # still a regular file (or gone) just before the rename
    return path


class DumpCache:
    """Dumps generated on first request and kept in `directory` (the store does not change)."""

    def __init__(self, store: GraphStore, directory: Path) -> None:
        self.store = store
        self.directory = directory
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def path(self, name: str) -> Path:
        """The file of dump `name` (see dump_names()), generated if needed. For JSON-LD the file
        holds only the @graph array: serve it wrapped (see jsonld_wrapped)."""
        parsed = parse_dump_name(name)
        if parsed is None:
            raise KeyError(name)
        fmt, inferences = parsed
        target = self.directory / name
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            if not target.exists():
                self.directory.mkdir(parents=True, exist_ok=True)
                with replacing_file(target) as out:
                    if fmt == "jsonld":
                        write_jsonld_graph(self.store, out, inferences=inferences)
                    else:
                        export(self.store, fmt, out, inferences=inferences)
        return target

    def cached(self, name: str) -> Path | None:
        target = self.directory / name
        return target if target.exists() else None


def jsonld_wrapped(graph_file: Path, context: str | dict | None = None, chunk: int = 1 << 20
                   ) -> tuple[Iterator[bytes], int]:
    """A JSON-LD document streamed from a cached @graph array, with `context` as its @context
    (default: the whole context, embedded, so that the file reads offline)."""
    if context is None:
        context = context_object()
    head = (b'{"@context":' + json.dumps(context, ensure_ascii=False, indent=1).encode()
            + b',\n"@graph":')
    tail = b"}\n"
    size = len(head) + graph_file.stat().st_size + len(tail)

    def stream() -> Iterator[bytes]:
        yield head
        with graph_file.open("rb") as data:
            while block := data.read(chunk):
                yield block
        yield tail

    return stream(), size

