"""Full-text search (SQLite FTS5) over labels, acronyms and passage text of the mini graph."""

from __future__ import annotations

import sqlite3

import pytest

from conftest import make_app
from ctipgraph.serve.search_index import SearchIndex, fts_query

ID = "https://w3id.org/ctipgraph/id/"
CTIP = "https://w3id.org/ctipgraph/ontology#"


def results(client, q: str, **params) -> dict:
    r = client.get("/search.json", query_string={"q": q, **params})
    assert r.status_code == 200 and r.mimetype == "application/json"
    return r.get_json()


def flat(data: dict) -> list[dict]:
    return [hit for group in data["groups"] for hit in group["results"]]


def test_fts_query_is_safe():
    assert fts_query("") is None and fts_query("  ,;( ") is None
    assert fts_query("forced begging") == '"forced" "begging"*'
    assert fts_query('NEAR("x" OR') == '"near" "x" "or"*'
    assert fts_query("GLO.ACT", any_word=True) == '"glo" OR "act"*'


def test_acronym_ranks_its_organization_first(browse_client):
    hits = flat(results(browse_client, "UNODC"))
    assert hits[0]["iri"] == ID + "org/unodc"
    assert hits[0]["field"] in ("acronym", "label")
    # passages quoting the acronym are found too, after it
    assert any("/sentence/" in h["iri"] or "/row/" in h["iri"] for h in hits[1:])


def test_label_and_prefix_search(browse_client):
    hits = flat(results(browse_client, "national movement liber"))
    assert hits[0]["iri"] == ID + "org/mnla"
    assert "[National]" in hits[0]["snippet"]


def test_alternative_labels_and_diacritics(browse_client):
    # "Comité" is found without its accent, through a French alternative label
    hits = flat(results(browse_client, "comite national de coordination"))
    assert hits[0]["iri"] == ID + "org/cncltpa"


def test_passage_text_with_snippet(browse_client):
    data = results(browse_client, "peace accord")
    hits = flat(data)
    sentence = ID + "doc/usdol-findings-2017-mali/sentence/61"
    assert sentence in [h["iri"] for h in hits]
    hit = next(h for h in hits if h["iri"] == sentence)
    assert hit["field"] == "text"
    assert "[Peace]" in hit["snippet"] and "[Accord]" in hit["snippet"]


def test_results_grouped_by_class(browse_client):
    data = results(browse_client, "trafficking")
    classes = [g["class"] for g in data["groups"]]
    assert len(classes) == len(set(classes)) > 1
    for group in data["groups"]:
        assert group["label"]
        for hit in group["results"]:
            assert group["class"] in hit["types"] or group["class"] is None
    assert data["count"] == len(flat(data))


def test_html_results(browse_client):
    r = browse_client.get("/search?q=peace+accord")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.data.decode()
    assert "<mark>Peace</mark>" in html
    assert 'href="/id/doc/usdol-findings-2017-mali/sentence/61"' in html
    assert 'href="/class/Sentence"' in html  # the group heading links to its class
    assert 'value="peace accord"' in html
    assert '</search.json?q=peace+accord>; rel="alternate"; type="application/json"' in \
        r.headers["Link"]


def test_json_by_accept(browse_client):
    r = browse_client.get("/search?q=ilab", headers={"Accept": "application/json"})
    assert r.mimetype == "application/json"
    assert flat(r.get_json())[0]["iri"] == ID + "org/usdol-ilab"


def test_no_query_and_no_match(browse_client):
    r = browse_client.get("/search")
    assert r.status_code == 200
    assert results(browse_client, "")["count"] == 0
    assert results(browse_client, "zzzyxxqq")["count"] == 0
    # words that never occur together fall back to any of them
    assert results(browse_client, "UNODC zzzyxxqq")["count"] > 0


@pytest.mark.parametrize("q", ['"', "NEAR(", "a AND OR", "*", "-x", "col:umn", "\x00"])
def test_hostile_queries(browse_client, q):
    assert browse_client.get("/search", query_string={"q": q}).status_code == 200


def test_limit(browse_client):
    assert len(flat(results(browse_client, "mali", limit=3))) == 3


def test_index_on_disk_is_reused(mini_store, tmp_path):
    path = tmp_path / "search.sqlite"
    app = make_app(mini_store, SEARCH_INDEX=str(path))
    client = app.test_client()
    assert flat(results(client, "gatia"))[0]["iri"] == ID + "org/gatia"
    assert path.is_file()
    mtime = path.stat().st_mtime_ns
    # a second app over the same store reuses the file
    index = SearchIndex(mini_store, path)
    assert [h.iri for h in index.search("gatia")][0] == ID + "org/gatia"
    assert path.stat().st_mtime_ns == mtime
    # a stale file (another fingerprint) is rebuilt
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = 'stale' WHERE key = 'fingerprint'")
    index = SearchIndex(mini_store, path)
    assert [h.iri for h in index.search("gatia")][0] == ID + "org/gatia"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta").fetchone()[0] != "stale"


