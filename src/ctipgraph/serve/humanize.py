"""Values and names for people: numbers, amounts, dates and year ranges as a reader writes them
("USD 13,000,000", "2010–2017", "20 August 2003"), and titles for the resources the data names
only by their parts (a funding, an assessment, an observation, a signing): "European Union →
GLO.ACT: USD 13,000,000 (2017)". The raw value stays in the data and on the page (a title
attribute, the RDF twin); nothing here changes what is stored.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

XSD = "http://www.w3.org/2001/XMLSchema#"
CTIP = "https://w3id.org/ctipgraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_NUMERIC = {XSD + t for t in ("decimal", "integer", "int", "long", "short", "double", "float",
                             "nonNegativeInteger", "positiveInteger")}
_CURRENCY_SIGNS = {"USD": "USD", "EUR": "EUR", "XOF": "XOF (CFA francs)"}


def format_number(value: str | int | float | Decimal) -> str:
    """'13000000' → '13,000,000'; '1234.50' → '1,234.5'; anything that is not a number as is."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    text = f"{number:,f}".rstrip("0").rstrip(".")
    return text


def format_amount(amount: str | None, currency: str | None = None) -> str:
    """'USD 13,000,000' (the currency code first, as the reports' tables write it)."""
    if amount is None or amount == "":
        return ""
    number = format_number(amount)
    return f"{currency} {number}" if currency else number


def year_range(start: str | int | None, end: str | int | None) -> str:
    """'2010–2017', '2010' when both are the same year, 'from 2010', 'until 2017', ''."""
    start = str(start).strip() if start not in (None, "") else ""
    end = str(end).strip() if end not in (None, "") else ""
    if start and end:
        return start if start == end else f"{start}–{end}"
    if start:
        return f"from {start}"
    if end:
        return f"until {end}"
    return ""


def years(values: Iterable[str | int]) -> str:
    """Years as runs: 2013, 2014, 2015, 2018 → '2013–2015, 2018'."""
    numbers = sorted({int(v) for v in values if str(v).strip().lstrip("-").isdigit()})
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def format_date(value: str) -> str:
    """'2003-08-20' → '20 August 2003'; '2022-09' → 'September 2022'; other text as is."""
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?:Z|[+-]\d{2}:\d{2})?", value.strip())
    if not match:
        return value
    year, month, day = match.groups()
    if not 1 <= int(month) <= 12:
        return value
    if day is None:
        return f"{MONTHS[int(month) - 1]} {year}"
    return f"{int(day)} {MONTHS[int(month) - 1]} {year}"


def display_literal(value: str, datatype: str | None) -> str | None:
    """How a typed literal reads for people, or None when it reads as it is written."""
    if not datatype:
        return None
    if datatype in _NUMERIC:
        shown = format_number(value)
    elif datatype in (XSD + "date", XSD + "gYearMonth"):
        shown = format_date(value)
    elif datatype == XSD + "dateTime":
        shown = format_date(value[:10]) + (" " + value[11:16] if len(value) >= 16 else "")
    elif datatype == XSD + "boolean":
        shown = {"true": "yes", "1": "yes", "false": "no", "0": "no"}.get(value.strip(), value)
    else:
        return None
    return shown if shown != value else None


# -- titles of resources named by their parts ------------------------------------------------------

#: the classes whose instances get a composed title, with the properties the title reads
TITLED = {
    CTIP + "Funding", CTIP + "MatchingFunding", CTIP + "TierPlacement",
    CTIP + "AdvancementAssessment", CTIP + "LegalStandardAssessment", CTIP + "Observation",
    CTIP + "EnforcementFigure", CTIP + "AgreementSigning", CTIP + "Recommendation",
    CTIP + "Reference", CTIP + "Claim", CTIP + "InTextCitation",
}
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_PROPS = ("funder", "fundedItem", "amount", "currency", "fiscalYear", "startYear", "endYear",
          "year", "country", "tier", "advancementLevel", "standard",
          "meetsInternationalStandards", "indicator", "value", "unit", "booleanValue",
          "valueUnknown", "valueNotApplicable", "resultOf", "form", "signedAgreement", "date",
          "text", "yearsSuggested", "referenceText", "referenceKey", "referenceNumber",
          "markerText", "denotes", "inDocument")
