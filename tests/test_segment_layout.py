"""Page furniture, headings, lists, footnotes, fields, metadata headers, TOC and acronyms on
made-up variants."""

from __future__ import annotations

from ctipgraph.read.model import Document, Kind
from ctipgraph.read.text import TextReader
from ctipgraph.segment import segment_document
from ctipgraph.segment.headings import classify_heading


def seg(text: str) -> Document:
    return segment_document(TextReader().read_string(text, "t"), cite=False)


def test_page_footer_and_repeated_banner() -> None:
    doc = seg(
        "Niger\n\nSIGNIFICANT ADVANCEMENT\n\n"
        "The law does not specify the\n\n"
        "Page 3 of 9\n\n"
        "conditions of light work. Next sentence is cut by the\n\n"
        "Niger\n\nSIGNIFICANT ADVANCEMENT\n\n"
        "page banner again.\n"
    )
    assert [(r.kind, doc.quote(r)) for r in doc.running] == [
        (Kind.RUNNING_HEADER, "Niger"),
        (Kind.RUNNING_HEADER, "SIGNIFICANT ADVANCEMENT"),
        (Kind.RUNNING_FOOTER, "Page 3 of 9"),
        (Kind.RUNNING_HEADER, "Niger"),
        (Kind.RUNNING_HEADER, "SIGNIFICANT ADVANCEMENT"),
    ]
    assert [doc.quote(s) for s in doc.sentences] == [
        "The law does not specify the",
        "conditions of light work.",
        "Next sentence is cut by the",
        "page banner again.",
    ]
    assert doc.sentences[0].continued_by == 2 and doc.sentences[1].continues == 1
    assert doc.sentences[2].continued_by == 4 and doc.sentences[3].continues == 3
    assert not doc.headings


def test_repeated_heading_is_not_a_banner() -> None:
    doc = seg(
        "KEY FINDINGS\n\n- One finding.\n- Two findings.\n\n"
        "OTHER PART\n\nText.\n\nKEY FINDINGS\n\n- Three.\n"
    )
    assert not doc.running
    assert [h.title for h in doc.headings] == ["KEY FINDINGS", "OTHER PART", "KEY FINDINGS"]
    assert [doc.quote(i) for i in doc.list_items] == ["One finding.", "Two findings.", "Three."]
    assert [i.section for i in doc.list_items] == [1, 1, 3]


def test_heading_classifier() -> None:
    assert classify_heading(["III. ENFORCEMENT OF LAWS ON CHILD LABOR"]) == 1
    assert classify_heading(["Labor Law Enforcement"]) == 2
    assert classify_heading(["**DRG LEARNING, EVALUATION, AND", "RESEARCH ACTIVITY**"]) == 1
    assert classify_heading(["## Methods"]) == 2
    assert classify_heading(["Mali (Tier 2)"]) == 2
    assert classify_heading(["MALI: Tier 2 Watch List"]) == 2
    assert classify_heading(["Children work in mines."]) is None
    assert classify_heading(["Some key findings from each thematic area are below:"]) is None
    assert classify_heading(["- A bullet"]) is None
    assert classify_heading(["Figure 1: Visual Representation of the Scope"]) is None
    assert classify_heading(["¹ A footnote"]) is None
    assert classify_heading(["First. (1)"]) is None


def test_markdown_heading_span_excludes_markers() -> None:
    doc = seg("**BOLD TITLE\nON TWO LINES**\n\nBody text here.\n")
    (h,) = doc.headings
    assert doc.quote(h) == "BOLD TITLE\nON TWO LINES" and h.title == "BOLD TITLE ON TWO LINES"
    assert doc.sections[0].title == h.title


