"""`ctipgraph serve`: the web application (SPARQL endpoint, downloads, browse view) on waitress."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import click

from ..paths import TTL_DIR
from ..store import STORE_DIR, GraphStore


def project_store_or_exit(ttl_dir: Path = TTL_DIR, store_dir: Path = STORE_DIR, *,
                          inferences: bool = True, in_memory: bool = True) -> GraphStore:
    """Open (building if needed) the project store, or explain how to get data and exit 1."""
    if not any(ttl_dir.glob("*.ttl")):
        click.echo(f"error: no built graph in {ttl_dir}/ (no .ttl files). Run `ctipgraph build` "
                   "first (`make run` builds it for you).", err=True)
        sys.exit(1)

    def progress(line: str) -> None:
        click.echo(line, err=True)

    started = time.perf_counter()
    store = GraphStore.open_project(ttl_dir, store_dir, inferences=inferences,
                                    in_memory=in_memory, progress=progress)
    click.echo(f"store {store_dir}: {len(store)} triples in {len(store.graphs())} graphs "
               f"({time.perf_counter() - started:.1f} s)", err=True)
    return store


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
        return _Logged(result, lambda: self._log(environ, seen, started))

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


class _Logged:
    """A WSGI response iterable that calls `done` when the server closes it."""

    def __init__(self, result, done) -> None:
        self._result = result
        self._done = done

    def __iter__(self):
        return iter(self._result)

    def close(self) -> None:
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            self._done()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.001),
              help="Seconds a SPARQL query may run before it is stopped (504).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(min=1),
              help="Request threads (and SPARQL query worker processes).")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="SPARQL query worker processes (default: as many as threads).")
@click.option("--max-rows", default=100_000, show_default=True, type=click.IntRange(min=1),
              help="Most solutions or triples a SPARQL response gives (then truncated).")
@click.option("--data", "data", multiple=True, metavar="FILE[=GRAPH]",
              help="Serve only this RDF file (repeatable), into named graph GRAPH or the "
                   "default graph; the default graph is then not the union of all graphs.")
@click.option("--ttl-dir", type=click.Path(path_type=Path, file_okay=False), default=TTL_DIR,
              show_default=True, help="Built Turtle to serve (without --data).")
@click.option("--store-dir", type=click.Path(path_type=Path, file_okay=False),
              default=STORE_DIR, show_default=True, help="Where the on-disk store is kept.")
@click.option("--on-disk", is_flag=True,
              help="Query the RocksDB store in --store-dir instead of a copy in memory (less "
                   "memory, slower queries).")
@click.option("--quiet", "-q", is_flag=True, help="No access log.")
def serve_command(host: str, port: int, timeout: float, threads: int, workers: int | None,
                  max_rows: int, data: tuple[str, ...], ttl_dir: Path, store_dir: Path,
                  on_disk: bool, quiet: bool) -> None:
    """Serve the graph: SPARQL endpoint, downloads and browse pages, with waitress."""
    import waitress

    from ..serve.app import create_app

    if data:
        files = parse_data_option(data)
        store = GraphStore.from_files(files)
        click.echo(f"serving {len(files)} file(s): {len(store)} triples", err=True)
    else:
        store = project_store_or_exit(ttl_dir, store_dir, in_memory=not on_disk)
    app = create_app(store, {"QUERY_TIMEOUT": timeout, "MAX_RESULT_ROWS": max_rows,
                             "QUERY_WORKERS": workers or threads})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    wsgi = app.wsgi_app if quiet else AccessLog(app.wsgi_app)
    app.wsgi_app = wsgi
    server = waitress.create_server(app, host=host, port=port, threads=threads,
                                    ident="ctipgraph", max_request_body_size=16 * 1024 * 1024)
    click.echo(f"ctipgraph serving on http://{host}:{server.effective_port}/ "
               f"(SPARQL: /sparql, timeout {timeout:g} s, {threads} threads)", err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
