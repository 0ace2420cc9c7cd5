"""The Flask application factory. Views live in blueprints, one module each, over a GraphStore."""

from __future__ import annotations

import importlib

from flask import Flask, Response, current_app, jsonify

from ..remote.sparql import BackendError
from ..store import GraphStore

#: blueprint modules of ctipgraph.serve, registered in this order. Each module defines `bp` (a
#: flask.Blueprint) and may define `init_app(app)`, called once after registration.
BLUEPRINTS: tuple[str, ...] = ("security", "sparql", "data", "pages", "browse", "search",
                              "trace_views", "reader", "evidence_views", "charts", "limits")


def create_app(store: GraphStore, config: dict | None = None) -> Flask:
    """A Flask app serving `store`; blueprints are registered here."""
    app = Flask(__name__)
    app.config.update(
        QUERY_TIMEOUT=30.0,  # seconds per SPARQL query (the worker is killed after that)
        MAX_QUERY_LENGTH=100_000,  # characters
        MAX_RESULT_ROWS=100_000,  # solutions or triples per SPARQL response (then truncated)
        QUERY_WORKERS=4,  # pre-forked query worker processes; 0: run queries in-process
        DUMP_DIR=None,  # where dumps are cached (default: <store>/dumps or a temporary folder)
        SOURCES_DIR=None,  # the source documents (PDFs) behind ctip:sourceFile (data/sources/)
        PAGE_CACHE_DIR=None,  # rendered PDF pages (default: <store>/pages or a temporary folder)
        BASE_URL=None,  # base URL of absolute links (None: http://localhost/; serve: its own)
    )
    app.config.update(config or {})
    app.extensions["ctipgraph.store"] = store
    _register(app)
    app.register_error_handler(BackendError, _backend_error)

    @app.get("/health")
    def health():
        """200 once the store is open (it is, before the app exists): its size, and what
        modules report (app.extensions["ctipgraph.health"]: query workers, sandbox, limits)."""
        info = {"status": "ok", "triples": len(store), "graphs": len(store.graphs())}
        backend = getattr(store, "backend", None)  # serve --backend: which SPARQL server
        if backend is not None:
            info["backend"] = backend
        for report in app.extensions.get("ctipgraph.health", ()):
            info.update(report())
        return jsonify(info)

    return app


def _backend_error(error: BackendError) -> Response:
    """A page whose SPARQL server (serve --backend) failed: its status and message, as text."""
    return Response(f"{error.description}\n", status=error.code, mimetype="text/plain")


def _register(app: Flask) -> None:
    """Import and register every module listed in BLUEPRINTS."""
    for name in BLUEPRINTS:
        module = importlib.import_module(f"{__package__}.{name}")
        app.register_blueprint(module.bp)
        init = getattr(module, "init_app", None)
        if init is not None:
            init(app)


def get_store() -> GraphStore:
    """The store of the running app (for views)."""
    return current_app.extensions["ctipgraph.store"]
