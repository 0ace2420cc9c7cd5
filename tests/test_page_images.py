"""The page behind every quote: /pages/<doc>/<n>.png renders a page of a document's PDF once and
caches it (by the PDF's hash), /download/source/<doc>.pdf serves the PDF; both find the file only
through the graph (ctip:sourceFile under SOURCES_DIR, bytes with the document's ctip:sha256), and
answer bad input with 400 and unknown documents or pages with 404. The trace and reader pages and
their JSON twins show each PDF passage's pages and boxes."""

from __future__ import annotations

import hashlib
import io
import shutil
import threading
from pathlib import Path
from urllib.parse import urlencode

import pytest
from PIL import Image

from _pdffixture import (
    COLOURS,
    DOC,
    PAGE,
    PASSAGES,
    TEXT,
    draw_pdf,
    make_pdf_fixture,
    trace_query,
    turtle,
)
from conftest import FIXTURES, make_app, make_store
from ctipgraph.serve.pages import (
    IMAGE_WIDTH,
    Box,
    PdfSource,
    PdfSources,
    figure_markup,
    parse_fragment,
)
from test_reader import parse

EXTRA = FIXTURES / "extra.ttl"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    return make_pdf_fixture(tmp_path_factory.mktemp("pdf-fixture"))


@pytest.fixture(scope="module")
def store(fixture):
    return make_store(EXTRA, fixture.ttl)


def _app(store, fixture, cache, **config):
    return make_app(store, TEXT_DIR=str(fixture.texts), SOURCES_DIR=str(fixture.sources),
                    PAGE_CACHE_DIR=str(cache), **config)


@pytest.fixture()
def app(store, fixture, tmp_path):
    return _app(store, fixture, tmp_path / "cache")


@pytest.fixture()
def client(app):
    return app.test_client()


# -- selectors ------------------------------------------------------------------------------------


def test_parse_fragment():
    assert parse_fragment("page=3&viewrect=54.0,82.1,245.3,13.2") == (3, Box(54.0, 82.1, 245.3,
                                                                             13.2))
    assert parse_fragment("page=12") == (12, None)
    for bad in ("", "page=0", "page=x", "page=1&viewrect=1,2,3", "page=1&viewrect=1,2,0,4",
                "page=1&viewrect=-1,2,3,4", "page=1&viewrect=1,2,3,4&zoom=2", "viewrect=1,2,3,4",
                "page=1&viewrect=1e9,2,3,4", "page=9999999"):
        assert parse_fragment(bad) is None, bad


def test_scale_is_bounded_for_huge_pages(tmp_path):
    sources = PdfSources(None, tmp_path, tmp_path, width=1000, max_pixels=4_000_000)
    letter = PdfSource("d", tmp_path / "d.pdf", "0" * 64, (PAGE, (14_400.0, 14_400.0),
                                                           (10.0, 10.0)))
    assert letter.sizes[0][0] * sources.scale(letter, 1) == pytest.approx(1000)
    huge = sources.scale(letter, 2)
    assert (14_400 * huge) ** 2 <= 4_000_000 * 1.0001
    assert sources.scale(letter, 3) <= 4.0  # tiny pages are not blown up without end


# -- the image route ------------------------------------------------------------------------------


