"""Provenance tracing: from a fact to its claims, the quoted passages (with context), the
documents and the references those passages cite — and what other documents say about it.

All lookups are SPARQL queries run inside Oxigraph over a GraphStore.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import sparql_prologue
from ..paths import TTL_DIR
from ..store import GraphStore
from . import plain

CONTEXT = 120  # characters of context either side of a quote, when the text file is at hand
MAX_TERM = 10_000  # characters of an IRI or literal given to trace
MAX_LIMIT = 100_000  # facts a search may ask for
#: other values of the fact's subject and property a trace lists (how many there are is counted:
#: a country's ctip:mentionedIn has thousands, every one of them a fact of its own)
OTHER_VALUES = 50
_PROLOGUE = sparql_prologue()
#: the values of a true boolean: xsd:boolean's two lexical forms (Virtuoso 7.2 gives an
#: EXISTS as the integer 1, a stored true as "1"^^xsd:boolean)
TRUE = ("true", "1")
#: the claimed facts whose subject or object is %r% (the claim's type tested last in each
#: branch: joined first, every claim of the store was read)
_ABOUT = """
    { ?c rdf:subject %r% ; rdf:predicate ?p ; rdf:object ?o . ?c a ctip:Claim . BIND(%r% AS ?s) }
    UNION
    { ?c rdf:object %r% ; rdf:subject ?s ; rdf:predicate ?p . ?c a ctip:Claim . BIND(%r% AS ?o) }
