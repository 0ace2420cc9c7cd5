"""Shared test fixtures: the mini graph (tests/fixtures/mini.ttl and the ontology) in a GraphStore,
and the web application over it."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from ctipgraph.paths import ONTOLOGY, ROOT, SOURCES_DIR, TTL_DIR

FIXTURES = ROOT / "tests" / "fixtures"
MINI = FIXTURES / "mini.ttl"
EXTRA_DOC = "fixture-extra-2019-mali"  # the document of tests/fixtures/extra.ttl


def make_store(*extra: Path):
    """An in-memory GraphStore of the mini graph, the ontology and any extra Turtle files."""
    from ctipgraph.store import GraphStore

    return GraphStore.from_files([(MINI, None), (ONTOLOGY, None), *((p, None) for p in extra)])


def copy_documents(ttl: Path, stems) -> Path:
    """A folder `ttl` of built Turtle holding these documents of data/ttl/ (each one's files)."""
    ttl.mkdir(parents=True, exist_ok=True)
    for stem in stems:
        for path in TTL_DIR.glob(stem + ".*"):
            shutil.copy(path, ttl / path.name)
    return ttl


def index_rows(path: Path) -> list[tuple]:
    """The rows of a search index file (serve.search_index), in order."""
    from ctipgraph.serve.search_index import contents

    conn = sqlite3.connect(str(path))
    try:
        return contents(conn)
    finally:
        conn.close()


def index_stamp(path: Path) -> str:
    """What a search index file says it indexes (serve.search_index._fingerprint_for)."""
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("SELECT value FROM meta").fetchone()[0]
    finally:
        conn.close()


def make_app(store, **config):
    """The web application over `store`, as `ctipgraph serve` builds it."""
    from ctipgraph.serve import app as app_module

    return app_module.create_app(store, {"TESTING": True, "QUERY_WORKERS": 0, **config})


@pytest.fixture(scope="session")
def mini_store():
    return make_store()


@pytest.fixture(scope="session")
def browse_app(mini_store):
    return make_app(mini_store)


@pytest.fixture()
def browse_client(browse_app):
    return browse_app.test_client()


@pytest.fixture(scope="session")
def texts(tmp_path_factory):
    """A text folder with the built texts (data/ttl/*.txt) and the extra fixture's text."""
    folder = tmp_path_factory.mktemp("texts")
    for path in TTL_DIR.glob("*.txt"):
        shutil.copy(path, folder)
    # the mini graph's 2017 Findings were cut from the report's text rendition (its offsets
    # point there), the build now reads the PDF
    shutil.copy(SOURCES_DIR / "seeds" / "usdol-findings-2017-mali.txt", folder)
    shutil.copy(FIXTURES / f"{EXTRA_DOC}.txt", folder)
    return folder


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """One Debian virtuoso-t for the session (tests/_virtuoso.py), anonymous GSP writes granted;
    skipped only when virtuoso-t is not installed (`make install` installs it with apt)."""
    from _virtuoso import writable_server

    with writable_server(tmp_path_factory.mktemp("virtuoso"), 120, 0.5) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright, one per test module (tests/_browser.py);
    skipped, saying why, when it is missing."""
    from _browser import chromium

    with chromium() as launched:
        yield launched