def test_page_image_is_the_page_rendered(client, fixture, app):
    response = client.get(f"/pages/{DOC}/2.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(PNG)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(response.data)).convert("RGB")
    scale = IMAGE_WIDTH / PAGE[0]
    assert image.width == IMAGE_WIDTH and abs(image.height - PAGE[1] * scale) <= 1
    # the passage's boxes (points from the top left) cover what the PDF printed there
    for _, (left, top, width, height) in PASSAGES["sentence/2"][1]:
        middle = ((left + width / 2) * scale, (top + height / 2) * scale)
        assert image.getpixel(middle) == pytest.approx(COLOURS["sentence/2"], abs=40)
    assert image.getpixel((5, 5)) == pytest.approx((255, 255, 255), abs=5)  # white margin
    cached = sorted(Path(app.config["PAGE_CACHE_DIR"]).iterdir())
    assert [p.name for p in cached] == [f"{fixture.sha256}-2-{IMAGE_WIDTH}.png"]  # no temp file


@pytest.fixture()
def renders(monkeypatch) -> list[int]:
    """The pages PdfSources renders (rather than finds in its cache)."""
    seen: list[int] = []
    original = PdfSources._render

    def counting(self, source, page):
        seen.append(page)
        return original(self, source, page)

    monkeypatch.setattr(PdfSources, "_render", counting)
    return seen


def test_page_image_is_rendered_once_then_served_from_the_cache(client, app, store, fixture,
                                                                 renders):
    first = client.get(f"/pages/{DOC}/1.png")
    second = client.get(f"/pages/{DOC}/1.png")
    assert first.data == second.data and renders == [1]
    etag = first.headers["ETag"]
    assert client.get(f"/pages/{DOC}/1.png", headers={"If-None-Match": etag}).status_code == 304
    # another app (a restarted server) over the same cache folder reuses the file
    again = _app(store, fixture, app.config["PAGE_CACHE_DIR"]).test_client()
    assert again.get(f"/pages/{DOC}/1.png").data == first.data and renders == [1]


def test_concurrent_requests_render_a_page_once(app, renders):
    statuses: list[int] = []

    def fetch():
        statuses.append(app.test_client().get(f"/pages/{DOC}/2.png").status_code)

    threads = [threading.Thread(target=fetch) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 6 and renders == [2]


def test_cache_is_keyed_by_the_pdf_hash(fixture, tmp_path):
    """A rebuilt PDF (new bytes, new ctip:sha256) gets new images; a PDF whose bytes no longer
    match the graph is not used at all (its boxes were measured on the old file)."""
    sources = tmp_path / "sources"
    shutil.copytree(fixture.sources, sources)
    pdf = sources / "pdf" / f"{DOC}.pdf"
    app = make_app(make_store(fixture.ttl), TEXT_DIR=str(fixture.texts),
                   SOURCES_DIR=str(sources), PAGE_CACHE_DIR=str(tmp_path / "cache"))
    client = app.test_client()
    assert client.get(f"/pages/{DOC}/1.png").status_code == 200
    draw_pdf(pdf, pages=3)  # rebuilt: different bytes, the graph still has the old hash
    assert client.get(f"/pages/{DOC}/1.png").status_code == 404
    assert client.get(f"/download/source/{DOC}.pdf").status_code == 404
    new_sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    ttl = tmp_path / "rebuilt.ttl"
    ttl.write_text(turtle(new_sha), encoding="utf-8")
    rebuilt = make_app(make_store(ttl), TEXT_DIR=str(fixture.texts), SOURCES_DIR=str(sources),
                       PAGE_CACHE_DIR=str(tmp_path / "cache")).test_client()
    assert rebuilt.get(f"/pages/{DOC}/3.png").status_code == 200
    names = sorted(p.name.split("-")[0] for p in (tmp_path / "cache").glob("*.png"))
    assert names == sorted([fixture.sha256, new_sha])


@pytest.mark.parametrize("path,status", [
    (f"/pages/{DOC}/0.png", 404),
    (f"/pages/{DOC}/3.png", 404),  # the PDF has two pages
    (f"/pages/{DOC}/999999.png", 404),
    ("/pages/no-such-document/1.png", 404),
    ("/pages/usdol-findings-2017-mali/1.png", 404),  # a text-only document
    ("/pages/fixture-extra-2019-mali/1.png", 404),
    (f"/pages/{DOC}/1.jpg", 400),
    (f"/pages/{DOC}/one.png", 400),
    (f"/pages/{DOC}/-1.png", 400),
    (f"/pages/{DOC}/1.png.png", 400),
    (f"/pages/{DOC}/1234567.png", 400),
    (f"/pages/{DOC}/1", 400),
    ("/pages/Bad_Name/1.png", 400),
    ("/pages/../1.png", 400),
    ("/pages/..%2F..%2Fetc/1.png", 404),
    ("/pages/%2e%2e/1.png", 400),
    (f"/pages/{'a' * 300}/1.png", 400),
    (f"/pages/{DOC}", 404),
])
def test_page_image_errors(client, path, status):
    response = client.get(path)
    assert response.status_code == status, path
    assert response.mimetype == "text/html"


# -- the PDF --------------------------------------------------------------------------------------


def test_download_source_pdf(client, fixture):
    response = client.get(f"/download/source/{DOC}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == fixture.pdf.read_bytes()
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["ETag"].strip('"') == fixture.sha256
    ranged = client.get(f"/download/source/{DOC}.pdf", headers={"Range": "bytes=0-7"})
    assert ranged.status_code == 206 and ranged.data == fixture.pdf.read_bytes()[:8]


@pytest.mark.parametrize("path,status", [
    (f"/download/source/{DOC}.txt", 404),
    (f"/download/source/{DOC}", 404),
    ("/download/source/no-such-document.pdf", 404),
    ("/download/source/usdol-findings-2017-mali.pdf", 404),
    ("/download/source/Bad.pdf", 400),
    ("/download/source/..%2Fttl%2Fx.pdf", 404),
    ("/download/source/.pdf", 400),
])
def test_download_source_errors(client, path, status):
    assert client.get(path).status_code == status, path


@pytest.mark.parametrize("source_file", [
    "../outside.pdf", "/etc/passwd.pdf", "pdf/../../outside.pdf", "pdf//x.pdf", "pdf\\x.pdf",
    "link.pdf",
])
def test_source_file_never_leads_out_of_the_sources_folder(fixture, tmp_path, source_file):
    """Even a graph naming a file outside SOURCES_DIR (or a symlink leading out) serves
    nothing."""
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(fixture.pdf.read_bytes())
    sources = tmp_path / "sources"
    (sources / "pdf").mkdir(parents=True)
    (sources / "link.pdf").symlink_to(outside)
    ttl = tmp_path / "evil.ttl"
    ttl.write_text(turtle(hashlib.sha256(outside.read_bytes()).hexdigest(), source_file),
                   encoding="utf-8")
    client = make_app(make_store(ttl), TEXT_DIR=str(fixture.texts), SOURCES_DIR=str(sources),
                      PAGE_CACHE_DIR=str(tmp_path / "cache")).test_client()
    assert client.get(f"/pages/{DOC}/1.png").status_code == 404
    assert client.get(f"/download/source/{DOC}.pdf").status_code == 404


# -- the views ------------------------------------------------------------------------------------


def test_trace_json_lists_pages_boxes_and_images(client):
    data = client.get("/trace.json?" + urlencode(trace_query())).get_json()
    [passage] = data["facts"][0]["claims"][0]["passages"]
    [page] = passage["pages"]
    assert page["page"] == 2 and page["page_count"] == 2
    assert page["width"] == PAGE[0] and page["height"] == PAGE[1]
    assert page["boxes"] == [{"left": b[0], "top": b[1], "width": b[2], "height": b[3]}
                             for _, b in PASSAGES["sentence/2"][1]]
    assert page["image"].startswith(f"/pages/{DOC}/2.png?v=")
    assert page["pdf"] == f"/download/source/{DOC}.pdf#page=2"
    assert client.get(page["image"]).status_code == 200


def test_trace_page_shows_the_page_beside_the_quote(client):
    html = client.get("/trace?" + urlencode(trace_query())).get_data(as_text=True)
    assert 'class="passage-quote with-pages"' in html
    assert f'<img src="/pages/{DOC}/2.png?v=' in html and 'loading="lazy"' in html
    assert '<svg viewBox="0 0 612 792" preserveAspectRatio="none"' in html
    assert '<rect x="100" y="200" width="300" height="40"/>' in html
    assert f'href="/download/source/{DOC}.pdf#page=2">page 2 of 2 · open the PDF here' in html


def test_text_only_documents_look_as_before(client):
    gatia = {"s": "https://w3id.org/ctipgraph/id/org/gatia",
             "p": "https://w3id.org/ctipgraph/ontology#engagesIn",
             "o": "https://w3id.org/ctipgraph/id/concept/exploitation/child-soldiering"}
    html = client.get("/trace?" + urlencode(gatia)).get_data(as_text=True)
    assert "pdf-page" not in html and "with-pages" not in html
    data = client.get("/trace.json?" + urlencode(gatia)).get_json()
    assert all(p["pages"] == [] for c in data["facts"][0]["claims"] for p in c["passages"])
    reader = client.get("/read/fixture-extra-2019-mali").get_data(as_text=True)
    assert "pdf-page" not in reader and "page-mark" not in reader


def test_reader_hides_each_passage_page_until_it_is_targeted(client):
    html = client.get(f"/read/{DOC}").get_data(as_text=True)
    tree = parse(html)
    assert not tree.errors, tree.errors
    assert tree.doc_text == TEXT  # the figures add no text
    assert html.count('class="pdf-page"') == 4  # 1 + 1 + 2 pages
    assert html.count('loading="lazy"') == 4
    assert f'<a class="pdf" href="/download/source/{DOC}.pdf" type="application/pdf">' in html
    assert 'class="page-mark" href="#sentence-1" data-label="page 1"' in html
    local = {a["href"][1:] for a in tree.links if a.get("href", "").startswith("#")}
    assert local <= set(tree.ids)


def test_reader_json_twin_has_the_pages(client):
    response = client.get(f"/read/{DOC}.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert data["document"]["pdf"] == {"href": f"/download/source/{DOC}.pdf", "pages": 2}
    by_anchor = {p["anchor"]: p for p in data["passages"]}
    spanning = by_anchor["sentence-3"]["pages"]
    assert [p["page"] for p in spanning] == [1, 2]
    assert [p["boxes"][0]["top"] for p in spanning] == [700.0, 72.0]
    assert by_anchor["sentence-2"]["facts"] == [
        {"s": trace_query()["s"], "p": trace_query()["p"], "o": trace_query()["o"]}]
    assert f"/read/{DOC}.json" in client.get(f"/read/{DOC}").headers["Link"]


def test_pages_without_the_pdf_show_numbers_only(store, fixture, tmp_path):
    """When SOURCES_DIR lacks the PDF, the pages are still listed, without image or link."""
    client = make_app(store, TEXT_DIR=str(fixture.texts), SOURCES_DIR=str(tmp_path),
                      PAGE_CACHE_DIR=str(tmp_path / "cache")).test_client()
    data = client.get("/trace.json?" + urlencode(trace_query())).get_json()
    [page] = data["facts"][0]["claims"][0]["passages"][0]["pages"]
    assert page["page"] == 2 and "image" not in page and "pdf" not in page
    html = client.get("/trace?" + urlencode(trace_query())).get_data(as_text=True)
    assert "pdf-page" not in html and " · page 2" in html
    assert client.get(f"/pages/{DOC}/1.png").status_code == 404


def test_figure_markup_escapes_and_holds_no_text():
    view = {"page": 1, "page_count": 3, "width": 612, "height": 792, "pixels": [1000, 1295],
            "boxes": [{"left": 1.5, "top": 2, "width": 3, "height": 4}],
            "image": '/pages/x/1.png?v="<>', "pdf": "/download/source/x.pdf#page=1"}
    html = str(figure_markup(view, 'a "name" <b>'))
    assert '"<>' not in html and "&#34;&lt;&gt;" in html
    assert parse(f'<div id="doc-text">{html}</div>').doc_text == ""
    assert figure_markup({"page": 1, "boxes": []}) == ""
