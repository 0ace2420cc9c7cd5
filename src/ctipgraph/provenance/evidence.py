"""The evidence report: which facts two or more documents assert, where documents disagree, which
facts rest on a single reference and which cite none at all.

Every list is computed by a SPARQL query run inside Oxigraph over the claims (`ctip:Claim`) of a
GraphStore; Python only attaches labels and puts the rows into dataclasses.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import sparql_prologue
from ..store import GraphStore
from . import plain

CTIP = "https://w3id.org/ctipgraph/ontology#"
ID = "https://w3id.org/ctipgraph/id/"
#: properties that take one value per subject: two documents giving two values disagree. Any
#: property the store declares an owl:FunctionalProperty counts as well.
FUNCTIONAL = tuple(CTIP + name for name in (
    "tier", "advancementLevel", "amount", "currency", "year", "fiscalYear", "startYear", "endYear",
    "startDate", "endDate", "value", "unit", "ageMin", "ageMax", "age",
    "meetsInternationalStandards", "indicator", "valueUnknown", "waiver", "booleanValue",
    "valueNotApplicable",
))
_PROLOGUE = sparql_prologue()
_CLAIM = ("?c a ctip:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; "
          "ctip:inDocument ?d .")


@dataclass
class ReferenceRow:
    """A bibliography entry a fact rests on."""

    iri: str
    key: str = ""
    text: str = ""
    urls: list[str] = field(default_factory=list)
    source_on_file: bool = False
    document: str = ""


@dataclass
class FactRow:
    """One claimed fact (object in N-Triples form, IRIs in <>) and the documents claiming it."""

    subject: str
    predicate: str
    object: str
    subject_label: str = ""
    predicate_label: str = ""
    object_label: str = ""
    documents: list[str] = field(default_factory=list)
    claims: int = 0
    references: list[ReferenceRow] = field(default_factory=list)


@dataclass
class ValueRow:
    """One of the values documents give for a (subject, predicate)."""

    object: str
    object_label: str = ""
    documents: list[str] = field(default_factory=list)


@dataclass
class Disagreement:
    """A subject and functional predicate for which documents give different values."""

    subject: str
    predicate: str
    subject_label: str = ""
    predicate_label: str = ""
    values: list[ValueRow] = field(default_factory=list)


@dataclass
class EvidenceReport:
    """The four lists of the report, each complete unless cut at `limit` (see `totals`)."""

    corroborated: list[FactRow] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    single_reference: list[FactRow] = field(default_factory=list)
    unreferenced: list[FactRow] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)  # document IRI → title

    def to_dict(self) -> dict:
        return plain(self)

    def cut(self, limit: int | None) -> EvidenceReport:
        """The same report with each list cut at `limit` rows (totals kept)."""
        if limit is None:
            return self
        return EvidenceReport(self.corroborated[:limit], self.disagreements[:limit],
                              self.single_reference[:limit], self.unreferenced[:limit],
                              self.totals, self.documents)


def _value(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else ""


def _int(term: object) -> int:
    return int(_value(term) or 0)


def _nt(term: object) -> str:
    return str(term)


class EvidenceReporter:
    """Builds an EvidenceReport from the claims in a store."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._labels: dict[str, str] = {}
        self._fact_groups: list[dict[str, object]] | None = None

    def _rows(self, query: str) -> list[dict[str, object]]:
        solutions = self.store.query(_PROLOGUE + query)
        names = [v.value for v in solutions.variables]
        return [{n: row[n] for n in names} for row in solutions]

    # -- the four lists -----------------------------------------------------------------------

    def corroborated(self) -> list[FactRow]:
        """Facts claimed by two or more documents."""
        return self._facts([row for row in self._groups() if _int(row["documents"]) >= 2])

    def single_reference(self) -> list[FactRow]:
        """Facts whose claims, all together, cite exactly one reference."""
        facts = self._facts([row for row in self._groups() if _int(row["references"]) == 1],
                            with_reference=True)
        refs = self._references({r.references[0].iri for r in facts})
        for fact in facts:
            fact.references = [refs.get(fact.references[0].iri, fact.references[0])]
        return facts

    def unreferenced(self) -> list[FactRow]:
        """Facts none of whose claims cites a reference."""
        return self._facts([row for row in self._groups() if _int(row["references"]) == 0])

    def _groups(self) -> list[dict[str, object]]:
        """Every claimed fact that is in one of the three lists of facts, with its documents,
        claims and references: one pass over the claims for the three (computed once)."""
        if self._fact_groups is None:
            # sorted by keys made once per fact, strings no term of the store has: Oxigraph
            # keeps them in the query's memory, where ORDER BY STR(?s) … read the terms'
            # strings from the store at each comparison (115 -> 64 s on disk at 15 M quads)
            self._fact_groups = self._rows(f"""
                SELECT ?s ?p ?o ?docs ?documents ?claims ?references ?reference WHERE {{
                  {{
                    SELECT ?s ?p ?o (GROUP_CONCAT(DISTINCT STR(?d); separator=" ") AS ?docs)
                           (COUNT(DISTINCT ?d) AS ?documents) (COUNT(DISTINCT ?c) AS ?claims)
                           (COUNT(DISTINCT ?ref) AS ?references) (SAMPLE(?ref) AS ?reference)
                    WHERE {{ {_CLAIM} OPTIONAL {{ ?c cito:citesAsEvidence ?ref }} }}
                    GROUP BY ?s ?p ?o
                    HAVING (COUNT(DISTINCT ?d) >= 2 || COUNT(DISTINCT ?ref) <= 1)
                  }}
                  BIND(CONCAT("~", STR(?s)) AS ?sKey)
                  BIND(CONCAT("~", STR(?p)) AS ?pKey)
                  BIND(CONCAT("~", STR(?o)) AS ?oKey)
                }}
                ORDER BY ?sKey ?pKey ?oKey""")
        return self._fact_groups

    def disagreements(self) -> list[Disagreement]:
        """(subject, functional predicate) pairs with different values from different documents.

        Values stated for different years are a series, not a disagreement: per-year facts have
        per-year subjects (id:observation/mali-2017-…, id:assessment/mali-advancement-2017), and
        two documents whose claims date one subject to two different years (ctip:year) are not
        compared. A concept and a narrower one (minimal advancement, and minimal advancement
        "efforts made but continued practice …") say the same at two levels of detail."""
        # the properties: ours and those the ontology declares functional, in one VALUES (a
        # `{ VALUES ?p … } UNION { ?p a owl:FunctionalProperty }` with no functional property
        # declared gives no row at all on Virtuoso 7.2)
        declared = {_value(row["p"]) for row in self._rows(
            "SELECT DISTINCT ?p WHERE { ?p a owl:FunctionalProperty FILTER(isIRI(?p)) }")}
        functional = " ".join(f"<{p}>" for p in sorted(declared | set(FUNCTIONAL)))
        # first, in one pass over the claims of functional properties, the subjects given two
        # values by two documents: only those are compared pairwise (joining every claim on a
        # hub subject with every other took minutes at a few million quads)
        candidates = self._rows(f"""
            SELECT ?s ?p WHERE {{
              VALUES ?p {{ {functional} }}
              ?c a ctip:Claim ; rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o ;
                 ctip:inDocument ?d .
            }}
            GROUP BY ?s ?p HAVING (COUNT(DISTINCT ?o) >= 2 && COUNT(DISTINCT ?d) >= 2)""")
        pairs = sorted((_value(row["s"]), _value(row["p"])) for row in candidates)
        rows = [row for start in range(0, len(pairs), VALUES_CHUNK)
                for row in self._rows(self._disagreeing_values(pairs[start:start + VALUES_CHUNK]))]
        rows.sort(key=lambda row: (_value(row["s"]), _value(row["p"]), _value(row["o"])))
        self._want(rows)
        found: dict[tuple[str, str], Disagreement] = {}
        for row in rows:
            s, p = _value(row["s"]), _value(row["p"])
            item = found.setdefault((s, p), Disagreement(
                s, p, self._label(s), self._label(p)))
            item.values.append(ValueRow(_nt(row["o"]), self._term_label(row["o"]),
                                        sorted(_value(row["docs"]).split())))
        return list(found.values())

    @staticmethod
    def _disagreeing_values(pairs: list[tuple[str, str]]) -> str:
        """The values (with their documents) of those (subject, predicate) pairs that two
        documents really disagree on (see `disagreements`)."""
        values = " ".join(f"(<{s}> <{p}>)" for s, p in pairs)
        subjects = " ".join(sorted({f"<{s}>" for s, _ in pairs}))
        return f"""
            SELECT ?s ?p ?o (GROUP_CONCAT(DISTINCT STR(?d); separator=" ") AS ?docs) WHERE {{
              {{
                SELECT DISTINCT ?s ?p WHERE {{
                  VALUES (?s ?p) {{ {values} }}
                  ?c1 a ctip:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o1 ;
                      ctip:inDocument ?d1 .
                  ?c2 a ctip:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o2 ;
                      ctip:inDocument ?d2 .
                  # different terms whose values differ (15 and 15.0 agree)
                  FILTER(?d1 != ?d2 && !sameTerm(?o1, ?o2) && COALESCE(?o1 != ?o2, true))
                  FILTER NOT EXISTS {{ ?o1 skos:broader+ ?o2 }}
                  FILTER NOT EXISTS {{ ?o2 skos:broader+ ?o1 }}
                  # one subject dated to two years by the two documents: not one value (the
                  # pairs of such documents, for these subjects only: a NOT EXISTS here was
                  # evaluated over every dated claim of the store, row after row)
                  OPTIONAL {{
                    SELECT DISTINCT ?s ?d1 ?d2 ?dated WHERE {{
                      VALUES ?s {{ {subjects} }}
                      ?y1 a ctip:Claim ; rdf:subject ?s ; rdf:predicate ctip:year ;
                          rdf:object ?year1 ; ctip:inDocument ?d1 .
                      ?y2 a ctip:Claim ; rdf:subject ?s ; rdf:predicate ctip:year ;
                          rdf:object ?year2 ; ctip:inDocument ?d2 .
                      FILTER(?year1 != ?year2)
                      BIND(true AS ?dated)
                    }}
                  }}
                  FILTER(?p = ctip:year || !BOUND(?dated))
                }}
              }}
              # the claims of the pairs' subjects, looked up from the subjects (joined to the
              # pairs found above, every claim of the store was read: 27 s against 0.9 s on
              # disk at 15 M quads). Not VALUES (?s ?p): Virtuoso 7.2 fails to compile the
              # query then (SQ156)
              {{
                VALUES ?s {{ {subjects} }}
                {_CLAIM}
              }}
            }}
            GROUP BY ?s ?p ?o"""

    def report(self, limit: int | None = None) -> EvidenceReport:
        """All four lists (each cut at `limit` rows when given) with totals."""
        lists = {
            "corroborated": self.corroborated(),
            "disagreements": self.disagreements(),
            "single_reference": self.single_reference(),
            "unreferenced": self.unreferenced(),
        }
        totals = {name: len(rows) for name, rows in lists.items()}
        counts = self._rows("""
            SELECT (COUNT(DISTINCT ?c) AS ?claims) (COUNT(DISTINCT ?d) AS ?docs) WHERE {
              ?c a ctip:Claim ; ctip:inDocument ?d }""")
        facts = self._rows("""
            SELECT (COUNT(*) AS ?n) WHERE {
              SELECT DISTINCT ?s ?p ?o WHERE {
                ?c a ctip:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o } }""")
        totals["claims"] = int(_value(counts[0]["claims"]) or 0) if counts else 0
        totals["documents"] = int(_value(counts[0]["docs"]) or 0) if counts else 0
        totals["facts"] = int(_value(facts[0]["n"]) or 0) if facts else 0
        titles = {_value(r["d"]): _value(r["t"]) for r in self._rows("""
            SELECT ?d (SAMPLE(?title) AS ?t) WHERE {
              ?d a ctip:SourceDocument OPTIONAL { ?d dcterms:title ?title } } GROUP BY ?d""")}
        return EvidenceReport(**lists, totals=totals, documents=titles).cut(limit)

    # -- helpers ------------------------------------------------------------------------------

    def _facts(self, rows: list[dict[str, object]], with_reference: bool = False
               ) -> list[FactRow]:
        self._want([{"s": row["s"], "p": row["p"], "o": row["o"]} for row in rows])
        facts = []
        for row in rows:
            s, p = _value(row["s"]), _value(row["p"])
            fact = FactRow(s, p, _nt(row["o"]), self._label(s), self._label(p),
                           self._term_label(row["o"]), sorted(_value(row["docs"]).split()),
                           int(_value(row["claims"]) or 0))
            if with_reference and row.get("reference") is not None:
                fact.references = [ReferenceRow(_value(row["reference"]))]
            facts.append(fact)
        return facts

    def _references(self, iris: set[str]) -> dict[str, ReferenceRow]:
        if not iris:
            return {}
        rows = [row for values in _values_chunks(iris) for row in self._rows(f"""
            SELECT ?ref ?key ?text ?url ?onFile ?doc WHERE {{
              VALUES ?ref {{ {values} }}
              OPTIONAL {{ ?ref ctip:referenceKey ?key }}
              OPTIONAL {{ ?ref ctip:referenceText ?text }}
              OPTIONAL {{ ?ref ctip:url ?url }}
              OPTIONAL {{ ?ref ctip:sourceOnFile ?onFile }}
              OPTIONAL {{ ?ref ctip:inDocument ?doc }}
            }} ORDER BY ?ref ?url""")]
        found: dict[str, ReferenceRow] = {}
        for row in rows:
            iri = _value(row["ref"])
            ref = found.setdefault(iri, ReferenceRow(
                iri, _value(row["key"]), _value(row["text"]),
                source_on_file=_value(row["onFile"]) in ("true", "1"),
                document=_value(row["doc"])))
            url = _value(row["url"])
            if url and url not in ref.urls:
                ref.urls.append(url)
        return found

    def _want(self, rows: list[dict[str, object]]) -> None:
        """Look up the labels of every IRI in the rows at once."""
        iris = {t.value for row in rows for t in row.values()
                if isinstance(t, ox.NamedNode) and t.value not in self._labels}
        if not iris:
            return
        rows = [row for values in _values_chunks(iris) for row in self._rows(f"""
            SELECT ?x ?l WHERE {{
              VALUES ?x {{ {values} }}
              ?x skos:prefLabel|rdfs:label|dcterms:title ?l
              FILTER(LANG(?l) = "" || LANGMATCHES(LANG(?l), "en"))
            }} ORDER BY ?x STRLEN(STR(?l)) STR(?l)""")]
        for row in rows:
            self._labels.setdefault(_value(row["x"]), _value(row["l"]))
        for iri in iris:
            self._labels.setdefault(iri, "")

    def _label(self, iri: str) -> str:
        return self._labels.get(iri, "")

    def _term_label(self, term: object) -> str:
        if isinstance(term, ox.NamedNode):
            return self._labels.get(term.value, "")
        return _value(term)


