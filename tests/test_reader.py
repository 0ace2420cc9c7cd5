"""The document reader (/read/<doc>): slicing a text into nested spans without losing or
duplicating a character, anchors for every passage, highlighted claimed passages, citation markers
linked to the bibliography, "cited by" lists, escaping, the .txt twin and the error pages."""

from __future__ import annotations

import random
from html.parser import HTMLParser

import pytest

from conftest import FIXTURES, make_app, make_store
from ctipgraph.paths import ONTOLOGY, TTL_DIR
from ctipgraph.serve.reader import Span, anchor_id, locate, passage_name, render_spans

EXTRA = FIXTURES / "extra.ttl"
EXTRA_DOC = "fixture-extra-2019-mali"
EXTRA_TEXT = (FIXTURES / f"{EXTRA_DOC}.txt").read_text(encoding="utf-8")
ID = "https://w3id.org/ctipgraph/id/"


@pytest.fixture(scope="module")
def client(texts):
    return make_app(make_store(EXTRA), TEXT_DIR=str(texts)).test_client()


class Tree(HTMLParser):
    """Checks that tags nest, collects ids, links and the text inside #doc-text."""

    VOID = {"br", "img", "input", "link", "meta", "hr", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.links: list[dict] = []
        self.depth_in_text: int | None = None
        self.text_parts: list[str] = []
        self.errors: list[str] = []
        self._link: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.VOID:
            return
        self.stack.append(tag)
        if "id" in a:
            self.ids.append(a["id"])
        if a.get("id") == "doc-text":
            self.depth_in_text = len(self.stack)
        if tag == "a":
            self._link = dict(a, text="")
            self.links.append(self._link)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '-'}>")
            return
        if self.depth_in_text == len(self.stack):
            self.depth_in_text = -1  # done
        self.stack.pop()
        if tag == "a":
            self._link = None

    def handle_data(self, data):
        if self.depth_in_text not in (None, -1):
            self.text_parts.append(data)
        if self._link is not None:
            self._link["text"] += data

    @property
    def doc_text(self) -> str:
        return "".join(self.text_parts)


def parse(html: str) -> Tree:
    tree = Tree()
    tree.feed(html)
    tree.close()
    return tree


def strip(html: str) -> str:
    """The text of an HTML fragment (tags dropped, entities decoded)."""
    tree = Tree()
    tree.depth_in_text = 0
    tree.feed(html)
    assert not tree.errors, tree.errors
    assert not tree.stack, f"unclosed: {tree.stack}"
    return tree.doc_text


# -- render_spans ---------------------------------------------------------------------------------


def test_nested_spans_keep_every_character():
    text = "Row: cell one\tcell <two> & more"
    spans = [Span(0, len(text), attrs={"id": "row", "class": "p"}, rank=1),
             Span(0, 13, attrs={"id": "cell-1"}, rank=2),
             Span(14, len(text), attrs={"id": "cell-2"}, rank=2),
             Span(19, 24, "a", {"href": "#x", "title": 'a "quote" <b>'}, rank=3)]
    html = render_spans(text, spans)
    assert strip(html) == text
    assert "&lt;two&gt;" in html and "&amp; more" in html
    assert 'title="a &#34;quote&#34; &lt;b&gt;"' in html
    assert html.index('id="row"') < html.index('id="cell-1"') < html.index('id="cell-2"')


def test_crossing_spans_are_cut_not_lost():
    text = "abcdefghij"
    html = render_spans(text, [Span(0, 6, attrs={"id": "a"}), Span(3, 9, attrs={"id": "b"})])
    assert strip(html) == text
    assert html.count('id="a"') == 1 and html.count('id="b"') == 1
    assert 'class="cont"' in html  # the cut span goes on as a continuation without its id


def test_empty_and_out_of_range_spans():
    text = "hello"
    html = render_spans(text, [Span(2, 2, attrs={"id": "point"}), Span(-5, 99, attrs={"id": "all"}),
                               Span(4, 1, attrs={"id": "reversed"})])
    assert strip(html) == text
    assert '<span id="point"></span>' in html
    assert render_spans("", []) == ""
    assert render_spans("x<y", []) == "x&lt;y"