def test_lists_with_continuations() -> None:
    doc = seg(
        "The research questions are:\n\n"
        "- (1) What works for victims and\n"
        "services?\n"
        "- (2) What works for awareness?\n\n"
        "• A bullet item that runs over a page\n\n"
        "break and continues here.\n\n"
        "1. First numbered item.\n"
        "2) Second numbered item.\n\n"
        "A closing paragraph.\n"
    )
    items = [(i.marker, doc.quote(i)) for i in doc.list_items]
    assert items == [
        ("-", "(1) What works for victims and\nservices?"),
        ("-", "(2) What works for awareness?"),
        ("•", "A bullet item that runs over a page\n\nbreak and continues here."),
        ("1.", "First numbered item."),
        ("2)", "Second numbered item."),
    ]
    assert doc.quote(doc.list_items[0].marker_span) == "-"
    assert [doc.quote(s) for s in doc.sentences] == [
        "The research questions are:",
        "A closing paragraph.",
    ]


def test_footnotes_in_running_text() -> None:
    doc = seg(
        "INTRODUCTION\n\n"
        "Mali is on the watch list,¹ and reports agree.² The text goes on and the\n\n"
        "¹ Countries whose governments do not fully meet the standards.\n\n"
        "² Grey literature is information outside academic media; it\n"
        "wraps over a second line.\n\n"
        "sentence ends here.\n\n"
        "[^3]: A markdown footnote.\n"
    )
    assert [(n.number, doc.quote(n)) for n in doc.footnotes] == [
        (1, "Countries whose governments do not fully meet the standards."),
        (2, "Grey literature is information outside academic media; it\nwraps over a second line."),
        (3, "A markdown footnote."),
    ]
    assert [doc.quote(n.marker_span) for n in doc.footnotes] == ["¹", "²", "[^3]"]
    quotes = [doc.quote(s) for s in doc.sentences]
    assert quotes == [
        "Mali is on the watch list,¹ and reports agree.²",
        "The text goes on and the",
        "sentence ends here.",
    ]


def test_label_value_layout() -> None:
    doc = seg(
        "TECHNICAL COOPERATION PROJECT SUMMARY\n\n"
        "PROJECT DURATION September 30, 2010–June 30, 2014\n\n"
        "FISCAL YEAR & FUNDING LEVEL FY 2010: USD 5,000,000\n\n"
        "PROBLEM TO BE ADDRESSED Children work in mines. They are\n"
        "exposed to mercury.\n\n"
        "SUMMARY OF ACTIVITIES  Trained teachers in\n"
        "learner-centered methods;\n"
        " Built schools; and\n\n"
        " Provided meals.\n\n"
        "GRANTEE\n\n"
        "IMPLEMENTING PARTNERS\n\n"
        "Winrock International\n\n"
        "Local NGOs and the Ministry of Labor.\n\n"
        "CONTACT INFORMATION Office of Child Labor\n\n"
        "(202) 693-4843\n"
    )
    values = {f.key: f.value for f in doc.fields}
    assert values == {
        "project_duration": "September 30, 2010–June 30, 2014",
        "fiscal_year_funding_level": "FY 2010: USD 5,000,000",
        "problem_to_be_addressed": "Children work in mines. They are exposed to mercury.",
        "summary_of_activities": (
            "Trained teachers in learner-centered methods; Built schools; and Provided meals."
        ),
        "grantee": "Winrock International",
        "implementing_partners": "Local NGOs and the Ministry of Labor.",
        "contact_information": "Office of Child Labor (202) 693-4843",
    }
    assert [doc.quote(i) for i in doc.list_items] == [
        "Trained teachers in\nlearner-centered methods;",
        "Built schools; and",
        "Provided meals.",
    ]
    assert [doc.quote(s) for s in doc.sentences][:3] == [
        "September 30, 2010–June 30, 2014",
        "FY 2010: USD 5,000,000",
        "Children work in mines.",
    ]
    problem = doc.metadata["problem_to_be_addressed"]
    assert all(s.field == problem.index for s in doc.sentences if problem.span.contains(s))
    assert doc.quote(problem).startswith("PROBLEM TO BE ADDRESSED Children")
    assert doc.quote(doc.metadata["grantee"]) == "Winrock International"


