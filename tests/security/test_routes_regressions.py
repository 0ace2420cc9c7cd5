"""The requests issue 11 found answered 500, the `javascript:` links it found, and the Host header
it found reflected, each asked once (the fuzzer, test_fuzz_routes.py, asks thousands more at
random): a 4xx with a message, never a 5xx or a traceback; no script URL as a link target; no
absolute link built from the request's Host header."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from _hostile import ID, SCRIPT_URLS, write_hostile

from conftest import make_app, make_store

#: (URL, the status it must get): the issue's 500s, and their neighbours
REQUESTS = [
    ("/class?iri=foo", 400),
    ("/class/Organization?page=999999999999999999999", 404),
    ("/class/Organization?per_page=-5", 200),
    ("/charts?country=javascript:alert(document.cookie)", 404),  # not in the graph
    ("/charts?country=" + quote("<bad iri>"), 400),
    ("/charts.json?country=" + quote("é:é"), 400),
    ("/trace?iri=" + quote("é:é"), 400),
    ("/trace?iri=" + quote("http://[::1"), 400),
    ("/trace?s=a&p=b&o=c", 400),
    ("/trace.json?q=" + "a" * 5000, 400),
    ("/id/%00", 404),
    ("/id/%ff", 404),
    ("/id/%c3%28", 404),
    ("/id/place/mali?page=99999999999999999999999", 200),
    ("/evidence?limit=999999999999999999999", 200),
    ("/read/..%2f..%2fetc%2fpasswd", 404),
    ("/pages/x/999999999999999999.png", 400),
    ("/download/ctipgraph.xyz", 404),
    ("/sparql?query=%00", 400),
    ("/sparql?default-graph-uri=foo&query=ASK%7B%7D", 400),
]
HREF = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*([^"'\s>]*)""", re.IGNORECASE)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    ttl, texts = write_hostile(tmp_path_factory.mktemp("hostile"))
    return make_app(make_store(ttl), TESTING=False, TEXT_DIR=str(texts)).test_client()


def script_links(html: str) -> list[str]:
    """Link targets with a script-capable scheme (the empty favicon `data:,` is none)."""
    return [t for t in HREF.findall(html)
            if re.match(r"(?i)\s*(javascript|data|vbscript):", t) and t != "data:,"]


@pytest.mark.parametrize("url, status", REQUESTS)
def test_bad_requests_are_4xx(client, url, status):
    response = client.get(url)
    body = response.get_data(as_text=True)
    assert response.status_code == status, (url, body[:300])
    assert "Traceback" not in body
    assert not script_links(body)
    if status >= 400:
        assert len(body.strip()) > 10  # a message saying why


@pytest.mark.parametrize("url", [
    "/id/org/hostile-ministry", "/id/doc/hostile-doc", "/read/hostile-doc",
    "/trace?iri=" + quote(ID + "org/hostile-ministry"), "/trace?q=Hostile",
    "/charts?country=" + quote(SCRIPT_URLS[0]), "/evidence", "/search?q=Hostile",
])
def test_script_urls_in_the_data_are_never_links(client, url):
    response = client.get(url)
    body = response.get_data(as_text=True)
    assert response.status_code == 200, (url, body[:300])
    if url.startswith(("/id/", "/trace", "/charts")):  # the script URLs are shown, as text
        assert any(u in body for u in SCRIPT_URLS) or "Scriptland" in body
    assert not script_links(body), script_links(body)


@pytest.mark.parametrize("url, accept", [
    ("/download", "text/html"), ("/.well-known/void", "text/turtle"),
    ("/sparql", "text/turtle"), ("/context.jsonld", "application/ld+json"),
    ("/download/ctipgraph.jsonld", "application/ld+json"), ("/", "text/html"),
])
def test_the_host_header_is_never_reflected(client, url, accept):
    response = client.get(url, headers={"Host": "forged-host.invalid", "Accept": accept})
    assert response.status_code == 200
    assert "forged-host" not in response.get_data(as_text=True)
    assert "forged-host" not in str(response.headers)


def test_redirects_do_not_name_the_forged_host(client):
    response = client.get("/class/", headers={"Host": "forged-host.invalid"})
    assert "forged-host" not in str(response.headers) + response.get_data(as_text=True)


def test_security_headers_on_every_kind_of_answer(client):
    for url in ("/", "/sparql?query=ASK%7B%7D", "/id/%00", "/static/style.css", "/health",
                "/class?iri=foo"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] and headers["X-Frame-Options"] == "DENY"


def test_only_the_query_editor_allows_its_library_stylesheet(client):
    editor = client.get("/query").headers["Content-Security-Policy"]
    assert re.search(r"style-src 'self' 'sha256-[A-Za-z0-9+/=]+'", editor)
    assert "style-src 'self';" in client.get("/").headers["Content-Security-Policy"]
