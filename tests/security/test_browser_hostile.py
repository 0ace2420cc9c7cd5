"""Every page, in a real browser (Debian's Chromium through Playwright), with hostile parameters
and a hostile document in the graph (script URLs as its source, references, links and a country;
markup in its labels and text): no script runs (no dialog, no uncaught error, no CSP
violation), and no `javascript:`/`data:`/`vbscript:` URL is the target of any link, image or
form (issue 11, finding 5)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from _hostile import DOC, ID, SCRIPT_URLS, write_hostile

from _browser import app_server, watched_page
from conftest import MINI
from ctipgraph.paths import ONTOLOGY

pytestmark = pytest.mark.browser

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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-browser")
    ttl, texts = write_hostile(folder)
    config = {"TEXT_DIR": str(texts), "QUERY_WORKERS": 0}
    with app_server([MINI, ONTOLOGY, ttl], config, folder / "server.log") as base:
        yield base


def _csp_violation(message) -> bool:
    """The console messages that count here: a Content Security Policy violation."""
    return message.type == "error" and "Content Security Policy" in message.text


def test_no_script_runs_on_any_page(browser, server):
    with watched_page(browser, server, console=_csp_violation, failed_requests=False,
                      dialogs_fail=True) as (page, watch):
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
            watch.check(url)
        assert shown >= 5  # the script URLs were on the pages, as text
