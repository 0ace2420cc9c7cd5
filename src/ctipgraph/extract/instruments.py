"""Legal instruments and plans known by what they are, not by a name or number.

- draft laws: "the drafting of a migrant smuggling law and a revised anti-trafficking law" →
  two ctip:Law entities labelled from the document's words ("draft migrant smuggling law"),
  ``ctip:legalStatus ctipc:legal-status/draft``;
- laws, decrees and protocols known by what they do and when: "Mali introduced a law with
  severe penalties, specifically outlawing trafficking in children", "the government passed an
  inter-ministerial protocol in 2013 to require liberated child soldiers to be transferred …"
  → "law outlawing trafficking in children", "inter-ministerial protocol (2013) to require …",
  adopted, with ``ctip:startYear`` when the sentence dates it and the forms of exploitation its
  purpose names (``ctip:addresses``);
- plans with a period in lower case: "It adopted a three-year national action plan
  (2015-2017) to combat trafficking" is the report country's "national action plan to combat
  trafficking" (the lexicon's or a new one), with its start and end years.

The words are data (``discovery.toml [instruments]``). Each entity's IRI is its country's
(``id:law/{country}-{label}``); every fact is claimed quoting the sentence, and the sentence is
a ``ctip:mentionedIn`` of the entity (method ``pattern:described-instrument``).
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef

from ..link.lexicon import fold
from ..link.places import country as resolve_country
from ..namespaces import CTIP, CTIPC
from .context import ACTOR_CLASSES, Context, gyear
from .prose import bilateral_agreement
from .signings import signing, when_where
from .units import Unit

METHOD = "pattern:described-instrument"


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(fold(w)) for w in sorted(words, key=lambda w: (-len(w), w)))


def described(ctx: Context, unit: Unit) -> None:
    """Bilateral agreements, draft laws, described laws and protocols, and dated plans of one
    unit."""
    spec = ctx.lexicon.section("instruments")
    if not spec:
        return
    folded = fold(unit.text)
    _bilateral(ctx, unit, folded)
    _drafts(ctx, unit, folded, spec)
    _enacted(ctx, unit, folded, spec)
    _plans(ctx, unit, folded, spec)


def _nouns(spec: dict) -> dict[str, str]:
    return {fold(k): v for k, v in spec.get("nouns", {}).items()}


def _class(spec: dict, noun: str, qualifier: str) -> str:
    domestic = [fold(w) for w in spec.get("domestic", [])]
    cls = _nouns(spec).get(noun, "Law")
    if cls == "InternationalAgreement" and any(w in qualifier for w in domestic):
        return "Regulation"  # an inter-ministerial protocol is the government's own
    return cls


def _entity(ctx: Context, label: str, cls: str, unit: Unit) -> URIRef | None:
    country = ctx.country or ctx.registry.country
    if country is None:
        return None
    iri = ctx.lexicon.scoping.scoped_iri(label, cls, country)
    found = ctx.registry.lookup(label, cls=cls, fuzzy=False, scope=country)
    if found is not None:
        iri = found.iri
    else:
        iri = ctx.registry.resolve(label, cls, iri=iri, rule=METHOD, country=country).iri
    ctx.registry.use(iri)
    ctx.mention(iri, unit.blocks, "pattern:described-instrument")
    ctx.fact(iri, CTIP.country, country, unit.blocks, METHOD)
    return iri


_PARTY = (r"(?:the\s+)?[A-Z][\w'’.-]*"
          r"(?:(?:\s+|\s+d['’]|\s+de\s+|\s+of\s+the\s+|\s+of\s+)[A-Z][\w'’.-]*){0,3}")


def _bilateral(ctx: Context, unit: Unit, folded: str) -> None:
    """ "The cooperation agreement between Mali and Guinea in the fight against child
    trafficking signed in 2005 in Conakry": an agreement labelled with the document's words,
    its two parties (``ctip:party``, and ``ctip:country`` for a State) and its signature."""
    spec = ctx.lexicon.section("agreements")
    kinds, nouns = _alt(spec.get("kinds", [])), _alt(spec.get("nouns", []))
    if not kinds or not nouns:
        return
    pattern = re.compile(
        rf"(?<!\w)(?:{kinds})\s+(?:{nouns})\s+between\s+(?P<a>{_PARTY})\s+and\s+"
        rf"(?P<b>{_PARTY})(?P<aim>\s+(?:in\s+the\s+fight\s+against|to\s+combat|against|on)"
        r"\s[^,.;()]*?)?(?=\s+(?:signed|adopted|concluded)\b|\s*[,.;(]|\s*$)")
    for m in pattern.finditer(unit.text):
        parties = [_party(ctx, unit.text[m.start(g):m.end(g)], unit) for g in ("a", "b")]
        if None in parties or parties[0] == parties[1]:
            continue
        words = " ".join(unit.text[m.start():m.end()].split())
        iri = bilateral_agreement(ctx, [p for p in parties if p is not None],
                                  words[:1].upper() + words[1:])
        ctx.mention(iri, unit.blocks, "pattern:described-instrument")
        for party in parties:
            assert party is not None
            ctx.fact(iri, CTIP.party, party, unit.blocks, METHOD)
            if ctx.is_a(party, "Country"):
                ctx.fact(iri, CTIP.country, party, unit.blocks, METHOD)
        _addresses(ctx, iri, m.group("aim") or "", unit)
        _signed(ctx, unit, iri, [p for p in parties if p is not None], m.end())


def _signed(ctx: Context, unit: Unit, iri: URIRef, parties: list[URIRef], pos: int) -> None:
    """ "… signed in 2004 in Ouagadougou", "…, signed on July 27, 2005, in Abidjan": the
    agreement's status, and its signing as a resource of its own (extract.signings: parties,
    date or year, place) — the date of a signature is not the agreement's start."""
    signed = _alt(ctx.lexicon.section("agreements").get("signed", []))
    m = re.match(rf"\s*,?\s*(?:which\s+was\s+|was\s+)?(?:{signed})\b", fold(unit.text[pos:]))
    if m is None:
        return
    end = pos + m.end()
    stop = re.search(r"[.;](?:\s|$)", unit.text[end:])
    clause_end = end + stop.start() if stop else len(unit.text)
    ctx.fact(iri, CTIP.legalStatus, CTIPC["legal-status/signed"], unit.blocks, METHOD)
    when = when_where(ctx, unit, (0, 0), end, max(clause_end, end))
    signing(ctx, iri, parties, when, unit.blocks, "pattern:bilateral-agreement")


