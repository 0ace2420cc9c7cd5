"""Units of text the prose patterns read: a sentence (rejoined when a page break or footnote
split it into pieces), a list item, a footnote, a table cell; with their mentions."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from ..read.model import Block, Document
from .context import Context


@dataclass(frozen=True)
class UMention:
    """A mention in unit coordinates."""

    iri: URIRef
    start: int
    end: int


@dataclass
class Unit:
    """Joined text of one or more passages, with an offset map back to the document."""

    blocks: list[Block]
    text: str
    pieces: list[tuple[int, int, int]]  # (unit start, document start, length)
    mentions: list[UMention] = field(default_factory=list)

    def doc_offset(self, pos: int) -> int:
        for ustart, dstart, length in self.pieces:
            if ustart <= pos <= ustart + length:
                return dstart + pos - ustart
        return self.pieces[-1][1] + self.pieces[-1][2]

    def between(self, start: int, end: int) -> str:
        return self.text[start:end]

    def after(self, pos: int) -> list[UMention]:
        return [m for m in self.mentions if m.start >= pos]

    def before(self, pos: int) -> list[UMention]:
        return [m for m in self.mentions if m.end <= pos]


def make_unit(ctx: Context, blocks: list[Block]) -> Unit:
    text_parts, pieces, mentions = [], [], []
    pos = 0
    seen: set[tuple] = set()
    for block in blocks:
        piece = ctx.doc.text[block.start:block.end]
        if text_parts:
            text_parts.append(" ")
            pos += 1
        pieces.append((pos, block.start, len(piece)))
        for m in ctx.mentions.in_block(block):
            key = (m.iri, m.start, m.end)
            if key not in seen:
                seen.add(key)
                mentions.append(UMention(m.iri, pos + m.start - block.start,
                                         pos + m.end - block.start))
        text_parts.append(piece)
        pos += len(piece)
    mentions.sort(key=lambda m: (m.start, -m.end, str(m.iri)))
    return Unit(list(blocks), "".join(text_parts), pieces, mentions)


def _chains(blocks: list, by_index: dict[int, Block]) -> list[list[Block]]:
    chains = []
    for block in blocks:
        if getattr(block, "continues", None) in by_index:
            continue
        chain = [block]
        nxt = getattr(block, "continued_by", None)
        while nxt in by_index and len(chain) < 10:
            chain.append(by_index[nxt])
            nxt = getattr(by_index[nxt], "continued_by", None)
        chains.append(chain)
    return chains


def prose_units(ctx: Context) -> list[Unit]:
    """Headings, sentences, list items and footnotes in document order (continued pieces
    joined); a heading can state a fact ("Mali (Tier 2)")."""
    doc: Document = ctx.doc
    units = []
    for blocks in (doc.sentences, doc.list_items):
        by_index = {b.index: b for b in blocks}
        for chain in _chains([b for b in blocks if b.is_passage], by_index):
            units.append(make_unit(ctx, chain))
    units += [make_unit(ctx, [f]) for f in doc.footnotes if f.is_passage]
    units += [make_unit(ctx, [h]) for h in doc.headings if h.is_passage]
    units.sort(key=lambda u: u.blocks[0].start)
    return units
