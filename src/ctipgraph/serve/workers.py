"""SPARQL queries run in worker processes, so that one that runs too long, or grows too large,
can be killed without touching the server.

Oxigraph has no query timeout and a Python thread cannot be stopped, so each query goes to a
pre-started worker process. The worker checks the query (sparqlpolicy: parsed, SERVICE and
updates refused), runs it, serializes the result (in Rust, at most `max_rows` rows and
`max_bytes` bytes) and sends back bytes. The web server waits at most the time limit, then kills
the worker and starts another. A worker whose memory grows by more than its limit during a query
answers 507 and exits (a watchdog thread; RLIMIT_AS is the hard backstop), and is replaced.

Workers are forked, not spawned, so that they start in milliseconds and share the in-memory store
copy-on-write. Forking a multi-threaded server is unsafe, so at start-up (while the process still
has a single thread) the pool forks one *zygote*: a single-threaded process that cuts itself off
the network (sandbox.confine), then does nothing but fork workers when asked and hand their
socket back over a Unix socket (SCM_RIGHTS). Workers of an on-disk store open it themselves with
`pyoxigraph.Store.read_only`; workers of an in-memory store use the copy they inherited. A worker
exits when its socket closes, and so does the zygote, so nothing outlives the server.

Requests get workers through a fair scheduler (scheduler.py): regular workers, plus *express*
workers that only run queries for a short time, used when every regular worker is busy.

A text that cannot spell SERVICE is only screened (sparqlpolicy.screen: under a millisecond),
Oxigraph's own parse refusing what is not a query. The policy's verdict on any other text
(rdflib's parse: 30–400 ms for a query the size of a competency query) is remembered by the
pool, in the server process, in a small LRU keyed by a digest of the text and of everything the
verdict depends on: a query seen before is only made canonical in the worker, not parsed again
(a refused query is not remembered).

Wire format, both ways: an 8-byte big-endian length, then a pickled header; a reply's header
says how many raw body bytes follow.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import itertools
import os
import pickle
import resource
import signal
import socket
import struct
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from ..remote.sparql import BackendError, RemoteSolutions
from ..remote.store import RemoteDataset
from ..sparqlpolicy import Refusal, canonical, screen
from ..sparqlpolicy import check as check_query
from ..store import OXIGRAPH_DIR, GraphStore, dataset_options
from . import heap
from .sandbox import Confinement, confine
from .scheduler import EXPRESS, REGULAR, Lease, PoolBusy, Scheduler

_LENGTH = struct.Struct(">Q")
MIB = 1 << 20
#: how often a worker's watchdog looks at its memory during a query
WATCH_INTERVAL = 0.01
#: a worker's private copies are measured once its queries took this many times one measurement
COPY_CHECK_RATIO = 10
#: niceness of worker processes (the web server keeps priority over runaway queries)
NICE = {REGULAR: 10, EXPRESS: 3}
#: how many policy verdicts the pool remembers (a digest and a flag each)
VERDICTS = 4096
#: the stack of the thread that runs a worker's queries. Oxigraph parses and plans recursively,
#: and flat constructs nest as deeply as brackets do: a collection of 4,200 items, 7,000 terms
#: joined by "+", a path of 8,300 steps or 8,300 objects of one subject overflow a main thread's
#: 8 MiB (the worker died: SIGSEGV). With 512 MiB none of them does at the longest query
#: accepted (MAX_QUERY_LENGTH, 100,000 characters); only the pages a query uses are memory
#: (counted by the memory guard), the rest is address space
QUERY_STACK = 512 * MIB

__all__ = ["Dataset", "Job", "PoolBusy", "QueryPool", "QueryTimeout", "Reply", "WorkerDied",
           "execute"]


# -- what goes over the wire ------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """The dataset a request asks for: protocol graphs, and whether the default is the union."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    union_default: bool = False


