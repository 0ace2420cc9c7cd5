"""Replacing the build's output folder in one atomic step, and cleaning up after a build that
was killed at any instant; replacing one file whole or not at all (`replacing`).

The new build is written to `.<name>.tmp-<pid>` beside the output folder `<name>`, flushed to
disk, then exchanged with `<name>` by a single renameat2(RENAME_EXCHANGE) (Linux; ext4, xfs,
btrfs, tmpfs …): whatever instant the build is killed at, `<name>` holds the previous build or
the new one, never neither. The previous build, now under the temporary name, is renamed
`.<name>.trash-<pid>` and removed. Where the exchange is unavailable the fallback is two
renames (`<name>` → `.<name>.old-<pid>`, the new folder → `<name>`); a kill between them leaves
no `<name>`, and the next start puts `.<name>.old-<pid>` back.

Every start (`clean_start`, and again before writing) removes what a stopped build left behind:
the folders beside `<name>` named `.<name>.tmp-<digits>`, `.<name>.old-<digits>` or
`.<name>.trash-<digits>`, nothing else. Builds into one folder are serialized by an exclusive
flock on its parent folder (released by the kernel when a build dies), so a start never removes
the temporary folder of a build still writing.

For the crash tests, CTIPGRAPH_BUILD_CRASH_AT=<step> (one of CRASH_STEPS) makes the build
stop dead (os._exit) at that step.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import secrets
import shutil
import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # not POSIX: builds are not serialized
    fcntl = None  # type: ignore[assignment]

CRASH_ENV = "CTIPGRAPH_BUILD_CRASH_AT"
CRASH_STATUS = 86
#: Where CRASH_ENV can stop a build, in the order a build passes them: after the start's
#: cleanup, phase one (reading), submitting phase two, phase two (converting), creating the
#: temporary folder (with the kept documents of --only), its first file, all its files; then the
#: swap: after the exchange, or after each of the fallback's renames; while removing the
#: previous build, and at the very end.
CRASH_STEPS = ("started", "probed", "converting", "converted", "tmp-created", "tmp-partial",
               "tmp-written", "exchanged", "old-renamed", "new-renamed", "discarding", "swapped")

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def crash_point(step: str) -> None:
    """Stop the process dead here when CTIPGRAPH_BUILD_CRASH_AT names this step."""
    if os.environ.get(CRASH_ENV) == step:
        os._exit(CRASH_STATUS)


def _leftovers(out_dir: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(out_dir.name)}\.(tmp|old|trash)-\d+")


class BuildRunning(Exception):
    """Another process holds the build lock (`locked(wait=False)`)."""


@contextlib.contextmanager
def locked(out_dir: Path, *, wait: bool = True) -> Iterator[None]:
    """Hold the exclusive build lock of `out_dir` (a flock on its parent folder); with
    `wait=False`, BuildRunning at once when another process holds it."""
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        yield
        return
    fd = os.open(parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise BuildRunning(str(out_dir)) from None
        yield
    finally:
        os.close(fd)  # releases the lock


def _recover(out_dir: Path) -> list[str]:
    """With the lock held: put back the previous build if a build stopped between the
    fallback's two renames, and remove every leftover folder. Returns what was done."""
    pattern = _leftovers(out_dir)
    found = sorted(p for p in out_dir.parent.iterdir()
                   if pattern.fullmatch(p.name) and p.is_dir() and not p.is_symlink())
    done: list[str] = []
    if not os.path.lexists(out_dir):
        olds = [p for p in found if p.name.startswith(f".{out_dir.name}.old-")]
        if olds:
            previous = max(olds, key=lambda p: p.stat().st_mtime)
            os.rename(previous, out_dir)
            found.remove(previous)
            done.append(f"{out_dir}: put back the previous build from {previous.name} "
                        "(a build was stopped while replacing it)")
    for path in found:
        shutil.rmtree(path, ignore_errors=True)
        done.append(f"removed {path}, left by a build that was stopped")
    return done


def clean_start(out_dir: Path, *, wait: bool = True) -> list[str]:
    """Recover from a build stopped at any instant (see the module doc); what was done.

    Readers of the build (`serve`, `export`, `trace`, `evidence`) call it with `wait=False`:
    while a build is running its folders are its own, and nothing is touched."""
    out_dir = _real(out_dir)
    if not out_dir.parent.is_dir():
        return []
    try:
        with locked(out_dir, wait=wait):
            return _recover(out_dir)
    except BuildRunning:
        return [f"{out_dir}: a build is running; its folders are left to it"]


