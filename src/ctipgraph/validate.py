"""SHACL validation (pyshacl) of ctipgraph data against the shapes, with readable reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from .namespaces import PREFIXES, SH
from .ontology import load_ontology
from .paths import shape_files
from .rdfio import load_graph
from .shacl_sparql import SparqlCheck, oxigraph_store, run_checks, split_shapes


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL validation result, in words a researcher can act on."""

    focus: str
    path: str
    message: str
    severity: str = "Violation"
    value: str = ""
    shape: str = ""
    source_file: str = ""

    def format(self) -> str:
        lines = [f"{self.severity}: {self.message}", f"  focus node: {self.focus}"]
        if self.path:
            lines.append(f"  path:       {self.path}")
        if self.value:
            lines.append(f"  value:      {self.value}")
        if self.source_file:
            lines.append(f"  file:       {self.source_file}")
        if self.shape:
            lines.append(f"  shape:      {self.shape}")
        return "\n".join(lines)


@dataclass
class ValidationReport:
    """All results of one validation run."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def format(self) -> str:
        if self.conforms:
            return "conforms: no violations"
        body = "\n\n".join(v.format() for v in self.violations)
        return f"{body}\n\n{len(self.violations)} violation(s)"


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """All shapes files as one graph (loaded once)."""
    graph = Graph()
    for path in shape_files():
        graph.parse(path, format="turtle")
    return graph


def _short(node: Node | None) -> str:
    """A node as a researcher reads it: a prefixed name where one applies, else the IRI."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(str(item[1]))):
            if text.startswith(str(namespace)) and "/" not in text[len(str(namespace)) :]:
                return f"{prefix}:{text[len(str(namespace)):]}"
        return f"<{text}>"
    if isinstance(node, Literal):
        return node.n3()
    return str(node)


def _path_text(results: Graph, result: Node) -> str:
    path = results.value(result, SH.resultPath)
    if path is None:
        return ""
    inverse = results.value(path, SH.inversePath)
    return f"^{_short(inverse)}" if inverse is not None else _short(path)


def _value_text(results: Graph, result: Node, focus: Node | None) -> str:
    return _value_text_of(results.value(result, SH.value), focus)


def _value_text_of(value: Node | None, focus: Node | None) -> str:
    return "" if value is None or value == focus else _short(value)


def _owning_shapes(source: Node | None, focus: Node | None, data: Graph) -> str:
    """The node shape(s) a result comes from, narrowed to those targeting the focus node's class."""
    shapes = shapes_graph()
    if source is None:
        return ""
    owners = {source} if (source, RDF.type, SH.NodeShape) in shapes else set()
    for link in (SH.property, SH.sparql):
        owners.update(shapes.subjects(link, source))
    if len(owners) > 1 and focus is not None:
        classes = {
            ancestor
            for cls in data.objects(focus, RDF.type)
            for ancestor in data.transitive_objects(cls, RDFS.subClassOf)
        }
        targeted = {o for o in owners if set(shapes.objects(o, SH.targetClass)) & classes}
        owners = targeted or owners
    return " ".join(sorted(_short(o) for o in owners if isinstance(o, URIRef)))


def _source_file(
    parts: list[tuple[str, Graph]], focus: Node | None, path: Node | None, value: Node | None
) -> str:
    """The file(s) holding the offending triple, else the focus node's description."""
    patterns = []
    if isinstance(path, URIRef):
        if value is not None:
            patterns.append((focus, path, value))
        patterns.append((focus, path, None))
    patterns.append((focus, None, None))
    for pattern in patterns:
        files = [name for name, graph in parts if (pattern in graph if None not in pattern
                 else next(graph.triples(pattern), None) is not None)]
        if files:
            return ", ".join(files)
    return ""


@lru_cache(maxsize=1)
def _prepared_shapes() -> tuple[Graph, list[SparqlCheck]]:
    return split_shapes(shapes_graph())


def _sparql_violations(
    combined: Graph, checks: list[SparqlCheck], parts: list[tuple[str, Graph]]
) -> list[Violation]:
    found = []
    for result in run_checks(oxigraph_store(combined), checks):
        found.append(
            Violation(
                focus=_short(result.focus),
                path=_short(result.path) if result.path is not None else "",
                message=result.message,
                value=_value_text_of(result.value, result.focus),
                shape=_short(result.check.shape),
                source_file=_source_file(parts, result.focus, result.path, result.value),
            )
        )
    return found


def validate_graph(data: Graph, parts: list[tuple[str, Graph]] | None = None) -> ValidationReport:
    """Validate a data graph against the shapes, with the ontology for class hierarchy.

    Core constraints run in pyshacl; SPARQL-based constraints of class-targeted shapes run once
    per shape in Oxigraph (see shacl_sparql), which gives the same results far faster.
    """
    combined = load_ontology()  # the ontology supplies class hierarchy and concept typing
    for triple in data:
        combined.add(triple)
    core_shapes, checks = _prepared_shapes()
    conforms, results, _ = shacl_validate(
        combined,
        shacl_graph=core_shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=True,  # `combined` is this call's own copy: no second copy for pyshacl
    )
    violations = _sparql_violations(combined, checks, parts or [])
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        severity = results.value(result, SH.resultSeverity)
        violations.append(
            Violation(
                focus=_short(focus),
                path=_path_text(results, result),
                message=str(results.value(result, SH.resultMessage) or "constraint not met"),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                value=_value_text(results, result, focus),
                shape=_owning_shapes(results.value(result, SH.sourceShape), focus, combined),
                source_file=_source_file(
                    parts or [],
                    focus,
                    results.value(result, SH.resultPath),
                    results.value(result, SH.value),
                ),
            )
        )
    failed = any(v.severity == "Violation" for v in violations)
    return ValidationReport(conforms=bool(conforms) and not failed,
                            violations=sorted(set(violations)))


def validate_files(paths: list[Path]) -> ValidationReport:
    """Load Turtle/TriG/N-Triples files together and validate them (raises RdfInputError)."""
    data, parts = load_graph(paths)
    return validate_graph(data, parts)
