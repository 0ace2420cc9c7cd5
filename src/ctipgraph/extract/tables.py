"""Tables: which extractor reads a table is decided by its caption or header words
(patterns.toml [[tables]]), never by its number; rows are walked with a carried first column
(a blank first cell continues the previous row's group)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..link.lexicon import Lexicon, fold
from ..read.model import Table, TableCell, TableRow
from .context import Context


@dataclass
class Row:
    """A body row with its cells by column, the carried group cell and its header row."""

    row: TableRow
    cells: dict[int, TableCell]
    group: TableCell | None  # the last non-empty first-column cell (this row's or above)
    header: TableRow | None

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


def body_rows(table: Table) -> Iterator[Row]:
    header: TableRow | None = None
    group: TableCell | None = None
    for row in table.rows:
        if row.is_header:
            header = row
            continue
        cells = {c.column: c for c in row.cells}
        first = cells.get(1)
        if first is not None and not first.is_empty:
            group = first
        yield Row(row, cells, group, header)


def header_cell(row: Row, column: int) -> TableCell | None:
    if row.header is None:
        return None
    return next((c for c in row.header.cells if c.column == column and not c.is_empty), None)


_NAME_ACRONYM = re.compile(r"^(?P<name>.+?)\s*\((?P<acr>[A-Z][A-Za-z0-9.\- ]{1,15})\)")


def split_name(text: str) -> tuple[str, str | None]:
    """ "National Unit to Fight Against Child Labor (CNLTE)" → (name, "CNLTE")."""
    m = _NAME_ACRONYM.match(text)
    if m and sum(c.isupper() for c in m.group("acr")) >= 2 and not m.group("acr")[0].isdigit():
        return m.group("name").strip(), m.group("acr").strip()
    return text, None


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
