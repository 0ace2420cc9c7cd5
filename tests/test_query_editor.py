"""The query editor's Answers view (issue 12) in Debian's headless Chromium: labels and local
links for IRIs, names that are valid SPARQL, readable numbers with the datatype on hover,
sortable columns, CSV download — against a real server over the mini graph (the server and
browser fixtures of tests/test_browser.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from test_browser import YASGUI, page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

QUERY = """SELECT ?funding ?funder ?amount ?year WHERE {
  ?funding ctip:funder ?funder ; ctip:amount ?amount .
  OPTIONAL { ?funding ctip:year ?year }
} ORDER BY ?amount"""


def run(tab, query: str, answers: str) -> None:
    tab.goto("/query")
    tab.wait_for_function("() => window.ctipYasgui !== undefined && window.ctipReady")
    tab.evaluate("window.ctipReady")
    tab.evaluate("q => { const t = window.ctipYasgui.getTab(); t.setQuery(q); "
                  "t.getYasqe().query(); }", query)
    tab.locator(".ctip-results.labelled .ctip-count", has_text=answers).wait_for()


def column(tab, index: int) -> list[str]:
    return tab.locator(f".ctip-table tbody tr td:nth-child({index})").all_inner_texts()


def test_answers_have_labels_local_links_and_readable_numbers(page):  # noqa: F811
    if not YASGUI.is_file():
        pytest.skip("node_modules not installed (make install runs npm ci)")
    page, watch = page
    run(page, QUERY, "4 answers")
    assert page.locator(".ctip-count").inner_text() == "4 answers"
    amounts = column(page, 3)
    assert amounts == ["381,000", "802,455", "3,000,000", "13,000,000"]
    raw = page.locator(".ctip-table td.num .ctip-literal").first.get_attribute("title")
    assert raw == '"381000"^^xsd:decimal'
    funder = page.locator(".ctip-table a.ctip-iri[href='/id/org/european-union']").first
    assert funder.inner_text() == "European Union"
    assert funder.get_attribute("title") == "<https://w3id.org/ctipgraph/id/org/european-union>"
    # a name without a label is written as valid SPARQL: the full IRI, never id:funding/…
    for text in column(page, 1):
        assert not text.startswith("id:"), text
    # sort by the funder column, then the other way
    page.locator("th button.ctip-sort", has_text="funder").click()
    ascending = column(page, 2)
    assert ascending == sorted(ascending, key=str.lower)
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("funder")
    page.locator("th button.ctip-sort", has_text="funder").click()
    assert column(page, 2) == ascending[::-1]
    page.locator("th button.ctip-sort", has_text="amount").click()
    assert column(page, 3) == amounts  # numbers sort as numbers
    with page.expect_download() as download:
        page.locator("button.ctip-csv").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0].keys() >= {"funding", "funder", "funder_label", "amount", "year"}
    assert [r["amount"] for r in rows] == ["381000", "802455", "3000000", "13000000"]
    assert "European Union" in {r["funder_label"] for r in rows}
    assert all(r["funder"].startswith("https://w3id.org/ctipgraph/id/") for r in rows)
    # IRIs without a label: the full <IRI> (valid SPARQL), still linked to the local page
    run(page, "SELECT ?claim WHERE { ?claim a ctip:Claim } ORDER BY ?claim LIMIT 2", "2 answers")
    claim = page.locator(".ctip-table a.ctip-iri").first
    assert claim.inner_text().startswith("<https://w3id.org/ctipgraph/id/doc/")
    assert claim.get_attribute("href").startswith("/id/doc/")
    watch.check()


def test_answers_fit_a_phone_screen(page):  # noqa: F811
    if not YASGUI.is_file():
        pytest.skip("node_modules not installed (make install runs npm ci)")
    page, watch = page
    page.set_viewport_size({"width": 390, "height": 844})
    run(page, "SELECT ?claim ?passage ?quote WHERE { ?claim prov:wasQuotedFrom ?passage . "
              "?passage oa:hasSelector/oa:exact ?quote } LIMIT 5", "5 answers")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width} px"
    watch.check()


def test_an_example_answers_with_its_sources(page):  # noqa: F811
    """Example 01 run from its link: each answer row has its quote and the document, the
    document shown by its title and linked to its page."""
    if not YASGUI.is_file():
        pytest.skip("node_modules not installed (make install runs npm ci)")
    page, watch = page
    page.goto("/query?example=01-programs-funders-implementers")
    page.wait_for_function("() => window.ctipYasgui !== undefined && window.ctipReady")
    page.evaluate("window.ctipReady")
    page.evaluate("window.ctipYasgui.getTab().getYasqe().query()")
    page.locator(".ctip-results.labelled .ctip-count", has_text="4 answers").wait_for()
    headers = page.locator(".ctip-table thead th").all_inner_texts()
    assert headers[-2:] == ["quote", "document"]
    quote = page.locator(".ctip-table tbody tr").nth(2).locator("td").nth(len(headers) - 2)
    assert "$13 million EU-funded global project" in quote.inner_text()
    document = page.locator(".ctip-table tbody tr").nth(2).locator("td").last.locator("a")
    assert document.get_attribute("href") == "/id/doc/usdol-findings-2017-mali"
    assert document.inner_text() == "2017 Findings on the Worst Forms of Child Labor: Mali"
    watch.check()
