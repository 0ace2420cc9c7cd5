"""The browse view in a real browser: Debian's headless Chromium, driven by Playwright, against a
real server over the mini graph (started as a subprocess). No request may leave this machine and no
page may log a console error."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import MINI
from ctipgraph.paths import ONTOLOGY, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
YASGUI = ROOT / "node_modules" / "@zazuko" / "yasgui" / "build" / "yasgui.min.js"
#: serves the app with waitress when `ctipgraph serve` is not available
FALLBACK_SERVER = """
import sys
from pathlib import Path
from waitress import serve
from ctipgraph.serve.app import create_app
from ctipgraph.store import GraphStore
store = GraphStore.from_files([(Path(sys.argv[1]), None), (Path(sys.argv[2]), None)])
serve(create_app(store), host="127.0.0.1", port=int(sys.argv[3]), threads=4)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_command(port: int) -> list[str]:
    cli = shutil.which("ctipgraph", path=str(Path(sys.executable).parent))
    if cli and subprocess.run([cli, "serve", "--help"], capture_output=True).returncode == 0:
        return [cli, "serve", "--host", "127.0.0.1", "--port", str(port),
                "--data", str(MINI), "--data", str(ONTOLOGY)]
    return [sys.executable, "-c", FALLBACK_SERVER, str(MINI), str(ONTOLOGY), str(port)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(_server_command(port), stdout=out, stderr=subprocess.STDOUT,
                                cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=5) as r:
                    if r.status == 200:
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


class Watch:
    """A page's console errors, uncaught exceptions, failed requests and outside requests."""

    def __init__(self, page, base: str) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []
        host = urlsplit(base).netloc
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url} {r.failure}"))

        def route(r):
            url = r.request.url
            if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == host:
                r.continue_()
            else:
                self.outside.append(url)
                r.abort()

        page.route("**/*", route)

    def check(self) -> None:
        assert not self.outside, f"requests left the machine: {self.outside}"
        assert not self.errors, f"console errors: {self.errors}"


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(base_url=server)
    page = context.new_page()
    page.set_default_timeout(20_000)
    watch = Watch(page, server)
    yield page, watch
    context.close()


def test_home_page(page):
    page, watch = page
    page.goto("/")
    assert "ctipgraph" in page.title()
    assert page.locator("h1").first.inner_text() == "ctipgraph"
    rows = page.locator("section[aria-labelledby=documents] tbody tr")
    assert rows.count() == 3
    assert page.get_by_role("link", name="2017 Findings on the Worst Forms of Child Labor: Mali")\
        .first.is_visible()
    assert page.locator("a[href='/class/Organization']").is_visible()
    watch.check()


def test_search_then_follow_links(page):
    page, watch = page
    page.goto("/")
    page.fill("#home-search", "UNODC")
    page.press("#home-search", "Enter")
    page.wait_for_url("**/search?q=UNODC")
    first = page.locator("section.results li a").first
    assert first.inner_text() == "United Nations Office on Drugs and Crime"
    first.click()
    page.wait_for_url("**/id/org/unodc")
    assert page.locator("h1").inner_text() == "United Nations Office on Drugs and Crime"
    # follow a mention to the passage, then to its document
    page.locator("#mentions ~ ul.mentions a[href*='/sentence/216'], "
                 "ul.mentions a[href*='/sentence/216']").first.click()
    page.wait_for_url("**/id/doc/usaid-ctip-research-2021-mali/sentence/216")
    assert "Comité national de coordination" in page.locator("blockquote.quote").inner_text()
    page.locator("section.passage p.source a").first.click()
    page.wait_for_url("**/id/doc/usaid-ctip-research-2021-mali")
    assert "C-TIP" in page.locator("h1").inner_text()
    watch.check()


def test_evidence_and_fragments(page):
    page, watch = page
    page.goto("/id/org/cncltpa")
    evidence = page.locator("details.evidence").first
    evidence.locator("summary").click()
    assert evidence.locator("blockquote").first.is_visible()
    assert page.locator("a.trace").first.get_attribute("href").startswith("/trace?s=")
    page.goto("/id/doc/usdol-findings-2017-mali/sentence/61#quote")
    assert page.locator("section.fragment#quote").is_visible()
    watch.check()


def test_query_editor_runs_a_query(page):
    if not YASGUI.is_file():
        pytest.skip("node_modules not installed (make install runs npm ci)")
    page, watch = page
    page.goto("/query")
    page.wait_for_function("() => window.ctipYasgui !== undefined")
    page.locator(".examples-panel").get_by_role("link", name="TIP tier, year by year").click()
    # the example opened in its own tab, ready to run against /sparql
    tab = page.evaluate("window.ctipYasgui.getTab().getName()")
    assert tab == "A country's TIP tier, year by year"
    page.evaluate("window.ctipYasgui.getTab().getYasqe().query()")
    results = page.locator(".yasr .dataTable, .yasr table")
    results.first.wait_for()
    page.locator(".yasr").get_by_text("Tier 2 Watch List").first.wait_for()
    watch.check()


def test_query_editor_opens_example_from_link(page):
    if not YASGUI.is_file():
        pytest.skip("node_modules not installed (make install runs npm ci)")
    page, watch = page
    page.goto("/")
    page.locator("a[href='/query?example=04-armed-groups-children']").click()
    page.wait_for_function("() => window.ctipYasgui !== undefined")
    assert "engagesIn" in page.evaluate("window.ctipYasgui.getTab().getQuery()")
    watch.check()


# -- evidence pages: trace, reader, charts, evidence report (issue 6) ----------------------------

