"""The OWL 2 RL rules ctipgraph's ontology relies on, as SPARQL CONSTRUCT queries run inside
Oxigraph to a fixpoint (owlrl does the same in pure Python and is far too slow on the whole graph).

Rules (names from the OWL 2 RL profile, tables 4–9):

- schema: scm-sco, scm-eqc1/2, scm-spo, scm-eqp1/2, scm-dom1/2, scm-rng1/2;
- instances: cax-sco, cax-eqc1/2, prp-spo1, prp-eqp1/2, prp-inv1/2, prp-symp, prp-trp, prp-dom,
  prp-rng, and cls-svf1/2 + cax-eqc through an `owl:someValuesFrom` restriction (how `ctip:Funder`
  is defined: anything that `ctip:funds` something).

Like `ctipgraph.store.reason.infer`, only informative triples are kept: no blank nodes or literals
as
subjects, no blank-node objects, nothing already asserted, no `x a owl:Thing` and no reflexive or
`owl:Thing` sub-class axioms. `tests/test_rules.py` checks that the result equals owlrl's on the
test fixture.

Evaluation (`materialize`): the schema rules to a fixpoint, then one round of every rule over the
whole store, then *semi-naive* rounds: each instance rule once per body pattern that can match a
non-schema triple, that pattern read from the last round's new triples (a frontier graph) and
the others from the whole store. A round over the whole store writes only the target graph, and
the next round reads that as its frontier (writing most of the inferences once more into a
frontier graph cost about a tenth of the rules' time: 32.6 → 28.9 s at 3.5 M quads). A round
that adds a schema triple (SCHEMA_PREDICATES, SCHEMA_CLASSES) is followed by a round over the
whole store again. Rules whose schema patterns match nothing are left out of the rounds (a
cheap ASK). The result is the same fixpoint.
"""

from __future__ import annotations

import heapq
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pyoxigraph as ox

from ..swap import replacing_file
from . import GRAPH_BASE

RULE_PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""

# Each rule: a WHERE body binding ?s ?p ?o (constants through BIND).
SCHEMA_RULES: dict[str, str] = {
    "scm-sco": "?s rdfs:subClassOf ?m . ?m rdfs:subClassOf ?o . BIND(rdfs:subClassOf AS ?p)",
    "scm-eqc1": """{ ?s owl:equivalentClass ?o } UNION { ?o owl:equivalentClass ?s }
                   BIND(rdfs:subClassOf AS ?p)""",
    "scm-eqc2": """?s rdfs:subClassOf ?o . ?o rdfs:subClassOf ?s .
                   BIND(owl:equivalentClass AS ?p)""",
    "scm-spo": """?s rdfs:subPropertyOf ?m . ?m rdfs:subPropertyOf ?o .
                  BIND(rdfs:subPropertyOf AS ?p)""",
    "scm-eqp1": """{ ?s owl:equivalentProperty ?o } UNION { ?o owl:equivalentProperty ?s }
                   BIND(rdfs:subPropertyOf AS ?p)""",
    "scm-eqp2": """?s rdfs:subPropertyOf ?o . ?o rdfs:subPropertyOf ?s .
                   BIND(owl:equivalentProperty AS ?p)""",
    "scm-dom1": "?s rdfs:domain ?c . ?c rdfs:subClassOf ?o . BIND(rdfs:domain AS ?p)",
    "scm-dom2": "?s rdfs:subPropertyOf ?q . ?q rdfs:domain ?o . BIND(rdfs:domain AS ?p)",
    "scm-rng1": "?s rdfs:range ?c . ?c rdfs:subClassOf ?o . BIND(rdfs:range AS ?p)",
    "scm-rng2": "?s rdfs:subPropertyOf ?q . ?q rdfs:range ?o . BIND(rdfs:range AS ?p)",
}

