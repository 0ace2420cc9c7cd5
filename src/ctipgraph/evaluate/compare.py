"""Field-by-field comparison of one official report with one document's graph.

Each family of fields has its comparison: the advancement level (and its qualifier), the
statistics (share, count, ages), ratifications, legal standards (Yes/No and age), enforcement
figures and answers, suggested actions (fuzzy wording, one to one, and their area) and goods.
A field is matched, or missed with a short cause; a cause that begins with "no " says the graph
holds nothing for it, any other that the graph says something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz import fuzz

from . import catalog
from .disagreements import Disagreement
from .graph_fields import DocumentFields, Figure, Standard
from .normalize import (
    NA,
    UNKNOWN,
    action_text,
    ages,
    answer,
    name_slug,
    number,
    same_number,
    share,
    words,
)
from .official import Expected, OfficialReport

#: A suggested action is the graph's when the rapidfuzz ratio (0–100) of the two normalized
#: wordings reaches this. Measured with --calibrate on the Mali and regional builds: the record's
#: copy of an action scores 100 against the report's in 9 cases of 10, 86–99 where the PDF text
#: lost a ligature ("eforts") or the record dropped or added a few words; two different actions
#: of one report score at most 82 (CAR 2021: "Ensure activities are undertaken to implement …
#: and publish results …" for two policies), except Mali 2016's two near-twins on funding the
#: National Plan (85.7) — those are told apart by the one-to-one pairing, best ratio first
#: (their true pairs score 98 and 99.5), and by the area. Rewordings below 85 go to
#: bench/official_disagreements.toml once checked against the report.
ACTION_THRESHOLD = 85.0

#: Forms of exploitation that make an activity forced child labor (ctipc:exploitation/…).
FORCED_FORMS = frozenset({"forced-labor", "forced-child-labor", "debt-bondage",
                          "hereditary-slavery", "labor-trafficking", "domestic-servitude"})


@dataclass
class FieldResult:
    """One scored field: what the record (or the text) expects, what the graph says."""

    key: str
    expected: str
    found: str
    matched: bool
    cause: str = ""
    disagreement: Disagreement | None = None

    @property
    def contrary(self) -> bool:
        """A miss where the graph says something else (not merely nothing)."""
        return not self.matched and not self.cause.startswith("no ")


def _result(exp: Expected, found: str, ok: bool, cause: str = "") -> FieldResult:
    return FieldResult(exp.key, exp.value, found, ok, "" if ok else cause)


def _advancement(exp: Expected, doc: DocumentFields, year: int) -> FieldResult:
    levels = [lv for y, lv in doc.advancement if y == year] or [lv for _, lv in doc.advancement]
    found = ", ".join(sorted(set(levels))) or "—"
    if not levels:
        return _result(exp, found, False, "no advancement level in the graph")
    want = name_slug(exp.value)
    if exp.kind == "level":
        return _result(exp, found, want in levels, "a different level")
    head = name_slug(re.split(r"\s+[–—-]\s+", exp.value)[0])
    ok = any(lv != head and lv.startswith(head) and (want.startswith(lv) or lv.startswith(want))
             for lv in levels)
    return _result(exp, found, ok,
                   "no qualifier of the level in the graph (no such advancement concept)")


def _statistics(doc: DocumentFields, indicator: str) -> list[Figure]:
    return [f for f in doc.figures.values() if f.indicator == indicator
            and ("table:statistics" in f.methods or not f.methods)]


def _statistic(exp: Expected, doc: DocumentFields) -> FieldResult:
    indicator, part = exp.key.split("/")[1:3]
    figures = _statistics(doc, indicator)
    percent = [f for f in figures if "percent" in (f.one("unit") or "")]
    counts = [f for f in figures if f not in percent]
    if part == "ages":
        want = ages(exp.value)
        got = {(int(f.one("ageMin") or -1), int(f.one("ageMax") or -1))
               for f in percent or figures if f.one("ageMin")}
        found = ", ".join(f"{a}-{b}" for a, b in sorted(got)) or "—"
        if not figures:
            return _result(exp, found, False, "no observation of this indicator")
        return _result(exp, found, want in got, "no age range" if not got else "other ages")
    pool = percent if part == "share" else counts
    if answer(exp.value) == NA and not pool and figures:
        # Table 1 prints no number (N/A, or no population column at all) and the graph has
        # no not-applicable flag for statistics: the row read without a value is the match
        return _result(exp, "—", True)
    return _number_field(exp, pool, unit_share=part == "share",
                         missing="no observation of this indicator")


def _number_field(exp: Expected, pool: list[Figure], *, unit_share: bool = False,
                  missing: str) -> FieldResult:
    """A figure's value against a number; Unknown against ctip:valueUnknown and N/A against
    a not-applicable flag (ctip:valueNotApplicable): a figure that says nothing is a miss."""
    values = [share(v, f.one("unit")) if unit_share else v for f in pool for v in f.numbers()]
    said = {a for f in pool for a in _answers(f)}
    unknown = UNKNOWN in said
    found = ", ".join(_fmt(v) for v in values) or ", ".join(sorted(said)) or "—"
    word = answer(exp.value)
    if word in (UNKNOWN, NA):
        label = "unknown" if word == UNKNOWN else "not applicable"
        cause = f"value not marked {label}" if values or said else missing
        return _result(exp, found, word in said, cause)
    want = number(exp.value)
    if want is None:
        return _result(exp, found, False, f"no reading of the record's value {exp.value!r}")
    if not pool:
        return _result(exp, found, False, missing)
    ok = any(same_number(v, want) for v in values)
    cause = "marked unknown" if unknown and not values else "a different value"
    return _result(exp, found, ok, cause)


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _answers(fig: Figure) -> set[str]:
    """Yes/No/N/A/Unknown a figure states, whatever property holds it: ctip:valueUnknown,
    a not-applicable flag (ctip:valueNotApplicable), any other boolean (ctip:booleanValue),
    or a literal that reads as an answer."""
    said = set()
    for prop, values in fig.props.items():
        if prop in ("year", "unit", "ageMin", "ageMax", "value", "form", "area"):
            continue
        flag = "unknown" in prop.lower() and UNKNOWN or "applicable" in prop.lower() and NA
        for v in values:
            if flag:
                said |= {flag} if v in ("true", "1") else set()
            elif v in ("true", "false"):
                said.add("yes" if v == "true" else "no")
            elif (word := answer(v)) is not None:
                said.add(word)
    return said


def _ratified(exp: Expected, doc: DocumentFields) -> FieldResult:
    agreement = catalog.CONVENTIONS[exp.key.split("/")[1]]
    has = agreement in doc.ratified
    found = "ratified" if has else ("not ratified" if doc.ratified else "—")
    if answer(exp.value) == "yes":
        return _result(exp, found, has, "no ratified fact for this convention")
    return _result(exp, found, bool(doc.ratified) and not has,
                   "ratified in the graph" if has else "no ratification table read")


def standard_for(doc: DocumentFields, element: str) -> list[Standard]:
    """The graph's assessments of one Legal_Standards element (by the table's wording)."""
    found = []
    for std in doc.standards.values():
        tokens = set(words(std.name).split())
        for name, groups in catalog.STANDARDS:
            if any(all(w in tokens for w in g) for g in groups):
                if name == element:
                    found.append(std)
                break
    return found


def _legal(exp: Expected, doc: DocumentFields) -> FieldResult:
    element, part = exp.key.split("/")[1:3]
    stds = standard_for(doc, element)
    if part == "meets":
        got = {m for s in stds for m in s.meets}
        found = "/".join("Yes" if m else "No" for m in sorted(got, reverse=True)) or \
            ("—" if not stds else "no Yes/No")
        word = answer(exp.value)
        if not stds:
            return _result(exp, found, False, "no legal standard row in the graph")
        if word == NA:
            return _result(exp, found, not got, "a Yes/No where the record says N/A")
        ok = got == {word == "yes"}
        return _result(exp, found, ok, "no Yes/No" if not got else "a different Yes/No")
    got_ages = {a for s in stds for a in s.ages}
    found = ", ".join(str(a) for a in sorted(got_ages)) or "—"
    if not stds:
        return _result(exp, found, False, "no legal standard row in the graph")
    want = number(exp.value)
    if want is None:
        return _result(exp, found, not got_ages, "an age where the record says N/A")
    return _result(exp, found, got_ages == {int(want)},
                   "no age" if not got_ages else "a different age")


def row_element(fig: Figure, table: str) -> str | None:
    """The Enforcements element whose row words the figure's row label holds (the first in
    catalog order, the more specific rows first)."""
    labels = [set(words(label).split()) for label in fig.labels]
    for spec in catalog.ENFORCEMENT:
        if spec.table == table and any(all(w in tokens for w in group)
                                       for tokens in labels for group in spec.row):
            return spec.element
    return None


def enforcement_figures(doc: DocumentFields, spec: catalog.Enforcement,
                        year: int) -> list[Figure]:
    """The graph's figures of one Enforcements element for a year: by indicator concept read
    from the element's table (else from prose, e.g. whether inspectors meet the ILO's advice),
    else by the row they were read from (its label's words, in the right table)."""
    method = catalog.ENFORCEMENT_TABLES[spec.table]
    tables = set(catalog.ENFORCEMENT_TABLES.values())
    of_year = [f for f in doc.figures.values() if f.year == year]
    by_concept = [f for f in of_year if f.indicator in spec.indicators]
    from_table = [f for f in by_concept if method in f.methods]
    if from_table:
        return from_table
    from_prose = [f for f in by_concept if not f.methods & tables]
    if from_prose:
        return from_prose
    return [f for f in of_year if method in f.methods
            and row_element(f, spec.table) == spec.element]


def _enforcement(exp: Expected, doc: DocumentFields, year: int) -> FieldResult:
    element = exp.key.split("/")[1]
    spec = next(s for s in catalog.ENFORCEMENT if s.element == element)
    pool = enforcement_figures(doc, spec, year)
    method = catalog.ENFORCEMENT_TABLES[spec.table]
    context = [f for f in doc.figures.values() if f.year == year and method in f.methods]
    missing = ("no figure of the reporting year in the graph" if context
               else f"no {spec.table} enforcement figure of the reporting year")
    word = answer(exp.value)
    if spec.kind != "answer" or word in (UNKNOWN, NA) or number(exp.value) is not None:
        return _number_field(exp, pool, missing=missing)
    said = {a for f in pool for a in _answers(f)}
    found = ", ".join(sorted(said)) or "—"
    if not pool:
        return _result(exp, found, False, missing)
    return _result(exp, found, word in said, "a different answer" if said else "no answer")


def _goods(exp: Expected, doc: DocumentFields) -> FieldResult:
    """A good is named by an activity when the activity has the first word of its name
    (singular or plural): "Granite (crushed)" → granite, "Palm Fruit" → "oil (palm)"."""
    first = (words(exp.value.split("(")[0]).split() or [""])[0]
    stem = first[:-1] if first.endswith("s") and len(first) > 3 else first
    acts = [a for a in doc.activities.values()
            if stem and any(t.startswith(stem) for t in words(a.label).split())]
    if exp.kind == "good":
        found = "; ".join(sorted(a.label for a in acts))[:120] or "—"
        return _result(exp, found, bool(acts), "no activity names this good")
    forced = [a for a in acts if a.forms & FORCED_FORMS]
    found = "; ".join(sorted(a.label for a in forced))[:120] or "—"
    return _result(exp, found, bool(forced),
                   "no forced-labor activity names this good" if acts
                   else "no activity names this good")


def _actions(exps: list[Expected], doc: DocumentFields) -> list[FieldResult]:
    """Each recorded action to the graph's closest recommendation, one to one, best first."""
    recs = list(doc.recommendations.values())
    pairs = sorted(((fuzz.ratio(action_text(e.value), action_text(r.text)), i, j)
                    for i, e in enumerate(exps) for j, r in enumerate(recs)), reverse=True)
    taken_e: dict[int, tuple[float, int]] = {}
    taken_r: set[int] = set()
    for ratio, i, j in pairs:
        if i in taken_e or j in taken_r or ratio < ACTION_THRESHOLD:
            continue
        taken_e[i] = (ratio, j)
        taken_r.add(j)
    results = []
    for i, exp in enumerate(exps):
        if i not in taken_e:
            best = max((p for p in pairs if p[1] == i), default=None)
            found = f"closest ({best[0]:.0f}): {recs[best[2]].text}" if best else "—"
            results.append(_result(exp, found, False, "no recommendation with this wording"))
            continue
        ratio, j = taken_e[i]
        rec = recs[j]
        area = name_slug(exp.area or "")
        problems = []
        if area and area not in rec.areas:
            problems.append(f"area {', '.join(sorted(rec.areas)) or '—'} not {area}")
        if exp.years and set(exp.years) != rec.years:
            problems.append("other years suggested")
        found = f"({ratio:.0f}) {rec.text}"
        results.append(_result(exp, found, not problems, "; ".join(problems)))
    return results


def compare(report: OfficialReport, doc: DocumentFields,
            fields: list[Expected] | None = None) -> list[FieldResult]:
    """Every field of a report (or the given ones) against one document."""
    fields = report.fields if fields is None else fields
    out: dict[int, FieldResult] = {}
    actions = [(i, e) for i, e in enumerate(fields) if e.kind == "action"]
    for (i, _), res in zip(actions, _actions([e for _, e in actions], doc), strict=True):
        out[i] = res
    for i, exp in enumerate(fields):
        if exp.kind == "action":
            continue
        family = exp.key.split("/")[0]
        if family == "advancement":
            out[i] = _advancement(exp, doc, report.year)
        elif family == "statistics":
            out[i] = _statistic(exp, doc)
        elif family == "ratification":
            out[i] = _ratified(exp, doc)
        elif family == "legal":
            out[i] = _legal(exp, doc)
        elif family == "enforcement":
            out[i] = _enforcement(exp, doc, report.year)
        elif family == "goods":
            out[i] = _goods(exp, doc)
    return [out[i] for i in sorted(out)]


def absent_action(exp: Expected, doc: DocumentFields) -> FieldResult:
    """A recorded action the report does not have: matched when the graph lacks it too."""
    ratios = [(fuzz.ratio(action_text(exp.value), action_text(r.text)), r.text)
              for r in doc.recommendations.values()]
    best = max(ratios, default=(0.0, ""))
    found = f"closest ({best[0]:.0f}): {best[1]}" if best[1] else "—"
    return _result(exp, found, best[0] < ACTION_THRESHOLD,
                   "the graph states what the report does not")


def action_margins(report: OfficialReport, doc: DocumentFields | None) -> list[tuple[float, float]]:
    """For each recorded action, the ratio of the graph's closest recommendation and of the
    next closest: how far apart a true match and a different action lie."""
    if doc is None:
        return []
    texts = [action_text(r.text) for r in doc.recommendations.values()]
    margins = []
    for exp in report.fields:
        if exp.kind != "action":
            continue
        ratios = sorted((fuzz.ratio(action_text(exp.value), t) for t in texts), reverse=True)
        margins.append(((ratios or [0.0])[0], (ratios[1:] or [0.0])[0]))
    return margins
