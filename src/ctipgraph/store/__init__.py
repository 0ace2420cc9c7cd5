"""The pyoxigraph store behind the endpoint: one named graph per document, the ontology, the
lexicon and the OWL RL inferences each in their own graph; the default graph is their RDF merge,
materialized: each distinct triple of any graph once (docs/design.md, "The default graph").

`GraphStore.open_project()` keeps the store on disk (data/store/) and reuses it while the
ontology, data/ttl/ and the lexicon are unchanged (a fingerprint of their bytes is stored beside
it). When it rebuilds, it loads everything into memory, computes the OWL RL inferences inside
Oxigraph (`ctipgraph.store.rules`), writes them to data/store/inferred.ttl (sorted, so
deterministic)
and keeps them in INFERRED_GRAPH, then writes the whole dataset as data/store/dataset.nq and a
RocksDB store in data/store/oxigraph/. On 2 cores, what only reads the in-memory store runs in
a thread beside what writes it (the RocksDB store gets the documents and their merge while the
rules run, the rest afterwards; `_build_store`). A store built to be read into memory skips the
RocksDB store (a third of the build's time at ten million quads): it is written from
dataset.nq the first time the store is opened on disk or updated.

Served stores never change. By default the dataset is read into memory (Oxigraph's in-memory
store answers our queries several times faster than RocksDB); `in_memory=False` opens the RocksDB
store read-only instead (less memory; query workers open it themselves).
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .. import budget
from ..namespaces import PREFIXES
from ..paths import DATA_DIR, LEXICON_DIR, ONTOLOGY, TTL_DIR
from ..swap import replace_bytes

if TYPE_CHECKING:
    from .update import InputDigests

GRAPH_BASE = "https://w3id.org/ctipgraph/graph/"
ONTOLOGY_GRAPH = ox.NamedNode(GRAPH_BASE + "ontology")
LEXICON_GRAPH = ox.NamedNode(GRAPH_BASE + "lexicon")
INFERRED_GRAPH = ox.NamedNode(GRAPH_BASE + "inferred")
DERIVED_GRAPH = ox.NamedNode(GRAPH_BASE + "derived")  # ctipgraph.store.derive
DOC_BASE = "https://w3id.org/ctipgraph/id/doc/"
STORE_DIR = DATA_DIR / "store"
INFERRED_FILE = "inferred.ttl"
DATASET_FILE = "dataset.nq"
OXIGRAPH_DIR = "oxigraph"
RULES_VERSION = "rules-1"  # bump when ctipgraph.store.rules changes what it infers
#: a store whose N-Quads (dataset.nq and its patches) are larger than this is queried on disk by
#: default: in memory it takes about 1.35 times their size (6.7 M quads: 2.97 GB of N-Quads,
#: 4.0 GB resident), and `serve` must stay within 8 GB with its workers (bench/bench_scale.py)
IN_MEMORY_MAX_BYTES = 4 * 1024 ** 3
#: a corpus whose Turtle (documents, ontology, lexicon) is larger than this is built on disk
#: (ctipgraph.store.disk_build): the in-memory build peaks at about 17 times its Turtle
#: (15.1 M quads from 588 MB of Turtle: 9.4 GB), the on-disk one within a few GB at any size
BUILD_IN_MEMORY_MAX_BYTES = 768 * 1024 ** 2
#: the N-Quads a built store writes, per byte of its Turtle: 10.5-11.7 measured (the Mali
#: series 171 MB from 15 MB; 6.86 GB from 587 MB at 15 M quads). A build whose store will be
#: opened in memory by default (its N-Quads within IN_MEMORY_MAX_BYTES) writes no RocksDB store
NQUADS_PER_TURTLE_BYTE = 12
LAYOUT_VERSION = "merged-default-4"  # bump when what the built store holds changes


class StoreInputError(ValueError):
    """An RDF file that cannot be loaded; the message names the file (and the line and column
    of a syntax error). The commands answer it with exit 2."""


def rdf_format(path: Path) -> ox.RdfFormat:
    """The Oxigraph format of an RDF file, by its suffix."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    if fmt is None:
        raise StoreInputError(f"{path}: unknown RDF file type {path.suffix!r}")
    return fmt


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Failures of reading RDF from `path` (syntax, encoding, unreadable) as a StoreInputError."""
    try:
        yield
    except SyntaxError as error:
        raise StoreInputError(f"{path}: {_printable(error.msg)}") from None
    except (OSError, ValueError) as error:
        message = getattr(error, "strerror", None) or str(error)
        raise StoreInputError(f"{path}: {_printable(message)}") from None


def load_file(store: ox.Store, path: Path, **options) -> None:
    """`store.load` of one file, its failures (syntax, encoding, unreadable) a StoreInputError."""
    with _reading(path):
        store.load(path=str(path), **options)


def load_input(store: ox.Store, path: Path, graph: ox.NamedNode, base_iri: str | None) -> None:
    """Load one input of build_inputs into `graph`. A document is loaded by Oxigraph as it is
    (ctipgraph writes no blank node in them); the ontology and the lexicon, written by hand
    (an OWL restriction is a blank node), get their blank nodes labelled by file and order of
    appearance: Oxigraph's labels are random, which made two builds' dataset.nq differ."""
    if graph not in (ONTOLOGY_GRAPH, LEXICON_GRAPH):
        load_file(store, path, format=ox.RdfFormat.TURTLE, to_graph=graph, base_iri=base_iri)
        return
    with _reading(path):
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base_iri))
    prefix = hashlib.sha256(f"{graph.value} {path.name}".encode()).hexdigest()[:16]
    labels: dict[str, ox.BlankNode] = {}

    def stable(term):
        if isinstance(term, ox.BlankNode):
            if term.value not in labels:
                labels[term.value] = ox.BlankNode(f"b{prefix}n{len(labels)}")
            return labels[term.value]
        return term

    store.extend(ox.Quad(stable(q.subject), q.predicate, stable(q.object), graph)
                 for q in quads)


def _printable(text: str) -> str:
    """`text` with control characters (a binary file's bytes, quoted by the parser) escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:500])


def document_graph(doc_id: str) -> ox.NamedNode:
    """The named graph of one source document: the document's own IRI."""
    return ox.NamedNode(DOC_BASE + doc_id)


class GraphStore:
    """A pyoxigraph store plus what ctipgraph knows about its graphs."""

    def __init__(self, store: ox.Store, *, union_default: bool = True,
                 location: Path | None = None, on_disk: bool = False) -> None:
        self.store = store
        #: the default graph is the RDF merge of the named graphs (materialized in it: a store
        #: given with named graphs only gets it here). Otherwise it is the store's own.
        self.union_default = union_default
        if union_default and not on_disk and not _has_default_triples(store):
            merge_into_default(store)
        #: the folder of a project store (FINGERPRINT, dataset.nq, oxigraph/, dumps/), else None
        self.location = location
        #: True when `store` is the read-only RocksDB store in location/oxigraph
        self.on_disk = on_disk
        self._size: int | None = None

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_files(cls, files: Iterable[tuple[Path, str | None]]) -> GraphStore:
        """An in-memory store of the given files, each into a named graph (or the default)."""
        store = ox.Store()
        for path, graph in files:
            target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
            fmt = rdf_format(path)
            if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG) and graph is None:
                load_file(store, path, format=fmt)
            else:
                load_file(store, path, format=fmt, to_graph=target,
                          base_iri=path.resolve().as_uri())
        return cls(store, union_default=False)

    @classmethod
    def open_project(cls, ttl_dir: Path = TTL_DIR, location: Path = STORE_DIR, *,
                     inferences: bool = True, in_memory: bool | None = True,
                     full: bool = False, build_on_disk: bool | None = None,
                     progress: Callable[[str], None] | None = None) -> GraphStore:
        """The project's store, rebuilt only when its inputs changed (see the module doc):
        updated when only documents changed (ctipgraph.store.update), unless `full`; built in
        memory, or on disk (`build_on_disk`; None: past BUILD_IN_MEMORY_MAX_BYTES of Turtle).
        It is read into memory, or queried on disk; `in_memory=None`: in memory unless its
        N-Quads are over IN_MEMORY_MAX_BYTES (a store built on disk has none: on disk). A store
        built for memory (`in_memory=True`, or None with N-Quads expected within that size:
        NQUADS_PER_TURTLE_BYTE) gets no RocksDB store; it is written from dataset.nq when the
        store is first opened on disk or updated (update.ensure_rocksdb)."""
        from .disk_build import ON_DISK_MARK
        from .update import InputDigests, ensure_rocksdb, load_dataset, update_store

        built: ox.Store | None = None  # a store built in memory for memory, kept
        digests = InputDigests.of(ONTOLOGY, ttl_dir, LEXICON_DIR)
        versions = f"+{LAYOUT_VERSION}" + (f"+{RULES_VERSION}" if inferences else "")
        fingerprint = digests.fingerprint() + versions
        stamp = location / "FINGERPRINT"
        dataset = location / DATASET_FILE
        if not (location.is_dir() and stamp.is_file() and stamp.read_text() == fingerprint
                and (dataset.is_file() or (location / ON_DISK_MARK).is_file())) and (
                    full or not update_store(ttl_dir, location, digests, fingerprint, versions,
                                             inferences=inferences, progress=progress)):
            built = _build_store(ttl_dir, location, fingerprint, inferences=inferences,
                                 progress=progress, digests=digests, versions=versions,
                                 on_disk=build_on_disk,
                                 rocksdb=None if in_memory is None else not in_memory)
        if in_memory is None:
            in_memory = dataset.is_file() and dataset_bytes(location) <= IN_MEMORY_MAX_BYTES
        if in_memory and built is not None:  # the store just built: not read again
            return cls(built, location=location)
        if in_memory and not dataset.is_file():  # built on disk: read from RocksDB
            store = ox.Store()
            store.bulk_extend(ox.Store.read_only(str(location / OXIGRAPH_DIR)))
            return cls(store, location=location)
        if in_memory:
            return cls(load_dataset(location), location=location)
        ensure_rocksdb(location, progress)
        return cls(ox.Store.read_only(str(location / OXIGRAPH_DIR)), location=location,
                   on_disk=True)

    # -- querying -----------------------------------------------------------------------------

    def query(self, sparql: str, *, default_graph: list[str] | None = None,
              named_graphs: list[str] | None = None):
        """Run one of the application's own SPARQL queries inside Oxigraph.

        The default graph is the merge of all graphs (unless `default_graph` / `named_graphs`
        are given): these queries never name their own dataset (FROM). Within a web request,
        a query is not started once the request's time budget is spent (ctipgraph.budget).
        """
        budget.check()
        return self.store.query(sparql, **self.dataset_options(sparql, default_graph,
                                                                 named_graphs))

    def dataset_options(self, sparql: str, default_graph: list[str] | None = None,
                        named_graphs: list[str] | None = None, *,
                        has_dataset: bool = False) -> dict[str, object]:
        """pyoxigraph query() arguments for the dataset of a query (see `dataset_options`)."""
        return dataset_options(self.union_default, default_graph, named_graphs,
                               has_dataset=has_dataset)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    @property
    def graphs_are_documents(self) -> bool:
        """Each document's triples are in its own named graph and the default graph is their
        merge, so the graph stating a triple tells its document (pages read it from there)."""
        return self.union_default

    def __len__(self) -> int:
        """The quads of the dataset as loaded: the named graphs' (and, without a merge, the
        default graph's), not the merge derived from them. A project store's count is kept in
        its folder (SIZE_FILE) for the next process: counting takes a scan of the store (19 s
        on disk at 15 M quads)."""
        if self.location is None:  # in-memory stores may be edited
            return self._count()
        if self._size is None:
            key = self._size_key()
            self._size = _read_size(self.location / SIZE_FILE, key) if key else None
            if self._size is None:
                self._size = self._count()
                if key:
                    _keep_size(self.location / SIZE_FILE, key, self._size)
        return self._size

    def _count(self) -> int:
        return len(self.store) - (default_size(self.store) if self.union_default else 0)

    def _size_key(self) -> str | None:
        """What a kept count must have been made for: the store's FINGERPRINT, and whether
        its default graph is the merge (not counted then); None without a FINGERPRINT."""
        stamp = self.stamp()
        return _size_key_for(stamp, union_default=self.union_default) if stamp else None

    def stamp(self) -> str | None:
        """A project store's FINGERPRINT (what files kept beside it are named by); None for a
        store with no folder or no FINGERPRINT."""
        if self.location is None:
            return None
        try:
            return (self.location / "FINGERPRINT").read_text().strip() or None
        except OSError:
            return None


