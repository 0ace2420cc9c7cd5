"""A lexical look at SPARQL text: which operation it is, whether it names its own dataset, whether
it calls SERVICE or LOAD. Not a parser — Oxigraph parses and reports syntax errors; this only tells
the endpoint what to refuse (updates, federation) and how to run a query (FROM vs. union default).

Comments, strings and IRIs are blanked out, and variables, prefixed names and language tags are
skipped, so a keyword only counts where SPARQL reads (or, in doubt, might read) a keyword.
`\\uXXXX` escapes are decoded first, as SPARQL does before parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_OPERATIONS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
_PROLOGUE = frozenset({"BASE", "PREFIX"})

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# What cannot hold a keyword: comments, strings (long ones first) and IRIs.
_OPAQUE = re.compile(
    "(?=[#'\"<])(?:" + "|".join([
        r"\#[^\n\r]*",
        r"'''(?:[^'\\]|\\.|'(?!''))*'''",
        r'"""(?:[^"\\]|\\.|"(?!""))*"""',
        r"'(?:[^'\\\n\r]|\\.)*'",
        r'"(?:[^"\\\n\r]|\\.)*"',
        r'<[^<>"{}|^`\\\x00-\x20]*>',
    ]) + ")",
    re.DOTALL,
)
# A bare word: not a variable (?x $x), a prefixed name (ex:x, x:) or a language tag (@x).
_WORD = re.compile(r"(?<![?$:@\w\-])([A-Za-z_]\w*)\b(?![:\w\-])")


@dataclass(frozen=True)
class SparqlText:
    """What the text of a SPARQL request is, as far as the endpoint needs to know."""

    operation: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE, an update keyword, or None
    uses_service: bool = False
    uses_load: bool = False
    has_dataset: bool = False  # FROM / FROM NAMED

    @property
    def is_update(self) -> bool:
        return self.operation in UPDATE_OPERATIONS or self.uses_load

    @property
    def is_query(self) -> bool:
        return self.operation in QUERY_FORMS


def _unescape(text: str) -> str:
    if "\\u" not in text and "\\U" not in text:
        return text

    def decode(match: re.Match) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except ValueError:  # beyond U+10FFFF: leave it for the parser to reject
            return match.group(0)

    return _ESCAPE.sub(decode, text)


def keywords(text: str) -> list[str]:
    """The bare words of `text` (upper-cased) where SPARQL reads keywords, in order.

    Errs on the safe side: a word that only looks bare (the end of `ex:a.SERVICE`, which SPARQL
    reads as one prefixed name) is listed too.
    """
    return [word.upper() for word in _WORD.findall(_OPAQUE.sub(" ", _unescape(text)))]


def analyse(text: str) -> SparqlText:
    """Classify a SPARQL query or update request by its keywords."""
    words = keywords(text)
    operation = next((w for w in words if w not in _PROLOGUE), None)
    if operation not in QUERY_FORMS and operation not in UPDATE_OPERATIONS:
        operation = None
    return SparqlText(
        operation=operation,
        uses_service="SERVICE" in words,
        uses_load="LOAD" in words,
        has_dataset="FROM" in words,
    )


def has_dataset_clause(text: str) -> bool:
    """True when the query names its own dataset (FROM or FROM NAMED)."""
    if "from" not in text.lower() and "\\u" not in text and "\\U" not in text:
        return False
    return "FROM" in keywords(text)
