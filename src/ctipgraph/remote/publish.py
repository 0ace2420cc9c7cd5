"""`ctipgraph publish`: the built store on a SPARQL server, by the Graph Store HTTP Protocol.

Each named graph of the store (one per document, the ontology, the lexicon, the inferences)
is sent under its own IRI, and the store's default graph (the RDF merge of them all) as
MERGED_GRAPH; each graph is replaced by one PUT of its canonical N-Triples (ctipgraph.remote.
canonical). After each graph written or deleted, the manifest on the server (MANIFEST_GRAPH,
ctipgraph.remote.manifest) is replaced by one that records it, so a run that stops half-way
resumes where it stopped, and a run after a rebuild sends only the graphs whose hash changed.
Graphs the manifest lists that the build no longer has are deleted, and only those under
ctipgraph's own namespaces (graph/ and id/doc/): nothing else on the server is touched.
Order: the named graphs by IRI, then the deletions, then MERGED_GRAPH.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field

import pyoxigraph as ox

from .. import __version__
from ..store import DOC_BASE, GraphStore
from ..swap import replacing_file
from . import GRAPH_BASE, MANIFEST_GRAPH, MERGED_GRAPH, canonical, manifest
from .gsp import GraphStoreClient

ADD, REPLACE, DELETE, UNCHANGED = "add", "replace", "delete", "unchanged"
DIGESTS_FILE = "publish-digests.json"  # in a project store's folder (local_digests)


class PublishError(ValueError):
    """A store that cannot be published as it is (a graph outside ctipgraph's namespaces)."""


def owned(graph: str) -> bool:
    """True for the graphs `publish` may write and delete (not the manifest itself)."""
    return graph != MANIFEST_GRAPH and graph.startswith((GRAPH_BASE, DOC_BASE))


@dataclass(frozen=True)
class Action:
    """What one graph needs: ADD, REPLACE, DELETE or UNCHANGED. `triples` is the local count
    (for DELETE, the count the manifest recorded); `was` the manifest's count on REPLACE."""

    kind: str
    graph: str
    triples: int
    was: int | None = None
    sha256: str = ""


@dataclass
class Plan:
    """The actions of one publication, in the order they run."""

    actions: list[Action]
    manifest: dict[str, manifest.Entry] = field(default_factory=dict)

    @property
    def changes(self) -> list[Action]:
        return [a for a in self.actions if a.kind != UNCHANGED]

    def count(self, kind: str) -> int:
        return sum(a.kind == kind for a in self.actions)


def local_graphs(store: GraphStore) -> list[tuple[str, ox.NamedNode | ox.DefaultGraph]]:
    """(IRI on the server, graph in the store) of everything `publish` sends, named graphs
    sorted by IRI, MERGED_GRAPH (the store's default graph) last."""
    graphs = store.graphs()
    foreign = [g for g in graphs if not owned(g) or g == MERGED_GRAPH]
    if foreign:
        raise PublishError(f"graph <{foreign[0]}> of the store is not one ctipgraph publishes "
                           f"(only graphs under {GRAPH_BASE} and {DOC_BASE}, other than "
                           f"{MERGED_GRAPH} and {MANIFEST_GRAPH})")
    return [(g, ox.NamedNode(g)) for g in graphs] + [(MERGED_GRAPH, ox.DefaultGraph())]


def make_plan(store: GraphStore, published: dict[str, manifest.Entry],
              progress: Callable[[str], None] = lambda line: None) -> Plan:
    """Compare the store's graphs (hashed now) with the manifest read from the server."""
    graphs = local_graphs(store)
    digests = local_digests(store, graphs, progress)
    named, merged = [], []
    for iri, _graph in graphs:
        local, remote = digests[iri], published.get(iri)
        if remote is None:
            action = Action(ADD, iri, local.triples, sha256=local.sha256)
        elif remote.sha256 != local.sha256:
            action = Action(REPLACE, iri, local.triples, remote.triples, local.sha256)
        else:
            action = Action(UNCHANGED, iri, local.triples, sha256=local.sha256)
        (merged if iri == MERGED_GRAPH else named).append(action)
    deleted = [Action(DELETE, iri, entry.triples) for iri, entry in sorted(published.items())
               if iri not in digests and owned(iri)]
    return Plan(named + deleted + merged, published)


def local_digests(store: GraphStore, graphs: list[tuple[str, ox.NamedNode | ox.DefaultGraph]],
                  progress: Callable[[str], None]) -> dict[str, canonical.Digest]:
    """The digest of each graph, computed once per build of a project store: kept in
    DIGESTS_FILE beside it, valid while its FINGERPRINT is the same (execute() checks each
    graph it sends against its digest anyway)."""
    stamp = store.stamp()
    cache = store.location / DIGESTS_FILE if stamp else None
    key = f"{stamp}+{canonical.VERSION}"
    if cache:
        try:
            kept = json.loads(cache.read_text())
            if kept.get("key") == key and set(kept["graphs"]) == {iri for iri, _ in graphs}:
                return {iri: canonical.Digest(*kept["graphs"][iri]) for iri, _ in graphs}
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no cache, or not one of ours: hash again
    started = time.perf_counter()
    digests = {iri: canonical.digest(store.store, graph) for iri, graph in graphs}
    progress(f"hashed {len(graphs)} graph(s), {sum(d.triples for d in digests.values()):,} "
             f"triples, in {time.perf_counter() - started:.1f} s")
    if cache:
        data = {"key": key, "graphs": {iri: [d.sha256, d.triples] for iri, d in digests.items()}}
        # a store folder we cannot write: hash again next time
        with suppress(OSError), replacing_file(cache, text=True) as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
    return digests


def describe(plan: Plan) -> list[str]:
    """The plan as lines for people: one per graph, then a summary."""
    lines = []
    for action in plan.actions:
        counts = f"{action.triples:,} triples"
        if action.kind == REPLACE:
            counts += f" (was {action.was:,})"
        lines.append(f"{action.kind:9} {action.graph}  {counts}")
    lines.append(summary(plan))
    return lines


def summary(plan: Plan) -> str:
    return (f"{plan.count(ADD)} to add, {plan.count(REPLACE)} to replace, "
            f"{plan.count(DELETE)} to delete, {plan.count(UNCHANGED)} unchanged")


def read_manifest(client: GraphStoreClient) -> dict[str, manifest.Entry]:
    """The manifest on the server ({} when it has none)."""
    return manifest.parse(client.get(MANIFEST_GRAPH))


def execute(store: GraphStore, client: GraphStoreClient, plan: Plan,
            progress: Callable[[str], None] = lambda line: None) -> int:
    """Run the plan's changes, recording each in the manifest on the server as soon as it is
    done; returns the triples sent. A RemoteError stops it (what is recorded stays valid)."""
    record = {iri: entry for iri, entry in plan.manifest.items() if owned(iri)}
    changes = plan.changes
    started = time.perf_counter()
    sent = 0
    stores = dict(local_graphs(store))
    for number, action in enumerate(changes, 1):
        began = time.perf_counter()
        if action.kind == DELETE:
            client.delete(action.graph)
            del record[action.graph]
        else:
            body, digest = canonical.body(store.store, stores[action.graph])
            with body:
                if digest.sha256 != action.sha256:
                    raise PublishError(f"graph <{action.graph}> is not what was hashed (the "
                                       "store changed): run the command again")
                client.put(action.graph, body)
            record[action.graph] = manifest.Entry(digest.sha256, digest.triples, __version__)
            sent += digest.triples
        client.put(MANIFEST_GRAPH, manifest.serialize(dict(sorted(record.items()))))
        elapsed = time.perf_counter() - started
        progress(f"[{number}/{len(changes)}] {action.kind} {action.graph}: "
                 f"{action.triples:,} triples in {time.perf_counter() - began:.1f} s "
                 f"({sent:,} triples sent, {elapsed:.1f} s elapsed)")
    return sent
