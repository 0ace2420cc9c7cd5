"""`ctipgraph export`: the whole dataset in one RDF file (the same dumps as /download)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..export import (
    DUMP_FORMATS,
    ExportTargetError,
    check_export_target,
    export,
    export_file,
)
from ..paths import TTL_DIR
from ..store import STORE_DIR
from .serve import project_store_or_exit


@click.command("export")
@click.option("--format", "-f", "fmt", type=click.Choice(list(DUMP_FORMATS)), default="ttl",
              show_default=True, help="ttl/nt merge all graphs; trig/nq/jsonld keep one graph "
                                      "per document.")
@click.option("--inferences/--no-inferences", default=False, show_default=True,
              help="Include the OWL RL inferences.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="File to write (atomically); default: standard output.")
@click.option("--ttl-dir", type=click.Path(path_type=Path, file_okay=False), default=TTL_DIR,
              show_default=True, help="Built Turtle to export.")
@click.option("--store-dir", type=click.Path(path_type=Path, file_okay=False),
              default=STORE_DIR, show_default=True, help="Where the on-disk store is kept.")
def export_command(fmt: str, inferences: bool, output: Path | None, ttl_dir: Path,
                   store_dir: Path) -> None:
    """Write the whole graph as Turtle, N-Triples, TriG, N-Quads or JSON-LD.

    -o writes a regular file atomically (a temporary file renamed over it); it refuses a
    device, a FIFO or a folder, and a file in a folder that does not exist (exit 2).
    """
    try:
        if output is not None:
            check_export_target(output)  # before the store is opened: a bad path fails fast
        store = project_store_or_exit(ttl_dir, store_dir)
        if output is None:
            export(store, fmt, sys.stdout.buffer, inferences=inferences)
            sys.stdout.buffer.flush()
            return
        export_file(store, fmt, output, inferences=inferences)
    except (ExportTargetError, OSError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    click.echo(f"wrote {output} ({output.stat().st_size} bytes)", err=True)
