"""The build's worker processes: they die with their parent, and each task has a time limit.

* A worker asks the kernel for SIGKILL when its parent dies (Linux prctl PR_SET_PDEATHSIG, set
  in the pool's initializer): a build killed with kill -9 leaves no worker behind. Workers
  ignore SIGINT; the parent kills them when it stops on an exception (Ctrl-C, an error, a task
  that would not stop).
* `time_limit(seconds)` raises `OverTime` in the code it guards once it has used `seconds` of
  CPU time (an ITIMER_PROF timer and its SIGPROF, which also interrupt a long regular-expression
  match). CPU time, not the clock: whether a document is built does not depend on what else
  the machine runs. OverTime is a BaseException, so a task's own `except Exception` does not
  swallow it. `in_order` is the backstop for code that never returns to Python or waits
  without using CPU: when no task finishes for `hard_limit(seconds)` (clock), the pool is
  killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")

_PR_SET_PDEATHSIG = 1


class OverTime(BaseException):  # noqa: N818 — not an error of the code it interrupts
    """A task ran over its time limit (raised by `time_limit`)."""


class Stuck(RuntimeError):
    """No task finished within the hard limit: a worker did not stop at its time limit."""


def _die_with_parent(parent: int) -> None:
    """Pool initializer: SIGKILL this worker when its parent dies; leave Ctrl-C to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError, TypeError):  # not Linux: the parent's kill_workers only
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker processes now (running tasks are lost) and shut it down."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
            process.join(timeout=5)


@contextlib.contextmanager
def worker_pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers die with this process; on any exception (KeyboardInterrupt
    and SystemExit included) the workers are killed rather than waited for."""
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_die_with_parent,
                               initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        kill_workers(pool)
        raise
    pool.shutdown(wait=True)


def _over_time(signum: int, frame: object) -> None:
    raise OverTime


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise OverTime in the guarded code once this process has used `seconds` of CPU time
    (again every CPU second if it is caught and ignored). No limit when `seconds` is None or 0,
    outside the main thread (where signals cannot be handled) or without setitimer."""
    if (not seconds or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    previous = signal.signal(signal.SIGPROF, _over_time)
    signal.setitimer(signal.ITIMER_PROF, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def hard_limit(seconds: float | None) -> float | None:
    """How long (clock) the parent waits for any task to finish before it kills the pool:
    generous, as a loaded machine gives a task less than a CPU second per second."""
    return None if not seconds else 3 * seconds + 60


def in_order(futures: Sequence[Future[T]], hard: float | None) -> Iterator[T]:
    """The futures' results in order, as they come. Raises Stuck (listing the indexes of the
    unfinished tasks) when no task finished for `hard` seconds."""
    for future in futures:
        while not future.done():
            pending = [f for f in futures if not f.done()]
            done, _ = wait(pending, timeout=hard, return_when=FIRST_COMPLETED)
            if not done:
                raise Stuck([i for i, f in enumerate(futures) if not f.done()])
        yield future.result()
