"""Numeric citation markers: "(1; 2; 3)", "(7; 8; 1)", "(1-8)", "(1, 3, 4)", "(1,3,4,7,8)", glued
"trafficking.(1-8)" — and what only looks like one: years "(2017)", amounts "(1,216,300)", ages
"(15)", phone numbers "(202) 693-4843", enumerations "(1) to create jobs"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUM = r"\d{1,4}"
_ITEM = rf"{_NUM}(?:\s*[-–—]\s*{_NUM})?"
MARKER = re.compile(rf"\((?P<body>\s*{_ITEM}(?:\s*[;,]\s*{_ITEM})*\s*)\)")
_ITEM_RE = re.compile(rf"(?P<a>{_NUM})(?:\s*[-–—]\s*(?P<b>{_NUM}))?")
_AMOUNT = re.compile(r"^\s*\d{1,3}(?:,\d{3})+\s*$")
_AGE_BEFORE = re.compile(r"\b(?:ages?|aged|age of|under|over|older than|younger than)\s*$", re.I)
_AGE_AFTER = re.compile(r"^\s*(?:years?|yrs|-year|year-old|months?)\b", re.I)
_PHONE_AFTER = re.compile(r"^\s*\d{3}[-.\s]\d{4}")
MAX_RANGE = 60


@dataclass
class NumericItem:
    """One item of a marker: a number or a range ("1-8"), with the numbers it denotes."""

    text: str
    start: int
    end: int
    numbers: list[int] = field(default_factory=list)
    problem: str | None = None  # e.g. an implausible range


@dataclass
class NumericMarker:
    text: str
    start: int
    end: int
    items: list[NumericItem] = field(default_factory=list)
    skip_reason: str | None = None  # set when this is not a citation


def _skip_reason(text: str, m: re.Match[str], lo: int) -> str | None:
    body = m.group("body")
    numbers = [int(n) for n in re.findall(r"\d+", body)]
    if _AMOUNT.match(body):
        return "amount"
    if any(n >= 1000 for n in numbers):
        return "year or large number"
    before = text[max(lo, m.start() - 40) : m.start()]
    after = text[m.end() : m.end() + 30]
    if _PHONE_AFTER.match(after):
        return "phone number"
    single = len(numbers) == 1
    if single and (_AGE_BEFORE.search(before) or _AGE_AFTER.match(after)):
        return "age"
    if single:
        prev = before.rstrip()
        if not prev or prev.endswith((":", "\n")) or re.search(r"(?:^|\n)\s*[-•▪*]\s*$", before):
            return "enumeration"
        if re.match(r"^\s+[a-z]", after):
            return "enumeration"
    return None


def find_numeric_markers(text: str, start: int = 0, end: int | None = None) -> list[NumericMarker]:
    """Markers in ``text[start:end]`` (offsets are into ``text``); skipped ones have a reason."""
    end = len(text) if end is None else end
    out: list[NumericMarker] = []
    for m in MARKER.finditer(text, start, end):
        marker = NumericMarker(m.group(), m.start(), m.end())
        marker.skip_reason = _skip_reason(text, m, start)
        if marker.skip_reason is None:
            for it in _ITEM_RE.finditer(text, m.start("body"), m.end("body")):
                a = int(it.group("a"))
                b = int(it.group("b")) if it.group("b") else a
                item = NumericItem(it.group(), it.start(), it.end())
                if b < a or b - a > MAX_RANGE:
                    item.problem = f"implausible range {it.group()}"
                else:
                    item.numbers = list(range(a, b + 1))
                marker.items.append(item)
        out.append(marker)
    return out
