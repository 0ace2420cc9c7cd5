"""`ctipgraph build`: every source → validated, deterministic Turtle in data/ttl/, atomically.

Each document is converted in a worker process (read → segment → cite → link → emit →
validate → serialize) that dies with the build (ctipgraph.pool), within a time limit per
document. Output goes to a temporary folder that replaces the previous one in one atomic step
(ctipgraph.swap) only when every document converted and conformed, so a failed build leaves
data/ttl/ as it was, and a build killed at any instant leaves the old build or the new one.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF

from .emit.evidence import emit_evidence
from .emit.turtle import TurtleWriter
from .extract import extract, series_actions
from .extract.series import Action, SeriesIndex, built_actions
from .identify import Identification, identify, load_kinds
from .iris import doc_iri
from .link.acronyms import AcronymIndex, Definition, built_definitions
from .link.documents import CorpusDocument, corpus_documents, link_references
from .link.lexicon import load_lexicon
from .namespaces import CTIP
from .pool import OverTime, Stuck, hard_limit, in_order, time_limit, worker_pool
from .rdfio import read_built
from .read import ReadError, suffixes
from .read.model import Document, Kind
from .sources import Skipped, Source, SourceMeta, discover, merge
from .swap import clean_start, crash_point, replace_dir
from .validate import Violation, validate_graph

#: The default time limit of one document (reading and converting it), in CPU seconds.
DOC_TIMEOUT = 120.0


class BuildError(RuntimeError):
    """The build could not complete; data/ttl/ was left untouched."""


@dataclass
class DocResult:
    """What converting one document produced (or why it could not)."""

    doc_id: str
    path: str
    turtle: str = ""
    text: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the document was recognized as
    violations: list[Violation] = field(default_factory=list)
    entities: dict[str, int] = field(default_factory=dict)  # by class
    claims: dict[str, int] = field(default_factory=dict)  # by predicate
    unlinked: list[str] = field(default_factory=list)  # names no entity matched
    error: str | None = None  # a failure of ours: the build stops
    skipped: str | None = None  # an input we cannot read: reported, left out
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and self.skipped is None and not self.violations

    def summary(self) -> str:
        c = self.counts
        pages = f"{c['pages']} pages, " if c.get("pages") else ""
        return (
            f"{pages}{c.get('passages', 0)} passages ({c.get('headings', 0)} headings, "
            f"{c.get('sentences', 0)} sentences, {c.get('items', 0)} list items, "
            f"{c.get('rows', 0)} table rows, {c.get('cells', 0)} cells, "
            f"{c.get('footnotes', 0)} footnotes, {c.get('fields', 0)} fields), "
            f"{c.get('tables', 0)} tables, {c.get('references', 0)} references, "
            f"citations {c.get('citations_resolved', 0)}/{c.get('citations_found', 0)} resolved "
            f"({c.get('markers', 0)} markers), "
            f"{c.get('triples', 0)} triples"
        )


@dataclass
class BuildSummary:
    """The outcome of a build."""

    results: list[DocResult]
    skipped: list[Skipped]
    seconds: float
    out_dir: Path


def load_document(path: Path):
    """Read, segment and resolve citations of one source file."""
    from .segment import load  # imported here so worker processes import it once, lazily

    return load(path)


def _local(term: object) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]


def _fact_counts(graph: Graph) -> tuple[dict[str, int], dict[str, int]]:
    """Entities by class (things that are mentioned) and claims by predicate."""
    entities = Counter(
        _local(cls)
        for entity in set(graph.subjects(CTIP.mentionedIn, None))
        for cls in graph.objects(entity, RDF.type)
        if str(cls).startswith(str(CTIP))
    )
    claims = Counter(_local(p) for claim in graph.subjects(RDF.type, CTIP.Claim)
                     for p in graph.objects(claim, RDF.predicate))
    return dict(sorted(entities.items())), dict(sorted(claims.items(), key=lambda kv: -kv[1]))


def _counts(doc, triples: int) -> dict[str, int]:
    kinds = Counter(block.kind for block in doc.passages())
    found = len(doc.citations) + len(doc.unresolved)
    return {
        "pages": len(doc.pages),
        "passages": sum(kinds.values()),
        "headings": kinds[Kind.HEADING],
        "sentences": kinds[Kind.SENTENCE],
        "items": kinds[Kind.LIST_ITEM],
        "rows": kinds[Kind.TABLE_ROW],
        "cells": kinds[Kind.TABLE_CELL],
        "footnotes": kinds[Kind.FOOTNOTE],
        "fields": kinds[Kind.FIELD],
        "tables": len(doc.tables),
        "references": len(doc.bibliography),
        "citations_found": found,
        "markers": len({(c.start, c.end) for c in [*doc.citations, *doc.unresolved]}),
        "citations_resolved": len(doc.citations),
        "triples": triples,
    }


def probe(source: Source) -> tuple[Document | None, list[Action], list[Definition]]:
    """Phase one of a build: read a source, list the suggested actions of its tables and the
    names it gives with their acronyms, so that phase two gives an action one IRI through its
    country's series (extract.series) and a body one IRI through the acronyms the reports give
    it (link.acronyms). A source that cannot be read gives nothing here: convert() reads it
    again and says why."""
    try:
        lexicon = load_lexicon()
        doc = load_document(source.path)
        doc.doc_id = source.doc_id
        meta = merge(source.meta, identify(doc, lexicon).meta)
        defined = extract(doc, lexicon, meta=meta).registry.series_definitions()
        return (doc, series_actions(doc, lexicon, meta=meta),
                [Definition(source.doc_id, *given) for given in sorted(defined)])
    except Exception:  # reported by convert()
        return None, [], []


def convert(source: Source, corpus: list[CorpusDocument], validate: bool = True,
            series: SeriesIndex | None = None, doc: Document | None = None,
            names: AcronymIndex | None = None) -> DocResult:
    """Convert one source (`doc`: already read by `probe`; `series` and `names`: what phase one
    found of the build's series); never raises for a bad document (the error is in the
    result)."""
    started = time.perf_counter()
    result = DocResult(doc_id=source.doc_id, path=str(source.path))
    try:
        lexicon = load_lexicon()
        doc = doc if doc is not None else load_document(source.path)
        doc.doc_id = source.doc_id
        found = identify(doc, lexicon)
        result.notes = _identity_notes(source.path, source.meta, found)
        source = dataclasses.replace(source, meta=merge(source.meta, found.meta))
        links = link_references(doc.bibliography, doc.text, corpus, source.doc_id)
        graph = emit_evidence(doc, source, links, lexicon)
        extraction = extract(doc, lexicon, meta=source.meta, series=series, series_names=names)
        graph += extraction.graph
        result.entities, result.claims = _fact_counts(extraction.graph)
        result.unlinked = list(extraction.unlinked)
        if validate:
            report = validate_graph(graph)
            result.violations = report.violations
        result.turtle = TurtleWriter().write(
            graph, base=f"{doc_iri(source.doc_id)}/", first=doc_iri(source.doc_id)
        )
        result.text = doc.text
        result.counts = _counts(doc, len(graph))
        result.unresolved = [
            f"offset {u.start}: {u.marker_text!r} ({u.item_text}): {u.reason}"
            for u in doc.unresolved
        ]
        result.warnings = list(doc.warnings) + list(found.warnings)
    except ReadError as exc:
        result.skipped = str(exc)
    except Exception as exc:  # a strange document must not take the build down with a traceback
        result.error = f"{source.path}: cannot convert: {type(exc).__name__}: {exc}"
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class _Probed:
    """What phase one gave for one source, and how long it took."""

    doc: Document | None
    actions: list[Action]
    definitions: list[Definition]
    cpu: float  # CPU seconds
    over_time: bool = False


def _over_time(source: Source, limit: float) -> str:
    return (f"{source.path}: over the time limit of {limit:g} s (CPU) per document "
            "(--doc-timeout)")


def _probe_within(source: Source, limit: float | None) -> _Probed:
    """`probe` within the document's time limit."""
    started = time.process_time()
    try:
        with time_limit(limit):
            doc, actions, definitions = probe(source)
    except OverTime:
        return _Probed(None, [], [], time.process_time() - started, over_time=True)
    return _Probed(doc, actions, definitions, time.process_time() - started)


