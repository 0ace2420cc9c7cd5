"""The browse view in a real browser: Debian's headless Chromium, driven by Playwright, against a
real server over the mini graph (started as a subprocess). No request may leave this machine and no
page may log a console error."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from _browser import app_server, watched_page
from _ctipserver import Server, ctipgraph_command
from conftest import MINI
from ctipgraph.paths import ONTOLOGY, ROOT

pytestmark = pytest.mark.browser

YASGUI = ROOT / "node_modules" / "@zazuko" / "yasgui" / "build" / "yasgui.min.js"


def _cli_serves() -> bool:
    """Whether `ctipgraph serve` is there to serve the app (else waitress serves it alone)."""
    return subprocess.run([*ctipgraph_command(), "serve", "--help"],
                          capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`ctipgraph serve` over the mini graph and the ontology."""
    if not _cli_serves():
        log = tmp_path_factory.mktemp("server") / "server.log"
        with app_server([MINI, ONTOLOGY], {}, log) as base:
            yield base
        return
    cli = Server("--host", "127.0.0.1", "--data", str(MINI), "--data", str(ONTOLOGY))
    try:
        yield cli.url
    finally:
        cli.stop()


@pytest.fixture()
def page(browser, server):
    with watched_page(browser, server) as (page, watch):
        yield page, watch


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


@pytest.fixture()
def editor_page(page):
    """`page`, the test skipped when the query editor's script is not installed."""
    if not YASGUI.is_file():
        pytest.skip("node_modules not installed (make install runs npm ci)")
    return page


def test_query_editor_runs_a_query(editor_page):
    page, watch = editor_page
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


def test_query_editor_opens_example_from_link(editor_page):
    page, watch = editor_page
    page.goto("/")
    page.locator("a[href='/query?example=04-armed-groups-children']").click()
    page.wait_for_function("() => window.ctipYasgui !== undefined")
    assert "engagesIn" in page.evaluate("window.ctipYasgui.getTab().getQuery()")
    watch.check()


# -- evidence pages: trace, reader, charts, evidence report (issue 6) ----------------------------

EXTRA_FIXTURE = ROOT / "tests" / "fixtures" / "extra.ttl"
EXTRA_DOC = "fixture-extra-2019-mali"
SCRIPT_TEXT = '<script>alert("x")</script> Watch & Co.'


@pytest.fixture(scope="module")
def evidence_server(tmp_path_factory):
    """The app over mini.ttl, extra.ttl and the ontology, with the texts of both."""
    texts = tmp_path_factory.mktemp("texts")
    for path in (ROOT / "data" / "ttl").glob("*.txt"):
        shutil.copy(path, texts)
    shutil.copy(ROOT / "tests" / "fixtures" / f"{EXTRA_DOC}.txt", texts)
    log = tmp_path_factory.mktemp("evidence-server") / "server.log"
    with app_server([MINI, EXTRA_FIXTURE, ONTOLOGY], {"TEXT_DIR": str(texts)}, log) as base:
        yield base


@pytest.fixture()
def evidence_page(browser, evidence_server):
    with watched_page(browser, evidence_server) as (page, watch):
        yield page, watch, watch.dialogs


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
