"""Resource pages that answer questions: a document's most-cited references, an entity's timeline
across the documents, titles for people (the mini graph)."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

DOC = "/id/doc/usdol-findings-2017-mali"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_document_ranks_its_references(browse_client):
    html = browse_client.get(DOC).get_data(as_text=True)
    assert 'id="most-cited"' in html
    section = html[html.index('id="most-cited"'):html.index("</section>",
                                                              html.index('id="most-cited"'))]
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+) times?</td>', section)]
    assert counts and counts == sorted(counts, reverse=True)
    assert "sort=cited" in section and "/class/Reference?" in section


def test_an_entity_has_a_timeline(browse_client):
    html = browse_client.get("/id/org/mnla").get_data(as_text=True)
    assert 'id="timeline"' in html
    section = html[html.index('id="timeline"'):html.index("</section>",
                                                            html.index('id="timeline"'))]
    years = re.findall(r"<dt>(\d{4}) · ", section)
    assert years and years == sorted(years)
    assert "<blockquote" in section


def test_titles_for_people(browse_client):
    fundings = browse_client.get("/class/Funding.json").get_json()["instances"]
    page = browse_client.get(fundings[0]["iri"].replace("https://w3id.org/ctipgraph", ""))
    title = re.search(r"<h1>(.*?)</h1>", page.get_data(as_text=True), re.S).group(1)
    assert "→" in title and not title.startswith("funding/")


def test_a_timeline_of_many_documents_shows_the_most_recent(browse_client, monkeypatch):
    """A hub's timeline is cut to the most recent documents, and says how many there are."""
    from ctipgraph.serve import describe

    def timeline(html: str) -> tuple[str, list[str]]:
        start = html.index('id="timeline"')
        section = html[start:html.index("</section>", start)]
        return section, re.findall(r"<dt>(\d{4}) · ", section)

    whole, years = timeline(browse_client.get("/id/place/mali").get_data(as_text=True))
    assert len(years) >= 2 and "most recent" not in whole
    monkeypatch.setattr(describe, "TIMELINE_DOCUMENTS", len(years) - 1)
    cut, recent = timeline(browse_client.get("/id/place/mali").get_data(as_text=True))
    assert recent == years[1:]  # the earliest left out
    assert f"The {len(years) - 1} most recent of the {len(years)} documents" in cut


def _timeline_facts(html: str) -> list[tuple[int, int]]:
    """(facts shown, "… and n more") of each document of the timeline."""
    start = html.index('id="timeline"')
    section = html[start:html.index("</section>", start)]
    out = []
    for entry in section.split("<dt>")[1:]:
        more = re.search(r"… and (\d+) more facts", entry)
        out.append((entry.count('<span class="fact">'), int(more.group(1)) if more else 0))
    return out


def test_a_timeline_cuts_each_document_to_its_first_facts(browse_client, monkeypatch):
    """Past TIMELINE_LIMIT facts a document shows that many and counts the rest."""
    from ctipgraph.serve import describe

    whole = _timeline_facts(browse_client.get("/id/place/mali").get_data(as_text=True))
    assert any(shown > 2 for shown, _ in whole) and all(more == 0 for _, more in whole)
    monkeypatch.setattr(describe, "TIMELINE_LIMIT", 2)
    cut = _timeline_facts(browse_client.get("/id/place/mali").get_data(as_text=True))
    assert [min(shown, 2) for shown, _ in whole] == [shown for shown, _ in cut]
    assert [shown for shown, _ in whole] == [shown + more for shown, more in cut]


def test_a_timeline_chooses_its_facts_before_labelling_their_values():
    """The first facts of a document: by property label, then value (IRIs by their string, then
    literals, then blank nodes; ties by quote); only the properties are labelled (a country's
    hundreds of observations in one report had composed titles made to choose 12)."""
    from ctipgraph.serve.describe import ResourceView

    asked: list[str] = []

    class Labels:
        def label(self, iri: str) -> str:
            asked.append(iri)
            return {"urn:p:a": "beta", "urn:p:b": "alpha"}[iri]

    view = ResourceView.__new__(ResourceView)
    view.labeller = Labels()

    def row(p: str, o: ox.Term, quote: str = "q") -> dict:
        return {"p": ox.NamedNode(p), "o": o, "quote": ox.Literal(quote)}

    late = row("urn:p:a", ox.NamedNode("urn:v:a"))
    blank, lit = row("urn:p:b", ox.BlankNode(), "x"), row("urn:p:b", ox.Literal("urn:v:z"))
    second, first = (row("urn:p:b", ox.NamedNode("urn:v:z"), q) for q in ("q2", "q1"))
    facts = [late, blank, lit, second, first]
    assert view._first_facts(facts, 5) is facts
    assert view._first_facts(facts, 3) == [first, second, lit]
    assert view._first_facts(facts, 4)[-1] is blank
    assert set(asked) == {"urn:p:a", "urn:p:b"}


