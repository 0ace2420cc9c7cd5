"""Whole-dataset dumps, shared by `ctipgraph export` and the /download pages.

Formats: Turtle and N-Triples (all graphs merged, duplicates removed, sorted), TriG and N-Quads
(one named graph per document, plus the ontology, lexicon and inference graphs), and JSON-LD (the
TriG content, with IRIs compacted by the published context `context.jsonld`). Each with the OWL
RL inferences (graph INFERRED_GRAPH) or without. Serialization happens inside Oxigraph; files are
written atomically (a temporary file renamed into place).
"""

from __future__ import annotations

import json
import os
import re
import stat
import threading
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .namespaces import PREFIXES
from .store import INFERRED_GRAPH, GraphStore

#: export format name → pyoxigraph format
DUMP_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
MEDIA_TYPES: dict[str, str] = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "trig": "application/trig",
    "nq": "application/n-quads",
    "jsonld": "application/ld+json",
}
DUMP_STEM = "ctipgraph"
_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def jsonld_context() -> dict:
    """The JSON-LD context of ctipgraph (published at /context.jsonld): its prefixes."""
    return {"@context": dict(_PREFIXES)}


def dump_names() -> list[tuple[str, str, bool]]:
    """Every downloadable dump: (file name, format, with inferences)."""
    return [(f"{DUMP_STEM}{'-inferred' if inferred else ''}.{fmt}", fmt, inferred)
            for fmt in DUMP_FORMATS for inferred in (False, True)]


def parse_dump_name(name: str) -> tuple[str, bool] | None:
    """(format, with inferences) of a dump file name, None if it is not one."""
    for dump, fmt, inferred in dump_names():
        if dump == name:
            return fmt, inferred
    return None


def _graphs(store: GraphStore, inferences: bool) -> list[ox.NamedNode | ox.DefaultGraph]:
    # a merged default graph is derived from the named graphs: not exported a second time
    graphs: list[ox.NamedNode | ox.DefaultGraph] = [] if store.union_default else [
        ox.DefaultGraph()]
    graphs += [ox.NamedNode(g) for g in store.graphs()
               if inferences or g != INFERRED_GRAPH.value]
    return graphs


def _quads(store: GraphStore, inferences: bool) -> Iterator[ox.Quad]:
    db = store.store
    return chain.from_iterable(db.quads_for_pattern(None, None, None, g)
                               for g in _graphs(store, inferences))


def export(store: GraphStore, fmt: str, output: BinaryIO, *, inferences: bool = False,
           context: str | dict | None = None) -> None:
    """Write the whole dataset to `output` in format `fmt` (a DUMP_FORMATS key).

    For JSON-LD, `context` is the @context to give: a URL (str) or an object (default: the
    context itself, inline).
    """
    if fmt not in DUMP_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (use {', '.join(DUMP_FORMATS)})")
    if fmt in ("ttl", "nt"):
        _export_triples(store, DUMP_FORMATS[fmt], output, inferences)
    elif fmt == "jsonld":
        output.write(b'{"@context":')
        output.write(json.dumps(context if context is not None else _PREFIXES).encode())
        output.write(b',"@graph":')
        write_jsonld_graph(store, output, inferences=inferences)
        output.write(b"}\n")
    else:
        ox.serialize(_quads(store, inferences), output, format=DUMP_FORMATS[fmt],
                     prefixes=_PREFIXES if fmt == "trig" else None)


def _export_triples(store: GraphStore, fmt: ox.RdfFormat, output: BinaryIO,
                    inferences: bool) -> None:
    skip = "" if inferences else f"FILTER(?g != <{INFERRED_GRAPH.value}>)"
    # the named graphs (and a default graph of its own, not a merge of them), each triple once
    own = "" if store.union_default else "{ ?s ?p ?o } UNION "
    results = store.store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
        f"{own}{{ GRAPH ?g {{ ?s ?p ?o }} {skip} }} }} ORDER BY ?s ?p ?o }}")
    if fmt == ox.RdfFormat.TURTLE:
        ox.serialize(results, output, format=fmt, prefixes=_PREFIXES)
    else:
        results.serialize(output, format=fmt)


# -- JSON-LD compaction -----------------------------------------------------------------------

_JSON_STRING = re.compile(rb'"((?:[^"\\]|\\.)*)"(\s*:)?')