#: IRIs per VALUES list: a query stays well under the length SPARQL servers accept (ctipgraph's
#: own endpoint takes 100,000 characters), whatever the size of the report
VALUES_CHUNK = 500


def _values_chunks(iris: set[str]) -> list[str]:
    """VALUES lists of the IRIs, in sorted order, at most VALUES_CHUNK each (queries ordered by
    the IRI give the same rows in the same order, chunk after chunk)."""
    ordered = sorted(iris)
    return [" ".join(f"<{i}>" for i in ordered[start:start + VALUES_CHUNK])
            for start in range(0, len(ordered), VALUES_CHUNK)]


def evidence_report(store: GraphStore, limit: int | None = None) -> EvidenceReport:
    """The evidence report of the claims in `store`."""
    return EvidenceReporter(store).report(limit)


# -- plain text ---------------------------------------------------------------------------------


def _short(iri: str) -> str:
    """`id:org/usdol` for a data IRI (bare or in <>), else the IRI as given."""
    bare = iri[1:-1] if iri.startswith("<") and iri.endswith(">") else iri
    return "id:" + bare[len(ID):] if bare.startswith(ID) else iri


def _name(iri_or_nt: str, label: str) -> str:
    short = _short(iri_or_nt)
    return f"{label} ({short})" if label and label != iri_or_nt else short


