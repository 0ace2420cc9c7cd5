"""A precision check you can rerun: sample claims of each kind for a person to judge, count the
claims per kind, and read judgments back as precision per kind.

Usage:
  .venv/bin/python bench/sample_claims.py --per-kind N --seed S [--ttl-dir DIR]
      [--kinds relations|all|PRED,...] [--reuse JUDGED.toml] [-o OUT.toml]
  .venv/bin/python bench/sample_claims.py --counts [--ttl-dir DIR] [--kinds ...]
  .venv/bin/python bench/sample_claims.py --score JUDGED.toml [--target 0.95]

A claim's *kind* is its predicate and extraction method (``ledBy table:coordinating-bodies``).
``--kinds relations`` (the default) takes the relations between entities (funds, implements,
leads, partners, members, establishes, supports, evaluates, signings, sub-organizations), the
properties of fundings, agreement signings and project results, and the inferred claims;
``all`` takes every claim but mentions; a comma-separated list takes those predicates (local
names). Sampling is deterministic: per kind, the claims sorted by IRI, then ``random.Random(S)``.
The sample is a TOML file of ``[[claim]]`` tables (claim IRI, kind, document, subject,
predicate and object with labels, the quote, ``judgment = ""`` and ``note = ""``) to fill with
``correct``, ``wrong`` or ``unsure`` (a note for wrong ones); ``--reuse`` copies the judgment of
a claim already judged (same IRI: same triple, same passages). ``--score`` prints per kind the
judged claims, correct, wrong, unsure and precision (correct / (correct + wrong)); exit status 1
when a kind is below ``--target``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
CTIP = "https://w3id.org/ctipgraph/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
ID = "https://w3id.org/ctipgraph/id/"

#: predicates (local names) of relations between entities
RELATIONS = frozenset({
    "funds", "fundedBy", "funder", "fundedItem", "implements", "implementedBy", "grantee",
    "ledBy", "partnerOf", "memberOf", "establishedBy", "supportedBy", "evaluatedBy",
    "subOrganizationOf", "signatory", "signedAgreement", "resultOf",
})
#: classes whose every property is part of a relation (n-ary facts)
NARY = frozenset({CTIP + "Funding", CTIP + "MatchingFunding", CTIP + "AgreementSigning"})
JUDGMENTS = ("correct", "wrong", "unsure")


@dataclass
class Claim:
    """One claim with what a person needs to judge it."""

    iri: str
    subject: str
    predicate: str
    object: str
    object_literal: bool
    method: str = ""
    document: str = ""
    inferred: bool = False
    passages: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return f"{local(self.predicate)} {self.method}".strip()


def local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]


class Corpus:
    """The claims, labels, types and quotes of a built folder (one .ttl per document)."""

    def __init__(self, ttl_dir: Path) -> None:
        self.claims: dict[str, Claim] = {}
        self.labels: dict[str, str] = {}
        self.types: dict[str, set[str]] = defaultdict(set)
        self.quotes: dict[str, str] = {}
        self.props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for path in sorted(ttl_dir.glob("*.ttl")):
            self._load(path)

    def _load(self, path: Path) -> None:
        raw: dict[str, dict[str, list[ox.Term]]] = defaultdict(lambda: defaultdict(list))
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            s, p, o = triple.subject, triple.predicate.value, triple.object
            if not isinstance(s, ox.NamedNode):
                continue
            if p in (RDFS + "label", SKOS + "prefLabel") and isinstance(o, ox.Literal):
                self.labels.setdefault(s.value, o.value)
            elif p == RDF + "type" and isinstance(o, ox.NamedNode):
                self.types[s.value].add(o.value)
                if o.value == CTIP + "Claim":
                    raw[s.value]["claim"] = [o]
            elif p == OA + "exact" and s.value.endswith("#quote"):
                self.quotes[s.value[: -len("#quote")]] = o.value
            if "claim" in raw.get(s.value, {}) or p.startswith(RDF) or p.startswith(PROV) \
                    or p.startswith(CTIP):
                raw[s.value][p].append(o)
            if p.startswith(CTIP) and isinstance(o, ox.NamedNode | ox.Literal) \
                    and o.value not in self.props[s.value][p]:
                self.props[s.value][p].append(o.value)
        for iri, values in raw.items():
            if "claim" not in values:
                continue
            obj = values[RDF + "object"][0]
            method = values.get(CTIP + "extractionMethod", [])
            inferred = values.get(CTIP + "inferred", [])
            self.claims[iri] = Claim(
                iri=iri, subject=values[RDF + "subject"][0].value,
                predicate=values[RDF + "predicate"][0].value, object=obj.value,
                object_literal=isinstance(obj, ox.Literal),
                method=method[0].value if method else "",
                document=local(values[CTIP + "inDocument"][0].value),
                inferred=bool(inferred) and inferred[0].value == "true",
                passages=sorted(p.value for p in values.get(PROV + "wasQuotedFrom", [])))

    def label(self, iri: str) -> str:
        """A label for an IRI; an n-ary fact is described by its parts."""
        if iri in self.labels:
            return self.labels[iri]
        types = self.types.get(iri, set())
        props = self.props.get(iri, {})
        if CTIP + "fundedItem" in props:
            items = [self.label(x) for x in dict.fromkeys(props.get(CTIP + "fundedItem", []))]
            funders = [self.label(x) for x in dict.fromkeys(props.get(CTIP + "funder", []))]
            kind = "matching funds" if CTIP + "MatchingFunding" in types else "funding"
            return (f"{kind} of {' / '.join(items) or '?'} by "
                    f"{' / '.join(funders) or '(funder not stated)'}")
        if CTIP + "signedAgreement" in props:
            return f"signing of {self.label(props[CTIP + 'signedAgreement'][0])}"
        if CTIP + "indicator" in props:
            what = self.label(props[CTIP + "indicator"][0])
            of = props.get(CTIP + "resultOf")
            return f"{what} ({self.label(of[0])})" if of else f"{what} ({local(iri)})"
        return local(iri) if iri.startswith(ID) else iri

    def quote(self, claim: Claim) -> str:
        return " […] ".join(self.quotes.get(p, f"<{p}>") for p in claim.passages)

    def is_relation(self, claim: Claim) -> bool:
        if claim.inferred or local(claim.predicate) in RELATIONS:
            return True
        types = self.types.get(claim.subject, set())
        return bool(types & NARY) or CTIP + "resultOf" in self.props.get(claim.subject, {})


def select(corpus: Corpus, kinds: str) -> dict[str, list[Claim]]:
    """The claims of the chosen kinds, by kind, each list sorted by claim IRI."""
    wanted = None if kinds in ("relations", "all") else set(kinds.split(","))
    by_kind: dict[str, list[Claim]] = defaultdict(list)
    for claim in corpus.claims.values():
        name = local(claim.predicate)
        if name == "mentionedIn":
            continue
        if kinds == "relations" and not corpus.is_relation(claim):
            continue
        if wanted is not None and name not in wanted:
            continue
        by_kind[claim.kind].append(claim)
    return {k: sorted(v, key=lambda c: c.iri) for k, v in sorted(by_kind.items())}


def sample(by_kind: dict[str, list[Claim]], per_kind: int, seed: int) -> list[Claim]:
    picked = []
    for kind, claims in by_kind.items():
        rng = random.Random(f"{seed}:{kind}")
        picked += claims if len(claims) <= per_kind else rng.sample(claims, per_kind)
    return picked


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(str(value), ensure_ascii=False)


def write_sample(corpus: Corpus, claims: list[Claim], reuse: dict[str, dict],
                 header: str) -> str:
    lines = [f"# {line}" if line else "#" for line in header.splitlines()] + [""]
    for claim in claims:
        old = reuse.get(claim.iri, {})
        obj_label = claim.object if claim.object_literal else corpus.label(claim.object)
        rows = {
            "claim": claim.iri, "kind": claim.kind, "document": claim.document,
            "subject": claim.subject, "subject_label": corpus.label(claim.subject),
            "predicate": local(claim.predicate), "object": claim.object,
            "object_label": obj_label, "method": claim.method, "inferred": claim.inferred,
            "quote": corpus.quote(claim),
            "judgment": old.get("judgment", ""), "note": old.get("note", ""),
        }
        lines.append("[[claim]]")
        lines += [f"{k} = {_toml(v)}" for k, v in rows.items()]
        lines.append("")
    return "\n".join(lines)


def score(path: Path, target: float) -> int:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    tally: dict[str, Counter] = defaultdict(Counter)
    for entry in data.get("claim", []):
        judgment = entry.get("judgment", "").strip().lower()
        tally[entry["kind"]][judgment if judgment in JUDGMENTS else "unjudged"] += 1
    print(f"{'kind':58} {'judged':>6} {'correct':>7} {'wrong':>5} {'unsure':>6} {'precision':>9}")
    below = 0
    total: Counter = Counter()
    for kind, counts in sorted(tally.items()):
        total += counts
        decided = counts["correct"] + counts["wrong"]
        precision = counts["correct"] / decided if decided else float("nan")
        flag = ""
        if decided and precision < target:
            below += 1
            flag = "  < target"
        judged = decided + counts["unsure"]
        print(f"{kind[:58]:58} {judged:6d} {counts['correct']:7d} {counts['wrong']:5d} "
              f"{counts['unsure']:6d} {precision:9.1%}{flag}")
    decided = total["correct"] + total["wrong"]
    print(f"{'all':58} {decided + total['unsure']:6d} {total['correct']:7d} {total['wrong']:5d} "
          f"{total['unsure']:6d} {total['correct'] / decided if decided else 0:9.1%}")
    if total["unjudged"]:
        print(f"{total['unjudged']} claim(s) not judged yet")
    return 1 if below else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ttl-dir", type=Path, default=ROOT / "data" / "ttl")
    parser.add_argument("--per-kind", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", default="relations")
    parser.add_argument("--reuse", type=Path, help="a judged file whose judgments carry over")
    parser.add_argument("-o", "--out", type=Path)
    parser.add_argument("--counts", action="store_true", help="claims per kind")
    parser.add_argument("--score", type=Path, help="a judged file: precision per kind")
    parser.add_argument("--target", type=float, default=0.95)
    args = parser.parse_args(argv)
    if args.score:
        return score(args.score, args.target)
    if not args.ttl_dir.is_dir():
        print(f"no such folder: {args.ttl_dir}", file=sys.stderr)
        return 2
    corpus = Corpus(args.ttl_dir)
    by_kind = select(corpus, args.kinds)
    if args.counts:
        for kind, claims in by_kind.items():
            print(f"{len(claims):6d}  {kind}")
        print(f"{sum(len(c) for c in by_kind.values()):6d}  claims in {len(by_kind)} kinds")
        return 0
    if args.per_kind is None:
        parser.error("--per-kind N (or --counts, or --score FILE) is needed")
    reuse = {}
    if args.reuse is not None:
        reuse = {e["claim"]: e for e in tomllib.loads(args.reuse.read_text("utf-8"))["claim"]}
    claims = sample(by_kind, args.per_kind, args.seed)
    header = (f"Claims sampled by bench/sample_claims.py --per-kind {args.per_kind} "
              f"--seed {args.seed} --kinds {args.kinds}\nfrom {args.ttl_dir} "
              f"({len(claims)} claims in {len(by_kind)} kinds). judgment: correct | wrong | "
              "unsure;\na note says why a claim is wrong. Score: bench/sample_claims.py "
              "--score FILE")
    text = write_sample(corpus, claims, reuse, header)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"{len(claims)} claims in {len(by_kind)} kinds written to {args.out}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
