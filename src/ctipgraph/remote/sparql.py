"""A SPARQL 1.1 Protocol client whose answers are pyoxigraph objects, read as they arrive.

    client = SparqlClient("http://host:8890/sparql")
    solutions = client.query("SELECT ...", default_graphs=[MERGED_GRAPH])

- A query is POSTed as a form (`query`, `default-graph-uri`, `named-graph-uri`: the list of
  graphs may be long), asking for SPARQL JSON (else XML) results for SELECT/ASK and
  N-Triples (else Turtle, RDF/XML) for CONSTRUCT/DESCRIBE; the answer is parsed by the media
  type the server gives.
- Predeclared prefixes and a base IRI (what `pyoxigraph.Store.query` takes as arguments) are
  written into the query's prologue; a prefix the query declares itself is left alone.
- Each query has a deadline: connecting, waiting and every read are bounded by the time left.
  The answer is read with a byte cap: past it, a SELECT/CONSTRUCT answer is cut (`truncated`)
  or, with `strict`, refused. A server that cut the answer itself (Virtuoso's
  `X-SPARQL-MaxRows` header, or its `X-SQL-State` on an "anytime" answer cut at its time
  limit; ctipgraph's `X-CTIP-Truncated`) is treated the same way.
- Every failure is a `BackendError`, an HTTP error with the status a client of ours should get
  (400: the server refused the query; 502: it failed, could not be reached, refused our
  credentials or answered something unreadable; 504: it did not answer in time), never a
  traceback.

Credentials come from the environment (`remote.http`: CTIPGRAPH_REMOTE_USER /
CTIPGRAPH_REMOTE_PASSWORD, HTTP Basic or Digest as the server asks).
"""

from __future__ import annotations

import io
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator

import pyoxigraph as ox
from werkzeug.exceptions import HTTPException

from .http import _server_message, check_url, opener

#: SPARQL JSON first: pyoxigraph 0.5 trims the white space around a literal read from SPARQL
#: XML results (a quote's oa:prefix "\n\nU.S. Department …" came back as "U.S. Department …")
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = ("application/n-triples, text/plain;q=0.9, text/turtle;q=0.8, "
                "application/rdf+xml;q=0.5")
