"""The Proof of issue 12: a C-TIP researcher's six questions answered in a real browser (Debian's
headless Chromium via Playwright) on the built project data (data/ttl/ with the ontology and the
lexicon), each from the home page in at most three clicks and without writing SPARQL, each
answer shown with its quote. Then every kind of page at 1280 and 390 px: screenshots saved under
the test run's tmp dir (`screenshots/`), and no page scrolls sideways at 390 px.

    (a) EU/USDOL funded programs with amounts and sources  → Funding
    (b) Mali's tier by year with evidence                    → Tier placement → sort by year
    (c) armed groups recruiting children, by document        → Armed group → a group's timeline
    (d) the 2017 enforcement recommendations                 → Recommendation → 2017 → Enforcement
    (e) the most-cited sources of the USAID report           → the report's page
    (f) implementers of "A Better Future"                     → Program → A Better Future

Each test records its clicks and the answer as shown in `answers.txt` beside the screenshots
(`CTIPGRAPH_SCREENSHOTS=folder` keeps them there instead of the tmp dir).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from _browser import app_server, watched_page
from ctipgraph.paths import LEXICON_DIR, ONTOLOGY, SOURCES_DIR, TTL_DIR

pytestmark = pytest.mark.browser

USAID = "usaid-ctip-research-2021-mali"
MAX_CLICKS = 3


def _built() -> list[Path]:
    files = sorted(TTL_DIR.glob("*.ttl"))
    if not any(f.name.startswith(USAID) for f in files):
        pytest.skip("data/ttl/ does not hold the built corpus: run `ctipgraph build`")
    return [*files, ONTOLOGY, *sorted(LEXICON_DIR.glob("*.ttl"))]


@pytest.fixture(scope="module")
def corpus_server(tmp_path_factory):
    files = _built()
    folder = tmp_path_factory.mktemp("corpus-server")
    config = {"TEXT_DIR": str(TTL_DIR), "SOURCES_DIR": str(SOURCES_DIR),
              "PAGE_CACHE_DIR": str(folder / "cache"), "QUERY_WORKERS": 0}
    with app_server(files, config, folder / "server.log", timeout=180) as base:
        yield base


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """The test run's folder for screenshots and answers (CTIPGRAPH_SCREENSHOTS names one to
    keep: pytest keeps only its last three tmp folders)."""
    kept = os.environ.get("CTIPGRAPH_SCREENSHOTS")
    folder = Path(kept) if kept else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "answers.txt").unlink(missing_ok=True)
    print(f"\nscreenshots and answers: {folder}")
    return folder


class Researcher:
    """A browser page that starts at home, counts its clicks and records what it found."""

    def __init__(self, page, shots: Path, question: str) -> None:
        self.page = page
        self.shots = shots
        self.question = question
        self.clicks: list[str] = []

    def home(self) -> None:
        self.page.goto("/")
        self.clicks.clear()

    def click(self, locator, what: str) -> None:
        locator.first.click()
        self.page.wait_for_load_state("load")
        self.clicks.append(what)
        assert len(self.clicks) <= MAX_CLICKS, f"more than {MAX_CLICKS} clicks: {self.clicks}"

    def record(self, answer: str) -> None:
        name = re.sub(r"\W+", "-", self.question.lower()).strip("-")[:40]
        self.page.screenshot(path=str(self.shots / f"answer-{name}.png"), full_page=False)
        with (self.shots / "answers.txt").open("a", encoding="utf-8") as out:
            out.write(f"## {self.question}\nclicks ({len(self.clicks)}): "
                      f"{' → '.join(['home', *self.clicks])}\nURL: {self.page.url}\n"
                      f"answer as shown:\n{answer}\n\n")


@pytest.fixture()
def researcher(browser, corpus_server, shots, request):
    with watched_page(browser, corpus_server, timeout_ms=60_000,
                      viewport={"width": 1280, "height": 900}) as (page, watch):
        who = Researcher(page, shots, request.node.name.removeprefix("test_"))
        who.home()
        yield who
        watch.check()


def _row(page, title: str):
    """The listing's row of the instance titled `title` (its start)."""
    return page.locator("table.instances tbody tr").filter(
        has=page.locator("td.title-cell > a", has_text=title))


