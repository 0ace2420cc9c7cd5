"""The `ctipgraph` command line: one sub-command per stage of the data flow."""

import click

from . import __version__
from .commands.build import build_command
from .commands.validate import validate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ctipgraph")
def main() -> None:
    """ctipgraph: convert C-TIP reports to linked data, validate it, serve it."""


main.add_command(build_command)
main.add_command(validate_command)

if __name__ == "__main__":  # pragma: no cover
    main()
