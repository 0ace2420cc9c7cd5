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
