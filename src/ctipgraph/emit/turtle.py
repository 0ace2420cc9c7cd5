"""Deterministic Turtle: the same graph always gives the same bytes.

Subjects are sorted (the document first), predicates sorted with rdf:type first, objects sorted.
IRIs under the document's own namespace are written relative to an @base so files stay readable.
Blank nodes are refused: every node of ctipgraph data has an IRI.
"""

from __future__ import annotations

import re

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..namespaces import PREFIXES

_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_RELATIVE_SAFE = re.compile(r"^[A-Za-z0-9._~/#-]+$")
_DIGITS = re.compile(r"(\d+)")
_PLAIN_NUMBERS = {XSD.integer, XSD.decimal, XSD.boolean}


class TurtleError(ValueError):
    """A graph that cannot be written as ctipgraph Turtle (e.g. it holds a blank node)."""


class TurtleWriter:
    """Writes a graph as sorted, prefixed Turtle; reuse one writer for many graphs."""

    def __init__(self, prefixes: dict[str, str] | None = None) -> None:
        items = prefixes or {k: str(v) for k, v in PREFIXES.items()}
        # Longest namespace first, so ctipc: wins over id: for concept IRIs.
        self._prefixes = sorted(items.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def _iri(self, iri: URIRef, base: str | None, used: set[str]) -> str:
        text = str(iri)
        if base and text.startswith(base) and len(text) > len(base):
            rest = text[len(base):]
            if _RELATIVE_SAFE.match(rest) and not rest.startswith(("/", "#")):
                return f"<{rest}>"
        for prefix, namespace in self._prefixes:
            if text.startswith(namespace):
                local = text[len(namespace):]
                if _LOCAL.match(local):
                    used.add(prefix)
                    return f"{prefix}:{local}"
        return f"<{text}>"

    def _term(self, term: object, base: str | None, used: set[str]) -> str:
        if isinstance(term, BNode):
            raise TurtleError(f"blank node {term.n3()} in ctipgraph data")
        if isinstance(term, URIRef):
            return self._iri(term, base, used)
        if isinstance(term, Literal):
            if term.datatype in _PLAIN_NUMBERS and term.n3() == term.n3(None):
                lexical = str(term)
                if term.datatype == XSD.boolean and lexical in ("true", "false"):
                    return lexical
                if term.datatype == XSD.integer and re.fullmatch(r"[+-]?\d+", lexical):
                    return lexical
                if term.datatype == XSD.decimal and re.fullmatch(r"[+-]?\d*\.\d+", lexical):
                    return lexical
            quoted = Literal(str(term)).n3()
            if "\n" in str(term):
                quoted = '"' + quoted[1:-1] + '"'  # n3() already escapes newlines as \n
            if term.language:
                return f"{quoted}@{term.language}"
            if term.datatype and term.datatype != XSD.string:
                return f"{quoted}^^{self._iri(term.datatype, None, used)}"
            return quoted
        raise TurtleError(f"unexpected term {term!r}")

    def write(self, graph: Graph, *, base: str | None = None, first: URIRef | None = None) -> str:
        """Serialize `graph`; `base` makes IRIs under it relative; `first` is written first."""
        used: set[str] = set()
        blocks: list[str] = []

        def subject_key(s: object) -> tuple[int, list[object]]:
            return (0 if s == first else 1, natural_key(str(s)))

        for subject in sorted(set(graph.subjects()), key=subject_key):
            if not isinstance(subject, URIRef):
                raise TurtleError(f"blank node subject {subject!r} in ctipgraph data")
            lines = []
            predicates = sorted(
                set(graph.predicates(subject)), key=lambda p: (p != RDF.type, str(p))
            )
            for predicate in predicates:
                objects = sorted(graph.objects(subject, predicate), key=_object_key)
                rendered = [self._term(o, base, used) for o in objects]
                name = "a" if predicate == RDF.type else self._iri(predicate, None, used)
                lines.append(f"    {name} " + " ,\n        ".join(rendered))
            blocks.append(self._iri(subject, base, used) + "\n" + " ;\n".join(lines) + " .\n")
        header = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(self._prefixes) if p in used]
        if base:
            header.insert(0, f"@base <{base}> .")
        return "\n".join(header) + "\n\n" + "\n".join(blocks)


def natural_key(text: str) -> list[object]:
    """Sort key that puts sentence/2 before sentence/10."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in _DIGITS.split(text)]


def _object_key(term: object) -> tuple[int, str, str]:
    if isinstance(term, URIRef):
        return (0, str(term), "")
    if isinstance(term, Literal):
        return (1, str(term), str(term.datatype or term.language or ""))
    return (2, str(term), "")
