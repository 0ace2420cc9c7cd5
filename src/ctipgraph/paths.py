"""Where the project's files live (ontology, shapes, data), relative to the source tree."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = ROOT / "ontology"
ONTOLOGY = ONTOLOGY_DIR / "ctip.ttl"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"
DATA_DIR = ROOT / "data"
SOURCES_DIR = DATA_DIR / "sources"
TTL_DIR = DATA_DIR / "ttl"
LEXICON_DIR = DATA_DIR / "lexicon"


def shape_files() -> list[Path]:
    """Every SHACL shapes file, in a stable order."""
    return sorted(SHAPES_DIR.glob("*.ttl"))
