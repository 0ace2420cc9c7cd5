"""Bad input to every command is an exit 2 with a message naming what is wrong, never a
traceback (issue 11, finding 7); `export -o` writes only regular files, atomically, creates no
folder and never blocks on a FIFO; the read commands clean up after a killed build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MINI
from ctipgraph.cli import main
from ctipgraph.store import GraphStore

MALI = "https://w3id.org/ctipgraph/id/place/mali"


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad")
    files = {
        "space-iri": folder / "space.ttl",
        "binary": folder / "binary.ttl",
        "malformed": folder / "malformed.ttl",
        "unknown-suffix": folder / "data.xyz",
    }
    files["space-iri"].write_text('<http://ex/a b> <http://ex/p> "x" .\n')
    files["binary"].write_bytes(bytes(range(256)) * 8)
    files["malformed"].write_text("@prefix : <http://ex/> .\n:a :b ")
    files["unknown-suffix"].write_text("<http://ex/a> <http://ex/p> <http://ex/o> .\n")
    ttl = folder / "ttl"
    ttl.mkdir()
    shutil.copy(files["malformed"], ttl / "a.ttl")
    files["malformed-ttl-dir"] = ttl
    return files


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    (root / "ttl").mkdir()
    shutil.copy(MINI, root / "ttl" / "mini.ttl")
    GraphStore.open_project(root / "ttl", root / "store")
    return root


def run(*args: str, timeout: float = 120):
    """The installed command in a subprocess (what a user sees: exit status, stderr)."""
    return subprocess.run([sys.executable, "-m", "ctipgraph.cli", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=Path(__file__).parents[2])


def assert_refused(result, *words: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output, output
    for word in words:
        assert word in output, output


@pytest.mark.parametrize("key, words", [
    ("space-iri", ["space.ttl", "line 1", "Invalid IRI"]),
    ("binary", ["binary.ttl"]),
    ("malformed", ["malformed.ttl", ":2:"]),
])
def test_validate_bad_files(bad_files, key, words):
    assert_refused(run("validate", str(bad_files[key])), *words)


@pytest.mark.parametrize("command", ["trace", "evidence"])
@pytest.mark.parametrize("key, words", [
    ("binary", ["binary.ttl", "line 1", "\\x00"]),
    ("malformed", ["malformed.ttl", "line 2"]),
    ("unknown-suffix", ["data.xyz", "unknown RDF file type"]),
])
def test_data_option_bad_files(bad_files, command, key, words):
    args = [command, "--data", str(bad_files[key])] + ([MALI] if command == "trace" else [])
    assert_refused(run(*args), *words)


def test_trace_bad_arguments(project):
    common = ["--data", str(MINI)]
    assert_refused(run("trace", *common, "http://[::1"), "not an IRI")
    assert_refused(run("trace", *common, "--fact", "<a>", "b", "c"), "not an IRI")
    huge = run("trace", *common, "--limit", "99999999999999999999", MALI)
    assert huge.returncode in (0, 1) and "Traceback" not in huge.stderr  # 1: no claimed fact
    assert "Traceback" not in run("evidence", *common, "--limit", "9" * 30).stderr


def test_export_of_a_malformed_build(bad_files, tmp_path):
    result = run("export", "--ttl-dir", str(bad_files["malformed-ttl-dir"]),
                 "--store-dir", str(tmp_path / "store"))
    assert_refused(result, "a.ttl", "line 2")
    assert not any(p.name.startswith("store.building") for p in tmp_path.iterdir())


def _export(project: Path, out: Path):
    return CliRunner().invoke(main, ["export", "-o", str(out), "--ttl-dir",
                                     str(project / "ttl"), "--store-dir",
                                     str(project / "store")])


def test_export_refuses_what_is_not_a_regular_file(project, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    link_to_fifo = tmp_path / "link"
    link_to_fifo.symlink_to(fifo)
    for target, word in ((fifo, "FIFO"), (link_to_fifo, "FIFO"), (folder, "folder")):
        result = run("export", "-o", str(target), "--ttl-dir", str(project / "ttl"),
                     "--store-dir", str(project / "store"), timeout=60)  # a FIFO never blocks
        assert_refused(result, str(target))
        assert word in result.stderr or "directory" in result.stderr, result.stderr
    assert fifo.exists() and link_to_fifo.is_symlink() and folder.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo", "folder", "link"]


def test_export_refuses_a_device():
    from ctipgraph.export import ExportTargetError, check_export_target

    with pytest.raises(ExportTargetError, match="device"):
        check_export_target(Path("/dev/null"))  # checked only: never written
    assert Path("/dev/null").is_char_device()


def test_export_creates_no_folder(project, tmp_path):
    result = _export(project, tmp_path / "missing" / "out.ttl")
    assert result.exit_code == 2 and "no such folder" in result.output
    assert not (tmp_path / "missing").exists()


def test_export_replaces_a_regular_file_atomically(project, tmp_path):
    out = tmp_path / "out.ttl"
    out.write_text("old")
    link = tmp_path / "link.ttl"
    link.symlink_to(out)
    assert _export(project, link).exit_code == 0
    assert link.is_symlink() and out.read_text().startswith("@prefix")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ttl", "out.ttl"]


def test_read_commands_put_back_a_build_stopped_between_two_renames(project, tmp_path):
    """A build killed between the fallback's two renames leaves no ttl/ but .ttl.old-<pid>:
    `export` (like `serve`, which shares project_store_or_exit) puts it back and removes the
    build's other leftovers."""
    root = tmp_path / "data"
    root.mkdir()
    shutil.copytree(project / "ttl", root / ".ttl.old-4242")
    (root / ".ttl.tmp-4243").mkdir()
    (root / ".ttl.tmp-4243" / "half.ttl").write_text("@prefix")
    result = CliRunner().invoke(main, ["export", "-o", str(tmp_path / "out.nt"), "-f", "nt",
                                       "--ttl-dir", str(root / "ttl"),
                                       "--store-dir", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in root.iterdir()) == ["ttl"]
    assert "put back the previous build" in result.output
    assert (tmp_path / "out.nt").stat().st_size > 0
