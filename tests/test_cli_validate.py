"""`ctipgraph --version` and `ctipgraph validate`: exit codes and readable reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ctipgraph import __version__
from ctipgraph.cli import main

SHAPES = Path(__file__).parent / "shapes"
VALID = SHAPES / "valid.ttl"
VIOLATIONS = sorted((SHAPES / "violations").glob("*.ttl"))


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_installed_entry_point_runs() -> None:
    exe = Path(sys.executable).with_name("ctipgraph")
    done = subprocess.run([str(exe), "validate", str(VALID)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "conform" in done.stdout


def test_conforming_file_exits_zero() -> None:
    result = run("validate", str(VALID))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("fixture", VIOLATIONS, ids=lambda p: p.stem)
def test_each_violating_fixture_is_rejected(fixture: Path) -> None:
    result = run("validate", str(VALID), str(fixture))
    assert result.exit_code == 1, result.output
    assert "focus node:" in result.output and "violation(s)" in result.output
    assert fixture.name in result.output
    assert "Traceback" not in result.output


def test_trig_input_is_validated_across_named_graphs(tmp_path: Path) -> None:
    body = VALID.read_text(encoding="utf-8")
    prefixes = "\n".join(line for line in body.splitlines() if line.startswith("@prefix"))
    triples = "\n".join(line for line in body.splitlines() if not line.startswith("@prefix"))
    trig = tmp_path / "valid.trig"
    trig.write_text(f"{prefixes}\n<https://w3id.org/ctipgraph/id/doc/findings> {{\n{triples}\n}}\n")
    assert run("validate", str(trig)).exit_code == 0
    broken = tmp_path / "broken.trig"
    broken.write_text(trig.read_text().replace('ctip:currency "USD" ;', 'ctip:currency "usd" ;', 1))
    result = run("validate", str(broken))
    assert result.exit_code == 1
    assert "ctip:currency" in result.output


def test_malformed_turtle_exits_two_with_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b ex:c ex:d .\n")
    result = run("validate", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:3:" in result.output
    assert "syntax error" in result.output


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("missing.ttl", None, "no such file"),
        ("latin1.ttl", "ex:a ex:b \"caf\xe9\" .".encode("latin-1"), "not UTF-8"),
        ("data.csv", b"a,b\n", "unknown RDF file type"),
    ],
)
def test_unreadable_input_exits_two(tmp_path: Path, name: str, content, words: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert words in result.output
    assert "Traceback" not in result.output
