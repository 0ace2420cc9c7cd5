"""Label/value layouts such as USDOL project summaries: an UPPERCASE label at the start of a
line ("PROJECT DURATION August 20, 2003–…"), the value on the same and following lines, or labels
stacked apart from their values ("GRANTEE", "IMPLEMENTING PARTNERS", then the two values)."""

from __future__ import annotations

from dataclasses import dataclass

from ..read.model import Field, Span
from .layout import BODY, FIELD_LABEL, Layout, Line
from .metadata import make_field

#: Labels known from USDOL technical cooperation project summaries (longest match wins).
KNOWN_LABELS = (
    "PROJECT TITLE",
    "PROJECT NAME",
    "REGION/COUNTRY",
    "COUNTRY/REGION",
    "REGION",
    "COUNTRY",
    "PROJECT DURATION",
    "PROJECT PERIOD",
    "DURATION",
    "FISCAL YEAR & FUNDING LEVEL",
    "FISCAL YEAR AND FUNDING LEVEL",
    "FUNDING LEVEL",
    "FISCAL YEAR",
    "AWARD AMOUNT",
    "PROBLEM TO BE ADDRESSED",
    "RESULTS",
    "PROJECT OBJECTIVES",
    "PROJECT OBJECTIVE",
    "OBJECTIVES",
    "PROJECT GOAL",
    "SUMMARY OF ACTIVITIES",
    "PROJECT ACTIVITIES",
    "ACTIVITIES",
    "GRANTEE",
    "GRANTEES",
    "IMPLEMENTING PARTNERS",
    "IMPLEMENTING PARTNER",
    "IMPLEMENTING ORGANIZATION",
    "CONTACT INFORMATION",
    "TARGET POPULATION",
    "DIRECT BENEFICIARIES",
    "BENEFICIARIES",
    "PROJECT STATUS",
)
_LABELS = sorted(KNOWN_LABELS, key=len, reverse=True)


@dataclass
class _Label:
    line: Line
    span: Span
    value_start: int | None  # offset of the value on the same line, None if the label is alone
    gap: int  # spaces between label and value (2+ often means a lost bullet)


def _match_label(line: Line) -> _Label | None:
    s = line.text
    lead = len(s) - len(s.lstrip())
    if lead:
        return None
    for label in _LABELS:
        if s.startswith(label) and (len(s) == len(label) or s[len(label)] in " \t"):
            rest = s[len(label) :]
            span = Span(line.start, line.start + len(label))
            if not rest.strip():
                return _Label(line, span, None, 0)
            gap = len(rest) - len(rest.lstrip())
            return _Label(line, span, line.start + len(label) + gap, gap)
    return None


def find_fields(layout: Layout, min_labels: int = 3) -> tuple[list[Field], set[int]]:
    """Fields of a label/value layout (only when ``min_labels`` distinct known labels occur).

    Returns the fields and the offsets where a value starts with a lost bullet (list item).
    Value lines stay free for sentence/list segmentation (role BODY); label-only lines are claimed.
    """
    labels = [
        lab
        for ln in layout.lines
        if layout.is_free(ln.no) and (lab := _match_label(ln)) is not None
    ]
    distinct = {layout.text[lab.span.start : lab.span.end] for lab in labels}
    if len(distinct) < min_labels:
        return [], set()
    text = layout.text
    item_starts: set[int] = set()
    fields: list[Field] = []
    label_line_nos = {lab.line.no for lab in labels}
    pending: list[_Label] = []
    values: dict[int, list[Line]] = {}
    order: list[_Label] = []
    current: _Label | None = None
    first = labels[0].line.no
    prev_chunk_end = None
    for ln in layout.lines[first:]:
        if ln.blank:
            continue
        if not layout.is_free(ln.no):
            if layout.roles[ln.no] != "running":
                current = None
            continue
        if ln.no in label_line_nos:
            lab = next(x for x in labels if x.line.no == ln.no)
            order.append(lab)
            values[ln.no] = []
            if lab.value_start is None:
                layout.claim([ln.no], FIELD_LABEL)
                alone = _alone_in_chunk(layout, ln)
                if alone:
                    pending.append(lab)
                    current = lab
                else:
                    current = lab
            else:
                pending = []
                current = lab
                if lab.gap >= 2:
                    item_starts.add(lab.value_start)
                layout.claim([ln.no], BODY)
                layout.override[ln.no] = lab.value_start
            prev_chunk_end = ln.no
            continue
        chunk_start = prev_chunk_end is None or any(
            layout.lines[k].blank for k in range(prev_chunk_end + 1, ln.no)
        )
        if pending and chunk_start:
            current = pending.pop(0)
        if current is not None:
            values[current.line.no].append(ln)
            layout.claim([ln.no], BODY)
        prev_chunk_end = ln.no
    for lab in order:
        vlines = values[lab.line.no]
        start = lab.value_start
        if start is None and vlines:
            start = vlines[0].content.start
        end = vlines[-1].content.end if vlines else (lab.line.content.end if start else None)
        value = Span(start, end) if start is not None and end is not None else None
        fields.append(make_field(text, lab.span, value, "label-value"))
    fields.sort(key=lambda f: f.start)
    return fields, item_starts


def _alone_in_chunk(layout: Layout, ln: Line) -> bool:
    before = ln.no == 0 or layout.lines[ln.no - 1].blank
    after = ln.no + 1 >= len(layout.lines) or layout.lines[ln.no + 1].blank
    return before and after
