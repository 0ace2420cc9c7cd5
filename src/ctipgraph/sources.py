"""Finding the source documents under data/sources/ and reading their sidecar metadata files.

A source is any file a registered reader handles; its document id is the slug of its file stem
(two files with one stem are renditions of one document; two stems with one slug are an error).
Beside it, `<stem>.meta.toml` says what the text itself does not (title, kind, publisher, dates,
URL).
What the text does say is read by `ctipgraph.identify` into the same SourceMeta, and `merge`
combines the two: the sidecar wins field by field.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .iris import slugify
from .link.lexicon import norm_name

SIDECAR_SUFFIX = ".meta.toml"
ISSUED = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
AGENT_TYPES = {
    "GovernmentBody",
    "CoordinatingBody",
    "NonGovernmentalOrganization",
    "InternationalOrganization",
    "ResearchOrganization",
    "Organization",
    "Person",
}
_TOP_KEYS = {"title", "kind", "country", "issued", "reporting_year", "source_url", "publisher",
             "creator"}
_AGENT_KEYS = {"key", "label", "acronym", "type"}


class SidecarError(ValueError):
    """A sidecar file that cannot be used; the message names the file and the key at fault."""


class SourceCollision(ValueError):
    """Source files whose different stems give one document id; the message names them all."""


@dataclass(frozen=True)
class AgentRef:
    """A publisher or creator named by a sidecar: an organization or person with a stable key."""

    key: str
    label: str
    type: str = "Organization"
    acronym: str | None = None


@dataclass(frozen=True)
class FieldEvidence:
    """Where a document's own text gives one of its metadata values: the field name of
    SourceMeta ("kind", "title", "country", "reporting_year"), the span of the passage saying it
    (offsets into the document text) and the rule that read it (a ctip:extractionMethod)."""

    field: str
    start: int
    end: int
    method: str


@dataclass(frozen=True)
class SourceMeta:
    """Metadata from a sidecar file or read from the text; every field may be absent.
    `evidence` says which passages gave the values read from the text."""

    title: str | None = None
    kind: str | None = None
    country: str | None = None
    issued: str | None = None
    reporting_year: int | None = None
    source_url: str | None = None
    publishers: tuple[AgentRef, ...] = ()
    creators: tuple[AgentRef, ...] = ()
    evidence: tuple[FieldEvidence, ...] = ()


#: The fields `merge` combines.
_MERGED = ("title", "kind", "country", "issued", "reporting_year", "source_url", "publishers",
           "creators")


def _same(name: str, a: object, b: object) -> bool:
    if name == "country" and isinstance(a, str) and isinstance(b, str):
        return norm_name(a) == norm_name(b)
    return a == b


def merge(sidecar: SourceMeta, found: SourceMeta) -> SourceMeta:
    """The sidecar's values, and what the text says where the sidecar is silent. Evidence is
    kept for every field whose value is the one the text gives (also when the sidecar says the
    same), so a value read from the text keeps the passage it was read from."""
    values: dict[str, object] = {}
    for name in _MERGED:
        given = getattr(sidecar, name)
        values[name] = given if given not in (None, "", ()) else getattr(found, name)
    evidence = tuple(e for e in found.evidence
                     if _same(e.field, values.get(e.field), getattr(found, e.field, None)))
    return SourceMeta(**values, evidence=evidence)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Source:
    """One source file to convert."""

    doc_id: str
    path: Path
    meta: SourceMeta = field(default_factory=SourceMeta)
    relative_path: str | None = None  # the path under the sources folder, "/"-separated

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Skipped:
    """A file under the sources folder that will not be converted, and why."""

    path: Path
    reason: str


def parse_agents(path: Path, raw: object, name: str) -> tuple[AgentRef, ...]:
    """The [[publisher]] or [[creator]] tables of a TOML file (`path` names it in errors)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise SidecarError(f"{path}: [[{name}]] must be a list of tables")
    agents = []
    for i, entry in enumerate(raw, 1):
        if not isinstance(entry, dict) or "label" not in entry:
            raise SidecarError(f"{path}: {name} #{i} needs a label")
        unknown = set(entry) - _AGENT_KEYS
        if unknown:
            raise SidecarError(f"{path}: {name} #{i} has unknown keys {sorted(unknown)}")
        kind = entry.get("type", "Organization")
        if kind not in AGENT_TYPES:
            raise SidecarError(f"{path}: {name} #{i} type {kind!r} is not one of "
                               f"{sorted(AGENT_TYPES)}")
        agents.append(AgentRef(key=slugify(entry.get("key") or entry["label"]),
                               label=str(entry["label"]), type=kind,
                               acronym=entry.get("acronym")))
    return tuple(agents)


