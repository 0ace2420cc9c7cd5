"""The publication manifest, kept on the server in MANIFEST_GRAPH: for each graph published,
the sha256 of its canonical N-Triples (ctipgraph.remote.canonical), its triple count and the
ctipgraph version that wrote it.

    <GRAPH> pub:sha256 "hex" ; pub:triples 123 ; pub:ctipgraphVersion "0.1.0" .

with pub: = https://w3id.org/ctipgraph/publish# (a vocabulary of this manifest only).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

PUB = "https://w3id.org/ctipgraph/publish#"
SHA256 = ox.NamedNode(PUB + "sha256")
TRIPLES = ox.NamedNode(PUB + "triples")
VERSION = ox.NamedNode(PUB + "ctipgraphVersion")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


class ManifestError(ValueError):
    """A manifest graph that is not N-Triples."""


@dataclass(frozen=True)
class Entry:
    """One published graph."""

    sha256: str
    triples: int
    version: str


def parse(data: bytes | None) -> dict[str, Entry]:
    """The entries of a manifest graph (N-Triples as the server sent it; None: no manifest).
    A graph without exactly one sha256 and one triple count is left out (sent again)."""
    if not data:
        return {}
    values: dict[str, dict[str, list[str]]] = {}
    try:
        for triple in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
            if isinstance(triple.subject, ox.NamedNode) and isinstance(triple.object,
                                                                        ox.Literal):
                values.setdefault(triple.subject.value, {}).setdefault(
                    triple.predicate.value, []).append(triple.object.value)
    except SyntaxError as error:
        raise ManifestError(f"the manifest graph is not N-Triples: {error.msg}") from None
    entries = {}
    for graph, props in values.items():
        sha, triples = props.get(SHA256.value, []), props.get(TRIPLES.value, [])
        if len(sha) == 1 and len(triples) == 1 and triples[0].isdigit():
            entries[graph] = Entry(sha[0], int(triples[0]),
                                   (props.get(VERSION.value) or [""])[0])
    return entries


def serialize(entries: dict[str, Entry]) -> bytes:
    """The manifest graph as N-Triples, sorted (the same entries give the same bytes)."""
    triples = []
    for graph, entry in entries.items():
        subject = ox.NamedNode(graph)
        triples += [ox.Triple(subject, SHA256, ox.Literal(entry.sha256)),
                    ox.Triple(subject, TRIPLES, ox.Literal(str(entry.triples),
                                                           datatype=XSD_INTEGER)),
                    ox.Triple(subject, VERSION, ox.Literal(entry.version))]
    if not triples:
        return b""
    lines = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True)
    return b"".join(sorted(lines))
