"""What the browser tests share: the web app over Turtle files in a waitress subprocess on a free
port, Debian's Chromium launched through Playwright (skipped, saying why, when it is missing), and
a page watcher (console errors, uncaught exceptions, failed requests, requests leaving the
machine — routed and aborted — and dialogs)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from ctipgraph.paths import ROOT

CHROMIUM = Path("/usr/bin/chromium")
#: the app over Turtle files on waitress: argv = port, the app's config as JSON, the files
APP_SERVER = """
import json
import sys
from pathlib import Path
from waitress import serve
from ctipgraph.serve.app import create_app
from ctipgraph.store import GraphStore
port, config, *files = sys.argv[1:]
store = GraphStore.from_files([(Path(f), None) for f in files])
serve(create_app(store, json.loads(config)), host="127.0.0.1", port=int(port), threads=4)
"""


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(files: Iterable[Path], config: dict[str, Any], log: Path, *,
               timeout: float = 60.0) -> Iterator[str]:
    """The app over `files` with `config`, served on a free port until the block ends; yields its
    base URL once /health answers 200 (the test fails with the server's `log` if it never does).
    """
    port = free_port()
    command = [sys.executable, "-c", APP_SERVER, str(port), json.dumps(config),
               *map(str, files)]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + "/health", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the server did not start:\n" + log.read_text(errors="replace"))
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright; the test is skipped when it is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `make install` installs Debian's chromium with apt")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield launched
        finally:
            launched.close()


def console_error(message) -> bool:
    """Every console message of type error counts (Watch's default)."""
    return message.type == "error"


class Watch:
    """A page's problems: console messages that count (`console`), uncaught exceptions, failed
    requests (unless `failed_requests` is false), requests leaving the machine (aborted), and
    dialogs (dismissed; kept in `dialogs`, problems only when `dialogs_fail`)."""

    def __init__(self, page, base: str, *, console: Callable[[Any], bool] = console_error,
                 failed_requests: bool = True, dialogs_fail: bool = False) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.dialogs_fail = dialogs_fail
        host = urlsplit(base).netloc
        page.on("console", lambda m: self.errors.append(f"console: {m.text}")
                if console(m) else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        if failed_requests:
            page.on("requestfailed",
                    lambda r: self.errors.append(f"failed: {r.url} {r.failure}"))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

        def route(r):
            url = r.request.url
            if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == host:
                r.continue_()
            else:
                self.outside.append(url)
                r.abort()

        page.route("**/*", route)

    def check(self, where: str = "") -> None:
        """Fail naming every problem seen so far (and `where`, e.g. the page's URL)."""
        at = f"{where}: " if where else ""
        assert not self.outside, f"{at}requests left the machine: {self.outside}"
        assert not self.errors, f"{at}console errors: {self.errors}"
        assert not (self.dialogs_fail and self.dialogs), f"{at}dialogs: {self.dialogs}"


@contextmanager
def watched_page(browser, base: str, *, timeout_ms: int = 20_000,
                 viewport: dict[str, int] | None = None,
                 **watch: Any) -> Iterator[tuple[Any, Watch]]:
    """A new page in its own context on `base` (closed when the block ends) and its Watch."""
    context = browser.new_context(base_url=base,
                                  **({"viewport": viewport} if viewport else {}))
    try:
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        yield page, Watch(page, base, **watch)
    finally:
        context.close()
