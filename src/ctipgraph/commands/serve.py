"""`ctipgraph serve`: the web application (SPARQL endpoint, downloads, browse view) on waitress."""

from __future__ import annotations

import errno
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import click

from ..paths import TTL_DIR
from ..serve.closing import Closing
from ..store import STORE_DIR, GraphStore, StoreInputError
from ..swap import clean_start


def project_store_or_exit(ttl_dir: Path = TTL_DIR, store_dir: Path = STORE_DIR, *,
                          inferences: bool = True, in_memory: bool | None = True
                          ) -> GraphStore:
    """Open (building if needed) the project store, or explain how to get data and exit 1.

    First what a build killed earlier left beside `ttl_dir` is cleaned up, and the previous
    build put back if one was stopped between two renames (swap.clean_start)."""
    for line in clean_start(ttl_dir, wait=False):
        click.echo(line, err=True)
    if not any(ttl_dir.glob("*.ttl")):
        click.echo(f"error: no built graph in {ttl_dir}/ (no .ttl files). Run `ctipgraph build` "
                   "first (`make run` builds it for you).", err=True)
        sys.exit(1)

    def progress(line: str) -> None:
        click.echo(line, err=True)

    started = time.perf_counter()
    try:
        store = GraphStore.open_project(ttl_dir, store_dir, inferences=inferences,
                                        in_memory=in_memory, progress=progress)
    except StoreInputError as error:
        click.echo(f"error: {error}\nFix or rebuild that file (`ctipgraph build`).", err=True)
        sys.exit(2)
    except OSError as error:  # a store folder that cannot be written, a store held by another
        where = error.filename or store_dir
        click.echo(f"error: cannot open the store in {where}: {error.strerror or error} "
                   "(check its permissions, or give another --store-dir)", err=True)
        sys.exit(2)
    where = "on disk" if store.on_disk else "in memory"
    click.echo(f"store {store_dir}: {len(store)} triples in {len(store.graphs())} graphs, "
               f"queried {where} ({time.perf_counter() - started:.1f} s)", err=True)
    return store