#: a project store's quad count (GraphStore.__len__), on the line after the key it was made for
SIZE_FILE = "SIZE"


def _read_size(path: Path, key: str) -> int | None:
    try:
        kept_key, count = path.read_text(encoding="utf-8").splitlines()
        return int(count) if kept_key == key and int(count) >= 0 else None
    except (OSError, ValueError, UnicodeDecodeError):
        return None  # missing or unreadable: counted again


def _size_key_for(stamp: str, *, union_default: bool) -> str:
    """The key a kept count of a store of FINGERPRINT `stamp` is kept under."""
    return f"{stamp.strip()} union-default={union_default}"


def _keep_size(path: Path, key: str, count: int) -> None:
    """Keep the count (atomically); a folder that cannot be written only loses the saving."""
    with suppress(OSError):
        replace_bytes(path, f"{key}\n{count}\n".encode())


def dataset_bytes(location: Path) -> int:
    """The size of a project store's N-Quads: dataset.nq and the patches beside it."""
    return sum(path.stat().st_size for path in location.glob("dataset*.nq"))


def _has_default_triples(store: ox.Store) -> bool:
    quads = store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    return next(iter(quads), None) is not None


def default_size(store: ox.Store) -> int:
    """The number of triples in the store's own default graph."""
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)


def merge_into_default(store: ox.Store) -> int:
    """Put the RDF merge of every named graph into the default graph: each distinct triple once
    (an Oxigraph graph is a set), inside the store. Returns the default graph's size."""
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return default_size(store)


