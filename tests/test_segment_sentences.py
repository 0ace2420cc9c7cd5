"""Sentence splitting on made-up hard cases (pysbd plus post-rules)."""

from __future__ import annotations

import pytest

from ctipgraph.read.model import Document, Span
from ctipgraph.read.text import TextReader
from ctipgraph.segment import segment_document
from ctipgraph.segment.sentences import split_pieces, split_view


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_view(text)]


def seg(text: str) -> Document:
    return segment_document(TextReader().read_string(text, "t"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. Department of State listed Mali. It was bad.",
            ["The U.S. Department of State listed Mali.", "It was bad."],
        ),
        (
            "Article L.187 of Law No. 2017-021 applies. See Art. 5 of the code.",
            ["Article L.187 of Law No. 2017-021 applies.", "See Art. 5 of the code."],
        ),
        (
            "It received $6.8 million in 2017. Dr. Smith agreed, e.g. on 13.5 years, i.e. most.",
            [
                "It received $6.8 million in 2017.",
                "Dr. Smith agreed, e.g. on 13.5 years, i.e. most.",
            ],
        ),
        (
            "Children work in agriculture. (7; 8; 1) Table 1 gives indicators.",
            ["Children work in agriculture. (7; 8; 1)", "Table 1 gives indicators."],
        ),
        (
            "Children work in agriculture.(1-8) Table 1 gives indicators.",
            ["Children work in agriculture.(1-8)", "Table 1 gives indicators."],
        ),
        (
            "Staff are dedicated to child labor. (1) Despite this, it is bad. (2; 3)",
            ["Staff are dedicated to child labor. (1)", "Despite this, it is bad. (2; 3)"],
        ),
        (
            "Mali should employ 157 inspectors. (11; 59; 60; 61). One inspector per region.",
            ["Mali should employ 157 inspectors. (11; 59; 60; 61).", "One inspector per region."],
        ),
        (
            "It remained there in 2021 as well.¹¹ Its 2020 report agreed.",
            ["It remained there in 2021 as well.¹¹", "Its 2020 report agreed."],
        ),
        (
            "(1) The first point. (2) The second point.",
            ["(1) The first point.", "(2) The second point."],
        ),
        (
            "Areas: 1) platforms; 2) awareness raising; and 3) youth. Each was explored.",
            ["Areas: 1) platforms; 2) awareness raising; and 3) youth.", "Each was explored."],
        ),
        (
            "The law (see Art. 5. It is new) applies. Next one.",
            ["The law (see Art. 5. It is new) applies.", "Next one."],
        ),
        (
            "He said “Stop. Now.” Then he left.",
            ["He said “Stop. Now.”", "Then he left."],
        ),
        (
            "This was shown (Hilson, 2008). Others (Spangaro et al., 2013) agreed.",
            ["This was shown (Hilson, 2008).", "Others (Spangaro et al., 2013) agreed."],
        ),
        (
            "Two objectives: (1) to create jobs, and (2) extend protection. (70) Done.",
            ["Two objectives: (1) to create jobs, and (2) extend protection. (70)", "Done."],
        ),
    ],
)
def test_split(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_sentence_over_a_line_break_and_blank_line_is_one_sentence() -> None:
    text = "In 2020 the country stayed on the list, where the\n\ncountry remained. Next."
    doc = seg(text)
    assert [doc.quote(s) for s in doc.sentences] == [
        "In 2020 the country stayed on the list, where the\n\ncountry remained.",
        "Next.",
    ]


def test_pieces_split_one_sentence_into_linked_spans() -> None:
    text = "A sentence is broken by the\n\nBANNER\n\npage banner here. Another one."
    pieces = [Span(0, 27), Span(37, len(text))]
    got = split_pieces(text, pieces)
    assert [[text[s.start : s.end] for s in spans] for spans in got] == [
        ["A sentence is broken by the", "page banner here."],
        ["Another one."],
    ]


def test_sentence_broken_by_a_footnote_is_two_linked_sentences() -> None:
    text = (
        "HEADING\n\n"
        "Respondents called for “greater\n\n"
        "¹² In the 2020 data, respondents agreed.\n\n"
        "cohesion between programs,” as one said.¹² Then more.\n"
    )
    doc = seg(text)
    quotes = [doc.quote(s) for s in doc.sentences]
    assert quotes == [
        "Respondents called for “greater",
        "cohesion between programs,” as one said.¹²",
        "Then more.",
    ]
    assert doc.sentences[0].continued_by == 2 and doc.sentences[1].continues == 1
    assert [n.number for n in doc.footnotes] == [12]
    assert doc.quote(doc.footnotes[0]) == "In the 2020 data, respondents agreed."


def test_lower_case_continuation_after_wrong_split_is_merged() -> None:
    assert sentences("It rose to 5 p.m. and stayed. Later it fell.") == [
        "It rose to 5 p.m. and stayed.",
        "Later it fell.",
    ]


def test_no_empty_or_marker_only_sentences() -> None:
    doc = seg("Heading\n\nFirst. (1)\n\n(2)\n\nSecond sentence here.\n")
    assert all(doc.quote(s).strip() for s in doc.sentences)
    assert "(2)" not in [doc.quote(s) for s in doc.sentences]
