"""A project store's quad count is kept in its folder (store.SIZE_FILE), so that a process opening
the store does not count it again (a scan of the whole store: 19 s on disk at 15 M quads); the
count is made again when the store changed, the file is bad, or the store has no folder."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from conftest import copy_documents, make_store
from ctipgraph.store import SIZE_FILE, GraphStore

SMALL = ("usdol-findings-2017-mali", "tip-report-2015-mali")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("store-size")
    ttl = copy_documents(root / "ttl", SMALL)
    location = root / "store"
    GraphStore.open_project(ttl, location, in_memory=False)  # build it once
    return ttl, location


@pytest.fixture
def counts(monkeypatch):
    """Counts the stores' counts (still counting)."""
    made = []
    count = GraphStore._count

    def counting(self):
        made.append(self)
        return count(self)

    monkeypatch.setattr(GraphStore, "_count", counting)
    return made


def _true_count(store: GraphStore) -> int:
    return len(store.store) - int(next(iter(store.store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)


@pytest.mark.parametrize("in_memory", [True, False])
def test_the_count_is_kept_and_read_back(built, counts, in_memory):
    ttl, location = built
    (location / SIZE_FILE).unlink(missing_ok=True)
    first = GraphStore.open_project(ttl, location, in_memory=in_memory)
    assert len(first) == len(first) == _true_count(first) > 0
    assert len(counts) == 1 and (location / SIZE_FILE).is_file()
    again = GraphStore.open_project(ttl, location, in_memory=not in_memory)
    assert len(again) == len(first)
    assert len(counts) == 1  # read from the folder, not counted


def test_another_fingerprint_or_default_graph_counts_again(built, counts):
    ttl, location = built
    (location / SIZE_FILE).unlink(missing_ok=True)
    store = GraphStore.open_project(ttl, location, in_memory=False)
    size = len(store)
    kept = (location / SIZE_FILE).read_text()
    (location / SIZE_FILE).write_text("another-fingerprint" + kept[kept.index(" "):])
    store = GraphStore.open_project(ttl, location, in_memory=False)
    assert len(store) == size and len(counts) == 2
    made = len(counts)
    other = GraphStore(store.store, union_default=False, location=location, on_disk=True)
    assert len(other) == len(store.store)  # the default graph counted too: another key
    assert len(counts) == made + 1
    assert len(GraphStore.open_project(ttl, location, in_memory=False)) == size


@pytest.mark.parametrize("content", ["", "garbage", "x\ny\nz\n", "\n-5\n"])
def test_a_bad_file_is_counted_again(built, counts, content):
    ttl, location = built
    store = GraphStore.open_project(ttl, location, in_memory=False)
    key = store._size_key()
    (location / SIZE_FILE).write_text(content.replace("x", key or ""))
    fresh = GraphStore.open_project(ttl, location, in_memory=False)
    assert len(fresh) == _true_count(fresh)
    assert len(counts) == 1
    assert (location / SIZE_FILE).read_text().splitlines()[0] == key


def test_a_folder_that_cannot_keep_it_still_counts(built, counts):
    ttl, location = built
    (location / SIZE_FILE).unlink(missing_ok=True)
    (location / SIZE_FILE).mkdir()  # the rename onto a folder fails
    try:
        before = sorted(p.name for p in location.iterdir())
        store = GraphStore.open_project(ttl, location, in_memory=False)
        assert len(store) == _true_count(store)
        assert sorted(p.name for p in location.iterdir()) == before  # no temporary file
    finally:
        (location / SIZE_FILE).rmdir()


def test_a_store_without_a_folder_is_counted_each_time(counts):
    store = make_store()
    assert len(store) == len(store) > 0
    assert len(counts) == 2
    size = len(store)
    store.store.add(ox.Quad(ox.NamedNode("http://example.org/s"),
                            ox.NamedNode("http://example.org/p"), ox.Literal("o")))
    assert len(store) == size + 1  # (an edit: the count follows it)
