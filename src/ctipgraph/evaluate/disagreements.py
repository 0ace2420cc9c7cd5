"""Fields where the official record disagrees with the report's own text (the text wins).

A TOML file of ``[[disagreement]]`` tables (country, year, field, official, text, quote, why;
for a suggested action optionally ``area``, the area the report's table puts it in).
An entry applies only when its quote is in the document's normalized text (the build's
``<doc>.txt``), compared with runs of white space made one: an entry is a statement about the
text, and one the text does not bear out is listed as unverified and left unused.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

_KEYS = ("country", "year", "field", "official", "text", "quote", "why")
_OPTIONAL = ("area",)


@dataclass(frozen=True)
class Disagreement:
    """One field on which the record and the report's text differ."""

    country: str
    year: int
    field: str
    official: str
    text: str
    quote: str
    why: str
    area: str | None = None


class DisagreementError(ValueError):
    """A malformed disagreements file."""


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class DisagreementIndex:
    """Disagreements by (country, year, field), checked against a folder of built texts."""

    entries: list[Disagreement]
    texts: Path | None = None
    unverified: list[Disagreement] = field(default_factory=list)
    _cache: dict[str, str] = field(default_factory=dict)

    def _text(self, doc_id: str) -> str | None:
        if self.texts is None:
            return None
        if doc_id not in self._cache:
            path = self.texts / f"{doc_id}.txt"
            self._cache[doc_id] = _squash(path.read_text(encoding="utf-8")) \
                if path.is_file() else ""
        return self._cache[doc_id]

    def find(self, country: str, year: int, key: str, doc_id: str) -> Disagreement | None:
        """The entry of a field, if the document's text holds its quote."""
        for entry in self.entries:
            if (entry.country.casefold(), entry.year, entry.field) != \
                    (country.casefold(), year, key):
                continue
            text = self._text(doc_id)
            if text is None or _squash(entry.quote) in text:
                return entry
            if entry not in self.unverified:
                self.unverified.append(entry)
        return None


def load_disagreements(path: Path, texts: Path | None = None) -> DisagreementIndex:
    """Read a disagreements file; `texts` is the build folder whose .txt files verify quotes."""
    if not path.is_file():
        raise DisagreementError(f"{path}: no such file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise DisagreementError(f"{path}: {err}") from err
    entries: list[Disagreement] = []
    seen: set[tuple[str, int, str]] = set()
    for i, item in enumerate(data.get("disagreement", []), 1):
        missing = [k for k in _KEYS if k not in item]
        unknown = sorted(set(item) - set(_KEYS) - set(_OPTIONAL))
        if missing or unknown:
            raise DisagreementError(
                f"{path}: entry {i}: missing {missing or '—'}, unknown {unknown or '—'}")
        key = (str(item["country"]).casefold(), int(item["year"]), str(item["field"]))
        if key in seen:
            raise DisagreementError(f"{path}: entry {i}: a second entry for {key}")
        seen.add(key)
        entries.append(Disagreement(str(item["country"]), int(item["year"]),
                                    str(item["field"]), str(item["official"]),
                                    str(item["text"]), str(item["quote"]), str(item["why"]),
                                    item.get("area")))
    return DisagreementIndex(entries, texts)
