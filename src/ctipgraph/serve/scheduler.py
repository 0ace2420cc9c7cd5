"""Who gets the next free query worker: fair scheduling between clients.

Workers come in two lanes. *Regular* workers run any query up to the full time limit. *Express*
workers are used only when every regular worker is busy, and stop a query after a short limit,
so that a few runaway queries cannot keep every other query waiting for the full limit.

Waiting requests are served in order of (penalised, not known, recent usage, arrival):

- a client is *penalised* for `penalty` seconds after one of its queries ran longer than the
  express limit (or while one does) or had to be stopped (time, memory), and for as long as it
  keeps asking: it may still use regular workers, never the express lane;
- a client is *known* for a while after one of its queries finished within the express limit:
  known clients go before clients not seen yet (which may be new runaways);
- *usage* is the worker time a client used recently (decaying by half every `half_life`
  seconds, running queries included): a client that has been using little goes first.

A client is whatever the caller says (the endpoint uses the remote address).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

REGULAR = "regular"
EXPRESS = "express"
MAX_CLIENTS = 10_000  # clients remembered (usage, penalties); the least active are forgotten

W = TypeVar("W")


class PoolBusy(Exception):
    """No worker became free in time."""


@dataclass
class Lease(Generic[W]):
    """A worker handed to one request."""

    worker: W
    lane: str
    client: str
    started: float
    known: bool = False  # the client was known when it got the worker


@dataclass
class _Waiter:
    client: str
    seq: int
    event: threading.Event = field(default_factory=threading.Event)
    lease: Lease | None = None


class Scheduler(Generic[W]):
    """Idle workers per lane, waiting requests, and per-client usage (thread-safe)."""

    def __init__(self, *, express_limit: float = 1.0, penalty: float = 60.0,
                 half_life: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.express_limit = express_limit
        self.penalty = penalty
        self.half_life = half_life
        self.clock = clock
        self._lock = threading.Lock()
        self._idle: dict[str, list[W]] = {REGULAR: [], EXPRESS: []}
        self._waiting: list[_Waiter] = []
        self._running: list[Lease[W]] = []
        self._usage: dict[str, tuple[float, float]] = {}  # client → (seconds, as of)
        self._penalised: dict[str, float] = {}  # client → until
        self._known: dict[str, float] = {}  # client → until
        self._seq = itertools.count()
        self._closed = False

    # -- workers ------------------------------------------------------------------------------

    def add(self, worker: W, lane: str = REGULAR) -> None:
        """A worker ready for work (new, or back from a request)."""
        with self._lock:
            self._idle[lane].append(worker)
            self._dispatch()

    def acquire(self, client: str, wait: float) -> Lease[W]:
        """A worker for `client`, waiting up to `wait` seconds for one; else PoolBusy."""
        with self._lock:
            if self._closed:
                raise PoolBusy
            now = self.clock()
            if self._penalised.get(client, 0.0) > now:
                self._penalised[client] = now + self.penalty  # still at it
            waiter = _Waiter(client, next(self._seq))
            self._waiting.append(waiter)
            self._dispatch()
        waiter.event.wait(max(0.0, wait))
        with self._lock:
            if waiter.lease is None:
                self._waiting.remove(waiter)
                raise PoolBusy
            return waiter.lease

    def release(self, lease: Lease[W], *, back: bool = True, stopped: bool = False) -> None:
        """A request is done with its worker (`back`: the worker can run another query;
        `stopped`: its query was stopped for overrunning a limit)."""
        now = self.clock()
        with self._lock:
            self._running.remove(lease)
            elapsed = now - lease.started
            self._add_usage(lease.client, elapsed, now)
            if elapsed > self.express_limit or stopped:
                self._penalised[lease.client] = now + self.penalty
            else:
                self._known[lease.client] = now + self.penalty
            if back:
                self._idle[lease.lane].append(lease.worker)
            self._dispatch()

    def close(self) -> None:
        """No more work: every waiting request gets PoolBusy now."""
        with self._lock:
            self._closed = True
            for waiter in self._waiting:
                waiter.event.set()

    # -- state --------------------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        with self._lock:
            busy = {lane: sum(1 for lease in self._running if lease.lane == lane)
                    for lane in (REGULAR, EXPRESS)}
            return {"busy": busy[REGULAR], "express_busy": busy[EXPRESS],
                    "idle": len(self._idle[REGULAR]), "express_idle": len(self._idle[EXPRESS]),
                    "waiting": len(self._waiting)}

    def usage(self, client: str) -> float:
        with self._lock:
            return self._usage_of(client, self.clock())

    def is_trusted(self, client: str) -> bool:
        """Not penalised: none of its queries ran long lately."""
        with self._lock:
            return not self._is_penalised(client, self.clock())

    def is_penalised(self, client: str) -> bool:
        with self._lock:
            return self._is_penalised(client, self.clock())

    # -- inside the lock ----------------------------------------------------------------------

    def _dispatch(self) -> None:
        """Hand idle workers to the best waiting requests."""
        now = self.clock()
        while self._waiting:
            if self._idle[REGULAR]:
                lane, candidates = REGULAR, self._waiting
            elif self._idle[EXPRESS]:
                lane = EXPRESS
                candidates = [w for w in self._waiting if not self._is_penalised(w.client, now)]
            else:
                return
            if not candidates:
                return
            waiter = min(candidates, key=lambda w: (self._is_penalised(w.client, now),
                                                    self._known.get(w.client, 0.0) <= now,
                                                    self._usage_of(w.client, now), w.seq))
            self._waiting.remove(waiter)
            waiter.lease = Lease(self._idle[lane].pop(), lane, waiter.client, now,
                                 self._known.get(waiter.client, 0.0) > now)
            self._running.append(waiter.lease)
            waiter.event.set()

    def _is_penalised(self, client: str, now: float) -> bool:
        if self._penalised.get(client, 0.0) > now:
            return True
        return any(lease.client == client and now - lease.started > self.express_limit
                   for lease in self._running)

    def _usage_of(self, client: str, now: float) -> float:
        seconds, since = self._usage.get(client, (0.0, now))
        decayed = seconds * 0.5 ** ((now - since) / self.half_life)
        return decayed + sum(now - lease.started for lease in self._running
                             if lease.client == client)

    def _add_usage(self, client: str, seconds: float, now: float) -> None:
        past, since = self._usage.get(client, (0.0, now))
        self._usage[client] = (past * 0.5 ** ((now - since) / self.half_life) + seconds, now)
        if len(self._usage) > MAX_CLIENTS:
            self._forget(now)

    def _forget(self, now: float) -> None:
        """Drop the clients with the least recent usage and no penalty (bounded memory)."""
        self._penalised = {c: t for c, t in self._penalised.items() if t > now}
        self._known = {c: t for c, t in self._known.items() if t > now}
        ranked = sorted(self._usage, key=lambda c: self._usage_of(c, now))
        for client in ranked[: len(ranked) - MAX_CLIENTS // 2]:
            if client not in self._penalised:
                del self._usage[client]