def _party(ctx: Context, name: str, unit: Unit) -> URIRef | None:
    """A party of an agreement: a known actor or country, else a State the text names."""
    name = re.sub(r"^the\s+", "", " ".join(name.split()))
    found = ctx.registry.lookup(name, fuzzy=False)
    if found is not None:
        return ctx.registry.use(found.iri) if ctx.is_a(
            found.iri, "Country", *ACTOR_CLASSES) else None
    if ctx.lexicon.scoping.country_word(name) is not None:
        return ctx.lexicon.scoping.country_word(name)
    iri, label, _ = resolve_country(ctx.lexicon, name)
    return ctx.registry.use(ctx.registry.resolve(label, "Country", iri=iri,
                                                 rule="pattern:agreement-party").iri)


def _word(spec: dict) -> str:
    """One word of a description before an instrument's noun (not one of `not_describing`)."""
    stop = _alt(spec.get("not_describing", []))
    return rf"(?:(?!(?:{stop})\s)[a-z][\w-]*\s+)" if stop else r"(?:[a-z][\w-]*\s+)"


def _drafts(ctx: Context, unit: Unit, folded: str, spec: dict) -> None:
    nouns = _alt(list(_nouns(spec)))
    lead = _alt(spec.get("draft", []))
    word = _word(spec)

    def one(n: int) -> str:
        return rf"(?:an?|the)\s+(?P<desc{n}>{word}{{0,4}}?)(?P<noun{n}>{nouns})\b"

    pattern = re.compile(rf"(?<!\w)(?:{lead})\s+{one(1)}(?:\s*,?\s+and\s+{one(2)})?")
    for m in pattern.finditer(folded):
        for n in (1, 2):
            if not m.group(f"noun{n}"):
                continue
            desc = " ".join(unit.text[m.start(f"desc{n}"):m.end(f"desc{n}")].split())
            noun = unit.text[m.start(f"noun{n}"):m.end(f"noun{n}")]
            if noun[0].isupper():  # "drafted the Child Protection Bill": a name's status
                _named_draft(ctx, unit, m.start(f"desc{n}"), m.end(f"noun{n}"))
                continue
            if not desc:
                continue
            label = f"draft {desc} {noun}"
            iri = _entity(ctx, label, _class(spec, fold(noun), fold(desc)), unit)
            if iri is not None:
                ctx.fact(iri, CTIP.legalStatus, CTIPC["legal-status/draft"], unit.blocks, METHOD)
                _addresses(ctx, iri, desc, unit)


def _named_draft(ctx: Context, unit: Unit, start: int, end: int) -> None:
    """The draft status of the instrument a capitalized phrase names, when discovery found it
    ("drafted the Child Protection Bill"; lower-case words before it describe it)."""
    words = unit.text[start:end].split()
    while words and not words[0][:1].isupper():
        words.pop(0)
    found = ctx.registry.lookup(" ".join(words), fuzzy=False)
    if found is not None and ctx.is_a(found.iri, "Law", "Regulation", "Policy"):
        ctx.fact(found.iri, CTIP.legalStatus, CTIPC["legal-status/draft"], unit.blocks, METHOD)