@dataclass(frozen=True)
class Job:
    """One query to run: the text, the dataset, the formats to answer in, and the limits."""

    query: str
    options: dict | None = None  # explicit query() dataset keywords; None: from `dataset`
    base_iri: str | None = None
    prefixes: dict[str, str] | None = None
    tabular: str | None = None  # results media type for SELECT/ASK (None: none acceptable)
    graph: str | None = None  # RDF media type for CONSTRUCT/DESCRIBE (None: none acceptable)
    max_rows: int = 100_000
    output_prefixes: dict[str, str] | None = None  # for Turtle/TriG output
    dataset: Dataset = field(default_factory=Dataset)
    max_bytes: int = 64 * MIB  # most bytes of a result body (then truncated)
    allow_service: tuple[str, ...] = ()  # SERVICE endpoints the policy lets through
    check: bool = True  # apply the query policy (sparqlpolicy.check) first
    #: the policy passed this very text before, and said whether it names its dataset (FROM):
    #: the worker only makes the text canonical (None: check it)
    known_dataset: bool | None = None


@dataclass(frozen=True)
class Reply:
    """What a worker answers: an HTTP status, a media type, the body, and notes."""

    status: int
    media_type: str
    body: bytes | bytearray = b""
    kind: str = ""  # "boolean", "solutions", "triples" or "" on errors
    truncated: bool = False
    rows: int | None = None  # solutions or triples in the body
    retire: bool = False  # the worker exits after this reply (memory) and must be replaced
    passed: bool | None = None  # the policy passed the query; its has_dataset (None: not checked)


class QueryTimeout(Exception):
    """The query ran longer than allowed; its worker was killed."""

    def __init__(self, limit: float = 0.0, express: bool = False) -> None:
        super().__init__(limit)
        self.limit = limit
        self.express = express


class WorkerDied(Exception):
    """A worker process ended without answering (crash, out of memory)."""


def _send(sock: socket.socket, header: object, body: bytes | bytearray = b"") -> None:
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


# -- inside a worker: running one query -------------------------------------------------------


