"""Where the project store is queried: in memory, or on disk (RocksDB) past a size of its
N-Quads (`store.IN_MEMORY_MAX_BYTES`), unless the caller (`serve --in-memory/--on-disk`)
says which."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_documents
from ctipgraph import store as store_module
from ctipgraph.store import GraphStore, dataset_bytes

SMALL = ("tip-report-2002-mali", "usdol-project-summary-mali-better-future")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("memory")
    ttl = copy_documents(root / "ttl", SMALL)
    location = root / "store"
    GraphStore.open_project(ttl, location, in_memory=False)  # build it once
    return ttl, location


def test_small_stores_are_read_into_memory_large_ones_queried_on_disk(built, monkeypatch):
    ttl, location = built
    size = dataset_bytes(location)
    assert size == (location / "dataset.nq").stat().st_size > 0
    monkeypatch.setattr(store_module, "IN_MEMORY_MAX_BYTES", size)
    in_memory = GraphStore.open_project(ttl, location, in_memory=None)
    monkeypatch.setattr(store_module, "IN_MEMORY_MAX_BYTES", size - 1)
    on_disk = GraphStore.open_project(ttl, location, in_memory=None)
    assert not in_memory.on_disk and on_disk.on_disk
    assert len(in_memory) == len(on_disk) > 0
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert [r["n"] for r in in_memory.query(query)] == [r["n"] for r in on_disk.query(query)]


def test_the_caller_decides_when_it_says(built, monkeypatch):
    ttl, location = built
    monkeypatch.setattr(store_module, "IN_MEMORY_MAX_BYTES", 0)
    assert not GraphStore.open_project(ttl, location, in_memory=True).on_disk
    monkeypatch.setattr(store_module, "IN_MEMORY_MAX_BYTES", 1 << 62)
    assert GraphStore.open_project(ttl, location, in_memory=False).on_disk
