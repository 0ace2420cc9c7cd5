"""swap.replacing: one file replaced whole or not at all, the helper every file kept beside a
store, an export and a cached page image are written with."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from ctipgraph.swap import replace_bytes, replacing, replacing_file


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_new_file_replaces_the_old_whole(tmp_path: Path) -> None:
    target = tmp_path / "kept.json"
    target.write_bytes(b"old")
    replace_bytes(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert _names(tmp_path) == ["kept.json"]


def test_text_is_utf8_with_unix_line_ends(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    with replacing_file(target, text=True) as handle:
        handle.write("Mopti – Ségou\nline two\n")
    assert target.read_bytes() == "Mopti – Ségou\nline two\n".encode()


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "kept.json"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), replacing_file(target) as handle:
        handle.write(b"half of the ")
        raise RuntimeError("stopped while writing")
    assert target.read_bytes() == b"old"
    assert _names(tmp_path) == ["kept.json"]


def test_the_file_is_not_seen_before_the_block_ends(tmp_path: Path) -> None:
    target = tmp_path / "index.sqlite"
    with replacing(target) as tmp:
        tmp.write_bytes(b"being built")
        assert not target.exists()
        assert tmp.parent == tmp_path and tmp.name.startswith(".index.sqlite.")
    assert target.read_bytes() == b"being built"
    assert _names(tmp_path) == ["index.sqlite"]


def test_permissions_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        replace_bytes(tmp_path / "a", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "a").stat().st_mode & 0o777 == 0o640


def test_writers_in_threads_each_leave_a_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "shared.bin"
    payloads = [bytes([n]) * 200_000 for n in range(8)]
    errors: list[BaseException] = []

    def write(data: bytes) -> None:
        try:
            for _ in range(5):
                replace_bytes(target, data)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(p,)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert target.read_bytes() in payloads
    assert _names(tmp_path) == ["shared.bin"]


def test_a_folder_that_cannot_be_written_raises_and_leaves_nothing(tmp_path: Path) -> None:
    # a path under a regular file: no temporary file can be made there, even by root
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"old")
    with pytest.raises(OSError):
        replace_bytes(blocker / "kept", b"new")
    assert blocker.read_bytes() == b"old"
    assert _names(tmp_path) == ["not-a-folder"]
