"""Author-year citations: parsing the markers and matching them (fuzzily) to the bibliography."""

from __future__ import annotations

import pytest

from ctipgraph.cite.authoryear import find_parenthetical, fold, match_reference, split_names
from ctipgraph.read.model import Document
from ctipgraph.read.text import TextReader
from ctipgraph.segment import segment_document

BIB = """BIBLIOGRAPHY

- Armand, A., Atwell, P., & Gomes, J. F. (2020). The Reach of Radio. *AER*, 1395-1429.
- Bøås, M. (2012). Castles in the Sand. London.
- Dillon, A., Porreca, E., & Rosati, F. (2018). *Mali Speed School Program*. UCW.
- The Freedom Fund. (2019). *Behaviour Change Communications Campaigns*.
- Hilson, G. (2008). 'A Load Too Heavy'. *Children and Youth Services Review*, 1233-1245.
- Kuépié, M. (2018). Child Labor in Mali. *Education Economics*, 647-661.
- NORC at the University of Chicago. (2020a). *Assessing Progress*.
- NORC at the University of Chicago (2020b). *Information and Decision-Making*.
- Obi, C., Bartolini, F., & D'Haese, M. (2019). Evaluating the Impact of Information Campaign.
- Spangaro, J., Zwi, A., Adogu, C., & Steinacker, L. (2013). *What Is the Evidence*.
- Théroux-Bénoni, L., Assanvo, W., Maïga, I., et al. (2016, August). Mali’s Young ‘Jihadists’.
- Tjaden, J. D., & Dunsch, F. A. (2020). *The Effect of Peer-to-Peer Risk Information*. IOM.
- UN Security Council. (2021B). Letter from the Panel of Experts.
- UN Security Council. (2021A). Situation in Mali.
- UNICEF. (2003). *Trafficking in Human Beings*.
- UNICEF. (2020). *Mali Humanitarian Situation Report*.
"""

BODY = """INTRODUCTION

Mining harms children (Hilson, 2008). Migrants were told (Tjaden & Dunsch, 2020).
A campaign was tested (Obi, Bartolini, & D'Haese, 2019). A review agreed (Spangaro et al., 2013).
Campaigns informed migrants (NORC at the University of Chicago, 2020b).
Groups recruit youth (Armand, Atwell & Gomes, 2020; Thérout-Bénoni et al., 2016; Bøås, 2012).
Hilson (2008) found the same. A 2018 study (Dillon, Porreca & Rosati) used an RCT.
The panel wrote twice (UN Security Council, 2021A; UN Security Council, 2021B).
Returns matter (Kuepie, 2018). Campaigns work (Freedom Fund, 2019).
The latest data available (2020) show it. Also (as seen in 2020) and (UNICEF, 2003, 2020).
Unknown work (Smith, 2015). Ambiguous work (NORC at the University of Chicago, 2020).
The council (UN Security Council, 2019) met.

"""


def seg(text: str) -> Document:
    return segment_document(TextReader().read_string(text, "t"))


@pytest.fixture(scope="module")
def doc() -> Document:
    return seg(BODY + BIB)


