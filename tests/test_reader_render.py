"""The reader renders structure and markup without moving a character (serve/reader.py
structure_spans and markup_spans, serve/markup.py): the text of the HTML is the document's text,
markdown marks are hidden elements, tables and lists get their roles."""

from __future__ import annotations

import html
import re

from ctipgraph.serve.markup import marks, plain
from ctipgraph.serve.reader import markup_spans, render_spans, structure_spans

DOC = "https://w3id.org/ctipgraph/id/doc/d/"


def _text_of(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _passage(iri: str, kind: str, text: str, part: str, start: int = 0) -> dict:
    at = text.index(part, start)
    return {"iri": DOC + iri, "kind": kind, "place": (at, at + len(part)), "anchor": iri}


def test_markdown_and_escapes_hidden_not_removed() -> None:
    text = "**Government of Mali.** A \\$13 million *Etude sur le travail* grant."
    out = str(render_spans(text, markup_spans(text)))
    assert _text_of(out) == text  # every character is still there, in order
    assert '<strong class="md">Government of Mali.</strong>' in out
    assert '<em class="md">Etude sur le travail</em>' in out
    assert out.count('class="md-mark"') == 5  # ** ** \ * *
    assert plain(text) == "Government of Mali. A $13 million Etude sur le travail grant."


def test_no_marks_in_plain_prose() -> None:
    for text in ("a * b * c", "Cultivating,† harvesting,†", "2 * 3 = 6", "e-mail: x_y@z"):
        assert marks(text) == [], text


def test_tables_and_lists_get_roles_and_keep_the_text() -> None:
    text = "Table 1\n\nChildren\tAge\nWorking\t5 to 14\n\tSchool\n\n- one\n- two\n"
    passages = [
        _passage("table/1/row/1", "row", text, "Children\tAge"),
        _passage("table/1/row/2", "row", text, "Working\t5 to 14"),
        _passage("table/1/row/3", "row", text, "School"),
        _passage("item/1", "item", text, "one"),
        _passage("item/2", "item", text, "two"),
    ]
    spans = structure_spans(text, passages)
    out = str(render_spans(text, spans))
    assert _text_of(out) == text
    assert out.count('role="table"') == 1
    assert out.count('role="columnheader"') == 2
    assert out.count('role="list"') == 1
    # the third row starts after a tab: an empty cell first, so its text is in column two
    third = out[out.index("School") - 200:out.index("School")]
    assert third.count('role="cell"') >= 2