def dataset_options(union_default: bool, default_graph: list[str] | None = None,
                    named_graphs: list[str] | None = None, *,
                    has_dataset: bool = False) -> dict[str, object]:
    """pyoxigraph query() arguments for the dataset of a query (SPARQL 1.1 Protocol rules).

    A dataset given by the protocol (default-graph-uri / named-graph-uri) replaces the query's
    FROM / FROM NAMED; with only named graphs given, the default graph is empty. Otherwise the
    query's own FROM clauses count (`has_dataset`, from its parse: sparqlpolicy), and without
    them the default graph is the store's own: with `union_default`, the materialized merge of
    all graphs (merge_into_default), not Oxigraph's union option, which gives a triple once per
    graph holding it. (`union_default` and `has_dataset` thus change nothing here; they are
    kept for the callers that state them.)
    """
    kwargs: dict[str, object] = {}
    if default_graph or named_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph or []]
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    return kwargs


def _build_store(ttl_dir: Path, location: Path, fingerprint: str, *, inferences: bool,
                 progress: Callable[[str], None] | None, digests: InputDigests,
                 versions: str, on_disk: bool | None = None,
                 rocksdb: bool | None = True) -> ox.Store | None:
    """Build the store into a fresh folder (in memory, or on disk: `on_disk`, by default past
    BUILD_IN_MEMORY_MAX_BYTES of Turtle), then swap it in. A build in memory writes the
    RocksDB store only with `rocksdb` (None: when its N-Quads are expected over
    IN_MEMORY_MAX_BYTES, so that it will be opened on disk); without it, the store built is
    returned, the quads dataset.nq loads as (reading them again took 134 s at 15 M quads)."""
    from .update import write_manifest

    building = location.with_name(f"{location.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    inputs = build_inputs(ttl_dir)
    turtle = sum(path.stat().st_size for path, _, _ in inputs)
    if on_disk is None:
        on_disk = turtle > BUILD_IN_MEMORY_MAX_BYTES
    if rocksdb is None:
        rocksdb = turtle * NQUADS_PER_TURTLE_BYTE > IN_MEMORY_MAX_BYTES
    built = None
    try:
        if on_disk:
            from .disk_build import build_on_disk

            build_on_disk(inputs, building, inferences=inferences, progress=progress,
                          write_inferred=_inferred_writer(), stamp=fingerprint)
        else:
            built = _build_in_memory(inputs, building, inferences=inferences,
                                     progress=progress, rocksdb=rocksdb, stamp=fingerprint)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    write_manifest(building, digests, versions, inferences=inferences)
    (building / "FINGERPRINT").write_text(fingerprint)
    shutil.rmtree(location, ignore_errors=True)
    location.parent.mkdir(parents=True, exist_ok=True)
    os.replace(building, location)
    return built


def build_inputs(ttl_dir: Path) -> list[tuple[Path, ox.NamedNode, str | None]]:
    """What a store is built from, in order: (file, its graph, its base IRI) of the ontology,
    each document of `ttl_dir` and each lexicon file."""
    return [(ONTOLOGY, ONTOLOGY_GRAPH, None),
            *((path, document_graph(path.stem), document_graph(path.stem).value + "/")
              for path in sorted(ttl_dir.glob("*.ttl"))),
            *((path, LEXICON_GRAPH, None) for path in sorted(LEXICON_DIR.glob("*.ttl")))]


def _build_in_memory(inputs: list[tuple[Path, ox.NamedNode, str | None]], building: Path, *,
                     inferences: bool, progress: Callable[[str], None] | None,
                     rocksdb: bool = True, stamp: str | None = None) -> ox.Store | None:
    """Load and reason in memory, then write dataset.nq, inferred.ttl and (`rocksdb`) the
    RocksDB store into `building`. Without it, the store is for reading into memory, and is
    returned: the RocksDB store is written from dataset.nq when first needed
    (update.write_rocksdb). With the FINGERPRINT the store will have (`stamp`), the search
    index and the kept count are written too (_write_search_index)."""
    from .derive import derive
    from .rules import materialize

    step = _Steps(progress)
    store = ox.Store()
    for path, graph, base_iri in inputs:
        load_input(store, path, graph, base_iri)
    step.done("documents loaded")
    merged = merge_into_default(store)
    step.done(f"default graph: {merged} distinct triple(s) of {len(store) - merged} quad(s), "
              "merged")
    # 2 cores: what only reads the in-memory store runs in a thread beside what writes it
    # (Oxigraph's dump, load and update release the GIL): the RocksDB store gets the documents
    # and the merge (dumped first) beside the rules, the inferences beside derive (which adds
    # to other graphs only), inferred.ttl is written beside derive, dataset.nq beside the
    # RocksDB store's last load
    disk = ox.Store(str(building / OXIGRAPH_DIR)) if rocksdb else None
    merged_file = building / ".merged.nq"
    if disk is not None:
        store.dump(str(merged_file), format=ox.RdfFormat.N_QUADS)
        step.done("documents and merge dumped for the RocksDB store")
    with ThreadPoolExecutor(max_workers=1) as loader, ThreadPoolExecutor(max_workers=1) as beside, \
            ThreadPoolExecutor(max_workers=1) as indexer:
        copied = (loader.submit(_timed, _bulk_load, disk, merged_file) if disk is not None
                  else None)
        written = inferred = None
        if inferences:
            materialize(store, INFERRED_GRAPH, progress, merged=True)
            written = beside.submit(_timed, _inferred_writer(), store,
                                    building / INFERRED_FILE)
            # the rules infer no blank node (rules.INFORMATIVE): none to match the first load's
            if disk is not None:
                inferred = loader.submit(_timed, _load_graph, store, disk, INFERRED_GRAPH,
                                         building)
        # the search index's rows, read beside derive: its labels, acronyms, quotes and types
        # are the documents' and the rules', never derive's (which types and describes only
        # the facts it mints, id/fact/…, none labelled or quoted)
        indexing = (indexer.submit(_search_rows, store, building / _SEARCH_ROWS)
                    if stamp is not None else None)
        # without a RocksDB store, dataset.nq is written beside derive, which at a build only
        # adds (to DERIVED_GRAPH and the merge): Oxigraph's dump reads the snapshot of the
        # store it started from, newest quad first, so it lists the store as it was before
        # derive whatever derive writes meanwhile (the same bytes at every build); derive's
        # triples are appended after it (_append_derived)
        snapshot = None
        if disk is None:
            snapshot = loader.submit(_timed, store.dump, str(building / DATASET_FILE),
                                     format=ox.RdfFormat.N_QUADS)
            _wait_until_started(snapshot, building / DATASET_FILE)
        derive(store, progress)
        if written is not None:
            step.report(f"{INFERRED_FILE} written (beside derive)", written.result())
        if copied is not None:
            step.report("RocksDB store: documents and merge loaded (beside the rules)",
                        copied.result())
        if inferred is not None:
            step.report("RocksDB store: inferences loaded (beside derive)", inferred.result())
        step.start()
        if snapshot is not None:
            step.report(f"{DATASET_FILE} written (beside derive)", snapshot.result())
            step.start()
            _append_derived(store, building / DATASET_FILE)
            step.done(f"derived facts appended to {DATASET_FILE} (no RocksDB store: it is "
                      "written when first needed)")
            _write_search_index(store, building, indexing, stamp, step)
            return store
        dumped = beside.submit(_timed, store.dump, str(building / DATASET_FILE),
                               format=ox.RdfFormat.N_QUADS)
        if _blank_derived(store):  # its blank nodes would not be those of the first load
            disk.clear()
            disk.bulk_extend(store)
        else:
            _load_graph(store, disk, DERIVED_GRAPH, building)
        step.done("RocksDB store: derived facts loaded")
        step.report(f"{DATASET_FILE} written (beside it)", dumped.result())
        step.start()
        _write_search_index(store, building, indexing, stamp, step)
    del store
    disk.optimize()
    disk.flush()
    del disk
    gc.collect()  # close the read-write RocksDB instance before it is reopened read-only
    step.done("RocksDB store compacted")
    return None


class _Steps:
    """Progress lines saying how long each step of a build took."""

    def __init__(self, progress: Callable[[str], None] | None) -> None:
        self.progress = progress
        self.started = time.perf_counter()

    def start(self) -> None:
        self.started = time.perf_counter()

    def done(self, what: str) -> None:
        self.report(what, time.perf_counter() - self.started)
        self.started = time.perf_counter()

    def report(self, what: str, seconds: float) -> None:
        if self.progress:
            self.progress(f"{what} in {seconds:.1f} s")


#: the search index's file while a build writes it, before it names the store (stamp_index)
_SEARCH_ROWS = ".search.rows.sqlite"


def _search_rows(store: ox.Store, path: Path) -> tuple[int, float]:
    """Write the store's search index rows (serve.search_index) into a new file `path`; how
    many resources it has, and how long it took."""
    from ..serve.search_index import SearchIndex, write_rows

    started = time.perf_counter()
    rows = SearchIndex(GraphStore(store)).rows()
    write_rows(path, rows)
    return len(rows), time.perf_counter() - started


def _write_search_index(store: ox.Store, building: Path, indexing: Future | None,
                        stamp: str | None, step: _Steps, beside: str = "derive") -> None:
    """Finish the search index (`search.sqlite`: the rows `indexing` wrote, named for this
    store) and keep the count (SIZE_FILE) of the store built in `building`, whose FINGERPRINT
    will be `stamp`: `serve` finds them ready (the index took 30-50 s to make at its start at
    15 M quads)."""
    if indexing is None or stamp is None:
        return
    from ..serve.search_index import stamp_index
    from .update import SEARCH_FILE

    resources, seconds = indexing.result()
    step.report(f"search index: {resources} resource(s) read and written (beside {beside})",
                seconds)
    step.start()
    size = len(GraphStore(store))  # (a store without a folder is counted)
    _keep_size(building / SIZE_FILE, _size_key_for(stamp, union_default=True), size)
    stamp_index(building / _SEARCH_ROWS, size, stamp)
    os.replace(building / _SEARCH_ROWS, building / SEARCH_FILE)
    step.done("search index: named for the store, and the store's size kept")


def _timed(work: Callable[..., object], *args: object, **kwargs: object) -> float:
    """Call `work`; return how long it took (seconds)."""
    started = time.perf_counter()
    work(*args, **kwargs)
    return time.perf_counter() - started


def _bulk_load(disk: ox.Store, path: Path) -> None:
    """Load an N-Quads file into a RocksDB store (Oxigraph's bulk loader), then delete it."""
    disk.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    path.unlink()


def _blank_derived(store: ox.Store) -> bool:
    """Whether DERIVED_GRAPH holds a blank node."""
    return bool(store.query(f"ASK {{ GRAPH {DERIVED_GRAPH} {{ ?s ?p ?o "
                            "FILTER(isBlank(?s) || isBlank(?o)) } }"))


def _load_graph(store: ox.Store, disk: ox.Store, graph: ox.NamedNode, folder: Path) -> None:
    """Load a graph that a build adds after the merge (the rules' INFERRED_GRAPH, derive's
    DERIVED_GRAPH; at a build derive removes nothing) into the RocksDB store: into that graph
    and into the default graph, through a file in `folder` (Oxigraph dumps and loads it
    without the GIL)."""
    path = folder / f".{graph.value.rsplit('/', 1)[-1]}.nt"
    store.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    for target in (graph, ox.DefaultGraph()):
        disk.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=target)
    path.unlink()