INSTANCE_RULES: dict[str, str] = {
    "cax-sco": "?s a ?c . ?c rdfs:subClassOf ?o . BIND(rdf:type AS ?p)",
    # (the few equivalences first, in a sub-query: written as a join, every type triple of the
    # store was read and joined to the UNION, 4.25 s instead of 1.11 s on RocksDB for the
    # regional reports and the Mali series)
    "cax-eqc": """{ SELECT ?c ?o WHERE { { ?c owl:equivalentClass ?o }
                                      UNION { ?o owl:equivalentClass ?c } } }
                  ?s a ?c . BIND(rdf:type AS ?p)""",
    "prp-spo1": "?q rdfs:subPropertyOf ?p . ?s ?q ?o .",
    "prp-eqp": """{ ?q owl:equivalentProperty ?p } UNION { ?p owl:equivalentProperty ?q }
                  ?s ?q ?o .""",
    "prp-inv1": "?p owl:inverseOf ?q . ?o ?q ?s .",
    "prp-inv2": "?q owl:inverseOf ?p . ?o ?q ?s .",
    "prp-symp": "?p a owl:SymmetricProperty . ?o ?p ?s .",
    "prp-trp": "?p a owl:TransitiveProperty . ?s ?p ?m . ?m ?p ?o .",
    # prp-dom and prp-rng: each (resource, class) once, before the filters and the writing:
    # a resource is the subject (object) of many triples of a property with a domain (range).
    # The 64 regional reports and the Mali series: 922,358 rows for 393,427 pairs (domain),
    # 1,174,556 for 100,663 (range); 10.4 -> 6.8 s and 7.1 -> 2.9 s on RocksDB
    "prp-dom": """{ SELECT DISTINCT ?s ?o WHERE { ?q rdfs:domain ?o . ?s ?q ?any } }
                  BIND(rdf:type AS ?p)""",
    "prp-rng": """{ SELECT DISTINCT ?s ?o WHERE { ?q rdfs:range ?o . ?any ?q ?s } }
                  BIND(rdf:type AS ?p)""",
    # cls-svf1/2 then cax-eqc (or cax-sco) with the restriction: x p y (y a v) ⟹ x a c
    "cls-svf": """?r owl:someValuesFrom ?v ; owl:onProperty ?q .
                  { ?o owl:equivalentClass ?r } UNION { ?r owl:equivalentClass ?o }
                  UNION { ?r rdfs:subClassOf ?o }
                  ?s ?q ?y .
                  FILTER(?v = owl:Thing || EXISTS { ?y a ?v })
                  BIND(rdf:type AS ?p)""",
}

INFORMATIVE = """
  FILTER(isIRI(?s) && isIRI(?p) && !isBlank(?o))
  FILTER(?p != rdf:type || ?o NOT IN (owl:Thing, rdfs:Resource, owl:NamedIndividual))
  FILTER(?p NOT IN (rdfs:subClassOf, owl:equivalentClass, rdfs:subPropertyOf,
                    owl:equivalentProperty) || (?s != ?o && ?o NOT IN (owl:Thing, rdfs:Resource)))
  FILTER NOT EXISTS { ?s ?p ?o }
"""


#: The body patterns of each instance rule (as written in INSTANCE_RULES) that can match a
#: non-schema triple, and what reads them from a delta graph ({delta}) instead. The other
#: patterns of a rule are its schema. For cls-svf the pattern `?y a ?v` sits in a filter whose
#: other branch (owl:Thing) needs no such triple: its delta form is the join.
DELTA_PATTERNS: dict[str, tuple[tuple[str, str], ...]] = {
    "cax-sco": (("?s a ?c", "GRAPH {delta} { ?s a ?c }"),),
    "cax-eqc": (("?s a ?c", "GRAPH {delta} { ?s a ?c }"),),
    "prp-spo1": (("?s ?q ?o", "GRAPH {delta} { ?s ?q ?o }"),),
    "prp-eqp": (("?s ?q ?o", "GRAPH {delta} { ?s ?q ?o }"),),
    "prp-inv1": (("?o ?q ?s", "GRAPH {delta} { ?o ?q ?s }"),),
    "prp-inv2": (("?o ?q ?s", "GRAPH {delta} { ?o ?q ?s }"),),
    "prp-symp": (("?o ?p ?s", "GRAPH {delta} { ?o ?p ?s }"),),
    "prp-trp": (("?s ?p ?m", "GRAPH {delta} { ?s ?p ?m }"),
                ("?m ?p ?o", "GRAPH {delta} { ?m ?p ?o }")),
    "prp-dom": (("?s ?q ?any", "GRAPH {delta} { ?s ?q ?any }"),),
    "prp-rng": (("?any ?q ?s", "GRAPH {delta} { ?any ?q ?s }"),),
    "cls-svf": (("?s ?q ?y", "GRAPH {delta} { ?s ?q ?y }"),
                ("FILTER(?v = owl:Thing || EXISTS { ?y a ?v })", "GRAPH {delta} { ?y a ?v }")),
}