@pytest.mark.parametrize("seed", range(25))
def test_random_spans_never_lose_or_duplicate_characters(seed):
    rng = random.Random(seed)
    text = "".join(rng.choice("ab <&>\n\t\"'é¹") for _ in range(rng.randint(0, 120)))
    spans = []
    for n in range(rng.randint(0, 30)):
        a, b = rng.randint(-3, len(text) + 3), rng.randint(-3, len(text) + 3)
        spans.append(Span(a, b, rng.choice(["span", "a"]), {"id": f"s{n}"}, rank=rng.randint(0, 3),
                          inner=rng.choice(["", '<a class="claims-link" href="#"></a>'])))
    html = render_spans(text, spans)
    assert strip(html) == text
    tree = parse(f'<div id="doc-text">{html}</div>')
    assert len(tree.ids) == len(set(tree.ids)), "an id was written twice"


def test_locate_finds_moved_quotes():
    text = "alpha beta gamma beta"
    assert locate(text, 6, 10, "beta") == (6, 10)
    assert locate(text, 15, 19, "beta") == (17, 21)  # nearest occurrence
    assert locate(text, 0, 5, "delta") is None


def test_anchor_ids_and_names():
    base = ID + "doc/usdol-findings-2017-mali/"
    assert anchor_id(base + "sentence/12") == "sentence-12"
    assert anchor_id(base + "table/2/row/3") == "table-2-row-3"
    assert anchor_id(base + "table/2/row/3/cell/1") == "table-2-row-3-cell-1"
    assert anchor_id(base + "ref/hilson-2008/entry") == "ref-hilson-2008-entry"
    assert anchor_id(base + "sentence/12#quote") == "sentence-12"
    assert passage_name(base + "table/10/row/3/cell/2") == "table 10 · row 3 · cell 2"


# -- the reader page ------------------------------------------------------------------------------


