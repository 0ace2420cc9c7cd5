"""Whole-dataset exports (ctipgraph.export and `ctipgraph export`): every format, with and
without inferences, holds exactly the store's data; files are written atomically."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from ctipgraph.cli import main
from ctipgraph.export import DUMP_FORMATS, export, export_file, jsonld_context
from ctipgraph.store import INFERRED_GRAPH, GraphStore

FIXTURE = Path(__file__).parent / "fixtures" / "mini.ttl"
A_FUNDER = ("<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<https://w3id.org/ctipgraph/ontology#Funder>")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    (root / "ttl").mkdir()
    shutil.copy(FIXTURE, root / "ttl" / "mini.ttl")
    GraphStore.open_project(root / "ttl", root / "store")
    return root


@pytest.fixture(scope="module")
def store(project):
    return GraphStore.open_project(project / "ttl", project / "store")


def quads_of(store: GraphStore, inferences: bool) -> set[str]:
    """The store's named graphs as N-Quads lines (its default graph is their merge: derived,
    not exported)."""
    named = [q for q in store.store if isinstance(q.graph_name, ox.NamedNode)]
    lines = ox.serialize(named, format=ox.RdfFormat.N_QUADS).decode().splitlines()
    return {line for line in lines if inferences or f"<{INFERRED_GRAPH.value}> ." not in line}


def test_the_default_graph_is_the_merge_and_not_exported_twice(store):
    merge = {q.triple for q in store.store.quads_for_pattern(None, None, None,
                                                             ox.DefaultGraph())}
    assert merge == {q.triple for q in store.store if isinstance(q.graph_name, ox.NamedNode)}
    buffer = io.BytesIO()
    export(store, "nq", buffer, inferences=True)
    assert len(buffer.getvalue().decode().splitlines()) == len(store)


def as_nquads(data: bytes, fmt: str) -> set[str]:
    if fmt == "jsonld":
        document = json.loads(data)
        assert isinstance(document["@context"], dict)
        quads = ox.parse(data, format=ox.RdfFormat.JSON_LD)
    else:
        quads = ox.parse(data, format=DUMP_FORMATS[fmt])
    return set(ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode().splitlines())


def triples_only(quads: set[str]) -> set[str]:
    out = set()
    for line in quads:
        for quad in ox.parse(line.encode(), format=ox.RdfFormat.N_QUADS):
            out.add(str(quad.triple) + " .")
    return out


@pytest.mark.parametrize("inferences", [False, True])
@pytest.mark.parametrize("fmt", ["trig", "nq", "jsonld"])
def test_dataset_formats_keep_the_graphs(store, fmt, inferences):
    buffer = io.BytesIO()
    export(store, fmt, buffer, inferences=inferences)
    assert as_nquads(buffer.getvalue(), fmt) == quads_of(store, inferences)


@pytest.mark.parametrize("inferences", [False, True])
@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_graph_formats_merge_the_graphs(store, fmt, inferences):
    buffer = io.BytesIO()
    export(store, fmt, buffer, inferences=inferences)
    got = as_nquads(buffer.getvalue(), fmt)
    assert got == triples_only(quads_of(store, inferences))
    assert any(A_FUNDER in line for line in got) == inferences


def test_turtle_uses_prefixes_and_is_sorted(store):
    buffer = io.BytesIO()
    export(store, "ttl", buffer)
    text = buffer.getvalue().decode()
    assert "@prefix ctip: <https://w3id.org/ctipgraph/ontology#>" in text
    again = io.BytesIO()
    export(store, "ttl", again)
    assert again.getvalue() == buffer.getvalue()


def test_jsonld_is_compacted_with_the_context(store):
    buffer = io.BytesIO()
    export(store, "jsonld", buffer)
    document = json.loads(buffer.getvalue())
    assert document["@context"] == jsonld_context()["@context"]
    text = buffer.getvalue().decode()
    # the ontology's terms: a class in @type, object properties with IRI values, datatypes
    assert '"inDocument":"id:doc/' in text and '"@id":"id:place/mali"' in text
    assert '"@type":"Program"' in text and '"startYear":"2011"' in text
    body = text.split('"@graph"', 1)[1]
    assert '"https://w3id.org/ctipgraph/ontology#inDocument":' not in body
    assert '"@id":"https://w3id.org/ctipgraph/id/' not in body


def test_jsonld_with_a_context_url(store):
    buffer = io.BytesIO()
    export(store, "jsonld", buffer, context="https://example.org/context.jsonld")
    assert json.loads(buffer.getvalue())["@context"] == "https://example.org/context.jsonld"


def test_export_file_is_atomic(store, tmp_path):
    target = tmp_path / "out" / "all.nq"
    target.parent.mkdir()
    export_file(store, "nq", target)
    assert target.read_bytes()
    assert [p.name for p in target.parent.iterdir()] == ["all.nq"]


def test_failed_export_leaves_nothing(store, tmp_path):
    target = tmp_path / "bad.xyz"
    with pytest.raises(ValueError):
        export_file(store, "xyz", target)
    assert list(tmp_path.iterdir()) == []


def test_cli_export_to_file(project, tmp_path):
    out = tmp_path / "ctipgraph.trig"
    result = CliRunner().invoke(main, [
        "export", "--format", "trig", "--inferences", "-o", str(out),
        "--ttl-dir", str(project / "ttl"), "--store-dir", str(project / "store")])
    assert result.exit_code == 0, result.output
    quads = list(ox.parse(out.read_bytes(), format=ox.RdfFormat.TRIG))
    assert any(q.graph_name == INFERRED_GRAPH for q in quads)


def test_cli_export_to_stdout(project):
    result = CliRunner().invoke(main, [
        "export", "--format", "nt", "--ttl-dir", str(project / "ttl"),
        "--store-dir", str(project / "store")])
    assert result.exit_code == 0
    assert list(ox.parse(result.stdout_bytes, format=ox.RdfFormat.N_TRIPLES))


def test_cli_export_without_built_data(tmp_path):
    result = CliRunner().invoke(main, [
        "export", "--ttl-dir", str(tmp_path), "--store-dir", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert "ctipgraph build" in result.output
