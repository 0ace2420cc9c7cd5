"""The curated entity lexicon (data/lexicon/*.ttl) and the extraction vocabulary (patterns.toml).

``load_lexicon()`` reads every ``*.ttl`` file of the lexicon folder into one graph and indexes
each entity by its normalized names, acronyms and legal identifiers; ``Lexicon.find`` answers
"which entity is this name?" with the rule that matched (``lexicon:label``, ``lexicon:acronym``,
``fuzzy:label`` …), so every merge can be explained. The ontology's SKOS concepts (tiers,
forms of exploitation, indicators, areas …) are indexed the same way (``Lexicon.concept``).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ..namespaces import CTIP, CTIPC
from ..ontology import load_ontology
from ..paths import LEXICON_DIR

FUZZY_THRESHOLD = 90.0

#: ctip classes by the kind word of their IRIs (id:org/…, id:law/…).
KIND_OF_CLASS = {
    "Organization": "org",
    "GovernmentBody": "org",
    "CoordinatingBody": "org",
    "NonGovernmentalOrganization": "org",
    "InternationalOrganization": "org",
    "ResearchOrganization": "org",
    "ArmedGroup": "org",
    "Person": "person",
    "Law": "law",
    "Regulation": "law",
    "LegalProvision": "law",
    "LegalInstrument": "law",
    "InternationalAgreement": "agreement",
    "Program": "program",
    "Policy": "policy",
    "Country": "place",
    "Region": "place",
    "Place": "place",
}
#: Classes that may be merged with each other by a fuzzy match.
FAMILY = {
    "org": "actor",
    "person": "actor",
    "law": "legal",
    "agreement": "legal",
    "program": "intervention",
    "policy": "intervention",
    "place": "place",
}
_FILLER = frozenset({"fight", "combat", "efforts", "mali", "malian", "national"})
_STOP_WORDS = "the of for and to against on in at a an de la le les du des et pour sur au aux l d"
_STOP = frozenset(_STOP_WORDS.split())
_FOLD = {
    "’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-",
    "‑": "-", "\u00a0": " ", "œ": "o", "Œ": "O", "æ": "a", "Æ": "A", "ß": "s",
}
_WORD = re.compile(r"[a-z0-9]+")
#: Prefixes written joined, hyphenated or apart ("Inter-Ministerial", "Interministerial",
#: "Inter Ministerial"): joined to the next word in a name's key.
_JOINED_PREFIXES = frozenset({"inter", "anti", "multi", "non", "co", "pre", "post", "sub",
                              "self", "counter", "cross", "socio", "intra", "trans"})
_LEGAL_NUMBER = re.compile(r"\d")


def fold_char(ch: str, lower: bool) -> str:
    """One character folded to one character: quotes, dashes, accents (and case if asked)."""
    ch = _FOLD.get(ch, ch)
    if ord(ch) > 127:
        base = unicodedata.normalize("NFD", ch)[0]
        ch = base if base.isascii() else ch
    if lower:
        low = ch.lower()
        ch = low if len(low) == 1 else ch
    return ch


def fold(text: str, lower: bool = True) -> str:
    """Length-preserving folding (offsets into the folded text are offsets into the text)."""
    return "".join(fold_char(c, lower) for c in text)


def norm_name(name: str) -> str:
    """The key of a name: folded, lower case, words only, British -our spelled -or."""
    words = _WORD.findall(fold(name).replace("'s ", " ").replace("'", ""))
    words = [w[:-3] + "or" if w.endswith("our") and len(w) > 5 else w for w in words]
    while words and words[0] in {"the", "a", "an"}:
        words = words[1:]
    joined: list[str] = []
    for word in words:
        if joined and joined[-1] in _JOINED_PREFIXES and not word.isdigit():
            joined[-1] += word
        else:
            joined.append(word)
    for i in range(len(joined) - 5, -1, -1):  # "child labor and forced labor": "child and
        a, head, conj, b, again = joined[i:i + 5]  # forced labor", the head said once
        if conj == "and" and head == again and head not in _STOP:
            joined[i:i + 5] = [a, "and", b, head]
    return " ".join(joined)


def content_tokens(name: str) -> list[str]:
    return [w for w in norm_name(name).split() if w not in _STOP]


def _paired(token: str, others: set[str]) -> bool:
    return any(
        token == o or (len(token) >= 5 and len(o) >= 5 and token[:5] == o[:5]) for o in others
    )


def compatible(a: str, b: str) -> bool:
    """Whether two names may denote one entity: the same numbers, and every content word of
    one has a partner in the other (same word or same 5-letter stem), filler words aside."""
    ta, tb = content_tokens(a), content_tokens(b)
    if not ta or not tb:
        return False
    if [t for t in ta if _LEGAL_NUMBER.search(t)] != [t for t in tb if _LEGAL_NUMBER.search(t)]:
        return False
    sa, sb = set(ta), set(tb)
    unpaired = [t for t in sa if not _paired(t, sb)] + [t for t in sb if not _paired(t, sa)]
    return all(t in _FILLER for t in unpaired)


@dataclass
class Entity:
    """One entity: curated (``source="lexicon"``) or found in a document."""

    iri: URIRef
    cls: str  # ctip class local name
    label: str
    alt_labels: list[Literal] = field(default_factory=list)
    acronyms: list[str] = field(default_factory=list)
    parents: list[URIRef] = field(default_factory=list)  # ctip:subOrganizationOf
    part_of: URIRef | None = None  # ctip:partOf (legal provisions)
    country: URIRef | None = None
    source: str = "lexicon"

    @property
    def kind(self) -> str:
        return KIND_OF_CLASS.get(self.cls, "org")

    def names(self) -> list[str]:
        return [self.label, *(str(a) for a in self.alt_labels)]


@dataclass(frozen=True)
class Found:
    """An answer of a lookup: the entity and the rule that matched it."""

    iri: URIRef
    rule: str
    score: float = 100.0


@dataclass
class Concept:
    iri: URIRef
    scheme: str  # "tier", "exploitation", …
    labels: list[str]


def legal_key(kind: str, number: str) -> str:
    """Canonical key of a legal identifier: "law 2012-023", "order 06-1940/mpfef-sg"; a
    number printed with a dot is the same ("Loi N° 10.001" is law 10-001)."""
    num = fold(number)
    num = re.sub(r"(?<=\d)(?:\s+|\.)(?=\d)", "-", num)
    num = re.sub(r"\s+", "", num)
    return f"{kind} {num}"


class Lexicon:
    """Curated entities, indexed by name, acronym and legal identifier, plus the vocabulary."""

    def __init__(self, graph: Graph, patterns: dict, ontology: Graph | None = None) -> None:
        self.graph = graph
        self.patterns = patterns
        self.entities: dict[URIRef, Entity] = {}
        self._names: dict[str, URIRef] = {}
        self._acronyms: dict[str, URIRef] = {}
        self.legal: dict[str, URIRef] = {}
        self._scoping = None
        for subject in sorted(set(graph.subjects(RDF.type, None))):
            if isinstance(subject, URIRef):
                self._add_entity(self._read(subject))
        self.concepts = _concepts(ontology if ontology is not None else load_ontology())
        for scheme, synonyms in self.section("concept_synonyms").items():
            for concept in self.concepts.get(scheme, []):
                extra = synonyms.get(str(concept.iri).rsplit("/", 1)[-1], [])
                concept.labels = sorted(set(concept.labels) | set(extra))

    # -- reading ------------------------------------------------------------------------------

    def _read(self, iri: URIRef) -> Entity:
        g = self.graph
        classes = sorted(
            str(c)[len(str(CTIP)):] for c in g.objects(iri, RDF.type) if str(c).startswith(CTIP)
        )
        labels = sorted(str(x) for x in g.objects(iri, RDFS.label))
        if not classes or not labels:
            raise ValueError(f"lexicon entity {iri} needs a ctip: class and an rdfs:label")
        return Entity(
            iri=iri,
            cls=classes[0],
            label=labels[0],
            alt_labels=sorted(g.objects(iri, SKOS.altLabel),
                              key=lambda x: (str(x), getattr(x, "language", None) or "")),
            acronyms=sorted(str(a) for a in g.objects(iri, CTIP.acronym)),
            parents=sorted(g.objects(iri, CTIP.subOrganizationOf)),
            part_of=g.value(iri, CTIP.partOf),
            country=g.value(iri, CTIP.country),
        )

    def _add_entity(self, entity: Entity) -> None:
        self.entities[entity.iri] = entity
        for name in entity.names():
            self._names.setdefault(norm_name(name), entity.iri)
            key = self.legal_key_of(name)
            if key:
                self.legal.setdefault(key, entity.iri)
        for acr in entity.acronyms:
            self._acronyms.setdefault(acr, entity.iri)

    # -- vocabulary ---------------------------------------------------------------------------

    def words(self, *path: str) -> list[str]:
        """A list of cue words from patterns.toml, e.g. ``words("relations", "led_by")``."""
        node: object = self.patterns
        for key in path:
            node = node.get(key, {}) if isinstance(node, dict) else {}
        return list(node) if isinstance(node, list | dict) else []

    def section(self, *path: str) -> dict:
        node: object = self.patterns
        for key in path:
            node = node.get(key, {}) if isinstance(node, dict) else {}
        return node if isinstance(node, dict) else {}

    @property
    def legal_kinds(self) -> dict[str, tuple[str, str]]:
        """Folded kind word → (canonical kind, ctip class)."""
        return {fold(k): (v[0], v[1]) for k, v in self.section("legal", "kinds").items()}

    def legal_key_of(self, name: str) -> str | None:
        """The legal key of a name that is a legal identifier ("Loi N° 01-079"), else None."""
        folded = fold(name.strip(), lower=False)
        m = legal_identifier_re(self).match(folded)
        if not m or m.end() != len(folded):
            return None
        kind = self.legal_kinds.get(fold(m.group("kind")))
        return legal_key(kind[0], m.group("num")) if kind else None

    # -- lookups ------------------------------------------------------------------------------

    def by_acronym(self, acronym: str) -> URIRef | None:
        return self._acronyms.get(acronym.strip())

    def by_name(self, name: str) -> URIRef | None:
        return self._names.get(norm_name(name))

    def find(self, name: str, *, kind: str | None = None, acronym: str | None = None,
             fuzzy: bool = True, scope: URIRef | None = None) -> Found | None:
        """The curated entity a name (and/or acronym) denotes, with the rule that matched.
        With ``scope`` (a report's country), an entity of another country is not found under
        a generic name or its acronym (``link.scope``)."""
        ok = self.scoping.applies
        if acronym:
            iri = self.by_acronym(acronym)
            if (iri is not None and (not name or self._acronym_ok(iri, name))
                    and ok(self.entities[iri], acronym, scope)):
                return Found(iri, "lexicon:acronym")
        if name:
            iri = self.by_name(name)
            if iri is not None and self._kind_ok(iri, kind) and ok(self.entities[iri], name,
                                                                    scope):
                return Found(iri, "lexicon:label")
            key = self.legal_key_of(name)
            if key and key in self.legal:
                return Found(self.legal[key], "lexicon:legal-identifier")
            iri = self.by_acronym(name)
            if iri is not None and self._kind_ok(iri, kind) and ok(self.entities[iri], name,
                                                                    scope):
                return Found(iri, "lexicon:acronym")
            if fuzzy:
                return self.fuzzy(name, kind, scope)
        return None

    @property
    def scoping(self):
        """Country scoping of generic names (``link.scope.Scoping``), built once."""
        if self._scoping is None:
            from .scope import Scoping

            self._scoping = Scoping(self)
        return self._scoping

    def _kind_ok(self, iri: URIRef, kind: str | None) -> bool:
        return kind is None or FAMILY.get(self.entities[iri].kind) == FAMILY.get(kind)

    def _acronym_ok(self, iri: URIRef, name: str) -> bool:
        """An acronym match stands unless the name is clearly another lexicon entity's."""
        other = self.by_name(name)
        return other is None or other == iri

    def fuzzy(self, name: str, kind: str | None = None,
              scope: URIRef | None = None) -> Found | None:
        """The best fuzzy match among curated names of the same family, if close and
        compatible (same numbers, every content word paired)."""
        key = norm_name(name)
        if len(key) < 8:
            return None
        best: tuple[float, str, URIRef] | None = None
        for iri, entity in self.entities.items():
            if not self._kind_ok(iri, kind) or not self.scoping.applies(entity, name, scope):
                continue
            for other in entity.names():
                score = fuzz.token_sort_ratio(key, norm_name(other))
                if score >= FUZZY_THRESHOLD and compatible(name, other):
                    cand = (score, str(iri), iri)
                    if best is None or cand[:2] > best[:2]:
                        best = cand
        return Found(best[2], "fuzzy:label", best[0]) if best else None

    # -- concepts -----------------------------------------------------------------------------

    def concept(self, scheme: str, text: str) -> URIRef | None:
        """The concept of a scheme whose label (or notation) the text names exactly."""
        key = norm_name(text)
        for concept in self.concepts.get(scheme, []):
            if key in (norm_name(label) for label in concept.labels):
                return concept.iri
        return None

    def concepts_in(self, scheme: str, text: str) -> list[tuple[int, URIRef]]:
        """Concepts of a scheme whose labels occur in the text, with their first positions;
        a label inside a longer concept label ("child labor" in "worst forms of child labor")
        does not count."""
        folded = fold(text)
        spans: list[tuple[int, int, URIRef]] = []
        for concept in self.concepts.get(scheme, []):
            for label in concept.labels:
                pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in fold(label).split())
                for m in re.finditer(pattern + r"(?!\w)", folded):
                    spans.append((m.start(), m.end(), concept.iri))
        kept = [
            (s, e, iri) for s, e, iri in spans
            if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) and iri2 != iri
                       for s2, e2, iri2 in spans)
        ]
        first: dict[URIRef, int] = {}
        for s, _, iri in kept:
            first[iri] = min(first.get(iri, s), s)
        return sorted((pos, iri) for iri, pos in first.items())