def load_sidecar(path: Path) -> SourceMeta:
    """Read and check one `<stem>.meta.toml` file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SidecarError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SidecarError(f"{path}: {exc}") from None
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise SidecarError(f"{path}: unknown keys {sorted(unknown)} (known: {sorted(_TOP_KEYS)})")
    issued = data.get("issued")
    if issued is not None and not ISSUED.match(str(issued)):
        raise SidecarError(f"{path}: issued must be YYYY, YYYY-MM or YYYY-MM-DD, not {issued!r}")
    year = data.get("reporting_year")
    if year is not None and not (isinstance(year, int) and 1900 <= year <= 2100):
        raise SidecarError(f"{path}: reporting_year must be a year, not {year!r}")
    return SourceMeta(
        title=data.get("title"),
        kind=data.get("kind"),
        country=data.get("country"),
        issued=str(issued) if issued is not None else None,
        reporting_year=year,
        source_url=data.get("source_url"),
        publishers=parse_agents(path, data.get("publisher"), "publisher"),
        creators=parse_agents(path, data.get("creator"), "creator"),
    )


def sidecar_for(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def discover(root: Path, suffixes: set[str]) -> tuple[list[Source], list[Skipped]]:
    """Every convertible file under root (sorted by document id) and the files left out.

    `suffixes` are those a reader is registered for. When two files share a stem they are two
    renditions of one document: the PDF as published is read (it has the pages behind every
    quote), the other is listed as skipped; between other formats the first in path order wins.
    Files whose different stems slug to one document id ("Report 2019.txt", "report-2019.txt")
    raise SourceCollision, naming them, before anything is read.
    """
    sources: dict[str, Source] = {}
    skipped: list[Skipped] = []
    stems: dict[str, list[Path]] = {}  # the files of each document id, one per stem
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.name
        if name.endswith(SIDECAR_SUFFIX) or name.lower() == "readme.md" or name.startswith("."):
            continue
        suffix = path.suffix.lower()
        if suffix not in suffixes:
            skipped.append(Skipped(path, f"no reader for {suffix or 'files without a suffix'}"))
            continue
        doc_id = slugify(path.stem)
        named = stems.setdefault(doc_id, [])
        if all(other.stem != path.stem for other in named):
            named.append(path)
        if len(named) > 1:
            continue
        if doc_id in sources:
            kept = sources[doc_id].path
            if kept.suffix.lower() != ".pdf" and suffix == ".pdf":
                skipped.append(Skipped(kept, f"another rendition of {path.name} "
                                             "(the PDF as published is read)"))
            else:
                skipped.append(Skipped(path, f"another rendition of {kept.name}, already read"))
                continue
        sidecar = sidecar_for(path)
        meta = load_sidecar(sidecar) if sidecar.is_file() else SourceMeta()
        sources[doc_id] = Source(doc_id=doc_id, path=path, meta=meta,
                                 relative_path=path.relative_to(root).as_posix())
    collisions = {doc_id: paths for doc_id, paths in stems.items() if len(paths) > 1}
    if collisions:
        raise SourceCollision("; ".join(
            f"{' and '.join(map(str, paths))} have the same document id {doc_id!r}"
            for doc_id, paths in sorted(collisions.items()))
            + ": rename one of them (document ids are the slugs of the file names)")
    return [sources[k] for k in sorted(sources)], skipped
