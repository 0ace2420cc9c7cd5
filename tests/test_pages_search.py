"""/search pages through every match, matches words by their stem and has facets by class and
document (the mini graph)."""

from __future__ import annotations

CTIP = "https://w3id.org/ctipgraph/ontology#"


def results(client, q: str, **params) -> dict:
    r = client.get("/search.json", query_string={"q": q, **params})
    assert r.status_code == 200
    return r.get_json()


def flat(data: dict) -> list[str]:
    return [hit["iri"] for group in data["groups"] for hit in group["results"]]


def test_words_match_by_their_stem(browse_client):
    data = results(browse_client, "enforced")
    snippets = " ".join(h["snippet"] for g in data["groups"] for h in g["results"])
    assert "[Enforcement]" in snippets or "[enforcement]" in snippets


def test_pages_beyond_the_first(browse_client):
    everything = results(browse_client, "mali", limit=500)
    total = everything["total"]
    assert total == len(flat(everything)) > 6
    first, second = results(browse_client, "mali", limit=3), results(browse_client, "mali",
                                                                      limit=3, page=2)
    assert first["total"] == second["total"] == total and first["pages"] == -(-total // 3)
    assert len(flat(first)) == len(flat(second)) == 3
    assert not set(flat(first)) & set(flat(second))
    html = browse_client.get("/search?q=mali&limit=3").data.decode()
    assert 'rel="next" href="?q=mali&amp;limit=3&amp;page=2"' in html


def test_facets_by_class_and_document(browse_client):
    data = results(browse_client, "mali", limit=500)
    classes = {f["value"]: f["count"] for f in data["facets"]["cls"]}
    docs = {f["value"]: f["count"] for f in data["facets"]["doc"]}
    assert classes and docs
    cls, n = max(classes.items(), key=lambda x: x[1])
    only = results(browse_client, "mali", limit=500, cls=cls)
    assert only["total"] == n
    doc, m = next(iter(docs.items()))
    in_doc = results(browse_client, "mali", limit=500, doc=doc)
    assert in_doc["total"] == m
    assert all(i == doc or i.startswith(doc + "/") for i in flat(in_doc))
