"""ctipgraph: a knowledge graph of counter-trafficking-in-persons evidence."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ctipgraph")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"
