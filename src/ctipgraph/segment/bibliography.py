"""Bibliography / reference lists: entry boundaries, numbering (lost numbers inferred by
position), and the parts of each entry (creator, title, date, year, URLs, "[Source on file]")."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..read.model import BibEntry, Span
from .layout import BIBLIOGRAPHY, RUNNING, Layout, Line

_HEADING = re.compile(
    r"^(?:\*\*|#+\s*)?(?:references|bibliography|works cited|literature cited|reference list|"
    r"sources cited|list of references)(?:\*\*)?:?$",
    re.I,
)
_NUMBER = re.compile(r"^\s*(?:\[(?P<n1>\d{1,3})\]|(?P<n2>\d{1,3})[.)])\s+(?=\S)")
#: "12 Author…" (no period after the number): an entry only where it continues the numbering
#: (a report may skip a number or two).
_BARE_NUMBER = re.compile(r"^\s*(?P<n2>\d{1,3})\s+(?=\S)")
_BULLET = re.compile(r"^\s*(?P<b>[-•▪●◦–*])\s+(?=\S)")
_YEAR_PAREN = r"\(\s*(?:(?:19|20)\d{2}[a-zA-Z]?(?:,[^)]*)?|n\.\s?d\.)\s*\)"
_AY_START = re.compile(r"^[^\s(][^()]{0,250}?" + _YEAR_PAREN)
_AY = re.compile(
    r"^(?P<authors>[^()]+?)\s*\(\s*(?P<date>(?P<year>(?:19|20)\d{2})(?P<suffix>[a-zA-Z]?)"
    r"(?:,\s*(?P<extra>[^)]*))?|n\.\s?d\.)\s*\)\s*\.?\s*(?P<rest>.*)$",
    re.S,
)
_SAME_AUTHOR = re.compile(r"^(?:—|–|-{2,3}|_{2,})+\s*\.?\s*")
_BOLD = re.compile(r"^\*\*(?P<who>.+?)\*\*\s*")
_URL_ANGLE = re.compile(r"<(https?://[^>\s]+)>")
_URL_BARE = re.compile(r"(?<![<\w])(https?://[^\s<>]+)")
_SOURCE_ON_FILE = re.compile(r"\[\s*source on file\s*\]|\bsource on file\b", re.I)
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_YEAR = r"(?:19|20)\d{2}"
_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}},\s+{_YEAR}|\d{{1,2}}\s+{_MONTH}\s+{_YEAR}|{_MONTH}\s+{_YEAR}"
    rf"|{_YEAR})\b(?![-/]\d)"
)
_LABELLED_DATE = re.compile(r"\b(?:Enacted|Published|Adopted|Issued|Dated?):\s*(?P<d>[^.<>\[]+)")
_NOT_DATE_BEFORE = re.compile(r"(?:accessed|received|retrieved|viewed)\s*(?:on\s*)?:?\s*$", re.I)


def _wordset(words: str) -> list[str]:
    return words.split()


_ABBREV = frozenset(
    _wordset(
        "u.s no nos vol vols p pp inc ltd co corp st dr mr mrs ms jr sr dept gov govt al e.g "
        "i.e vs ed eds rev art arts cf approx est op cit ibid fig figs jan feb mar apr jun jul "
        "aug sep sept oct nov dec n.d"
    )
)
_INITIALS = re.compile(r"^(?:(?:[A-Z][a-z]?\.[\s-]*)+|[A-Z])$")


def ref_slug(text: str) -> str:
    """Same rules as ``ctipgraph.iris.slugify``: lower-case ASCII, other runs → one hyphen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def split_unit(s: str) -> tuple[str, str]:
    """Split at the first sentence-like boundary (". ", "? ", "! ") outside brackets and not after
    an abbreviation or an initial; returns (head, tail). The period stays out of the head."""
    depth = 0
    for i, ch in enumerate(s):
        if ch in "([<":
            depth += 1
        elif ch in ")]>":
            depth = max(0, depth - 1)
        elif ch in ".?!" and depth == 0 and (i + 1 == len(s) or s[i + 1] in " \n\t"):
            if ch == ".":
                token = re.split(r"[\s(]", s[:i])[-1].lower().lstrip("*")
                if token in _ABBREV or re.fullmatch(r"(?:[a-z]\.)*[a-z]", token):
                    continue
            head = s[: i + (0 if ch == "." else 1)].strip()
            return head, s[i + 1 :].strip()
    return s.strip().rstrip("."), ""


def _find_date(s: str) -> str | None:
    m = _LABELLED_DATE.search(s)
    if m:
        return m.group("d").strip().rstrip(":;,")
    url_spans = [m.span() for m in _URL_ANGLE.finditer(s)]
    url_spans += [m.span() for m in _URL_BARE.finditer(s)]
    for m in _DATE.finditer(s):
        if any(a <= m.start() < b for a, b in url_spans):
            continue
        if _NOT_DATE_BEFORE.search(s[: m.start()]):
            continue
        return m.group()
    return None


