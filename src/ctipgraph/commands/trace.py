"""`ctipgraph trace`: from a resource, a fact or a phrase to the sentences and sources behind it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..provenance.trace import TraceError, Tracer
from ..provenance.trace_render import render_json, render_text, render_turtle
from .serve import data_store_or_exit, project_store_or_exit


@click.command("trace")
@click.argument("resource", required=False)
@click.option("--fact", nargs=3, metavar="S P O",
              help="One fact: subject and predicate IRIs, object IRI or N-Triples literal.")
@click.option("--search", "phrase", metavar="PHRASE",
              help="Facts whose quote or subject/object name contains PHRASE.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text",
              show_default=True)
@click.option("--data", "data", multiple=True, metavar="FILE[=GRAPH]",
              help="Trace in these RDF files instead of the project's built graph.")
@click.option("--texts", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder of normalized texts for context (default: data/ttl/).")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="At most this many facts.")
def trace_command(resource: str | None, fact: tuple[str, str, str] | None, phrase: str | None,
                  fmt: str, data: tuple[str, ...], texts: Path | None, limit: int) -> None:
    """Trace RESOURCE (an IRI), a --fact, or the facts matching --search to their evidence."""
    chosen = [x for x in (resource, fact, phrase) if x]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of RESOURCE, --fact S P O or --search PHRASE")
    store = data_store_or_exit(data) if data else project_store_or_exit()
    tracer = Tracer(store, text_dir=texts) if texts else Tracer(store)
    try:
        if fact:
            found = [tuple(fact)]
        elif resource:
            found = tracer.facts_about(resource, limit=limit)
        else:
            found = tracer.facts_matching(phrase or "", limit=limit)
        traces = [tracer.trace(*spo, other_values=None) for spo in found]  # all of them
    except TraceError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    traces = [t for t in traces if t.claims]
    if not traces:
        click.echo("no claimed fact matches", err=True)
        sys.exit(1)
    if fmt == "json":
        click.echo(render_json(traces))
    elif fmt == "turtle":
        click.echo(render_turtle(store, traces))
    else:
        click.echo("\n\n".join(render_text(t) for t in traces))
