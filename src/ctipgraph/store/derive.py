"""Facts derived from the claims at store build, so that the competency queries that aggregate
over every claim or citation of the store read a few derived triples instead (issue 13).

Computed inside Oxigraph by SPARQL UPDATE into DERIVED_GRAPH (and the default graph, the merge
of all graphs), each a pure function of the store's claims and references; the terms are defined
in ontology/ctip.ttl ("Derived at store build"):

- `ctip:timesCited` / `ctip:timesCitedAsEvidence` of every `ctip:Reference`: the in-text citations
  that denote it (`ctip:denotes`) and the claims that cite it as evidence
  (`cito:citesAsEvidence`), 0 included;
- a `ctip:StatedFact` for each triple that claims (`ctip:Claim`) state in two or more documents
  (`ctip:CorroboratedFact`: its documents, `ctip:statedIn`, their number and their IRIs sorted
  and " | "-joined, `ctip:documentList`) or whose claims cite
  exactly one reference as evidence (`ctip:SingleReferenceFact`: that reference and how many
  claims cite it). Its IRI is id/fact/ and the SHA-1 of the triple, so a rebuild mints the same;
- `?subject ctip:severalValuesClaimedFor ?property` when claims give the subject two or more
  different objects of the property;
- for each `ctip:Recommendation` suggested in two or more distinct years (its
  `ctip:yearsSuggested`, and the `ctip:reportingYear` of the documents of the claims about it):
  their number, the first and the last, and the years sorted and ", "-joined
  (`ctip:recurrenceYearCount`, `…FirstYear`, `…LastYear`, `…Years`), and the documents of the
  `ctip:Claim`s about it, sorted and " | "-joined (`ctip:recurrenceDocuments`): what query 10
  lists;
- `?resource ctip:appearsIn ?document` for every IRI mentioned in a passage of the document
  (`ctip:mentionedIn`) or the subject of a claim quoted from one (`prov:wasQuotedFrom`): what a
  class listing's document facet and filter read, one triple per resource and document.

`derive` clears the graph (and the merge's copies of its triples that no other graph holds) and
computes it again: idempotent and deterministic, usable after any change of the store's graphs.
`derive_some` computes again only the triples of some keys (an incremental store update).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import pyoxigraph as ox

from ..namespaces import RDF
from . import DERIVED_GRAPH

FACT_BASE = "https://w3id.org/ctipgraph/id/fact/"

_PROLOGUE = """PREFIX ctip: <https://w3id.org/ctipgraph/ontology#>
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""

# the claims of one triple, as the queries read them
_CLAIM = "?claim a ctip:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ."

# derive_some's claims of given triples, found from the triple's object or subject, whichever
# fewer claims have (_rarer_end): Oxigraph 0.5 has no statistics and joins patterns whose terms
# are all bound in the order written, and a hub (a country, an organization, a concept) is the
# subject or object of thousands of claims at scale (a changed report's claimed triples at
# 5.1 M quads: 20 s the subject first, 0.35 s each from its rarer end)
_CLAIM_FROM = {
    "object": "?claim rdf:object ?o ; rdf:subject ?s ; rdf:predicate ?p ; a ctip:Claim .",
    "subject": "?claim rdf:subject ?s ; rdf:object ?o ; rdf:predicate ?p ; a ctip:Claim .",
}
_RDF_SUBJECT, _RDF_OBJECT = ox.NamedNode(str(RDF.subject)), ox.NamedNode(str(RDF.object))

# the fact's IRI: SHA-1 of the triple's terms (an IRI's or a literal's value, datatype and
# language; a blank node has no stable form, so no fact is minted for it)
_FACT_IRI = f"""BIND(IRI(CONCAT("{FACT_BASE}", SHA1(CONCAT(STR(?s), "\\n", STR(?p), "\\n",
    IF(isIRI(?o), CONCAT("<", STR(?o), ">"),
       CONCAT("\\"", STR(?o), "\\"", LANG(?o), "^^", STR(DATATYPE(?o)))))))) AS ?fact)"""

#: where derive_some puts the VALUES of the keys it recomputes (comments for derive): each
#: derived triple depends only on the claims of one triple (facts), of one subject and property
#: (several values) or on the citations and claims of one reference (counts)
_REFERENCES, _TRIPLES, _PAIRS = "#references\n", "#triples\n", "#pairs\n"
_RECOMMENDATIONS = "#recommendations\n"
_DOCUMENTS = "#documents\n"

_RECURRENCE = ("ctip:recurrenceYearCount ctip:recurrenceFirstYear ctip:recurrenceLastYear "
               "ctip:recurrenceYears ctip:recurrenceDocuments")