def _index(app) -> SearchIndex:
    from ctipgraph.serve.search import get_index

    with app.app_context():
        return get_index()


def test_names_before_passages(browse_app):
    hits = _index(browse_app).find("mali", limit=500).hits
    named = [i for i, h in enumerate(hits) if h.label]
    passages = [i for i, h in enumerate(hits) if not h.label]  # a quote only
    assert all(h.field == "text" for h in hits if not h.label)
    assert named and passages and max(named) < min(passages)
    # each tier best first
    for tier in (named, passages):
        scores = [hits[i].score for i in tier]
        assert scores == sorted(scores, reverse=True)


def test_every_page_in_order(browse_app):
    index = _index(browse_app)
    everything = index.find("mali", limit=500)
    assert everything.total == len(everything.hits) > 14
    for limit in (1, 7):  # pages that end inside the names and that straddle the passages
        paged = []
        for page in range(1, -(-everything.total // limit) + 1):
            found = index.find("mali", page=page, limit=limit)
            assert found.total == everything.total and found.page == page
            paged += [h.iri for h in found.hits]
        assert paged == [h.iri for h in everything.hits]
    last = index.find("mali", page=10 ** 6, limit=7)
    assert last.page == last.pages and last.hits == everything.hits[(last.page - 1) * 7:]


def test_filters_rank_within_the_filtered_matches(browse_app):
    index = _index(browse_app)
    everything = index.find("mali", limit=500)
    for cls in (CTIP + "Sentence", CTIP + "SourceDocument"):
        only = index.find("mali", limit=500, cls=cls)
        expected = [h.iri for h in everything.hits if cls in h.types]
        assert [h.iri for h in only.hits] == expected and only.total == len(expected) > 0
        second = index.find("mali", page=2, limit=2, cls=cls)
        assert [h.iri for h in second.hits] == expected[2:4]
    doc = ID + "doc/usdol-findings-2017-mali"
    in_doc = index.find("mali", limit=500, doc=doc, cls=CTIP + "Sentence")
    assert in_doc.hits and [h.iri for h in in_doc.hits] == [
        h.iri for h in everything.hits
        if h.iri.startswith(doc + "/") and CTIP + "Sentence" in h.types]
    assert in_doc.by_doc[doc] == in_doc.total
    assert index.find("mali", doc=ID + "doc/no-such-doc").total == 0


def test_snippets_as_the_index_makes_them(browse_app):
    from ctipgraph.serve.search_index import CLOSE, OPEN, _split_snippet

    index = _index(browse_app)
    found = index.find("peace accord")
    conn = index.connection()
    passages = [h for h in found.hits if h.field == "text"]
    assert passages
    for hit in passages:
        rowid = conn.execute("SELECT id FROM resources WHERE iri = ?", (hit.iri,)).fetchone()[0]
        snippet = conn.execute(
            f"SELECT snippet(docs, 3, '{OPEN}', '{CLOSE}', '…', 24) FROM docs "
            "WHERE docs MATCH ? AND rowid = ?", (found.query, rowid)).fetchone()[0]
        assert hit.snippet == _split_snippet(snippet)


def test_facets_list_their_first_values_with_links(browse_client, monkeypatch):
    from ctipgraph.serve import search

    data = results(browse_client, "mali")
    docs = data["facets"]["doc"]
    assert len(docs) > 2
    monkeypatch.setattr(search, "FACET_SHOWN", 2)
    html = browse_client.get("/search?q=mali").data.decode()
    facet = html[html.index('class="facet facet-doc"'):]
    facet = facet[:facet.index("</details>")]
    assert facet.count("<li") == 2
    assert all(d["label"] in facet for d in docs[:2]) and docs[2]["label"] not in facet


def test_a_quote_without_a_type_is_indexed():
    """A resource with a quote and no rdf:type (as a store being updated can hold) gets its
    row, with no types; each resource's types come with its labels or quotes."""
    import pyoxigraph as ox

    from ctipgraph.store import GraphStore

    oa, ex = "http://www.w3.org/ns/oa#", "http://example.org/"
    db = ox.Store()
    db.load(input=f"""
        <{ex}p1> <{oa}hasSelector> _:a . _:a <{oa}exact> "forced labor in mines" .
        <{ex}p2> a <{ex}Passage> ; <{oa}hasSelector> _:b . _:b <{oa}exact> "child labor" .
        <{ex}org> a <{ex}Org>, <{ex}Agent> ; <http://www.w3.org/2000/01/rdf-schema#label> "Org" .
        """, format=ox.RdfFormat.TURTLE)
    rows = {row[0]: row for row in SearchIndex(GraphStore(db, union_default=False)).rows()}
    assert rows[f"{ex}p1"][4:] == ("forced labor in mines", "")
    assert rows[f"{ex}p2"][4:] == ("child labor", f"{ex}Passage")
    assert rows[f"{ex}org"][1] == "Org" and rows[f"{ex}org"][5] == f"{ex}Agent {ex}Org"
    assert SearchIndex(GraphStore(db, union_default=False)).rows([f"{ex}p1"]) == \
        [rows[f"{ex}p1"]]
