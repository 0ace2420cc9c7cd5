"""The linked-data pages in Debian's headless Chromium: the home page's links to the endpoint,
downloads, VoID, DCAT and context lead somewhere, and /download fits a 390 px screen without
console errors (CSP) — the server and page fixtures of tests/test_browser.py."""

from __future__ import annotations

import pytest

from test_browser import page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_home_links_to_the_linked_data_and_download_fits_a_phone(page):  # noqa: F811
    page, watch = page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    section = page.locator("section[aria-labelledby=linked-data]")
    for name in ("SPARQL endpoint", "Downloads", "VoID description", "DCAT description",
                 "JSON-LD context"):
        href = section.get_by_role("link", name=name).get_attribute("href")
        assert page.request.get(href).status == 200, name
    section.get_by_role("link", name="Downloads").click()
    page.wait_for_url("**/download")
    assert page.locator("h1").inner_text() == "Download the ctipgraph dataset"
    assert page.locator("main table tbody tr").count() == 10
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    watch.check()