#: the most bytes of one answer read by default (app queries: a bound on a broken server)
DEFAULT_MAX_BYTES = 1 << 30
_RESULTS_FORMATS = {
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_RDF_ALIASES = {"text/plain": "application/n-triples", "text/rdf+n3": "text/turtle",
                "application/x-turtle": "text/turtle"}
_MESSAGE_LIMIT = 500
#: headers saying the server cut its answer, and to what: Virtuoso's result limit
#: (ResultSetMaxRows), its time limit ("anytime" queries: `X-SQL-State: S1TAT` with partial
#: results, counts too small), and ctipgraph's own (--max-rows / --max-result-size)
CUT_HEADERS = {"X-SPARQL-MaxRows": "its own result limit",
               "X-SQL-State": "its own time limit, an incomplete answer",
               "X-CTIP-Truncated": "its own result limit"}


class BackendError(HTTPException):
    """The SPARQL server behind ctipgraph failed to answer: `code` is the HTTP status to give
    (400, 502 or 504) and `description` says what happened, naming the server."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.code = status


# -- the query's prologue ---------------------------------------------------------------------

_PROLOGUE_ITEM = re.compile(r"\s+|#[^\n]*|BASE\s*<[^<>\s]*>|PREFIX\s*([^\s:<>#]*):\s*<[^<>\s]*>",
                            re.IGNORECASE)
_FORM = re.compile(r"(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE)


def prologue(text: str) -> tuple[set[str], str | None]:
    """The prefixes a query declares and its form (SELECT, ASK, CONSTRUCT, DESCRIBE; None when
    the text does not start like a query), read from its prologue."""
    declared: set[str] = set()
    position = 0
    while True:
        match = _PROLOGUE_ITEM.match(text, position)
        if match is None or match.end() == position:
            break
        if match.group(1) is not None:
            declared.add(match.group(1))
        elif match.group(0)[:6].upper() == "PREFIX":
            declared.add("")
        position = match.end()
    form = _FORM.match(text, position)
    return declared, form.group(1).upper() if form else None


def with_prologue(text: str, prefixes: dict[str, str] | None, base_iri: str | None) -> str:
    """`text` with the predeclared prefixes it does not declare itself, and the base IRI,
    written before it."""
    declared, _form = prologue(text)
    lines = [f"BASE <{base_iri}>"] if base_iri else []
    lines += [f"PREFIX {name}: <{iri}>" for name, iri in (prefixes or {}).items()
              if name not in declared]
    return "\n".join([*lines, text]) if lines else text


# -- reading an answer ------------------------------------------------------------------------


class _Body(io.RawIOBase):
    """An HTTP answer's body, read at most `max_bytes` bytes (then end of file and `capped`)
    and within the deadline (each read waits at most the time left); a read that failed
    leaves its error in `error` (the parser may report it as its own): past the deadline,
    `expired()` when given, else a 504."""

    def __init__(self, answer, max_bytes: int, deadline: float,
                 expired: Callable[[], HTTPException] | None = None) -> None:
        self.answer = answer
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.expired = expired
        self.read_bytes = 0
        self.capped = False
        self.error: HTTPException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        room = self.max_bytes - self.read_bytes
        if room <= 0:
            self.capped = True
            return 0
        view = memoryview(buffer)[:room]
        left = self.deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError
            _set_timeout(self.answer, left)
            count = self.answer.readinto(view)
        except TimeoutError:
            self.error = self.expired() if self.expired else BackendError(
                504, "The SPARQL server did not finish its answer in time.")
            raise
        except OSError as error:
            self.error = BackendError(502, "The SPARQL server's answer broke off: "
                                           f"{error.strerror or error}.")
            raise
        self.read_bytes += count or 0
        return count or 0

    def close(self) -> None:
        try:
            self.answer.close()
        finally:
            super().close()


def _set_timeout(answer, seconds: float) -> None:
    """Bound the next socket read of an http.client answer by `seconds`."""
    sock = getattr(getattr(answer, "fp", None), "raw", None)
    sock = getattr(sock, "_sock", None)
    if sock is not None:
        sock.settimeout(max(0.001, seconds))


class _Answer:
    """What both kinds of results share: the body, and how a broken read is reported."""

    def __init__(self, body: _Body, strict: bool, server: str, cut_rows: str | None) -> None:
        self._body = body
        self._strict = strict
        self._server = server
        #: the answer was cut: at the byte cap, or by the server itself
        self.truncated = False
        if cut_rows:
            self._cut(f"the server cut it to {cut_rows}")

    def _cut(self, why: str) -> None:
        if self._strict:
            raise _incomplete(self._server, why)
        self.truncated = True

    def _failed(self, error: Exception) -> None:
        """A parse or read error while iterating: truncation at the cap, or a BackendError."""
        self._body.close()
        if self._body.error is not None:
            raise self._body.error from None
        if self._body.capped:
            self._cut(f"it is longer than {self._body.max_bytes} bytes")
            return
        raise BackendError(502, f"The SPARQL server {self._server} sent an answer that cannot "
                                f"be read: {_short(str(error))}") from None

    def _read(self, items: Iterator) -> Iterator:
        """`items` as the parser gives them; the body closed at the end, a broken read
        reported (`_failed`)."""
        while True:
            try:
                item = next(items)
            except StopIteration:
                self._body.close()
                return
            except (SyntaxError, OSError, ValueError) as error:
                self._failed(error)
                return
            yield item


class RemoteSolutions(_Answer):
    """SELECT results from a server: iterate for `pyoxigraph.QuerySolution`s, as one would
    `pyoxigraph.QuerySolutions` (iterable once)."""

    def __init__(self, solutions: ox.QuerySolutions, body: _Body, strict: bool, server: str,
                 cut_rows: str | None = None) -> None:
        self._solutions = solutions
        super().__init__(body, strict, server, cut_rows)

    @property
    def variables(self) -> list[ox.Variable]:
        return self._solutions.variables

    def __iter__(self) -> Iterator[ox.QuerySolution]:
        for row in self._read(iter(self._solutions)):
            if any(type(term) is ox.Literal and term.datatype == _BOOLEAN
                   and term.value in _CANONICAL_BOOLEANS for term in row):
                row = _Solution(self._solutions.variables, row)
            yield row

    def serialize(self, output=None, format: ox.QueryResultsFormat = ox.QueryResultsFormat.TSV):
        """Write the solutions (as pyoxigraph's `serialize`): TSV row by row (a writer that
        stops taking rows stops the reading), other formats through TSV."""
        if format != ox.QueryResultsFormat.TSV:
            data = ox.parse_query_results(self.serialize(format=ox.QueryResultsFormat.TSV),
                                          format=ox.QueryResultsFormat.TSV).serialize(
                                              format=format)
            if output is None:
                return data
            output.write(data)
            return None
        names = self.variables
        target = io.BytesIO() if output is None else output
        target.write(("\t".join(str(v) for v in names) + "\n").encode("utf-8"))
        for row in self:
            target.write(("\t".join("" if row[v] is None else str(row[v]) for v in names)
                          + "\n").encode("utf-8"))
        return target.getvalue() if output is None else None


_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
#: Virtuoso 7.2 gives a stored "true"^^xsd:boolean as "1"^^xsd:boolean in SPARQL results (in
#: N-Triples as "true"): the same value, written back in the canonical form that was published
_CANONICAL_BOOLEANS = {"1": ox.Literal("true", datatype=_BOOLEAN),
                       "0": ox.Literal("false", datatype=_BOOLEAN)}


class _Solution:
    """A solution with its xsd:boolean values in canonical form, read as a
    `pyoxigraph.QuerySolution` is (by variable name, Variable or position; iterable)."""

    def __init__(self, variables: list[ox.Variable], row: ox.QuerySolution) -> None:
        self._names = {v.value: i for i, v in enumerate(variables)}
        self._terms = [_CANONICAL_BOOLEANS.get(term.value, term)
                       if type(term) is ox.Literal and term.datatype == _BOOLEAN else term
                       for term in row]

    def __getitem__(self, key: str | ox.Variable | int) -> ox.Term | None:
        if isinstance(key, ox.Variable):
            key = key.value
        return self._terms[self._names[key] if isinstance(key, str) else key]

    def __iter__(self) -> Iterator[ox.Term | None]:
        return iter(self._terms)

    def __len__(self) -> int:
        return len(self._terms)


class RemoteTriples(_Answer):
    """CONSTRUCT/DESCRIBE results from a server: iterate for `pyoxigraph.Triple`s."""

    def __init__(self, quads: Iterator[ox.Quad], body: _Body, strict: bool, server: str,
                 cut_rows: str | None = None) -> None:
        self._quads = quads
        super().__init__(body, strict, server, cut_rows)

    def __iter__(self) -> Iterator[ox.Triple]:
        for quad in self._read(self._quads):
            yield quad.triple

    def serialize(self, output=None, format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES):
        return ox.serialize(iter(self), output, format=format)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text[:_MESSAGE_LIMIT] + ("…" if len(text) > _MESSAGE_LIMIT else "")


# -- the client -------------------------------------------------------------------------------


class SparqlClient:
    """Queries to one SPARQL 1.1 Protocol endpoint (see the module doc). Safe to share between
    threads and across a fork (each thread opens its own connections)."""

    def __init__(self, url: str, *, timeout: float = 30.0,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.url = check_url(url)
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._local = threading.local()

    def _opener(self) -> urllib.request.OpenerDirector:
        opened = getattr(self._local, "opener", None)
        if opened is None:
            opened = self._local.opener = opener(self.url)
        return opened

    def query(self, text: str, *, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None, prefixes: dict[str, str] | None = None,
              base_iri: str | None = None, timeout: float | None = None,
              max_bytes: int | None = None, strict: bool = True,
              expired: Callable[[], HTTPException] | None = None):
        """Run one query: a RemoteSolutions, RemoteTriples or pyoxigraph.QueryBoolean.

        `default_graphs` / `named_graphs` (None: not sent) are the protocol's dataset;
        `timeout` (default: the client's) bounds the whole exchange; `strict` refuses an
        answer cut at `max_bytes` or by the server instead of marking it `truncated`;
        `expired()` is the error raised when `timeout` runs out (default: a 504)."""
        text = with_prologue(text, prefixes, base_iri)
        _declared, form = prologue(text)
        accept = {"SELECT": RESULTS_ACCEPT, "ASK": RESULTS_ACCEPT, "CONSTRUCT": GRAPH_ACCEPT,
                  "DESCRIBE": GRAPH_ACCEPT}.get(form or "", f"{RESULTS_ACCEPT}, {GRAPH_ACCEPT}")
        fields = [("query", text)]
        fields += [("default-graph-uri", g) for g in default_graphs or []]
        fields += [("named-graph-uri", g) for g in named_graphs or []]
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        request = urllib.request.Request(
            self.url, data=urllib.parse.urlencode(fields).encode("utf-8"), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                     "Accept": accept, "User-Agent": "ctipgraph"})
        answer = self._open(request, limit, expired)
        body = _Body(answer, self.max_bytes if max_bytes is None else max_bytes, deadline,
                     expired)
        media = (answer.headers.get_content_type() or "").lower()
        cut_rows = next((f"{what}; {name}: {answer.headers[name]}"
                         for name, what in CUT_HEADERS.items() if answer.headers.get(name)),
                        None)
        if cut_rows is not None and strict:  # refused before any of it is parsed
            body.close()
            raise _incomplete(self.url, f"the server cut it to {cut_rows}")
        try:
            results = self._parse(body, media, strict, cut_rows)
        except BaseException:
            body.close()
            raise
        if form == "ASK" and isinstance(results, RemoteSolutions):
            return _as_boolean(results)
        return results

    def _open(self, request: urllib.request.Request, limit: float,
              expired: Callable[[], HTTPException] | None = None):
        try:
            return self._opener().open(request, timeout=limit)
        except urllib.error.HTTPError as error:
            raise _http_error(self.url, error.code, _server_message(error, _MESSAGE_LIMIT)) \
                from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise (expired() if expired else _timeout(self.url, limit)) from None
            reason = getattr(error.reason, "strerror", None) or str(error.reason)
            raise BackendError(502, f"The SPARQL server {self.url} cannot be reached: "
                                    f"{reason}.") from None
        except TimeoutError:
            raise (expired() if expired else _timeout(self.url, limit)) from None
        except (OSError, ValueError) as error:
            raise BackendError(502, f"The SPARQL server {self.url} cannot be reached: "
                                    f"{_short(str(error) or type(error).__name__)}.") from None

    def _parse(self, body: _Body, media: str, strict: bool, cut_rows: str | None):
        results_format = _RESULTS_FORMATS.get(media)
        try:
            if results_format is not None:
                results = ox.parse_query_results(body, format=results_format)
                if isinstance(results, ox.QueryBoolean):
                    body.close()
                    return results
                return RemoteSolutions(results, body, strict, self.url, cut_rows)
            rdf_format = ox.RdfFormat.from_media_type(_RDF_ALIASES.get(media, media))
            if rdf_format is None:
                raise BackendError(502, f"The SPARQL server {self.url} answered in a format "
                                        f"ctipgraph cannot read: {media or 'no Content-Type'}.")
            quads = iter(ox.parse(body, format=rdf_format))
            return RemoteTriples(quads, body, strict, self.url, cut_rows)
        except (SyntaxError, OSError, ValueError) as error:
            if body.error is not None:
                raise body.error from None
            raise BackendError(502, f"The SPARQL server {self.url} sent an answer that cannot "
                                    f"be read: {_short(str(error))}") from None


def _as_boolean(solutions: RemoteSolutions) -> ox.QueryBoolean:
    """The answer to an ASK query that a server gave as solutions (Virtuoso 7.2: one variable,
    `__ASK_RETVAL`, bound to 1 in a single row when true, no row when false)."""
    true = any(term is not None and term.value.lower() in ("1", "true")
               for row in solutions for term in (row[v] for v in solutions.variables))
    return ox.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if true else b"false"),
                                  format=ox.QueryResultsFormat.JSON)


def _incomplete(url: str, why: str) -> BackendError:
    return BackendError(502, f"The answer of the SPARQL server {url} is incomplete: {why}.")


def _timeout(url: str, limit: float) -> BackendError:
    return BackendError(504, f"The SPARQL server {url} did not answer within {limit:g} s.")


def _http_error(url: str, status: int, message: str) -> BackendError:
    """The error a client gets for the server's HTTP error status."""
    message = _short(message) or "no message"
    if status == 400:
        return BackendError(400, f"The SPARQL server behind this endpoint refused the query: "
                                 f"{message}")
    if status in (401, 403):
        return BackendError(502, f"The SPARQL server {url} refused access (HTTP {status}): set "
                                 "CTIPGRAPH_REMOTE_USER and CTIPGRAPH_REMOTE_PASSWORD for it. "
                                 f"{message}")
    if status in (408, 504):
        return BackendError(504, f"The SPARQL server {url} timed out (HTTP {status}): {message}")
    return BackendError(502, f"The SPARQL server {url} failed (HTTP {status}): {message}")