_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
#: The triples the rules read as schema: these predicates, and rdf:type with these classes.
#: (tests/test_store_incremental.py checks that the rules name no other RDFS/OWL term.)
SCHEMA_PREDICATES = tuple(_RDFS + n for n in ("subClassOf", "subPropertyOf", "domain", "range")) \
    + tuple(_OWL + n for n in ("equivalentClass", "equivalentProperty", "inverseOf",
                               "someValuesFrom", "onProperty"))
SCHEMA_CLASSES = (_OWL + "SymmetricProperty", _OWL + "TransitiveProperty")

#: the frontiers of materialize's semi-naive rounds (one is read while the next is written)
FRONTIERS = (ox.NamedNode(GRAPH_BASE + "rules/frontier-a"),
             ox.NamedNode(GRAPH_BASE + "rules/frontier-b"))


def delta_variants(frontier: list[ox.NamedNode], names: Iterable[str] | None = None) -> list[str]:
    """Every instance rule (or those `names`) with one of its document patterns read from one
    of the `frontier` graphs: the bodies of semi-naive evaluation (and of overdeletion). One
    query per graph: Oxigraph scans every graph for `VALUES ?g {…} GRAPH ?g {…}`."""
    chosen = DELTA_PATTERNS if names is None else {n: DELTA_PATTERNS[n] for n in names}
    return [INSTANCE_RULES[name].replace(pattern, replacement.replace("{delta}", str(graph)))
            for graph in frontier for name, patterns in chosen.items()
            for pattern, replacement in patterns]


def _schema_part(name: str) -> str:
    """The schema patterns of an instance rule: its body with the document patterns empty."""
    body = INSTANCE_RULES[name]
    for pattern, _ in DELTA_PATTERNS[name]:
        body = body.replace(pattern, "{}")
    return body


def _live(store: ox.Store, options: dict[str, object]) -> list[str]:
    """The instance rules whose schema patterns match something in the store (the others
    cannot fire while the schema is unchanged)."""
    return [name for name in INSTANCE_RULES
            if store.query(f"{RULE_PREFIXES}ASK {{ {_schema_part(name)} }}", **options)]


def _construct(body: str) -> str:
    return f"{RULE_PREFIXES}CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {body}\n{INFORMATIVE} }}"


def _insert(body: str, graphs: list[ox.NamedNode]) -> str:
    into = " ".join(f"GRAPH {graph} {{ ?s ?p ?o }}" for graph in graphs)
    return f"{RULE_PREFIXES}INSERT {{ {into} ?s ?p ?o }} WHERE {{ {body}\n{INFORMATIVE} }}"


_ANY_SCHEMA = " ".join(f"<{iri}>" for iri in SCHEMA_PREDICATES)
_ANY_SCHEMA_CLASS = " ".join(f"<{iri}>" for iri in SCHEMA_CLASSES)