def _compactor():
    namespaces = sorted(_PREFIXES.items(), key=lambda item: -len(item[1]))
    pattern = re.compile(
        b"^(" + b"|".join(re.escape(ns.encode()) for _, ns in namespaces) + b")(.*)$", re.S)
    prefix_of = {ns.encode(): prefix.encode() for prefix, ns in namespaces}
    state = {"key": b""}

    def compact(value: bytes) -> bytes:
        match = pattern.match(value)
        if not match or b"\\" in value or match.group(2).startswith(b"//"):
            return value
        return prefix_of[match.group(1)] + b":" + match.group(2)

    def replace(match: re.Match) -> bytes:
        value, colon = match.group(1), match.group(2)
        if colon:  # a key: a property IRI or a keyword
            state["key"] = value
            if value.startswith(b"@"):
                return match.group(0)
            return b'"' + compact(value) + b'"' + colon
        if state["key"] in (b"@id", b"@type"):
            return b'"' + compact(value) + b'"'
        return match.group(0)

    return replace


def write_jsonld_graph(store: GraphStore, output: BinaryIO, *, inferences: bool) -> None:
    """The dataset as a JSON-LD array (expanded by Oxigraph, IRIs then compacted to CURIEs)."""
    raw = ox.serialize(_quads(store, inferences), format=ox.RdfFormat.JSON_LD) or b"[]"
    output.write(_JSON_STRING.sub(_compactor(), raw))


# -- files ------------------------------------------------------------------------------------


class ExportTargetError(ValueError):
    """A path `export_file` will not write: not a regular file, or in a missing folder."""


def check_export_target(path: Path) -> Path:
    """The file to write for `path`: `path` itself, or the file a symbolic link points to.

    Only regular files are written: a device, FIFO, socket or folder is refused (replacing one
    would destroy it, writing into a FIFO waits forever), and so is a path whose folder does
    not exist (no folder is created that was not asked for). ExportTargetError says why.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise ExportTargetError(f"{path}: {error.strerror or error}") from None
    if mode is not None and not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) \
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) \
            else "a socket" if stat.S_ISSOCK(mode) else "not a regular file"
        raise ExportTargetError(f"{path} is {kind}: export writes only regular files "
                                "(leave out -o to write to standard output)")
    if not target.parent.is_dir():
        raise ExportTargetError(f"{path}: no such folder {target.parent} (create it first)")
    return target


def export_file(store: GraphStore, fmt: str, path: Path, *, inferences: bool = False,
                context: str | dict | None = None) -> Path:
    """Export to `path` atomically: a new temporary file in the same folder, renamed into
    place. `path` must be a regular file or not exist yet, in a folder that exists
    (`check_export_target`: ExportTargetError otherwise)."""
    if fmt not in DUMP_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    target = check_export_target(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    # O_EXCL: never opens what is already there (a FIFO or a link planted at that name)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            export(store, fmt, out, inferences=inferences, context=context)
        check_export_target(target)  # still a regular file (or gone) just before the rename
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return path


class DumpCache:
    """Dumps generated on first request and kept in `directory` (the store does not change)."""

    def __init__(self, store: GraphStore, directory: Path) -> None:
        self.store = store
        self.directory = directory
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def path(self, name: str) -> Path:
        """The file of dump `name` (see dump_names()), generated if needed. For JSON-LD the file
        holds only the @graph array: serve it wrapped (see jsonld_wrapped)."""
        parsed = parse_dump_name(name)
        if parsed is None:
            raise KeyError(name)
        fmt, inferences = parsed
        target = self.directory / name
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            if not target.exists():
                self.directory.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f".{name}.{os.getpid()}.tmp")
                try:
                    with tmp.open("wb") as out:
                        if fmt == "jsonld":
                            write_jsonld_graph(self.store, out, inferences=inferences)
                        else:
                            export(self.store, fmt, out, inferences=inferences)
                    os.replace(tmp, target)
                finally:
                    tmp.unlink(missing_ok=True)
        return target

    def cached(self, name: str) -> Path | None:
        target = self.directory / name
        return target if target.exists() else None


def jsonld_wrapped(graph_file: Path, context_url: str, chunk: int = 1 << 20
                   ) -> tuple[Iterator[bytes], int]:
    """A JSON-LD document streamed from a cached @graph array, with @context a URL."""
    head = b'{"@context":' + json.dumps(context_url).encode() + b',"@graph":'
    tail = b"}\n"
    size = len(head) + graph_file.stat().st_size + len(tail)

    def stream() -> Iterator[bytes]:
        yield head
        with graph_file.open("rb") as data:
            while block := data.read(chunk):
                yield block
        yield tail

    return stream(), size

