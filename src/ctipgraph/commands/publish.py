"""`ctipgraph publish --to URL`: the built graph on a SPARQL server (Graph Store HTTP Protocol).

What goes where, resuming and deleting: ctipgraph.remote.publish. Credentials come from
CTIPGRAPH_REMOTE_USER / CTIPGRAPH_REMOTE_PASSWORD, never from the command line.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import NoReturn

import click

from ..paths import TTL_DIR
from ..remote import http
from ..remote.gsp import GraphStoreClient
from ..remote.manifest import ManifestError
from ..remote.publish import (
    PublishError,
    describe,
    execute,
    make_plan,
    read_manifest,
    summary,
)
from ..store import STORE_DIR
from .serve import project_store_or_exit


@click.command("publish")
@click.option("--to", "endpoint", required=True, metavar="URL",
              help="Graph Store HTTP Protocol endpoint, e.g. Virtuoso "
                   "http://host:8890/sparql-graph-crud, Fuseki http://host:3030/ds/data.")
@click.option("--dry-run", is_flag=True,
              help="Print what would change (graphs to add, replace, delete) and write nothing.")
@click.option("--timeout", type=click.FloatRange(min=1), default=600.0, show_default=True,
              help="Seconds to wait for the server's answer to one request.")
@click.option("--ttl-dir", type=click.Path(path_type=Path, file_okay=False), default=TTL_DIR,
              show_default=True, help="Built Turtle to publish.")
@click.option("--store-dir", type=click.Path(path_type=Path, file_okay=False),
              default=STORE_DIR, show_default=True, help="Where the on-disk store is kept.")
def publish_command(endpoint: str, dry_run: bool, timeout: float, ttl_dir: Path,
                    store_dir: Path) -> None:
    """Load the built graph into a SPARQL server by the Graph Store HTTP Protocol.

    One named graph per document (plus the ontology, lexicon and inferred graphs), each
    replaced by one PUT, and the default graph (their merge) as the named graph
    https://w3id.org/ctipgraph/graph/merged. A manifest on the server
    (https://w3id.org/ctipgraph/graph/manifest) records what was sent: a second run sends
    only the graphs that changed, deletes those the build no longer has, and resumes a run
    that was interrupted. Auth: CTIPGRAPH_REMOTE_USER / CTIPGRAPH_REMOTE_PASSWORD (HTTP Basic
    or Digest). Exit 2 on any error from the server.
    """
    started = time.perf_counter()
    try:
        client = GraphStoreClient(endpoint, timeout=timeout)
    except ValueError as error:
        fail(f"--to: {error}")
    store = project_store_or_exit(ttl_dir, store_dir, in_memory=False)

    def progress(line: str) -> None:
        click.echo(line, err=True)

    try:
        published = read_manifest(client)
        plan = make_plan(store, published, progress)
        if dry_run:
            for line in describe(plan):
                click.echo(line)
            return
        if not plan.changes:
            click.echo(f"{endpoint}: nothing to publish ({summary(plan)})", err=True)
            return
        progress(f"publishing to {endpoint}: {summary(plan)}")
        sent = execute(store, client, plan, progress)
    except (http.RemoteError, ManifestError, PublishError) as error:
        fail(str(error) + ("" if dry_run else
                           " (what was sent is recorded: run the command again to resume)"))
    except KeyboardInterrupt:
        fail("interrupted (what was sent is recorded: run the command again to resume)")
    click.echo(f"published to {endpoint}: {plan.count('add')} added, "
               f"{plan.count('replace')} replaced, {plan.count('delete')} deleted, "
               f"{plan.count('unchanged')} unchanged; {sent:,} triples sent in "
               f"{time.perf_counter() - started:.1f} s", err=True)


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)