def parse_people(s: str) -> tuple[list[str], list[str], bool]:
    """ "Armand, A., Atwell, P., & Gomes, J. F." -> (["Armand, A.", …], ["Armand", …], et_al).
    Anything that is not a list of "Surname, Initials" is one corporate author."""
    work = re.sub(r"\s*(?:,\s*)?\bet al\.?", "", s)
    et_al = work != s
    parts = [p.strip() for p in re.split(r",|&|\band\b", work) if p.strip()]
    people: list[tuple[str, str]] = []
    i = 0
    while i < len(parts):
        if i + 1 < len(parts) and _INITIALS.match(parts[i + 1]) and not _INITIALS.match(parts[i]):
            people.append((parts[i], parts[i + 1]))
            i += 2
        else:
            people = []
            break
    if people:
        return [f"{a}, {b}" for a, b in people], [a for a, _ in people], et_al
    name = s.strip().rstrip(",")
    return [name], [name], False


def _clean_authors(s: str) -> str:
    s = " ".join(s.split()).rstrip(",")
    if s.endswith("."):
        last = s.split()[-1]
        if last.lower() != "al." and not _INITIALS.match(last):
            s = s[:-1]
    return s


@dataclass
class _Raw:
    lines: list[Line] = field(default_factory=list)
    marker: str = ""
    number: int | None = None
    extra: list[Span] = field(default_factory=list)


def _region(layout: Layout) -> tuple[int, int] | None:
    """Chunk index range after a bibliography heading, up to the next heading-like chunk."""
    chunks = layout.chunks
    for i, chunk in enumerate(chunks):
        lines = layout.chunk_lines(chunk)
        if len(lines) == 1 and _HEADING.match(lines[0].stripped) and layout.chunk_free(chunk):
            j = i + 1
            while j < len(chunks):
                lines = layout.chunk_lines(chunks[j])
                if all(layout.roles[ln.no] == RUNNING for ln in lines):
                    j += 1
                    continue
                if len(lines) == 1 and _looks_like_heading(lines[0].stripped):
                    break
                j += 1
            return i + 1, j
    return None