_CLEAR = f"""
DELETE {{ ?s ?p ?o }} WHERE {{
  GRAPH {DERIVED_GRAPH} {{ ?s ?p ?o }}
  FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {DERIVED_GRAPH}) }}
}};
CLEAR SILENT GRAPH {DERIVED_GRAPH}
"""

#: name -> SPARQL UPDATE adding one kind of derived triples to DERIVED_GRAPH
UPDATES: dict[str, str] = {
    "reference counts": f"""
INSERT {{ GRAPH {DERIVED_GRAPH} {{
  ?reference ctip:timesCited ?citations ; ctip:timesCitedAsEvidence ?claims }} }}
WHERE {{
  {{
    SELECT ?reference (COUNT(DISTINCT ?citation) AS ?citations)
    WHERE {{ {_REFERENCES}?reference a ctip:Reference
             OPTIONAL {{ ?citation ctip:denotes ?reference }} }}
    GROUP BY ?reference
  }}
  {{
    SELECT ?reference (COUNT(DISTINCT ?claim) AS ?claims)
    WHERE {{ {_REFERENCES}?reference a ctip:Reference
             OPTIONAL {{ ?claim cito:citesAsEvidence ?reference }} }}
    GROUP BY ?reference
  }}
}}""",
    "corroborated facts": f"""
INSERT {{ GRAPH {DERIVED_GRAPH} {{
  ?fact a ctip:StatedFact , ctip:CorroboratedFact ;
        ctip:factSubject ?s ; ctip:factPredicate ?p ; ctip:factObject ?o ;
        ctip:documentCount ?documents ; ctip:documentList ?list ; ctip:statedIn ?document }} }}
WHERE {{
  {{
    # the documents in IRI order, so that the list is the same whatever order the store
    # holds the claims in (a full build or an incremental update)
    SELECT ?s ?p ?o (COUNT(?d) AS ?documents) (GROUP_CONCAT(STR(?d); separator=" | ") AS ?list)
    WHERE {{
      SELECT DISTINCT ?s ?p ?o ?d WHERE {{ {_TRIPLES}{_CLAIM} ?claim ctip:inDocument ?d }}
      ORDER BY ?d
    }}
    GROUP BY ?s ?p ?o
    HAVING (COUNT(?d) >= 2)
  }}
  {{
    SELECT DISTINCT ?s ?p ?o ?document
    WHERE {{ {_TRIPLES}{_CLAIM} ?claim ctip:inDocument ?document }}
  }}
  {_FACT_IRI}
}}""",
    "single-reference facts": f"""
INSERT {{ GRAPH {DERIVED_GRAPH} {{
  ?fact a ctip:StatedFact , ctip:SingleReferenceFact ;
        ctip:factSubject ?s ; ctip:factPredicate ?p ; ctip:factObject ?o ;
        ctip:evidenceReference ?reference ; ctip:citingClaimCount ?claims }} }}
WHERE {{
  {{
    SELECT ?s ?p ?o (SAMPLE(?cited) AS ?reference) (COUNT(DISTINCT ?claim) AS ?claims)
    WHERE {{ {_TRIPLES}{_CLAIM} ?claim cito:citesAsEvidence ?cited }}
    GROUP BY ?s ?p ?o
    HAVING (COUNT(DISTINCT ?cited) = 1)
  }}
  {_FACT_IRI}
}}""",
    "several values": f"""
INSERT {{ GRAPH {DERIVED_GRAPH} {{ ?s ctip:severalValuesClaimedFor ?p }} }}
WHERE {{
  SELECT ?s ?p WHERE {{ {_PAIRS}{_CLAIM} }}
  GROUP BY ?s ?p
  HAVING (COUNT(DISTINCT ?o) >= 2)
}}""",
    "recommendation recurrence": f"""
INSERT {{ GRAPH {DERIVED_GRAPH} {{
  ?recommendation ctip:recurrenceYearCount ?yearCount ; ctip:recurrenceFirstYear ?firstYear ;
                  ctip:recurrenceLastYear ?lastYear ; ctip:recurrenceYears ?years ;
                  ctip:recurrenceDocuments ?documents }} }}
WHERE {{
  {{
    # the years in code-point order (as the documents below), so that the lists are the same
    # whatever order the store holds the triples in
    SELECT ?recommendation (COUNT(?y) AS ?yearCount) (MIN(?y) AS ?firstYear)
           (MAX(?y) AS ?lastYear) (GROUP_CONCAT(?y; separator=", ") AS ?years)
    WHERE {{
      SELECT DISTINCT ?recommendation ?y WHERE {{
        {_RECOMMENDATIONS}?recommendation a ctip:Recommendation .
        {{ ?recommendation ctip:yearsSuggested ?year }}
        UNION
        {{ ?claim rdf:subject ?recommendation ; ctip:inDocument ?document .
          ?document ctip:reportingYear ?year }}
        BIND(STR(?year) AS ?y)
      }}
      ORDER BY ?y
    }}
    GROUP BY ?recommendation
    HAVING (COUNT(?y) >= 2)
  }}
  OPTIONAL {{
    SELECT ?recommendation (GROUP_CONCAT(STR(?document); separator=" | ") AS ?documents)
    WHERE {{
      SELECT DISTINCT ?recommendation ?document WHERE {{
        {_RECOMMENDATIONS}?recommendation a ctip:Recommendation .
        ?claim rdf:subject ?recommendation ; a ctip:Claim ; ctip:inDocument ?document
      }}
      ORDER BY ?document
    }}
    GROUP BY ?recommendation
  }}
}}""",
    "documents of resources": f"""
INSERT {{ GRAPH {DERIVED_GRAPH} {{ ?s ctip:appearsIn ?d }} }}
WHERE {{
  SELECT DISTINCT ?s ?d WHERE {{
    {{ {_DOCUMENTS}?passage ctip:inDocument ?d . ?s ctip:mentionedIn ?passage }}
    UNION
    {{ {_DOCUMENTS}?quoted ctip:inDocument ?d .
       ?claim prov:wasQuotedFrom ?quoted ; rdf:subject ?s }}
    FILTER(isIRI(?s))
  }}
}}""",
}