def test_every_marker_resolves_to_the_right_key(doc: Document) -> None:
    got = [(c.item_text, c.target_key) for c in doc.citations]
    assert got == [
        ("Hilson, 2008", "Hilson, 2008"),
        ("Tjaden & Dunsch, 2020", "Tjaden & Dunsch, 2020"),
        ("Obi, Bartolini, & D'Haese, 2019", "Obi et al., 2019"),
        ("Spangaro et al., 2013", "Spangaro et al., 2013"),
        ("NORC at the University of Chicago, 2020b", "NORC at the University of Chicago, 2020b"),
        ("Armand, Atwell & Gomes, 2020", "Armand et al., 2020"),
        ("Thérout-Bénoni et al., 2016", "Théroux-Bénoni et al., 2016"),  # one letter off
        ("Bøås, 2012", "Bøås, 2012"),
        ("Hilson, 2008", "Hilson, 2008"),  # narrative
        ("Dillon, Porreca & Rosati, 2018", "Dillon et al., 2018"),  # "A 2018 study (…)"
        ("UN Security Council, 2021A", "UN Security Council, 2021A"),
        ("UN Security Council, 2021B", "UN Security Council, 2021B"),
        ("Kuepie, 2018", "Kuépié, 2018"),  # accents
        ("Freedom Fund, 2019", "The Freedom Fund, 2019"),
        ("UNICEF, 2003", "UNICEF, 2003"),
        ("UNICEF, 2020", "UNICEF, 2020"),
    ]
    assert [c.kind for c in doc.citations] == ["author-year"] * 16
    assert doc.citations[1].target_id == "tjaden-dunsch-2020"
    assert doc.citations[4].target_id == "norc-at-the-university-of-chicago-2020b"


def test_marker_offsets(doc: Document) -> None:
    text = doc.text
    for c in doc.citations:
        assert text[c.start : c.end] == c.marker_text
        assert c.start <= c.item_start < c.item_end <= c.end
        assert c.passage is not None and c.passage.start <= c.start and c.end <= c.passage.end
    several = [c for c in doc.citations if c.marker_text.startswith("(Armand")]
    assert len(several) == 3 and len({(c.start, c.end) for c in several}) == 1
    assert text[several[1].item_start : several[1].item_end] == "Thérout-Bénoni et al., 2016"
    narrative = doc.citations[8]
    assert narrative.marker_text == "Hilson (2008)"
    dillon = doc.citations[9]
    assert dillon.marker_text == "(Dillon, Porreca & Rosati)"


def test_unresolved_are_reported_with_reasons(doc: Document) -> None:
    got = [(u.item_text, u.reason) for u in doc.unresolved]
    assert got == [
        ("Smith, 2015", "no bibliography entry for Smith, 2015"),
        (
            "NORC at the University of Chicago, 2020",
            "ambiguous: NORC at the University of Chicago, 2020a or "
            "NORC at the University of Chicago, 2020b",
        ),
        (
            "UN Security Council, 2019",
            "no 2019 entry for UN Security Council (bibliography has 2021A, 2021B)",
        ),
    ]
    for u in doc.unresolved:
        assert doc.text[u.start : u.end] == u.marker_text


def test_bare_years_without_author_are_not_citations(doc: Document) -> None:
    assert not any("(2020) show" in doc.text[c.start : c.end + 5] for c in doc.citations)
    assert not any("as seen" in c.marker_text for c in doc.citations + doc.unresolved)


def test_bibliography_is_not_scanned(doc: Document) -> None:
    bib_start = doc.bibliography[0].start
    assert all(c.start < bib_start for c in doc.citations)


def test_helpers() -> None:
    assert split_names("Obi, Bartolini, & D'Haese") == (["Obi", "Bartolini", "D'Haese"], False)
    assert split_names("Spangaro et al.") == (["Spangaro"], True)
    assert split_names("Dillon, Porreca & Rosati") == (["Dillon", "Porreca", "Rosati"], False)
    assert fold("The Théroux-Bénoni") == "theroux benoni"
    assert fold("Bøås") == "boas"
    markers = find_parenthetical("x (e.g., Hilson, 2008, p. 12; Darden, 2019a) y", 0, 44)
    assert [(i.names, i.year) for i in markers[0].items] == [
        ("Hilson", "2008"),
        ("Darden", "2019a"),
    ]


def test_match_reference_directly() -> None:
    refs = seg(BIB).bibliography
    assert match_reference("Hilson", "2008", refs).entry.key == "Hilson, 2008"
    assert match_reference("Hilsen", "2008", refs).entry.key == "Hilson, 2008"
    assert match_reference("Hilson", "2009", refs).entry is None
    assert match_reference("Tjaden & Morgenstern", "2020", refs).entry is None
