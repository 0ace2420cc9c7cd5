"""Canonical N-Triples of one graph: the bytes `publish` hashes and sends.

The triples are written by Oxigraph's N-Triples serializer (UTF-8, no \\u escapes), one per
line, sorted bytewise; blank nodes are relabelled by RDF Dataset Canonicalization (RDFC-1.0:
_:c14n0, _:c14n1, …) computed over the triples that hold them, so the same graph gives the same
bytes whatever labels the store gave its blank nodes when it was (re)built.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from typing import BinaryIO

import pyoxigraph as ox

VERSION = "ntriples-sorted-rdfc1"  # change when the bytes below change for the same graph
SPOOL_BYTES = 8 * 1024 * 1024  # bodies larger than this are spooled to a temporary file


@dataclass(frozen=True)
class Digest:
    """What a graph's canonical N-Triples hash to, and how many triples they hold."""

    sha256: str
    triples: int


def canonical_lines(triples: list[ox.Triple]) -> list[bytes]:
    """The sorted canonical N-Triples lines (each ending with a newline) of `triples`."""
    if not triples:
        return []
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    if b"_:" in data:  # maybe blank nodes (or "_:" inside a literal): look at the terms
        plain, blank = [], []
        for triple in triples:
            has_blank = isinstance(triple.subject, ox.BlankNode) or isinstance(
                triple.object, ox.BlankNode)
            (blank if has_blank else plain).append(triple)
        if blank:
            dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in blank)
            dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
            data = (ox.serialize(plain, format=ox.RdfFormat.N_TRIPLES) if plain else b"") \
                + ox.serialize((q.triple for q in dataset), format=ox.RdfFormat.N_TRIPLES)
    lines = data.splitlines(keepends=True)
    lines.sort()
    return lines


def graph_triples(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> list[ox.Triple]:
    """The triples of one graph of `store`."""
    return [quad.triple for quad in store.quads_for_pattern(None, None, None, graph)]


def digest(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> Digest:
    """The sha256 of the graph's canonical N-Triples and its triple count."""
    lines = canonical_lines(graph_triples(store, graph))
    sha = hashlib.sha256()
    for line in lines:
        sha.update(line)
    return Digest(sha.hexdigest(), len(lines))


def body(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> tuple[BinaryIO, Digest]:
    """The graph's canonical N-Triples in a rewound temporary file (in memory up to
    SPOOL_BYTES), and their digest. The caller closes the file."""
    lines = canonical_lines(graph_triples(store, graph))
    sha = hashlib.sha256()
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned
    for line in lines:
        sha.update(line)
        spool.write(line)
    spool.seek(0)
    return spool, Digest(sha.hexdigest(), len(lines))