# derive_some's "several values" of a (subject, property) pair, asked one pair at a time and
# stopping at the second distinct value: a changed report's pairs include a hub's (its
# mentions, thousands of claims), which a query over 100 pairs read whole (9.4 s for one
# report's 176 pairs at 5.1 M quads; one at a time 0.06 s, the same pairs)
_TWO_VALUES = """SELECT DISTINCT ?o WHERE {{
  ?claim rdf:subject {s} ; rdf:predicate {p} ; a ctip:Claim ; rdf:object ?o }} LIMIT 2"""

_MERGE = f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH {DERIVED_GRAPH} {{ ?s ?p ?o }} }}"

#: per key kind, the derived triples of some keys: (template, pattern) of a CONSTRUCT that
#: reads them and of the DELETE that removes them from DERIVED_GRAPH
_OF_KEYS = {
    _REFERENCES: ("?reference ?p ?n", f"""{_REFERENCES}VALUES ?p {{ ctip:timesCited
  ctip:timesCitedAsEvidence }} GRAPH {DERIVED_GRAPH} {{ ?reference ?p ?n }}"""),
    # the fact of a triple found by its parts, not by its IRI (_FACT_IRI then a scan of the
    # graph: 0.7 s for 100 keys at 5.1 M quads, by parts 10 ms)
    _TRIPLES: ("?fact ?x ?y", f"""{_TRIPLES}GRAPH {DERIVED_GRAPH} {{ ?fact ctip:factObject ?o ;
  ctip:factSubject ?s ; ctip:factPredicate ?p . ?fact ?x ?y }}"""),
    _PAIRS: ("?s ctip:severalValuesClaimedFor ?p",
             f"{_PAIRS}GRAPH {DERIVED_GRAPH} {{ ?s ctip:severalValuesClaimedFor ?p }}"),
    _RECOMMENDATIONS: ("?recommendation ?p ?v", f"""{_RECOMMENDATIONS}VALUES ?p {{ {_RECURRENCE} }}
  GRAPH {DERIVED_GRAPH} {{ ?recommendation ?p ?v }}"""),
    _DOCUMENTS: ("?s ctip:appearsIn ?d",
                 f"{_DOCUMENTS}GRAPH {DERIVED_GRAPH} {{ ?s ctip:appearsIn ?d }}"),
}


def clear(store: ox.Store) -> None:
    """Empty DERIVED_GRAPH, and remove from the merge its triples that no other graph holds."""
    store.update(_PROLOGUE + _CLEAR)


def derive(store: ox.Store, progress: Callable[[str], None] | None = None) -> int:
    """Compute DERIVED_GRAPH again from the store's default graph (the merge of its graphs) and
    add it to the merge; returns the number of derived triples. The store must be writable."""
    started = time.perf_counter()
    clear(store)
    for update in UPDATES.values():
        store.update(_PROLOGUE + update)
    store.update(_MERGE)
    count = sum(1 for _ in store.quads_for_pattern(None, None, None, DERIVED_GRAPH))
    if progress:
        progress(f"derived {count} triple(s), {time.perf_counter() - started:.1f} s")
    return count