def _section(html: str, name: str) -> str:
    """The section headed `name` ("" when the page has none: a list past its last page)."""
    start = html.find(f'id="{name}"')
    return html[start:html.index("</section>", start)] if start >= 0 else ""


def _rows(html: str) -> list[tuple[str, str]]:
    """(property, value link) of each row of the "Referenced by" table."""
    rows, prop = [], None
    for row in re.findall(r"<tr>(.*?)</tr>", _section(html, "incoming"), re.S):
        head = re.search(r'<th scope="rowgroup"[^>]*>(.*?)<br>', row, re.S)
        if head:
            prop = text(head.group(1))
        cell = re.search(r"<td>(.*?)</td>", row, re.S)
        if cell:
            rows.append((prop, re.search(r'href="([^"]+)"', cell.group(1)).group(1)))
    return rows


def _mentions(html: str) -> list[tuple[str, str]]:
    """(document, passage link) of each passage listed under "Mentioned in"."""
    found = []
    pattern = r'<li><a href="([^"]+)">[^<]*</a>\s*— \d+ passages?\s*<ul>(.*?)</ul>'
    for doc, body in re.findall(pattern, _section(html, "mentions"), re.S):
        found += [(doc, link) for link in re.findall(r'<li><a href="([^"]+)"', body)]
    return found


@pytest.mark.parametrize(("path", "per_page"), [
    ("/id/place/mali", 2),  # passages in three documents
    ("/id/program/glo-act", 1),  # two passages of one document on two pages
])
def test_a_hub_comes_a_page_at_a_time(browse_client, path, per_page):
    """Each long list of a resource's page (what refers to it, the passages that mention it)
    is cut to per_page items; following "next" shows the next items of each, none lost or
    repeated, and the counts say how many there are in all (the pager, every property's
    total, every document's passages)."""
    everything = browse_client.get(f"{path}?all=1").get_data(as_text=True)
    all_rows, all_mentions = _rows(everything), _mentions(everything)
    assert len(all_rows) > per_page and len(all_mentions) > per_page
    seen_rows, seen_mentions, url, pages = [], [], f"{path}?per_page={per_page}", 0
    while url:
        html = browse_client.get(url).get_data(as_text=True)
        pages += 1
        rows, mentions = _rows(html), _mentions(html)
        for prop in {p for p, _ in rows}:
            assert sum(1 for p, _ in rows if p == prop) <= per_page
        assert len(mentions) <= per_page
        seen_rows += rows
        seen_mentions += mentions
        nxt = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = path + nxt.group(1).replace("&amp;", "&") if nxt else None
        assert pages < 100
    assert f"page {pages} of {pages}" in html and 'rel="prev"' in html
    # every item of a long list once (a list of at most per_page items is on every page);
    # a page shows its documents by title, the pages go by document
    for prop in {p for p, _ in all_rows}:
        whole = sorted(r for r in all_rows if r[0] == prop)
        seen = sorted(r for r in seen_rows if r[0] == prop)
        assert seen == (whole * pages if len(whole) <= per_page else whole), prop
    assert len(set(seen_mentions)) == len(seen_mentions)
    assert sorted(seen_mentions) == sorted(all_mentions)
    # the counts shown: per property "N in all", per document "N passages"
    shown = text(_section(everything, "incoming"))
    for prop in {p for p, _ in all_rows}:
        assert f"{prop} {sum(1 for p, _ in all_rows if p == prop)} in all" in shown
    counts = dict(re.findall(r'<li><a href="([^"]+)">[^<]*</a>\s*— (\d+) passages?',
                             _section(everything, "mentions")))
    for doc, n in counts.items():
        assert sum(1 for d, _ in seen_mentions if d == doc) == int(n)


