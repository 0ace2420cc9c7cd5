"""Score official reports against the graph: which document, the text-wins disagreements,
and the tally per report.

`score_reports(reports, docs)` pairs each official report with the graph's document (by the
document's own metadata — kind, reporting year, country — else by its id) and compares every
field the record fills (`compare`). Where the report's own text says otherwise than the record
(`disagreements`), the text's value is what the graph must say; where the report does not state
a field at all, the graph must not either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .compare import (
    ACTION_THRESHOLD,
    FieldResult,
    absent_action,
    action_margins,
    compare,
)
from .disagreements import Disagreement, DisagreementIndex
from .graph_fields import DocumentFields
from .normalize import name_slug
from .official import Expected, OfficialReport

__all__ = ["ACTION_THRESHOLD", "FieldResult", "ReportScore", "action_margins", "compare",
           "doc_id_for", "find_document", "score_report", "score_reports"]


@dataclass
class ReportScore:
    """The fields of one official report against one document of the graph."""

    report: OfficialReport
    doc: DocumentFields | None
    matched_by: str  # "metadata", "id" or "" (no document)
    results: list[FieldResult] = field(default_factory=list)

    @property
    def scored(self) -> int:
        return len(self.results)

    @property
    def matched(self) -> int:
        return sum(r.matched for r in self.results)

    @property
    def percent(self) -> float:
        return 100.0 * self.matched / self.scored if self.scored else 0.0

    @property
    def misses(self) -> list[FieldResult]:
        return [r for r in self.results if not r.matched]


# -- which document ---------------------------------------------------------------------------


def doc_id_for(country: str, year: int) -> str:
    """The document id the build gives a Findings source: usdol-findings-{year}-{country}."""
    return f"usdol-findings-{year}-{name_slug(country)}"


def find_document(report: OfficialReport,
                  docs: Iterable[DocumentFields]) -> tuple[DocumentFields | None, str]:
    """The graph's document of a report: by its metadata (a usdol-findings document of the
    reporting year about the country), else by the id its source file gives it."""
    docs = list(docs)
    slug = name_slug(report.country)
    for doc in docs:
        country = {name_slug(x) for x in doc.country_labels}
        if doc.country:
            country.add(name_slug(doc.country.rsplit("/", 1)[-1]))
        if doc.kind == "usdol-findings" and doc.reporting_year == report.year and slug in country:
            return doc, "metadata"
    wanted = doc_id_for(report.country, report.year)
    for doc in docs:
        if doc.doc_id == wanted:
            return doc, "id"
    return None, ""


def score_report(report: OfficialReport, docs: Iterable[DocumentFields],
                 disagreements: DisagreementIndex | None = None) -> ReportScore:
    """One report's score: every recorded field, the text's value where it disagrees."""
    doc, how = find_document(report, docs)
    score = ReportScore(report, doc, how)
    if doc is None:
        score.results = [FieldResult(e.key, e.value, "—", False, "no document in the graph")
                         for e in report.fields]
        return score
    fields = list(report.fields)
    notes: dict[int, Disagreement] = {}
    for i, exp in enumerate(fields):
        note = disagreements.find(report.country, report.year, exp.key, doc.doc_id) \
            if disagreements else None
        if note is None:
            continue
        notes[i] = note
        if note.text:
            fields[i] = Expected(exp.key, exp.kind, note.text, note.area or exp.area, exp.years)
    silent = {i for i, n in notes.items() if not n.text}  # the report does not state it
    absent = {i: absent_action(fields[i], doc) for i in silent if fields[i].kind == "action"}
    present = compare(report, doc, [f for i, f in enumerate(fields) if i not in absent])
    order = iter(present)
    score.results = [absent[i] if i in absent else next(order) for i in range(len(fields))]
    for i in silent - set(absent):
        result = score.results[i]
        result.matched = result.found == "—"
        result.cause = "" if result.matched else "the graph states what the report does not"
    for i, note in notes.items():
        score.results[i].disagreement = note
        score.results[i].expected = f"{note.text or '(not stated)'} (record: {note.official})"
    return score


def score_reports(reports: Iterable[OfficialReport], docs: dict[str, DocumentFields],
                  disagreements: DisagreementIndex | None = None) -> list[ReportScore]:
    """The scores of the reports that have a document in the graph."""
    scores = [score_report(r, docs.values(), disagreements) for r in reports]
    return [s for s in scores if s.doc is not None]