def _wait_until_started(dump: Future, path: Path) -> None:
    """Return once the dump into `path` has begun writing (so it holds its snapshot of the
    store) or is over."""
    while not dump.done() and not (path.is_file() and path.stat().st_size > 0):
        time.sleep(0.001)


def _append_derived(store: ox.Store, path: Path) -> None:
    """Append to the N-Quads file `path`, a dump of the store before derive, the quads of
    DERIVED_GRAPH and their copies in the default graph (one the default graph held before
    derive is listed twice: a graph is a set, so the file loads as the store is; blank nodes
    keep the store's labels in both dumps)."""
    triples = path.with_name(f".{path.name}.derived.nt")
    store.dump(str(triples), format=ox.RdfFormat.N_TRIPLES, from_graph=DERIVED_GRAPH)
    try:
        suffix = f" {DERIVED_GRAPH} .\n".encode()
        with path.open("ab") as out, triples.open("rb") as lines:
            for line in lines:  # "s p o ." -> "s p o <derived> ." and, as it is, the default's
                out.write(line[:line.rindex(b" .")] + suffix)
                out.write(line)
            out.flush()
            os.fsync(out.fileno())
    finally:
        triples.unlink(missing_ok=True)


def _inferred_writer() -> Callable[[ox.Store, Path], None]:
    """`_write_inferred` with the project's prefixes."""
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    return lambda store, path: _write_inferred(store, path, prefixes)


def _write_inferred(store: ox.Store, path: Path, prefixes: dict[str, str]) -> None:
    """Write INFERRED_GRAPH as sorted Turtle (rules.sorted_turtle) to `path`, atomically, in
    bounded memory (rules.write_sorted_turtle)."""
    from .rules import write_sorted_turtle

    write_sorted_turtle(store, INFERRED_GRAPH, prefixes, path)