EVIDENCE_SERVER = """
import sys
from pathlib import Path
from waitress import serve
from ctipgraph.serve.app import create_app
from ctipgraph.store import GraphStore
*files, texts, port = sys.argv[1:]
store = GraphStore.from_files([(Path(f), None) for f in files])
serve(create_app(store, {"TEXT_DIR": texts}), host="127.0.0.1", port=int(port), threads=4)
"""
EXTRA_FIXTURE = ROOT / "tests" / "fixtures" / "extra.ttl"
EXTRA_DOC = "fixture-extra-2019-mali"
SCRIPT_TEXT = '<script>alert("x")</script> Watch & Co.'


@pytest.fixture(scope="module")
def evidence_server(tmp_path_factory):
    """The app over mini.ttl, extra.ttl and the ontology, with the texts of both."""
    import shutil

    texts = tmp_path_factory.mktemp("texts")
    for path in (ROOT / "data" / "ttl").glob("*.txt"):
        shutil.copy(path, texts)
    shutil.copy(ROOT / "tests" / "fixtures" / f"{EXTRA_DOC}.txt", texts)
    port = _free_port()
    log = tmp_path_factory.mktemp("evidence-server") / "server.log"
    command = [sys.executable, "-c", EVIDENCE_SERVER, str(MINI), str(EXTRA_FIXTURE),
               str(ONTOLOGY), str(texts), str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/health", timeout=5) as r:
                    if r.status == 200:
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


@pytest.fixture()
def evidence_page(browser, evidence_server):
    context = browser.new_context(base_url=evidence_server)
    page = context.new_page()
    page.set_default_timeout(20_000)
    watch = Watch(page, evidence_server)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield page, watch, dialogs
    context.close()


def test_trace_from_resource_page_then_reader(evidence_page):
    page, watch, _ = evidence_page
    page.goto("/id/org/cncltpa")
    page.locator("a.trace").first.click()
    page.wait_for_url("**/trace?s=*")
    assert page.locator("article.fact-trace").count() == 1
    svg = page.locator("figure.diagram svg.chain")
    svg.wait_for()
    assert svg.is_visible()
    assert svg.locator("text.col-head").all_text_contents() == [
        "Fact", "Claims", "Passages", "Documents", "References"]
    assert page.locator("blockquote.quote mark").first.is_visible()
    # from the quote to the passage in the document reader
    page.locator("a.read[href*='/read/usdol-findings-2017-mali#table-10-row-3-cell-1']").click()
    page.wait_for_url("**/read/usdol-findings-2017-mali#table-10-row-3-cell-1")
    target = page.locator("#table-10-row-3-cell-1")
    assert target.is_visible()
    assert "National Coordinating Committee" in target.inner_text()
    watch.check()


def test_diagram_boxes_link_to_pages(evidence_page):
    page, watch, _ = evidence_page
    page.goto("/trace?iri=https://w3id.org/ctipgraph/id/org/gatia")
    page.locator("svg.chain a[href='/read/usdol-findings-2017-mali#sentence-61']").first.click()
    page.wait_for_url("**/read/usdol-findings-2017-mali#sentence-61")
    assert "GATIA" in page.locator("#sentence-61").inner_text()
    watch.check()


def test_reader_citation_marker_leads_to_the_bibliography(evidence_page):
    page, watch, _ = evidence_page
    page.goto(f"/read/{EXTRA_DOC}")
    text = (ROOT / "tests" / "fixtures" / f"{EXTRA_DOC}.txt").read_text(encoding="utf-8")
    # the reader holds the text exactly (tables laid out as tables: the same words are shown)
    assert page.locator("#doc-text").evaluate("e => e.textContent") == text
    assert page.locator("#doc-text").inner_text().split() == text.split()
    marker = page.locator("#sentence-3 a.cite[href='#ref-2']")
    assert marker.get_attribute("title").startswith("[2] U.S. Department of State.")
    marker.click()
    page.wait_for_url(f"**/read/{EXTRA_DOC}#ref-2")
    entry = page.locator("li#ref-2")
    assert entry.is_visible()
    assert page.evaluate("document.querySelector(':target').id") == "ref-2"
    # and back from the bibliography to a citing passage
    entry.locator(".cited-by a[href='#sentence-9']").click()
    page.wait_for_url(f"**/read/{EXTRA_DOC}#sentence-9")
    assert "Tier 2 Watch List" in page.locator("#sentence-9").inner_text()
    watch.check()


def test_charts_page(evidence_page):
    page, watch, _ = evidence_page
    page.goto("/charts")
    timeline = page.locator("svg.timeline")
    timeline.wait_for()
    assert timeline.locator("g.point").count() == 6
    assert page.locator("svg.funding").count() == 2
    page.locator("svg.funding a").first.click()
    page.wait_for_url("**/trace?s=*")
    assert "amount" in page.locator("h1").inner_text()
    page.go_back()
    timeline.locator("a").first.click()
    page.wait_for_url("**/trace?s=*")
    assert page.locator("svg.chain").is_visible()
    watch.check()


@pytest.mark.parametrize("path", [
    "/trace?s=https%3A%2F%2Fw3id.org%2Fctipgraph%2Fid%2Forg%2Fscript-watch"
    "&p=https%3A%2F%2Fw3id.org%2Fctipgraph%2Fontology%23role"
    "&o=%22%3Cscript%3Ealert%28%5C%22x%5C%22%29%3C%2Fscript%3E+Watch+%26+Co.%22",
    f"/read/{EXTRA_DOC}",
    "/evidence?q=watch",
])
def test_markup_in_literals_renders_as_text(evidence_page, path):
    page, watch, dialogs = evidence_page
    page.goto(path)
    assert page.get_by_text(SCRIPT_TEXT).first.is_visible()
    assert page.evaluate("typeof window.alertFired") == "undefined"
    assert dialogs == []
    assert page.locator("main script").count() == 0
    watch.check()
