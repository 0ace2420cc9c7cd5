"""Agreement signings: an n-ary fact with its own IRI (``id:signing/{agreement}``, one per
agreement), typed ``ctip:AgreementSigning``: the agreement (``ctip:signedAgreement``), its
signatories (``ctip:signatory``, an actor or a country), the date (``ctip:date``) or year
(``ctip:year``) and the place (``prov:atLocation``), each a claim quoting the sentence.

Read from "The cooperation agreement between Mali and Guinea … signed in 2005 in Conakry"
(``prose.agreements``), "On July 1, 2013, the Government of Mali and the UN signed a protocol
agreement … (Protocol)", "an Inter-Ministerial Circular (Circular) was signed on …", "A
UN-signed protocol agreement …" and "…, signed on July 27, 2005, in Abidjan"
(``relations.UnitReader``). Cue words: patterns.toml [agreements] signed, signed_suffix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import PROV

from ..namespaces import CTIP
from ..read.model import Block
from .context import PLACE_CLASSES, Context, gyear, xdate
from .units import Unit
from .values import dates

METHOD = "pattern:agreement-signing"


@dataclass(frozen=True)
class When:
    """The date, year and place a signing clause states."""

    date: str | None = None
    year: int | None = None
    place: URIRef | None = None


def when_where(ctx: Context, unit: Unit, opening: tuple[int, int], cue_end: int,
               clause_end: int, object_end: int | None = None) -> When:
    """ "signed on July 27, 2005, in Abidjan", "signed in 2004 in Dakar", "On July 1, 2013, …
    signed", "In February 2013, … was signed"."""
    tail = unit.text[cue_end:min(clause_end, cue_end + 60)]
    head = unit.text[opening[0]:opening[1]]
    date, year = None, None
    found = dates(tail)
    if found and found[0][1] <= 4:
        date = found[0][0]
    else:
        lead = dates(head)
        if lead:
            date = lead[0][0]
    if date:
        year = int(date[:4])
    else:
        m = re.match(r"\s*(?:on\s+|in\s+)?(\d{4})\b", tail) or re.search(
            r"\b(?:in|on|during)\s+(?:[A-Z][a-z]+\s+)?(\d{4})\b", head)
        year = int(m.group(1)) if m else None
    starts = [cue_end] + ([object_end] if object_end and object_end > cue_end else [])
    place = next((x for x in unit.mentions for at in starts
                  if at <= x.start <= min(clause_end, at + 60)
                  and ctx.is_a(x.iri, *PLACE_CLASSES)
                  and re.search(r"\bin\s+$", unit.text[max(0, x.start - 4):x.start])), None)
    return When(date, year, place.iri if place is not None else None)


def signing(ctx: Context, agreement: URIRef, signatories: Sequence[URIRef], when: When,
            passages: Sequence[Block], method: str = METHOD) -> URIRef:
    """The signing of an agreement, with what the passages say of it."""
    iri = ctx.nary("signing", str(agreement).rsplit("/", 1)[-1])
    ctx.typed(iri, CTIP.AgreementSigning)
    ctx.fact(iri, CTIP.signedAgreement, agreement, passages, method)
    for party in dict.fromkeys(signatories):
        if party != agreement:
            ctx.fact(iri, CTIP.signatory, party, passages, method)
    if when.date:
        ctx.fact(iri, CTIP.date, xdate(when.date), passages, method)
    if when.year:
        ctx.fact(iri, CTIP.year, gyear(when.year), passages, method)
    if when.place is not None:
        ctx.fact(iri, PROV.atLocation, when.place, passages, method)
    return iri