def _real(out_dir: Path) -> Path:
    """The folder itself when `out_dir` is a symbolic link to one (its target is replaced)."""
    return Path(os.path.realpath(out_dir)) if out_dir.is_symlink() else out_dir


@lru_cache(maxsize=1)
def _renameat2():  # type: ignore[no-untyped-def]
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(a: Path, b: Path) -> bool:
    """Swap the two paths in one atomic step; False when the system cannot."""
    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def fsync_path(path: Path) -> None:
    """Flush a file or folder (its entries) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _swap(new: Path, out_dir: Path) -> Path | None:
    """Put `new` in place of `out_dir`; the path now holding the previous build, if any."""
    if not os.path.lexists(out_dir):
        os.rename(new, out_dir)
        return None
    if not out_dir.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(out_dir))
    if exchange(new, out_dir):
        crash_point("exchanged")
        return new
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    os.rename(out_dir, old)
    crash_point("old-renamed")
    os.rename(new, out_dir)
    crash_point("new-renamed")
    return old


def replace_dir(out_dir: Path, files: Iterable[tuple[str, str]], *,
                keep_others: bool = False) -> list[str]:
    """Write `files` (name, text) as the new content of `out_dir` and swap it in atomically;
    `keep_others` starts from a copy of the current content. Returns the recovery notes."""
    out_dir = _real(out_dir)
    with locked(out_dir):
        notes = _recover(out_dir)
        new = temporary(out_dir)
        try:
            if keep_others and out_dir.is_dir():
                shutil.copytree(out_dir, new)  # the documents not rebuilt
            else:
                new.mkdir()
            crash_point("tmp-created")
            for i, (name, text) in enumerate(files):
                _write(new / name, text)
                if i == 0:
                    crash_point("tmp-partial")
            for path in new.iterdir():
                fsync_path(path)  # the copied files too: all of the new build is on disk
            fsync_path(new)
            crash_point("tmp-written")
        except BaseException:
            _recover(out_dir)  # the new folder removed
            raise
        install(new, out_dir)
    return notes


def temporary(out_dir: Path) -> Path:
    """The folder a new build of `out_dir` is written to before `install` (a name the next
    start removes if the build is stopped)."""
    return _real(out_dir).with_name(f".{_real(out_dir).name}.tmp-{os.getpid()}")


def install(new: Path, out_dir: Path) -> None:
    """With the lock of `out_dir` held: put the complete folder `new` (written to disk, named
    by `temporary`) in its place atomically and remove the previous build."""
    out_dir = _real(out_dir)
    try:
        previous = _swap(new, out_dir)
        fsync_path(out_dir.parent)
    except BaseException:
        _recover(out_dir)  # the previous build back in place, the new folder removed
        raise
    if previous is not None:
        trash = out_dir.with_name(f".{out_dir.name}.trash-{os.getpid()}")
        os.rename(previous, trash)
        crash_point("discarding")
        shutil.rmtree(trash, ignore_errors=True)
    crash_point("swapped")


# -- one file ----------------------------------------------------------------------------------


def _temporary_beside(path: Path) -> tuple[Path, int]:
    """A new empty file beside `path` and its descriptor, open for writing. The name is unique
    (process, thread, random part) and made with O_EXCL and O_NOFOLLOW, so it never opens what
    is already there; the permissions are the usual ones (0o666 less the umask)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}."
                         f"{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    return tmp, os.open(tmp, flags, 0o666)


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A new empty file beside `path` (_temporary_beside), to be written by the block under its
    own name (a database, say): renamed over `path` when the block ends normally, removed when
    it raises. Readers see the previous file or the new one, never a part."""
    tmp, fd = _temporary_beside(path)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def replacing_file(path: Path, *, text: bool = False) -> Iterator[IO]:
    """As `replacing`, the new file given open for writing (bytes, or UTF-8 text with "\\n"
    line ends, written through the descriptor it was made with), closed before the rename."""
    tmp, fd = _temporary_beside(path)
    try:
        with (os.fdopen(fd, "w", encoding="utf-8", newline="\n") if text
              else os.fdopen(fd, "wb")) as handle:
            yield handle
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def replace_bytes(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all."""
    with replacing_file(path) as handle:
        handle.write(data)
