"""A client of the SPARQL 1.1 Graph Store HTTP Protocol (indirect graph identification:
`ENDPOINT?graph=IRI`): read, replace and delete one named graph.

Endpoints: Virtuoso `http://host:8890/sparql-graph-crud` (or `-auth`, HTTP Digest), Fuseki
`http://host:3030/DATASET/data`. Requests go through `ctipgraph.remote.http` (auth from the
environment, RemoteError on failure).
"""

from __future__ import annotations

import urllib.parse
from typing import BinaryIO

from . import http

N_TRIPLES = "application/n-triples"


class GraphStoreClient:
    """One Graph Store endpoint."""

    def __init__(self, endpoint: str, *, timeout: float = 600.0,
                 auth: tuple[str, str] | None = None) -> None:
        http.check_url(endpoint)  # ValueError on a bad URL
        self.endpoint = endpoint
        self.timeout = timeout
        self._opener = http.opener(endpoint, auth)

    def graph_url(self, graph: str) -> str:
        """The URL of one named graph: the endpoint with `graph=IRI` added to its query."""
        separator = "&" if urllib.parse.urlsplit(self.endpoint).query else "?"
        return f"{self.endpoint}{separator}{urllib.parse.urlencode({'graph': graph})}"

    def _send(self, method: str, graph: str, **options) -> http.Response:
        return http.request(method, self.graph_url(graph), timeout=self.timeout,
                            via=self._opener, **options)

    def get(self, graph: str) -> bytes | None:
        """The graph as N-Triples, None when the server has no such graph (404)."""
        try:
            return self._send("GET", graph, headers={"Accept": N_TRIPLES}).body
        except http.RemoteError as error:
            if error.status == 404:
                return None
            raise

    def put(self, graph: str, body: bytes | BinaryIO) -> None:
        """Replace the graph by `body` (N-Triples, UTF-8), in one request."""
        self._send("PUT", graph, body=body,
                   headers={"Content-Type": f"{N_TRIPLES}; charset=utf-8"})

    def delete(self, graph: str) -> bool:
        """Delete the graph; False when the server had no such graph (404)."""
        try:
            self._send("DELETE", graph)
        except http.RemoteError as error:
            if error.status == 404:
                return False
            raise
        return True