#: properties outside ctip: the title reads (local name → IRI)
_OTHER_PROPS = {"subject": RDF + "subject", "predicate": RDF + "predicate",
                "object": RDF + "object"}


def _one(values: dict[str, list[str]], name: str) -> str:
    found = values.get(name) or []
    return sorted(found)[0] if found else ""


def compose_title(types: set[str], values: dict[str, list[str]],
                  name: Callable[[str], str]) -> str | None:
    """A title from a resource's types and values (`values`: local property name → lexical
    forms or IRIs; `name`: the label of an IRI)."""
    def named(prop: str) -> str:
        return " + ".join(sorted(name(v) for v in values.get(prop, []))) if values.get(prop) \
            else ""

    year = _one(values, "year")
    span = year_range(_one(values, "startYear"), _one(values, "endYear"))
    if CTIP + "Funding" in types or CTIP + "MatchingFunding" in types:
        funder = named("funder") or ("Matching funds" if CTIP + "MatchingFunding" in types
                                     else "(funder not stated)")
        item = named("fundedItem") or "an unnamed program"
        amount = format_amount(_one(values, "amount"), _one(values, "currency"))
        when = _one(values, "fiscalYear") or span or year
        title = f"{funder} → {item}"
        if amount:
            title += f": {amount}"
        return title + (f" ({when})" if when else "")
    country = named("country")
    if CTIP + "TierPlacement" in types:
        tier = named("tier") or "tier placement"
        return f"{country or 'Tier placement'}: {tier}" + (f" ({year})" if year else "")
    if CTIP + "AdvancementAssessment" in types:
        levels = sorted((name(v) for v in values.get("advancementLevel", [])), key=len)
        level = levels[0] if levels else "advancement"
        return f"{country or 'Advancement'}: {level}" + (f" ({year})" if year else "")
    if CTIP + "LegalStandardAssessment" in types:
        standard = _one(values, "standard") or "legal standard"
        meets = _one(values, "meetsInternationalStandards")
        verdict = {"true": "meets international standards",
                   "false": "does not meet international standards"}.get(meets, "")
        title = f"{country + ' ' if country else ''}{year + ' ' if year else ''}— {standard}"
        title = title.removeprefix("— ")
        return title + (f": {verdict}" if verdict else "")
    if CTIP + "EnforcementFigure" in types or CTIP + "Observation" in types:
        subject = country or named("resultOf")
        indicator = named("indicator") or "observation"
        form = named("form")
        if _one(values, "value"):
            value = format_number(_one(values, "value"))
            unit = _one(values, "unit")
            shown = f"{value} {unit}".strip()
        elif _one(values, "booleanValue"):
            shown = {"true": "yes", "false": "no"}.get(_one(values, "booleanValue"),
                                                      _one(values, "booleanValue"))
        elif _one(values, "valueUnknown") == "true":
            shown = "unknown"
        elif _one(values, "valueNotApplicable") == "true":
            shown = "not applicable"
        else:
            shown = ""
        when = year or span
        head = f"{subject}: " if subject else ""
        title = f"{head}{indicator}{f' ({form})' if form else ''}"
        if when:
            title += f", {when}"
        return title + (f": {shown}" if shown else "")
    if CTIP + "AgreementSigning" in types:
        agreement = named("signedAgreement") or "an agreement"
        when = format_date(_one(values, "date")) if _one(values, "date") else year
        return f"Signing of {agreement}" + (f" ({when})" if when else "")
    if CTIP + "Claim" in types:
        if not (values.get("subject") and values.get("predicate") and values.get("object")):
            return None
        obj = _one(values, "object")
        shown = name(obj) if obj.startswith("http") else (format_number(obj)
                                                           if re.fullmatch(r"-?\d+(\.\d+)?", obj)
                                                           else obj)
        return (f"Claim: {named('subject')} — {named('predicate')} → "
                f"{shown if len(shown) <= 80 else shown[:80] + '…'}")
    if CTIP + "InTextCitation" in types:
        marker = _one(values, "markerText")
        target = named("denotes")
        doc = named("inDocument")
        title = f"Citation {marker}" if marker else "Citation"
        if target:
            title += f" of {target[:100] + '…' if len(target) > 100 else target}"
        return title + (f" in {doc}" if doc else "")
    if CTIP + "Reference" in types:
        text = " ".join(_one(values, "referenceText").split())
        key = _one(values, "referenceKey") or _one(values, "referenceNumber")
        if len(text) > 160:
            text = text[:160].rsplit(" ", 1)[0] + "…"
        if text:
            return f"[{key}] {text}" if key and key not in text else text
        return f"Reference {key}" if key else None
    if CTIP + "Recommendation" in types:
        text = _one(values, "text")
        if not text:
            return None
        suggested = years(values.get("yearsSuggested", []))
        return text + (f" (suggested {suggested})" if suggested else "")
    return None


