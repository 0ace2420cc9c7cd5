"""`ctipgraph serve` start-up errors (issue 12): one clear line and exit status 2, never a
traceback — a busy port, an address that is not this machine's, a store that cannot be
opened — checked before the store is loaded."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ctipgraph.cli import main
from ctipgraph.commands.serve import bind_error_message, listen_problem

FIXTURE = Path(__file__).parent / "fixtures" / "mini.ttl"


@pytest.fixture()
def busy_port():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        yield listener.getsockname()[1]


def test_busy_port_is_one_line_and_exit_2(busy_port):
    """As a user runs it (a real process): one line on stderr, nothing on stdout."""
    run = subprocess.run([sys.executable, "-m", "ctipgraph.cli", "serve", "--port",
                          str(busy_port), "--data", str(FIXTURE)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"error: port {busy_port} is in use, try --port ")
    assert "Traceback" not in run.stderr and run.stdout == ""


def test_busy_port_suggests_a_free_port(busy_port):
    problem = listen_problem("127.0.0.1", busy_port)
    suggested = int(problem.rsplit(" ", 1)[-1])
    assert suggested > busy_port
    with socket.create_server(("127.0.0.1", suggested)):  # it really is free
        pass


def test_address_not_of_this_machine(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--host", "192.0.2.1", "--port", "5999",
                                       "--data", str(FIXTURE)])
    assert result.exit_code == 2
    assert "cannot listen on 192.0.2.1: not an address of this machine" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_unknown_host_name():
    problem = listen_problem("no-such-host.invalid", 5999)
    assert problem and problem.startswith("cannot listen on host 'no-such-host.invalid'")


def test_messages_for_other_errors():
    import errno

    assert bind_error_message(OSError(errno.EACCES, "Permission denied"), "0.0.0.0", 80) == \
        "no permission to listen on port 80 (ports below 1024 need extra privileges), " \
        "try --port 5000"
    assert bind_error_message(OSError(errno.EIO, "Boom"), "h", 1) == "cannot listen on h:1: Boom"


def test_store_that_cannot_be_opened(tmp_path):
    ttl = tmp_path / "ttl"
    ttl.mkdir()
    (ttl / "mini.ttl").write_bytes(FIXTURE.read_bytes())
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    result = CliRunner().invoke(main, ["serve", "--port", "0", "--ttl-dir", str(ttl),
                                       "--store-dir", str(blocker / "store")])
    assert result.exit_code == 2, result.output
    assert "error: cannot open the store" in result.output
    assert "Traceback" not in result.output
