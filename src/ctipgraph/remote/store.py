"""The graph served from an existing SPARQL server (`ctipgraph serve --backend URL`).

`RemoteGraphStore` stands where the app uses a `GraphStore`; its `store` is a `RemoteDataset`,
which answers the part of `pyoxigraph.Store` the app uses (`query`, `quads_for_pattern` of a
graph, `named_graphs`, `len`) by SPARQL 1.1 Protocol requests (remote.sparql), with pyoxigraph
objects, so the pages, the downloads and the query workers run unchanged.

The dataset the app's queries see is the project store's:
- the default graph is the merge of all graphs. On a server loaded by `ctipgraph publish` that
  is the graph MERGED_GRAPH, sent as `default-graph-uri` (`--backend-graph IRI` names another);
  a server whose own default graph is already the merge (a ctipgraph server) is used as it is
  (`--backend-graph ''`: no dataset is sent);
- the named graphs are the project's graphs (one per document, ontology, lexicon, inferences):
  with a merged graph, they are sent as `named-graph-uri` to queries that can use them (their
  text holds the word GRAPH), so `GRAPH ?g` ranges over exactly those graphs and never over
  the merge, the manifest or a server's own graphs.
A query that names its own dataset (FROM, or the protocol's graph parameters) is sent with it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from .. import budget
from ..store import GraphStore
from . import MANIFEST_GRAPH, MERGED_GRAPH
from .sparql import BackendError, SparqlClient

#: the namespace of every graph `ctipgraph publish` writes
PROJECT_GRAPHS = "https://w3id.org/ctipgraph/"
START_TIMEOUT = 15.0  # seconds each start-up question to the server may take
#: triples asked for in one request when a whole graph is read (the downloads): below the row
#: limit servers put on one answer (ctipgraph's --max-rows 100,000; Virtuoso's ResultSetMaxRows).
#: A server that cuts a page anyway is asked for half as much, from then on.
PAGE_TRIPLES = 50_000


class BackendSetupError(ValueError):
    """A server ctipgraph cannot serve from (no merged graph, …): the message says what to do."""


def _iri(value: str) -> str:
    return str(ox.NamedNode(value))


class RemoteDataset:
    """The pyoxigraph.Store methods the app uses, answered by a SPARQL server (module doc)."""

    def __init__(self, client: SparqlClient, graph: str | None, named: list[str],
                 size: int, page: int = PAGE_TRIPLES) -> None:
        self.client = client
        #: triples per request when a whole graph is read (see PAGE_TRIPLES)
        self.page = page
        #: the graph sent as the default graph (None: the server's own default graph)
        self.graph = graph
        #: the project's named graphs on the server
        self.named = named
        self.size = size

    def query(self, query: str, *, base_iri: str | None = None,
              prefixes: dict[str, str] | None = None,
              default_graph: list | None = None, named_graphs: list | None = None,
              use_default_graph_as_union: bool = False, has_dataset: bool = False,
              strict: bool = True, timeout: float | None = None, max_bytes: int | None = None):
        """As `pyoxigraph.Store.query` (results: RemoteSolutions, RemoteTriples or
        QueryBoolean). `has_dataset`: the query has FROM clauses of its own; `strict`: an
        incomplete answer is an error, not a truncated result; `timeout`: default the client's,
        or the time left of the request's budget when that is less (and then running out of it
        is the page's BudgetExceeded, a 503, as with the local store)."""
        del use_default_graph_as_union  # the default graph is always the merge
        if default_graph is not None or named_graphs is not None:
            defaults = [_value(g) for g in default_graph or []]
            named = [_value(g) for g in named_graphs or []] if named_graphs else None
        elif has_dataset or self.graph is None:
            defaults, named = None, None
        else:
            defaults = [self.graph]
            named = self.named if "graph" in query.lower() else None
        expired = None
        if timeout is None:
            budget.check()
            left = budget.remaining()
            timeout = self.client.timeout
            if left is not None and left < timeout:
                timeout, expired = max(0.001, left), budget.exceeded
        return self.client.query(query, default_graphs=defaults, named_graphs=named,
                                 prefixes=prefixes, base_iri=base_iri, timeout=timeout,
                                 max_bytes=max_bytes, strict=strict, expired=expired)

    def quads_for_pattern(self, subject=None, predicate=None, object=None,  # noqa: A002
                          graph_name=None) -> Iterator[ox.Quad]:
        """The quads of one graph (a NamedNode, or DefaultGraph: the merge) matching the
        pattern (None: any; blank nodes cannot be sent to a server and match nothing). A whole
        graph is read page by page (see `_pages`)."""
        if graph_name is None:
            raise ValueError("quads_for_pattern on a SPARQL server needs a graph")
        terms = [subject, predicate, object]
        if all(t is None for t in terms):
            return (ox.Quad(t.subject, t.predicate, t.object, graph_name)
                    for t in self._pages(graph_name))
        if any(isinstance(t, ox.BlankNode) for t in terms):
            return iter(())
        s, p, o = (("?" + name) if t is None else str(t) for t, name in zip(
            terms, ("s", "p", "o"), strict=True))
        pattern = f"{s} {p} {o}"
        if isinstance(graph_name, ox.NamedNode):
            text = f"CONSTRUCT {{ {pattern} }} WHERE {{ GRAPH {graph_name} {{ {pattern} }} }}"
            triples = self.query(text, default_graph=[], named_graphs=[graph_name])
        else:
            triples = self.query(f"CONSTRUCT {{ {pattern} }} WHERE {{ {pattern} }}")
        return (ox.Quad(t.subject, t.predicate, t.object, graph_name) for t in triples)

    def _pages(self, graph_name: ox.NamedNode | ox.DefaultGraph) -> Iterator[ox.Triple]:
        """Every triple of a graph, `page` at a time: CONSTRUCT over an ordered sub-select with
        LIMIT/OFFSET, so that no answer is cut at the server's row limit (a graph larger than a
        page has its blank nodes, if any, labelled per page). Each page has the client's own
        timeout, not a page budget: a dump is written once, then served from its file."""
        named = isinstance(graph_name, ox.NamedNode)
        where = f"GRAPH {graph_name} {{ ?s ?p ?o }}" if named else "?s ?p ?o"
        dataset: dict = {"default_graph": [], "named_graphs": [graph_name]} if named else {}
        offset = 0
        while True:
            answer = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ SELECT ?s ?p ?o WHERE {{ "
                                f"{where} }} ORDER BY ?s ?p ?o LIMIT {self.page} "
                                f"OFFSET {offset} }} }}", strict=False,
                                timeout=self.client.timeout, **dataset)
            triples = list(answer)
            if answer.truncated:
                if self.page < 2:
                    raise BackendError(502, f"The SPARQL server {self.client.url} cuts every "
                                            "answer: its graphs cannot be read page by page.")
                self.page //= 2
                continue
            yield from triples
            if len(triples) < self.page:
                return
            offset += len(triples)

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return (ox.NamedNode(g) for g in self.named)

    def __len__(self) -> int:
        return self.size


def _value(graph) -> str:
    return graph.value if isinstance(graph, ox.NamedNode) else str(graph)


class RemoteGraphStore(GraphStore):
    """A GraphStore whose data lives on a SPARQL server (see the module doc)."""

    def __init__(self, dataset: RemoteDataset) -> None:  # noqa: D107 — no local store
        self.store = dataset  # type: ignore[assignment]
        self.union_default = True
        self.location = None
        self.on_disk = False
        self._size = dataset.size

    @property
    def backend(self) -> dict[str, object]:
        """What /health says about the server."""
        dataset = self.store
        return {"url": dataset.client.url,
                "default_graph": dataset.graph or "the server's own default graph",
                "graphs": len(dataset.named)}

    def graphs(self) -> list[str]:
        return sorted(self.store.named)

    @property
    def graphs_are_documents(self) -> bool:
        """Only over the merge `publish` wrote (graph/merged) beside the document graphs: a
        server's own default graph may hold data that no named graph does."""
        return bool(self.store.graph)

    def __len__(self) -> int:
        return self.store.size

    @classmethod
    def connect(cls, url: str, *, graph: str | None = None, timeout: float = 30.0,
                max_bytes: int | None = None) -> RemoteGraphStore:
        """Check that the server answers and find the dataset to serve. `graph`: the merged
        graph's IRI, '' for the server's own default graph, None to use MERGED_GRAPH.
        BackendError when the server does not answer, BackendSetupError when it does not
        hold what ctipgraph needs."""
        client = SparqlClient(url, timeout=timeout, **({"max_bytes": max_bytes}
                                                       if max_bytes else {}))
        client.query("ASK { ?s ?p ?o }", timeout=START_TIMEOUT)
        graph = MERGED_GRAPH if graph is None else graph
        if graph and not client.query(f"ASK {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}",
                                      timeout=START_TIMEOUT):
            raise BackendSetupError(
                f"the SPARQL server {url} has no graph <{graph}>: load the graph there with "
                "`ctipgraph publish --to GRAPH_STORE_URL` first, or give --backend-graph '' "
                "if the server's own default graph is the merge of the graphs (a ctipgraph "
                "server)")
        named, size = _published(client, graph)
        if not named:
            named, size = _project_graphs(client, graph), None
        if graph and not named:
            raise BackendSetupError(f"the SPARQL server {url} holds no ctipgraph graphs "
                                    f"(none under {PROJECT_GRAPHS})")
        dataset = RemoteDataset(client, graph or None, named, size or 0)
        if size is None:
            pattern = "GRAPH ?g { ?s ?p ?o }" if named else "?s ?p ?o"  # (no named graphs:
            # a server's default graph of its own, as `serve --data FILE` makes)
            counted = dataset.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}",
                                    timeout=max(START_TIMEOUT, timeout))
            dataset.size = int(next(iter(counted))["n"].value)
        return cls(dataset)