def _looks_like_heading(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    if not letters or len(s) > 120 or s.endswith((".", ",", ";")):
        return False
    if _NUMBER.match(s) or _BULLET.match(s) or _AY_START.match(s):
        return False
    upper = sum(1 for c in letters if c.isupper()) / len(letters)
    return upper > 0.7 or bool(re.match(r"(?:ANNEX|APPENDIX|Annex|Appendix)\b", s))


def find_bibliography(layout: Layout) -> list[BibEntry]:
    """Claim the bibliography region and parse its entries."""
    region = _region(layout)
    if region is None:
        return []
    raws: list[_Raw] = []
    prev_line: Line | None = None
    for ci in range(*region):
        a, b = layout.chunks[ci]
        for k, ln in enumerate(layout.chunk_lines((a, b))):
            if layout.roles[ln.no] is not None:
                continue
            layout.claim([ln.no], BIBLIOGRAPHY)
            num, bul = _NUMBER.match(ln.text), _BULLET.match(ln.text)
            if not num and not bul:
                bare = _BARE_NUMBER.match(ln.text)
                last = next((r.number for r in reversed(raws) if r.number is not None), 0)
                if bare and last < int(bare.group("n2")) <= last + 3:
                    num = bare
            if num or bul:
                n = (num.groupdict().get("n1") or num.group("n2")) if num else None
                raws.append(
                    _Raw(
                        [ln],
                        marker=(num.group().strip() if num else bul.group("b")),  # type: ignore[union-attr]
                        number=int(n) if n else None,
                    )
                )
            elif raws and _is_continuation(layout, ln, k, prev_line, raws[-1]):
                if prev_line is not None and _running_between(layout, prev_line, ln):
                    raws[-1].extra.append(ln.content)
                else:
                    raws[-1].lines.append(ln)
            else:
                raws.append(_Raw([ln]))
            prev_line = ln
    entries = _build(layout.text, raws)
    for entry, raw in zip(entries, raws, strict=True):
        entry.extra_spans = list(raw.extra)
    return entries


def _is_continuation(layout: Layout, ln: Line, k: int, prev: Line | None, raw: _Raw) -> bool:
    s = ln.stripped
    if s[:1].islower():
        return True
    if k == 0:  # first line of a chunk: a new entry unless the previous one is unfinished
        return prev is not None and not prev.stripped.endswith((".", ">", "]"))
    if ln.indent > (raw.lines[0].indent if raw.lines else 0):
        return True
    return not (_AY_START.match(s) and prev is not None and prev.stripped.endswith((".", ">")))


def _running_between(layout: Layout, a: Line, b: Line) -> bool:
    return any(layout.roles[n] == RUNNING for n in range(a.no + 1, b.no))


def _entry_span(raw: _Raw) -> Span:
    first = raw.lines[0]
    start = first.content.start
    if raw.marker:
        m = (_NUMBER.match(first.text) or _BULLET.match(first.text)
             or _BARE_NUMBER.match(first.text))
        if m:
            start = first.start + m.end()
    return Span(start, raw.lines[-1].content.end)


def _build(text: str, raws: list[_Raw]) -> list[BibEntry]:
    entries: list[BibEntry] = []
    spans = [_entry_span(r) for r in raws]
    bodies = [
        " ".join(" ".join(text[s.start : s.end] for s in [sp, *r.extra]).split())
        for sp, r in zip(spans, raws, strict=True)
    ]
    author_year = sum(1 for b in bodies if _AY.match(b)) > len(bodies) / 2
    numbered = any(r.number is not None for r in raws)
    previous_number = 0
    prev_creator: str | None = None
    seen: dict[str, int] = {}
    for i, (raw, span, body) in enumerate(zip(raws, spans, bodies, strict=True), start=1):
        entry = BibEntry(start=span.start, end=span.end, index=i, marker=raw.marker)
        if author_year and not numbered:
            _parse_author_year(entry, body)
        else:
            _parse_numbered(entry, body, prev_creator)
            if raw.number is not None:
                entry.number = raw.number
            else:
                entry.number = previous_number + 1
                entry.number_inferred = True
            previous_number = entry.number
            entry.key = str(entry.number)
        if entry.creator:
            prev_creator = entry.creator
        entry.urls = list(
            dict.fromkeys(
                [u.rstrip(".,;") for u in _URL_ANGLE.findall(body)]
                + [u.rstrip(".,;)>") for u in _URL_BARE.findall(body)]
            )
        )
        entry.source_on_file = bool(_SOURCE_ON_FILE.search(body))
        slug = (
            entry.key
            if entry.number is not None and entry.style == "numeric"
            else ref_slug(entry.key)
        )
        seen[slug] = seen.get(slug, 0) + 1
        entry.ref_id = slug if seen[slug] == 1 else f"{slug}-{seen[slug]}"
        entries.append(entry)
    return entries


def _parse_numbered(entry: BibEntry, body: str, prev_creator: str | None) -> None:
    entry.style = "numeric"
    rest = body
    m = _BOLD.match(rest)
    same = _SAME_AUTHOR.match(rest)
    if m:
        entry.creator = m.group("who").strip().rstrip(".").strip()
        rest = rest[m.end() :]
    elif same:
        entry.same_author_as_previous = True
        entry.creator = prev_creator
        rest = rest[same.end() :]
    else:
        creator, rest = split_unit(rest)
        entry.creator = creator or None
    rest = rest.replace("**", "")
    title, tail = split_unit(rest)
    date = _find_date(tail) or _find_date(title)
    if not tail and date and title.endswith(date):  # "Reporting, February 23, 2018."
        title = title[: -len(date)].rstrip(" ,;:")
    entry.title = title.strip("* ") or None
    entry.date = date
    if date:
        y = re.search(_YEAR, date)
        entry.year = y.group() if y else None
    if entry.creator:
        entry.authors, entry.surnames, entry.et_al = [entry.creator], [entry.creator], False


def _parse_author_year(entry: BibEntry, body: str) -> None:
    entry.style = "author-year"
    m = _AY.match(body)
    if not m:
        entry.creator, rest = split_unit(body)
        entry.key = entry.creator or body[:40]
        entry.title = split_unit(rest)[0] or None
        return
    authors = _clean_authors(m.group("authors"))
    entry.creator = authors
    entry.authors, entry.surnames, entry.et_al = parse_people(authors)
    year = m.group("year")
    suffix = m.group("suffix") or ""
    entry.year = year
    entry.year_suffix = suffix
    entry.date = m.group("date").strip()
    rest = m.group("rest")
    t = re.match(r"^\*(?P<t>[^*]+)\*", rest)
    title = t.group("t") if t else split_unit(rest)[0]
    entry.title = title.strip().rstrip(".") or None
    year_key = (year + suffix) if year else "n.d."
    entry.key = f"{_key_names(entry)}, {year_key}"


def _key_names(entry: BibEntry) -> str:
    names = entry.surnames
    if len(names) == 1 and not entry.et_al:
        return names[0]
    if len(names) == 2 and not entry.et_al:
        return f"{names[0]} & {names[1]}"
    return f"{names[0]} et al."
