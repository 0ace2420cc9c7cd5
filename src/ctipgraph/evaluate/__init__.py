"""Evaluate: how faithfully the graph says what USDOL's official record says of each report.

Public API::

    load_official(folder) -> list[OfficialReport]          # official.py: the record, typed
    read_build(ttl_dir) -> dict[str, DocumentFields]        # graph_fields.py: SPARQL over a build
    load_disagreements(toml, texts=ttl_dir)                 # disagreements.py: where the text wins
    score_reports(reports, docs, disagreements) -> list[ReportScore]   # score.py, per report
        # (compare.py: field by field; catalog.py: which record element is which graph term)
    render_text(scores, worst=N) / render_json(scores)      # report.py
"""

from .disagreements import Disagreement, DisagreementIndex, load_disagreements
from .graph_fields import DocumentFields, read_build
from .official import Expected, OfficialReport, load_official, parse_official_text
from .report import render_json, render_text, summary
from .score import ACTION_THRESHOLD, FieldResult, ReportScore, score_reports

__all__ = [
    "ACTION_THRESHOLD",
    "Disagreement",
    "DisagreementIndex",
    "DocumentFields",
    "Expected",
    "FieldResult",
    "OfficialReport",
    "ReportScore",
    "load_disagreements",
    "load_official",
    "parse_official_text",
    "read_build",
    "render_json",
    "render_text",
    "score_reports",
    "summary",
]
