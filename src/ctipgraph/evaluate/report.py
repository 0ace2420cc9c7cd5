"""Scores as text for people and as JSON for programs."""

from __future__ import annotations

import json
from collections import Counter
from statistics import mean

from .score import FieldResult, ReportScore


def summary(scores: list[ReportScore], digits: int | None = None) -> dict[str, object]:
    """Mean and minimum percentage over the reports (rounded to `digits` if given), and the
    worst report."""
    if not scores:
        return {"reports": 0, "mean": None, "min": None, "worst": None}
    worst = min(scores, key=lambda s: (s.percent, s.report.year, s.report.country))
    return {
        "reports": len(scores),
        "fields_scored": sum(s.scored for s in scores),
        "fields_matched": sum(s.matched for s in scores),
        "mean": round(mean(s.percent for s in scores), digits) if digits is not None
        else mean(s.percent for s in scores),
        "min": round(worst.percent, digits) if digits is not None else worst.percent,
        "worst": worst.report.name,
    }


def worst_misses(scores: list[ReportScore], n: int) -> list[tuple[ReportScore, FieldResult]]:
    """The misses where the graph says something else first, then those where it says
    nothing; each in the order of the lowest-scoring reports, then of the fields."""
    ranked = sorted(scores, key=lambda s: (s.percent, s.report.year, s.report.country))
    misses = [(s, r) for s in ranked for r in s.misses]
    return sorted(misses, key=lambda m: not m[1].contrary)[:n]


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(scores: list[ReportScore], worst: int = 15, absent: list[str] = ()) -> str:
    """Per report score, mean and min, the reports of the record with no document, the worst
    misses, the misses by cause, the disagreements."""
    lines = [f"{'report':<32} {'document':<48} {'matched':>9} {'%':>7}"]
    for s in sorted(scores, key=lambda s: (s.report.country, s.report.year)):
        doc = s.doc.doc_id if s.doc else "—"
        via = "" if s.matched_by == "metadata" else f" (by {s.matched_by or 'nothing'})"
        lines.append(f"{s.report.name:<32} {_cut(doc + via, 48):<48} "
                     f"{s.matched:>4}/{s.scored:<4} {s.percent:>6.1f}")
    info = summary(scores)
    if scores:
        lines.append(f"\n{info['reports']} reports, {info['fields_matched']}/"
                     f"{info['fields_scored']} fields: mean {info['mean']:.1f} %, "
                     f"min {info['min']:.1f} % ({info['worst']})")
    if absent:
        listed = ", ".join(absent) if len(absent) <= 20 else f"{', '.join(absent[:20])}, …"
        lines.append(f"{len(absent)} reports of the record have no document in this build "
                     f"(not scored): {listed}")
    misses = worst_misses(scores, worst)
    if misses:
        lines.append(f"\nworst misses ({len(misses)}):")
        for s, r in misses:
            lines.append(f"  {s.report.name:<28} {r.key}")
            lines.append(f"      expected {_cut(r.expected, 90)!s}")
            lines.append(f"      found    {_cut(r.found, 90)!s}")
            lines.append(f"      cause    {r.cause}")
    causes = Counter((r.key.split("/")[0], r.cause) for s in scores for r in s.misses)
    if causes:
        lines.append("\nmisses by cause:")
        for (family, cause), count in causes.most_common():
            lines.append(f"  {count:>4}  {family:<12} {cause}")
    notes = [(s, r) for s in scores for r in s.results if r.disagreement]
    if notes:
        lines.append("\nrecord disagrees with the report's text (the text wins):")
        for s, r in notes:
            d = r.disagreement
            assert d is not None
            mark = "matched" if r.matched else "MISSED"
            lines.append(f"  {s.report.name:<28} {r.key} — {mark}")
            lines.append(f"      record {_cut(d.official, 90)}")
            lines.append(f"      text   {_cut(d.text, 90)}")
            lines.append(f"      graph  {_cut(r.found, 90)}")
    return "\n".join(lines)


def _field(r: FieldResult) -> dict[str, object]:
    out: dict[str, object] = {"field": r.key, "expected": r.expected, "found": r.found,
                              "matched": r.matched}
    if r.cause:
        out["cause"] = r.cause
    if r.disagreement:
        out["disagreement"] = {"official": r.disagreement.official,
                               "text": r.disagreement.text, "why": r.disagreement.why}
    return out


def render_json(scores: list[ReportScore], worst: int = 15, absent: list[str] = ()) -> str:
    """The scores as JSON: summary, reports (with every field), worst misses, and the reports
    of the record with no document in the build."""
    reports = [{
        "country": s.report.country, "year": s.report.year,
        "document": s.doc.doc_id if s.doc else None, "matched_by": s.matched_by,
        "matched": s.matched, "scored": s.scored, "percent": round(s.percent, 2),
        "fields": [_field(r) for r in s.results],
    } for s in sorted(scores, key=lambda s: (s.report.country, s.report.year))]
    misses = [{"report": s.report.name, **_field(r)} for s, r in worst_misses(scores, worst)]
    return json.dumps({"summary": summary(scores, 2), "reports": reports, "worst": misses,
                       "absent": list(absent)}, indent=2, ensure_ascii=False)