def listen_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (one line, with what to do), None if it
    can. Checked with a socket as waitress opens it (SO_REUSEADDR), before the store loads."""
    if port == 0:
        return None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return f"cannot listen on host {host!r}: {reason} (try --host 127.0.0.1)"
    family, kind, proto, _name, address = infos[0]
    probe = socket.socket(family, kind, proto)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)
    except OSError as error:
        return bind_error_message(error, host, port)
    finally:
        probe.close()
    return None


def bind_error_message(error: OSError, host: str, port: int) -> str:
    """One line saying why listening on host:port failed and what to try."""
    if error.errno == errno.EADDRINUSE:
        free = _free_port(host, port)
        hint = f"try --port {free}" if free else "try another --port"
        return f"port {port} is in use, {hint}"
    if error.errno == errno.EACCES:
        hint = " (ports below 1024 need extra privileges)" if port < 1024 else ""
        return f"no permission to listen on port {port}{hint}, try --port 5000"
    if error.errno == errno.EADDRNOTAVAIL:
        return (f"cannot listen on {host}: not an address of this machine "
                "(try --host 127.0.0.1 or --host 0.0.0.0)")
    return f"cannot listen on {host}:{port}: {error.strerror or error}"


def _free_port(host: str, port: int) -> int | None:
    """The next port after `port` that can be listened on, if one of the next 20 can."""
    for candidate in range(port + 1, min(port + 21, 65536)):
        try:
            with socket.create_server((host, candidate), reuse_port=False) as probe:
                probe.getsockname()
            return candidate
        except OSError:
            continue
    return None


def parse_data_option(values: Iterable[str]) -> list[tuple[Path, str | None]]:
    """`FILE[=GRAPH]` values of --data: the file and its named graph (None: default graph)."""
    files = []
    for value in values:
        path, graph = Path(value), None
        if not path.exists() and "=" in value:
            name, graph = value.split("=", 1)
            path = Path(name)
        if not path.is_file():
            raise click.BadParameter(f"{path}: no such file", param_hint="--data")
        files.append((path, graph or None))
    return files


def data_store_or_exit(values: Iterable[str]) -> GraphStore:
    """An in-memory store of the --data files; a file that cannot be read or parsed is a usage
    error naming it (exit 2)."""
    files = parse_data_option(values)
    try:
        return GraphStore.from_files(files)
    except StoreInputError as error:
        raise click.BadParameter(str(error), param_hint="--data") from None


def backend_store_or_exit(url: str, graph: str | None, timeout: float) -> GraphStore:
    """The store of a SPARQL server (`--backend`), or one line saying why not and exit 2."""
    from ..remote.sparql import BackendError
    from ..remote.store import RemoteGraphStore

    started = time.perf_counter()
    try:
        store = RemoteGraphStore.connect(url, graph=graph, timeout=timeout)
    except ValueError as error:  # a URL that is not one, a server without the graphs
        _fail(f"--backend: {error}")
    except BackendError as error:
        _fail(f"--backend: {error.description}")
    backend = store.backend
    click.echo(f"backend {url}: {len(store)} triples in {len(store.graphs())} graphs, default "
               f"graph {backend['default_graph']} ({time.perf_counter() - started:.1f} s)",
               err=True)
    return store


def warm_caches(app) -> None:
    """Build what the first search, the first /evidence and the first resource pages would
    otherwise wait for (the compiled page templates; the search index, the evidence report:
    tens of seconds on a graph of millions of quads; what pages keep once read), one after
    the other, while the server already answers; each says on stderr when it is ready. Then
    every object alive (the store's, these caches) is moved out of the garbage collector's
    reach (serve.heap): a collection walking them held the server for half a second at 15 M
    quads."""
    from ..serve import describe, evidence_views, heap, render, search

    for name, warm in (("page templates", render.warm), ("search index", search.warm),
                       ("evidence report", evidence_views.warm),
                       ("page caches (documents' years, claimed properties)", describe.warm)):
        started = time.perf_counter()
        try:
            warm(app)
        except Exception as error:  # noqa: BLE001 — the page computes it (or says why) later
            click.echo(f"warm-up: the {name} could not be prepared now ({error}); it will be "
                       "computed on first use", err=True)
            continue
        click.echo(f"warm-up: {name} ready in {time.perf_counter() - started:.1f} s", err=True)
    started = time.perf_counter()
    kept = heap.settle()
    click.echo(f"warm-up: {kept:,} long-lived objects set aside from garbage collection in "
               f"{time.perf_counter() - started:.1f} s", err=True)


def _base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--base-url checked (an absolute http(s) URL) and ending in '/'."""
    from ..serve.security import check_base_url

    if value is None:
        return None
    try:
        return check_base_url(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _fail(message: str) -> None:
    """A start-up error: one line on standard error, exit status 2."""
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


class AccessLog:
    """WSGI middleware writing one line per request to a stream (waitress logs none)."""

    def __init__(self, app, stream=None) -> None:
        self.app = app
        self.stream = stream or sys.stderr

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        seen: dict[str, str] = {}

        def recording_start_response(status, headers, exc_info=None):
            seen["status"] = status.split(" ", 1)[0]
            seen["size"] = next((v for k, v in headers if k.lower() == "content-length"), "-")
            return start_response(status, headers, exc_info)

        result = self.app(environ, recording_start_response)
        return Closing(result, lambda: self._log(environ, seen, started))

    def _log(self, environ, seen: dict[str, str], started: float) -> None:
        path = environ.get("PATH_INFO", "")
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        if len(path) > 300:
            path = path[:300] + "…"
        when = time.strftime("%d/%b/%Y:%H:%M:%S %z")
        line = (f'{environ.get("REMOTE_ADDR", "-")} - - [{when}] '
                f'"{environ.get("REQUEST_METHOD")} {path} {environ.get("SERVER_PROTOCOL")}" '
                f'{seen.get("status", "-")} {seen.get("size", "-")} '
                f"{(time.perf_counter() - started) * 1000:.1f}ms\n")
        try:
            self.stream.write(line)
            self.stream.flush()
        except (OSError, ValueError):
            pass


def parse_size(value: str) -> int:
    """A size in bytes from '512M', '2G', '64k' or a plain number of bytes (0: no limit)."""
    text = value.strip().upper().removesuffix("B").removesuffix("I")
    factor = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    number = text[:-1] if factor > 1 else text
    try:
        size = int(float(number) * factor)
    except ValueError:
        raise click.BadParameter(f"not a size: {value!r} (e.g. 512M, 2G)") from None
    if size < 0:
        raise click.BadParameter(f"not a size: {value!r}")
    return size


class _Size(click.ParamType):
    name = "SIZE"

    def convert(self, value, param, ctx):
        return value if isinstance(value, int) else parse_size(str(value))


SIZE = _Size()
RESERVE_THREADS = 4  # server threads beyond the page and SPARQL slots: /health, 429s and 503s


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.001),
              help="Seconds a SPARQL query may run before it is stopped (504).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(min=1),
              help="Page requests answered at once (more threads are started for /sparql and "
                   "/health).")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="SPARQL query worker processes [default: --threads, at most 4].")