def test_refworld_metadata_header() -> None:
    doc = seg(
        "Last Updated: Friday, 1 June 2018, 10:00 GMT\n\n"
        "U.S. Department of State 2003 Trafficking in Persons Report - Niger\n\n"
        "Publisher United States Department of State\n"
        "Publication Date 11 June 2003\n"
        "DisclaimerThis is not a UNHCR publication.\n\n"
        "Niger (Tier 2)\n\n"
        "Niger is a source country.\n\n"
        "Search Refworld\n"
    )
    md = {k: (f.label, f.value) for k, f in doc.metadata.items()}
    assert md["publisher"] == ("Publisher", "United States Department of State")
    assert md["publication_date"] == ("Publication Date", "11 June 2003")
    assert md["disclaimer"] == ("Disclaimer", "This is not a UNHCR publication.")
    assert md["last_updated"] == ("Last Updated", "Friday, 1 June 2018, 10:00 GMT")
    assert doc.quote(doc.metadata["last_updated"]).startswith("Last Updated: Friday")
    assert [doc.quote(r) for r in doc.running] == ["Search Refworld"]
    assert [h.title for h in doc.headings][-1] == "Niger (Tier 2)"
    assert [doc.quote(s) for s in doc.sentences] == ["Niger is a source country."]


def test_front_matter_labels() -> None:
    doc = seg("Submitted by:\n\nJane Doe\nJohn Roe\n\nINTRODUCTION\n\nText.\n")
    f = doc.metadata["submitted_by"]
    assert f.label == "Submitted by" and f.value == "Jane Doe John Roe"
    assert doc.quote(f) == "Submitted by:\n\nJane Doe\nJohn Roe"


def test_table_of_contents_and_acronyms() -> None:
    doc = seg(
        "TABLE OF CONTENTS\n\n"
        "ACRONYMS\tiii\n"
        "INTRODUCTION\t1\n"
        "KEY FINDINGS.....\t14\n\n"
        "AWARENESS RAISING30\n\n"
        "TIP REDUCTION IN NEXUS CONTEXT (HUMANITARIAN, DEVELOPMENT, AND VIOLENT\n"
        "EXTREMISM).....31\n\n"
        "FIGURES\n\n"
        "Figure I: A map 4\n\n"
        "ACRONYMS\n\n"
        "C-TIP\tCounter-trafficking in persons\n"
        "M&E\tMonitoring and evaluation\n\n"
        "UN\tUnited Nations\n\n"
        "INTRODUCTION\n\n"
        "The Lord's Resistance Army (LRA) fought. The Government of"
        " Mali (GOM) and the United Nations (UN) agreed. The (CNLTE) is French.\n"
    )
    assert [(t.title, t.page) for t in doc.toc] == [
        ("ACRONYMS", "iii"),
        ("INTRODUCTION", "1"),
        ("KEY FINDINGS", "14"),
        ("AWARENESS RAISING", "30"),
        ("TIP REDUCTION IN NEXUS CONTEXT (HUMANITARIAN, DEVELOPMENT, AND VIOLENT EXTREMISM)", "31"),
        ("FIGURES", ""),
        ("Figure I: A map", "4"),
    ]
    assert doc.acronyms["C-TIP"] == "Counter-trafficking in persons"
    assert doc.acronyms["M&E"] == "Monitoring and evaluation"
    assert doc.acronyms["UN"] == "United Nations"
    assert doc.acronyms["LRA"] == "Lord's Resistance Army"
    assert doc.acronyms["GOM"] == "Government of Mali"
    inline = [a for a in doc.acronym_entries if a.source == "inline"]
    assert {a.term for a in inline} == {"LRA", "GOM", "UN"}
    assert [h.title for h in doc.headings] == ["TABLE OF CONTENTS", "ACRONYMS", "INTRODUCTION"]
    assert len(doc.sentences) == 3
