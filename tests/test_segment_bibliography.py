"""Bibliography parsing on made-up variants: lost numbers, "—." repeats, wrapped and hanging
entries, author-year keys with suffixes, URLs, dates and "[Source on file]"."""

from __future__ import annotations

from ctipgraph.read.model import Document
from ctipgraph.read.text import TextReader
from ctipgraph.segment import segment_document
from ctipgraph.segment.bibliography import parse_people, ref_slug, split_unit


def seg(text: str) -> Document:
    return segment_document(TextReader().read_string(text, "t"), cite=False)


NUMBERED = """I. INTRODUCTION

Children work. (1; 2; 3)

REFERENCES

- U.S. Embassy- Bamako. Reporting, February 23, 2018.
- U.S. Department of State. Trafficking in Persons Report- 2017: Mali. Washington, DC. June 27,
  2017. <https://www.state.gov/j/tip/rls/tiprpt/countries/2017/271237.htm>.

3. **Government of Mali.** Law 2017-021 modifying the Labor Code. June 12, 2017. [Source on file].
4. —. Code du Travail, Loi N° 92-020. Enacted: Septmeber 23, 1992. http://www.ilo.org/code.pdf.
5. **ILO Committee of Experts.** Individual Direct Request concerning Forced Labour Convention, 1930
(No. 29) Mali (ratification: 1960) Published: 2017. Accessed November 10, 2017. http://www.ilo.org/x.
"""


def test_numbered_list_with_lost_numbers() -> None:
    doc = seg(NUMBERED)
    refs = doc.bibliography
    assert [(r.number, r.number_inferred) for r in refs] == [
        (1, True),
        (2, True),
        (3, False),
        (4, False),
        (5, False),
    ]
    assert [r.key for r in refs] == ["1", "2", "3", "4", "5"]
    assert [r.ref_id for r in refs] == ["1", "2", "3", "4", "5"]
    assert [r.marker for r in refs] == ["-", "-", "3.", "4.", "5."]
    assert all(r.style == "numeric" for r in refs)
    assert doc.citation_style == "numeric"


def test_numbered_entry_parts() -> None:
    refs = seg(NUMBERED).bibliography
    assert (refs[0].creator, refs[0].title, refs[0].date) == (
        "U.S. Embassy- Bamako",
        "Reporting",
        "February 23, 2018",
    )
    r2 = refs[1]
    assert r2.creator == "U.S. Department of State"
    assert r2.title == "Trafficking in Persons Report- 2017: Mali"
    assert r2.date == "June 27, 2017" and r2.year == "2017"
    assert r2.urls == ["https://www.state.gov/j/tip/rls/tiprpt/countries/2017/271237.htm"]
    r3 = refs[2]
    assert r3.creator == "Government of Mali" and r3.source_on_file
    assert r3.title == "Law 2017-021 modifying the Labor Code" and r3.date == "June 12, 2017"
    r4 = refs[3]
    assert r4.same_author_as_previous and r4.creator == "Government of Mali"
    assert r4.date == "Septmeber 23, 1992" and r4.year == "1992"
    assert r4.urls == ["http://www.ilo.org/code.pdf"]
    r5 = refs[4]
    assert r5.date == "2017"  # "Published: 2017", not the accessed date
    assert r5.title.endswith("(No. 29) Mali (ratification: 1960) Published: 2017")


def test_wrapped_entries_keep_exact_offsets() -> None:
    doc = seg(NUMBERED)
    r2, r5 = doc.bibliography[1], doc.bibliography[4]
    assert doc.quote(r2).startswith("U.S. Department of State.")
    assert doc.quote(r2).endswith("271237.htm>.") and "\n  2017." in doc.quote(r2)
    assert doc.quote(r5).startswith("**ILO Committee of Experts.**")
    assert doc.quote(r5).endswith("http://www.ilo.org/x.")
    assert r2.plain_text(doc.text) == doc.quote(r2)
    assert doc.bibliography[2].plain_text(doc.text).startswith("Government of Mali. Law")
    # the bibliography is not prose
    assert [doc.quote(s) for s in doc.sentences] == ["Children work. (1; 2; 3)"]


