"""The `ctipgraph` command line: one sub-command per stage of the data flow."""

import click

from . import __version__
from .commands.build import build_command
from .commands.evidence import evidence_command
from .commands.export import export_command
from .commands.publish import publish_command
from .commands.serve import serve_command
from .commands.trace import trace_command
from .commands.validate import validate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ctipgraph")
def main() -> None:
    """ctipgraph: convert C-TIP reports to linked data, validate it, serve it."""


main.add_command(build_command)
main.add_command(validate_command)
main.add_command(serve_command)
main.add_command(export_command)
main.add_command(trace_command)
main.add_command(evidence_command)
main.add_command(publish_command)

if __name__ == "__main__":  # pragma: no cover
    main()
