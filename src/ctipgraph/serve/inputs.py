"""Checks of what a request gives: IRIs and whole numbers. A view raises `BadInput` with the
reason; the app answers it with a 400 page or JSON body (see security.py)."""

from __future__ import annotations

import re

import pyoxigraph as ox
from flask import request

#: longest IRI a request may give (the graph's longest are well under this)
MAX_IRI = 2048
#: characters that would break out of `<…>` in SPARQL or Turtle, and controls (a page checks
#: every IRI it writes into a query: one regular expression, not a test per character)
_UNSAFE = re.compile(r'[\x00-\x20<>"{}|\\^`]')


class BadInput(ValueError):
    """A request parameter that cannot be used; the message says why (answered with a 400)."""


def is_iri(value: str) -> bool:
    """True for an absolute IRI that Oxigraph accepts and that can be written as <value> in
    SPARQL without breaking out of it (no spaces, controls, quotes or angle brackets)."""
    if not value or len(value) > MAX_IRI or _UNSAFE.search(value):
        return False
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def iri_arg(name: str, value: str) -> str:
    """`value` when it is an IRI, else BadInput naming the parameter."""
    if not is_iri(value):
        shown = value if len(value) <= 80 else value[:80] + "…"
        raise BadInput(f"{name} is not an IRI: {shown!r}")
    return value


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """The whole number `name` of the query string between low and high (clamped). A value
    that is not a whole number gives the default (links may carry stale or empty values)."""
    raw = request.args.get(name, "")
    text = raw.strip()
    if not text or len(text) > 40 or not text.lstrip("+-").isascii() \
            or not text.lstrip("+-").isdigit():
        return default
    return min(high, max(low, int(text)))
