"""`ctipgraph evidence`: which facts several documents assert, where they disagree, and which facts
rest on one reference or on none."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..paths import TTL_DIR
from ..provenance.evidence import render_text
from ..provenance.evidence_cache import kept_evidence_report
from ..store import STORE_DIR
from .serve import data_store_or_exit, project_store_or_exit


@click.command("evidence")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--data", "data", multiple=True, metavar="FILE[=GRAPH]",
              help="Report on these RDF files instead of the project's built graph.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="At most this many rows per list (default: all).")
@click.option("--ttl-dir", type=click.Path(path_type=Path, file_okay=False), default=TTL_DIR,
              show_default=True, help="Built Turtle to report on (without --data).")
@click.option("--store-dir", type=click.Path(path_type=Path, file_okay=False),
              default=STORE_DIR, show_default=True,
              help="Where the on-disk store (and the report kept for it) is.")
def evidence_command(fmt: str, data: tuple[str, ...], limit: int | None, ttl_dir: Path,
                     store_dir: Path) -> None:
    """Report corroborated facts, disagreements, single-reference and unreferenced facts."""
    store = data_store_or_exit(data) if data else project_store_or_exit(ttl_dir, store_dir)
    # (the project's report is kept beside its store, as `serve` keeps it)
    report = kept_evidence_report(store).cut(limit)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(report))
