"""Updating a built store in place when documents are added, changed or removed: the named
graphs, the default graph (the materialized RDF merge) and the OWL RL inferences, with the same
result as a build from scratch (`store._build_store`).

- **Merge.** A removed (or changed) document's triples leave the default graph unless another
  graph still holds them; a new document's triples not yet there are added.
- **Inferences** (`ctipgraph.store.rules`). The inferred graph of a full build is the least
  fixpoint of
  the rules over the merge, minus the merge itself (only informative triples). Additions are
  monotone: the rules are evaluated *semi-naively*, each instance rule once per body pattern
  that can match a document triple, that pattern read from the delta (the new document's graph,
  then a temporary graph of the last round's inferences) and the others from the whole default
  graph, to a fixpoint. Deletions use DRed (delete and rederive): overdelete every inferred
  triple with a derivation through a triple of the removed graphs (transitively, evaluated on
  the old store), remove them and the removed graphs' triples no other graph holds, rederive
  those the remaining triples still give in one step, then propagate from those and from the
  additions semi-naively.
- **Derived facts** (`ctipgraph.store.derive`, computed after the rules at a full build): those held
  only by their graph leave the default graph while the rules run, then the facts of the
  claims, citations and references that changed are computed again (`derive.derive_some`).
- This holds while the triples the rules read as **schema** (the TBox patterns of RULE_SCHEMA:
  sub-classes, domains, inverses, restrictions …) are unchanged: the schema rules then derive
  nothing new and the instance rules' schema patterns match the same triples. A delta (asserted,
  deleted or inferred) with such a triple, or with a blank node, raises NotIncremental and the
  caller builds the store from scratch.

Every change made is recorded (ChangeLog), quad by quad, so that the caller can patch the files
kept beside the store (dataset.nq, inferred.ttl, the search index).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import GRAPH_BASE, INFERRED_GRAPH, document_graph, load_file
from .derive import DERIVED_GRAPH, derive, derive_some
from .rules import (  # noqa: F401 (DELTA_PATTERNS and the schema terms: re-exported)
    DELTA_PATTERNS,
    INFORMATIVE,
    INSTANCE_RULES,
    RULE_PREFIXES,
    SCHEMA_CLASSES,
    SCHEMA_PREDICATES,
    delta_variants,
)

_WORK = GRAPH_BASE + "update/"
#: the frontiers of semi-naive rounds (one is read while the next is written)
FRONTIERS = (ox.NamedNode(_WORK + "frontier-a"), ox.NamedNode(_WORK + "frontier-b"))
DELETED = ox.NamedNode(_WORK + "deleted")  # every triple deleted (DRed's overdeletion)
REMOVED = ox.NamedNode(_WORK + "removed")  # the triples a changed document no longer states
DEFAULT = ""  # ChangeLog key of the default graph
#: more claimed triples and references changed than this: the derived facts computed again
#: whole (derive.derive) rather than for those keys (at 5 M quads: 1,431 claimed triples of a
#: Findings report took 120 s by key, the whole 40 s; a few hundred, a second or two)
DERIVE_SOME_MAX = 300

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_CTIP = "https://w3id.org/ctipgraph/ontology#"
#: what derive reads of a claim, and of a reference (as the object of these)
_CLAIM_TRIPLE = (_RDF + "subject", _RDF + "predicate", _RDF + "object")
_CITING = (_CTIP + "denotes", "http://purl.org/spar/cito/citesAsEvidence")
_CLAIM_PARTS = (*_CLAIM_TRIPLE, _CTIP + "inDocument", *_CITING[1:])


class NotIncremental(Exception):
    """The change cannot be applied incrementally (the message says why): build from scratch."""


@dataclass
class ChangeLog:
    """Net changes of a store: per graph (DEFAULT or a graph IRI), the N-Triples lines (bytes,
    without the final newline) removed and added. A triple removed then added again (or the
    reverse) is no change."""

    removed: dict[str, set[bytes]] = field(default_factory=dict)
    added: dict[str, set[bytes]] = field(default_factory=dict)

    def remove(self, graph: str, lines: Iterable[bytes]) -> None:
        _record(lines, self.removed.setdefault(graph, set()), self.added.setdefault(graph, set()))

    def add(self, graph: str, lines: Iterable[bytes]) -> None:
        _record(lines, self.added.setdefault(graph, set()), self.removed.setdefault(graph, set()))

    def quads(self, which: str) -> list[bytes]:
        """The removed or added ('removed' / 'added') quads as sorted N-Quads lines."""
        lines = []
        for graph, triples in getattr(self, which).items():
            suffix = b" <" + graph.encode() + b"> ." if graph else b" ."
            lines.extend(t[:-2] + suffix for t in triples)
        return sorted(lines)

    def count(self, which: str, *, named: bool) -> int:
        """How many quads were removed or added, in the named graphs or the default graph."""
        return sum(len(t) for g, t in getattr(self, which).items() if bool(g) == named)


@dataclass
class Changes:
    """Which documents changed: their ids (file stems) and the folder of their Turtle."""

    ttl_dir: Path
    added: list[str]
    changed: list[str]
    removed: list[str]

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def _triples(store: ox.Store, graph: ox.NamedNode) -> list[bytes]:
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    return data.splitlines() if data else []


def _nt(lines: Iterable[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in sorted(lines))


def rederive_bodies(deleted: ox.NamedNode) -> list[str]:
    """Every instance rule with its head restricted to the triples of graph `deleted`, that
    restriction first (the planner starts from the few deleted triples; a FILTER EXISTS of the
    body, evaluated per deleted triple, is slower)."""
    bodies = []
    for body in INSTANCE_RULES.values():
        predicate = "?p"
        if "AS ?p)" in body:  # the head's predicate is a constant given by BIND
            predicate = body.split("BIND(", 1)[1].split(" AS ?p)", 1)[0]
        bodies.append(f"GRAPH {deleted} {{ ?s {predicate} ?o }}\n{body}")
    return bodies


def check_triples(data: bytes, what: str) -> None:
    """NotIncremental when the N-Triples `data` hold a schema triple or a blank node."""
    for triple in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        s, p, o = triple.subject, triple.predicate.value, triple.object
        if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode) or \
                p in SCHEMA_PREDICATES or (p == RDF_TYPE and o.value in SCHEMA_CLASSES):
            raise NotIncremental(f"{what} include {triple} (a triple the rules read as "
                                 "schema, or a blank node)")


class Updater:
    """Applies Changes to a writable store built by store._build_store (see the module doc).

    Writes cost most (on RocksDB), so the rules' results are read by CONSTRUCT and written
    once where they belong; the new documents' graphs are the first frontier themselves."""

    def __init__(self, store: ox.Store, *, inferences: bool) -> None:
        self.store = store
        self.inferences = inferences
        self.log = ChangeLog()
        self.derived: set[bytes] = set()  # DERIVED_GRAPH before the update
        self.alone: set[bytes] = set()  # those of its triples no other graph held

    def _construct(self, bodies: list[str], tail: str) -> set[bytes]:
        """The union of CONSTRUCT { ?s ?p ?o } over `bodies` (each followed by `tail`), as
        N-Triples lines."""
        found: set[bytes] = set()
        for body in bodies:
            data = self.store.query(f"{RULE_PREFIXES}CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {body}\n"
                                    f"{tail} }}").serialize(format=ox.RdfFormat.N_TRIPLES)
            found.update(data.splitlines() if data else ())
        return found

    def _load(self, lines: set[bytes], *graphs: ox.NamedNode | ox.DefaultGraph) -> None:
        if lines:
            data = _nt(lines)
            for graph in graphs:
                self.store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)

    def _drop(self, *graphs: ox.NamedNode) -> None:
        for graph in graphs:
            self.store.update(f"DROP SILENT GRAPH {graph}")

    # -- the update ----------------------------------------------------------------------------

    def run(self, changes: Changes) -> ChangeLog:
        """Apply `changes`; the returned log says what changed in every graph."""
        old = [document_graph(d) for d in (*changes.removed, *changes.changed)]
        new = {d: document_graph(d) for d in (*changes.changed, *changes.added)}
        staged = ox.Store()  # the new documents, read (and checked) before anything changes
        for doc_id, graph in new.items():
            load_file(staged, changes.ttl_dir / f"{doc_id}.ttl", format=ox.RdfFormat.TURTLE,
                      to_graph=graph, base_iri=graph.value + "/")
        fresh = {graph: _triples(staged, graph) for graph in new.values()}
        for graph, lines in fresh.items():
            check_triples(_nt(lines), f"{graph.value}: its triples")
        self._drop(*FRONTIERS, DELETED, REMOVED)
        self._hide_derived()
        frontier = self._delete(old, {line for lines in fresh.values() for line in lines}) \
            if old else []
        for graph, lines in fresh.items():
            self._load(set(lines), graph)
            self.log.add(graph.value, lines)
        self._add(list(new.values()), frontier)
        self._drop(*FRONTIERS, DELETED, REMOVED)
        self._derive()
        return self.log

    # -- ctipgraph.store.derive: computed at store build after the rules, which never read it ------

    def _alone(self) -> set[bytes]:
        """The derived triples that no other graph holds (in the merge only through it)."""
        return self._construct([f"GRAPH {DERIVED_GRAPH} {{ ?s ?p ?o }}"],
                               f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} "
                               f"FILTER(?g != {DERIVED_GRAPH}) }}")

    def _alone_among(self, lines: set[bytes]) -> set[bytes]:
        """Those of the derived triples `lines` that no other graph holds."""
        alone = set()
        for line, t in zip(sorted(lines), ox.parse(_nt(lines), format=ox.RdfFormat.N_TRIPLES),
                           strict=True):
            graphs = {q.graph_name for q in self.store.quads_for_pattern(
                t.subject, t.predicate, t.object, None)}
            if not graphs - {DERIVED_GRAPH, ox.DefaultGraph()}:
                alone.add(line)
        return alone

    def _hide_derived(self) -> None:
        """Out of the default graph while the graphs and inferences are updated: the derived
        triples that only DERIVED_GRAPH holds (the graph itself is kept)."""
        self.derived = set(_triples(self.store, DERIVED_GRAPH))
        self.alone = self._alone()
        alone = sorted(self.alone)
        for i in range(0, len(alone), 10000):
            self.store.update("DELETE DATA {\n" + b"\n".join(alone[i:i + 10000]).decode()
                              + "\n}")
        self.log.remove(DEFAULT, alone)

    def _derive(self) -> None:
        """The derived triples of the claims, citations and references that changed computed
        again (derive.derive_some; all of them past DERIVE_SOME_MAX), and the derived triples
        back in the default graph: those
        no other graph holds (looked up again only for the triples new to DERIVED_GRAPH or
        whose other graphs changed)."""
        references, triples, pairs = self._derive_keys()
        if len(triples) + len(references) <= DERIVE_SOME_MAX:
            derive_some(self.store, references, triples, pairs)
        else:  # Oxigraph joins the keys' VALUES late: many keys cost more than all
            derive(self.store)
        after = set(_triples(self.store, DERIVED_GRAPH))
        self.log.remove(DERIVED_GRAPH.value, self.derived - after)
        self.log.add(DERIVED_GRAPH.value, after - self.derived)
        held = {line for graph, lines in (*self.log.removed.items(), *self.log.added.items())
                if graph not in (DEFAULT, DERIVED_GRAPH.value) for line in lines}
        again = (after - self.derived) | (after & held)
        alone = (self.alone & (after - again)) | self._alone_among(again)
        self._load(alone, ox.DefaultGraph())
        self.log.add(DEFAULT, alone)

    def _derive_keys(self) -> tuple[set, set, set]:
        """What derive_some must compute again, from the default graph's changes: references
        (typed, denoted, cited as evidence), claimed triples (of the claims whose triple,
        document or evidence changed: before and after) and their (subject, property)."""
        lines = self.log.removed.get(DEFAULT, set()) | self.log.added.get(DEFAULT, set())
        references: set[ox.NamedNode] = set()
        claims: set[ox.NamedNode] = set()
        before: dict[ox.NamedNode, dict[str, ox.Term]] = {}
        removed = self.log.removed.get(DEFAULT, set())
        for line, t in zip(sorted(lines), ox.parse(_nt(lines), format=ox.RdfFormat.N_TRIPLES),
                           strict=True):
            p, o = t.predicate.value, t.object
            if p == RDF_TYPE and o.value == _CTIP + "Reference" or p in _CITING and \
                    isinstance(o, ox.NamedNode):
                references.add(o if p in _CITING else t.subject)
            if p in _CLAIM_PARTS or p == RDF_TYPE and o.value == _CTIP + "Claim":
                claims.add(t.subject)
                if p in _CLAIM_TRIPLE and line in removed:
                    before.setdefault(t.subject, {})[p] = o
        triples, pairs = set(), set()
        for claim in claims:
            now = {p: q.object for p in _CLAIM_TRIPLE for q in self.store.quads_for_pattern(
                claim, ox.NamedNode(p), None, ox.DefaultGraph())}
            for parts in (now, {**now, **before.get(claim, {})}):
                if len(parts) == 3 and not any(isinstance(v, ox.BlankNode)
                                               for v in parts.values()):
                    s, p, o = (parts[k] for k in _CLAIM_TRIPLE)
                    triples.add((s, p, o))
                    pairs.add((s, p))
        return references, triples, pairs

    def _delete(self, old: list[ox.NamedNode], kept: set[bytes]) -> list[ox.NamedNode]:
        """Remove the old graphs, and from the default graph their triples that no other graph
        holds (nor a new document: `kept`) and, by DRed, the inferences they supported; then
        rederive those still given. Returns the graph of the rederived triples (a frontier)."""
        excluded = ", ".join(str(g) for g in (*old, INFERRED_GRAPH, *FRONTIERS, DELETED,
                                              REMOVED))
        gone = self._construct([f"GRAPH {graph} {{ ?s ?p ?o }}" for graph in old],
                               f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} "
                               f"FILTER(?h NOT IN ({excluded})) }}") - kept
        check_triples(_nt(gone), "the triples removed")
        stated = 0
        for graph in old:
            lines = _triples(self.store, graph)
            stated += len(lines)
            self.log.remove(graph.value, lines)
        # DRed starts from the old graphs themselves (a superset of the triples deleted: what
        # is still given is rederived), or, when they mostly stay (changed documents), from a
        # graph of the triples deleted
        sources = old
        if self.inferences and 2 * len(gone) < stated:
            self._load(gone, REMOVED)
            sources = [REMOVED]
        inferred: set[bytes] = set()
        if self.inferences:
            inferred = self._overdelete(sources)
            self.log.remove(INFERRED_GRAPH.value, inferred)
            self.store.update(f"DELETE {{ GRAPH {INFERRED_GRAPH} {{ ?s ?p ?o }} }} "
                              f"WHERE {{ GRAPH {DELETED} {{ ?s ?p ?o }} }}")
            self.store.update(f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {DELETED} {{ ?s ?p ?o }} }}")
        lines = sorted(gone)
        for i in range(0, len(lines), 10000):
            self.store.update("DELETE DATA {\n" + b"\n".join(lines[i:i + 10000]).decode()
                              + "\n}")
        self.log.remove(DEFAULT, gone | inferred)
        frontier = []
        if self.inferences:  # the deleted triples still given: the inferences, and of the old
            # graphs' triples those no longer in the default graph (INFORMATIVE's last filter)
            rederived = self._construct([b for graph in (DELETED, *sources)
                                         for b in rederive_bodies(graph)], INFORMATIVE)
            self._drop(DELETED, REMOVED)
            if rederived:
                frontier.append(self._commit(rederived, list(FRONTIERS)))
        for graph in old:
            self.store.update(f"DROP GRAPH {graph}")
        return frontier

    def _overdelete(self, old: list[ox.NamedNode]) -> set[bytes]:
        """DRed's first step: into DELETED, every inferred triple with a derivation (in the old
        store, still whole) through a triple of the graphs `old`, transitively. Returns them."""
        tail = (f"FILTER EXISTS {{ GRAPH {INFERRED_GRAPH} {{ ?s ?p ?o }} }} "
                f"FILTER NOT EXISTS {{ GRAPH {DELETED} {{ ?s ?p ?o }} }}")
        frontier, spare = list(old), FRONTIERS[0]
        overdeleted: set[bytes] = set()
        while found := self._construct(delta_variants(frontier), tail):
            check_triples(_nt(found), "the inferences removed")
            overdeleted |= found
            self._load(found, DELETED, spare)
            self._drop(*(g for g in frontier if g in FRONTIERS))
            frontier, spare = [spare], (FRONTIERS[1] if spare == FRONTIERS[0] else FRONTIERS[0])
        self._drop(*FRONTIERS)
        return overdeleted

    def _add(self, new: list[ox.NamedNode], rederived: list[ox.NamedNode]) -> None:
        """Add the new graphs' triples to the default graph and derive what follows from them
        and from the `rederived` graph, semi-naively (the new graphs are frontiers)."""
        if new:
            asserted = self._construct([f"GRAPH {graph} {{ ?s ?p ?o }}" for graph in new],
                                       "FILTER NOT EXISTS { ?s ?p ?o }")
            self._load(asserted, ox.DefaultGraph())
            self.log.add(DEFAULT, asserted)
        if not self.inferences:
            return
        for graph in new:  # inferred before, asserted now: no longer an inference
            self.log.remove(INFERRED_GRAPH.value, self._construct(
                [f"GRAPH {graph} {{ ?s ?p ?o }}"], f"GRAPH {INFERRED_GRAPH} {{ ?s ?p ?o }}"))
            self.store.update(f"DELETE {{ GRAPH {INFERRED_GRAPH} {{ ?s ?p ?o }} }} WHERE {{ GRAPH "
                              f"{graph} {{ ?s ?p ?o }} GRAPH {INFERRED_GRAPH} {{ ?s ?p ?o }} }}")
        frontier = [*new, *rederived]
        while frontier:
            derived = self._construct(delta_variants(frontier), INFORMATIVE)
            self._drop(*(g for g in frontier if g in FRONTIERS))
            spare = [g for g in FRONTIERS if g not in frontier]
            frontier = [self._commit(derived, spare)] if derived else []

    def _commit(self, derived: set[bytes], spare: list[ox.NamedNode]) -> ox.NamedNode:
        """Add the triples derived in a round to the inferred and default graphs and to a
        spare frontier graph, which is returned."""
        check_triples(_nt(derived), "the inferences added")
        self._load(derived, INFERRED_GRAPH, ox.DefaultGraph(), spare[0])
        self.log.add(INFERRED_GRAPH.value, derived)
        self.log.add(DEFAULT, derived)
        return spare[0]


def _record(lines: Iterable[bytes], into: set[bytes], undone: set[bytes]) -> None:
    """Record each line in `into`, unless it is in `undone` (the opposite change): then the two
    cancel out."""
    for line in lines:
        if line in undone:
            undone.discard(line)
        else:
            into.add(line)