@click.option("--express-workers", default=2, show_default=True, type=click.IntRange(min=0),
              help="More query workers, used only while every other one is busy; a query run "
                   "there may take at most --express-timeout.")
@click.option("--express-timeout", default=1.0, show_default=True,
              type=click.FloatRange(min=0.001),
              help="Seconds a query may run in an express worker (then 503).")
@click.option("--queue", default=None, type=click.IntRange(min=0),
              help="SPARQL requests that may wait for a worker; more get 503 "
                   "[default: twice the workers].")
@click.option("--worker-memory", default="384M", show_default=True, type=SIZE,
              help="Memory a query worker may grow by during one query (the query is stopped: "
                   "507; the worker is replaced). 0: no limit.")
@click.option("--max-rows", default=100_000, show_default=True, type=click.IntRange(min=1),
              help="Most solutions or triples a SPARQL response gives (then truncated).")
@click.option("--max-result-size", default="64M", show_default=True, type=SIZE,
              help="Most bytes a SPARQL response body has (then truncated).")
@click.option("--client-limit", default=16, show_default=True, type=click.IntRange(min=0),
              help="Requests one client (remote address) may have in progress at once; more "
                   "get 429. 0: no limit.")
@click.option("--page-timeout", default=10.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds of work a page may take (then 503). 0: no limit.")
@click.option("--allow-service", "allow_service", multiple=True, metavar="URL",
              help="A SPARQL endpoint queries may call with SERVICE (repeatable; written as "
                   "this absolute IRI). Query workers then keep network access.")
@click.option("--no-sandbox", is_flag=True,
              help="Let query workers use the network (for diagnosis; SERVICE is still "
                   "refused by the query policy).")
@click.option("--data", "data", multiple=True, metavar="FILE[=GRAPH]",
              help="Serve only this RDF file (repeatable), into named graph GRAPH or the "
                   "default graph; the default graph is then not the union of all graphs.")
@click.option("--ttl-dir", type=click.Path(path_type=Path, file_okay=False), default=TTL_DIR,
              show_default=True, help="Built Turtle to serve (without --data).")
@click.option("--store-dir", type=click.Path(path_type=Path, file_okay=False),
              default=STORE_DIR, show_default=True, help="Where the on-disk store is kept.")
@click.option("--on-disk/--in-memory", default=None,
              help="Query the RocksDB store in --store-dir (less memory, slower queries), or a "
                   "copy of it in memory [default: in memory unless the store's N-Quads are "
                   "over 4 GiB, about 9 million quads].")
@click.option("--backend", default=None, metavar="URL",
              help="Serve from this SPARQL 1.1 Protocol query endpoint instead of a local "
                   "store (credentials from CTIPGRAPH_REMOTE_USER/CTIPGRAPH_REMOTE_PASSWORD).")
@click.option("--backend-graph", default=None, metavar="IRI",
              help="With --backend: the graph holding the merge of all graphs, sent as the "
                   "default graph [default: the one `ctipgraph publish` writes]; '' when the "
                   "server's own default graph is the merge (a ctipgraph server).")
@click.option("--base-url", default=None, callback=_base_url, metavar="URL",
              help="The site's public base URL, for absolute links (default: this server's "
                   "own, http://HOST:PORT/, with localhost for a wildcard HOST).")
@click.option("--quiet", "-q", is_flag=True, help="No access log.")
def serve_command(host: str, port: int, timeout: float, threads: int, workers: int | None,
                  express_workers: int, express_timeout: float, queue: int | None,
                  worker_memory: int, max_rows: int, max_result_size: int, client_limit: int,
                  page_timeout: float, allow_service: tuple[str, ...], no_sandbox: bool,
                  data: tuple[str, ...], ttl_dir: Path, store_dir: Path, on_disk: bool | None,
                  backend: str | None, backend_graph: str | None, base_url: str | None,
                  quiet: bool) -> None:
    """Serve the graph: SPARQL endpoint, downloads and browse pages, with waitress."""
    import waitress

    from ..serve.app import create_app

    for url in allow_service:
        if not url.startswith(("http://", "https://")):
            raise click.BadParameter(f"not an http(s) URL: {url!r}", param_hint="--allow-service")
    problem = listen_problem(host, port)  # before a minute of loading the store
    if problem:
        _fail(problem)
    if backend is not None and data:
        raise click.UsageError("--backend and --data cannot be used together")
    if backend is None and backend_graph is not None:
        raise click.UsageError("--backend-graph needs --backend")
    if backend is not None:
        store = backend_store_or_exit(backend, backend_graph, timeout)
    elif data:
        store = data_store_or_exit(data)
        click.echo(f"serving {len(data)} file(s): {len(store)} triples", err=True)
    else:
        store = project_store_or_exit(ttl_dir, store_dir,
                                      in_memory=None if on_disk is None else not on_disk)
    workers = workers or min(threads, 4)
    sparql_slots = workers + express_workers + (2 * workers if queue is None else queue)
    app = create_app(store, {
        "QUERY_TIMEOUT": timeout, "MAX_RESULT_ROWS": max_rows, "QUERY_WORKERS": workers,
        "EXPRESS_WORKERS": express_workers, "EXPRESS_TIMEOUT": express_timeout,
        "WORKER_MEMORY": worker_memory or None, "MAX_RESULT_BYTES": max_result_size or 1 << 62,
        "ALLOW_SERVICE": allow_service, "SANDBOX": not no_sandbox,
        "CLIENT_LIMIT": client_limit, "SPARQL_SLOTS": sparql_slots, "PAGE_SLOTS": threads,
        "PAGE_TIMEOUT": page_timeout or None, "BASE_URL": base_url,
        **({"SANDBOX": False, "SANDBOX_REASON": "--backend: the query workers send the checked "
            "queries to the SPARQL server"} if backend is not None else {})})

    def stop(*_) -> None:
        """Stop the query workers first: requests waiting on them end at once, so the server's
        threads are free to shut down."""
        pool = app.extensions.get("ctipgraph.pool")
        if pool is not None:
            pool.close()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    wsgi = app.wsgi_app if quiet else AccessLog(app.wsgi_app)
    app.wsgi_app = wsgi
    try:
        server = waitress.create_server(app, host=host, port=port,
                                        threads=threads + 2 * sparql_slots + RESERVE_THREADS,
                                        ident="ctipgraph", max_request_body_size=16 * 1024 * 1024)
    except OSError as error:  # taken meanwhile: the same one line
        pool = app.extensions.get("ctipgraph.pool")
        if pool is not None:
            pool.close()
        _fail(bind_error_message(error, host, port))
    if base_url is None:  # the address the server is reached at (the port it was given)
        from ..serve.security import local_base_url

        app.config["BASE_URL"] = local_base_url(host, server.effective_port)
    sandbox = app.extensions["ctipgraph.pool"].confinement["egress"] \
        if "ctipgraph.pool" in app.extensions else "allowed"
    click.echo(f"ctipgraph serving on http://{host}:{server.effective_port}/ "
               f"(SPARQL: /sparql, timeout {timeout:g} s, {threads} threads, {workers}+"
               f"{express_workers} query workers, worker network {sandbox})", err=True)
    threading.Thread(target=warm_caches, args=(app,), name="warm-up", daemon=True).start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
