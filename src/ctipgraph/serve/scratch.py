"""Scratch folders of a server whose store has no folder of its own (`serve --data`,
`--backend`, tests): dumps and rendered PDF pages."""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import tempfile
from pathlib import Path


def scratch_dir(prefix: str) -> Path:
    """A folder of this process's own under the temporary directory, named but not created:
    its first writer creates it (mkdir), so a server that writes nothing leaves nothing behind,
    even when it is killed; removed at exit. The name is unguessable (64 random bits)."""
    path = Path(tempfile.gettempdir()) / f"{prefix}{os.getpid()}-{secrets.token_hex(8)}"
    atexit.register(shutil.rmtree, path, True)
    return path
