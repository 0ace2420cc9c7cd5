"""`ctipgraph validate FILE…`: check RDF files against the shapes and the ontology."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..rdfio import RdfInputError
from ..validate import validate_files


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line.")
def validate_command(files: tuple[Path, ...], quiet: bool) -> None:
    """Validate Turtle/TriG FILES against the SHACL shapes, with the ontology.

    Exits 0 when the data conforms, 1 on a violation, 2 on unreadable or malformed input.
    """
    try:
        report = validate_files(list(files))
    except RdfInputError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    except ValueError as error:
        # a term rdflib reads but RDF does not allow (`<http://ex/a b>`): name the file
        click.echo(f"error: {_culprit(files) or error}", err=True)
        sys.exit(2)
    if report.conforms:
        click.echo(f"{len(files)} file(s) conform to the ctipgraph shapes.")
        return
    if not quiet:
        click.echo(report.format())
    else:
        click.echo(f"{len(report.violations)} violation(s)")
    sys.exit(1)


def _culprit(files: tuple[Path, ...]) -> str | None:
    """The first file Oxigraph's strict parser refuses, with the line and column, if any."""
    import pyoxigraph as ox

    from ..store import StoreInputError, load_file, rdf_format

    for path in files:
        try:
            load_file(ox.Store(), path, format=rdf_format(path))
        except StoreInputError as error:
            return f"{error} (not valid RDF)"
    return None
