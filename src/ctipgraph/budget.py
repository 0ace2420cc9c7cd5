"""A time budget for the work of one web request, checked before each store query.

A page runs its SPARQL queries in the web process, where a query cannot be interrupted; what can
be done is not to start another one once the request's time is up. `serve.limits` opens a
budget for every page request (`start`), `GraphStore.query` calls `check()`, which raises
`BudgetExceeded` (an HTTP 503) once the deadline has passed. Outside a request (the command
line, tests) there is no budget and `check()` does nothing.
"""

from __future__ import annotations

import threading
import time

from werkzeug.exceptions import HTTPException

_local = threading.local()


class BudgetExceeded(HTTPException):
    """The request ran out of its time budget (answered 503 with Retry-After)."""

    code = 503

    def __init__(self, seconds: float) -> None:
        super().__init__(f"This page took longer than its time budget of {seconds:g} s and was "
                         "stopped. Ask for less (a smaller per_page, a narrower query) or try "
                         "again later.")
        self.seconds = seconds


def start(seconds: float | None) -> None:
    """Open a budget of `seconds` for the current thread's request (None: no budget)."""
    _local.deadline = None if seconds is None else time.monotonic() + seconds
    _local.seconds = seconds


def stop() -> None:
    """Close the current thread's budget."""
    _local.deadline = None


def remaining() -> float | None:
    """Seconds left in the current budget (None: no budget)."""
    deadline = getattr(_local, "deadline", None)
    return None if deadline is None else deadline - time.monotonic()


def check() -> None:
    """Raise BudgetExceeded when the current request's budget is spent."""
    left = remaining()
    if left is not None and left <= 0:
        raise exceeded()


def exceeded() -> BudgetExceeded:
    """The error of the current request's budget, spent (a query bounded by the time left has
    run out of it: a SPARQL server's, `serve --backend`)."""
    return BudgetExceeded(getattr(_local, "seconds", None) or 0)
