"""SPARQL queries run in worker processes, so that one that runs too long can be killed.

Oxigraph has no query timeout and a Python thread cannot be stopped, so each query goes to a
pre-started worker process, which runs it, serializes the result (in Rust) and sends back bytes;
the web server waits at most the timeout, then kills the worker and starts another.

Workers are forked, not spawned, so that they start in milliseconds and share the in-memory store
copy-on-write. Forking a multi-threaded server is unsafe, so at start-up (while the process still
has a single thread) the pool forks one *zygote*: a single-threaded process that does nothing but
fork workers when asked and hand their socket back over a Unix socket (SCM_RIGHTS). Workers of an
on-disk store open it themselves with `pyoxigraph.Store.read_only`; workers of an in-memory store
use the copy they inherited. A worker exits when its socket closes, and so does the zygote, so
nothing outlives the server.

Wire format, both ways: an 8-byte big-endian length, then a pickled header; a reply's header
says how many raw body bytes follow.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import queue
import signal
import socket
import struct
import threading
import time
import weakref
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..store import OXIGRAPH_DIR, GraphStore

_LENGTH = struct.Struct(">Q")


# -- what goes over the wire ------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One query to run: the text, the dataset, and the formats to answer in."""

    query: str
    options: dict = field(default_factory=dict)  # dataset: GraphStore.dataset_options() shape
    base_iri: str | None = None
    prefixes: dict[str, str] | None = None
    tabular: str | None = None  # results media type for SELECT/ASK (None: none acceptable)
    graph: str | None = None  # RDF media type for CONSTRUCT/DESCRIBE (None: none acceptable)
    max_rows: int = 100_000
    output_prefixes: dict[str, str] | None = None  # for Turtle/TriG output


@dataclass(frozen=True)
class Reply:
    """What a worker answers: an HTTP status, a media type, the body, and notes."""

    status: int
    media_type: str
    body: bytes | bytearray = b""
    kind: str = ""  # "boolean", "solutions", "triples" or "" on errors
    truncated: bool = False
    rows: int | None = None  # solutions or triples in the body


class QueryTimeout(Exception):
    """The query ran longer than allowed; its worker was killed."""


class PoolBusy(Exception):
    """No worker became free in time."""


class WorkerDied(Exception):
    """A worker process ended without answering (crash, out of memory)."""


