"""The server's warm-up (commands.serve.warm_caches) compiles the page templates, so that the
first request for each kind of page does not (Jinja compiles a template on first use)."""

from __future__ import annotations

import pytest

from conftest import make_app
from ctipgraph.serve import render

PAGES = ["/", "/search?q=labor", "/class/Organization", "/id/org/cncltpa", "/ontology",
         "/evidence", "/id/org/no-such-org"]


def _count_compiles(app, monkeypatch) -> list[str]:
    compiled: list[str] = []
    compile_source = app.jinja_env.compile

    def counting(source, name=None, *args, **kwargs):
        compiled.append(name)
        return compile_source(source, name, *args, **kwargs)

    monkeypatch.setattr(app.jinja_env, "compile", counting)
    return compiled


def test_pages_after_warm_up_compile_no_template(mini_store, monkeypatch):
    app = make_app(mini_store)
    render.warm(app)
    compiled = _count_compiles(app, monkeypatch)
    client = app.test_client()
    for path in PAGES:
        assert client.get(path).status_code in (200, 404), path
    assert compiled == []


@pytest.mark.parametrize("path", PAGES)
def test_without_warm_up_the_first_request_compiles(mini_store, monkeypatch, path):
    """What the warm-up saves: an app that did not warm up compiles the page's templates."""
    app = make_app(mini_store)
    compiled = _count_compiles(app, monkeypatch)
    assert app.test_client().get(path).status_code in (200, 404)
    assert "base.html" in compiled


def _looked_up(monkeypatch) -> set[str]:
    from ctipgraph.serve import labels

    asked: set[str] = set()
    lookup = labels.lookup_labels

    def recording(store, iris, **kwargs):
        iris = list(iris)
        asked.update(iris)
        return lookup(store, iris, **kwargs)

    monkeypatch.setattr(labels, "lookup_labels", recording)
    return asked


@pytest.mark.parametrize("warmed", [True, False])
def test_search_facets_labelled_at_warm_up(mini_store, monkeypatch, warmed):
    """After the search warm-up, a search looks up no label of its facets (the documents and
    classes of its matches): the warm-up read them all into the app's label cache."""
    from ctipgraph.serve import search

    app = make_app(mini_store)
    if warmed:
        search.warm(app)
    asked = _looked_up(monkeypatch)
    found = app.test_client().get("/search.json?q=labor").get_json()
    facets = {v["value"] for values in found["facets"].values() for v in values}
    assert facets and any("/doc/" in iri for iri in facets)
    assert (asked & facets == set()) == warmed
