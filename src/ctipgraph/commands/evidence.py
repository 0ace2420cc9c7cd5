"""`ctipgraph evidence`: which facts several documents assert, where they disagree, and which facts
rest on one reference or on none."""

from __future__ import annotations

import json

import click

from ..provenance.evidence import evidence_report, render_text
from .serve import data_store_or_exit, project_store_or_exit


@click.command("evidence")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--data", "data", multiple=True, metavar="FILE[=GRAPH]",
              help="Report on these RDF files instead of the project's built graph.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="At most this many rows per list (default: all).")
def evidence_command(fmt: str, data: tuple[str, ...], limit: int | None) -> None:
    """Report corroborated facts, disagreements, single-reference and unreferenced facts."""
    store = data_store_or_exit(data) if data else project_store_or_exit()
    report = evidence_report(store, limit=limit)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(report))
