"""A small HTTP client for the limit tests: each request from a chosen loopback address (Linux
routes all of 127.0.0.0/8 to the loopback interface), so that one test can be many clients."""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def fetch(base: str, path: str, *, source: str = "127.0.0.1", method: str = "GET",
          body: bytes | None = None, headers: dict[str, str] | None = None,
          timeout: float = 60.0) -> Answer:
    """One request to `base` + `path` from the address `source`."""
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout,
                                      source_address=(source, 0))
    started = time.monotonic()
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data,
                      time.monotonic() - started)
    finally:
        conn.close()


def sparql(base: str, query: str, **kwargs) -> Answer:
    """A query by POST (application/sparql-query)."""
    return fetch(base, "/sparql", method="POST", body=query.encode(),
                 headers={"Content-Type": "application/sparql-query"}, **kwargs)


def get_query(query: str) -> str:
    return "/sparql?" + urlencode({"query": query})
