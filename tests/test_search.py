"""Full-text search (SQLite FTS5) over labels, acronyms and passage text of the mini graph."""

from __future__ import annotations

import sqlite3

import pytest

from conftest import make_app
from ctipgraph.serve.search import SearchIndex, fts_query

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
