"""Every shape has a conforming fixture and violating fixtures whose violations are reported
with the right focus node, path and shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib.namespace import RDF, RDFS

from ctipgraph.namespaces import PREFIXES, SH
from ctipgraph.ontology import load_ontology
from ctipgraph.rdfio import load_graph
from ctipgraph.validate import shapes_graph, validate_files, validate_graph

HERE = Path(__file__).parent / "shapes"
VALID = HERE / "valid.ttl"
VIOLATIONS = sorted((HERE / "violations").glob("*.ttl"))
EXPECT = re.compile(r"^# expect: (\S+) \| (\S+) \| (\S+)$", re.MULTILINE)


def expectations(path: Path) -> list[tuple[str, str, str]]:
    """(focus, path, shape) triples declared in a fixture's `# expect:` header lines."""
    found = []
    for focus, prop, shape in EXPECT.findall(path.read_text(encoding="utf-8")):
        if focus.startswith("id:") and "/" in focus:
            focus = f"<{PREFIXES['id']}{focus[3:]}>"
        elif focus.startswith("ctipc:"):
            focus = f"<{PREFIXES['ctipc']}{focus[6:]}>"
        found.append((focus, "" if prop == "-" else prop, shape))
    return found


def test_valid_fixture_conforms() -> None:
    report = validate_files([VALID])
    assert report.conforms, report.format()


def test_valid_fixture_instantiates_every_targeted_class() -> None:
    data, _ = load_graph([VALID])
    combined = load_ontology() + data
    missing = []
    instance_nodes = set(combined.subjects())  # the ontology supplies the SKOS concepts
    for shape in shapes_graph().subjects(RDF.type, SH.NodeShape):
        for cls in shapes_graph().objects(shape, SH.targetClass):
            instances = {
                s
                for sub in combined.transitive_subjects(RDFS.subClassOf, cls)
                for s in combined.subjects(RDF.type, sub)
                if s in instance_nodes
            }
            if not instances:
                missing.append(str(cls))
    assert not missing, f"no conforming instance in valid.ttl or the ontology for {missing}"


def test_every_targeting_shape_has_a_violating_fixture() -> None:
    covered = {shape for path in VIOLATIONS for _, _, shape in expectations(path)}
    targeting = {
        f"ctips:{str(s).rsplit('#', 1)[1]}"
        for s in shapes_graph().subjects(RDF.type, SH.NodeShape)
        if (s, SH.targetClass, None) in shapes_graph()
    }
    assert targeting, "no shapes found"
    uncovered = sorted(targeting - covered)
    assert not uncovered, f"shapes without a violating fixture: {uncovered}"


@pytest.mark.parametrize("fixture", VIOLATIONS, ids=lambda p: p.stem)
def test_violating_fixture_is_reported(fixture: Path) -> None:
    expected = expectations(fixture)
    assert expected, f"{fixture.name} declares no '# expect:' lines"
    report = validate_files([VALID, fixture])
    assert not report.conforms
    actual = {(v.focus, v.path, v.shape) for v in report.violations}
    for focus, prop, shape in expected:
        assert any(
            f == focus and p == prop and shape in s.split() for f, p, s in actual
        ), f"expected a violation of {shape} at {focus} {prop or '(node)'}; got:\n{report.format()}"
    expected_focus = {focus for focus, _, _ in expected}
    stray = sorted({v.focus for v in report.violations} - expected_focus)
    assert not stray, f"violations on nodes the fixture did not expect: {stray}"
    for violation in report.violations:
        assert violation.message and "constraint not met" not in violation.message
        assert fixture.name in violation.source_file, violation.format()


def test_report_names_focus_path_message_and_file() -> None:
    report = validate_files([VALID, HERE / "violations" / "funding.ttl"])
    text = report.format()
    assert "focus node: <https://w3id.org/ctipgraph/id/funding/bad>" in text
    assert "path:       ctip:currency" in text
    assert "three-letter ISO 4217 code" in text
    assert "funding.ttl" in text


def test_validate_graph_accepts_an_in_memory_graph() -> None:
    data, parts = load_graph([VALID])
    assert validate_graph(data, parts).conforms