def _error(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", message.encode("utf-8"))


def execute(store: ox.Store, job: Job) -> Reply:
    """Check and run one job on `store` (in a worker process, or in-process for tests)."""
    text, options = job.query, job.options
    passed: bool | None = None
    screened = None
    if job.check and job.known_dataset is not None:
        text = canonical(job.query)  # (it passed before: no escape it holds is refused)
        has_dataset = passed = job.known_dataset
    elif job.check:
        try:
            # Oxigraph's own parse is enough for a text that cannot name a SERVICE (not for a
            # SPARQL server behind serve --backend, which also needs its FROM clauses read)
            screened = screen(job.query) if isinstance(store, ox.Store) else None
            if screened is not None:
                text, has_dataset = screened, False  # (FROM: the engine reads it itself)
            else:
                verdict = check_query(job.query, allow_service=job.allow_service,
                                      prefixes=job.prefixes)
                text = verdict.text
                has_dataset = passed = verdict.has_dataset
        except Refusal as refusal:
            return _error(refusal.status, refusal.message)
        except MemoryError:
            return _error(507, "The query is too large to be checked within the memory limit.")
    else:
        has_dataset = False
    if options is None:
        try:
            options = dataset_options(job.dataset.union_default,
                                      list(job.dataset.default_graphs),
                                      list(job.dataset.named_graphs), has_dataset=has_dataset)
        except ValueError as error:
            return _error(400, f"default-graph-uri / named-graph-uri: {error}")
    try:
        if isinstance(store, RemoteDataset):  # serve --backend: the SPARQL server runs it
            results = store.query(text, base_iri=job.base_iri, prefixes=job.prefixes,
                                  has_dataset=has_dataset, strict=False,
                                  max_bytes=4 * job.max_bytes, **options)
        else:
            results = store.query(text, base_iri=job.base_iri, prefixes=job.prefixes, **options)
    except BackendError as error:
        return _error(error.code, error.description)
    except SyntaxError as error:
        return _unparsed(job, error) if screened is not None else _error(
            400, f"SPARQL syntax error: {error}")
    except (OSError, ValueError, TypeError) as error:
        return _error(400, f"query rejected: {error}")
    def again() -> ox.QuerySolutions:  # (the same query, run once more)
        return store.query(text, base_iri=job.base_iri, prefixes=job.prefixes, **options)

    reply = _answer(results, job, again)
    return replace(reply, passed=passed) if passed is not None else reply


def _unparsed(job: Job, error: SyntaxError) -> Reply:
    """A screened text the engine could not parse, refused as the policy words it (an update:
    403), else with the engine's message."""
    try:
        check_query(job.query, allow_service=job.allow_service, prefixes=job.prefixes)
    except Refusal as refusal:
        return _error(refusal.status, refusal.message)
    except MemoryError:
        pass
    return _error(400, f"SPARQL syntax error: {error}")


def _answer(results: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples, job: Job,
            again: Callable[[], ox.QuerySolutions]) -> Reply:
    """The serialized results of a query (or the error that stopped their evaluation); `again`
    runs the query once more (see _solutions_once)."""
    try:
        if isinstance(results, ox.QueryBoolean):
            if job.tabular is None:
                return _error(406, "no acceptable format for ASK results")
            fmt = ox.QueryResultsFormat.from_media_type(job.tabular)
            return Reply(200, job.tabular, results.serialize(format=fmt), kind="boolean")
        if isinstance(results, ox.QuerySolutions | RemoteSolutions):
            if job.tabular is None:
                return _error(406, "no acceptable format for SELECT results")
            if isinstance(results, ox.QuerySolutions) and job.tabular in _SOLUTION_MARKS:
                once = _solutions_once(results, job)
                if once is not None:
                    return once
                results = again()
            return _solutions(results, job)
        if job.graph is None:
            return _error(406, "no acceptable format for CONSTRUCT/DESCRIBE results")
        return _triples(results, job)
    except BackendError as error:  # serve --backend: the server's answer broke off
        return _error(error.code, error.description)
    except SyntaxError as error:  # raised lazily by some evaluation paths
        return _error(400, f"SPARQL error: {error}")
    except MemoryError:
        return _error(507, "The query needed more memory than its limit.")
    except Exception as error:  # noqa: BLE001 — an answer, never a traceback
        return _error(500, f"query evaluation failed: {type(error).__name__}: {error}")


class _Full(Exception):
    """The capped buffer is full."""


class _Capped:
    """A write target for Oxigraph's serializers that keeps at most `max_bytes` bytes.

    With `max_marks`, it also counts the `mark` written (a line end by default; a mark split
    between two writes is counted). With `stop`, a write beyond `max_bytes` bytes or
    `max_marks` marks raises (and so stops the query's evaluation: results are pulled as they
    are written); without it, the rest is only counted (`total`)."""

    def __init__(self, max_bytes: int, max_marks: int | None = None, stop: bool = True,
                 mark: bytes = b"\n") -> None:
        self.data = bytearray()
        self.max_bytes = max_bytes
        self.max_marks = max_marks
        self.mark = mark
        self.stop = stop
        self.marks = 0
        self.total = 0
        self.full = False

    def write(self, chunk: bytes) -> int:
        self.total += len(chunk)
        if not self.full:
            if self.max_marks is not None:
                keep = len(self.mark) - 1  # (a mark begun by the previous write)
                span = bytes(self.data[len(self.data) - keep:]) + chunk[:keep] if keep else b""
                self.marks += span.count(self.mark) + chunk.count(self.mark)
            self.data += chunk
            if len(self.data) > self.max_bytes or (self.max_marks is not None
                                                    and self.marks > self.max_marks):
                self.full = True
        if self.full and self.stop:
            raise _Full
        return len(chunk)

    def flush(self) -> None:
        pass


#: per results format, what Oxigraph's writer puts between two solutions (JSON: "},{" closes a
#: binding object and opens the next; a value may hold it too, which only counts more) or
#: before each (XML: "<result>", escaped inside values), and how many of them n solutions hold
#: at least, less n
_SOLUTION_MARKS = {"application/sparql-results+json": (b"},{", -1),
                   "application/sparql-results+xml": (b"<result>", 0)}


def _solutions_once(results: ox.QuerySolutions, job: Job) -> Reply | None:
    """SELECT results written once, in the asked format (JSON or XML), when they certainly hold
    at most max_rows solutions within max_bytes bytes; else None: nothing is answered, and the
    caller runs the query again and cuts it exactly (_solutions).

    The marks the writer puts between or before solutions are counted as it writes, and the
    writing stops as soon as there may be more than max_rows solutions. Written as TSV, parsed
    back and written as JSON, query 08 (78,256 rows, 57 MB) took 3.40 s through a worker at
    15 M quads, against 2.72 s written once (2.63 s in process)."""
    mark, less = _SOLUTION_MARKS[job.tabular]
    writer = _Capped(job.max_bytes, job.max_rows + less, mark=mark)
    fmt = ox.QueryResultsFormat.from_media_type(job.tabular)
    _serialize_capped(lambda out: results.serialize(out, format=fmt), writer)
    if writer.full:
        return None
    return Reply(200, job.tabular, bytes(writer.data), kind="solutions")


def _serialize_capped(produce, writer: _Capped) -> None:
    try:
        produce(writer)
    except Exception:
        if not writer.full:
            raise


def _first_lines(data: bytes | bytearray, lines: int, max_bytes: int) -> bytes:
    """The first `lines` complete lines of `data`, within `max_bytes` bytes."""
    cut = -1
    for _ in range(lines):
        nxt = data.find(b"\n", cut + 1)
        if nxt < 0 or nxt >= max_bytes:
            break
        cut = nxt
    return bytes(data[: cut + 1])


def _solutions(results: ox.QuerySolutions, job: Job) -> Reply:
    """SELECT results in the asked format, at most job.max_rows rows and job.max_bytes bytes.

    The solutions are written as TSV (one per line, line breaks in literals escaped) into a
    capped buffer, which stops the evaluation as soon as there are more than max_rows rows or
    max_bytes bytes; the TSV is cut at a line, parsed back and written in the asked format
    (fewer rows again if that is still over max_bytes).
    """
    fmt = ox.QueryResultsFormat.from_media_type(job.tabular)
    writer = _Capped(job.max_bytes, job.max_rows + 1)  # (lines: the header and rows)
    _serialize_capped(lambda out: results.serialize(out, format=ox.QueryResultsFormat.TSV),
                      writer)
    truncated = writer.full or getattr(results, "truncated", False)  # (cut by the server)
    tsv = _first_lines(writer.data, job.max_rows + 1, job.max_bytes) if truncated \
        else bytes(writer.data)
    rows = max(0, tsv.count(b"\n") - 1)
    while True:
        if fmt == ox.QueryResultsFormat.TSV:
            body = tsv
        else:
            body = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(
                format=fmt)
        if len(body) <= job.max_bytes or rows == 0:
            return Reply(200, job.tabular, body, kind="solutions", truncated=truncated,
                         rows=rows)
        rows = min(rows - 1, int(rows * job.max_bytes / len(body) * 0.95))
        tsv = _first_lines(tsv, rows + 1, len(tsv))
        truncated = True


def _triples(results: ox.QueryTriples, job: Job) -> Reply:
    """CONSTRUCT/DESCRIBE results: at most job.max_rows triples and job.max_bytes bytes."""
    triples = list(itertools.islice(results, job.max_rows + 1))
    truncated = len(triples) > job.max_rows or getattr(results, "truncated", False)
    del triples[job.max_rows:]
    fmt = ox.RdfFormat.from_media_type(job.graph)
    prefixes = job.output_prefixes if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    while True:
        writer = _Capped(job.max_bytes, stop=False)
        ox.serialize(triples, writer, format=fmt, prefixes=prefixes)
        if not writer.full:
            return Reply(200, job.graph, bytes(writer.data), kind="triples",
                         truncated=truncated, rows=len(triples))
        truncated = True
        keep = int(len(triples) * job.max_bytes / writer.total * 0.95)
        del triples[min(keep, len(triples) - 1):]


# -- inside a worker: the process -------------------------------------------------------------


def _rss() -> int | None:
    """This process's anonymous resident memory in bytes (Linux), else None: what it
    allocated, not the store's files mapped by an on-disk store."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            fields = statm.read().split()
        return (int(fields[1]) - int(fields[2])) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _virtual() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _private_dirty() -> int | None:
    """This process's private dirty memory in bytes (Linux smaps_rollup), else None: what it
    allocated plus the pages it shared with its parent and has written since it was forked."""
    try:
        with open("/proc/self/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Private_Dirty:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _timed_private_dirty() -> tuple[int | None, float]:
    """_private_dirty() and the CPU seconds this thread spent reading it."""
    started = time.thread_time()
    private = _private_dirty()
    return private, time.thread_time() - started


class _MemoryGuard:
    """A worker's memory limit: growth beyond `limit` bytes during a query ends it with a 507.

    A watchdog thread samples the anonymous resident size every WATCH_INTERVAL s; RLIMIT_AS
    (the address space at start plus twice the limit) stops a single allocation too large to be
    seen growing. After a query that left the worker more than half the limit larger, it
    retires.

    Pages of an in-memory store that a query reads become the worker's own copies (Oxigraph
    writes reference counts and locks as it reads), which the resident size does not show. The
    private dirty size does, but reading it walks the page tables (60 ms in a 6 GB process), so
    it is read only once the worker's queries since the last reading took COPY_CHECK_RATIO times
    as long as one reading: a worker whose copies have grown past half the limit then retires.
    A reading's cost is its CPU time, not its wall time: on a loaded machine the wall time of one
    reading can be ten times its cost, which would space readings out just when queries are slow.
    """

    def __init__(self, limit: int, sock: socket.socket, send_lock: threading.Lock) -> None:
        self.limit = limit
        self.sock = sock
        self.send_lock = send_lock
        self.active = False
        self.baseline = _rss()
        self.private_baseline, self.check_cost = _timed_private_dirty()
        self.since_check = 0.0  # seconds of queries since private_baseline was last compared
        virtual = _virtual()
        if virtual is not None:
            with contextlib.suppress(ValueError, OSError):
                cap = virtual + 2 * limit + 256 * MIB
                resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        if self.baseline is not None:
            threading.stack_size(256 * 1024)
            threading.Thread(target=self._watch, name="memory-guard", daemon=True).start()

    def grown(self) -> int:
        rss = _rss()
        return 0 if rss is None or self.baseline is None else rss - self.baseline

    def _watch(self) -> None:
        while True:
            time.sleep(WATCH_INTERVAL)
            if self.active and self.grown() > self.limit:
                self._stop()

    def _stop(self) -> None:
        message = (f"The query needed more memory than the limit of {self.limit // MIB} MiB "
                   "per query and was stopped. Narrow it down (LIMIT, more specific patterns, "
                   "fewer ORDER BY/GROUP BY rows).").encode()
        if self.send_lock.acquire(blocking=False):
            with contextlib.suppress(OSError):
                header = Reply(507, "text/plain; charset=utf-8", b"", retire=True)
                _send(self.sock, (header, len(message)), message)
        os._exit(3)

    def should_retire(self, seconds: float) -> bool:
        """After a query that took `seconds`: whether the worker has grown past half its limit,
        by its own allocations or by its copies of the store's pages."""
        if self.grown() > self.limit // 2:
            return True
        self.since_check += seconds
        if self.private_baseline is None or self.since_check < COPY_CHECK_RATIO * self.check_cost:
            return False
        self.since_check = 0.0
        private, self.check_cost = _timed_private_dirty()
        return private is not None and private - self.private_baseline > self.limit // 2


