"""Which references of a document point to another document of the corpus.

A reference cites a corpus document when its title matches the document's title closely
(rapidfuzz token-set ratio on normalized words) and the years agree where both are known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..read.model import BibEntry
from ..sources import Source
from .lexicon import norm_name

THRESHOLD = 88.0
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_STOP = {"the", "of", "a", "an", "in", "on", "for", "and", "to", "report", "final"}


@dataclass(frozen=True)
class CorpusDocument:
    """What is needed to recognize a corpus document in someone else's bibliography."""

    doc_id: str
    title: str
    years: frozenset[str]


def _words(text: str) -> str:
    """A title's words for matching: the lexicon's name key, without stop words."""
    return " ".join(w for w in norm_name(text).split() if w not in _STOP)


def corpus_documents(sources: list[Source]) -> list[CorpusDocument]:
    """The corpus documents that have a title to match against."""
    found = []
    for source in sources:
        meta = source.meta
        if not meta.title:
            continue
        years = {str(meta.reporting_year)} if meta.reporting_year else set()
        if meta.issued:
            years.add(meta.issued[:4])
        found.append(CorpusDocument(source.doc_id, meta.title, frozenset(years)))
    return found


def match_reference(entry: BibEntry, text: str, corpus: list[CorpusDocument],
                    own_id: str) -> str | None:
    """The doc id of the corpus document a reference cites, if any."""
    title = entry.title or entry.plain_text(text)
    entry_years = {m.group(0) for m in _YEAR.finditer(entry.plain_text(text))}
    best: tuple[float, str] | None = None
    for doc in corpus:
        if doc.doc_id == own_id:
            continue
        if doc.years and entry_years and not (doc.years & entry_years):
            continue
        score = fuzz.token_set_ratio(_words(title), _words(doc.title))
        if score >= THRESHOLD and (best is None or score > best[0]):
            best = (score, doc.doc_id)
    return best[1] if best else None


def link_references(entries: list[BibEntry], text: str, corpus: list[CorpusDocument],
                    own_id: str) -> dict[str, str]:
    """Map reference ids (BibEntry.ref_id) to the corpus documents they cite."""
    links = {}
    for entry in entries:
        target = match_reference(entry, text, corpus, own_id)
        if target:
            links[entry.ref_id] = target
    return links