def _concepts(ontology: Graph) -> dict[str, list[Concept]]:
    schemes: dict[str, list[Concept]] = {}
    for concept in sorted(set(ontology.subjects(SKOS.inScheme, None))):
        if not str(concept).startswith(str(CTIPC)):
            continue
        scheme = str(ontology.value(concept, SKOS.inScheme))[len(str(CTIPC)):]
        labels = [str(x) for p in (SKOS.prefLabel, SKOS.altLabel, RDFS.label, SKOS.notation)
                  for x in ontology.objects(concept, p)]
        schemes.setdefault(scheme, []).append(Concept(concept, scheme, sorted(set(labels))))
    return schemes


@lru_cache(maxsize=8)
def _legal_re(kinds: tuple[str, ...], numbers: tuple[str, ...]) -> re.Pattern[str]:
    kind_alt = "|".join(re.escape(k) for k in sorted(kinds, key=len, reverse=True))
    num_alt = "|".join(re.escape(n) for n in sorted(numbers, key=len, reverse=True))
    return re.compile(
        rf"(?<!\w)(?P<kind>{kind_alt})\s+(?:(?:{num_alt})\s*)?"
        r"(?P<num>\d{1,4}(?:\s*-\s*|\.|\s)\d{2,5}(?:\s*/\s*[A-Za-z][A-Za-z]*(?:-[A-Za-z]+)*)*)"
        r"(?![\w-])",
        re.IGNORECASE,
    )


