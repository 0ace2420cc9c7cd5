"""Fuzzing every route of the web application with every parameter (Hypothesis, through Flask's
test client): no answer may be a 5xx, hold a traceback, show the hostile marker unescaped in HTML,
link a `javascript:`/`data:` URL, lack the security headers or show a forged Host; nothing may be
logged as an error.

The graph is the mini graph, the ontology and a hostile document (tests/security/_hostile.py).
At least MIN_REQUESTS requests per run (a minute at most); `CTIP_FUZZ_REQUESTS=50000` runs a
bigger one. The figures are printed (`pytest -s`).
"""

from __future__ import annotations

import logging
import os
import shutil

import pytest
from _fuzz import (
    Corpus,
    Figures,
    Strategies,
    check,
    environ,
    recording,
    requests,
    warm_up,
)
from _hostile import write_hostile
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import make_app, make_store

MIN_REQUESTS = 5000
#: requests per run: CTIP_FUZZ_REQUESTS, else MIN_REQUESTS
REQUESTS = int(os.environ.get("CTIP_FUZZ_REQUESTS") or MIN_REQUESTS)
BATCH = 10


class _Errors(logging.Handler):
    """Every record of level ERROR or above that the app logs (a failed request's traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, texts):
    folder = tmp_path_factory.mktemp("fuzz")
    ttl, hostile_texts = write_hostile(folder / "hostile")
    text_dir = folder / "texts"
    shutil.copytree(texts, text_dir)
    shutil.copy(next(hostile_texts.glob("*.txt")), text_dir)
    store = make_store(ttl)
    app = make_app(store, TESTING=False, TEXT_DIR=str(text_dir), DUMP_DIR=str(folder / "dumps"),
                   PAGE_CACHE_DIR=str(folder / "pages"))
    recording(app)
    corpus = Corpus.of(store)
    warm_up(app.test_client(), rules_of(app), corpus)
    return app, corpus


def rules_of(app) -> list:
    """Every route of the app (url_map), so that a new route is fuzzed without a change here."""
    return sorted(app.url_map.iter_rules(), key=lambda r: r.rule)


def test_every_route_is_fuzzed(fuzz_app):
    app, _ = fuzz_app
    rules = {r.rule for r in rules_of(app)}
    for route in ("/", "/class/<name>", "/id/<path:path>", "/trace", "/read/<name>", "/charts",
                  "/sparql", "/download/<name>", "/.well-known/void", "/pages/<doc>/<name>"):
        assert route in rules


def test_fuzz_routes(fuzz_app):
    app, corpus = fuzz_app
    client = app.test_client()
    rules = rules_of(app)
    figures = Figures()
    errors = _Errors()
    app.logger.addHandler(errors)
    logging.getLogger("werkzeug").addHandler(errors)

    # every problem of the whole run is collected and reported at the end (no shrinking: each
    # problem names its request exactly)
    @settings(max_examples=-(-REQUESTS // BATCH), deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(st.lists(requests(rules, Strategies(corpus)), min_size=BATCH, max_size=BATCH))
    def run(batch):
        for request in batch:
            response = client.open(request.target, **environ(request))
            check(figures, request, response.status_code, response.headers, response.get_data())

    try:
        run()
    finally:
        app.logger.removeHandler(errors)
        logging.getLogger("werkzeug").removeHandler(errors)
        print("\nfuzz (test client):", figures.summary(), f"; logged errors {len(errors.records)}")
    assert not figures.problems(), figures.problems()[:20]
    assert not errors.records, [r.getMessage() for r in errors.records[:5]]
    assert figures.requests >= min(REQUESTS, MIN_REQUESTS)