def _convert_within(source: Source, corpus: list[CorpusDocument], series: SeriesIndex,
                    names: AcronymIndex, probed: _Probed, limit: float | None) -> DocResult:
    """`convert` within what is left of the document's time limit after phase one."""
    if limit and probed.over_time:
        return DocResult(doc_id=source.doc_id, path=str(source.path),
                         skipped=_over_time(source, limit))
    started = time.perf_counter()
    try:
        with time_limit(max(limit - probed.cpu, 0.01) if limit else None):
            return convert(source, corpus, series=series, doc=probed.doc, names=names)
    except OverTime:
        assert limit
        return DocResult(doc_id=source.doc_id, path=str(source.path),
                         skipped=_over_time(source, limit),
                         seconds=time.perf_counter() - started)


def _identity_notes(path: Path, sidecar: SourceMeta, found: Identification) -> list[str]:
    """One line on what the document's own words gave where its sidecar is silent, or one saying
    that it was recognized as no known kind of document."""
    if not (sidecar.kind or found.kind):
        kinds = " or ".join(found.kinds) or "any known kind of document"
        return [f"{path}: not recognized as a {kinds}: read as a generic document"]
    text = found.meta
    parts = [f"{label} {shown}" for label, name, shown in (
        ("kind", "kind", text.kind),
        ("country", "country", text.country),
        ("reporting year", "reporting_year", text.reporting_year),
        ("title", "title", f"'{text.title}'"),
        ("publisher", "publishers", ", ".join(a.key for a in text.publishers)),
    ) if getattr(text, name) and not getattr(sidecar, name)]
    return [f"read from its text: {'; '.join(parts)}"] if parts else []


