"""Class listings: titles for people, filters and facets, sorting and paging on the server, a
quote per instance (the mini graph)."""

from __future__ import annotations

import pytest

ID = "https://w3id.org/ctipgraph/id/"
CTIP = "https://w3id.org/ctipgraph/ontology#"
MALI = ID + "place/mali"


def listing(client, name: str, **params) -> dict:
    r = client.get(f"/class/{name}.json", query_string=params)
    assert r.status_code == 200, r.data[:300]
    return r.get_json()


def test_titles_are_never_slugs(browse_client):
    for name in ("Funding", "TierPlacement", "LegalStandardAssessment", "Observation"):
        data = listing(browse_client, name)
        assert data["instances"]
        for i in data["instances"]:
            assert not i["label"].startswith(("funding/", "assessment/", "observation/")), i
    fundings = [i["label"] for i in listing(browse_client, "Funding")["instances"]]
    assert any("→" in t and "USD " in t for t in fundings), fundings


def test_quote_and_years_beside_each_instance(browse_client):
    data = listing(browse_client, "TierPlacement", sort="year")
    years = [i["years"] for i in data["instances"]]
    assert years == sorted(years)
    assert all(i["quote"] and i["quote"]["exact"] for i in data["instances"])
    assert all(i["quote"]["document"].startswith(ID + "doc/") for i in data["instances"])


def test_facets_and_filters(browse_client):
    data = listing(browse_client, "Organization")
    facets = {f["name"]: f["values"] for f in data["facets"]}
    assert "doc" in facets and "type" in facets
    doc = facets["doc"][0]
    only = listing(browse_client, "Organization", doc=doc["value"])
    assert only["total"] == doc["count"] and only["filters"] == {"doc": doc["value"]}
    kind = facets["type"][0]
    typed = listing(browse_client, "Organization", type=kind["value"])
    assert typed["total"] == kind["count"]
    assert all(kind["value"] in i["types"] for i in typed["instances"])


@pytest.fixture(scope="module")
def derived_client():
    """The mini graph with the facts a project store derives (ctip:appearsIn among them)."""
    from conftest import make_app, make_store
    from ctipgraph.serve.listing import has_derived_documents
    from ctipgraph.store.derive import derive

    store = make_store()
    derive(store.store)
    assert has_derived_documents(store)
    return make_app(store).test_client()


@pytest.mark.parametrize("client", ["browse_client", "derived_client"])
def test_a_document_filter_keeps_what_the_document_mentions_or_claims(client, mini_store,
                                                                       request):
    """?doc= keeps the instances a passage of the document mentions, that a claim quoted from
    it is about, or that are part of it: the same as asking the store that directly, for each
    document of the facet, with the facet's count; read through the passages and claims (a
    store of given files) or from the derived ctip:appearsIn (a project store)."""
    from ctipgraph.serve.listing import has_derived_documents

    assert not has_derived_documents(mini_store)
    client = request.getfixturevalue(client)
    for name in ("Organization", "Funding", "TierPlacement", "Passage"):
        facets = {f["name"]: f["values"] for f in listing(client, name)["facets"]}
        assert facets.get("doc"), name
        for doc in facets["doc"]:
            expected = {row["s"].value for row in mini_store.query(f"""
                PREFIX ctip: <{CTIP}>
                PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
                PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
                PREFIX prov: <http://www.w3.org/ns/prov#>
                SELECT DISTINCT ?s WHERE {{
                  ?s a/rdfs:subClassOf* ctip:{name} .
                  {{ ?s ctip:mentionedIn ?pa . ?pa ctip:inDocument <{doc["value"]}> }}
                  UNION {{ ?c rdf:subject ?s ; prov:wasQuotedFrom ?q .
                           ?q ctip:inDocument <{doc["value"]}> }}
                  UNION {{ ?s ctip:inDocument <{doc["value"]}> }} }}""")}
            only = listing(client, name, doc=doc["value"], per_page=500)
            assert {i["iri"] for i in only["instances"]} == expected, (name, doc["value"])
            assert only["total"] == doc["count"] == len(expected)


def test_derived_documents_give_the_same_listings(browse_client, derived_client):
    """Facets, rows (their documents and quotes) and the sort by documents are the same whether
    a resource's documents are read through its passages and claims or from ctip:appearsIn."""
    for name in ("Organization", "Funding", "Recommendation", "Passage"):
        for params in ({}, {"sort": "documents", "order": "desc"}):
            plain = listing(browse_client, name, per_page=500, **params)
            derived = listing(derived_client, name, per_page=500, **params)
            assert plain["instances"] and plain == derived, (name, params)


def test_title_filter_sort_and_pages(browse_client):
    every = listing(browse_client, "Organization", per_page=500)
    labels = [i["label"] for i in every["instances"]]
    assert labels == sorted(labels, key=str.lower) or every["total"] > len(labels)
    word = labels[0].split()[0]
    some = listing(browse_client, "Organization", q=word.lower())
    assert 0 < some["total"] <= every["total"]
    assert all(word.lower() in i["label"].lower() for i in some["instances"])
    page2 = listing(browse_client, "Organization", per_page=2, page=2)
    assert [i["iri"] for i in page2["instances"]] == [i["iri"] for i in every["instances"][2:4]]
    down = listing(browse_client, "Organization", per_page=500, order="desc")
    assert [i["iri"] for i in down["instances"]] == [i["iri"] for i in every["instances"]][::-1]


def test_bad_filters_are_400s(browse_client):
    assert browse_client.get("/class/Organization?doc=not%20an%20iri").status_code == 400
    assert browse_client.get("/class/Organization?year=20x").status_code == 400
    assert browse_client.get("/class/Organization?sort=nonsense").status_code == 200


def test_html_listing_has_facets_and_sort_links(browse_client):
    html = browse_client.get("/class/Organization").get_data(as_text=True)
    assert 'aside class="facets"' in html
    assert "sort=year" in html and "<blockquote" in html


def test_references_by_times_cited(browse_client):
    data = listing(browse_client, "Reference", sort="cited", order="desc", per_page=500)
    assert data["total"] > 1 and data["sort"] == "cited"
    html = browse_client.get("/class/Reference?sort=cited").get_data(as_text=True)
    assert '<option value="cited" selected>' in html


def test_words_in_a_large_class_are_looked_for_in_the_store(browse_client, monkeypatch):
    from ctipgraph.serve import listing as module

    monkeypatch.setattr(module, "FULL_SORT", 1)  # every class is "large"
    data = listing(browse_client, "Sentence", q="peace accord")
    assert data["total"] >= 1
    assert all("peace accord" in i["quote"]["exact"].lower() for i in data["instances"]
               if i["quote"])