def _round(store: ox.Store, bodies: Iterable[str], graphs: list[ox.NamedNode], merged: bool,
           bulk: bool) -> None:
    """Apply every rule body once (each sees the previous ones' results) and add what it
    infers to `graphs` (and, when `merged`, to the default graph: SPARQL INSERT, faster in
    memory than CONSTRUCT and loading its result; with `bulk`, CONSTRUCT and Oxigraph's bulk
    loader, what a RocksDB store writes fast)."""
    for body in bodies:
        if merged and not bulk:  # the merge holds every triple of every graph, these too
            store.update(_insert(body, graphs))
            continue
        options = {} if merged else {"use_default_graph_as_union": True}
        data = store.query(_construct(body), **options).serialize(format=ox.RdfFormat.N_TRIPLES)
        targets = (*graphs, ox.DefaultGraph()) if merged else graphs
        for graph in targets if data else ():
            if bulk:
                store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
            else:
                store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)


_SCHEMA_TRIPLES = (f"{{ VALUES ?p {{ {_ANY_SCHEMA} }} ?s ?p ?o }} UNION "
                   f"{{ VALUES ?o {{ {_ANY_SCHEMA_CLASS} }} ?s a ?o }}")


def _news(store: ox.Store, frontier: ox.NamedNode) -> tuple[bool, bool]:
    """Whether the graph `frontier` holds a triple, and whether it holds a schema triple."""
    added = bool(store.query(f"ASK {{ GRAPH {frontier} {{ ?s ?p ?o }} }}"))
    return added, added and bool(store.query(
        f"ASK {{ GRAPH {frontier} {{ {_SCHEMA_TRIPLES} }} }}"))


