"""The page behind every quote, in a real browser (Debian's headless Chromium via Playwright): the
trace page and the document reader show the PDF page of a quoted passage as an image, with the
passage's boxes drawn over it where the passage is printed. Screenshots go to the test's tmp dir.

The server serves the fixture PDF document (tests/_pdffixture.py: coloured rectangles where its
passages are) and, when data/ttl/ and data/sources/ hold it, a real USDOL report."""

from __future__ import annotations

import shutil
from urllib.parse import urlencode

import pytest

from _browser import app_server, watched_page
from _pdffixture import COLOURS, DOC, PAGE, PASSAGES, make_pdf_fixture, trace_query
from ctipgraph.paths import ONTOLOGY, SOURCES_DIR, TTL_DIR

pytestmark = pytest.mark.browser

REAL_DOC = "usdol-findings-2019-mali"


def _real_document(sources, texts) -> list:
    """The real report's Turtle, its PDF and text copied beside the fixture's, when at hand."""
    ttl, pdf, txt = (TTL_DIR / f"{REAL_DOC}.ttl", SOURCES_DIR / "pdf" / f"{REAL_DOC}.pdf",
                     TTL_DIR / f"{REAL_DOC}.txt")
    if not (ttl.is_file() and pdf.is_file() and txt.is_file()) or \
            "viewrect=" not in ttl.read_text(encoding="utf-8"):
        return []
    shutil.copy(pdf, sources / "pdf")
    shutil.copy(txt, texts)
    return [ttl]


@pytest.fixture(scope="module")
def pages_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf-docs")
    fixture = make_pdf_fixture(folder)
    real = _real_document(fixture.sources, fixture.texts)
    config = {"TEXT_DIR": str(fixture.texts), "SOURCES_DIR": str(fixture.sources),
              "PAGE_CACHE_DIR": str(folder / "cache"), "QUERY_WORKERS": 0}
    with app_server([fixture.ttl, *real, ONTOLOGY], config, folder / "server.log") as base:
        yield base, bool(real)


@pytest.fixture()
def page(browser, pages_server):
    base, _ = pages_server
    with watched_page(browser, base, viewport={"width": 1280, "height": 900}) as (page, watch):
        images: list[str] = []
        page.on("request", lambda r: images.append(r.url) if "/pages/" in r.url else None)
        yield page, watch, images


#: the geometry of a figure: its image (natural size too) and each box drawn over it
GEOMETRY = """figure => {
  const img = figure.querySelector('img');
  const box = r => { const b = r.getBoundingClientRect();
                     return {left: b.left, top: b.top, width: b.width, height: b.height}; };
  return {image: box(img), natural: [img.naturalWidth, img.naturalHeight],
          boxes: [...figure.querySelectorAll('svg rect')].map(box)};
}"""
#: the colour of the image's pixel at the middle of a box (the image drawn on a canvas)
PIXEL = """(figure, index) => {
  const img = figure.querySelector('img');
  const rect = figure.querySelectorAll('svg rect')[index].getBoundingClientRect();
  const frame = img.getBoundingClientRect();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const x = (rect.left + rect.width / 2 - frame.left) * img.naturalWidth / frame.width;
  const y = (rect.top + rect.height / 2 - frame.top) * img.naturalHeight / frame.height;
  return [...context.getImageData(Math.floor(x), Math.floor(y), 1, 1).data].slice(0, 3);
}"""


def _loaded(page, figure) -> dict:
    """Scroll a figure into view, wait for its (lazy) image, return its geometry."""
    figure.scroll_into_view_if_needed()
    figure.locator("img").evaluate(
        "img => img.complete && img.naturalWidth > 0 ? true : new Promise((ok, no) => {"
        " img.addEventListener('load', () => ok(true)); img.addEventListener('error', no); })")
    return figure.evaluate(GEOMETRY)


def _check_boxes(geometry: dict, expected: list[tuple[float, float, float, float]]) -> None:
    """Every box is a non-empty rectangle inside the image, where the viewrect says (points
    scaled to the image's displayed size)."""
    image = geometry["image"]
    assert geometry["natural"][0] > 0 and geometry["natural"][1] > 0
    assert image["width"] > 0 and image["height"] > 0
    assert len(geometry["boxes"]) == len(expected)
    scale = image["width"] / PAGE[0]
    for box, (left, top, width, height) in zip(geometry["boxes"], expected, strict=True):
        assert box["width"] > 0 and box["height"] > 0
        assert image["left"] <= box["left"] and box["left"] + box["width"] <= \
            image["left"] + image["width"] + 0.5
        assert image["top"] <= box["top"] and box["top"] + box["height"] <= \
            image["top"] + image["height"] + 0.5
        for got, want in ((box["left"] - image["left"], left), (box["top"] - image["top"], top),
                          (box["width"], width), (box["height"], height)):
            assert abs(got - want * scale) <= 1.5, (box, (left, top, width, height))


