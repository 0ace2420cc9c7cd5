"""bench/diff_entities.py: the entities two builds disagree on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "bench" / "diff_entities.py"
PREFIXES = ("@prefix ctip: <https://w3id.org/ctipgraph/ontology#> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "@prefix id: <https://w3id.org/ctipgraph/id/> .\n")


def build(folder: Path, **docs: str) -> Path:
    folder.mkdir()
    for name, body in docs.items():
        (folder / f"{name}.ttl").write_text(PREFIXES + body, encoding="utf-8")
    return folder


def test_gone_new_and_changed_entities_are_listed(tmp_path) -> None:
    old = build(tmp_path / "old", a=(
        'id:org\\/lake-ministry a ctip:GovernmentBody ; rdfs:label "Ministry of Lakes" .\n'
        'id:org\\/lake-ministry-and-unicef a ctip:GovernmentBody ; '
        'rdfs:label "Ministry of Lakes, and UNICEF" .\n'
        'id:policy\\/x-project a ctip:Policy ; rdfs:label "X Policy Engagement Project" .\n'
        'id:place\\/lakeland a ctip:Country ; rdfs:label "Lakeland" .\n'))
    new = build(tmp_path / "new", a=(
        'id:org\\/lake-ministry a ctip:GovernmentBody ; rdfs:label "Ministry of Lakes" .\n'
        'id:policy\\/x-project a ctip:Program ; rdfs:label "X Policy Engagement Project" .\n'),
        b='id:law\\/law-10-001 a ctip:Law ; rdfs:label "Loi N° 10.001" .\n')
    out = subprocess.run([sys.executable, str(SCRIPT), str(old), str(new)], capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out == [
        "+ law/law-10-001  Law  Loi N° 10.001",
        "- org/lake-ministry-and-unicef  GovernmentBody  Ministry of Lakes, and UNICEF",
        "~ policy/x-project  Program  X Policy Engagement Project"
        "  (was Policy  X Policy Engagement Project)",
        "3 entities -> 3: 1 gone, 1 new, 1 changed",
    ]


def test_a_folder_without_turtle_is_exit_2(tmp_path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    done = subprocess.run([sys.executable, str(SCRIPT), str(empty), str(empty)],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "no *.ttl files" in done.stderr
