"""Comparing what two ctipgraph servers answer, by meaning rather than by bytes (backend parity).

- SPARQL results (SPARQL JSON): rows of canonical terms — a numeric literal by its value (`1`,
  `"1"^^xsd:integer` and `1.0` are one number), a plain literal and an xsd:string one alike,
  blank nodes all alike (their labels are the server's), the items of a GROUP_CONCAT in any
  order (the query's own separator) — compared as a sequence where the query has ORDER BY,
  else as a multiset.
- HTML pages: the visible text, line by line (scripts and styles left out, white space
  collapsed), and the links in document order.
- JSON: by value; RDF (Turtle): as sets of triples, blank nodes alike.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                             "byte", "nonNegativeInteger", "positiveInteger",
                             "nonPositiveInteger", "negativeInteger", "unsignedInt",
                             "unsignedLong", "unsignedShort", "unsignedByte")}
_CONCAT = re.compile(r"GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?SEPARATOR\s*=\s*(\"[^\"]*\"|'[^']*')"
                     r"\s*\)\s*AS\s*\?(\w+)", re.IGNORECASE)
_ORDER_BY = re.compile(r"ORDER\s+BY", re.IGNORECASE)


def fetch(url: str, *, data: dict | None = None, accept: str = "text/html",
          timeout: float = 120) -> tuple[int, str, bytes]:
    """(status, content type, body) of a GET, or of a form POST when `data` is given."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.headers.get_content_type(), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


# -- SPARQL results ---------------------------------------------------------------------------


def _number(value: str) -> Decimal | str:
    try:
        return Decimal(value).normalize()
    except InvalidOperation:
        return value


def canonical_term(binding: dict | None, separator: str | None = None) -> object:
    """One SPARQL JSON binding as a comparable value (see the module doc)."""
    if binding is None:  # (GROUP_CONCAT of no value: unbound on Oxigraph, "" on Virtuoso)
        return ("list", ()) if separator is not None else None
    kind, value = binding["type"], binding["value"]
    if kind == "bnode":
        return ("bnode",)
    if kind == "uri":
        return ("iri", value)
    datatype = binding.get("datatype")
    if datatype in NUMERIC:
        return ("number", _number(value))
    if separator is not None and datatype in (None, XSD + "string"):
        return ("list", tuple(sorted(value.split(separator))) if value else ())
    if datatype == XSD + "string":
        datatype = None
    language = binding.get("xml:lang")
    return ("literal", value, datatype, language.lower() if language else None)


def concat_separators(query: str) -> dict[str, str]:
    """The variables a query binds by GROUP_CONCAT, and each one's separator."""
    return {name: json.loads(sep) if sep.startswith('"') else sep[1:-1]
            for sep, name in _CONCAT.findall(query)}


def canonical_results(query: str, body: bytes) -> tuple[list[str], list[tuple]] | bool:
    """SPARQL JSON results as (variables, rows of canonical terms), or the boolean of an ASK."""
    data = json.loads(body)
    if "boolean" in data:
        return bool(data["boolean"])
    names = list(data["head"]["vars"])
    separators = concat_separators(query)
    rows = [tuple(canonical_term(row.get(n), separators.get(n)) for n in names)
            for row in data["results"]["bindings"]]
    return names, rows


def same_results(query: str, left: bytes, right: bytes) -> tuple[bool, str]:
    """Whether two SPARQL JSON answers to `query` mean the same; and what differs."""
    a, b = canonical_results(query, left), canonical_results(query, right)
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b, f"ASK {a} vs {b}"
    (names_a, rows_a), (names_b, rows_b) = a, b
    if sorted(names_a) != sorted(names_b):
        return False, f"variables {names_a} vs {names_b}"
    order = [names_b.index(n) for n in names_a]
    rows_b = [tuple(row[i] for i in order) for row in rows_b]
    ordered = bool(_ORDER_BY.search(query))
    if (rows_a == rows_b) if ordered else (Counter(rows_a) == Counter(rows_b)):
        return True, ""
    only_a = Counter(rows_a) - Counter(rows_b)
    only_b = Counter(rows_b) - Counter(rows_a)
    if not only_a and not only_b:
        return False, f"same {len(rows_a)} rows in another order"
    return False, (f"{len(rows_a)} vs {len(rows_b)} rows; only left: "
                   f"{list(only_a.elements())[:3]}; only right: {list(only_b.elements())[:3]}")


# -- pages ------------------------------------------------------------------------------------


class _Visible(HTMLParser):
    """The visible text (one entry per text run) and the links of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        self.lines.append("")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden = max(0, self._hidden - 1)
        self.lines.append("")

    def handle_data(self, data):
        if not self._hidden:
            self.lines[-1] += data


def visible(html: bytes) -> tuple[list[str], list[str]]:
    """(lines of visible text, link targets) of an HTML page."""
    parser = _Visible()
    parser.feed(html.decode("utf-8", "replace"))
    lines = [" ".join(line.split()) for line in parser.lines]
    return [line for line in lines if line], parser.links


def same_page(left: bytes, right: bytes, media: str) -> tuple[bool, str]:
    """Whether two answers for one page mean the same (HTML, JSON, RDF or text); and where
    they first differ."""
    if media == "text/html":
        (text_a, links_a), (text_b, links_b) = visible(left), visible(right)
        if text_a != text_b:
            at = next((i for i, (x, y) in enumerate(zip(text_a, text_b, strict=False))
                       if x != y), min(len(text_a), len(text_b)))
            return False, (f"text line {at}: {text_a[at:at + 1]} vs {text_b[at:at + 1]} "
                           f"({len(text_a)} vs {len(text_b)} lines)")
        if links_a != links_b:
            return False, "links differ"
        return True, ""
    if media.endswith("json"):
        return (json.loads(left) == json.loads(right)), "JSON values differ"
    fmt = ox.RdfFormat.from_media_type(media)
    if fmt is not None:
        return triples(left, fmt) == triples(right, fmt), "triples differ"
    return left == right, "bytes differ"


def triples(data: bytes, fmt: ox.RdfFormat, drop: frozenset[str] = frozenset()) -> set:
    """The triples of an RDF document, blank nodes alike, without the predicates in `drop`."""
    def term(t):
        return "_:b" if isinstance(t, ox.BlankNode) else str(t)
    return {(term(q.subject), q.predicate.value, term(q.object))
            for q in ox.parse(data, format=fmt) if q.predicate.value not in drop}
