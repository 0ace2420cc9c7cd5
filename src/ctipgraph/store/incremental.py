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
- **Derived facts** (`ctipgraph.store.derive`, computed after the rules at a full build, which
  therefore never read them). While the rules run, a derived triple that no other graph holds
  ("alone") must count as absent: the rules' test that a triple is new (VISIBLE) says so, and
  those the rules could read leave the default graph: the ones a rule reads beside a delta
  pattern (the predicate transitive or a restriction's property, the type a restriction's
  class) and, before DRed rederives, those whose subject or object is the subject of a triple
  it rederives (each pattern of a rule body holds the head's subject, but prp-trp's second
  and cls-svf's `?y a ?v`, hidden already). The others stay in place (writes cost most).
  Then the facts of the claims, citations and references that changed are computed again
  (`derive.derive_some`, DERIVE_CHUNK keys a query) and the default graph gets the derived
  triples it lacks and loses those no longer derived that no other graph holds.
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
from .derive import DERIVED_GRAPH, derive_some
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
#: keys of one kind given to one derive.derive_some call: Oxigraph joins a long VALUES late
#: (at 5.1 M quads the 1,431 claimed triples of a Findings report: 34 s in one query, 2 s in
#: chunks of 100)
DERIVE_CHUNK = 100

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_CTIP = "https://w3id.org/ctipgraph/ontology#"
#: what derive reads of a claim, and of a reference (as the object of these)
_CLAIM_TRIPLE = (_RDF + "subject", _RDF + "predicate", _RDF + "object")
_CITING = (_CTIP + "denotes", "http://purl.org/spar/cito/citesAsEvidence")
_CLAIM_PARTS = (*_CLAIM_TRIPLE, _CTIP + "inDocument", *_CITING[1:])
#: what the derived recurrence of a recommendation (derive.py) reads besides its claims
_RECOMMENDATION = _CTIP + "Recommendation"
_YEARS_SUGGESTED = _CTIP + "yearsSuggested"
_REPORTING_YEAR = _CTIP + "reportingYear"
#: what the derived documents of a resource (ctip:appearsIn) read
_MENTIONED_IN = _CTIP + "mentionedIn"
_QUOTED_FROM = "http://www.w3.org/ns/prov#wasQuotedFrom"
_IN_DOCUMENT = _CTIP + "inDocument"


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


#: INFORMATIVE with its last test (not in the default graph) read as a full build's rules read
#: it: a triple there only through DERIVED_GRAPH (or a graph being deleted) is absent
VISIBLE = INFORMATIVE.replace("FILTER NOT EXISTS { ?s ?p ?o }", (
    f"FILTER(NOT EXISTS {{ ?s ?p ?o }} || EXISTS {{ GRAPH {DERIVED_GRAPH} {{ ?s ?p ?o }} }} && "
    f"NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({DERIVED_GRAPH}, {DELETED}, "
    f"{REMOVED})) }})"))
assert VISIBLE != INFORMATIVE, "rules.INFORMATIVE no longer ends as VISIBLE expects"
#: what the rules read beside a delta pattern (prp-trp, cls-svf): properties and classes
_READ_BESIDE = f"""{RULE_PREFIXES}SELECT DISTINCT ?property ?class WHERE {{
  {{ ?property a owl:TransitiveProperty }} UNION {{ ?r owl:onProperty ?property }}
  UNION {{ ?r owl:someValuesFrom ?class }} }}"""


def _triples(store: ox.Store, graph: ox.NamedNode) -> list[bytes]:
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    return data.splitlines() if data else []


def _nt_lines(triples: Iterable[ox.Triple]) -> list[bytes]:
    data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
    return data.splitlines() if data else []


def _delete_data(store: ox.Store, lines: list[bytes],
                 graph: ox.NamedNode | None = None) -> None:
    """Delete the N-Triples `lines` from the default graph (or `graph`), 10,000 an update."""
    for i in range(0, len(lines), 10000):
        data = b"\n".join(lines[i:i + 10000]).decode()
        store.update(f"DELETE DATA {{ GRAPH {graph} {{\n{data}\n}} }}" if graph is not None
                     else f"DELETE DATA {{\n{data}\n}}")


def _nt(lines: Iterable[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in sorted(lines))


def _parsed(lines: Iterable[bytes]) -> dict[bytes, ox.Triple]:
    """N-Triples lines, each with its triple."""
    ordered = sorted(set(lines))
    return dict(zip(ordered, ox.parse(_nt(ordered), format=ox.RdfFormat.N_TRIPLES),
                    strict=True)) if ordered else {}


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
        # the triples of DERIVED_GRAPH read so far (it is not changed before _derive)
        self.derived: dict[bytes, ox.Triple] = {}
        self.hidden: set[bytes] = set()  # its triples taken out of the default graph

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

    def _holders(self, triple: ox.Triple) -> set[ox.NamedNode | ox.DefaultGraph]:
        """The graphs (the default graph included) that hold `triple`."""
        return {q.graph_name for q in self.store.quads_for_pattern(
            triple.subject, triple.predicate, triple.object, None)}

    def _hide(self, lines: Iterable[bytes]) -> None:
        """Out of the default graph (DERIVED_GRAPH keeps them): those of the derived triples
        `lines` still there that no other graph holds."""
        alone = []
        for line in set(lines) - self.hidden:
            holders = self._holders(self.derived[line])
            if ox.DefaultGraph() in holders and holders <= {DERIVED_GRAPH, ox.DefaultGraph()}:
                alone.append(line)
        alone.sort()
        _delete_data(self.store, alone)
        self.hidden.update(alone)
        self.log.remove(DEFAULT, alone)

    def _read_derived(self, patterns: Iterable[tuple[ox.Term | None, ox.NamedNode | None,
                                                     ox.Term | None]]) -> list[bytes]:
        """The triples of DERIVED_GRAPH that match (subject, predicate, object) patterns (None:
        any), as N-Triples lines, remembered in self.derived."""
        found = list({ox.Triple(q.subject, q.predicate, q.object) for s, p, o in patterns
                      for q in self.store.quads_for_pattern(s, p, o, DERIVED_GRAPH)})
        lines = dict(zip(_nt_lines(found), found, strict=True))  # one line a triple, in order
        self.derived.update(lines)
        return sorted(lines)

    def _hide_derived(self) -> None:
        """Out of the default graph while the graphs and inferences are updated: the derived
        triples no other graph holds that a rule reads beside a delta pattern (see the module
        doc; the graph itself is kept)."""
        properties, classes = set(), set()
        for row in self.store.query(_READ_BESIDE):
            properties.add(row["property"])
            classes.add(row["class"])
        rdf_type = ox.NamedNode(RDF_TYPE)
        self._hide(self._read_derived([
            *((None, p, None) for p in properties if isinstance(p, ox.NamedNode)),
            *((None, rdf_type, c) for c in classes if c is not None)]))

    def _hide_touching(self, graphs: list[ox.NamedNode]) -> None:
        """Before DRed rederives the triples of `graphs`: out of the default graph, the derived
        triples alone whose subject or object is the subject of one of them (a rule body's
        patterns but those _hide_derived hid each hold the head's subject)."""
        terms = {quad.subject for graph in graphs
                 for quad in self.store.quads_for_pattern(None, None, None, graph)}
        self._hide(self._read_derived([*((t, None, None) for t in terms),
                                       *((None, None, t) for t in terms)]))

    def _derive(self) -> None:
        """The derived triples of the claims, citations and references that changed computed
        again (derive.derive_some, DERIVE_CHUNK keys at a time), and the default graph brought
        up to date: every derived triple in it, and those no longer derived out of it unless
        another graph holds them."""
        kinds = self._derive_keys()
        dropped: set[bytes] = set()  # from DERIVED_GRAPH
        added: set[bytes] = set()
        for kind, keys in enumerate(kinds):
            ordered = sorted(keys, key=str)
            for i in range(0, len(ordered), DERIVE_CHUNK):
                chunk = ordered[i:i + DERIVE_CHUNK]
                out, into = derive_some(self.store, *(chunk if k == kind else []
                                                      for k in range(len(kinds))))
                dropped |= out
                added |= into
        self.log.remove(DERIVED_GRAPH.value, dropped)
        self.log.add(DERIVED_GRAPH.value, added)
        removed = self.log.removed.get(DEFAULT, set())
        # derived now and not in the default graph: the new ones, and those it lost meanwhile
        candidates = {line: t for line, t in _parsed(removed).items()
                      if ox.Quad(t.subject, t.predicate, t.object, DERIVED_GRAPH) in self.store}
        candidates.update(_parsed(added - candidates.keys()))
        back = sorted(line for line, t in candidates.items()
                      if ox.DefaultGraph() not in self._holders(t))
        gone = sorted(line for line, t in _parsed(dropped - removed).items()
                      if self._holders(t) == {ox.DefaultGraph()})
        _delete_data(self.store, gone)
        self.log.remove(DEFAULT, gone)
        self._load(set(back), ox.DefaultGraph())
        self.log.add(DEFAULT, back)

    def _derive_keys(self) -> tuple[set, set, set, set, set]:
        """What derive_some must compute again, from the default graph's changes: references
        (typed, denoted, cited as evidence), claimed triples (of the claims whose triple,
        document or evidence changed: before and after), their (subject, property),
        recommendations (typed, their years suggested changed, the subject of such a claim
        before or after, or claimed in a document whose reporting year changed), and documents
        (of a passage that changed document, or whose mentions or quoting claims changed, and of
        the passages claims changed are quoted from)."""
        lines = self.log.removed.get(DEFAULT, set()) | self.log.added.get(DEFAULT, set())
        references: set[ox.NamedNode] = set()
        recommendations: set[ox.NamedNode] = set()
        years_changed: set[ox.NamedNode] = set()
        claims: set[ox.NamedNode] = set()
        documents: set[ox.Term] = set()
        passages: set[ox.Term] = set()  # whose mentions or quoting claims changed
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
            if p == _YEARS_SUGGESTED or p == RDF_TYPE and o.value == _RECOMMENDATION:
                recommendations.add(t.subject)
            if p == _REPORTING_YEAR:
                years_changed.add(t.subject)
            if p in (_MENTIONED_IN, _QUOTED_FROM):
                passages.add(o)
            if p == _IN_DOCUMENT:
                documents.add(o)
        triples, pairs = set(), set()
        subjects: set[ox.Term] = set()
        for claim in claims:
            now = {p: q.object for p in _CLAIM_TRIPLE for q in self.store.quads_for_pattern(
                claim, ox.NamedNode(p), None, ox.DefaultGraph())}
            passages.update(q.object for q in self.store.quads_for_pattern(  # quoted from
                claim, ox.NamedNode(_QUOTED_FROM), None, ox.DefaultGraph()))
            for parts in (now, {**now, **before.get(claim, {})}):
                subjects.add(parts.get(_RDF + "subject"))
                if len(parts) == 3 and not any(isinstance(v, ox.BlankNode)
                                               for v in parts.values()):
                    s, p, o = (parts[k] for k in _CLAIM_TRIPLE)
                    triples.add((s, p, o))
                    pairs.add((s, p))
        for document in sorted(years_changed, key=str):
            subjects.update(row["r"] for row in self.store.query(
                f"SELECT DISTINCT ?r WHERE {{ ?c <{_CTIP}inDocument> {document} ; "
                f"<{_RDF}subject> ?r }}"))
        recommendations.update(s for s in subjects if isinstance(s, ox.NamedNode) and next(
            iter(self.store.quads_for_pattern(s, ox.NamedNode(RDF_TYPE),
                                              ox.NamedNode(_RECOMMENDATION),
                                              ox.DefaultGraph())), None))
        for passage in passages:
            documents.update(q.object for q in self.store.quads_for_pattern(
                passage, ox.NamedNode(_IN_DOCUMENT), None, ox.DefaultGraph()))
        named = {d for d in documents if isinstance(d, ox.NamedNode)}
        return references, triples, pairs, recommendations, named

    def _delete(self, old: list[ox.NamedNode], kept: set[bytes]) -> list[ox.NamedNode]:
        """Remove the old graphs, and from the default graph their triples that no other graph
        holds (nor a new document: `kept`) and, by DRed, the inferences they supported; then
        rederive those still given. Returns the graph of the rederived triples (a frontier)."""
        excluded = ", ".join(str(g) for g in (*old, INFERRED_GRAPH, DERIVED_GRAPH, *FRONTIERS,
                                              DELETED, REMOVED))  # derived: put back later
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
        _delete_data(self.store, sorted(gone))
        self.log.remove(DEFAULT, gone | inferred)
        frontier = []
        if self.inferences:  # the deleted triples still given: the inferences, and of the old
            # graphs' triples those no longer in the default graph (INFORMATIVE's last filter)
            self._hide_touching([DELETED, *sources])
            self._prune_unreachable(DELETED)
            rederived = self._construct([b for graph in (DELETED, *sources)
                                         for b in rederive_bodies(graph)], VISIBLE)
            self._drop(DELETED, REMOVED)
            if rederived:
                frontier.append(self._commit(rederived, list(FRONTIERS)))
        for graph in old:
            self.store.update(f"DROP GRAPH {graph}")
        return frontier

    def _prune_unreachable(self, graph: ox.NamedNode) -> None:
        """Out of `graph` (DRed's overdeleted triples, before they are rederived): those whose
        subject no triple of the default graph holds, as subject or object. Every rule body
        reads its head's subject in a triple of the default graph (rules.INSTANCE_RULES), so
        none of those can be rederived; most are a removed report's own resources, and each
        rule body looked up every one of them (3 s of a report's removal at 5.1 M quads)."""
        self.store.update(f"""DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{
            GRAPH {graph} {{ ?s ?p ?o }}
            FILTER NOT EXISTS {{ ?s ?sp ?so }} FILTER NOT EXISTS {{ ?os ?op ?s }} }}""")

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
            derived = self._construct(delta_variants(frontier), VISIBLE)
            self._drop(*(g for g in frontier if g in FRONTIERS))
            spare = [g for g in FRONTIERS if g not in frontier]
            frontier = [self._commit(derived, spare)] if derived else []

    def _commit(self, derived: set[bytes], spare: list[ox.NamedNode]) -> ox.NamedNode:
        """Add the triples derived in a round to the inferred and default graphs and to a
        spare frontier graph, which is returned."""
        check_triples(_nt(derived), "the inferences added")
        self._load(derived, INFERRED_GRAPH, spare[0])
        self.log.add(INFERRED_GRAPH.value, derived)
        # a triple of DERIVED_GRAPH that the rules derive is new unless still in the default
        # graph (VISIBLE: no other graph holds it)
        new = {line for line, t in _parsed(derived).items()
               if ox.Quad(t.subject, t.predicate, t.object) not in self.store}
        self._load(new, ox.DefaultGraph())
        self.log.add(DEFAULT, new)
        return spare[0]


def _record(lines: Iterable[bytes], into: set[bytes], undone: set[bytes]) -> None:
    """Record each line in `into`, unless it is in `undone` (the opposite change): then the two
    cancel out."""
    for line in lines:
        if line in undone:
            undone.discard(line)
        else:
            into.add(line)
