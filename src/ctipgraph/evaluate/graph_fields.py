"""What a build says of each document, read with SPARQL from a pyoxigraph store.

Every ``.ttl`` of a build folder is loaded into its own named graph (the document's IRI), so
what a graph holds is what that document says; the queries run inside Oxigraph over all graphs
at once and their rows are grouped by graph here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..namespaces import sparql_prologue
from ..store import GraphStore, document_graph

CTIP = "https://w3id.org/ctipgraph/ontology#"


@dataclass
class Figure:
    """A resource with a ctip:indicator (an observation or enforcement figure) in one document:
    its literal properties, the table kind that produced it and the label of its row."""

    iri: str
    indicator: str  # the concept's notation (the last IRI segment)
    props: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    methods: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)

    def one(self, prop: str) -> str | None:
        values = sorted(self.props.get(prop, ()))
        return values[0] if values else None

    def numbers(self, prop: str = "value") -> list[Decimal]:
        found = []
        for v in sorted(self.props.get(prop, ())):
            try:
                found.append(Decimal(v))
            except InvalidOperation:
                continue
        return found

    @property
    def year(self) -> int | None:
        year = self.one("year")
        return int(year[:4]) if year and year[:4].isdigit() else None


@dataclass
class Standard:
    """A ctip:LegalStandardAssessment: the standard as worded, its Yes/No and its ages."""

    iri: str
    name: str
    meets: set[bool] = field(default_factory=set)
    ages: set[int] = field(default_factory=set)


@dataclass
class Recommendation:
    iri: str
    text: str
    areas: set[str] = field(default_factory=set)  # area notations
    years: set[int] = field(default_factory=set)


@dataclass
class Activity:
    """A Table 2 activity: its wording and the forms of exploitation (notations) it names."""

    iri: str
    label: str
    forms: set[str] = field(default_factory=set)


@dataclass
class DocumentFields:
    """Everything the scorer reads of one document's graph."""

    doc_id: str
    graph: str
    reporting_year: int | None = None
    kind: str | None = None  # doc-kind notation
    country: str | None = None  # country IRI
    country_labels: set[str] = field(default_factory=set)
    advancement: list[tuple[int | None, str]] = field(default_factory=list)  # (year, level)
    figures: dict[str, Figure] = field(default_factory=dict)
    ratified: set[str] = field(default_factory=set)
    standards: dict[str, Standard] = field(default_factory=dict)
    recommendations: dict[str, Recommendation] = field(default_factory=dict)
    activities: dict[str, Activity] = field(default_factory=dict)


class BuildError(ValueError):
    """A build folder that cannot be read."""


def tail(iri: str) -> str:
    """The last segment of an IRI (a concept's notation, a property's local name)."""
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def load_build(folder: Path) -> GraphStore:
    """An in-memory store of every .ttl of a build folder, one named graph per document."""
    if not folder.is_dir():
        raise BuildError(f"{folder}: no such folder")
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise BuildError(f"{folder}: no .ttl files (is it a build folder?)")
    try:
        return GraphStore.from_files([(p, document_graph(p.stem).value) for p in files])
    except (OSError, SyntaxError, ValueError) as err:
        raise BuildError(f"{folder}: {err}") from err


_DOCS = """
SELECT ?g ?year ?kind ?country ?label WHERE { GRAPH ?g {
  ?g a ctip:SourceDocument .
  OPTIONAL { ?g ctip:reportingYear ?year }
  OPTIONAL { ?g ctip:documentKind ?kind }
  OPTIONAL { ?g ctip:country ?country OPTIONAL { ?country rdfs:label ?label } }
} }"""

_ADVANCEMENT = """
SELECT ?g ?a ?year ?level WHERE { GRAPH ?g {
  ?a ctip:advancementLevel ?level OPTIONAL { ?a ctip:year ?year }
} }"""

_FIGURES = """
SELECT ?g ?o ?ind ?p ?v WHERE { GRAPH ?g {
  ?o ctip:indicator ?ind ; ?p ?v .
  FILTER (isLiteral(?v) || ?p IN (ctip:form, ctip:area))
} }"""

_FIGURE_SOURCES = """
SELECT ?g ?o ?method ?label WHERE { GRAPH ?g {
  ?c rdf:subject ?o ; rdf:predicate ctip:indicator ; ctip:extractionMethod ?method .
  OPTIONAL { ?c prov:wasQuotedFrom ?cell . ?cell ctip:columnIndex 1 ;
                oa:hasSelector ?sel . ?sel oa:exact ?label }
} }"""

