"""USDOL's official record (usdol-official-YYYY.xml) as typed expected fields.

Each ``Countries/Country`` of the file of reporting year YYYY becomes an `OfficialReport`: the
fields the record fills, each with a key (``enforcement/Labor_Inspectors``), the value as written
and the kind of comparison it needs. A field the record leaves empty is not listed (no score).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from . import catalog
from .normalize import answer, years

_FILE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@dataclass(frozen=True)
class Expected:
    """One field of the record: key, kind of value, the value as written and its context."""

    key: str
    kind: str  # level, qualifier, share, count, ages, ratified, meets, age, money, number,
    #            answer, action, good, forced-good
    value: str
    area: str | None = None  # suggested actions: the record's section (Legal_Framework …)
    years: tuple[int, ...] = ()  # suggested actions: the years suggested, when recorded


@dataclass
class OfficialReport:
    """What the record says of one country's Findings of one reporting year."""

    country: str
    year: int
    fields: list[Expected] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.country} {self.year}"


class OfficialError(ValueError):
    """The record cannot be read (missing folder, not XML, no Countries)."""


def _text(element: ET.Element | None, tag: str | None = None) -> str:
    node = element.find(tag) if element is not None and tag else element
    return " ".join((node.text or "").split()) if node is not None else ""


def _advancement(country: ET.Element) -> list[Expected]:
    """The level, and its qualifier ("Minimal Advancement – Efforts Made but …") when any: the
    record puts a qualified level in Advancement_Level or in Automatic_Downgrade."""
    level = _text(country, "Advancement_Level")
    if not level:
        return []
    found = [Expected("advancement/level", "level", re.split(r"\s+[–—-]\s+", level)[0])]
    for text in (level, _text(country, "Automatic_Downgrade")):
        parts = re.split(r"\s+[–—-]\s+", text, maxsplit=1)
        if len(parts) == 2:
            found.append(Expected("advancement/qualifier", "qualifier", text))
            break
    return found


def _statistics(country: ET.Element) -> list[Expected]:
    stats = country.find("Country_Statistics")
    found: list[Expected] = []
    for spec in catalog.STATISTICS:
        group = stats.find(spec.element) if stats is not None else None
        if group is None:
            continue
        key = f"statistics/{spec.indicator}"
        if value := _text(group, spec.share):
            found.append(Expected(f"{key}/share", "share", value))
        if spec.count and (value := _text(group, spec.count)):
            found.append(Expected(f"{key}/count", "count", value))
        if spec.has_ages and (value := _text(group, "Age_Range")):
            found.append(Expected(f"{key}/ages", "ages", value))
    return found


def _conventions(country: ET.Element) -> list[Expected]:
    conventions = country.find("Conventions")
    found = []
    for element in catalog.CONVENTIONS:
        if value := _text(conventions, element) if conventions is not None else "":
            found.append(Expected(f"ratification/{element}", "ratified", value))
    return found


def _legal_standards(country: ET.Element) -> list[Expected]:
    """Per standard: the Yes/No of the table (the record's Standard, which is its
    Conforms_To_Intl_Standard except where that says N/A of a standard with no international
    age, free public education, and the report prints Yes or No) and the age."""
    standards = country.find("Legal_Standards")
    found = []
    for element, _ in catalog.STANDARDS:
        node = standards.find(element) if standards is not None else None
        if node is None:
            continue
        meets = _text(node, "Conforms_To_Intl_Standard")
        if answer(meets) in (None, "n/a") and answer(_text(node, "Standard")) in ("yes", "no"):
            meets = _text(node, "Standard")
        if meets:
            found.append(Expected(f"legal/{element}/meets", "meets", meets))
        if age := _text(node, "Age"):
            found.append(Expected(f"legal/{element}/age", "age", age))
    return found


def _enforcement(country: ET.Element) -> list[Expected]:
    node = country.find("Enforcements")
    found = []
    for spec in catalog.ENFORCEMENT:
        if value := _text(node, spec.element) if node is not None else "":
            found.append(Expected(f"enforcement/{spec.element}", spec.kind, value))
    return found


def _actions(country: ET.Element) -> list[Expected]:
    """Suggested actions by section, numbered within it; the years suggested when a child
    element of the action names them (the published record has none)."""
    node = country.find("Suggested_Actions")
    found = []
    for section in node if node is not None else []:
        for i, action in enumerate(section.findall("Action"), 1):
            text = _text(action, "Name")
            if not text or answer(text) is not None:  # "N/A": no action in this section
                continue
            stated = [y for child in action if "year" in child.tag.lower()
                      for y in years(_text(child))]
            found.append(Expected(f"action/{section.tag}/{i}", "action", text,
                                  area=section.tag, years=tuple(sorted(set(stated)))))
    return found


def _goods(country: ET.Element) -> list[Expected]:
    """Each good; whether forced child labor produces it only when the record says so (the
    report states where forced labor is found, never where it is not)."""
    found = []
    for good in country.iterfind("Goods/Good"):
        name = _text(good, "Good_Name")
        if not name:
            continue
        found.append(Expected(f"goods/{name}", "good", name))
        if answer(_text(good, "Forced_Child_Labor")) == "yes":
            found.append(Expected(f"goods/{name}/forced-child-labor", "forced-good", name))
    return found


def parse_country(country: ET.Element, year: int) -> OfficialReport:
    """One Country element of the record of a reporting year."""
    report = OfficialReport(_text(country, "Name"), year)
    for part in (_advancement, _statistics, _conventions, _legal_standards, _enforcement,
                 _actions, _goods):
        report.fields += part(country)
    return report


def parse_official_text(text: str, year: int, source: str = "<record>") -> list[OfficialReport]:
    """Every country of the record of one reporting year, from its XML text."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        raise OfficialError(f"{source}: not XML ({err})") from err
    countries = root.findall("Country") if root.tag == "Countries" else []
    if not countries:
        raise OfficialError(f"{source}: no Countries/Country elements")
    return [parse_country(c, year) for c in countries]


def parse_official(path: Path) -> list[OfficialReport]:
    """Every country of one record file; the reporting year is the one its name gives."""
    m = _FILE_YEAR.search(path.name)
    if m is None:
        raise OfficialError(f"{path}: no reporting year in the file name")
    return parse_official_text(path.read_text(encoding="utf-8"), int(m.group(1)), str(path))


def load_official(folder: Path) -> list[OfficialReport]:
    """Every report of every usdol-official-YYYY.xml in a folder, by year then country."""
    if not folder.is_dir():
        raise OfficialError(f"{folder}: no such folder")
    files = sorted(folder.glob("*.xml"))
    if not files:
        raise OfficialError(f"{folder}: no .xml files")
    reports = [r for path in files for r in parse_official(path)]
    return sorted(reports, key=lambda r: (r.year, r.country))
