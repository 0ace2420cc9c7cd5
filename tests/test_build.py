"""End to end: `ctipgraph build` on the sources (seed texts and the Mali Findings PDFs), and on
hostile input."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ctipgraph.build import BuildError, build
from ctipgraph.namespaces import CTIP, OA
from ctipgraph.paths import SOURCES_DIR, TTL_DIR

SEEDS = SOURCES_DIR / "seeds"
PDFS = SOURCES_DIR / "pdf"
# one document per stem: the 2017 Findings text is another rendition of its PDF
DOCS = sorted({p.stem for p in SEEDS.glob("*.txt")} | {p.stem for p in PDFS.glob("*.pdf")})
CTIPGRAPH = str(Path(sys.executable).with_name("ctipgraph"))

# Reference counts read off the documents by hand (the last number of each reference list).
EXPECTED_REFERENCES = {
    "usdol-findings-2013-mali": 109,
    "usdol-findings-2014-mali": 95,
    "usdol-findings-2015-mali": 84,
    "usdol-findings-2016-mali": 81,
    "usdol-findings-2017-mali": 99,
    "usdol-findings-2018-mali": 100,
    "usdol-findings-2019-mali": 109,
    "usdol-findings-2020-mali": 94,
    "usdol-findings-2021-mali": 80,
    "usaid-ctip-research-2021-mali": 54,
    "tip-report-2002-mali": 0,
    "tip-report-2015-mali": 0,
    "usdol-project-summary-mali-better-future": 0,
}


@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sources built into a temporary folder with two workers."""
    out = tmp_path_factory.mktemp("build") / "ttl"
    summary = build(SOURCES_DIR, out, jobs=2)
    assert {r.doc_id for r in summary.results} == set(DOCS)
    return out


@pytest.fixture(scope="module")
def graphs(fresh_build: Path) -> dict[str, Graph]:
    return {doc: Graph().parse(fresh_build / f"{doc}.ttl") for doc in DOCS}


def test_rebuild_is_byte_identical_to_the_committed_data(fresh_build: Path) -> None:
    committed = sorted(p.name for p in TTL_DIR.iterdir())
    assert committed == sorted(p.name for p in fresh_build.iterdir())
    for name in committed:
        assert (fresh_build / name).read_bytes() == (TTL_DIR / name).read_bytes(), name


@pytest.mark.parametrize("doc", DOCS)
def test_every_passage_quote_is_verbatim_at_its_offsets(doc: str, graphs: dict[str, Graph],
                                                        fresh_build: Path) -> None:
    text = (fresh_build / f"{doc}.txt").read_text(encoding="utf-8")
    graph = graphs[doc]
    passages = 0
    for passage in set(graph.subjects(CTIP.inDocument, None)):
        selectors = list(graph.objects(passage, OA.hasSelector))
        if not selectors:
            continue
        passages += 1
        position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in graph)
        quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in graph)
        start, end = int(graph.value(position, OA.start)), int(graph.value(position, OA.end))
        exact = str(graph.value(quote, OA.exact))
        assert text[start:end] == exact, passage
        assert exact == exact.strip() and exact
        prefix = graph.value(quote, OA.prefix)
        if prefix is not None:
            assert text[:start].endswith(str(prefix))
    assert passages > 5


@pytest.mark.parametrize("doc", DOCS)
def test_references_belong_to_their_document(doc: str, graphs: dict[str, Graph]) -> None:
    graph = graphs[doc]
    doc_iri = URIRef(f"https://w3id.org/ctipgraph/id/doc/{doc}")
    references = set(graph.subjects(RDF.type, CTIP.Reference))
    assert len(references) == EXPECTED_REFERENCES[doc]
    for reference in references:
        assert list(graph.objects(reference, CTIP.inDocument)) == [doc_iri]
        assert str(reference).startswith(f"{doc_iri}/ref/")


@pytest.mark.parametrize("doc", DOCS)
def test_every_citation_is_resolved_within_its_document(doc: str, graphs: dict[str, Graph],
                                                        fresh_build: Path) -> None:
    graph = graphs[doc]
    text = (fresh_build / f"{doc}.txt").read_text(encoding="utf-8")
    for citation in graph.subjects(RDF.type, CTIP.InTextCitation):
        target = graph.value(citation, CTIP.denotes)
        assert target is not None, citation
        assert (target, CTIP.inDocument, graph.value(citation, CTIP.inDocument)) in graph
        start, end = int(graph.value(citation, CTIP.start)), int(graph.value(citation, CTIP.end))
        assert text[start:end] == str(graph.value(citation, CTIP.markerText))


