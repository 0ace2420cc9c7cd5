"""The store built on disk (ctipgraph.store.disk_build, for a corpus too large to build in
memory) holds what the in-memory build holds: the same quads in its RocksDB store, the same
inferred.ttl, and it is opened, served and rebuilt like it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import copy_documents, index_rows, index_stamp
from ctipgraph import store as store_module
from ctipgraph.store import OXIGRAPH_DIR, GraphStore, disk_build
from ctipgraph.store.update import load_dataset

DOCUMENTS = ("tip-report-2002-mali", "usdol-project-summary-mali-better-future",
             "usdol-findings-2013-mali")


def _canonical(store: ox.Store) -> list[str]:
    """The store's quads as sorted N-Quads lines, every blank node written `_:b` (their labels
    are arbitrary; the corpus has one, the ontology's restriction)."""
    lines = ox.serialize(store, format=ox.RdfFormat.N_QUADS).decode().splitlines()
    return sorted(" ".join("_:b" if token.startswith("_:") else token
                           for token in line.split(" ")) for line in lines)


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The same documents built in memory and on disk (in batches of one file, so that blank
    nodes and the merge cross batches)."""
    root = tmp_path_factory.mktemp("disk-build")
    ttl = copy_documents(root / "ttl", DOCUMENTS)
    memory, disk = root / "memory", root / "disk"
    GraphStore.open_project(ttl, memory, in_memory=False, build_on_disk=False)
    patch = pytest.MonkeyPatch()
    patch.setattr(disk_build, "BATCH_BYTES", 1)
    try:
        GraphStore.open_project(ttl, disk, in_memory=False, build_on_disk=True)
    finally:
        patch.undo()
    return ttl, memory, disk


def test_the_disk_build_holds_the_quads_of_the_memory_build(stores):
    _, memory, disk = stores
    built = [ox.Store.read_only(str(location / OXIGRAPH_DIR)) for location in (memory, disk)]
    quads = [_canonical(store) for store in built]
    assert len(quads[0]) > 10_000
    assert quads[0] == quads[1]
    graphs = {str(g) for g in built[1].named_graphs()}
    assert not any("frontier" in g for g in graphs)  # the scratch graphs stay in the scratch
    assert any(g.endswith("/graph/inferred>") for g in graphs)
    assert any(g.endswith("/graph/derived>") for g in graphs)


def test_the_disk_build_writes_the_same_inferences_and_no_dataset(stores):
    _, memory, disk = stores
    assert (disk / "inferred.ttl").read_bytes() == (memory / "inferred.ttl").read_bytes()
    assert (disk / "inferred.ttl").stat().st_size > 1000
    assert not (disk / "dataset.nq").exists() and (disk / disk_build.ON_DISK_MARK).is_file()
    assert not (disk / disk_build.SCRATCH_DIR).exists()
    assert sorted(p.name for p in disk.parent.iterdir()
                  if p.name.startswith("disk.building")) == []


def test_a_store_built_on_disk_is_reused_queried_on_disk_or_read_into_memory(stores):
    ttl, memory, disk = stores
    stamp = (disk / "FINGERPRINT").stat().st_mtime_ns
    on_disk = GraphStore.open_project(ttl, disk, in_memory=None)
    assert on_disk.on_disk
    in_memory = GraphStore.open_project(ttl, disk, in_memory=True)
    assert not in_memory.on_disk
    assert (disk / "FINGERPRINT").stat().st_mtime_ns == stamp  # not rebuilt
    reference = GraphStore.open_project(ttl, memory, in_memory=True)
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    counts = {store.query(query).__next__()["n"].value
              for store in (on_disk, in_memory, reference)}
    assert len(counts) == 1 and len(in_memory) == len(reference)


def test_the_size_of_the_corpus_chooses_the_build(stores, tmp_path, monkeypatch):
    ttl, _, _ = stores
    monkeypatch.setattr(store_module, "BUILD_IN_MEMORY_MAX_BYTES", 0)
    GraphStore.open_project(ttl, tmp_path / "big", in_memory=False)
    assert (tmp_path / "big" / disk_build.ON_DISK_MARK).is_file()
    assert not (tmp_path / "big" / "dataset.nq").exists()
    monkeypatch.setattr(store_module, "BUILD_IN_MEMORY_MAX_BYTES", 1 << 62)
    GraphStore.open_project(ttl, tmp_path / "small", in_memory=False)
    assert (tmp_path / "small" / "dataset.nq").is_file()


def test_a_document_change_rebuilds_a_store_built_on_disk(stores, tmp_path):
    ttl, _, disk = stores
    shutil.copytree(ttl, tmp_path / "ttl")
    shutil.copytree(disk, tmp_path / "store")
    gone = tmp_path / "ttl" / f"{DOCUMENTS[0]}.ttl"
    gone.unlink()
    lines: list[str] = []
    store = GraphStore.open_project(tmp_path / "ttl", tmp_path / "store", in_memory=True,
                                    progress=lines.append)
    assert any("built on disk" in line for line in lines)
    graphs = store.graphs()
    assert not any(g.endswith("/" + DOCUMENTS[0]) for g in graphs)
    assert any(g.endswith("/" + DOCUMENTS[1]) for g in graphs)


def test_a_derive_update_of_another_shape_is_refused():
    with pytest.raises(ValueError, match="not INSERT"):
        disk_build.as_construct("odd", "DELETE { ?s ?p ?o }\nWHERE { ?s ?p ?o }")
    graph = store_module.DERIVED_GRAPH
    construct = disk_build.as_construct(
        "one", f"INSERT {{ GRAPH {graph} {{ ?s a ?o }} }}\nWHERE {{ ?s ?p ?o }}")
    assert construct == "CONSTRUCT { ?s a ?o }\nWHERE { ?s ?p ?o }"


def test_a_build_for_memory_writes_the_same_quads_without_a_rocksdb_store(stores, tmp_path):
    """A store built to be read into memory (`in_memory=True`) writes no RocksDB store until
    one is needed, and its dataset.nq beside derive, the derived facts appended: it loads as
    the quads the RocksDB store of a build that writes one holds, and so does the RocksDB
    store written from it."""
    ttl, memory, _ = stores
    lines: list[str] = []
    store = GraphStore.open_project(ttl, tmp_path / "lazy", in_memory=True,
                                    progress=lines.append)
    assert not (tmp_path / "lazy" / OXIGRAPH_DIR).exists()
    assert any(line.startswith("derived facts appended to dataset.nq") for line in lines), lines
    expected = _canonical(ox.Store.read_only(str(memory / OXIGRAPH_DIR)))
    assert len(expected) > 10_000
    assert _canonical(store.store) == expected  # the store built, not read again
    assert _canonical(load_dataset(tmp_path / "lazy")) == expected  # what a later serve reads
    assert (tmp_path / "lazy" / "inferred.ttl").read_bytes() == \
        (memory / "inferred.ttl").read_bytes()
    assert not [p.name for p in (tmp_path / "lazy").iterdir() if p.name.startswith(".")]
    on_disk = GraphStore.open_project(ttl, tmp_path / "lazy", in_memory=False)
    assert on_disk.on_disk and _canonical(on_disk.store) == expected


def test_the_disk_build_writes_the_search_index_serve_opens(stores, tmp_path):
    """The disk build reads the search index's rows from its scratch store and names the index
    for the store, as the in-memory build does: the rows of an index made from the finished
    store, the fingerprint `serve` checks, the count kept (serve does not scan the store)."""
    from ctipgraph.serve.search_index import SearchIndex, _fingerprint
    from ctipgraph.store import SIZE_FILE

    ttl, memory, disk = stores
    index = disk / "search.sqlite"
    written = index.stat().st_mtime_ns
    store = GraphStore.open_project(ttl, disk, in_memory=None)
    assert store.on_disk
    fresh = tmp_path / "fresh.sqlite"
    SearchIndex(store, fresh).connection().close()
    assert len(index_rows(index)) > 100
    assert index_rows(index) == index_rows(fresh) == index_rows(memory / "search.sqlite")
    assert index_stamp(index) == _fingerprint(store)
    kept = (disk / SIZE_FILE).read_text().split()
    assert int(kept[-1]) == len(GraphStore(ox.Store.read_only(str(disk / OXIGRAPH_DIR))))
    SearchIndex(store, index).connection().close()
    assert index.stat().st_mtime_ns == written  # not made again
