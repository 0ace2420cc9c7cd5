"""Rendering fact traces for people (text) and machines (JSON, Turtle)."""

from __future__ import annotations

import json
import textwrap

import pyoxigraph as ox

from ..namespaces import sparql_prologue
from ..store import GraphStore
from .evidence import FUNCTIONAL
from .trace import FactTrace

OTHER_VALUES_SHOWN = 10


def _named(iri_text: str, label: str) -> str:
    return f"{label} {iri_text}" if label else iri_text


def render_text(fact: FactTrace, width: int = 100) -> str:
    """A fact, its claims, quotes in context, documents and references, as plain text."""
    lines = [
        f"FACT  {_named(fact.subject, fact.subject_label)}",
        f"      — {_named(fact.predicate, fact.predicate_label)} →",
        f"      {_named(fact.object, fact.object_label)}",
        f"      asserted in the graph: {'yes' if fact.asserted else 'NO'}; "
        f"{len(fact.claims)} claim(s) in {len(fact.documents)} document(s)",
    ]
    for number, claim in enumerate(fact.claims, 1):
        doc = claim.document
        lines.append("")
        lines.append(f"  claim {number}: {claim.iri}")
        lines.append(f"    extracted by: {claim.method or 'unknown'}")
        if claim.inferred:
            lines.append("    INFERRED: implied by the passages below, not stated "
                         "by them")
        lines.append(f"    document: {doc.title or doc.iri}")
        details = [d for d in (doc.publisher, f"issued {doc.issued}" if doc.issued else "",
                               f"reporting year {doc.reporting_year}" if doc.reporting_year else "")
                   if d]
        if details:
            lines.append(f"              {'; '.join(details)}")
        lines.append(f"              {doc.iri}")
        if doc.source_url:
            lines.append(f"              source: {doc.source_url}")
        for passage in claim.passages:
            where = [passage.kind]
            if passage.section:
                where.append(f'section "{passage.section}"')
            if passage.page:
                where.append(f"page {passage.page}")
            where.append(f"characters {passage.start}–{passage.end}")
            lines.append(f"    passage: {passage.iri}")
            lines.append(f"             {', '.join(where)}")
            quoted = f"…{passage.before}«{passage.quote}»{passage.after}…".replace("\n", " ")
            lines.extend(textwrap.wrap(quoted, width=width, initial_indent="      ",
                                       subsequent_indent="      "))
        if claim.references:
            lines.append("    cites:")
            for ref in claim.references:
                entry = f"[{ref.key}] {ref.text}"
                if ref.source_on_file:
                    entry += " (source on file: not public)"
                lines.extend(textwrap.wrap(entry, width=width, initial_indent="      ",
                                           subsequent_indent="          "))
                lines.extend(f"          {url}" for url in ref.urls if url not in ref.text)
        else:
            lines.append("    cites: no reference in the quoted passage(s)")
    if fact.other_values:
        lines.append("")
        if fact.predicate.strip("<>") in FUNCTIONAL:
            lines.append("  the documents disagree: this property takes one value; also claimed:")
        else:
            lines.append("  other values claimed for this property (it can take several):")
        for other in fact.other_values[:OTHER_VALUES_SHOWN]:
            lines.append(f"    {_named(other['object'], other['label'])}  — {other['document']}")
        hidden = fact.other_value_count - min(len(fact.other_values), OTHER_VALUES_SHOWN)
        if hidden > 0:
            lines.append(f"    … {hidden} more (--format json lists them all)")
    return "\n".join(lines)


def render_json(facts: list[FactTrace]) -> str:
    return json.dumps([fact.to_dict() for fact in facts], indent=2, ensure_ascii=False)


def render_turtle(store: GraphStore, facts: list[FactTrace]) -> str:
    """The RDF behind the facts: claims, passages with selectors, documents, references."""
    claims = " ".join(f"<{c.iri}>" for fact in facts for c in fact.claims)
    if not claims:
        return ""
    query = sparql_prologue() + f"""
        CONSTRUCT {{
          ?claim ?cp ?co . ?passage ?pp ?po . ?sel ?sp ?so . ?doc ?dp ?do . ?ref ?rp ?ro .
          ?s ?p ?o .
        }} WHERE {{
          VALUES ?claim {{ {claims} }}
          {{ ?claim ?cp ?co }}
          UNION {{ ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . ?s ?p ?o }}
          UNION {{ ?claim prov:wasQuotedFrom ?passage . ?passage ?pp ?po }}
          UNION {{ ?claim prov:wasQuotedFrom/oa:hasSelector ?sel . ?sel ?sp ?so }}
          UNION {{ ?claim ctip:inDocument ?doc . ?doc ?dp ?do }}
          UNION {{ ?claim cito:citesAsEvidence ?ref . ?ref ?rp ?ro }}
        }}"""
    triples = store.query(query)
    prefixes = {"ctip": "https://w3id.org/ctipgraph/ontology#",
                "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                "xsd": "http://www.w3.org/2001/XMLSchema#",
                "dcterms": "http://purl.org/dc/terms/", "prov": "http://www.w3.org/ns/prov#",
                "oa": "http://www.w3.org/ns/oa#", "cito": "http://purl.org/spar/cito/"}
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return data.decode("utf-8")