AUTHOR_YEAR = """BIBLIOGRAPHY

- Armand, A., Atwell, P., & Gomes, J. F. (2020). The Reach of Radio: Ending Civil Conflict
    through Rebel Demobilization. *American Economic Review*, 1395-1429.
- Hilson, G. (2008). 'A Load Too Heavy': Critical Reflections on the Child Labor Problem.
- NORC at the University of Chicago. (2020a). *Assessing Progress in Reducing Child Labor*.
- NORC at the University of Chicago (2020b). *Information and Decision-Making*. NORC.
- Théroux-Bénoni, L., Assanvo, W., Maïga, I., et al. (2016, August). Mali’s Young ‘Jihadists’.
  Policy Brief 89. <https://issafrica.s3.amazonaws.com/policybrief89.pdf>
- UN Security Council. (2021B). Letter from the Panel of Experts established pursuant to
resolution 2374 (2017) on Mali.

Tjaden, J. D., & Dunsch, F. A. (2020). *The Effect of Peer-to-Peer Risk Information*. IOM.

The Freedom Fund. (2019). *Behaviour Change Communications Campaigns*.

Hilson, G. (2008). A duplicate entry.

ANNEX A: RECENT DEVELOPMENTS

In March 2012, soldiers overthrew the government.
"""


def test_author_year_keys_and_parts() -> None:
    doc = seg(AUTHOR_YEAR)
    refs = doc.bibliography
    assert [r.key for r in refs] == [
        "Armand et al., 2020",
        "Hilson, 2008",
        "NORC at the University of Chicago, 2020a",
        "NORC at the University of Chicago, 2020b",
        "Théroux-Bénoni et al., 2016",
        "UN Security Council, 2021B",
        "Tjaden & Dunsch, 2020",
        "The Freedom Fund, 2019",
        "Hilson, 2008",
    ]
    assert [r.ref_id for r in refs][-1] == "hilson-2008-2"
    assert refs[0].ref_id == "armand-et-al-2020"
    assert refs[2].ref_id == "norc-at-the-university-of-chicago-2020a"
    assert refs[0].creator == "Armand, A., Atwell, P., & Gomes, J. F."
    assert refs[0].authors == ["Armand, A.", "Atwell, P.", "Gomes, J. F."]
    assert refs[0].title == "The Reach of Radio: Ending Civil Conflict through Rebel Demobilization"
    assert refs[4].et_al and refs[4].date == "2016, August" and refs[4].year == "2016"
    assert refs[4].urls == ["https://issafrica.s3.amazonaws.com/policybrief89.pdf"]
    assert (refs[5].year, refs[5].year_suffix, refs[5].year_key) == ("2021", "B", "2021B")
    assert doc.quote(refs[5]).endswith("resolution 2374 (2017) on Mali.")
    assert refs[6].title == "The Effect of Peer-to-Peer Risk Information"
    assert all(r.number is None and r.style == "author-year" for r in refs)
    assert "duplicate reference keys: Hilson, 2008" in doc.warnings
    # the annex after the bibliography is prose again
    assert [s.title for s in doc.sections] == ["BIBLIOGRAPHY", "ANNEX A: RECENT DEVELOPMENTS"]
    assert [doc.quote(s) for s in doc.sentences] == [
        "In March 2012, soldiers overthrew the government."
    ]


def test_parse_people() -> None:
    assert parse_people("Bleck, J., Boisvert, M.-A., & Sangaré, B.") == (
        ["Bleck, J.", "Boisvert, M.-A.", "Sangaré, B."],
        ["Bleck", "Boisvert", "Sangaré"],
        False,
    )
    assert parse_people("Nyqvist, M. B., Kuecken, M., La Ferrara, E., & Artadi, E.")[1] == [
        "Nyqvist",
        "Kuecken",
        "La Ferrara",
        "Artadi",
    ]
    assert parse_people("Congressional Research Service") == (
        ["Congressional Research Service"],
        ["Congressional Research Service"],
        False,
    )
    assert parse_people("Théroux-Bénoni, L., Assanvo, W., et al.")[2] is True


def test_split_unit_respects_abbreviations_and_brackets() -> None:
    assert split_unit("U.S. Embassy- Bamako. Reporting, 2018.") == (
        "U.S. Embassy- Bamako",
        "Reporting, 2018.",
    )
    assert split_unit("Convention (No. 29. Rev.) Mali. Next.") == (
        "Convention (No. 29. Rev.) Mali",
        "Next.",
    )
    assert split_unit("Is it so? Yes.") == ("Is it so?", "Yes.")
    assert split_unit("No boundary") == ("No boundary", "")


def test_ref_slug_matches_iri_rules() -> None:
    assert ref_slug("Kuépié, 2018") == "kuepie-2018"
    assert ref_slug("O'Neil & Van Broeckhoven, 2018") == "o-neil-van-broeckhoven-2018"


def test_no_bibliography_heading_no_references() -> None:
    doc = seg("Text with (1) a number.\n\n- Item one.\n- Item two.\n")
    assert doc.bibliography == [] and doc.citation_style is None