"""


class TraceError(ValueError):
    """A fact or term that cannot be traced as given."""


def parse_term(text: str) -> ox.NamedNode | ox.Literal:
    """An IRI (bare or in <>) or an N-Triples literal ("2017"^^<…#gYear>, "x"@en) as a term."""
    text = text.strip()
    if len(text) > MAX_TERM:
        raise TraceError(f"a term is at most {MAX_TERM} characters long")
    if text.startswith('"'):
        if "\n" in text or "\r" in text:
            raise TraceError(f"not an N-Triples literal: {text}: a line break")
        try:
            quads = list(ox.parse(input=f"<urn:s> <urn:p> {text} .".encode(),
                                  format=ox.RdfFormat.N_TRIPLES))
        except (SyntaxError, ValueError) as exc:
            raise TraceError(f"not an N-Triples literal: {text}: {exc}") from None
        if len(quads) != 1 or not isinstance(quads[0].object, ox.Literal):
            raise TraceError(f"not an N-Triples literal: {text}")
        return quads[0].object
    iri = text[1:-1] if text.startswith("<") and text.endswith(">") else text
    if ":" not in iri or any(c in iri for c in ' <>"{}|^`\\') or not iri.isprintable():
        raise TraceError(f"not an IRI: {text}")
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise TraceError(f"not an IRI: {text}: {exc}") from None


def term_text(term: object) -> str:
    """A term as N-Triples (IRIs in <>, literals quoted with datatype or language)."""
    return str(term)


def _value(term: object) -> str:
    if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
        return term.value
    return ""


@dataclass
class DocumentInfo:
    """A source document as a trace shows it."""

    iri: str
    title: str = ""
    publisher: str = ""
    issued: str = ""
    reporting_year: str = ""
    source_url: str = ""
    text_file: str = ""


@dataclass
class PassageInfo:
    """A quoted passage with its place in the document."""

    iri: str
    kind: str
    quote: str
    start: int
    end: int
    before: str = ""
    after: str = ""
    section: str = ""
    page: str = ""


@dataclass
class ReferenceInfo:
    """A bibliography entry cited by a passage."""

    iri: str
    key: str
    text: str
    urls: list[str] = field(default_factory=list)
    source_on_file: bool = False


@dataclass
class ClaimInfo:
    """One claim: who says the fact, quoting what, citing what."""

    iri: str
    document: DocumentInfo
    method: str = ""
    passages: list[PassageInfo] = field(default_factory=list)
    references: list[ReferenceInfo] = field(default_factory=list)

    inferred: bool = False  # implied by its passages, not stated (method "inference:…")

    def __post_init__(self) -> None:
        self.inferred = self.method.startswith("inference:")


@dataclass
class FactTrace:
    """Everything behind one fact (subject, predicate, object)."""

    subject: str
    predicate: str
    object: str
    subject_label: str = ""
    predicate_label: str = ""
    object_label: str = ""
    asserted: bool = False
    claims: list[ClaimInfo] = field(default_factory=list)
    other_values: list[dict[str, str]] = field(default_factory=list)
    #: how many other values there are (other_values lists the first OTHER_VALUES of them)
    other_value_count: int = 0

    @property
    def documents(self) -> list[str]:
        return sorted({c.document.iri for c in self.claims})

    def to_dict(self) -> dict:
        data = plain(self)
        data["documents"] = self.documents
        return data


class Tracer:
    """Traces facts in a store; `text_dir` holds the documents' normalized texts for context."""

    def __init__(self, store: GraphStore, text_dir: Path | None = TTL_DIR) -> None:
        self.store = store
        self.text_dir = text_dir
        self._texts: dict[str, str | None] = {}

    def _select(self, query: str, **terms: object) -> list[dict[str, object]]:
        for name, term in terms.items():
            query = query.replace(f"%{name}%", term_text(term))
        solutions = self.store.query(_PROLOGUE + query)
        variables = [v.value for v in solutions.variables]
        return [{v: row[v] for v in variables} for row in solutions]

    # -- finding facts --------------------------------------------------------------------------

    def facts_about(self, iri: str, limit: int = 500,
                    offset: int = 0) -> list[tuple[object, object, object]]:
        """Claimed facts whose subject or object is the resource (`offset`: skip that many)."""
        return self.facts_about_page(iri, limit, offset)[0]

    def facts_about_page(self, iri: str, limit: int = 500, offset: int = 0
                         ) -> tuple[list[tuple[object, object, object]], int]:
        """A page of the claimed facts about the resource, in the order of their subjects',
        predicates' and objects' strings, and how many there are: one query reads them all
        (a hub has thousands) and they are put in order here."""
        facts = [(row["s"], row["p"], row["o"]) for row in self._select(
            "SELECT DISTINCT ?s ?p ?o WHERE {" + _ABOUT + "}", r=parse_term(iri))]
        facts.sort(key=lambda spo: (*(_value(t) for t in spo), *(str(t) for t in spo)))
        start = _limit(offset)
        return facts[start:start + _limit(limit)], len(facts)

    def facts_matching(self, phrase: str, limit: int = 100,
                       offset: int = 0) -> list[tuple[object, object, object]]:
        """Claimed facts whose quoted passage or subject/object label contains the phrase."""
        needle = ox.Literal(phrase.lower())
        rows = self._select(
            """SELECT DISTINCT ?s ?p ?o WHERE {
                 ?c a ctip:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
                 { ?c prov:wasQuotedFrom/oa:hasSelector/oa:exact ?text }
                 UNION { ?s rdfs:label|skos:prefLabel|skos:altLabel|ctip:acronym ?text }
                 UNION { ?o rdfs:label|skos:prefLabel|skos:altLabel|ctip:acronym ?text }
                 FILTER(CONTAINS(LCASE(STR(?text)), %n%))
               } ORDER BY STR(?s) STR(?p) STR(?o) """
            f"LIMIT {_limit(limit)} OFFSET {_limit(offset)}",
            n=needle,
        )
        return [(row["s"], row["p"], row["o"]) for row in rows]

    # -- tracing --------------------------------------------------------------------------------

    def trace(self, s: object, p: object, o: object,
              other_values: int | None = OTHER_VALUES) -> FactTrace:
        """The claims behind (s, p, o), their passages, documents and references, and the
        first `other_values` (None: all) other values claimed for s and p."""
        s, p, o = (parse_term(t) if isinstance(t, str) else t for t in (s, p, o))
        fact = FactTrace(subject=term_text(s), predicate=term_text(p), object=term_text(o))
        labels = self._select(
            """SELECT ?sl ?pl ?ol ?asserted WHERE {
                 OPTIONAL { %s% rdfs:label|skos:prefLabel ?sl }
                 OPTIONAL { %p% rdfs:label ?pl }
                 OPTIONAL { %o% rdfs:label|skos:prefLabel ?ol }
                 BIND(EXISTS { %s% %p% %o% } AS ?asserted)
               } LIMIT 1""", s=s, p=p, o=o)
        if labels:
            row = labels[0]
            fact.subject_label = _value(row["sl"])
            fact.predicate_label = _value(row["pl"])
            fact.object_label = _value(row["ol"])
            fact.asserted = _value(row["asserted"]) in TRUE
        rows = self._select(
            """SELECT ?claim ?method ?doc ?title ?issued ?year ?url ?textFile
                      ?passage ?kind ?exact ?start ?end ?prefix ?suffix ?page
               WHERE {
                 ?claim a ctip:Claim ; rdf:subject %s% ; rdf:predicate %p% ; rdf:object %o% ;
                        ctip:inDocument ?doc ; prov:wasQuotedFrom ?passage .
                 ?passage a ?kind ; oa:hasSelector ?q, ?pos .
                 ?kind rdfs:subClassOf ctip:Passage .
                 ?q oa:exact ?exact . ?pos oa:start ?start ; oa:end ?end .
                 OPTIONAL { ?claim ctip:extractionMethod ?method }
                 OPTIONAL { ?doc dcterms:title ?title }
                 OPTIONAL { ?doc dcterms:issued ?issued }
                 OPTIONAL { ?doc ctip:reportingYear ?year }
                 OPTIONAL { ?doc ctip:sourceURL ?url }
                 OPTIONAL { ?doc ctip:textFile ?textFile }
                 OPTIONAL { ?q oa:prefix ?prefix } OPTIONAL { ?q oa:suffix ?suffix }
                 OPTIONAL { ?passage ctip:page ?page }
               } ORDER BY STR(?doc) STR(?claim) ?start""", s=s, p=p, o=o)
        publishers = self._publishers({_value(row["doc"]) for row in rows})
        claims: dict[str, ClaimInfo] = {}
        for row in rows:
            claim_iri = _value(row["claim"])
            if claim_iri not in claims:
                document = DocumentInfo(
                    iri=_value(row["doc"]), title=_value(row["title"]),
                    publisher=publishers.get(_value(row["doc"]), ""),
                    issued=_value(row["issued"]),
                    reporting_year=_value(row["year"]), source_url=_value(row["url"]),
                    text_file=_value(row["textFile"]))
                claims[claim_iri] = ClaimInfo(claim_iri, document, _value(row["method"]))
            claim = claims[claim_iri]
            passage_iri = _value(row["passage"])
            if any(existing.iri == passage_iri for existing in claim.passages):
                continue
            start, end = int(_value(row["start"])), int(_value(row["end"]))
            before, after = self._context(claim.document.text_file, start, end,
                                          _value(row["exact"]), _value(row["prefix"]),
                                          _value(row["suffix"]))
            claim.passages.append(PassageInfo(
                iri=passage_iri, kind=_value(row["kind"]).rsplit("#", 1)[-1],
                quote=_value(row["exact"]), start=start, end=end, before=before, after=after,
                page=_value(row["page"])))
        sections = self._sections({p.iri for c in claims.values() for p in c.passages})
        for claim in claims.values():
            claim.references = self._references(claim.iri)
            for passage in claim.passages:
                passage.section = sections.get(passage.iri, "")
        fact.claims = list(claims.values())
        fact.other_values, fact.other_value_count = self._other_values(s, p, o, other_values)
        return fact

    def _other_values(self, s: object, p: object, o: object,
                      limit: int | None) -> tuple[list[dict[str, str]], int]:
        """Up to `limit` other values claimed for s and p (by document, then value) with their
        claims, and how many there are: all are read in one query and put in order here (for
        a hub's thousands, a sorted query and a count query took three times as long), then
        the labels of those shown are looked up."""
        rows = sorted((_value(row["doc"]), _value(row["o"]), _value(row["claim"]), row["o"])
                      for row in self._select(
            """SELECT ?o ?doc ?claim WHERE {
                 ?claim a ctip:Claim ; rdf:subject %s% ; rdf:predicate %p% ; rdf:object ?o ;
                        ctip:inDocument ?doc .
                 FILTER(?o != %o%)
               }""", s=s, p=p, o=o))
        shown = rows if limit is None else rows[:_limit(limit)]
        labels = self._least_values({value for _, value, _, term in shown
                                     if isinstance(term, ox.NamedNode)},
                                    "?x rdfs:label|skos:prefLabel ?v")
        return [{"object": term_text(term), "label": labels.get(value, "") if
                 isinstance(term, ox.NamedNode) else "", "document": doc, "claim": claim}
                for doc, value, claim, term in shown], len(rows)

    def _publishers(self, documents: set[str]) -> dict[str, str]:
        """The label of each document's publisher (apart from the claims' query: as a path
        OPTIONAL there, the engine joined every labelled publisher of the store; 200 ms)."""
        return self._least_values(documents, "?x dcterms:publisher ?org . ?org rdfs:label ?v")

    def _sections(self, passages: set[str]) -> dict[str, str]:
        """The title of the section each passage is in (looked up for these passages only: as
        an OPTIONAL of the claims' query, the engine joined every passage of the store)."""
        return self._least_values(passages, "?x ctip:inSection ?part . ?part dcterms:title ?v")

    def _least_values(self, subjects: set[str], pattern: str) -> dict[str, str]:
        """For each of `subjects` (?x of `pattern`) that has one, the least string of ?v."""
        wanted = sorted(x for x in subjects if x)
        if not wanted:
            return {}
        rows = self._select(
            "SELECT ?x (MIN(STR(?v)) AS ?value) WHERE { VALUES ?x { "
            + " ".join(f"<{iri}>" for iri in wanted) + " } " + pattern + " } GROUP BY ?x")
        return {_value(row["x"]): _value(row["value"]) for row in rows}

    def _references(self, claim_iri: str) -> list[ReferenceInfo]:
        rows = self._select(
            """SELECT ?ref ?key ?text ?url ?onFile WHERE {
                 %c% cito:citesAsEvidence ?ref .
                 OPTIONAL { ?ref ctip:referenceKey ?key }
                 OPTIONAL { ?ref ctip:referenceText ?text }
                 OPTIONAL { ?ref ctip:url ?url }
                 OPTIONAL { ?ref ctip:sourceOnFile ?onFile }
               } ORDER BY STR(?ref) ?url""", c=ox.NamedNode(claim_iri))
        found: dict[str, ReferenceInfo] = {}
        for row in rows:
            iri = _value(row["ref"])
            if iri not in found:
                found[iri] = ReferenceInfo(iri, _value(row["key"]), _value(row["text"]),
                                           source_on_file=_value(row["onFile"]) in TRUE)
            ref = found[iri]
            url = _value(row["url"])
            if url and url not in ref.urls:
                ref.urls.append(url)
        return sorted(found.values(), key=_reference_order)

    def _context(self, text_file: str, start: int, end: int, exact: str, prefix: str,
                 suffix: str) -> tuple[str, str]:
        """Context from the normalized text when it is at hand and the quote is verbatim at its
        offsets there; otherwise the selector's own prefix and suffix."""
        text = self._text(text_file)
        if text is None or text[start:end] != exact:
            return prefix, suffix
        return text[max(0, start - CONTEXT):start], text[end:end + CONTEXT]

    def _text(self, name: str) -> str | None:
        if name not in self._texts:
            path = (self.text_dir / name) if self.text_dir and name else None
            readable = path is not None and path.is_file()
            self._texts[name] = path.read_text(encoding="utf-8") if readable else None
        return self._texts[name]


def _limit(limit: int) -> int:
    """A LIMIT Oxigraph accepts: a whole number from 0 to MAX_LIMIT."""
    return max(0, min(int(limit), MAX_LIMIT))


def _reference_order(ref: ReferenceInfo) -> tuple[int, int, str]:
    return (0, int(ref.key), "") if ref.key.isdigit() else (1, 0, ref.key)
