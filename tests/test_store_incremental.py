"""Incremental store builds (ctipgraph.store.update, ctipgraph.store.incremental): after documents
are
added, changed and removed, the updated store holds exactly the quads of a store built from
scratch — every graph, the merged default graph, the inferences, inferred.ttl byte for byte, the
in-memory dataset (dataset.nq and its patches) and the RocksDB copy. A crash mid-update leaves
the previous store; a changed ontology or lexicon, or a document with schema triples, makes a
build from scratch."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import index_rows, index_stamp
from ctipgraph.paths import LEXICON_DIR, ROOT, TTL_DIR
from ctipgraph.store import (
    DERIVED_GRAPH,
    INFERRED_FILE,
    GraphStore,
    StoreInputError,
    incremental,
    rules,
)
from ctipgraph.store import update as store_update
from ctipgraph.swap import CRASH_ENV, CRASH_STATUS

REAL = ("tip-report-2002-mali", "tip-report-2015-mali", "usdol-project-summary-mali-better-future")
ID = "https://w3id.org/ctipgraph/id/"
CTIP = "https://w3id.org/ctipgraph/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# Synthetic reports that exercise the rules: a funder (cls-svf, prp-inv, prp-rng), partners
# (prp-symp, prp-dom), a triple asserted by two reports, one asserted that others infer.
SYNTH_A = f"""
<{ID}org/donor> <{CTIP}funds> <{ID}program/p1> .
<{ID}org/ngo> <{CTIP}partnerOf> <{ID}org/ministry> .
<{ID}program/p1> <{CTIP}grantee> <{ID}org/ngo> .
<{ID}org/shared> <{CTIP}funds> <{ID}program/p2> .
"""
SYNTH_B = f"""
<{ID}org/shared> <{CTIP}funds> <{ID}program/p2> .
<{ID}org/donor> a <{CTIP}Funder> .
<{ID}org/other> <{CTIP}fundedBy> <{ID}org/donor> .
"""
# A's change: the donor no longer funds p1 (but B still states it is a funder); the ministry
# is a partner of the NGO in its own words now; a new funder
SYNTH_A2 = f"""
<{ID}org/ministry> <{CTIP}partnerOf> <{ID}org/ngo> .
<{ID}program/p1> <{CTIP}grantee> <{ID}org/ngo> .
<{ID}org/shared> <{CTIP}funds> <{ID}program/p2> .
<{ID}org/newcomer> <{CTIP}funds> <{ID}program/p1> .
"""
BLANK = re.compile(r"_:[A-Za-z0-9]+")


def _write(folder: Path, doc: str, text: str) -> None:
    (folder / f"{doc}.ttl").write_text(text, encoding="utf-8")


def _canonical(store: ox.Store) -> list[str]:
    """Every quad as N-Quads with blank nodes unnamed (they are renamed at each load), sorted."""
    return sorted(BLANK.sub("_:b", str(q)) for q in store)


class Project:
    """A project folder (ttl/ and store/) and a reference folder built from scratch."""

    def __init__(self, root: Path) -> None:
        self.root, self.ttl, self.location = root, root / "ttl", root / "store"
        self.ttl.mkdir(parents=True)
        self.lines: list[str] = []

    def open(self, **options) -> GraphStore:
        self.lines = []
        return GraphStore.open_project(self.ttl, self.location, progress=self.lines.append,
                                       **options)

    def updated(self) -> bool:
        """Whether the last open updated the store (and did not build it from scratch)."""
        return any("; updated in " in line for line in self.lines) and \
            not any(line.startswith("default graph:") for line in self.lines)

    def reference(self, name: str) -> Path:
        """A store of the same documents built from scratch."""
        ttl = self.root / f"{name}-ttl"
        shutil.copytree(self.ttl, ttl)
        GraphStore.open_project(ttl, self.root / name, full=True)
        return self.root / name

    def assert_same_as_full_build(self, name: str) -> None:
        reference = self.reference(name)
        expected = _canonical(store_update.load_dataset(reference))
        assert _canonical(store_update.load_dataset(self.location)) == expected
        store_update.ensure_rocksdb(self.location)  # a build for memory writes none
        disk = ox.Store.read_only(str(self.location / "oxigraph"))
        assert _canonical(disk) == expected
        assert (self.location / INFERRED_FILE).read_bytes() == \
            (reference / INFERRED_FILE).read_bytes()
        shutil.rmtree(reference)
        shutil.rmtree(self.root / f"{name}-ttl")


@pytest.fixture()
def project(tmp_path) -> Project:
    project = Project(tmp_path)
    for doc in REAL:
        shutil.copy(TTL_DIR / f"{doc}.ttl", project.ttl)
    _write(project.ttl, "synth-a", SYNTH_A)
    project.open()
    return project


def test_add_change_remove_equal_a_full_build(project):
    assert not (project.location / "oxigraph").exists()  # built for memory: no RocksDB store
    _write(project.ttl, "synth-b", SYNTH_B)
    project.open()
    assert project.updated(), project.lines
    assert "store: 1 document added, 0 changed, 0 removed" in project.lines[-1]
    assert any(line.startswith("store: RocksDB store written from dataset.nq")
               for line in project.lines), project.lines  # the update needed it
    project.assert_same_as_full_build("after-add")

    _write(project.ttl, "synth-a", SYNTH_A2)
    project.open()
    assert project.updated(), project.lines
    project.assert_same_as_full_build("after-change")

    (project.ttl / "synth-b.ttl").unlink()
    project.open()
    assert project.updated(), project.lines
    project.assert_same_as_full_build("after-remove")
    assert len(store_update.patch_files(project.location)) == 3  # dataset.nq not rewritten

    path = project.ttl / f"{REAL[1]}.ttl"  # a real report mostly kept: a tenth of it removed
    triples = list(ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE,
                            base_iri=f"{ID}doc/{REAL[1]}/"))
    path.write_bytes(ox.serialize([t for i, t in enumerate(triples) if i % 10],
                                  format=ox.RdfFormat.N_TRIPLES) or b"")
    project.open()
    assert project.updated(), project.lines
    project.assert_same_as_full_build("after-small-change")

    (project.ttl / f"{REAL[1]}.ttl").unlink()  # a real report's removal and another's return
    shutil.copy(TTL_DIR / f"{REAL[1]}.ttl", project.ttl / "copy.ttl")
    project.open()
    assert "store: 1 document added, 0 changed, 1 removed" in project.lines[-1]
    project.assert_same_as_full_build("after-both")


def test_inferences_follow_the_changes(project):
    """The facts behind the equality: what is inferred, and what is no longer."""
    store = project.open(in_memory=True)

    def inferred(s: str, p: str, o: str) -> bool:
        return store.query(f"ASK {{ GRAPH <https://w3id.org/ctipgraph/graph/inferred> "
                           f"{{ <{s}> <{p}> <{o}> }} }}")

    funder, rdf_type = CTIP + "Funder", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    partner = CTIP + "partnerOf"
    assert inferred(ID + "org/donor", rdf_type, funder)
    assert inferred(ID + "org/ministry", partner, ID + "org/ngo")
    _write(project.ttl, "synth-a", SYNTH_A2)
    store = project.open(in_memory=True)
    assert project.updated()
    assert not inferred(ID + "org/donor", rdf_type, funder)  # no longer funds anything
    assert inferred(ID + "org/newcomer", rdf_type, funder)
    assert not inferred(ID + "org/ministry", partner, ID + "org/ngo")  # asserted now
    assert inferred(ID + "org/ngo", partner, ID + "org/ministry")  # no longer asserted


def test_crash_mid_update_leaves_the_previous_store(project):
    store_update.ensure_rocksdb(project.location)  # the previous store has both forms
    before = _canonical(store_update.load_dataset(project.location))
    stamp = (project.location / "FINGERPRINT").read_text()
    _write(project.ttl, "synth-b", SYNTH_B)
    for step in ("store-updating", "store-updated"):
        code = ("import sys; from pathlib import Path; from ctipgraph.store import GraphStore; "
                f"GraphStore.open_project(Path({str(project.ttl)!r}), "
                f"Path({str(project.location)!r}), in_memory=False)")
        done = subprocess.run([sys.executable, "-c", code], env={**os.environ, CRASH_ENV: step},
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == CRASH_STATUS, done.stderr
        assert (project.location / "FINGERPRINT").read_text() == stamp
        assert _canonical(store_update.load_dataset(project.location)) == before
        assert _canonical(ox.Store.read_only(str(project.location / "oxigraph"))) == before
        assert list(project.root.glob(".store.tmp-*"))  # what the next start removes
    project.open()
    assert project.updated()
    assert not list(project.root.glob(".store.tmp-*"))
    project.assert_same_as_full_build("after-crash")


def test_a_store_built_for_memory_gets_its_rocksdb_store_when_opened_on_disk(project):
    location = project.location
    assert not (location / "oxigraph").exists()
    expected = _canonical(store_update.load_dataset(location))
    (location / ".oxigraph.writing-999999").mkdir()  # what a stopped write left
    store = project.open(in_memory=False)
    assert store.on_disk
    assert any(line.startswith("store: RocksDB store written from dataset.nq")
               for line in project.lines), project.lines
    assert _canonical(store.store) == expected
    assert not list(location.glob(".oxigraph.writing-*"))
    del store
    project.open(in_memory=False)  # written once
    assert not any("RocksDB store written" in line for line in project.lines), project.lines


def test_changed_lexicon_or_schema_in_a_document_builds_from_scratch(project, monkeypatch,
                                                                       tmp_path):
    lexicon = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, lexicon)
    monkeypatch.setattr("ctipgraph.store.LEXICON_DIR", lexicon)
    project.open()  # the lexicon is another folder: same files, same digests
    assert project.lines == []
    with (lexicon / sorted(p.name for p in lexicon.glob("*.ttl"))[0]).open("a") as handle:
        handle.write(f"\n<{ID}org/extra> a <{CTIP}Organization> .\n")
    project.open()
    assert any("the ontology, the lexicon or ctipgraph changed" in line
               for line in project.lines)
    assert not project.updated()
    project.assert_same_as_full_build("after-lexicon")

    _write(project.ttl, "schema", f"<{CTIP}Donor> "
                                  "<http://www.w3.org/2000/01/rdf-schema#subClassOf> "
                                  f"<{CTIP}Funder> .\n")
    project.open()
    assert any("read as schema" in line for line in project.lines), project.lines
    assert not project.updated()


def test_full_rebuild_on_request_and_dataset_written_again_past_the_patch_share(project,
                                                                             monkeypatch):
    _write(project.ttl, "synth-b", SYNTH_B)
    project.open(full=True)
    assert not project.updated()
    (project.ttl / "synth-b.ttl").unlink()
    monkeypatch.setattr(store_update, "PATCH_SHARE", 0.0)
    project.open()
    assert project.updated()
    assert not store_update.patch_files(project.location)
    project.assert_same_as_full_build("after-rewrite")


def test_derived_facts_computed_again_one_key_at_a_time(project, monkeypatch):
    monkeypatch.setattr(incremental, "DERIVE_CHUNK", 1)
    (project.ttl / f"{REAL[1]}.ttl").unlink()
    project.open()
    assert project.updated(), project.lines
    project.assert_same_as_full_build("after-keyed-derive")


def test_inferences_beside_the_derived_triples(project):
    """A full build's rules run before derive, and never read the derived triples: an inference
    equal to a derived triple is inferred from a document all the same. Here a document gives a
    derived fact a property whose domain is ctip:StatedFact (`fact a ctip:StatedFact`, derived
    already, is inferred). Removing the document removes the inference, though the derived
    triples (`fact ctip:factSubject …`, of the same domain) would give it again; the derived
    triple stays. (The ontology gives the derived properties no axiom from which the derived
    triples alone would give an inference: tests/test_rules.py.)"""
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    stated = ox.NamedNode(f"{CTIP}StatedFact")
    _write(project.ttl, "synth-c", f"""
