"""Reading RDF files with clear errors (file, line, column) instead of parser tracebacks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat, Store
from rdflib import Dataset, Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

_FORMATS = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nquads",
    ".rdf": "xml",
    ".owl": "xml",
    ".jsonld": "json-ld",
}
_QUAD_FORMATS = {"trig", "nquads"}


@dataclass
class RdfInputError(Exception):
    """An RDF file that cannot be read: missing, undecodable or malformed."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


def rdf_format(path: Path) -> str:
    """The rdflib parser name for a file, by suffix."""
    try:
        return _FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(_FORMATS))
        raise RdfInputError(str(path), f"unknown RDF file type (expected one of {known})") from None


def _position(error: BadSyntax) -> tuple[int, int]:
    text, index = error._str, error._i
    newline = b"\n" if isinstance(text, bytes) else "\n"
    line = text.count(newline, 0, index) + 1
    column = index - text.rfind(newline, 0, index)
    return line, column


def parse_into(graph: Graph | Dataset, path: Path) -> None:
    """Parse one RDF file into a graph (or, for TriG and N-Quads, a dataset)."""
    fmt = rdf_format(path)
    if not path.is_file():
        raise RdfInputError(str(path), "no such file")
    try:
        data = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RdfInputError(str(path), f"not UTF-8 (byte offset {exc.start})") from None
    try:
        graph.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        line, column = _position(exc)
        raise RdfInputError(str(path), f"syntax error: {exc._why}", line, column) from None
    except Exception as exc:  # every other parser reports its own way; keep its words
        raise RdfInputError(str(path), f"cannot parse {fmt}: {exc}") from None


def load_graph(paths: list[Path]) -> tuple[Graph, list[tuple[str, Graph]]]:
    """Load files into one graph (named graphs merged); also return each file's own triples."""
    merged = Graph()
    parts: list[tuple[str, Graph]] = []
    for path in paths:
        fmt = rdf_format(path)
        loaded: Graph | Dataset = Dataset() if fmt in _QUAD_FORMATS else Graph()
        parse_into(loaded, path)
        own = Graph()
        is_dataset = isinstance(loaded, Dataset)
        for statement in loaded.quads() if is_dataset else loaded.triples((None, None, None)):
            own.add(statement[:3])
        merged += own
        parts.append((str(path), own))
    return merged, parts


def read_built(path: Path) -> Store:
    """A built document's Turtle (the build's own output) in a store of its own, to query."""
    store = Store()
    store.load(path=str(path), format=RdfFormat.TURTLE)
    return store
