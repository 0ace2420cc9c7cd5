"""A `ctipgraph serve` subprocess for tests: started on a free port, ready once /health answers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

_READY = re.compile(r"serving on (http://\S+?)/? ")


def ctipgraph_command() -> list[str]:
    script = Path(sys.executable).with_name("ctipgraph")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ctipgraph.cli"]


class Server:
    """`ctipgraph serve --port 0 ARGS…` in a subprocess; `url` is its root (no trailing /)."""

    def __init__(self, *args: str, timeout: float = 60.0) -> None:
        self.lines: list[str] = []
        self.url = ""
        self._seen = threading.Event()
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [*ctipgraph_command(), "serve", "--port", "0", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, env=env)
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + timeout
        if not self._seen.wait(timeout) or not self.url:
            self.stop()
            raise RuntimeError("server did not start:\n" + "".join(self.lines))
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("server never became healthy:\n" + "".join(self.lines))

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)
            match = _READY.search(line)
            if match and not self.url:
                self.url = match.group(1).rstrip("/")
                self._seen.set()
        self._seen.set()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