def derive_some(store: ox.Store, references: Iterable[ox.NamedNode],
                triples: Iterable[tuple[ox.NamedNode, ox.NamedNode, ox.Term]],
                pairs: Iterable[tuple[ox.NamedNode, ox.NamedNode]],
                recommendations: Iterable[ox.NamedNode] = (),
                documents: Iterable[ox.NamedNode] = ()) -> tuple[set[bytes], set[bytes]]:
    """Compute again, in DERIVED_GRAPH only (not the merge), the derived triples of these
    references, claimed triples, (subject, property) pairs, recommendations and documents (what
    appears in them: read from the document's passages, so that a resource mentioned in
    thousands of documents is not read again whole) — what `derive` gives for them — and keep
    the others: after a change of the store whose claims, citations, references,
    recommendations and passages are those keys (ctipgraph.store.incremental). Returns the
    triples of DERIVED_GRAPH removed and added, as N-Triples lines. The store must be
    writable."""
    keys = {_REFERENCES: ("?reference", [(r,) for r in references]),
            _TRIPLES: ("(?s ?p ?o)", list(triples)), _PAIRS: ("(?s ?p)", list(pairs)),
            _RECOMMENDATIONS: ("?recommendation", [(r,) for r in recommendations]),
            _DOCUMENTS: ("?d", [(d,) for d in documents])}
    removed: set[bytes] = set()
    added: set[bytes] = set()
    for marker, (variables, rows) in keys.items():
        groups: dict[str, list[tuple]] = {_CLAIM: rows}
        if marker == _TRIPLES:
            groups = {claim: [] for claim in _CLAIM_FROM.values()}
            for row in rows:
                groups[_CLAIM_FROM[_rarer_end(store, row[0], row[2])]].append(row)
        template, pattern = _OF_KEYS[marker]
        for claim, group in groups.items():
            if not group:
                continue
            listed = " ".join(f"({' '.join(str(t) for t in row)})" if len(row) > 1
                              else str(row[0]) for row in group)
            values = f"VALUES {variables} {{ {listed} }}\n"
            where = pattern.replace(marker, values)
            before = _constructed(store, template, where)
            store.update(f"{_PROLOGUE}DELETE {{ GRAPH {DERIVED_GRAPH} {{ {template} }} }} "
                         f"WHERE {{ {where} }}")
            if marker == _PAIRS:  # one pair at a time (_TWO_VALUES)
                _several_values(store, group)
            else:
                for update in UPDATES.values():
                    if marker in update:
                        store.update(_PROLOGUE + update.replace(marker, values)
                                     .replace(_CLAIM, claim))
            after = _constructed(store, template, where)
            removed |= before - after
            added |= after - before
    return removed, added


def _several_values(store: ox.Store, pairs: list[tuple]) -> None:
    """Into DERIVED_GRAPH, `?s ctip:severalValuesClaimedFor ?p` of those (subject, property)
    pairs that claims give two or more different objects (what `derive` gives them)."""
    found = [f"{s} ctip:severalValuesClaimedFor {p} ." for s, p in pairs
             if len(list(store.query(_PROLOGUE + _TWO_VALUES.format(s=s, p=p)))) == 2]
    if found:
        store.update(f"{_PROLOGUE}INSERT DATA {{ GRAPH {DERIVED_GRAPH} {{ {' '.join(found)} }} }}")


def _constructed(store: ox.Store, template: str, where: str) -> set[bytes]:
    """CONSTRUCT { template } WHERE { where }, as N-Triples lines."""
    data = store.query(f"{_PROLOGUE}CONSTRUCT {{ {template} }} WHERE {{ {where} }}").serialize(
        format=ox.RdfFormat.N_TRIPLES)
    return set(data.splitlines()) if data else set()


def _rarer_end(store: ox.Store, subject: ox.Term, object_: ox.Term) -> str:
    """"object" or "subject": the end of a claimed triple that fewer claims have, read side by
    side in the default graph until one of the two runs out."""
    by_object = store.quads_for_pattern(None, _RDF_OBJECT, object_, ox.DefaultGraph())
    by_subject = store.quads_for_pattern(None, _RDF_SUBJECT, subject, ox.DefaultGraph())
    while True:
        if next(by_object, None) is None:
            return "object"
        if next(by_subject, None) is None:
            return "subject"