def _send(sock: socket.socket, header: object, body: bytes = b"") -> None:
    data = pickle.dumps(header, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_LENGTH.pack(len(data)) + data)
    if body:
        sock.sendall(body)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _recv_into(sock: socket.socket, size: int) -> bytearray:
    """`size` bytes into one buffer (no second copy: results may be large)."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    while view:
        received = sock.recv_into(view)
        if not received:
            raise EOFError
        view = view[received:]
    return buffer


def _recv(sock: socket.socket) -> object:
    (size,) = _LENGTH.unpack(_recv_exact(sock, _LENGTH.size))
    return pickle.loads(_recv_exact(sock, size))


# -- inside a worker --------------------------------------------------------------------------


def _error(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", message.encode("utf-8"))


def execute(store: ox.Store, job: Job) -> Reply:
    """Run one job on `store` (in a worker process, or in-process for tests)."""
    try:
        results = store.query(job.query, base_iri=job.base_iri, prefixes=job.prefixes,
                              **job.options)
    except SyntaxError as error:
        return _error(400, f"SPARQL syntax error: {error}")
    except (OSError, ValueError, TypeError) as error:
        return _error(400, f"query rejected: {error}")
    try:
        if isinstance(results, ox.QueryBoolean):
            if job.tabular is None:
                return _error(406, "no acceptable format for ASK results")
            fmt = ox.QueryResultsFormat.from_media_type(job.tabular)
            return Reply(200, job.tabular, results.serialize(format=fmt), kind="boolean")
        if isinstance(results, ox.QuerySolutions):
            if job.tabular is None:
                return _error(406, "no acceptable format for SELECT results")
            return _solutions(results, job)
        if job.graph is None:
            return _error(406, "no acceptable format for CONSTRUCT/DESCRIBE results")
        return _triples(results, job)
    except SyntaxError as error:  # raised lazily by some evaluation paths
        return _error(400, f"SPARQL error: {error}")
    except Exception as error:  # noqa: BLE001 — an answer, never a traceback
        return _error(500, f"query evaluation failed: {type(error).__name__}: {error}")


# The fewest bytes one solution takes in a serialization (`{}` plus a comma, `<result/>`, a line
# break): a body shorter than max_rows times this cannot hold more than max_rows solutions.
_MIN_ROW_BYTES = {ox.QueryResultsFormat.JSON: 2, ox.QueryResultsFormat.XML: 9,
                  ox.QueryResultsFormat.TSV: 1, ox.QueryResultsFormat.CSV: 1}


def _solutions(results: ox.QuerySolutions, job: Job) -> Reply:
    """Serialize SELECT results, at most job.max_rows of them, all inside Oxigraph.

    Most results are small: they are written once, straight in the asked format. A body long
    enough to hold more than max_rows solutions is counted in TSV (one solution per line, line
    breaks inside literals escaped), cut by bytes, parsed back and written in the asked format.
    CSV, which cannot be parsed back, always goes through TSV.
    """
    fmt = ox.QueryResultsFormat.from_media_type(job.tabular)
    if fmt in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML):
        body = results.serialize(format=fmt)
        if len(body) <= job.max_rows * _MIN_ROW_BYTES[fmt]:
            return Reply(200, job.tabular, body, kind="solutions")
        tsv = ox.parse_query_results(body, format=fmt).serialize(
            format=ox.QueryResultsFormat.TSV)
    else:
        body = None
        tsv = results.serialize(format=ox.QueryResultsFormat.TSV)
    rows = tsv.count(b"\n") - 1
    truncated = rows > job.max_rows
    if truncated:
        cut = -1
        for _ in range(job.max_rows + 1):
            cut = tsv.index(b"\n", cut + 1)
        tsv = tsv[: cut + 1]
        rows = job.max_rows
    if fmt == ox.QueryResultsFormat.TSV:
        body = tsv
    elif truncated or body is None:
        body = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=fmt)
    return Reply(200, job.tabular, body, kind="solutions", truncated=truncated, rows=rows)


def _triples(results: ox.QueryTriples, job: Job) -> Reply:
    triples = list(itertools.islice(results, job.max_rows + 1))
    truncated = len(triples) > job.max_rows
    del triples[job.max_rows:]
    fmt = ox.RdfFormat.from_media_type(job.graph)
    prefixes = job.output_prefixes if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    body = ox.serialize(triples, format=fmt, prefixes=prefixes) or b""
    return Reply(200, job.graph, body, kind="triples", truncated=truncated, rows=len(triples))


def _worker_main(sock: socket.socket, store: ox.Store | None, path: str | None) -> None:
    failure = None
    if store is None:
        try:
            store = ox.Store.read_only(path)
        except Exception as error:  # noqa: BLE001
            failure = _error(503, f"the store could not be opened: {error}")
    while True:
        try:
            job = _recv(sock)
        except (EOFError, OSError):
            return
        reply = failure or execute(store, job)
        body = reply.body
        header = Reply(reply.status, reply.media_type, b"", reply.kind, reply.truncated,
                       reply.rows)
        try:
            _send(sock, (header, len(body)), body)
        except OSError:
            return


def _zygote_main(control: socket.socket, store: ox.Store | None, path: str | None) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    while True:
        try:
            command = control.recv(1)
        except OSError:
            return
        if command != b"F":
            return
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:  # the worker
            try:
                control.close()
                mine.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _worker_main(theirs, store, path)
            finally:
                os._exit(0)
        theirs.close()
        socket.send_fds(control, [str(pid).encode()], [mine.fileno()])
        mine.close()


# -- in the server ----------------------------------------------------------------------------


class _Worker:
    def __init__(self, pid: int, sock: socket.socket) -> None:
        self.pid = pid
        self.sock = sock

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.sock.close()


class QueryPool:
    """A fixed number of pre-forked query workers over one GraphStore."""

    def __init__(self, store: GraphStore, size: int = 4) -> None:
        self.size = max(1, size)
        self._lock = threading.Lock()
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._all: dict[int, _Worker] = {}
        self._closed = False
        self.killed = 0  # workers killed for overrunning (for tests and logs)
        memory = None if store.on_disk else store.store
        path = str(store.location / OXIGRAPH_DIR) if store.on_disk else None
        control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:  # the zygote
            try:
                control.close()
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                _zygote_main(theirs, memory, path)
            finally:
                os._exit(0)
        theirs.close()
        self._zygote_pid = pid
        self._control = control
        self._finalizer = weakref.finalize(self, _shutdown, control, pid, self._all)
        for _ in range(self.size):
            self._idle.put(self._fork())

    def _fork(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise RuntimeError("the query pool is closed")
            self._control.sendall(b"F")
            message, fds, _flags, _addr = socket.recv_fds(self._control, 32, 1)
            if not fds:
                raise WorkerDied("the worker factory stopped")
            worker = _Worker(int(message), socket.socket(fileno=fds[0]))
            self._all[worker.pid] = worker
            return worker

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.pop(worker.pid, None)
        if not self._closed:
            self._idle.put(self._fork())

    def run(self, job: Job, timeout: float, wait: float | None = None) -> Reply:
        """Run `job` in a free worker; kill it if it takes longer than `timeout` seconds.

        Waits up to `wait` seconds (default: `timeout`) for a free worker, else PoolBusy.
        """
        try:
            worker = self._idle.get(timeout=timeout if wait is None else wait)
        except queue.Empty:
            raise PoolBusy from None
        deadline = time.monotonic() + timeout
        try:
            _send(worker.sock, job)
            worker.sock.settimeout(max(0.001, deadline - time.monotonic()))
            (size,) = _LENGTH.unpack(_recv_exact(worker.sock, _LENGTH.size))
            worker.sock.settimeout(max(5.0, timeout))
            header, length = pickle.loads(_recv_exact(worker.sock, size))
            body = _recv_into(worker.sock, length) if length else b""
            worker.sock.settimeout(None)
        except TimeoutError:
            self.killed += 1
            self._replace(worker)
            raise QueryTimeout from None
        except (EOFError, OSError):
            self._replace(worker)
            raise WorkerDied from None
        self._idle.put(worker)
        return Reply(header.status, header.media_type, body, header.kind, header.truncated,
                     header.rows)

    def close(self) -> None:
        self._closed = True
        self._finalizer()


def _shutdown(control: socket.socket, zygote_pid: int, workers: dict[int, _Worker]) -> None:
    for worker in list(workers.values()):
        worker.kill()
    workers.clear()
    control.close()
    try:
        os.kill(zygote_pid, signal.SIGTERM)
        os.waitpid(zygote_pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