def build(
    sources_dir: Path,
    out_dir: Path,
    *,
    jobs: int | None = None,
    only: list[str] | None = None,
    progress: Callable[[str], None] = lambda line: None,
    strict: bool = False,
    doc_timeout: float | None = DOC_TIMEOUT,
) -> BuildSummary:
    """Convert every source (or only some) and replace out_dir atomically.

    A source that cannot be read (empty, binary, wrong encoding, too large) or that takes more
    than `doc_timeout` CPU seconds (None or 0: no limit) is reported and left out — or, with
    `strict`, fails the build. Raises BuildError (leaving out_dir untouched) when a document
    fails to convert or does not conform to the shapes, SourceCollision when two sources have
    one document id. Leftovers of a build stopped earlier are cleaned up first (ctipgraph.swap).
    """
    started = time.perf_counter()
    for line in clean_start(out_dir):  # what a build killed earlier left behind
        progress(line)
    crash_point("started")
    load_kinds()  # a malformed data/lexicon/documents.toml stops the build here, named
    sources, skipped = discover(sources_dir, suffixes())
    corpus = corpus_documents(sources)
    if only:
        unknown = sorted(set(only) - {s.doc_id for s in sources})
        if unknown:
            known = ", ".join(s.doc_id for s in sources)
            raise BuildError(f"no such document: {', '.join(unknown)} (known: {known})")
        sources = [s for s in sources if s.doc_id in set(only)]
    for entry in skipped:
        progress(f"skipped {entry.path}: {entry.reason}")
    jobs = max(1, jobs or os.cpu_count() or 1)
    results: list[DocResult] = []
    total = len(sources)
    # the documents a partial build keeps still name their suggested actions and acronyms
    kept: list[Action] = []
    kept_names: list[Definition] = []
    for path in sorted(out_dir.glob("*.ttl")) if only else []:
        if path.stem not in {s.doc_id for s in sources}:
            store = read_built(path)
            kept += built_actions(path, store)
            kept_names += built_definitions(path, load_lexicon(), store)
    limit = doc_timeout or None
    if jobs == 1 or total <= 1:  # in this process (the time limit: in the main thread only)
        probed = [_probe_within(source, limit) for source in sources]
        crash_point("probed")
        series = _series(probed, kept, progress)
        names = _names(probed, kept_names, progress)
        crash_point("converting")
        mapped = (_convert_within(source, corpus, series, names, done, limit)
                  for source, done in zip(sources, probed, strict=True))
        for result in mapped:
            results.append(result)
            _report(result, len(results), total, progress)
    else:
        with worker_pool(min(jobs, total)) as pool:
            try:
                probed = list(in_order([pool.submit(_probe_within, source, limit)
                                        for source in sources], hard_limit(limit)))
                crash_point("probed")
                series = _series(probed, kept, progress)
                names = _names(probed, kept_names, progress)
                futures = [pool.submit(_convert_within, source, corpus, series, names, done,
                                       limit)
                           for source, done in zip(sources, probed, strict=True)]
                crash_point("converting")
                for result in in_order(futures, hard_limit(limit)):
                    results.append(result)
                    _report(result, len(results), total, progress)
            except Stuck as stuck:
                unfinished = ", ".join(sorted({sources[i].doc_id for i in stuck.args[0]}))
                raise BuildError(f"a worker did not stop at the time limit of {limit:g} s (CPU) "
                                 f"per document (--doc-timeout) nor within {hard_limit(limit):g} "
                                 f"s; unfinished: {unfinished}; the build was stopped; data left "
                                 "unchanged") from None
            except BrokenProcessPool as exc:
                raise BuildError(f"a worker process died ({exc}); the build was stopped; data "
                                 "left unchanged") from None
    crash_point("converted")
    unreadable = [r for r in results if r.skipped]
    skipped = skipped + [Skipped(Path(r.path), r.skipped or "") for r in unreadable]
    failed = [r for r in results if r.error or (strict and r.skipped)]
    invalid = [r for r in results if r.violations]
    if failed or invalid:
        lines = [f"{r.doc_id}: {r.error or r.skipped}" for r in failed]
        for r in invalid:
            lines.append(f"{r.doc_id}: {len(r.violations)} SHACL violation(s):")
            lines.extend("  " + v.format().replace("\n", "\n  ") for v in r.violations[:20])
        raise BuildError("build failed; data left unchanged\n" + "\n".join(lines))
    written = [r for r in results if r.ok]
    if not written:
        raise BuildError("no document could be converted; data left unchanged")
    files = [(f"{r.doc_id}{suffix}", text) for r in written
             for suffix, text in ((".ttl", r.turtle), (".txt", r.text))]
    try:
        for line in replace_dir(out_dir, files, keep_others=bool(only)):
            progress(line)
    except OSError as exc:
        raise BuildError(f"cannot write {out_dir}: {exc}; data left unchanged") from None
    return BuildSummary(written, skipped, time.perf_counter() - started, out_dir)


