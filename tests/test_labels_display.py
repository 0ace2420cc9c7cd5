"""Names shown for IRIs are valid SPARQL as written: a prefixed name only when its local part
needs no escape, else the IRI in angle brackets."""

from __future__ import annotations

import pyoxigraph as ox

from ctipgraph.serve.labels import display_iri

PROGRAM = "https://w3id.org/ctipgraph/id/program/glo-act"
CLASS = "https://w3id.org/ctipgraph/ontology#Program"


def test_names_with_a_slash_are_shown_in_full_and_others_prefixed() -> None:
    assert display_iri(PROGRAM) == f"<{PROGRAM}>"
    assert display_iri(CLASS) == "ctip:Program"
    assert display_iri("http://example.org/x") == "<http://example.org/x>"


def test_every_name_shown_parses_in_a_query() -> None:
    store = ox.Store()
    for iri in (PROGRAM, CLASS, "http://purl.org/dc/terms/title"):
        query = ("PREFIX ctip: <https://w3id.org/ctipgraph/ontology#> "
                 "PREFIX id: <https://w3id.org/ctipgraph/id/> "
                 "PREFIX dcterms: <http://purl.org/dc/terms/> "
                 f"SELECT * WHERE {{ {display_iri(iri)} ?p ?o }}")
        assert list(store.query(query)) == []


def test_a_program_page_shows_no_unparseable_name(browse_client) -> None:
    page = browse_client.get("/id/program/glo-act")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "id:program/" not in html and "id:doc/" not in html
    assert "&lt;https://w3id.org/ctipgraph/id/doc/" in html  # a claim, named in full


def test_an_app_remembers_the_labels_of_its_pages(mini_store, monkeypatch) -> None:
    """A page visited again looks up none of the labels its first visit did, and is the same;
    an app of its own (a cache of its own) shows it the same too."""
    from conftest import make_app
    from ctipgraph.serve import labels

    looked_up: list[str] = []
    real = labels.lookup_labels

    def counting(store, iris, **options):
        iris = list(iris)
        looked_up.extend(iris)
        return real(store, iris, **options)

    monkeypatch.setattr(labels, "lookup_labels", counting)
    client = make_app(mini_store).test_client()
    pages = ("/id/place/mali", "/id/program/glo-act", "/id/doc/usdol-findings-2017-mali")
    first = [client.get(page).get_data() for page in pages]
    before = set(looked_up)
    assert len(before) > 100
    looked_up.clear()
    again = [client.get(page).get_data() for page in pages]
    assert again == first
    assert not before & set(looked_up)
    fresh = make_app(mini_store).test_client()
    assert [fresh.get(page).get_data() for page in pages] == first


def test_the_label_cache_forgets_the_least_recently_used() -> None:
    from ctipgraph.serve.labels import LabelCache

    cache = LabelCache(size=3)
    cache.put_many({"a": "A", "b": None, "c": "C"})
    assert cache.get_many(["a", "z"]) == {"a": "A"}  # a used: b is now the least recent
    cache.put_many({"d": "D"})
    assert len(cache) == 3 and cache.get_many(["a", "b", "c", "d"]) == {
        "a": "A", "c": "C", "d": "D"}


def test_an_app_does_not_use_its_label_cache_for_another_store(mini_store) -> None:
    """Labels are remembered for the store the app serves only: a Labeller over any other store
    looks its labels up there."""
    from conftest import make_app
    from ctipgraph.serve.labels import Labeller
    from ctipgraph.store import GraphStore

    other = GraphStore(ox.Store())
    other.store.add(ox.Quad(ox.NamedNode(PROGRAM), ox.NamedNode(
        "http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("elsewhere")))
    app = make_app(mini_store)
    with app.app_context():
        served = Labeller(mini_store)
        served.want(PROGRAM)
        assert served.label(PROGRAM) != "elsewhere" and served.cache is not None
        unserved = Labeller(other)
        unserved.want(PROGRAM)
        assert unserved.cache is None and unserved.label(PROGRAM) == "elsewhere"
