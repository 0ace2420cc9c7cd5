"""What a document is, read from its own words: the kind, title, country, reporting year and
publisher of a report dropped into data/sources/ without a sidecar.

The kinds, their opening sentences, running titles, title templates and publishers are data
(``data/lexicon/documents.toml``). ``identify(doc, lexicon)`` returns the same ``SourceMeta`` a
sidecar gives, with ``evidence`` naming the passage behind every value (the opening sentence
"In 2019, Burkina Faso made a moderate advancement …"); ``sources.merge`` lets the sidecar win
field by field. A running title ("2019 FINDINGS ON THE WORST FORMS OF CHILD LABOR", kept by the
PDF reader in ``Document.furniture``) confirms the kind and year, or gives them when the opening
is not found; such values have no passage to quote. The publication date is never read.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .link.lexicon import Lexicon
from .link.places import country as resolve_country
from .paths import LEXICON_DIR
from .read.model import Document, Sentence
from .sources import AgentRef, FieldEvidence, SidecarError, SourceMeta, parse_agents

KINDS_FILE = LEXICON_DIR / "documents.toml"
_SLOT = re.compile(r"\{(\w+)\}|…|\s+|.", re.S)
_KEYS = {"kind", "name", "method", "title", "opening", "within_sentences", "levels", "articles",
         "country_articles", "running", "publisher"}


@dataclass(frozen=True)
class KindSpec:
    """How one kind of document is recognized (an entry of documents.toml)."""

    kind: str
    name: str
    method: str
    title: str
    opening: re.Pattern[str] | None
    within: int
    running: tuple[re.Pattern[str], ...]
    country_articles: tuple[str, ...]
    publishers: tuple[AgentRef, ...]


@dataclass(frozen=True)
class Identification:
    """What the text says the document is, and anything odd noticed on the way."""

    meta: SourceMeta
    warnings: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()  # names of the kinds looked for ("USDOL Findings report")

    @property
    def kind(self) -> str | None:
        return self.meta.kind


def _pattern(template: str, spec: dict, spaced: bool = False) -> re.Pattern[str]:
    """A template as a regular expression (slots as named groups, case-insensitive, spaces
    optional; `spaced`: letters may also be spaced out)."""
    levels = "|".join(re.escape(w) for w in spec.get("levels", []))
    articles = "|".join(re.escape(w) for w in spec.get("articles", []))
    slots = {
        "year": r"(?P<year>(?:\d\s*){3}\d)\s*" if spaced else r"(?P<year>\d{4})",
        "country": r"(?P<country>[^\n;:,.()]{2,80}?)",
        "level": (rf"(?:(?:{articles})\s+)?" if articles else "") + rf"(?P<level>{levels})",
    }
    out = []
    for m in _SLOT.finditer(template):
        token = m.group()
        if m.group(1):
            out.append(slots[m.group(1)])
        elif token == "…":
            out.append(r"(?:\S+\s+){0,3}?")
        elif token.isspace():
            out.append(r"\s*")
        else:
            out.append(re.escape(token) + (r"\s*" if spaced else ""))
    return re.compile("".join(out), re.IGNORECASE)


def load_kinds(path: Path = KINDS_FILE) -> tuple[KindSpec, ...]:
    """The kinds of documents.toml (SidecarError naming the file when it is malformed)."""
    return _load_kinds(str(path))


@lru_cache(maxsize=4)
def _load_kinds(path_name: str) -> tuple[KindSpec, ...]:
    path = Path(path_name)
    if not path.is_file():
        return ()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SidecarError(f"{path}: {exc}") from None
    kinds = []
    for i, spec in enumerate(data.get("kind", []), 1):
        unknown = set(spec) - _KEYS
        if unknown or "kind" not in spec:
            raise SidecarError(f"{path}: kind #{i} needs a `kind` and knows only {sorted(_KEYS)}"
                               + (f" (not {sorted(unknown)})" if unknown else ""))
        kinds.append(KindSpec(
            kind=spec["kind"],
            name=spec.get("name", spec["kind"]),
            method=spec.get("method", f"metadata:{spec['kind']}"),
            title=spec.get("title", ""),
            opening=_pattern(spec["opening"], spec) if spec.get("opening") else None,
            within=int(spec.get("within_sentences", 3)),
            running=tuple(_pattern("".join(t.split()), spec, spaced=True)
                          for t in spec.get("running", [])),
            country_articles=tuple(spec.get("country_articles", [])),
            publishers=parse_agents(path, spec.get("publisher"), "publisher"),
        ))
    return tuple(kinds)


def _year(text: str | None) -> int | None:
    return int(text) if text and 1900 <= int(text) <= 2100 else None


def _country_name(spec: KindSpec, printed: str) -> str | None:
    """The country as printed, without a leading article; None when it does not look like a
    name (capitalized, no digits, a few words)."""
    words = printed.split()
    if words and words[0] in spec.country_articles:  # case-sensitive: "the", not "The"
        words = words[1:]
    name = " ".join(words)
    if not words or len(words) > 6 or not name[0].isupper() or any(c.isdigit() for c in name):
        return None
    return name


def _opening(doc: Document, spec: KindSpec) -> tuple[Sentence, re.Match[str]] | None:
    if spec.opening is None:
        return None
    for sentence in sorted(doc.sentences, key=lambda s: s.start)[: spec.within]:
        m = spec.opening.match(" ".join(doc.text[sentence.start:sentence.end].split()))
        if m:
            return sentence, m
    return None


def _running_year(doc: Document, spec: KindSpec) -> int | None:
    lines = [text for _page, text in doc.furniture]
    lines += [doc.text[r.start:r.end] for r in doc.running]
    for line in lines:
        for pattern in spec.running:
            m = pattern.search(line)  # a page number may share the line
            if m:
                return _year("".join(m.group("year").split()))
    return None


def _banner_country(doc: Document, lexicon: Lexicon) -> str | None:
    """The first running line of the first page that names a country of the lexicon."""
    first = min((page for page, _ in doc.furniture), default=None)
    for page, text in doc.furniture:
        if page == first and resolve_country(lexicon, text)[2]:
            return " ".join(text.split())
    return None


def _identify(doc: Document, lexicon: Lexicon, spec: KindSpec) -> Identification | None:
    warnings: list[str] = []
    opening = _opening(doc, spec)
    running_year = _running_year(doc, spec)
    banner = _banner_country(doc, lexicon)
    if opening is None and running_year is None:
        return None
    year: int | None = None
    name: str | None = None
    evidence: list[FieldEvidence] = []
    if opening is not None:
        sentence, m = opening
        year = _year(m.group("year"))
        name = _country_name(spec, m.group("country"))
        quoted = ["kind"] + (["reporting_year"] if year else []) + (["country"] if name else [])
        if year and name and spec.title:
            quoted.append("title")
        evidence = [FieldEvidence(f, sentence.start, sentence.end, spec.method) for f in quoted]
    if running_year is not None:
        if year is not None and running_year != year:
            warnings.append(f"the opening sentence says {year}, the running title "
                            f"{running_year}: the opening sentence is taken")
        year = year or running_year
    if banner is not None:
        if name is not None and resolve_country(lexicon, banner)[0] != \
                resolve_country(lexicon, name)[0]:
            warnings.append(f"the opening sentence names {name}, the page banner {banner}: "
                            "the opening sentence is taken")
        name = name or banner
    title = spec.title.format(year=year, country=name) if spec.title and year and name else None
    meta = SourceMeta(title=title, kind=spec.kind, country=name, reporting_year=year,
                      publishers=spec.publishers, evidence=tuple(evidence))
    return Identification(meta, tuple(warnings))


def identify(doc: Document, lexicon: Lexicon, kinds: tuple[KindSpec, ...] | None = None
             ) -> Identification:
    """What a segmented document's own words say it is (an empty SourceMeta when they do not
    match any kind of documents.toml)."""
    kinds = load_kinds() if kinds is None else kinds
    names = tuple(spec.name for spec in kinds)
    for spec in kinds:
        found = _identify(doc, lexicon, spec)
        if found is not None:
            return Identification(found.meta, found.warnings, names)
    return Identification(SourceMeta(), (), names)


def document_kind(doc: Document, lexicon: Lexicon, meta: SourceMeta | None) -> str | None:
    """The kind a sidecar (or the identified metadata) gives, else the one the text shows."""
    if meta is not None and meta.kind:
        return meta.kind
    return identify(doc, lexicon).kind
