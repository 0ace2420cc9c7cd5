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