def test_a_eu_and_usdol_funded_programs(researcher):
    page = researcher.page
    researcher.click(page.get_by_role("link", name="Funding", exact=True), "Funding")
    eu = _row(page, "European Union → Global Action Against Trafficking in Persons")
    assert "USD 13,000,000" in eu.inner_text()
    assert "$13 million EU-funded" in eu.locator("blockquote").inner_text()
    assert "Findings on the Worst Forms of Child Labor" in eu.locator(".source-cell").inner_text()
    usdol = _row(page, "U.S. Department of Labor → A Better Future for Mali's Children")
    assert "USD 3,000,000 (2003)" in usdol.inner_text()
    assert "FY 2003: USD 3,000,000" in usdol.locator("blockquote").inner_text()
    # one more click: the funding's page, the amount with its evidence and the raw value
    researcher.click(eu.get_by_role("link", name=re.compile("European Union →")), "the EU row")
    assert page.locator("h1").inner_text().startswith("European Union → Global Action")
    amount = page.locator("table.facts").first.locator(
        "tr", has=page.get_by_role("link", name="amount", exact=True))
    assert "13,000,000" in amount.inner_text()
    assert amount.locator(".literal.human").get_attribute("data-raw") == "13000000"
    assert "$13 million" in amount.locator("details.evidence").text_content()
    # what each report says of it, quotes shown
    timeline = page.locator("section.timeline-section").inner_text()
    assert "2017 · 2017 Findings on the Worst Forms of Child Labor: Mali" in timeline
    assert "amount: 13,000,000" in timeline
    assert "$13 million EU-funded global project" in timeline
    researcher.record("European Union → GLO.ACT: USD 13,000,000 — quote: "
                      "“$13 million EU-funded global project implemented by UNODC, UNICEF, "
                      "and IOM …” (USDOL Findings 2017–2021)\n"
                      "U.S. Department of Labor → A Better Future for Mali's Children: "
                      "USD 3,000,000 (2003) — quote: “FISCAL YEAR & FUNDING LEVEL FY 2003: "
                      "USD 3,000,000” (project summary)")


def test_b_mali_tier_by_year(researcher):
    page = researcher.page
    researcher.click(page.get_by_role("link", name="Tier placement", exact=True),
                     "Tier placement")
    researcher.click(page.locator("table.instances thead").get_by_role("link", name="Years"),
                     "sort by Years")
    rows = page.locator("table.instances tbody tr")
    titles = [rows.nth(i).locator("td.title-cell a").first.inner_text()
              for i in range(rows.count())]
    assert titles[0] == "Mali: Tier 2 (2002)"
    assert "Mali: Tier 3 (2017)" in titles
    assert titles.index("Mali: Tier 2 Watch List (2013)") < titles.index("Mali: Tier 3 (2017)")
    years = [rows.nth(i).locator("td.years").inner_text() for i in range(rows.count())]
    assert years == sorted(years)
    tier3 = _row(page, "Mali: Tier 3 (2017)")
    assert "listed Mali in the Tier 3 list in 2017" in tier3.locator("blockquote").inner_text()
    first = _row(page, "Mali: Tier 2 (2002)")
    assert "Mali (Tier 2)" in first.locator("blockquote").inner_text()
    researcher.record("\n".join(f"{t} — “{_row(page, t).locator('blockquote').inner_text()[:90]}”"
                                for t in titles))


def test_c_armed_groups_recruiting_children_by_document(researcher):
    page = researcher.page
    researcher.click(page.get_by_role("link", name="Armed group", exact=True), "Armed group")
    mnla = _row(page, "National Movement for the Liberation of Azawad")
    assert "recruit" in mnla.locator("blockquote").inner_text()
    researcher.click(mnla.get_by_role("link", name="National Movement for the Liberation of "
                                      "Azawad"), "National Movement for the Liberation of Azawad")
    timeline = page.locator("dl.timeline")
    text = timeline.inner_text()
    for year in ("2013", "2014", "2015", "2016", "2017", "2018", "2019"):
        assert f"{year} · {year} Findings on the Worst Forms of Child Labor: Mali" in text
    assert text.count("recruitment and use of children by armed groups") >= 7
    assert "recruited and used child soldiers in northern Mali" in text
    assert "continued to be forcibly recruited and trained by non-state armed groups" in text
    lines = [t.split("\n")[0] for t in timeline.locator("dt").all_inner_texts()]
    researcher.record("MNLA (engages in: recruitment and use of children by armed groups), by "
                      "document:\n" + "\n".join(lines) +
                      "\n2013 quote: “… armed rebel and extremist Islamic militia groups "
                      "including the MNLA, Ansar al-Dine, the MUJAO, and AQIM recruited and "
                      "used child soldiers in northern Mali.”")