def test_trace_shows_the_page_with_the_passage_outlined(page, tmp_path):
    page, watch, _ = page
    page.goto("/trace?" + urlencode(trace_query()))
    figure = page.locator(".passage-quote .quote-pages .pdf-page")
    assert figure.count() == 1
    geometry = _loaded(page, figure)
    _check_boxes(geometry, [box for _, box in PASSAGES["sentence/2"][1]])
    # the box is drawn over the passage as printed: the PDF's red rectangle is under it
    for index in range(2):
        red, green, blue = figure.evaluate(PIXEL, index)
        assert (red, green, blue) == pytest.approx(COLOURS["sentence/2"], abs=40)
    assert figure.locator("a.page-pdf").get_attribute("href") == \
        f"/download/source/{DOC}.pdf#page=2"
    assert "page 2 of 2" in figure.locator("a.page-pdf").inner_text()
    page.locator("article.fact-trace").screenshot(path=str(tmp_path / "trace-fixture.png"))
    watch.check()


def test_reader_shows_the_page_only_for_the_targeted_passage(page, tmp_path):
    page, watch, images = page
    page.goto(f"/read/{DOC}")
    page.wait_for_load_state("networkidle")
    assert images == []  # nothing targeted: no page image is fetched
    assert page.locator("#doc-text .pdf-page").count() == 4  # one per page of each passage
    assert not page.locator("#doc-text .pdf-page").first.is_visible()
    page.goto(f"/read/{DOC}#sentence-3")  # a passage printed across two pages
    figures = page.locator("#sentence-3 > .pdf-pages > .pdf-page")
    assert figures.count() == 2 and figures.first.is_visible()
    for number, figure in enumerate(figures.all(), 1):
        geometry = _loaded(page, figure)
        _check_boxes(geometry, [box for p, box in PASSAGES["sentence/3"][1] if p == number])
    assert not page.locator("#sentence-1 .pdf-page").first.is_visible()
    assert {url.split("?")[0].rsplit("/", 1)[-1] for url in images} == {"1.png", "2.png"}
    page.locator("#doc-text").screenshot(path=str(tmp_path / "reader-fixture.png"))
    # a page mark targets the passage a page begins with
    page.locator("a.page-mark[data-label='page 1']").click()
    page.wait_for_url(f"**/read/{DOC}#sentence-1")
    assert page.locator("#sentence-1 > .pdf-pages > .pdf-page").is_visible()
    watch.check()


def test_a_real_report_page_behind_a_quote(page, pages_server, tmp_path):
    if not pages_server[1]:
        pytest.skip(f"{REAL_DOC} is not built from its PDF in data/ttl/ and data/sources/")
    page, watch, _ = page
    doc = f"https://w3id.org/ctipgraph/id/doc/{REAL_DOC}"
    data = page.request.get("/sparql", params={"query": f"""
        PREFIX ctip: <https://w3id.org/ctipgraph/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?s ?p ?o WHERE {{
          ?c a ctip:Claim ; ctip:inDocument <{doc}> ; rdf:subject ?s ; rdf:predicate ?p ;
             rdf:object ?o ; prov:wasQuotedFrom ?passage .
          ?passage a ctip:Sentence ; oa:hasSelector ?box . FILTER(STRENDS(STR(?box), "#box-1"))
          FILTER(isIRI(?o))
        }} ORDER BY ?c LIMIT 1"""}, headers={"Accept": "application/sparql-results+json"})
    [row] = data.json()["results"]["bindings"]
    page.goto("/trace?" + urlencode({k: row[k]["value"] for k in ("s", "p", "o")}))
    figure = page.locator(".quote-pages .pdf-page").first
    geometry = _loaded(page, figure)
    assert geometry["natural"][0] >= 500
    image = geometry["image"]
    for box in geometry["boxes"]:
        assert box["width"] > 0 and box["height"] > 0
        assert image["left"] <= box["left"] <= box["left"] + box["width"] <= \
            image["left"] + image["width"] + 0.5
        assert image["top"] <= box["top"] <= box["top"] + box["height"] <= \
            image["top"] + image["height"] + 0.5
    page.locator(".passage-quote").first.screenshot(path=str(tmp_path / "trace-real.png"))
    watch.check()