def _fact_line(fact: FactRow) -> str:
    subject = _name(fact.subject, fact.subject_label)
    predicate = fact.predicate_label or fact.predicate.rsplit("#", 1)[-1]
    obj = fact.object_label if fact.object.startswith('"') else _name(fact.object,
                                                                       fact.object_label)
    return f"{subject} — {predicate} → {obj}"


def render_text(report: EvidenceReport, width: int = 100) -> str:
    """The report as plain text, one block per list."""
    totals = report.totals
    lines = [f"{totals.get('facts', 0)} claimed facts, {totals.get('claims', 0)} claims in "
             f"{totals.get('documents', 0)} documents."]

    def heading(title: str, key: str, shown: int) -> None:
        total = totals.get(key, shown)
        more = f" (first {shown})" if shown < total else ""
        lines.extend(["", f"== {title}: {total}{more}"])

    def wrap(text: str, indent: str = "    ") -> None:
        lines.extend(textwrap.wrap(text, width=width, initial_indent=indent,
                                   subsequent_indent=indent + "  ", break_on_hyphens=False,
                                   break_long_words=False) or [indent])

    heading("Facts asserted by two or more documents", "corroborated", len(report.corroborated))
    for fact in report.corroborated:
        wrap(_fact_line(fact), "  ")
        wrap("documents: " + ", ".join(map(_short, fact.documents)))
    heading("Facts on which documents disagree", "disagreements", len(report.disagreements))
    for item in report.disagreements:
        predicate = item.predicate_label or item.predicate.rsplit("#", 1)[-1]
        wrap(f"{_name(item.subject, item.subject_label)} — {predicate}:", "  ")
        for value in item.values:
            shown = value.object_label if value.object.startswith('"') else _name(
                value.object, value.object_label)
            wrap(f"{shown}  according to {', '.join(map(_short, value.documents))}")
    heading("Facts resting on one reference only", "single_reference",
            len(report.single_reference))
    for fact in report.single_reference:
        wrap(_fact_line(fact), "  ")
        for ref in fact.references:
            note = " [source on file]" if ref.source_on_file else ""
            wrap(f"[{ref.key or ref.iri}] {ref.text}{note}")
    heading("Facts citing no reference", "unreferenced", len(report.unreferenced))
    for fact in report.unreferenced:
        wrap(_fact_line(fact), "  ")
        wrap("documents: " + ", ".join(map(_short, fact.documents)))
    return "\n".join(lines)