def _release_memory() -> None:
    """Give freed heap back to the system (glibc), so that a worker's size says what it uses."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def _worker_main(sock: socket.socket, store: ox.Store | None, path: str | None,
                 memory: int | None) -> None:
    """Answer jobs from `sock` until it closes, on a thread with a QUERY_STACK stack."""
    runner = threading.Thread(target=_answer_jobs, args=(sock, store, path, memory),
                              name="queries")
    threading.stack_size(QUERY_STACK)  # (read when the thread starts)
    try:
        runner.start()
    finally:
        threading.stack_size(0)
    runner.join()


def _answer_jobs(sock: socket.socket, store: ox.Store | None, path: str | None,
                 memory: int | None) -> None:
    failure = None
    if store is None:
        try:
            store = ox.Store.read_only(path)
        except Exception as error:  # noqa: BLE001
            failure = _error(503, f"the store could not be opened: {error}")
    send_lock = threading.Lock()
    guard = _MemoryGuard(memory, sock, send_lock) if memory else None
    while True:
        try:
            job = _recv(sock)
        except (EOFError, OSError):
            return
        if guard is not None:
            guard.active = True
        started = time.perf_counter()
        try:
            reply = failure or execute(store, job)
        except Exception as error:  # noqa: BLE001 — an answer; the worker stays
            reply = _error(500, f"query failed: {type(error).__name__}")
        del job
        with send_lock:
            retire = False
            if guard is not None:
                guard.active = False
                _release_memory()
                retire = guard.should_retire(time.perf_counter() - started)
            body = reply.body
            header = Reply(reply.status, reply.media_type, b"", reply.kind, reply.truncated,
                           reply.rows, retire, reply.passed)
            del reply
            try:
                _send(sock, (header, len(body)), body)
            except OSError:
                return
            del body
        if retire:
            return


def _warm_up() -> None:
    """Prepare the parsers once in the zygote, so that every worker starts with them ready."""
    for text in ("PREFIX x: <http://x/> SELECT * FROM <http://g> WHERE { ?s x:p ?o "
                 "OPTIONAL { ?s ?p ?o } FILTER(?o > 1) } ORDER BY ?s LIMIT 1",
                 "CLEAR ALL", "LOAD <http://x>"):
        with contextlib.suppress(Refusal):
            check_query(text)


def _zygote_main(control: socket.socket, store: ox.Store | None, path: str | None,
                 memory: int | None, sandbox: bool, reason: str) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    _warm_up()
    # what the workers inherit (the server's objects, the parsers just prepared) is never
    # walked by their collections, which would write to every such object, copying its page
    heap.settle(collect=False)
    confinement = confine() if sandbox else Confinement(reason=reason)
    _send(control, confinement.to_dict())
    while True:
        try:
            command = control.recv(1)
        except OSError:
            return
        lane = {b"R": REGULAR, b"E": EXPRESS}.get(command)
        if lane is None:
            return
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:  # the worker
            try:
                control.close()
                mine.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                with contextlib.suppress(OSError):
                    os.nice(NICE[lane])
                _worker_main(theirs, store, path, memory)
            finally:
                os._exit(0)
        theirs.close()
        socket.send_fds(control, [str(pid).encode()], [mine.fileno()])
        mine.close()


# -- in the server ----------------------------------------------------------------------------


class _Worker:
    def __init__(self, pid: int, sock: socket.socket, lane: str) -> None:
        self.pid = pid
        self.sock = sock
        self.lane = lane

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.pid, signal.SIGKILL)
        self.sock.close()


class QueryPool:
    """Pre-forked query workers over one GraphStore: `size` regular ones and `express` ones.

    `memory`: bytes a worker may grow by during one query (None: no limit). `sandbox`: cut the
    workers off the network (`sandbox_reason` says why not, when False).
    """

    def __init__(self, store: GraphStore, size: int = 4, *, express: int = 0,
                 express_timeout: float = 1.0, memory: int | None = None,
                 sandbox: bool = True, sandbox_reason: str = "disabled") -> None:
        self.size = max(1, size)
        self.express = max(0, express)
        self.express_timeout = express_timeout
        self.memory = memory
        self.scheduler: Scheduler[_Worker] = Scheduler(express_limit=express_timeout)
        self._lock = threading.Lock()
        self._all: dict[int, _Worker] = {}
        self._closed = False
        self.killed = 0  # workers killed for overrunning the time limit
        self.memory_stops = 0  # queries stopped for going over the memory limit
        self.died = 0  # workers that ended without answering
        self.retired = 0  # workers replaced after a query left them over half the memory limit
        self._verdicts: OrderedDict[bytes, bool] = OrderedDict()  # see the module doc
        in_memory = None if store.on_disk else store.store
        path = str(store.location / OXIGRAPH_DIR) if store.on_disk else None
        control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:  # the zygote
            try:
                control.close()
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                _zygote_main(theirs, in_memory, path, memory, sandbox, sandbox_reason)
            finally:
                os._exit(0)
        theirs.close()
        self._zygote_pid = pid
        self._control = control
        self._finalizer = weakref.finalize(self, _shutdown, control, pid, self._all)
        #: what the sandbox achieved in the workers (sandbox.Confinement.to_dict())
        self.confinement: dict = _recv(control)  # type: ignore[assignment]
        for _ in range(self.size):
            self.scheduler.add(self._fork(REGULAR), REGULAR)
        for _ in range(self.express):
            self.scheduler.add(self._fork(EXPRESS), EXPRESS)

    def _fork(self, lane: str) -> _Worker:
        with self._lock:
            if self._closed:
                raise RuntimeError("the query pool is closed")
            self._control.sendall(b"R" if lane == REGULAR else b"E")
            message, fds, _flags, _addr = socket.recv_fds(self._control, 32, 1)
            if not fds:
                raise WorkerDied("the worker factory stopped")
            worker = _Worker(int(message), socket.socket(fileno=fds[0]), lane)
            self._all[worker.pid] = worker
            return worker

    def _replace(self, worker: _Worker) -> _Worker | None:
        """Kill `worker`; its successor (None once the pool is closed)."""
        worker.kill()
        with self._lock:
            self._all.pop(worker.pid, None)
        if self._closed:
            return None
        return self._fork(worker.lane)

    def run(self, job: Job, timeout: float, wait: float | None = None,
            client: str = "") -> Reply:
        """Run `job` in a worker; kill it if it takes longer than its time limit.

        The limit is `timeout` in a regular worker and at most `express_timeout` in an express
        one (a quarter of it for a client not known yet: many new clients at once may all be
        runaways). Waits up to `wait` seconds (default: `timeout`) for a worker, else PoolBusy.
        """
        key = _verdict_key(job) if job.check else None
        known = self._known(key)
        if known is not None:
            job = replace(job, known_dataset=known)
        lease = self.scheduler.acquire(client, timeout if wait is None else wait)
        worker = lease.worker
        limit = timeout if lease.lane == REGULAR else min(
            timeout, self.express_timeout if lease.known else self.express_timeout / 4)
        try:
            header, body = self._exchange(worker, job, limit)
        except TimeoutError:
            self.killed += 1
            self._give_back(lease, self._replace(worker), stopped=True)
            raise QueryTimeout(limit, lease.lane == EXPRESS) from None
        except (EOFError, OSError):
            self._give_back(lease, self._replace(worker), stopped=True)
            if self._closed:
                raise PoolBusy from None  # shutting down
            self.died += 1
            raise WorkerDied from None
        if header.retire:
            if header.status == 507:
                self.memory_stops += 1
            else:
                self.retired += 1
            self._give_back(lease, self._replace(worker), stopped=header.status == 507)
        else:
            self.scheduler.release(lease)
        if key is not None and header.passed is not None:
            self._remember(key, header.passed)
        return Reply(header.status, header.media_type, body, header.kind, header.truncated,
                     header.rows)

    def _known(self, key: bytes | None) -> bool | None:
        """The remembered verdict for a query key (None: not seen, or not checked)."""
        if key is None:
            return None
        with self._lock:
            known = self._verdicts.get(key)
            if known is not None:
                self._verdicts.move_to_end(key)
            return known

    def _remember(self, key: bytes, has_dataset: bool) -> None:
        with self._lock:
            self._verdicts[key] = has_dataset
            self._verdicts.move_to_end(key)
            while len(self._verdicts) > VERDICTS:
                self._verdicts.popitem(last=False)

    def _exchange(self, worker: _Worker, job: Job, limit: float) -> tuple[Reply, bytearray]:
        deadline = time.monotonic() + limit
        _send(worker.sock, job)
        worker.sock.settimeout(max(0.001, deadline - time.monotonic()))
        (size,) = _LENGTH.unpack(_recv_exact(worker.sock, _LENGTH.size))
        worker.sock.settimeout(max(5.0, limit))
        header, length = pickle.loads(_recv_exact(worker.sock, size))
        body = _recv_into(worker.sock, length) if length else bytearray()
        worker.sock.settimeout(None)
        return header, body

    def _give_back(self, lease: Lease[_Worker], successor: _Worker | None, *,
                   stopped: bool = False) -> None:
        self.scheduler.release(lease, back=False, stopped=stopped)
        if successor is not None:
            self.scheduler.add(successor, successor.lane)

    def status(self) -> dict[str, object]:
        """For /health: the workers, what they are doing, what was stopped, the sandbox."""
        return {"workers": self.size, "express_workers": self.express,
                **self.scheduler.stats(), "timeouts": self.killed,
                "memory_stops": self.memory_stops, "died": self.died, "retired": self.retired,
                "memory_limit_mib": self.memory // MIB if self.memory else None,
                "sandbox": self.confinement}

    def close(self) -> None:
        """Stop every worker; requests waiting for one get PoolBusy, running ones WorkerDied."""
        self._closed = True
        self.scheduler.close()
        self._finalizer()


def _verdict_key(job: Job) -> bytes:
    """A digest of what the policy's verdict on a job depends on: the text, the SERVICE
    endpoints allowed and the prefixes the query may use without declaring them."""
    digest = hashlib.sha256(job.query.encode("utf-8", "surrogatepass"))
    digest.update(repr((job.allow_service, sorted((job.prefixes or {}).items()))).encode())
    return digest.digest()


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