def test_d_enforcement_recommendations_2017(researcher):
    page = researcher.page
    researcher.click(page.get_by_role("link", name="Recommendation", exact=True),
                     "Recommendation")
    researcher.click(page.locator("aside.facets .facet-doc").get_by_role(
        "link", name="2017 Findings on the Worst Forms of Child Labor: Mali"),
        "Document: 2017 Findings")
    researcher.click(page.locator("aside.facets .facet-area").get_by_role(
        "link", name="Enforcement", exact=True), "Area: Enforcement")
    assert "1–5 of 5 instances" in page.locator("p.count").inner_text()
    rows = page.locator("table.instances tbody tr")
    quotes = rows.locator("blockquote").all_inner_texts()
    sources = rows.locator(".source-cell small").all_inner_texts()
    assert all("2017 Findings" in s for s in sources)
    assert any("Increase the resources, training, and number of labor inspectors" in q
               for q in quotes)
    assert any("Publish complete information on the type of labor inspections" in q
               for q in quotes)
    researcher.record("\n".join(f"- “{q}”" for q in quotes))


def test_e_most_cited_sources_of_the_usaid_report(researcher):
    page = researcher.page
    researcher.click(page.get_by_role("link", name=re.compile(
        "^DRG Learning, Evaluation, and Research Activity")), "the USAID report")
    table = page.locator("section.most-cited table")
    first = table.locator("tbody tr").first.inner_text()
    assert "NORC at the University of Chicago, 2020b" in first
    assert "5 times" in first
    rows = table.locator("tbody tr").all_inner_texts()
    assert "Darden, 2019" in rows[1] and "3 times" in rows[1]
    researcher.record("\n".join(" ".join(r.split())[:160] for r in rows[:6]))


def test_f_implementers_of_a_better_future(researcher):
    page = researcher.page
    researcher.click(page.get_by_role("link", name="Program", exact=True), "Program")
    researcher.click(page.locator("table.instances td.title-cell > a",
                                  has_text="A Better Future for Mali's Children"),
                     "A Better Future for Mali's Children")
    group = page.locator("table.facts tbody tr", has_text="implemented by")
    text = page.locator("table.facts").first.inner_text()
    implementers = ("World Vision", "United Nations Children's Fund", "Ministry of Education")
    for name in implementers:
        assert name in text
    implemented = page.locator("section.timeline-section").inner_text()
    assert "implemented by" in implemented
    quotes = [q for q in page.locator("section.timeline-section blockquote").all_inner_texts()
              if "World Vision; Ministry of Education, UNICEF" in q]
    assert quotes, "no quote names the implementers"
    grantee = page.locator("table.facts tbody tr", has_text="grantee").first.inner_text()
    assert "CARE Mali" in grantee
    researcher.record("implemented by: " + ", ".join(implementers) + f" ({group.count()} rows); "
                      "grantee: CARE Mali\nquote: “" + " ".join(quotes[0].split()) + "”")


#: every kind of page: (name, path)
PAGE_KINDS = [
    ("home", "/"),
    ("class-listing", "/class/Funding"),
    ("class-faceted", "/class/Recommendation?doc=https%3A%2F%2Fw3id.org%2Fctipgraph%2Fid%2Fdoc%2F"
                      "usdol-findings-2017-mali"),
    ("entity", "/id/org/mnla"),
    ("funding", "/id/funding/glo-act-european-union"),
    ("document", f"/id/doc/{USAID}"),
    ("passage", "/id/doc/usdol-findings-2017-mali/sentence/1"),
    ("reader", "/read/usdol-findings-2017-mali"),
    ("reader-usaid", f"/read/{USAID}"),
    ("search", "/search?q=enforcement"),
    ("evidence", "/evidence"),
    ("trace", "/trace?iri=https%3A%2F%2Fw3id.org%2Fctipgraph%2Fid%2Ffunding%2F"
              "glo-act-european-union"),
    ("charts", "/charts"),
    ("ontology", "/ontology"),
    ("query", "/query"),
]


@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_kind_screenshot_and_no_sideways_scroll(browser, corpus_server, shots, width):
    wide = []
    with watched_page(browser, corpus_server, timeout_ms=60_000,
                      viewport={"width": width, "height": 900}) as (page, watch):
        for name, path in PAGE_KINDS:
            response = page.goto(path)
            assert response is not None and response.status == 200, (path, response and
                                                                      response.status)
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=False)
            scroll = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
            if scroll[0] > scroll[1]:
                wide.append((name, scroll))
        watch.check()
    assert not wide, f"pages that scroll sideways at {width} px: {wide}"
