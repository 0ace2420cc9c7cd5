"""`ctipgraph build`: convert the sources to validated Turtle in data/ttl/."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..build import DOC_TIMEOUT, BuildError, build
from ..paths import SOURCES_DIR, TTL_DIR
from ..sources import SidecarError, SourceCollision


@click.command("build")
@click.option("--sources", "sources_dir", type=click.Path(path_type=Path, file_okay=False),
              default=SOURCES_DIR, show_default=True, help="Folder of source documents.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=TTL_DIR, show_default=True, help="Folder to write Turtle and texts to.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: all cores).")
@click.option("--only", multiple=True, metavar="DOC",
              help="Rebuild only this document (repeatable); the others are kept.")
@click.option("--strict", is_flag=True,
              help="Fail when a source cannot be read or runs over the time limit.")
@click.option("--doc-timeout", type=click.FloatRange(min=0), default=DOC_TIMEOUT,
              show_default=True, metavar="SECONDS",
              help="Time limit of one document; a document over it is reported and left out "
                   "(0: no limit).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the final line.")
def build_command(sources_dir: Path, out_dir: Path, jobs: int | None, only: tuple[str, ...],
                  strict: bool, doc_timeout: float, quiet: bool) -> None:
    """Convert every source document to Turtle, validate it, and replace OUT atomically."""
    if not sources_dir.is_dir():
        click.echo(f"error: {sources_dir}: no such folder", err=True)
        sys.exit(2)

    def progress(line: str) -> None:
        if not quiet:
            click.echo(line, err=True)

    try:
        summary = build(sources_dir, out_dir, jobs=jobs, only=list(only) or None,
                        progress=progress, strict=strict, doc_timeout=doc_timeout)
    except (SidecarError, SourceCollision) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    except BuildError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        sys.exit(130)
    click.echo(
        f"built {len(summary.results)} document(s) into {summary.out_dir} "
        f"in {summary.seconds:.1f} s; skipped {len(summary.skipped)} file(s)"
    )