def test_a_hub_shows_a_short_page_of_each_long_list(browse_client, monkeypatch):
    """Without ?per_page, a list longer than its limit comes LONG_PAGE items a page (a list
    within its limit is shown whole on every page), with its total and a link to the next
    page; following "next" shows every item of each long list once."""
    from ctipgraph.serve import describe

    monkeypatch.setattr(describe, "IN_LIMIT", 10)
    monkeypatch.setattr(describe, "MENTION_LIMIT", 2)
    monkeypatch.setattr(describe, "LONG_PAGE", 1)
    path = "/id/place/mali"
    everything = browse_client.get(f"{path}?all=1").get_data(as_text=True)
    all_rows, all_mentions = _rows(everything), _mentions(everything)
    sizes = {prop: sum(1 for p, _ in all_rows if p == prop) for prop, _ in all_rows}
    assert min(sizes.values()) <= 10 < max(sizes.values()) and len(all_mentions) > 2
    seen_rows, seen_mentions, url, pages = [], [], path, 0
    while url:
        html = browse_client.get(url).get_data(as_text=True)
        pages += 1
        rows, mentions = _rows(html), _mentions(html)
        for prop, n in sizes.items():
            on_page = sum(1 for p, _ in rows if p == prop)
            assert on_page == n if n <= 10 else on_page <= 1, prop
        assert len(mentions) <= 1
        if pages == 1:
            shown = text(_section(html, "incoming"))
            assert all(f"{prop} {n} in all" in shown for prop, n in sizes.items())
        seen_rows += rows
        seen_mentions += mentions
        nxt = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = path + nxt.group(1).replace("&amp;", "&") if nxt else None
        assert pages < 500
    assert pages >= max(len(all_mentions), *sizes.values()) and f"page {pages} of {pages}" in html
    for prop, n in sizes.items():
        whole = sorted(r for r in all_rows if r[0] == prop)
        seen = sorted(r for r in seen_rows if r[0] == prop)
        assert seen == (sorted(whole * pages) if n <= 10 else whole), prop
    assert sorted(seen_mentions) == sorted(all_mentions)
    assert len(set(seen_mentions)) == len(seen_mentions)


def test_evidence_counts_every_claim_and_shows_the_first(browse_client, monkeypatch):
    """Beside each value, the evidence says how many claims state it (all of them, counted in
    the store) and shows the first EVIDENCE_LIMIT, the others counted with a link to the trace
    that lists them all."""
    from urllib.parse import parse_qs, urlsplit

    from ctipgraph.serve import describe

    monkeypatch.setattr(describe, "EVIDENCE_LIMIT", 1)
    html = browse_client.get("/id/place/mali").get_data(as_text=True)
    blocks = re.findall(r'<details class="evidence">(.*?)</details>\s*(?:<a class="trace" '
                        r'href="([^"]+)")?', html, re.S)
    cut = 0
    for block, trace in blocks:
        count = int(re.search(r"<summary>(\d+) claims?</summary>", block).group(1))
        shown = len(re.findall(r'<li>', block))
        more = re.search(r'<li class="more">… and (\d+) more', block)
        assert shown == min(count, 1) and (int(more.group(1)) if more else 0) == count - shown
        if more:
            cut += 1
            assert trace.replace("&amp;", "&") in block.replace("&amp;", "&")
            fact = {k: v[0] for k, v in parse_qs(urlsplit(trace.replace("&amp;", "&")).query
                                                 ).items()}
            o = f"<{fact['o']}>" if fact["o"].startswith("http") else None
            if o:  # the count is the store's
                found = browse_client.get("/sparql", query_string={"query": f"""
                    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
                    PREFIX ctip: <https://w3id.org/ctipgraph/ontology#>
                    SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a ctip:Claim ;
                      rdf:subject <{fact['s']}> ; rdf:predicate <{fact['p']}> ; rdf:object {o} }}
                    """}, headers={"Accept": "application/sparql-results+json"}).get_json()
                assert int(found["results"]["bindings"][0]["n"]["value"]) == count
    assert cut >= 1  # a fact of Mali's that two claims state


def test_a_timeline_orders_documents_of_one_year_and_title_by_iri():
    """Documents of the same year and title (a report and its re-issues) come in the order of
    their IRIs, whatever order a set gives them: the page is the same from one run to the
    next."""
    from conftest import make_app
    from ctipgraph.store import GraphStore, document_graph

    ctip = "https://w3id.org/ctipgraph/ontology#"
    org = ox.NamedNode("https://w3id.org/ctipgraph/id/org/example-agency")
    db = ox.Store()
    names = [f"report-{n:02d}" for n in range(12)]
    for name in names:
        graph = document_graph(name)
        doc, passage = graph, ox.NamedNode(graph.value + "/sentence/1")
        db.extend([
            ox.Quad(doc, ox.NamedNode(RDF_TYPE), ox.NamedNode(ctip + "SourceDocument"), graph),
            ox.Quad(doc, ox.NamedNode("http://purl.org/dc/terms/title"),
                    ox.Literal("Findings on the Worst Forms of Child Labor"), graph),
            ox.Quad(doc, ox.NamedNode(ctip + "reportingYear"),
                    ox.Literal("2020", datatype=ox.NamedNode(XSD_GYEAR)), graph),
            ox.Quad(passage, ox.NamedNode(ctip + "inDocument"), doc, graph),
            ox.Quad(org, ox.NamedNode(ctip + "mentionedIn"), passage, graph),
        ])
    client = make_app(GraphStore(db)).test_client()
    html = client.get("/id/org/example-agency").get_data(as_text=True)
    start = html.index('id="timeline"')
    shown = re.findall(r'<dt>2020 · <a href="/id/doc/(report-\d+)"',
                       html[start:html.index("</section>", start)])
    assert shown == names