def _count(store: ox.Store, graph: ox.NamedNode, pattern: str = "?s ?p ?o") -> int:
    """The number of matches of `pattern` in `graph` (one SPARQL COUNT, inside the store)."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ {pattern} }} }}"
    return int(next(iter(store.query(query)))["n"].value)


def _sizes(store: ox.Store, graph: ox.NamedNode) -> tuple[int, int]:
    """The number of triples of `graph`, and of its schema triples."""
    return _count(store, graph), _count(store, graph, _SCHEMA_TRIPLES)


def materialize(store: ox.Store, target: ox.NamedNode,
                progress: Callable[[str], None] | None = None, *, merged: bool = False,
                bulk: bool = False) -> int:
    """Add the closure of the rules over all graphs of `store` into graph `target` (see the
    module doc for the order of evaluation).

    With `merged`, the store's default graph is the RDF merge of its named graphs
    (store.merge_into_default) and the rules read it (each triple once: much faster where many
    graphs repeat the same triples); the inferred triples are added to it as well. Otherwise
    the rules read the union of the graphs. Returns the number of triples in `target`
    afterwards. The store must be writable.

    With `bulk` (a RocksDB store being built: ctipgraph.store.disk_build), every write is a
    bulk load, and nothing is removed: each round's frontier is a new graph
    (`rules/frontier-N`), left in the store for its caller to discard.
    """
    started = time.perf_counter()
    options: dict[str, object] = {} if merged else {"use_default_graph_as_union": True}
    frontiers = _Frontiers(store, bulk)
    rounds = 0
    while True:  # the schema rules, to a fixpoint
        spare = frontiers.fresh()
        _round(store, SCHEMA_RULES.values(), [target, spare], merged, bulk)
        if not _news(store, spare)[0]:
            break
        rounds += 1
    frontier: ox.NamedNode | None = None  # None: the next round reads the whole store
    live: list[str] = []
    while True:
        if frontier is None:
            # a round over the whole store writes `target` only: what it adds (most of the
            # inferences) is not written again into a frontier graph. The next round reads
            # `target` as its frontier: more than the round's new triples when `target` was not
            # empty, which the rules find again and drop (rules.INFORMATIVE)
            live = _live(store, options)
            bodies = [*SCHEMA_RULES.values(), *(INSTANCE_RULES[name] for name in live)]
            before = _sizes(store, target)
            _round(store, bodies, [target], merged, bulk)
            after = _sizes(store, target)
            added, schema, written = after[0] > before[0], after[1] > before[1], target
        else:
            written = frontiers.fresh()
            _round(store, delta_variants([frontier], live), [target, written], merged, bulk)
            added, schema = _news(store, written)
        if progress:
            progress(f"rules: round {rounds + 1} ({'whole store' if frontier is None else 'new'}"
                     f" triples) done, {time.perf_counter() - started:.1f} s")
        if not added:
            break
        rounds += 1
        frontier = None if schema else written  # a schema change: the next round reads all
    frontiers.fresh()
    count = _count(store, target)
    if progress:
        progress(f"inferred {count} triple(s) in {rounds} round(s), "
                 f"{time.perf_counter() - started:.1f} s")
    return count


class _Frontiers:
    """The frontier graphs of materialize's rounds: FRONTIERS in turn, each emptied before it
    is written (the other holds the last round's triples); with `bulk`, a new graph each
    round (a RocksDB store removes slowly), none emptied."""

    def __init__(self, store: ox.Store, bulk: bool) -> None:
        self.store = store
        self.bulk = bulk
        self.used = 0

    def fresh(self) -> ox.NamedNode:
        """An empty frontier graph, the previous one's triples still in place (the one before
        removed, unless `bulk`)."""
        self.used += 1
        if self.bulk:
            return ox.NamedNode(f"{GRAPH_BASE}rules/frontier-{self.used}")
        graph = FRONTIERS[self.used % 2]
        self.store.update(f"DROP SILENT GRAPH {graph}")
        return graph


def sorted_turtle(store: ox.Store, graph: ox.NamedNode, prefixes: dict[str, str]) -> bytes:
    """Graph `graph` as Turtle in a deterministic order (sorted N-Triples lines)."""
    lines = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).splitlines()
    lines = sorted(set(lines))
    data = b"\n".join(lines) + (b"\n" if lines else b"")
    return ox.serialize(ox.parse(data, format=ox.RdfFormat.N_TRIPLES),
                        format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""


#: bytes of N-Triples sorted in memory at a time by write_sorted_turtle (one run)
SORT_RUN_BYTES = 256 * 1024 ** 2


def write_sorted_turtle(store: ox.Store, graph: ox.NamedNode, prefixes: dict[str, str],
                        path: Path) -> None:
    """sorted_turtle's bytes written to `path` (atomically) in bounded memory, for a graph
    too large to sort in memory (the inferences at 50 M quads: 15 M triples, 11.4 GB sorted
    in memory): the graph dumped as N-Triples beside `path`, sorted in runs of SORT_RUN_BYTES,
    the runs merged (each line once) and the merge written as Turtle as it is read."""
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.name}.") as folder:
        work = Path(folder)
        dumped = work / "graph.nt"
        store.dump(str(dumped), format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        runs = _sorted_runs(dumped, work)
        dumped.unlink()
        merged = work / "sorted.nt"
        with ExitStack() as files, merged.open("wb") as out:
            previous = None
            for line in heapq.merge(*(_lines(files.enter_context(run.open("rb")))
                                      for run in runs)):
                if line != previous:
                    out.write(line + b"\n")
                    previous = line
        with replacing_file(path) as handle:
            ox.serialize(ox.parse(path=str(merged), format=ox.RdfFormat.N_TRIPLES), handle,
                         format=ox.RdfFormat.TURTLE, prefixes=prefixes)


def _lines(handle) -> Iterator[bytes]:
    """The lines of a file, without their line ends (sorted as sorted_turtle sorts them)."""
    for line in handle:
        yield line.rstrip(b"\n")


def _sorted_runs(dumped: Path, folder: Path) -> list[Path]:
    """`dumped`'s lines in files of sorted lines, SORT_RUN_BYTES of them each."""
    runs: list[Path] = []

    def flush(lines: list[bytes]) -> None:
        run = folder / f"run-{len(runs)}.nt"
        with run.open("wb") as out:
            out.writelines(line + b"\n" for line in sorted(set(lines)))
        runs.append(run)

    with dumped.open("rb") as source:
        lines: list[bytes] = []
        size = 0
        for line in _lines(source):
            lines.append(line)
            size += len(line)
            if size >= SORT_RUN_BYTES:
                flush(lines)
                lines, size = [], 0
        if lines:
            flush(lines)
    return runs
