"""The pyoxigraph store behind the endpoint: one named graph per document, the ontology, the
lexicon and the OWL RL inferences each in their own graph; the default graph is their union.

`GraphStore.open_project()` keeps the store on disk (data/store/) and reuses it while the
ontology and data/ttl/ are unchanged (a fingerprint of their bytes is stored beside it).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .paths import DATA_DIR, LEXICON_DIR, ONTOLOGY, TTL_DIR

GRAPH_BASE = "https://w3id.org/ctipgraph/graph/"
ONTOLOGY_GRAPH = ox.NamedNode(GRAPH_BASE + "ontology")
LEXICON_GRAPH = ox.NamedNode(GRAPH_BASE + "lexicon")
INFERRED_GRAPH = ox.NamedNode(GRAPH_BASE + "inferred")
DOC_BASE = "https://w3id.org/ctipgraph/id/doc/"
STORE_DIR = DATA_DIR / "store"

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


def rdf_format(path: Path) -> ox.RdfFormat:
    try:
        return _FORMATS[path.suffix.lower()]
    except KeyError:
        raise ValueError(f"{path}: unknown RDF file type {path.suffix!r}") from None


def document_graph(doc_id: str) -> ox.NamedNode:
    """The named graph of one source document: the document's own IRI."""
    return ox.NamedNode(DOC_BASE + doc_id)


class GraphStore:
    """A pyoxigraph store plus what ctipgraph knows about its graphs."""

    def __init__(self, store: ox.Store, *, union_default: bool = True) -> None:
        self.store = store
        self.union_default = union_default

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_files(cls, files: Iterable[tuple[Path, str | None]]) -> GraphStore:
        """An in-memory store of the given files, each into a named graph (or the default)."""
        store = ox.Store()
        for path, graph in files:
            target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
            fmt = rdf_format(path)
            if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG) and graph is None:
                store.load(path=str(path), format=fmt)
            else:
                store.load(path=str(path), format=fmt, to_graph=target,
                           base_iri=path.resolve().as_uri())
        return cls(store, union_default=False)

    @classmethod
    def open_project(cls, ttl_dir: Path = TTL_DIR, location: Path = STORE_DIR,
                     *, inferences: Path | None = None) -> GraphStore:
        """The project's on-disk store, rebuilt only when its inputs changed."""
        inputs = [ONTOLOGY, *sorted(ttl_dir.glob("*.ttl")), *sorted(LEXICON_DIR.glob("*.ttl"))]
        if inferences is not None:
            inputs.append(inferences)
        fingerprint = _fingerprint(inputs)
        stamp = location / "FINGERPRINT"
        if location.is_dir() and stamp.is_file() and stamp.read_text() == fingerprint:
            return cls(ox.Store(str(location)))
        shutil.rmtree(location, ignore_errors=True)
        location.mkdir(parents=True)
        store = ox.Store(str(location))
        store.bulk_load(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE, to_graph=ONTOLOGY_GRAPH)
        for path in sorted(ttl_dir.glob("*.ttl")):
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE,
                            to_graph=document_graph(path.stem),
                            base_iri=str(document_graph(path.stem)) + "/")
        for path in sorted(LEXICON_DIR.glob("*.ttl")):
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=LEXICON_GRAPH)
        if inferences is not None:
            store.bulk_load(path=str(inferences), format=ox.RdfFormat.TURTLE,
                            to_graph=INFERRED_GRAPH)
        store.optimize()
        store.flush()
        stamp.write_text(fingerprint)
        return cls(store)

    # -- querying -----------------------------------------------------------------------------

    def query(self, sparql: str, *, default_graph: list[str] | None = None,
              named_graphs: list[str] | None = None):
        """Run a SPARQL query inside Oxigraph (the default graph is the union unless given)."""
        kwargs: dict[str, object] = {}
        if default_graph:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        elif self.union_default:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        return self.store.query(sparql, **kwargs)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self.store)


def _fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256(__version__.encode())
    for path in paths:
        digest.update(str(path.name).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