_RATIFIED = """
SELECT ?g ?c ?a WHERE { GRAPH ?g { ?c ctip:ratified ?a } }"""

_STANDARDS = """
SELECT ?g ?s ?name ?meets ?age WHERE { GRAPH ?g {
  ?s a ctip:LegalStandardAssessment ; ctip:standard ?name .
  OPTIONAL { ?s ctip:meetsInternationalStandards ?meets }
  OPTIONAL { ?s ctip:age ?age }
} }"""

_RECOMMENDATIONS = """
SELECT ?g ?r ?text ?area ?year WHERE { GRAPH ?g {
  ?r a ctip:Recommendation ; ctip:text ?text .
  OPTIONAL { ?r ctip:area ?area }
  OPTIONAL { ?r ctip:yearsSuggested ?year }
} }"""

_ACTIVITIES = """
SELECT ?g ?a ?label ?form WHERE { GRAPH ?g {
  ?a ctip:sector ?sector ; rdfs:label ?label .
  OPTIONAL { ?a ctip:form ?form }
} }"""


def _rows(store: GraphStore, query: str):
    """The solutions of a query as dicts of plain strings (None where unbound)."""
    result = store.store.query(sparql_prologue() + query)
    names = [v.value for v in result.variables]
    for solution in result:
        yield {n: (solution[n].value if solution[n] is not None else None) for n in names}


def read_documents(store: GraphStore) -> dict[str, DocumentFields]:
    """Every document of the store with the fields the scorer compares, by graph IRI."""
    docs: dict[str, DocumentFields] = {}
    for row in _rows(store, _DOCS):
        doc = docs.setdefault(row["g"], DocumentFields(tail(row["g"]), row["g"]))
        if row["year"] and row["year"][:4].isdigit():
            doc.reporting_year = int(row["year"][:4])
        if row["kind"]:
            doc.kind = tail(row["kind"])
        if row["country"]:
            doc.country = row["country"]
        if row["label"]:
            doc.country_labels.add(row["label"])
    for row in _rows(store, _ADVANCEMENT):
        if doc := docs.get(row["g"]):
            year = int(row["year"][:4]) if row["year"] else None
            doc.advancement.append((year, tail(row["level"])))
    _figures(store, docs)
    for row in _rows(store, _RATIFIED):
        doc = docs.get(row["g"])
        if doc is not None and doc.country in (None, row["c"]):
            doc.ratified.add(row["a"])
    for row in _rows(store, _STANDARDS):
        if doc := docs.get(row["g"]):
            std = doc.standards.setdefault(row["s"], Standard(row["s"], row["name"]))
            if row["meets"] is not None:
                std.meets.add(row["meets"] in ("true", "1"))
            if row["age"] is not None and row["age"].isdigit():
                std.ages.add(int(row["age"]))
    for row in _rows(store, _RECOMMENDATIONS):
        if doc := docs.get(row["g"]):
            rec = doc.recommendations.setdefault(row["r"], Recommendation(row["r"], row["text"]))
            if row["area"]:
                rec.areas.add(tail(row["area"]))
            if row["year"] and row["year"][:4].isdigit():
                rec.years.add(int(row["year"][:4]))
    for row in _rows(store, _ACTIVITIES):
        if doc := docs.get(row["g"]):
            act = doc.activities.setdefault(row["a"], Activity(row["a"], row["label"]))
            if row["form"]:
                act.forms.add(tail(row["form"]))
    return docs


def _figures(store: GraphStore, docs: dict[str, DocumentFields]) -> None:
    for row in _rows(store, _FIGURES):
        if doc := docs.get(row["g"]):
            fig = doc.figures.setdefault(row["o"], Figure(row["o"], tail(row["ind"])))
            value = row["v"]
            fig.props[tail(row["p"])].add(tail(value) if value.startswith("http") else value)
    for row in _rows(store, _FIGURE_SOURCES):
        doc = docs.get(row["g"])
        fig = doc.figures.get(row["o"]) if doc else None
        if fig is not None:
            fig.methods.add(row["method"])
            if row["label"]:
                fig.labels.add(row["label"])


def read_build(folder: Path) -> dict[str, DocumentFields]:
    """The documents of a build folder with their fields."""
    return read_documents(load_build(folder))


__all__ = ["Activity", "BuildError", "DocumentFields", "Figure", "Recommendation", "Standard",
           "load_build", "read_build", "read_documents", "tail"]
