"""Limits on every request, so that no client and no kind of request can take the whole server.

A WSGI middleware in front of the Flask app (installed by `init_app`):

- per client (the remote address), at most `CLIENT_LIMIT` requests at once; more get 429 with
  Retry-After;
- at most `SPARQL_SLOTS` /sparql requests at once (running or waiting for a query worker) and at
  most `PAGE_SLOTS` other requests; more get 503 with Retry-After. Clients none of whose
  queries ran long lately (scheduler: not penalised) may use as many /sparql slots again, so
  that a crowd of runaway queries cannot lock them out. `ctipgraph serve` starts more server
  threads than all of these together, so /health (exempt from every limit) and these refusals
  always find a free thread;
- every request other than /sparql gets a time budget of `PAGE_TIMEOUT` seconds
  (ctipgraph.budget): no store query starts after it, the page is answered 503 instead.

0 (or None) turns a limit off; an app made by `create_app` has none unless its config sets
them, `ctipgraph serve` sets them all (its options).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable

from flask import Blueprint, Flask, Response

from .. import budget
from ..budget import BudgetExceeded
from .closing import Closing
from .security import SECURITY_HEADERS

bp = Blueprint("limits", __name__)

EXEMPT = frozenset({"/health"})
SPARQL_PATHS = frozenset({"/sparql", "/sparql/"})
DEFAULTS = {
    "CLIENT_LIMIT": 0,  # concurrent requests per remote address (0: no limit)
    "SPARQL_SLOTS": 0,  # concurrent /sparql requests (0: no limit)
    "PAGE_SLOTS": 0,  # concurrent other requests (0: no limit)
    "PAGE_TIMEOUT": None,  # seconds of work per page request (0/None: no budget)
    "RETRY_AFTER": 2,  # seconds, in 429 and 503 answers
}


def init_app(app: Flask) -> None:
    """Put the limits in front of the app, answer spent budgets, report on /health."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    limits = Limits(app.wsgi_app, app.config)
    pool = app.extensions.get("ctipgraph.pool")
    if pool is not None:
        limits.trusted = pool.scheduler.is_trusted
    app.wsgi_app = limits  # type: ignore[method-assign]
    app.extensions["ctipgraph.limits"] = limits
    app.extensions.setdefault("ctipgraph.health", []).append(lambda: {"limits": limits.status()})
    app.register_error_handler(BudgetExceeded, _budget_exceeded)


def _budget_exceeded(error: BudgetExceeded) -> Response:
    response = Response(error.description + "\n", status=503, mimetype="text/plain")
    response.headers["Retry-After"] = "5"
    return response


class Limits:
    """The WSGI middleware; counts are kept per client and per kind of request."""

    def __init__(self, app: Callable, config: dict) -> None:
        self.app = app
        self.config = config
        self._lock = threading.Lock()
        self._clients: Counter[str] = Counter()
        self._kinds: Counter[str] = Counter()
        self.refused: Counter[int] = Counter()  # 429 and 503 answers given
        #: whether a client may use the reserve of /sparql slots (set by the query pool)
        self.trusted: Callable[[str], bool] = lambda client: False

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path in EXEMPT:
            return self.app(environ, start_response)
        client = environ.get("REMOTE_ADDR") or "-"
        kind = "sparql" if path in SPARQL_PATHS else "page"
        refusal = self._enter(client, kind)
        if refusal is not None:
            return self._refuse(start_response, *refusal)
        timeout = self.config.get("PAGE_TIMEOUT") if kind == "page" else None
        budget.start(float(timeout) if timeout else None)
        try:
            result = self.app(environ, start_response)
        except BaseException:
            self._leave(client, kind)
            raise
        finally:
            budget.stop()
        return Closing(result, lambda: self._leave(client, kind))

    def _enter(self, client: str, kind: str) -> tuple[int, str] | None:
        per_client = int(self.config.get("CLIENT_LIMIT") or 0)
        slots = int(self.config.get("SPARQL_SLOTS" if kind == "sparql" else "PAGE_SLOTS") or 0)
        if slots and kind == "sparql" and self._kinds[kind] >= slots and self.trusted(client):
            slots *= 2
        with self._lock:
            if per_client and self._clients[client] >= per_client:
                return 429, (f"Too many requests at once from {client}: at most {per_client} "
                             "at a time. Wait for an answer before sending more.")
            if slots and self._kinds[kind] >= slots:
                what = "SPARQL queries" if kind == "sparql" else "page requests"
                return 503, (f"The server is busy: {slots} {what} are already being "
                             "answered. Try again shortly.")
            self._clients[client] += 1
            self._kinds[kind] += 1
        return None

    def _leave(self, client: str, kind: str) -> None:
        with self._lock:
            self._clients[client] -= 1
            if self._clients[client] <= 0:
                del self._clients[client]
            self._kinds[kind] -= 1

    def _refuse(self, start_response: Callable, status: int, message: str) -> list[bytes]:
        with self._lock:
            self.refused[status] += 1
        body = (message + "\n").encode()
        reason = "Too Many Requests" if status == 429 else "Service Unavailable"
        start_response(f"{status} {reason}", [
            ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
            ("Retry-After", str(self.config.get("RETRY_AFTER") or 2)),
            ("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers",
                                                    "Retry-After"),
            *SECURITY_HEADERS.items()])
        return [body]

    def status(self) -> dict[str, object]:
        with self._lock:
            return {"client_limit": self.config.get("CLIENT_LIMIT"),
                    "sparql_slots": self.config.get("SPARQL_SLOTS"),
                    "page_slots": self.config.get("PAGE_SLOTS"),
                    "page_timeout": self.config.get("PAGE_TIMEOUT"),
                    "in_flight": dict(self._kinds), "clients": len(self._clients),
                    "refused": {str(k): v for k, v in sorted(self.refused.items())}}