def _published(client: SparqlClient, graph: str) -> tuple[list[str], int | None]:
    """The graphs `ctipgraph publish` wrote beside `graph` and their triples, from its manifest
    (([], None) without one)."""
    from .manifest import TRIPLES  # (publish's vocabulary)

    if not graph:
        return [], None
    rows = client.query(f"SELECT ?g ?n WHERE {{ GRAPH {_iri(MANIFEST_GRAPH)} "
                        f"{{ ?g {TRIPLES} ?n }} }}", timeout=START_TIMEOUT * 4)
    counts = {row["g"].value: int(row["n"].value) for row in rows
              if isinstance(row["g"], ox.NamedNode) and row["g"].value != graph}
    counts.pop(MERGED_GRAPH, None)
    return sorted(counts), (sum(counts.values()) if counts else None)


def _project_graphs(client: SparqlClient, graph: str) -> list[str]:
    """The project's named graphs on the server: those under PROJECT_GRAPHS but the merge and
    the manifest (with the server's own default graph: all its named graphs)."""
    keep = f'FILTER(STRSTARTS(STR(?g), "{PROJECT_GRAPHS}"))' if graph else ""
    rows = client.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {keep} }}",
                        timeout=START_TIMEOUT * 4)
    skip = {MERGED_GRAPH, MANIFEST_GRAPH, graph}
    return sorted(g for row in rows if isinstance(term := row["g"], ox.NamedNode)
                  and (g := term.value) not in skip)


__all__ = ["BackendError", "BackendSetupError", "RemoteDataset", "RemoteGraphStore"]
