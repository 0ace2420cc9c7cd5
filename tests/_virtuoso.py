"""Debian's virtuoso-opensource 7.2 on loopback, for tests and benchmarks.

`Virtuoso(folder)` starts `virtuoso-t` with a database under `folder/db` (created if missing,
reused if present), an HTTP port and an isql port that were free, and returns once its SPARQL
endpoint answers. `stop()` shuts it down (isql `shutdown`, else SIGKILL of its process group)
and, with `remove=True`, deletes the folder.

Writes by the Graph Store HTTP Protocol: `grant_updates()` runs
`GRANT SPARQL_UPDATE TO "SPARQL"` in isql, so the anonymous endpoint `gsp_url`
(`/sparql-graph-crud`) accepts PUT/POST/DELETE from anyone who can reach the loopback port (and
`sparql_url` accepts SPARQL Update). The endpoint with Digest authentication, `gsp_auth_url`
(`/sparql-graph-crud-auth`), takes `user`/`password` (dba/dba on a fresh database) whether or
not updates were granted; it is the one to use on a server others can reach.

The session fixture `virtuoso` (tests/conftest.py) is one server for the whole test session, with
updates granted; it skips the tests that use it only when `virtuoso-t` is not installed (`make
install` installs it with apt, the way it installs Chromium for the browser tests).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

VIRTUOSO_T = "virtuoso-t"
ISQL = "isql-vt"
VAD_DIR = "/usr/share/virtuoso-opensource-7/vad"

VIRTUOSO_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
CheckpointInterval = 0
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 2G
ServerThreads = 10
DirsAllowed = ., {load}, {vad}
ThreadCleanupInterval = 0
ResourcesCleanupInterval = 0
MaxStaticCursorRows = 5000
AsyncQueueMaxThreads = 10
MaxVectorSize = 1000000
VectorSize = 1000
AdjustVectorSize = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 4
ServerThreads = 4
MaxKeepAlives = 4
KeepAliveTimeout = 10
MaxCachedProxyConnections = 4
ProxyConnectionCacheTimeout = 15
HTTPThreadSize = 280000
HttpPrintWarningsInOutput = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = {timeout}
DefaultQuery = select distinct ?Concept where {{[] a ?Concept}} LIMIT 100
DeferInferenceRulesInit = 0
MaxSortedTopRows = 10000000
"""


def installed() -> bool:
    """True when Debian's virtuoso-t and isql-vt are on the PATH."""
    return shutil.which(VIRTUOSO_T) is not None and shutil.which(ISQL) is not None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def writable_server(folder: Path, timeout: float, memory_gb: float):
    """A Virtuoso in `folder` that takes anonymous Graph Store writes, stopped and removed at
    the end; pytest's skip when virtuoso-t is not installed (`make install` installs it)."""
    import pytest

    if not installed():
        pytest.skip("virtuoso-t is missing: `make install` installs Debian's "
                    "virtuoso-opensource with apt")
    server = Virtuoso(folder, timeout=timeout, memory_gb=memory_gb)
    try:
        server.grant_updates()
        yield server
    finally:
        server.stop(remove=True)