def legal_identifier_re(lexicon: Lexicon) -> re.Pattern[str]:
    """The regular expression of legal identifiers, over folded text (dashes folded)."""
    kinds = tuple(sorted({fold(k, lower=False) for k in lexicon.section("legal", "kinds")}))
    numbers = tuple(sorted({fold(n, lower=False) for n in lexicon.words("legal", "number_words")}))
    return _legal_re(kinds, numbers)


def ilo_convention_re(lexicon: Lexicon) -> re.Pattern[str]:
    """The regular expression of ILO conventions by number (patterns.toml [legal] convention,
    then an optional number word): group ``n`` is the number."""
    return _convention_re(tuple(sorted(lexicon.words("legal", "convention"))))


@lru_cache(maxsize=8)
def _convention_re(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    alt = "|".join(r"\s+".join(re.escape(w) for w in p.split())
                   for p in sorted(prefixes, key=len, reverse=True)) or "(?!)"
    return re.compile(rf"(?<!\w)(?:{alt})\.?\s*(?:No\.?\s*)?(?P<n>\d{{2,3}})(?!\d)")


def ilo_code_re(lexicon: Lexicon) -> re.Pattern[str]:
    """ILO instruments by code, number and title (patterns.toml [legal] ilo_codes): "C189
    Domestic Workers Convention"; groups ``code``, ``n`` (no leading zeros) and ``title``."""
    return _code_re(tuple(sorted(lexicon.section("legal").get("ilo_codes", {}))))


@lru_cache(maxsize=8)
def _code_re(codes: tuple[str, ...]) -> re.Pattern[str]:
    alt = "|".join(re.escape(c) for c in codes) or "(?!)"
    word = r"(?:[A-Z(][\w’'()-]*|of|on|the|and|for|in|to)"
    return re.compile(rf"(?<![\w-])(?P<code>{alt})0*(?P<n>\d{{1,3}})\s+"
                      rf"(?P<title>[A-Z][\w’'-]*(?:\s+{word}){{0,12}}?\s+(?:Convention|Protocol))"
                      r"(?![\w])")


def _read_graph(folder: Path) -> Graph:
    graph = Graph()
    for path in sorted(folder.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=4)
def _load(folder: str) -> Lexicon:
    path = Path(folder)
    patterns_file = path / "patterns.toml"
    patterns = tomllib.loads(patterns_file.read_text("utf-8")) if patterns_file.exists() else {}
    discovery = path / "discovery.toml"
    if discovery.exists():
        _merge(patterns, tomllib.loads(discovery.read_text("utf-8")))
    return Lexicon(_read_graph(path), patterns)


def _merge(into: dict, extra: dict) -> None:
    """Merge a vocabulary file into patterns.toml's tables (tables merged key by key)."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into.setdefault(key, value)


def load_lexicon(path: Path | str = LEXICON_DIR) -> Lexicon:
    """The lexicon of a folder (cached: one load per folder and process)."""
    return _load(str(Path(path).resolve()))