def test_reader_shows_the_text_exactly(client):
    response = client.get(f"/read/{EXTRA_DOC}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    tree = parse(html)
    assert not tree.errors, tree.errors
    assert tree.doc_text == EXTRA_TEXT
    assert len(tree.ids) == len(set(tree.ids))
    for anchor in ("field-1", "sentence-2", "sentence-10", "table-1-row-2", "table-1-row-2-cell-2",
                   "footnote-1", "ref-1-entry", "ref-1", "ref-2", "ref-3", "section-1",
                   "section-2", "bibliography"):
        assert anchor in tree.ids, anchor


def test_reader_escapes_markup_in_the_text(client):
    html = client.get(f"/read/{EXTRA_DOC}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Watch &amp; Co." in html


def test_claimed_passages_are_highlighted_and_linked(client):
    html = client.get(f"/read/{EXTRA_DOC}").get_data(as_text=True)
    assert 'id="sentence-3" class="p p-sentence claimed"' in html
    assert 'id="sentence-1" class="p p-sentence"' in html  # quoted by no claim
    tree = parse(html)
    claims = [a for a in tree.links if a.get("class") == "claims-link" and a.get("href")]
    assert claims and all(a["text"] == "" for a in claims)  # no visible text added
    # sentence/10 backs one fact: its link goes straight to the trace
    assert any(a["href"].startswith("/trace?s=https%3A%2F%2Fw3id.org%2Fctipgraph%2Fid%2Forg"
                                    "%2Fscript-watch") for a in claims)
    # sentence/3 backs several: its link goes to the passage's page
    assert any(a["href"] == f"/id/doc/{EXTRA_DOC}/sentence/3#stated" for a in claims)


def test_citation_markers_link_to_the_bibliography(client):
    tree = parse(client.get(f"/read/{EXTRA_DOC}").get_data(as_text=True))
    cites = [a for a in tree.links if a.get("class") == "cite" and a.get("href")]
    # "(1; 2)" is split into one link per reference, "(1)" is one link, "¹" a footnote link
    assert {"text": "1", "href": "#ref-1"}.items() <= next(
        a for a in cites if a["text"] == "1").items()
    assert any(a["text"] == "2" and a["href"] == "#ref-2" for a in cites)
    assert any(a["text"] == "(3)" and a["href"] == "#ref-3" for a in cites)
    footnote = next(a for a in cites if a["text"] == "¹")
    assert footnote["href"] == "#footnote-1"
    assert footnote["title"].startswith("footnote 1: ¹ The assessment was published")
    ref1 = next(a for a in cites if a["href"] == "#ref-1")
    assert ref1["title"].startswith("[1] Sahel Evaluation Partners. Final Evaluation")
    assert ref1["title"].endswith("[source on file]")


def test_bibliography_lists_the_citing_passages(client):
    html = client.get(f"/read/{EXTRA_DOC}").get_data(as_text=True)
    start = html.index('<li id="ref-1">')
    entry = html[start:html.index("</li>", start)]
    for anchor in ("#sentence-2", "#sentence-3", "#table-1-row-2-cell-2", "#ref-1-entry"):
        assert f'href="{anchor}"' in entry
    assert "source on file" in entry
    assert "backs 8 claims" in entry


def test_mini_documents_read_with_unplaced_passages_reported(client, texts):
    """mini.ttl's quotes predate the current normalization of some texts: the reader keeps the
    text whole, places what it can and lists what it cannot."""
    response = client.get("/read/usdol-findings-2017-mali")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    tree = parse(html)
    assert tree.doc_text == (texts / "usdol-findings-2017-mali.txt").read_text(encoding="utf-8")
    assert 'id="sentence-61" class="p p-sentence claimed"' in html
    assert "could not be placed in this text" in html
    assert 'id="table-10-row-3-cell-2"' in tree.ids or "table-10-row-3-cell-2" in tree.ids


def test_text_twin_and_link_header(client):
    response = client.get(f"/read/{EXTRA_DOC}.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == EXTRA_TEXT
    page = client.get(f"/read/{EXTRA_DOC}")
    assert f"/read/{EXTRA_DOC}.txt" in page.headers["Link"]


@pytest.mark.parametrize("path,status", [
    ("/read/no-such-document", 404),
    ("/read/Bad_Name", 404),
    ("/read/..", 404),
    ("/read/usdol-findings-2017-mali.pdf", 404),
])
def test_reader_errors(client, path, status):
    response = client.get(path)
    assert response.status_code == status


def test_reader_without_its_text_says_so(tmp_path):
    client = make_app(make_store(EXTRA), TEXT_DIR=str(tmp_path)).test_client()
    response = client.get(f"/read/{EXTRA_DOC}")
    assert response.status_code == 404
    assert "Text not available" in response.get_data(as_text=True)


def _built_documents() -> list[str]:
    return sorted(p.stem for p in TTL_DIR.glob("*.ttl") if (TTL_DIR / f"{p.stem}.txt").is_file())


@pytest.fixture(scope="module")
def built_client():
    from ctipgraph.store import GraphStore

    files = [(p, None) for p in sorted(TTL_DIR.glob("*.ttl"))] + [(ONTOLOGY, None)]
    return make_app(GraphStore.from_files(files), TEXT_DIR=str(TTL_DIR)).test_client()


@pytest.mark.parametrize("doc", _built_documents())
def test_every_built_document_reads_whole_and_places_every_passage(built_client, doc):
    html = built_client.get(f"/read/{doc}").get_data(as_text=True)
    tree = parse(html)
    assert not tree.errors, tree.errors[:5]
    assert tree.doc_text == (TTL_DIR / f"{doc}.txt").read_text(encoding="utf-8")
    assert len(tree.ids) == len(set(tree.ids))
    assert "could not be placed" not in html  # the build guarantees text[start:end] == exact
    local = {a["href"][1:] for a in tree.links if a.get("href", "").startswith("#")}
    assert local <= set(tree.ids), f"links to missing anchors: {sorted(local - set(tree.ids))[:5]}"