class Virtuoso:
    """A virtuoso-t process on loopback with its own database folder (see the module doc)."""

    user = "dba"
    password = "dba"

    def __init__(self, work: Path, timeout: float = 600, memory_gb: float = 4.0,
                 start_timeout: float = 120) -> None:
        self.work = work
        self.db = work / "db"
        self.load = work / "load"
        self.db.mkdir(parents=True, exist_ok=True)
        self.load.mkdir(parents=True, exist_ok=True)
        self._buffers = max(int(memory_gb * 1024 ** 3 * 0.66 / 8192), 2000)
        self._timeout = int(timeout)
        for attempt in (1, 2, 3):  # a port taken between free_port() and the bind: new ports
            self.isql_port, self.http_port = free_port(), free_port()
            try:
                self._start(start_timeout)
                break
            except RuntimeError:
                if attempt == 3 or "address already in use" not in self.log_tail().lower():
                    raise

    # -- life cycle ----------------------------------------------------------------------------

    def _start(self, start_timeout: float) -> None:
        (self.db / "virtuoso.ini").write_text(VIRTUOSO_INI.format(
            db=self.db, load=self.load, vad=VAD_DIR, isql_port=self.isql_port,
            http_port=self.http_port, buffers=self._buffers, dirty=self._buffers * 3 // 4,
            timeout=self._timeout))
        self.proc = subprocess.Popen(
            [VIRTUOSO_T, "+foreground", "+configfile", str(self.db / "virtuoso.ini")],
            cwd=self.db, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.sparql_url + "?query=ASK%7B%7D", timeout=5):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"virtuoso-t exited ({self.proc.returncode}): "
                                       f"{self.log_tail()}") from None
                time.sleep(0.25)
        self._kill()
        raise RuntimeError(f"virtuoso-t did not answer within {start_timeout:.0f} s: "
                           f"{self.log_tail()}")

    def log_tail(self, lines: int = 5) -> str:
        """The last lines of virtuoso.log (why it did not start)."""
        try:
            text = (self.db / "virtuoso.log").read_text(errors="replace")
        except OSError:
            return "(no virtuoso.log)"
        return " | ".join(text.strip().splitlines()[-lines:])

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self, remove: bool = False) -> None:
        """Shut the server down (checkpointed) and, with `remove`, delete its folder."""
        if self.proc.poll() is None:
            try:
                self.isql("shutdown;", timeout=60)
                self.proc.wait(60)
            except (RuntimeError, subprocess.SubprocessError):
                self._kill()
        if remove:
            shutil.rmtree(self.work, ignore_errors=True)

    def _kill(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    # -- URLs ----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The HTTP server's root, without a trailing slash."""
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        """The SPARQL 1.1 Protocol endpoint (queries; updates once `grant_updates()` ran)."""
        return self.url + "/sparql"

    @property
    def gsp_url(self) -> str:
        """The Graph Store HTTP Protocol endpoint without authentication (writes once
        `grant_updates()` ran)."""
        return self.url + "/sparql-graph-crud"

    @property
    def gsp_auth_url(self) -> str:
        """The Graph Store HTTP Protocol endpoint behind HTTP Digest (`user`/`password`)."""
        return self.url + "/sparql-graph-crud-auth"

    # -- administration ------------------------------------------------------------------------

    def isql(self, sql: str, timeout: float = 3600) -> str:
        """Run SQL (or isql commands, ';'-terminated) as dba; its output, or RuntimeError."""
        result = subprocess.run(
            [ISQL, f"127.0.0.1:{self.isql_port}", self.user, self.password, f"exec={sql}"],
            capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if result.returncode or "*** Error" in result.stdout + result.stderr:
            raise RuntimeError(f"isql {sql!r}: {result.stdout}{result.stderr}".strip())
        return result.stdout

    def grant_updates(self) -> None:
        """Let the anonymous endpoints write: SPARQL Update and the Graph Store protocol."""
        self.isql('GRANT SPARQL_UPDATE TO "SPARQL";')

    def bulk_load(self, graph: str) -> None:
        """Virtuoso's bulk loader: every *.nt file of `load` into `graph`, then a checkpoint."""
        self.isql(f"ld_dir('{self.load}', '*.nt', '{graph}');")
        self.isql("rdf_loader_run();")
        self.isql("checkpoint;")

    # -- queries -------------------------------------------------------------------------------

    def query(self, sparql: str, timeout: float = 600,
              default_graph: str | None = None) -> tuple[int, bytes]:
        """POST a query to `sparql_url` (JSON results); the status and body, (0, error) when
        the server cannot be reached."""
        fields = {"query": sparql, "format": "application/sparql-results+json"}
        if default_graph:
            fields["default-graph-uri"] = default_graph
        request = urllib.request.Request(
            self.sparql_url, data=urllib.parse.urlencode(fields).encode(),
            headers={"Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError as error:
            return 0, str(error).encode()

    def select(self, sparql: str, default_graph: str | None = None,
               timeout: float = 600) -> list[dict[str, dict]]:
        """The bindings of a SELECT query; RuntimeError with the server's message otherwise."""
        status, body = self.query(sparql, timeout, default_graph)
        if status != 200:
            raise RuntimeError(f"Virtuoso {status}: {body[:500].decode(errors='replace')}")
        return json.loads(body)["results"]["bindings"]

    def count(self, graph: str | None = None, timeout: float = 600) -> int:
        """The triples of `graph` (of all graphs, counted once per graph, when None)."""
        pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        try:
            rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}",
                               timeout=timeout)
        except RuntimeError:
            return 0
        return int(rows[0]["n"]["value"])