def _series(probed: list[_Probed], kept: list[Action],
            progress: Callable[[str], None]) -> SeriesIndex:
    """The series index of the suggested actions read in phase one (and kept from before)."""
    index = SeriesIndex.of([a for p in probed for a in p.actions] + kept)
    if index:
        progress(f"suggested actions: {len(index)} in {len({a.doc for a in index.actions})} "
                 f"document(s) are {len(index.identities())} action(s) of their series")
    return index


def _names(probed: list[_Probed], kept: list[Definition],
           progress: Callable[[str], None]) -> AcronymIndex:
    """The acronym index of the names read in phase one with their acronyms (and kept from
    before)."""
    index = AcronymIndex.of([d for p in probed for d in p.definitions] + kept)
    if index:
        progress(f"acronyms: {len(index)} IRI(s) of names and acronyms the reports give "
                 f"together are {index.entities()} entit(ies)")
    return index


def _report(result: DocResult, done: int, total: int, progress: Callable[[str], None]) -> None:
    if result.error:
        progress(f"[{done}/{total}] {result.doc_id}: FAILED: {result.error}")
        return
    if result.skipped:
        progress(f"[{done}/{total}] {result.doc_id}: skipped: {result.skipped}")
        return
    status = "" if not result.violations else f" — {len(result.violations)} violation(s)"
    timing = f"({result.seconds:.1f} s)"
    progress(f"[{done}/{total}] {result.doc_id}: {result.summary()} {timing}{status}")
    if result.entities:
        listed = ", ".join(f"{name} {n}" for name, n in result.entities.items())
        progress(f"    entities ({sum(result.entities.values())}): {listed}")
    if result.claims:
        listed = ", ".join(f"{name} {n}" for name, n in result.claims.items())
        progress(f"    claims ({sum(result.claims.values())}): {listed}")
    if result.unlinked:
        progress(f"    mentions not linked ({len(result.unlinked)}): {', '.join(result.unlinked)}")
    for line in result.notes:
        progress(f"    {line}")
    for line in result.unresolved:
        progress(f"    unresolved citation at {line}")
    for line in result.warnings:
        progress(f"    warning: {line}")
