"""Tables: which extractor reads a table is decided by its caption or header words
(patterns.toml [[tables]]), never by its number; rows are walked with a carried first column
(a blank first cell continues the previous row's group)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..link.lexicon import Lexicon, fold
from ..link.mentions import Cues
from ..read.model import Table, TableCell, TableRow
from .context import Context


@dataclass
class Row:
    """A body row with its cells by column, the carried group cell and its header row.
    Columns are numbered without the columns that are empty in every body row of the table."""

    row: TableRow
    cells: dict[int, TableCell]
    group: TableCell | None  # the last non-empty first-column cell (this row's or above)
    header: TableRow | None
    columns: dict[int, int] = field(default_factory=dict)  # column → the table's own number

    def text(self, ctx: Context, column: int) -> str:
        cell = self.cells.get(column)
        return ctx.text(cell) if cell is not None and not cell.is_empty else ""

    def cell(self, column: int) -> TableCell | None:
        cell = self.cells.get(column)
        return cell if cell is not None and not cell.is_empty else None


def table_kind(lexicon: Lexicon, table: Table) -> str | None:
    """The kind of a table from patterns.toml: all caption words, or all header words."""
    caption = fold(table.caption or "")
    header = fold(" | ".join(table.header))
    for spec in lexicon.patterns.get("tables", []):
        words = [fold(w) for w in spec.get("caption", [])]
        if words and all(w in caption for w in words):
            return spec["kind"]
    for spec in lexicon.patterns.get("tables", []):
        words = [fold(w) for w in spec.get("header", [])]
        if words and all(w in header for w in words):
            return spec["kind"]
    return None


def column_map(table: Table) -> dict[int, int]:
    """The table's column numbers → numbers counting only the columns that hold text in some
    body row (a drawn but empty column does not shift "the first column")."""
    used = sorted({c.column for r in table.rows if not r.is_header
                   for c in r.cells if not c.is_empty})
    return {old: new for new, old in enumerate(used, 1)}


def body_rows(table: Table) -> Iterator[Row]:
    header: TableRow | None = None
    group: TableCell | None = None
    columns = column_map(table)
    back = {new: old for old, new in columns.items()}
    for row in table.rows:
        if row.is_header:
            header = row
            continue
        cells = {columns[c.column]: c for c in row.cells if c.column in columns}
        first = cells.get(1)
        if first is not None and not first.is_empty:
            group = first
        yield Row(row, cells, group, header, back)


def header_cell(row: Row, column: int) -> TableCell | None:
    if row.header is None:
        return None
    own = row.columns.get(column, column)
    return next((c for c in row.header.cells if c.column == own and not c.is_empty), None)


_NAME_ACRONYM = re.compile(r"^(?P<name>.+?)\s*\((?P<acr>[A-Z][A-Za-z0-9.\- ]{1,15})\)")


def name_words(name: str) -> list[str]:
    """A name's words as the cue words are matched against them (folded, case kept)."""
    return [fold(w, lower=False) for w in re.findall(r"[^\s,()]+", name)]


def _is_acronym(text: str) -> bool:
    """Whether what a name gives in parentheses is an acronym (two capitals, not a number)."""
    return sum(c.isupper() for c in text) >= 2 and not text[0].isdigit()


def subject_class(spec: dict, cues: Cues, name: str) -> str:
    """The class of what a table's first column names: its [[tables]] entry's (`spec`)
    `subject`, unless the name is headed by one of the entry's `own_class_cues` ("Ministry of
    Women … (MWCP)" among the mechanisms to coordinate is a government body)."""
    own = {fold(w, lower=False) for w in spec.get("own_class_cues", [])}
    if own:
        words = name_words(name)
        cue = cues.first_cue(words)
        if cue is not None and cue[1] in own and cues.heads_its_name(words, cue):
            return cue[2]
    return spec.get("subject", "")


def split_name(text: str, lexicon: Lexicon | None = None) -> tuple[str, str | None]:
    """ "National Unit to Fight Against Child Labor (CNLTE)" → (name, "CNLTE"); with the
    lexicon, a leading article is left out unless it opens a country's name ("The Juvenile
    Court" is the "Juvenile Court"; "The Gambia Tourism Board" keeps it)."""
    article = re.match(r"The\s+(?=[A-Z])", text)
    if article and lexicon is not None:
        first = text[article.end():].split()[0]
        if lexicon.scoping.country_word(f"The {first}") is None:
            text = text[article.end():]
    m = _NAME_ACRONYM.match(text)
    if m and _is_acronym(m.group("acr")):
        name, acronym, rest = m.group("name").strip(), m.group("acr").strip(), text[m.end():]
        if lexicon is not None and rest.strip():
            return _name_going_on(lexicon, name, acronym, rest.strip())
        return name, acronym
    return text, None


def acronym_part(text: str) -> tuple[str, str] | None:
    """The name and acronym of the part a table's name defines when the name goes on after them
    (for a name split_name gives no acronym): "Ministry of Economy and Development Planning
    (MEDP) Policies" gives the ministry and "MEDP"."""
    m = _NAME_ACRONYM.match(text)
    if m is None or not _is_acronym(m.group("acr").strip()) or not text[m.end():].strip():
        return None
    return m.group("name").strip(), m.group("acr").strip()


def _name_going_on(lexicon: Lexicon, name: str, acronym: str, rest: str
                   ) -> tuple[str, str | None]:
    """A name that goes on after its acronym ([names] acronym_heads): after a connector, one
    name the acronym interrupts ("Inter-Ministerial Committee (IMC) on Trafficking in
    Persons"); after capitalized words, a name of which the acronym's is a part ("Cameroon
    Institute of Childhood (ICE) Rehabilitation Project", "… (MEDP) Policies": no acronym of
    its own), unless a lone head word follows ("Tackling Child Labor through Education (TACKLE)
    Project" is TACKLE); a list or a unit of the body (a comma, "and") is left as it was."""
    first = rest.split()[0]
    connectors = {w.lower() for w in lexicon.words("names", "connectors")}
    joiners = {w.lower() for w in lexicon.words("names", "list_joiners")}
    if first.lower() in joiners or rest[0] in ",;":
        return name, acronym
    if first.lower() in connectors and first.islower():
        return f"{name} {rest}", acronym
    heads = {fold(w) for w in lexicon.words("names", "acronym_heads")}
    if first[0].isupper() and not (len(rest.split()) == 1 and fold(first) in heads):
        whole = _NAME_ACRONYM.fullmatch(f"{name} {rest}")  # "… (DDRR) Coordinating Body (UNPDDRR)"
        if whole and _is_acronym(whole.group("acr")):
            return whole.group("name").strip(), whole.group("acr").strip()
        return f"{name} {rest}", None
    return name, acronym


Handler = Callable[[Context, Table, str], None]


def extract_tables(ctx: Context, handlers: dict[str, Handler]) -> list[Table]:
    """Run the handler of every table's kind; returns the tables no handler read."""
    unread = []
    for table in ctx.doc.tables:
        kind = table_kind(ctx.lexicon, table)
        handler = handlers.get(kind or "")
        if handler is None:
            unread.append(table)
            continue
        handler(ctx, table, f"table:{kind}")
    return unread
