"""A WSGI response wrapper that says when the response is over (for middlewares that count or
log requests)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator


class Closing:
    """A WSGI response iterable that calls `done` once: when its body has been read to the end
    or when the server closes it, whichever comes first."""

    def __init__(self, result: Iterable[bytes], done: Callable[[], None]) -> None:
        self._result = result
        self._done: Callable[[], None] | None = done

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._result
        finally:
            self._finish()

    def close(self) -> None:
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            self._finish()

    def _finish(self) -> None:
        done, self._done = self._done, None
        if done is not None:
            done()
