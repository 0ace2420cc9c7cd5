"""One country's series of reports: a suggested action repeated from year to year is one
ctip:Recommendation (one IRI) that every report suggesting it claims.

A report's action has a *key*: its wording normalized (folded, lower case, words only, small
words dropped, letters doubled by a lost ligature squeezed), and a local IRI
``id:recommendation/{country}-{first words}-{hash of country and key}``. Reports reword their
actions ("Clarify roles for coordinating mechanisms combating child labor" → "… addressing child
labor"), so the series is linked report by report, in reporting-year order: an action of a
report continues an action of an earlier report of the same country (the latest first, at most
one successor each) when

* their normalized wordings are close (rapidfuzz ratio ≥ ``SIMILAR``), or
* they are in the same area, the later report's "Year(s) Suggested" range starts no later than
  the earlier report's year and both ranges start in the same year (USDOL's own record that the
  action continues), and their wordings still share most words (token-set ratio ≥ ``RELATED``).

Each chain of continued actions is one action; its IRI is the local IRI of its earliest wording
(ties: document id, then position). A document converted without the others of its series
gets its local IRIs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Store
from rapidfuzz import fuzz

from ..iris import slugify
from ..link.lexicon import fold
from ..rdfio import read_built

#: Two wordings this close (rapidfuzz ratio, 0–100, on the normalized wordings) are one action.
SIMILAR = 85.0
#: Two wordings of one area and one first year suggested are one action from this token-set
#: ratio on (a reworded action that USDOL's year range says continues).
RELATED = 60.0

_SMALL = frozenset({"a", "an", "the", "of", "to", "and", "or", "in", "on", "for", "that", "with",
                    "by", "as", "be", "is", "are", "its", "their", "this", "these", "those",
                    "all", "any"})


def action_key(text: str) -> str:
    """An action's wording for comparison: folded, lower case, words only, small words
    dropped, doubled letters squeezed ("efforts" and "eforts" are one word)."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return " ".join(re.sub(r"([a-z])\1+", r"\1", w) for w in words if w not in _SMALL)


def local_slug(country: str, text: str) -> str:
    """The IRI slug of an action read alone: the country, its first words and a hash of its
    normalized wording (two actions that begin alike stay two)."""
    digest = hashlib.sha256(f"{country}\x1f{action_key(text)}".encode()).hexdigest()[:8]
    return f"{slugify(country)}-{slugify(text, max_length=60)}-{digest}"


@dataclass(frozen=True)
class Action:
    """One suggested action of one report, as the series needs it."""

    doc: str
    year: int | None  # the report's reporting year
    country: str  # the country's slug
    text: str
    area: str | None = None  # the area concept's notation
    first: int | None = None  # the first year suggested
    order: int = 0  # position in the document

    @property
    def key(self) -> str:
        return action_key(self.text)

    @property
    def slug(self) -> str:
        return local_slug(self.country, self.text)


def _score(a: Action, b: Action) -> float:
    """How surely a later action b continues an earlier action a (0: not at all)."""
    ratio = fuzz.ratio(a.key, b.key)
    if ratio >= SIMILAR:
        return ratio
    continued = (a.area is not None and a.area == b.area and a.first is not None
                 and a.first == b.first and (a.year is None or a.first <= a.year))
    if continued and fuzz.token_set_ratio(a.key, b.key) >= RELATED:
        return ratio / 2  # below any close wording: rewordings pair last
    return 0.0


@dataclass
class SeriesIndex:
    """The canonical IRI slug of every action of a set of reports."""

    actions: list[Action] = field(default_factory=list)
    _canonical: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, actions: Iterable[Action]) -> SeriesIndex:
        index = cls(sorted(set(actions), key=lambda a: (a.country, a.year or 0, a.doc,
                                                         a.order, a.text)))
        by_country: dict[str, list[Action]] = {}
        for action in index.actions:
            by_country.setdefault(action.country, []).append(action)
        for actions in by_country.values():
            index._link(actions)
        return index

    def _link(self, actions: list[Action]) -> None:
        docs: dict[str, list[Action]] = {}
        for action in actions:
            docs.setdefault(action.doc, []).append(action)
        order = sorted(docs, key=lambda d: (docs[d][0].year or 0, d))
        earlier: dict[Action, Action] = {}  # action → the action it continues
        taken: set[Action] = set()  # actions already continued by a later one
        for i, doc in enumerate(order):
            open_ = list(docs[doc])
            for prior in reversed(order[:i]):
                if docs[prior][0].year == docs[doc][0].year:
                    continue  # two documents of one year do not continue each other
                pairs = sorted(((_score(a, b), j, k) for j, a in enumerate(docs[prior])
                                for k, b in enumerate(open_) if a not in taken),
                               key=lambda p: (-p[0], p[1], p[2]))
                linked: set[int] = set()
                for score, j, k in pairs:
                    a = docs[prior][j]
                    if score <= 0 or a in taken or k in linked:
                        continue
                    earlier[open_[k]] = a
                    taken.add(a)
                    linked.add(k)
                open_ = [b for k, b in enumerate(open_) if k not in linked]
                if not open_:
                    break
        for action in actions:
            root = action
            while root in earlier:
                root = earlier[root]
            self._canonical[(action.doc, action.key)] = root.slug

    def slug(self, doc: str, country: str, text: str) -> str:
        """The IRI slug of an action of a document: its series' slug, else its local one."""
        return self._canonical.get((doc, action_key(text)), local_slug(country, text))

    def identities(self) -> set[str]:
        """The distinct IRI slugs of the series' actions."""
        return set(self._canonical.values())

    def __len__(self) -> int:
        return len(self.actions)


_BUILT = """
PREFIX ctip: <https://w3id.org/ctipgraph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?year ?country ?text ?area (MIN(STR(?y)) AS ?first) WHERE {
  ?c a ctip:Claim ; rdf:subject ?r ; rdf:predicate ctip:text ; rdf:object ?text ;
     ctip:extractionMethod "table:recommendations" .
  ?r ctip:country ?country .
  OPTIONAL { ?r ctip:area ?area }
  OPTIONAL { ?r ctip:yearsSuggested ?y }
  OPTIONAL { ?d a ctip:SourceDocument ; ctip:reportingYear ?year }
} GROUP BY ?year ?country ?text ?area"""


def built_actions(path: Path, store: Store | None = None) -> list[Action]:
    """The suggested actions a built document (its Turtle, or `store` when already read) states,
    as `actions` would give them: what a partial build knows of the documents it does not
    convert again."""
    store = store if store is not None else read_built(path)
    found = []
    for row in store.query(_BUILT):
        year, area, first = row["year"], row["area"], row["first"]
        found.append(Action(
            path.stem, int(year.value[:4]) if year is not None else None,
            row["country"].value.rsplit("/", 1)[-1], row["text"].value,
            area.value.rsplit("/", 1)[-1] if area is not None else None,
            int(first.value[:4]) if first is not None else None))
    return found


__all__ = ["RELATED", "SIMILAR", "Action", "SeriesIndex", "action_key", "built_actions",
           "local_slug"]