def test_citation_counts(graphs: dict[str, Graph]) -> None:
    def count(doc: str) -> int:
        return len(set(graphs[doc].subjects(RDF.type, CTIP.InTextCitation)))

    assert count("usdol-findings-2017-mali") >= 300
    assert count("usaid-ctip-research-2021-mali") >= 70
    assert count("tip-report-2015-mali") == 0


def test_documents_cite_each_other(graphs: dict[str, Graph]) -> None:
    usaid = graphs["usaid-ctip-research-2021-mali"]
    summary = URIRef("https://w3id.org/ctipgraph/id/doc/usdol-project-summary-mali-better-future")
    assert (None, CTIP.citesDocument, summary) in usaid


def test_cli_build_prints_counts_and_time(tmp_path: Path) -> None:
    done = subprocess.run(
        [CTIPGRAPH, "build", "--out", str(tmp_path / "ttl"), "--only", "tip-report-2002-mali"],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "tip-report-2002-mali: 19 passages (2 headings, 11 sentences" in done.stderr
    assert "built 1 document(s)" in done.stdout and " s;" in done.stdout
    assert sorted(p.name for p in (tmp_path / "ttl").iterdir()) == [
        "tip-report-2002-mali.ttl", "tip-report-2002-mali.txt"]


def test_only_keeps_the_other_documents(tmp_path: Path) -> None:
    out = tmp_path / "ttl"
    shutil.copytree(TTL_DIR, out)
    build(SOURCES_DIR, out, only=["tip-report-2015-mali"], jobs=1)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in TTL_DIR.iterdir())


def test_unknown_only_document_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="no such document: nope"):
        build(SOURCES_DIR, tmp_path / "ttl", only=["nope"])


# -- hostile input ---------------------------------------------------------------------------

def _hostile_sources(root: Path) -> Path:
    sources = root / "sources"
    sources.mkdir()
    shutil.copy(SEEDS / "tip-report-2002-mali.txt", sources / "good.txt")
    (sources / "empty.txt").write_bytes(b"")
    (sources / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (sources / "latin1.txt").write_bytes("Le comité a été créé en 2011.\n".encode("latin-1") * 50)
    (sources / "ragged.txt").write_text(
        "Table 1. Ragged\nA\tB\tC\n1\t2\n3\t4\t5\t6\t7\n\tonly second\n\n"
        "A sentence. Another one.\n",
        encoding="utf-8",
    )
    with (sources / "huge.txt").open("w", encoding="utf-8") as handle:
        line = "The committee met in Bamako. " * 35 + "\n"
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(line)
    return sources


def test_hostile_input_is_reported_never_a_traceback(tmp_path: Path) -> None:
    sources = _hostile_sources(tmp_path)
    out = tmp_path / "ttl"
    out.mkdir()
    (out / "previous.ttl").write_text("# the previous build\n")
    done = subprocess.run([CTIPGRAPH, "build", "--sources", str(sources), "--out", str(out)],
                          capture_output=True, text=True)
    assert "Traceback" not in done.stderr + done.stdout
    assert done.returncode == 0, done.stderr
    for name in ("empty", "binary", "latin1", "huge"):
        assert f"{name}: skipped:" in done.stderr, done.stderr
    built = sorted(p.name for p in out.iterdir())
    assert "good.ttl" in built and "ragged.ttl" in built
    assert not any(name.startswith(("empty", "binary", "latin1", "huge")) for name in built)

    strict = subprocess.run(
        [CTIPGRAPH, "build", "--strict", "--sources", str(sources), "--out", str(out)],
        capture_output=True, text=True,
    )
    assert strict.returncode == 1
    assert "Traceback" not in strict.stderr
    assert "data left unchanged" in strict.stderr
    assert sorted(p.name for p in out.iterdir()) == built  # untouched by the failed build


def test_missing_sources_folder_exits_two(tmp_path: Path) -> None:
    done = subprocess.run([CTIPGRAPH, "build", "--sources", str(tmp_path / "nope"),
                           "--out", str(tmp_path / "ttl")], capture_output=True, text=True)
    assert done.returncode == 2
    assert "no such folder" in done.stderr
    assert not (tmp_path / "ttl").exists()


@pytest.mark.parametrize("seed", ["1", "2"])
def test_output_does_not_depend_on_the_hash_seed(seed: str, tmp_path: Path) -> None:
    doc = "usdol-findings-2017-mali"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = tmp_path / "ttl"
    shutil.copytree(TTL_DIR, out)  # its series: the other reports' suggested actions
    (out / f"{doc}.ttl").unlink()
    done = subprocess.run([CTIPGRAPH, "build", "-q", "--only", doc, "--out", str(out)],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert (out / f"{doc}.ttl").read_bytes() == (TTL_DIR / f"{doc}.ttl").read_bytes()
