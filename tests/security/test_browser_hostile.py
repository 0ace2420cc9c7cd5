"""Every page, in a real browser (Debian's Chromium through Playwright), with hostile parameters
and a hostile document in the graph (script URLs as its source, references, links and a country;
markup in its labels and text): no script runs (no dialog, no uncaught error, no CSP
violation), and no `javascript:`/`data:`/`vbscript:` URL is the target of any link, image or
form (issue 11, finding 5)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from _hostile import DOC, ID, SCRIPT_URLS, write_hostile

from conftest import MINI
from ctipgraph.paths import ONTOLOGY, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SERVER = """
import sys
from pathlib import Path
from waitress import serve
from ctipgraph.serve.app import create_app
from ctipgraph.store import GraphStore
store = GraphStore.from_files([(Path(p), None) for p in sys.argv[1:4]])
serve(create_app(store, {"TEXT_DIR": sys.argv[4], "QUERY_WORKERS": 0}), host="127.0.0.1",
      port=int(sys.argv[5]), threads=4)
"""
HOSTILE = quote("<script>alert(1)</script>\"'><img src=x onerror=alert(2)>")
MINISTRY = quote(ID + "org/hostile-ministry", safe="")
PAGES = [
    "/", "/?q=" + HOSTILE,
    "/class/Organization?sort=" + HOSTILE + "&order=" + HOSTILE,
    "/class?iri=" + quote(SCRIPT_URLS[0], safe=""),
    "/id/org/hostile-ministry", f"/id/doc/{DOC}", f"/id/doc/{DOC}?page=" + HOSTILE,
    f"/read/{DOC}", f"/read/{DOC}#" + HOSTILE,
    "/trace?iri=" + MINISTRY,
    "/trace?s=" + MINISTRY + "&p=" + quote("https://w3id.org/ctipgraph/ontology#funds", safe="")
    + "&o=" + quote(SCRIPT_URLS[3], safe=""),
    "/trace?q=" + HOSTILE, "/trace?q=Hostile",
    *("/charts?country=" + quote(u, safe="") for u in SCRIPT_URLS),
    "/charts?country=" + HOSTILE,
    "/evidence", "/evidence?limit=" + HOSTILE,
    "/search?q=" + HOSTILE, "/search?q=Hostile",
    "/ontology", "/query?example=" + HOSTILE, "/sparql",
    "/id/" + HOSTILE, "/nowhere/" + HOSTILE,
]
#: every link target, image, form and frame of the page (HTML and inline SVG)
TARGETS_JS = """() => Array.from(document.querySelectorAll(
    '[href], [src], [action], [formaction], [data], [xlink\\\\:href]')).flatMap(e =>
    ['href', 'src', 'action', 'formaction', 'data', 'xlink:href']
      .map(a => e.getAttribute(a)).filter(v => v !== null))"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-browser")
    ttl, texts = write_hostile(folder)
    port = _free_port()
    log = folder / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", SERVER, str(MINI), str(ONTOLOGY),
                                 str(ttl), str(texts), str(port)],
                                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/health", timeout=5):
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the server did not start:\n" + log.read_text(errors="replace"))
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `make install` installs Debian's chromium with apt")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


def test_no_script_runs_on_any_page(browser, server):
    context = browser.new_context(base_url=server)
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    here = urlsplit(server).netloc
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}")
            if m.type == "error" and "Content Security Policy" in m.text else None)

    def route(r):
        url = r.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == here:
            r.continue_()
        else:
            problems.append(f"request left the machine: {url}")
            r.abort()

    page.route("**/*", route)
    try:
        shown = 0
        for url in PAGES:
            page.goto("about:blank")  # a fragment of the page before is a new load, too
            response = page.goto(url)
            assert response is not None and response.status < 500, (url, response)
            page.wait_for_load_state("load")
            targets = page.evaluate(TARGETS_JS)
            bad = [t for t in targets
                   if t.strip().lower().startswith(("javascript:", "vbscript:", "data:"))
                   and t != "data:,"]
            assert not bad, (url, bad)
            text = page.inner_text("body")
            shown += any(u in text for u in SCRIPT_URLS)
            assert not problems, (url, problems)
        assert shown >= 5  # the script URLs were on the pages, as text
    finally:
        context.close()
