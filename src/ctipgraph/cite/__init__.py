"""In-text citations: detection and resolution against the document's own references.

Public API::

    cite.resolve.find_citations(doc: Document) -> CitationResult
        CitationResult.citations   list[Citation]  one per denoted target, in document order:
                                   (index, kind, marker_text, start, end, item_text, item_start,
                                   item_end, target_key, target_id, passage)
        CitationResult.unresolved  list[UnresolvedCitation]  markers denoting nothing, with reason
        CitationResult.skipped     list[SkippedMarker]  parentheses judged not to be citations
        CitationResult.report() -> str

Kinds: "numeric" ("(1; 2; 3)", "(1-8)", glued "trafficking.(1-8)"), "author-year"
("(Hilson, 2008)", "(Spangaro et al., 2013)", narrative "Hilson (2008)", "A 2018 study (Dillon,
Porreca & Rosati)"), "footnote" (superscript "¹²" → footnote 12). Numeric markers are only looked
for when the document has a numbered reference list, author-year ones when it has an author-year
bibliography; bibliography entries themselves are never scanned.

Lower level: ``cite.numeric.find_numeric_markers``, ``cite.authoryear.find_parenthetical``,
``find_narrative``, ``match_reference`` (rapidfuzz name matching).
"""

from .resolve import CitationResult, find_citations

__all__ = ["CitationResult", "find_citations"]
