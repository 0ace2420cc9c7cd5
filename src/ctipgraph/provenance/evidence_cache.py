"""The evidence report kept beside a project store, so that a server started again on the same
store reads it instead of computing it again (at 15 M quads: about a minute in memory, over
three on disk).

The file (`evidence-report.json` in the store's folder) names what it was computed from: the
store's FINGERPRINT and size, and a digest of the code that computes the report
(provenance/evidence.py). Any change to either makes it stale, and it is computed again and
replaced atomically. A store with no folder (`--data`, a remote backend) gets no file.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import suppress
from pathlib import Path

from ..store import GraphStore
from ..swap import replacing_file
from . import evidence
from .evidence import (
    Disagreement,
    EvidenceReport,
    FactRow,
    ReferenceRow,
    ValueRow,
    evidence_report,
)

FILE = "evidence-report.json"


def _code_digest() -> str:
    return hashlib.sha256(Path(evidence.__file__).read_bytes()).hexdigest()[:16]


def report_key(store: GraphStore) -> str | None:
    """What a kept report must have been computed from; None for a store with no folder."""
    stamp = store.stamp() if isinstance(store, GraphStore) else None
    return f"{_code_digest()}:{len(store)}:{stamp}" if stamp else None


def _fact(item: dict) -> FactRow:
    return FactRow(**{**item, "references": [ReferenceRow(**r) for r in item["references"]]})


def from_dict(data: dict) -> EvidenceReport:
    """The report `EvidenceReport.to_dict` gave."""
    return EvidenceReport(
        corroborated=[_fact(f) for f in data["corroborated"]],
        disagreements=[Disagreement(**{**d, "values": [ValueRow(**v) for v in d["values"]]})
                       for d in data["disagreements"]],
        single_reference=[_fact(f) for f in data["single_reference"]],
        unreferenced=[_fact(f) for f in data["unreferenced"]],
        totals=data["totals"], documents=data["documents"])


def _read(path: Path, key: str) -> EvidenceReport | None:
    try:
        with path.open(encoding="utf-8") as handle:
            kept = json.load(handle)
        if kept.get("key") != key:
            return None
        return from_dict(kept["report"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # missing, unreadable or of another shape: computed again


def _write(path: Path, key: str, report: EvidenceReport) -> None:
    """Write atomically; a folder that cannot be written only loses the saving."""
    with suppress(OSError), replacing_file(path, text=True) as handle:
        json.dump({"key": key, "report": report.to_dict()}, handle, ensure_ascii=False,
                  separators=(",", ":"))


def kept_evidence_report(store: GraphStore) -> EvidenceReport:
    """The store's full evidence report: read from its folder when it was computed from this
    store by this code, else computed and kept there."""
    key = report_key(store)
    if key is None:
        return evidence_report(store)
    path = Path(store.location) / FILE
    report = _read(path, key)
    if report is None:
        report = evidence_report(store)
        _write(path, key, report)
    return report
