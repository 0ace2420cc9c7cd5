"""Resource pages that answer questions: a document's most-cited references, an entity's timeline
across the documents, titles for people (the mini graph)."""

from __future__ import annotations

import re

DOC = "/id/doc/usdol-findings-2017-mali"


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
