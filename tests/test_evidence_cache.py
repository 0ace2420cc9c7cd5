"""The evidence report kept beside a project store (provenance.evidence_cache): read back equal
to a fresh computation, computed again when the store or the code changed or the file is bad,
never half-written, and none for a store without a folder."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import copy_documents, make_store
from ctipgraph.cli import main
from ctipgraph.provenance import evidence_cache
from ctipgraph.provenance.evidence import evidence_report
from ctipgraph.store import GraphStore

SMALL = ("usdol-findings-2017-mali", "tip-report-2015-mali")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("evidence-cache")
    ttl = copy_documents(root / "ttl", SMALL)
    location = root / "store"
    store = GraphStore.open_project(ttl, location, in_memory=True)
    return ttl, location, store


@pytest.fixture
def counted(monkeypatch):
    """Counts the report's computations (still computing it)."""
    calls = []

    def compute(store, limit=None):
        calls.append(store)
        return evidence_report(store, limit)

    monkeypatch.setattr(evidence_cache, "evidence_report", compute)
    return calls


def _fresh(location):
    (location / evidence_cache.FILE).unlink(missing_ok=True)


def test_kept_report_reads_back_equal_to_a_fresh_one(project, counted):
    _ttl, location, store = project
    _fresh(location)
    first = evidence_cache.kept_evidence_report(store)
    assert len(counted) == 1 and (location / evidence_cache.FILE).is_file()
    again = evidence_cache.kept_evidence_report(store)
    assert len(counted) == 1  # read, not computed
    assert again.to_dict() == first.to_dict() == evidence_report(store).to_dict()
    assert again.totals["claims"] > 0 and again.corroborated
    # dataclasses again, not dicts: the pages read attributes
    assert again.corroborated[0].subject == first.corroborated[0].subject
    with_refs = [f for f in again.single_reference if f.references]
    assert with_refs and with_refs[0].references[0].iri


def test_a_changed_store_or_code_computes_it_again(project, counted, monkeypatch):
    _ttl, location, store = project
    _fresh(location)
    evidence_cache.kept_evidence_report(store)
    kept = json.loads((location / evidence_cache.FILE).read_text())
    kept["key"] = kept["key"].replace(":", ":9", 1)  # another store size
    (location / evidence_cache.FILE).write_text(json.dumps(kept))
    evidence_cache.kept_evidence_report(store)
    assert len(counted) == 2
    monkeypatch.setattr(evidence_cache, "_code_digest", lambda: "another-version")
    evidence_cache.kept_evidence_report(store)
    assert len(counted) == 3
    evidence_cache.kept_evidence_report(store)
    assert len(counted) == 3


@pytest.mark.parametrize("content", ["", "{not json", '{"key": 1}', "[]",
                                     '{"key": "K", "report": {"corroborated": 3}}'])
def test_a_bad_file_is_replaced(project, counted, monkeypatch, content):
    _ttl, location, store = project
    monkeypatch.setattr(evidence_cache, "report_key", lambda store: "K")
    (location / evidence_cache.FILE).write_text(content)
    report = evidence_cache.kept_evidence_report(store)
    assert len(counted) == 1 and report.totals["claims"] > 0
    assert json.loads((location / evidence_cache.FILE).read_text())["key"] == "K"
    _fresh(location)


def test_a_file_that_cannot_be_written_leaves_nothing_behind(project, counted):
    _ttl, location, store = project
    _fresh(location)
    (location / evidence_cache.FILE).mkdir()  # os.replace onto a folder fails
    evidence_cache.report_key(store)  # (the store's size, kept in the folder, counted first)
    try:
        before = sorted(p.name for p in location.iterdir())
        assert evidence_cache.kept_evidence_report(store).totals["claims"] > 0
        assert sorted(p.name for p in location.iterdir()) == before  # no temporary file left
        assert len(counted) == 1
    finally:
        (location / evidence_cache.FILE).rmdir()


def test_a_store_without_a_folder_keeps_nothing(counted):
    store = make_store()
    assert evidence_cache.report_key(store) is None
    evidence_cache.kept_evidence_report(store)
    evidence_cache.kept_evidence_report(store)
    assert len(counted) == 2


def test_the_command_uses_the_kept_report_and_cuts_it(project, counted, monkeypatch):
    ttl, location, store = project
    _fresh(location)
    where = ["--ttl-dir", str(ttl), "--store-dir", str(location)]
    runner = CliRunner()
    full = runner.invoke(main, ["evidence", "--format", "json", *where])
    assert full.exit_code == 0, full.output
    cut = runner.invoke(main, ["evidence", "--format", "json", "--limit", "1", *where])
    assert cut.exit_code == 0, cut.output
    whole, one = json.loads(full.stdout), json.loads(cut.stdout)
    assert len(counted) == 1  # the second run read the kept report
    assert whole["totals"] == one["totals"]
    assert one["corroborated"] == whole["corroborated"][:1]
    assert one == evidence_report(store, limit=1).to_dict()