def compose_titles(store, iris: Iterable[str], labels: Callable[[Iterable[str]], dict[str, str]]
                   ) -> dict[str, str]:
    """Composed titles of those `iris` that are instances of a TITLED class (`labels`: looks up
    the labels of the IRIs a title names)."""
    from .labels import ID

    wanted = sorted({i for i in iris
                     if i.startswith(ID) and not any(c in i for c in '<> "{}|\\^`')})
    if not wanted:
        return {}
    types: dict[str, set[str]] = defaultdict(set)
    values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    classes = ", ".join(f"<{c}>" for c in sorted(TITLED))
    props = ", ".join([*(f"<{CTIP}{p}>" for p in _PROPS),
                       *(f"<{iri}>" for iri in _OTHER_PROPS.values())])
    local_of = {iri: local for local, iri in _OTHER_PROPS.items()}
    for start in range(0, len(wanted), 300):
        chunk = " ".join(f"<{i}>" for i in wanted[start:start + 300])
        for row in store.query(f"""
                SELECT ?x ?t ?p ?v WHERE {{
                  VALUES ?x {{ {chunk} }}
                  ?x <{RDF_TYPE}> ?t FILTER(?t IN ({classes}))
                  OPTIONAL {{ ?x ?p ?v FILTER(?p IN ({props})) }}
                }}"""):
            # (classes and properties as FILTERs: a VALUES of them lets the engine start from
            # them and scan every typed resource of the store per chunk)
            x = row["x"].value
            types[x].add(row["t"].value)
            if row["p"] is not None:
                local = local_of.get(row["p"].value) or row["p"].value[len(CTIP):]
                if row["v"].value not in values[x][local]:
                    values[x][local].append(row["v"].value)
    named = {v for x in types for p, vs in values[x].items() for v in vs
             if p in ("funder", "fundedItem", "country", "tier", "advancementLevel",
                      "indicator", "resultOf", "form", "signedAgreement", "subject",
                      "predicate", "denotes", "inDocument")
             or (p == "object" and v.startswith("http"))}
    names = labels(named) if named else {}

    def name(iri: str) -> str:
        if iri in names:
            return names[iri]
        if "/id/doc/" in iri:  # a part of a document: 'sentence 4', 'table 2 · row 3'
            parts = iri.split("/id/doc/", 1)[1].split("#", 1)[0].split("/")[1:]
            if parts:
                return " · ".join(" ".join(parts[i:i + 2]) for i in range(0, len(parts), 2))
        return iri.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")

    out = {}
    for x in types:
        title = compose_title(types[x], values[x], name)
        if title:
            out[x] = title
    return out
