"""The PDF reader on reports it was not tuned on: the Findings of eleven other West and Central
African countries, 2016–2021 (../shared/corpus/regional/pdf/). Every report must come out with its
tables numbered in order, its ratification check marks, its reference list numbered as printed
and its citations resolved."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ctipgraph.paths import ROOT
from ctipgraph.segment import load

REGIONAL = ROOT.parent / "shared" / "corpus" / "regional" / "pdf"
REPORTS = sorted(REGIONAL.glob("*.pdf")) if REGIONAL.is_dir() else []

pytestmark = pytest.mark.skipif(not REPORTS, reason="../shared/corpus/regional/pdf is missing")


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.stem.removeprefix("usdol-findings-"))
def test_a_report_of_another_country_reads_whole(path: Path) -> None:
    d = load(path)
    numbers = [t.number for t in d.tables]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)] and len(numbers) >= 9
    ratification = next(t for t in d.tables if "Ratification" in (t.caption or ""))
    rows = {d.quote(r.cells[0]): d.quote(r.cells[-1]) for r in ratification.rows
            if not r.is_header}  # (2021 Benin prints two rows again under its "(Cont.)")
    assert len(rows) == 6 and set(rows.values()) <= {"✓", ""}
    assert list(rows.values()).count("✓") >= 3
    refs = [e.number for e in d.bibliography]
    assert len(refs) >= 20 and not any(e.number_inferred for e in d.bibliography)
    assert refs[0] == 1 and all(0 < b - a <= 3 for a, b in zip(refs, refs[1:], strict=False))
    assert len(d.citations) >= 80
    # a report may cite a number its list lacks (2019 Chad cites 57 of 56): at most 1 %
    assert len(d.unresolved) <= len(d.citations) // 100
    assert "FINDINGS ON THE WORST FORMS OF CHILD LABOR" not in d.text
    assert not re.search(r"^(MODERATE|MINIMAL|SIGNIFICANT|NO) ADVANCEMENT", d.text, re.M)
    opening = d.quote(d.sentences[0])
    assert re.match(r"In \d{4}, ?\S", opening), opening[:80]