def _enacted(ctx: Context, unit: Unit, folded: str, spec: dict) -> None:
    nouns = _alt(list(_nouns(spec)))
    verbs = _alt(spec.get("enacted", []))
    purpose = _alt(spec.get("purpose", []))
    pattern = re.compile(
        rf"(?<!\w)(?:{verbs})\s+(?:an?|the)\s+(?:new\s+)?(?P<desc>{_word(spec)}{{0,2}}?)"
        rf"(?P<noun>{nouns})\b(?P<rest>[^.;]*)")
    for m in pattern.finditer(folded):
        rest = m.group("rest")
        if unit.text[m.start("noun")].isupper():
            continue  # "promulgated a new Penal Code": a name, found by discovery
        if re.match(r"\s+(?:no\.?|n°|number)?\s*\d", rest):
            continue  # "adopted Law No. 2012-023": a numbered law, found by its number
        year = re.match(r"\s+in\s+((?:19|20)\d\d)\b", rest)
        aim = re.search(rf"(?<!\w)(?P<aim>(?:{purpose})\s[^,;()]*)", rest)
        if aim is not None and _in_a_name(unit.text, m.start("rest") + aim.start()):
            aim = None  # "… ratify the UNCRC Optional Protocol on the Sale of Children"
        if aim is None and year is None:
            continue  # "adopted a law": nothing says which
        desc = " ".join(unit.text[m.start("desc"):m.end("desc")].split())
        noun = unit.text[m.start("noun"):m.end("noun")]
        label = " ".join(x for x in (desc, noun) if x)
        if year:
            label += f" ({year.group(1)})"
        if aim is not None:
            start = m.start("rest") + aim.start("aim")
            said = re.split(r"\s+(?:rather|but|which|while|although|and the)\b",
                            unit.text[start:start + len(aim.group("aim"))])[0]
            words = said.split()
            label += " " + " ".join(words[:12])
        iri = _entity(ctx, label, _class(spec, fold(noun), fold(desc)), unit)
        if iri is None:
            continue
        ctx.fact(iri, CTIP.legalStatus, CTIPC["legal-status/adopted"], unit.blocks, METHOD)
        if year:
            ctx.fact(iri, CTIP.startYear, gyear(year.group(1)), unit.blocks, METHOD)
        _addresses(ctx, iri, aim.group("aim") if aim else "", unit)


def _in_a_name(text: str, pos: int) -> bool:
    """Whether the word at `pos` follows a capitalized word: "on" in "the UNCRC Optional
    Protocol on the Sale of Children" is a name's, not what a law does."""
    before = text[:pos].split()
    return bool(before) and before[-1][:1].isupper()


def _plans(ctx: Context, unit: Unit, folded: str, spec: dict) -> None:
    heads = _alt(spec.get("plans", []))
    verbs = _alt(spec.get("enacted", []))
    pattern = re.compile(
        rf"(?<!\w)(?:{verbs})\s+(?:an?|the|its)\s+(?:[\w-]+\s+){{0,2}}?(?P<head>{heads})\s*"
        r"\((?P<y1>(?:19|20)\d\d)\s*[-–]\s*(?P<y2>(?:19|20)\d\d)\)\s+"
        r"(?P<aim>(?:to combat|to fight|against|to eliminate|on)\s[a-z\s-]+?)"
        r"(?=\s*(?:[,.;(]|and\b|$))")
    for m in pattern.finditer(folded):
        head = " ".join(unit.text[m.start("head"):m.end("head")].split())
        aim = " ".join(unit.text[m.start("aim"):m.end("aim")].split())
        label = f"{head} {aim}"
        iri = _entity(ctx, label, "Policy", unit)
        if iri is None:
            continue
        ctx.fact(iri, CTIP.startYear, gyear(m.group("y1")), unit.blocks, METHOD)
        ctx.fact(iri, CTIP.endYear, gyear(m.group("y2")), unit.blocks, METHOD)
        _addresses(ctx, iri, aim, unit)


def _addresses(ctx: Context, iri: URIRef, words: str, unit: Unit) -> None:
    for _, concept in ctx.lexicon.concepts_in("exploitation", words):
        ctx.fact(iri, CTIP.addresses, concept, unit.blocks, METHOD)


def entity_countries(ctx: Context) -> None:
    """The country of every entity found in the document and scoped to a country (a generic
    name, an institution), claimed where the document first names it."""
    firsts: dict[URIRef, object] = {}
    for mention in ctx.mentions:
        if mention.iri not in firsts or mention.passage.start < firsts[mention.iri].start:
            firsts[mention.iri] = mention.passage
    for iri, entity in sorted(ctx.registry.found.items()):
        if entity.country is None or iri not in firsts or entity.cls in ("Country", "Region"):
            continue
        ctx.fact(iri, CTIP.country, entity.country, [firsts[iri]], "discovery:country")


__all__ = ["Literal", "described", "entity_countries"]
