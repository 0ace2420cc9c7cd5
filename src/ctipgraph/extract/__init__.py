"""Extract: one segmented document → entities, facts, claims and mentions, as one RDF graph.

Public API::

    extract_facts(doc, lexicon, *, meta=None) -> rdflib.Graph
    extract(doc, lexicon, *, meta=None) -> Extraction   # the graph plus what was found

``meta`` (a ``sources.SourceMeta``) gives the country, reporting year and publisher that the
text may not print (a TIP narrative never prints its year); without it the country is the one
the document mentions most and year-dependent facts without a printed year are skipped. Its
``kind`` (else the kind the text shows, ``ctipgraph.identify``) decides which table extractors
run: the USDOL Findings ones only for Findings reports.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from ..emit.claims import ClaimEmitter
from ..emit.evidence import passage_iri
from ..identify import document_kind
from ..iris import entity_iri
from ..link.entities import EntityRegistry
from ..link.lexicon import Lexicon, fold, ilo_convention_re, legal_identifier_re
from ..link.mentions import Cues, Mentions, find_mentions
from ..link.places import country as resolve_country
from ..namespaces import CTIP
from ..read.model import Block, Document
from . import (
    enforcement_prose,
    fields,
    instruments,
    prose,
    relations,
    table_figures,
    table_legal,
    table_programs,
    tiers,
    tip,
)
from .context import Context
from .series import Action, SeriesIndex
from .tables import (
    Handler,
    acronym_part,
    body_rows,
    extract_tables,
    name_words,
    split_name,
    subject_class,
    table_kind,
)
from .units import prose_units
from .values import clean_name, period_span

__all__ = ["Extraction", "extract", "extract_facts", "series_actions"]

_POSSESSIVE = re.compile(r"['’]s ")  # "Ministry of Labor’s National Directorate"
_ACRONYM_OWNER = re.compile(r"[A-Z][A-Z0-9&-]*[A-Z0-9]")  # "MWCPNS’s Regional Committees"

HANDLERS = {
    "statistics": table_figures.statistics,
    "labor-enforcement": table_figures.enforcement,
    "criminal-enforcement": table_figures.enforcement,
    "ratification": table_legal.ratification,
    "legal-standards": table_legal.legal_standards,
    "enforcement-agencies": table_legal.enforcement_agencies,
    "coordinating-bodies": table_programs.coordinating_bodies,
    "policies": table_programs.policies,
    "social-programs": table_programs.social_programs,
    "recommendations": table_programs.recommendations,
    "sectors": table_programs.sectors,
}


@dataclass
class Extraction:
    """The facts graph of one document and what produced it."""

    graph: Graph
    registry: EntityRegistry
    mentions: Mentions
    claims: int
    unlinked: list[str] = field(default_factory=list)


def table_handlers(lexicon: Lexicon, doc_kind: str | None) -> dict[str, Handler]:
    """The table extractors for a document of this kind: a [[tables]] entry of patterns.toml
    with `documents` (e.g. the USDOL Findings tables) runs only for those document kinds."""
    specs = {s["kind"]: s for s in lexicon.patterns.get("tables", [])}
    return {name: handler for name, handler in HANDLERS.items()
            if "documents" not in specs.get(name, {}) or doc_kind in specs[name]["documents"]}


def _table_subjects(doc: Document, lexicon: Lexicon, registry: EntityRegistry,
                    handlers: dict[str, Handler]) -> list[Block]:
    """Register the names in the first column of tables whose rows are about an entity (so
    that they are matched everywhere); returns the cells of tables no extractor reads."""
    specs = {s["kind"]: s for s in lexicon.patterns.get("tables", [])}
    cues = Cues(lexicon)
    unread: list[Block] = []
    for table in doc.tables:
        kind = table_kind(lexicon, table)
        if kind not in handlers:
            unread += [c for r in table.rows for c in r.cells] + list(table.rows)
            continue
        cls = specs.get(kind, {}).get("subject")
        if not cls:
            continue
        for row in body_rows(table):
            cell = row.cell(1)
            if cell is None:
                continue
            text = clean_name(doc.text[cell.start:cell.end])
            span = period_span(text)
            if span:
                text = (text[: span[0]] + text[span[1]:]).replace("()", "").strip()
            if _identified(lexicon, text):
                continue  # "ILO C. 29, Forced Labor": the identifier detectors name it
            *owners, owned = _owner_and_owned(text, cues, registry)
            # the owners of a body are bodies of the table's kind, unless acronyms ("MOJ’s …":
            # the text defines them); of a plan, left to the text
            owners = [o for o in owners if not _ACRONYM_OWNER.fullmatch(o.strip())]
            if _defined_acronym(doc.text, owned.strip()):
                continue  # a row named by an acronym the text defines: the name's entity
            for part in [*owners, owned] if cls == "GovernmentBody" else [owned]:
                text = clean_name(part)
                name, acronym = split_name(text, lexicon)
                if name and registry.lookup(name, acronym=acronym) is None:
                    registry.resolve(name, subject_class(specs[kind], cues, name),
                                     acronym=acronym, rule=f"table:{kind}")
                if acronym is None:
                    _define_part(text, cues, registry, f"table:{kind}")
    return unread


def _define_part(text: str, cues: Cues, registry: EntityRegistry, rule: str) -> None:
    """The body a table's name defines with its acronym in passing ("Ministry of Economy and
    Development Planning (MEDP) Policies", "Cameroon Institute of Childhood (ICE)
    Rehabilitation Project"), as its cue word types it: the text elsewhere names it by the
    acronym alone ("another MEDP policy")."""
    part = acronym_part(text)
    if part is None:
        return
    name, acronym = part
    cue = cues.first_cue(name_words(name))
    if cue is not None and registry.lookup(name, acronym=acronym) is None:
        registry.resolve(name, cue[2], acronym=acronym, rule=rule)


def _defined_acronym(text: str, name: str) -> bool:
    """Whether a name is an acronym the text defines ("… for Children and Adolescents (ICCA)")."""
    return bool(_ACRONYM_OWNER.fullmatch(name)) and re.search(
        rf"\(\s*{re.escape(name)}\s*[),]", text) is not None


def _owner_and_owned(text: str, cues: Cues, registry: EntityRegistry) -> list[str]:
    """A body named by its owner's possessive, as two names ("Ministry of Security’s Division of
    Drugs"), when each owner is a name (a cue word, an acronym, or known) and not a group of
    people whose possessive makes a compound ("Ministry of Social Welfare, Gender and Children’s
    Affairs" is one ministry; "Children’s Court" one court, and "Children" no body)."""
    parts = _POSSESSIVE.split(text)
    for owner in parts[:-1]:
        words = [fold(w, lower=False) for w in owner.split()]
        if not words or words[-1] in cues.collective or (
                cues.first_cue(words) is None and not _ACRONYM_OWNER.fullmatch(owner.strip())
                and registry.lookup(owner.strip(), fuzzy=False) is None):
            return [text]
    return parts


def _identified(lexicon: Lexicon, text: str) -> bool:
    folded = fold(text, lower=False)
    return bool(legal_identifier_re(lexicon).search(folded)
                or ilo_convention_re(lexicon).search(folded))


def _given_country(meta, lexicon: Lexicon, registry: EntityRegistry) -> URIRef | None:
    """The country the document's metadata gives (registered when the lexicon lacks it)."""
    if meta is None or not getattr(meta, "country", None):
        return None
    iri, label, listed = resolve_country(lexicon, meta.country)  # as emit.evidence does
    if listed:
        return iri
    return registry.resolve(label, "Country", iri=iri, rule="source-metadata").iri


def _country_mentioned_most(registry: EntityRegistry, mentions: Mentions) -> URIRef | None:
    counts = Counter(m.iri for m in mentions if registry.cls_of(m.iri) == "Country")
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[0][0] if counts else None


def _publisher(meta, lexicon: Lexicon) -> URIRef | None:
    publishers = getattr(meta, "publishers", ()) if meta is not None else ()
    if not publishers:
        return None
    agent = publishers[0]
    iri = entity_iri("person" if agent.type == "Person" else "org", agent.key)
    return iri


def series_actions(doc: Document, lexicon: Lexicon, *, meta=None) -> list[Action]:
    """The suggested actions of a document's tables as its series needs them to give one
    action one IRI (extract.series); none when the metadata names no country."""
    handlers = table_handlers(lexicon, document_kind(doc, lexicon, meta))
    country = getattr(meta, "country", None) if meta is not None else None
    if "recommendations" not in handlers or not country:
        return []
    slug = str(resolve_country(lexicon, country)[0]).rsplit("/", 1)[-1]
    year = getattr(meta, "reporting_year", None)
    found = []
    for table in doc.tables:
        if table_kind(lexicon, table) != "recommendations":
            continue
        for row in table_programs.action_rows(doc, lexicon, table):
            area = str(row.area).rsplit("/", 1)[-1] if row.area is not None else None
            found.append(Action(doc.doc_id, year, slug, row.text, area,
                                min(row.years) if row.years else None))
    return found


def extract(doc: Document, lexicon: Lexicon, *, meta=None,
            series: SeriesIndex | None = None,
            series_names: Mapping[str, str] | None = None) -> Extraction:
    """Everything one document says, as facts with claims, plus entities and mentions;
    `series` gives the suggested actions of the document's series one IRI each, `series_names`
    the entities other reports define by their acronym (link.acronyms)."""
    country = getattr(meta, "country", None) if meta is not None else None
    registry = EntityRegistry(lexicon, resolve_country(lexicon, country)[0] if country else None,
                              series_names)
    handlers = table_handlers(lexicon, document_kind(doc, lexicon, meta))
    # the report's country before its names are matched: a country the lexicon does not list
    # is then named in the text too ("In 2017, Bolivia made …")
    given = _given_country(meta, lexicon, registry)
    unread = _table_subjects(doc, lexicon, registry, handlers)
    mentions, possessives = find_mentions(doc, registry, unread)
    emitter = ClaimEmitter(doc)
    ctx = Context(
        doc=doc,
        lexicon=lexicon,
        registry=registry,
        mentions=mentions,
        emitter=emitter,
        country=given or _country_mentioned_most(registry, mentions),
        reporting_year=getattr(meta, "reporting_year", None) if meta is not None else None,
        publisher=_publisher(meta, lexicon),
        series=series,
    )
    if ctx.country is not None:
        registry.use(ctx.country)
    extract_tables(ctx, handlers)
    fields.project_summary(ctx)
    units = prose_units(ctx)
    figures: list[tip.Figure] = []
    for i, unit in enumerate(units):
        tiers.tier_placements(ctx, unit)
        tiers.advancement(ctx, unit)
        tiers.advancement_qualifier(ctx, unit)
        instruments.described(ctx, unit)
        prose.armed_groups(ctx, unit)
        prose.agreements(ctx, unit)
        relations.all_relations(ctx, unit)
        tip.laws(ctx, unit, units[max(0, i - 2):i])
        tip.recommendation_list(ctx, unit)
        figures += tip.figures(ctx, unit)
    tip.emit_figures(ctx, figures)
    relations.references(ctx)
    enforcement_prose.inspector_sufficiency(ctx, units)
    prose.possessives(ctx, possessives)
    instruments.entity_countries(ctx)
    _mention_claims(ctx)
    registry.describe(emitter.graph)
    return Extraction(emitter.graph, registry, mentions, emitter.claims,
                      registry.unlinked + ctx.unlinked)


def _mention_claims(ctx: Context) -> None:
    """entity ctip:mentionedIn passage, as a claim whose method says how it was matched."""
    by_key = {str(passage_iri(ctx.doc.doc_id, p)): p for p in ctx.doc.passages()}
    for (iri, key), rule in sorted(ctx.mentions.first_rules().items(),
                                   key=lambda kv: (str(kv[0][0]), kv[0][1])):
        block = by_key.get(key)
        if block is None:
            continue
        ctx.registry.use(iri)
        ctx.fact(iri, CTIP.mentionedIn, passage_iri(ctx.doc.doc_id, block), [block],
                 f"mention:{rule}")


def extract_facts(doc: Document, lexicon: Lexicon, *, meta=None) -> Graph:
    """Entities, plain fact triples, claims and mentions of one document."""
    return extract(doc, lexicon, meta=meta).graph
