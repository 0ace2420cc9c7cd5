"""Building the store on disk, for a corpus whose in-memory build would not fit in memory
(`GraphStore.open_project` chooses it past BUILD_IN_MEMORY_MAX_BYTES of Turtle, or when asked).

The result is the in-memory build's RocksDB store, inferences and inferred.ttl, the same quads,
without dataset.nq (such a store is served on disk, or read into memory from RocksDB). Oxigraph
writes a RocksDB store fast only through its bulk loader: a SPARQL update there is a transaction
held in memory, about 35 µs per quad written and 70 µs per quad removed (2 M quads: 67 s and
143 s, 2 GB). So nothing is written by an update:

1. the documents are read in batches into a small in-memory store (each into its named graph,
   then their merge into the default graph, blank nodes kept), and each batch is bulk-loaded
   into the RocksDB store, and its merge into a second, scratch RocksDB store (`.reasoning/`);
2. the OWL RL rules (`rules.materialize(bulk=True)`) and the derived facts
   (`derive_bulk`: derive's updates as CONSTRUCT queries) are computed in the scratch store,
   their results bulk-loaded there;
3. the inferred and derived graphs are copied into the RocksDB store (into their graph and the
   default graph), inferred.ttl is written and, beside them, the search index's rows are read
   from the scratch store (which holds the whole merge by then); the scratch store is deleted;
4. the RocksDB store is counted, the search index named for it (as the in-memory build does:
   `serve` opens it instead of making it at its start) and the store compacted.
"""

from __future__ import annotations

import gc
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from . import (
    _SEARCH_ROWS,
    DERIVED_GRAPH,
    INFERRED_FILE,
    INFERRED_GRAPH,
    OXIGRAPH_DIR,
    _load_graph,
    _search_rows,
    _Steps,
    _write_search_index,
    load_input,
    merge_into_default,
)

#: the Turtle read into memory at a time (one batch bulk-loaded into RocksDB)
BATCH_BYTES = 64 * 1024 ** 2
SCRATCH_DIR = ".reasoning"
#: the file that marks a store built on disk (no dataset.nq)
ON_DISK_MARK = "ON_DISK"

Progress = Callable[[str], None]


def build_on_disk(inputs: list[tuple[Path, ox.NamedNode, str | None]], building: Path, *,
                  inferences: bool, progress: Progress | None,
                  write_inferred: Callable[[ox.Store, Path], None],
                  stamp: str | None = None) -> None:
    """Build the RocksDB store of `inputs` ((file, graph, base IRI) each) in `building`; with
    the FINGERPRINT the store will have (`stamp`), its search index and kept count too."""
    from .rules import materialize

    say = progress or (lambda line: None)
    started = time.perf_counter()
    store = ox.Store(str(building / OXIGRAPH_DIR))
    scratch_dir = building / SCRATCH_DIR
    scratch = ox.Store(str(scratch_dir))
    loaded = 0
    for n, batch in enumerate(_batches(inputs), 1):
        memory = ox.Store()
        for path, graph, base_iri in batch:
            load_input(memory, path, graph, base_iri)
        merge_into_default(memory)
        store.bulk_load(memory.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
        scratch.bulk_load(memory.dump(format=ox.RdfFormat.N_TRIPLES,
                                      from_graph=ox.DefaultGraph()),
                          format=ox.RdfFormat.N_TRIPLES)
        loaded += len(batch)
        say(f"documents: {loaded} of {len(inputs)} files bulk-loaded (batch {n}), "
            f"{time.perf_counter() - started:.0f} s")
    scratch.optimize()
    say(f"documents loaded, scratch store compacted: {time.perf_counter() - started:.1f} s")
    if inferences:
        materialize(scratch, INFERRED_GRAPH, progress, merged=True, bulk=True)
    derive_bulk(scratch, progress)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1) as indexer:
        # (the copies and inferred.ttl only read the scratch store, as the index does)
        indexing = (indexer.submit(_search_rows, scratch, building / _SEARCH_ROWS)
                    if stamp is not None else None)
        for graph in (INFERRED_GRAPH, DERIVED_GRAPH) if inferences else (DERIVED_GRAPH,):
            _load_graph(scratch, store, graph, building)
        say(f"inferences and derived facts copied into the RocksDB store in "
            f"{time.perf_counter() - started:.1f} s")
        if inferences:
            write_inferred(scratch, building / INFERRED_FILE)
        if indexing is not None:
            indexing.result()  # (read before the scratch store goes)
    _write_search_index(store, building, indexing, stamp, _Steps(progress),
                        "the copies")
    del scratch
    gc.collect()  # close the scratch RocksDB instance before its folder is removed
    shutil.rmtree(scratch_dir, ignore_errors=True)
    started = time.perf_counter()
    store.optimize()
    store.flush()
    del store
    gc.collect()  # close the read-write RocksDB instance before it is reopened read-only
    say(f"RocksDB store compacted in {time.perf_counter() - started:.1f} s")
    (building / ON_DISK_MARK).write_text("built on disk: no dataset.nq\n")


def _batches(inputs: list[tuple[Path, ox.NamedNode, str | None]]
             ) -> Iterator[list[tuple[Path, ox.NamedNode, str | None]]]:
    """The inputs in order, in runs of about BATCH_BYTES of Turtle."""
    batch: list[tuple[Path, ox.NamedNode, str | None]] = []
    size = 0
    for item in inputs:
        batch.append(item)
        size += item[0].stat().st_size
        if size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def derive_bulk(store: ox.Store, progress: Progress | None = None) -> int:
    """`derive.derive` on a store built on disk: each of its updates run as the CONSTRUCT
    query it amounts to, the result bulk-loaded into DERIVED_GRAPH, then all of them into the
    default graph (the merge), as derive does. DERIVED_GRAPH must be empty, as it is at a
    build. Returns the number of derived triples."""
    from .derive import _PROLOGUE, UPDATES

    started = time.perf_counter()
    results = []
    for name, update in UPDATES.items():  # each reads the merge without the others' results
        results.append(store.query(_PROLOGUE + as_construct(name, update)).serialize(
            format=ox.RdfFormat.N_TRIPLES) or b"")
        store.bulk_load(results[-1], format=ox.RdfFormat.N_TRIPLES, to_graph=DERIVED_GRAPH)
    for data in results:
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    total = sum(1 for _ in store.quads_for_pattern(None, None, None, DERIVED_GRAPH))
    if progress:
        progress(f"derived {total} triple(s), {time.perf_counter() - started:.1f} s")
    return total


def as_construct(name: str, update: str) -> str:
    """The CONSTRUCT query of one of derive's updates, `INSERT { GRAPH <derived> { T } }
    WHERE { B }`: `CONSTRUCT { T } WHERE { B }`."""
    head, separator, where = update.partition("\nWHERE")
    opening = f"INSERT {{ GRAPH {DERIVED_GRAPH} {{"
    head = head.strip()
    if not (separator and head.startswith(opening) and head.endswith("}")
            and head[:-1].rstrip().endswith("}")):
        raise ValueError(f"derive update {name!r} is not INSERT {{ GRAPH {DERIVED_GRAPH} "
                         "{ … } } WHERE { … }")
    template = head[len(opening):-1].rstrip()[:-1]
    return f"CONSTRUCT {{{template}}}\nWHERE{where}"
