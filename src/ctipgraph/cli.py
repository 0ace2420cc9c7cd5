"""The `ctipgraph` command line: one sub-command per stage of the data flow."""

import click

from . import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ctipgraph")
def main() -> None:
    """ctipgraph: convert C-TIP reports to linked data, validate it, serve it."""


if __name__ == "__main__":  # pragma: no cover
    main()