<{ID}claim/c1> a <{CTIP}Claim> ; <{RDF}subject> <{ID}org/donor> ;
    <{RDF}predicate> <{CTIP}funds> ; <{RDF}object> <{ID}program/p1> ;
    <http://purl.org/spar/cito/citesAsEvidence> <{ID}ref/r1> .
<{ID}ref/r1> a <{CTIP}Reference> .
""")
    project.open()
    disk = ox.Store.read_only(str(project.location / "oxigraph"))
    fact = next(disk.quads_for_pattern(None, rdf_type, stated, incremental.DERIVED_GRAPH)).subject
    del disk
    _write(project.ttl, "synth-f", f"<{fact.value}> <{CTIP}factSubject> <{ID}org/donor> .\n")
    inferred = ox.Quad(fact, rdf_type, stated, incremental.INFERRED_GRAPH)
    for step in ("after-add", "after-remove"):
        project.open()
        assert project.updated(), project.lines
        disk = ox.Store.read_only(str(project.location / "oxigraph"))
        assert (inferred in disk) == (step == "after-add"), step
        assert ox.Quad(fact, rdf_type, stated, ox.DefaultGraph()) in disk
        del disk
        if step == "after-add":  # inferred now, in the default graph already: not added there
            patch = store_update.patch_files(project.location)[-1][1].read_text()
            assert f"{inferred} .\n" in patch
            assert f"<{fact.value}> <{rdf_type.value}> <{stated.value}> .\n" not in patch
        project.assert_same_as_full_build(step)
        (project.ttl / "synth-f.ttl").unlink(missing_ok=True)
    (project.ttl / "synth-c.ttl").unlink()  # the claim gone: its fact too
    project.open()
    assert project.updated(), project.lines
    disk = ox.Store.read_only(str(project.location / "oxigraph"))
    assert not list(disk.quads_for_pattern(fact, None, None, None))
    del disk
    project.assert_same_as_full_build("after-claim-removed")


def test_patches_composed_past_their_limit(project, monkeypatch):
    monkeypatch.setattr(store_update, "MAX_PATCHES", 2)
    for text in (SYNTH_B, SYNTH_A2, None):
        if text is None:
            (project.ttl / "synth-b.ttl").unlink()
        else:
            _write(project.ttl, "synth-b" if text == SYNTH_B else "synth-a", text)
        project.open()
        assert project.updated(), project.lines
    assert len(store_update.patch_files(project.location)) == 1  # patches 1, 2 and 3 composed
    project.assert_same_as_full_build("after-composing")


def test_delta_patterns_match_the_rules():
    """Each instance rule's document patterns are written in it once, and the rules read no
    RDFS/OWL term as schema that the schema check does not know."""
    assert set(incremental.DELTA_PATTERNS) == set(rules.INSTANCE_RULES)
    for name, patterns in incremental.DELTA_PATTERNS.items():
        for pattern, _ in patterns:
            assert rules.INSTANCE_RULES[name].count(pattern) == 1, (name, pattern)
    known = {t.rsplit("#", 1)[1] for t in (*incremental.SCHEMA_PREDICATES,
                                            *incremental.SCHEMA_CLASSES)}
    for body in (*rules.SCHEMA_RULES.values(), *rules.INSTANCE_RULES.values()):
        body = re.sub(r"BIND\([^)]*\)|FILTER\([^)]*\)", "", body)
        assert set(re.findall(r"\b(?:owl|rdfs):(\w+)", body)) - {"Thing"} <= known, body


def test_a_build_writes_the_search_index_serve_opens(project):
    """A store build reads the search index's rows beside derive and writes search.sqlite with
    the store: the rows of an index made from the finished store, and the fingerprint `serve`
    checks (it opens the file instead of making it again)."""
    from ctipgraph.serve.search_index import SearchIndex, _fingerprint

    index = project.location / "search.sqlite"
    assert any(line.startswith("search index: ") and "written" in line
               for line in project.lines), project.lines
    written = index.stat().st_mtime_ns
    store = project.open()
    assert not any(line.startswith("search index: ") for line in project.lines)  # reused
    fresh = SearchIndex(store, project.root / "fresh.sqlite")
    fresh.connection().close()
    assert index_rows(index) == index_rows(project.root / "fresh.sqlite")
    assert len(index_rows(index)) > 100
    stamp = index_stamp(index)
    assert stamp == _fingerprint(store)
    SearchIndex(store, index).connection().close()
    assert index.stat().st_mtime_ns == written  # not made again


def test_search_index_rows_updated_like_a_rebuild(project):
    from ctipgraph.serve.search_index import SearchIndex, _fingerprint

    SearchIndex(project.open(), project.location / "search.sqlite").connection().close()
    _write(project.ttl, "synth-b", SYNTH_B + f'<{ID}org/other> <http://www.w3.org/2000/01/'
                                             'rdf-schema#label> "Other Org" .\n')
    _write(project.ttl, "synth-a", SYNTH_A2)
    store = project.open()
    assert project.updated()
    assert any("search index:" in line for line in project.lines), project.lines
    index = project.location / "search.sqlite"
    fresh = SearchIndex(store, project.root / "fresh.sqlite")
    fresh.connection().close()
    assert index_rows(index) == index_rows(project.root / "fresh.sqlite")
    assert any(row[0] == f"{ID}org/other" and row[1] == "Other Org" for row in index_rows(index))
    stamp = index_stamp(index)
    assert stamp == _fingerprint(store)  # serve uses it as it is


def test_store_without_inferences_updated_like_a_rebuild(tmp_path):
    project = Project(tmp_path)
    for doc in REAL[:2]:
        shutil.copy(TTL_DIR / f"{doc}.ttl", project.ttl)
    _write(project.ttl, "synth-a", SYNTH_A)
    project.open(inferences=False)
    _write(project.ttl, "synth-a", SYNTH_A2)
    project.open(inferences=False)
    assert project.updated(), project.lines
    reference = tmp_path / "reference"
    GraphStore.open_project(project.ttl, reference, inferences=False, full=True)
    assert _canonical(store_update.load_dataset(project.location)) == \
        _canonical(store_update.load_dataset(reference))


def test_malformed_document_is_named_and_the_store_kept(project):
    before = (project.location / "FINGERPRINT").read_text()
    (project.ttl / "broken.ttl").write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(StoreInputError, match="broken.ttl"):
        project.open()
    assert (project.location / "FINGERPRINT").read_text() == before
    assert not list(project.root.glob(".store.tmp-*"))


def _recommendation_report(doc: str, year: str, *, claimed: bool = True) -> str:
    """A report suggesting <rec/r>: its reporting year and, if `claimed`, a claim about it."""
    claim = (f"<{ID}claim/{doc}> a <{CTIP}Claim> ; <{RDF}subject> <{ID}rec/r> ; "
             f"<{CTIP}inDocument> <{ID}doc/{doc}> .\n") if claimed else ""
    return (f"<{ID}rec/r> a <{CTIP}Recommendation> .\n"
            f"<{ID}doc/{doc}> <{CTIP}reportingYear> \"{year}\" .\n" + claim)


def test_recurrence_of_a_recommendation_follows_the_changes(project):
    """Query 10's derived recurrence (derive.py) is computed again when a claim about the
    recommendation comes or goes, and when only the reporting year of a document claiming it
    changes."""
    recurrence = f"<{ID}rec/r> <{CTIP}recurrenceYears> "

    def years() -> list[str]:
        return [line for line in _canonical(store_update.load_dataset(project.location))
                if line.startswith(recurrence) and "derived" in line]

    _write(project.ttl, "rec-1", _recommendation_report("rec-1", "2019"))
    project.open()
    assert years() == []  # one year: not recurring
    _write(project.ttl, "rec-2", _recommendation_report("rec-2", "2020"))
    project.open()
    assert project.updated(), project.lines
    assert years() == [f'{recurrence}"2019, 2020" {DERIVED_GRAPH}']
    project.assert_same_as_full_build("after-claim")
    _write(project.ttl, "rec-2", _recommendation_report("rec-2", "2021"))  # the year alone
    project.open()
    assert project.updated(), project.lines
    assert "2019, 2021" in years()[0]
    project.assert_same_as_full_build("after-year")
    _write(project.ttl, "rec-2", _recommendation_report("rec-2", "2021", claimed=False))
    project.open()
    assert years() == []
    project.assert_same_as_full_build("after-unclaimed")


def test_inferred_turtle_spliced_like_the_whole_file_written_again():
    """inferred.ttl's blocks found by binary search and replaced, removed or inserted (before
    the first, between two, after the last) give the file rules.sorted_turtle writes."""
    prefixes = {"id": ID, "ctip": CTIP}
    graph = incremental.INFERRED_GRAPH
    rdf_type, label = ox.NamedNode(RDF + "type"), ox.NamedNode(CTIP + "label")
    store = ox.Store()
    for i in range(1, 40, 2):  # id:r01, id:r03, … each with one or two triples
        subject = ox.NamedNode(f"{ID}r{i:02d}")
        store.add(ox.Quad(subject, rdf_type, ox.NamedNode(CTIP + "Thing"), graph))
        if i % 3:
            store.add(ox.Quad(subject, label, ox.Literal(f"r {i}\nline two"), graph))
    old = rules.sorted_turtle(store, graph, prefixes)
    changed = [f"{ID}r{i:02d}" for i in (0, 5, 7, 8, 21, 39, 40)]
    for subject in changed:  # removed or replaced, new ones inserted
        for quad in list(store.quads_for_pattern(ox.NamedNode(subject), None, None, graph)):
            store.remove(quad)
        if subject[-2:] in ("00", "07", "08", "21", "40"):
            store.add(ox.Quad(ox.NamedNode(subject), label, ox.Literal("new"), graph))
    expected = rules.sorted_turtle(store, graph, prefixes)
    blocks = store_update._split_turtle(expected, prefixes)[1]
    start = store_update._header_end(old)
    assert old[:start].startswith(b"@prefix") and old[start:].startswith(b"id:r01 ")
    spliced = store_update._splice(old, start, changed, {s: blocks[s] for s in changed
                                                        if s in blocks}, prefixes)
    assert spliced == expected != old
    unknown = old[:start] + old[start:].replace(b"id:", b"zz:")  # a prefix not declared
    assert store_update._splice(unknown, start, [f"{ID}r01"], {}, prefixes) is None
