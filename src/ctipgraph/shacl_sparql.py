"""SHACL-SPARQL constraints evaluated inside Oxigraph, once per shape instead of once per node.

pyshacl runs a SPARQL-based constraint by parsing and executing its query for every focus node
with rdflib, which is far too slow for documents with thousands of passages. For constraints on
shapes with `sh:targetClass`, pre-binding `$this` to each instance of the class is equivalent to
running the query once with `?this` bound to every instance — which is what happens here, in
pyoxigraph. Message templates (`{?var}`, `{$var}`) are filled from each solution as in SHACL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .namespaces import PREFIXES, SH

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_TEMPLATE = re.compile(r"\{[?$](\w+)\}")


@dataclass(frozen=True)
class SparqlCheck:
    """One sh:SPARQLConstraint of a node shape that targets a class."""

    shape: URIRef
    constraint: object
    target_classes: tuple[URIRef, ...]
    query: str
    message: str


@dataclass(frozen=True)
class SparqlResult:
    """One violation found by a check: the focus node, and path/value when the query binds them."""

    check: SparqlCheck
    focus: object
    path: object | None
    value: object | None
    message: str


def _prologue(shapes: Graph, constraint: object) -> str:
    declared = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    for holder in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                declared[str(prefix)] = str(namespace)
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(declared.items()))


def split_shapes(shapes: Graph) -> tuple[Graph, list[SparqlCheck]]:
    """The shapes without their class-targeted SPARQL constraints, and those constraints."""
    core = Graph()
    for triple in shapes:
        core.add(triple)
    checks = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql), key=lambda so: str(so)):
        targets = tuple(sorted(shapes.objects(shape, SH.targetClass), key=str))
        select = shapes.value(constraint, SH.select)
        if not targets or select is None or (constraint, SH.deactivated, Literal(True)) in shapes:
            continue  # left to pyshacl: other targets keep the standard per-node semantics
        body = str(select).replace("$this", "?this")
        match = _WHERE.search(body)
        if match is None:
            continue
        values = " ".join(f"<{t}>" for t in targets)
        typed = (f" VALUES ?ctipTarget {{ {values} }} "
                 "?this rdf:type/rdfs:subClassOf* ?ctipTarget . ")
        query = _prologue(shapes, constraint) + body[: match.end()] + typed + body[match.end():]
        message = shapes.value(constraint, SH.message)
        checks.append(SparqlCheck(shape, constraint, targets, query,
                                  str(message) if message else "SPARQL constraint not met"))
        core.remove((shape, SH.sparql, constraint))
    return core, checks


def _to_ox(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unexpected term {term!r}")


def _from_ox(term: object) -> object:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    return None


def _text(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def oxigraph_store(graph: Graph) -> ox.Store:
    """An in-memory Oxigraph store holding the graph's triples."""
    store = ox.Store()
    store.extend(ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o)) for s, p, o in graph)
    return store


def run_checks(store: ox.Store, checks: list[SparqlCheck]) -> list[SparqlResult]:
    """Evaluate every check on the store; each solution is one violation."""
    results = []
    for check in checks:
        solutions = store.query(check.query)
        variables = list(solutions.variables)
        for solution in solutions:
            bound = {v.value: solution[v] for v in variables if solution[v] is not None}
            focus = bound["this"]
            message = _TEMPLATE.sub(
                lambda m, b=bound: _text(b[m.group(1)]) if m.group(1) in b else m.group(0),
                check.message,
            )
            results.append(SparqlResult(
                check=check,
                focus=_from_ox(focus),
                path=_from_ox(bound["path"]) if "path" in bound else None,
                value=_from_ox(bound["value"]) if "value" in bound else None,
                message=message,
            ))
    return results
