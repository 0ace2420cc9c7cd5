"""Score a build's entities against an answer key of named entities (recall per category,
cross-document identity) and check country scoping on another build.

Usage:
  .venv/bin/python bench/score_entities.py [--ttl-dir DIR] [--key FILE] [--misses] [--json]
      [--regional DIR]

--ttl-dir is a build folder (default data/ttl) holding <doc>.ttl and <doc>.txt for every
document of the key (tests/fixtures/entity_key.toml). An entry of the key is found when an
entity of its category is ctip:mentionedIn a passage holding the entry's quote, and that
entity is the one named there: one of its names (label, altLabels, acronyms, in any document
of the build) is printed where the key's name is in the passage, else it is the only entity
of the category mentioned there by no printed name (a description, a pattern). Identity: the
entries of one key id are one IRI (all found, one IRI); [[distinct]] ids are different IRIs.

--regional DIR lists, for a build of other countries' reports, the national entities
(government bodies, laws, regulations, policies) whose ctip:country is not the document's
country and whose label does not name that country: a ministry or code of one country merged
with the same-named one of another.
Exit 0; 2 on an unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ctipgraph.link.lexicon import fold  # noqa: E402

CTIP = "https://w3id.org/ctipgraph/ontology#"
ID = "https://w3id.org/ctipgraph/id/"
OA = "http://www.w3.org/ns/oa#"
KEY = ROOT / "tests" / "fixtures" / "entity_key.toml"

CATEGORIES: dict[str, frozenset[str]] = {
    "organization": frozenset({"Organization", "GovernmentBody", "CoordinatingBody",
                               "NonGovernmentalOrganization", "InternationalOrganization",
                               "ResearchOrganization"}),
    "armed-group": frozenset({"ArmedGroup"}),
    "program": frozenset({"Program", "Policy"}),
    "law": frozenset({"Law", "Regulation", "InternationalAgreement", "LegalInstrument",
                      "Agreement", "DraftLaw"}),
}
NATIONAL = frozenset({"GovernmentBody", "CoordinatingBody", "Law", "Regulation", "Policy",
                      "DraftLaw"})


def norm(text: str) -> str:
    return normalize(text)[0]


def normalize(text: str) -> tuple[str, list[int]]:
    """Folded lower-case text with white space squeezed, and each character's offset."""
    out: list[str] = []
    where: list[int] = []
    space = False
    for i, ch in enumerate(fold(text)):
        if ch.isspace() or ch in "\u00ad":
            space = bool(out)
            continue
        if space:
            out.append(" ")
            where.append(i)
            space = False
        out.append(ch)
        where.append(i)
    return "".join(out), where


@dataclass
class Build:
    """What one document's Turtle says: passages, entities, their names and mentions."""

    text: str
    passages: dict[str, tuple[int, int]] = field(default_factory=dict)
    classes: dict[str, set[str]] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=dict)
    mentions: dict[str, set[str]] = field(default_factory=dict)  # passage → entities
    country: str | None = None
    countries: dict[str, str] = field(default_factory=dict)  # entity → ctip:country
    labels: dict[str, str] = field(default_factory=dict)


def read_doc(ttl: Path) -> Build:
    graph = Graph()
    graph.parse(ttl, format="turtle")
    build = Build(ttl.with_suffix(".txt").read_text("utf-8"))
    for sel in graph.subjects(RDF.type, URIRef(OA + "TextPositionSelector")):
        start = int(graph.value(sel, URIRef(OA + "start")))
        end = int(graph.value(sel, URIRef(OA + "end")))
        build.passages[str(sel).split("#", 1)[0]] = (start, end)
    for s, o in graph.subject_objects(RDF.type):
        if str(s).startswith(ID) and str(o).startswith(CTIP) and "/doc/" not in str(s):
            build.classes.setdefault(str(s), set()).add(str(o)[len(CTIP):])
    for s in build.classes:
        iri = URIRef(s)
        names = {str(x) for p in (RDFS.label, SKOS.altLabel, URIRef(CTIP + "acronym"))
                 for x in graph.objects(iri, p)}
        build.names[s] = names
        label = graph.value(iri, RDFS.label)
        build.labels[s] = str(label) if label is not None else s
        country = graph.value(iri, URIRef(CTIP + "country"))
        if country is not None:
            build.countries[s] = str(country)
    for s, o in graph.subject_objects(URIRef(CTIP + "mentionedIn")):
        build.mentions.setdefault(str(o), set()).add(str(s))
    for doc in graph.subjects(RDF.type, URIRef(CTIP + "SourceDocument")):
        country = graph.value(doc, URIRef(CTIP + "country"))
        build.country = str(country) if country is not None else None
    return build


@dataclass
class Result:
    entry: dict
    iri: str | None
    why: str


def _occurs(name: str, text: str) -> list[tuple[int, int]]:
    norm, _ = normalize(name)
    spans = []
    if len(norm) < 2:
        return spans
    start = text.find(norm)
    while start >= 0:
        before = text[start - 1] if start else " "
        after = text[start + len(norm)] if start + len(norm) < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            spans.append((start, start + len(norm)))
        start = text.find(norm, start + 1)
    return spans


def score_entry(entry: dict, build: Build, all_names: dict[str, set[str]]) -> Result:
    quote, _ = normalize(entry["quote"])
    classes = CATEGORIES[entry["category"]]
    holding = []
    for passage, (start, end) in build.passages.items():
        text, _ = normalize(build.text[start:end])
        if quote in text:
            holding.append((passage, text))
    if not holding:
        return Result(entry, None, "quote in no passage")
    holding.sort(key=lambda p: len(p[1]))
    for passage, text in holding:
        candidates = sorted(e for e in build.mentions.get(passage, set())
                            if build.classes.get(e, set()) & classes)
        at = text.find(quote)
        where = [(s, e) for s, e in _occurs(entry["name"], text)
                 if at <= s < at + len(quote)] or [(at, at + len(quote))]
        best: tuple[int, int, str] | None = None
        longer: tuple[int, int, str] | None = None
        unnamed = []
        for iri in candidates:
            spans = [sp for n in sorted(all_names.get(iri, set()) | build.names.get(iri, set()))
                     for sp in _occurs(n, text)]
            if not spans:
                unnamed.append(iri)
                continue
            # the most of the key's name covered, then the printed name closest to it in length
            # (a much longer printed name around the key's is another entity's unless nothing
            # else is there: "the Police's Brigade …" is the brigade, not the police)
            for s, e in spans:
                for ws, we in where:
                    fit = (min(e, we) - max(s, ws), -abs((e - s) - (we - ws)), iri)
                    if fit[0] <= 0:
                        continue
                    if (e - s) - (we - ws) <= max(12, we - ws):
                        best = fit if best is None or fit[:2] > best[:2] else best
                    else:
                        longer = fit if longer is None or fit[:2] > longer[:2] else longer
        if best is not None:
            return Result(entry, best[2], "named")
        if len(unnamed) == 1:
            return Result(entry, unnamed[0], "unnamed")
        if unnamed:  # several found by no printed name: the one whose label is the key's name
            ranked = sorted(((fuzz.token_set_ratio(norm(entry["name"]), norm(build.labels[i])), i)
                             for i in unnamed), reverse=True)
            if ranked[0][0] >= 80 and ranked[0][0] > ranked[1][0]:
                return Result(entry, ranked[0][1], "unnamed")
        if longer is not None:
            return Result(entry, longer[2], "named")
    if any(build.mentions.get(p) for p, _ in holding):
        return Result(entry, None, "no entity of the category named there")
    return Result(entry, None, "no mention in the passage")


def score(ttl_dir: Path, key: dict) -> dict:
    docs = sorted({e["doc"] for e in key["entity"]})
    builds: dict[str, Build] = {}
    for doc in docs:
        path = ttl_dir / f"{doc}.ttl"
        if not path.exists():
            raise FileNotFoundError(f"{path}: not built")
        builds[doc] = read_doc(path)
    all_names: dict[str, set[str]] = defaultdict(set)
    for build in builds.values():
        for iri, names in build.names.items():
            all_names[iri] |= names
    results = [score_entry(e, builds[e["doc"]], all_names) for e in key["entity"]]
    per: dict[str, list[int]] = {c: [0, 0] for c in CATEGORIES}
    for r in results:
        per[r.entry["category"]][1] += 1
        per[r.entry["category"]][0] += r.iri is not None
    groups: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        groups[r.entry["id"]].append(r)
    identity = {"groups": 0, "same": 0, "cross_groups": 0, "cross_same": 0, "split": []}
    for gid, members in sorted(groups.items()):
        if len(members) < 2:
            continue
        iris = {m.iri for m in members}
        ok = None not in iris and len(iris) == 1
        cross = len({m.entry["doc"] for m in members}) > 1
        identity["groups"] += 1
        identity["same"] += ok
        identity["cross_groups"] += cross
        identity["cross_same"] += ok and cross
        if not ok:
            identity["split"].append(
                f"{gid}: " + ", ".join(f"{m.entry['doc'].split('-')[0]}:{m.entry['name'][:40]!r}"
                                       f"→{_short(m.iri)}" for m in members))
    distinct = []
    for pair in key.get("distinct", []):
        a, b = ({r.iri for r in groups[i] if r.iri} for i in pair["ids"])
        distinct.append({"ids": pair["ids"], "ok": bool(a and b and not a & b)})
    return {
        "recall": {c: {"found": f, "total": t, "percent": round(100 * f / t, 1) if t else None}
                   for c, (f, t) in per.items()},
        "all": {"found": sum(f for f, _ in per.values()),
                "total": sum(t for _, t in per.values())},
        "identity": identity,
        "distinct": distinct,
        "misses": [f"{r.entry['doc']}: [{r.entry['category']}] {r.entry['name']!r} ({r.why})"
                   for r in results if r.iri is None],
    }


def _short(iri: str | None) -> str:
    return iri[len(ID):] if iri and iri.startswith(ID) else str(iri)


def regional(ttl_dir: Path) -> dict:
    """National entities of one country mentioned in another country's report."""
    wrong: Counter[str] = Counter()
    docs_with: set[str] = set()
    total = 0
    shared: dict[str, set[str]] = defaultdict(set)  # generic entity → countries of its reports
    generic_labels: dict[str, str] = {}
    for ttl in sorted(ttl_dir.glob("*.ttl")):
        build = read_doc(ttl)
        total += 1
        if build.country is None:
            continue
        country_word = build.country.rsplit("/", 1)[-1].split("-")[0]
        mentioned = {e for ents in build.mentions.values() for e in ents}
        for iri in mentioned:
            if build.classes.get(iri, set()) & NATIONAL and iri not in build.countries:
                shared[iri].add(build.country)
                generic_labels[iri] = build.labels.get(iri, iri)
        for iri in sorted(mentioned):
            other = build.countries.get(iri)
            if other is None or other == build.country:
                continue
            if not build.classes.get(iri, set()) & NATIONAL:
                continue
            own = other.rsplit("/", 1)[-1].split("-")[0]
            label = build.labels.get(iri, iri).lower()
            if own in label or country_word in label or "u.s." in label or "united states" in label:
                continue
            wrong[f"{_short(iri)} ({_short(other)})"] += 1
            docs_with.add(ttl.stem)
    across = {f"{_short(i)} ({len(c)} countries)": len(c)
              for i, c in sorted(shared.items()) if len(c) > 1
              and not any(w in generic_labels[i].lower() for w in ("government of", "u.s."))}
    return {"documents": total, "documents_with_foreign_generic": len(docs_with),
            "entities": dict(wrong.most_common()),
            "unscoped_shared": dict(sorted(across.items(), key=lambda kv: (-kv[1], kv[0])))}


def render(report: dict) -> str:
    lines = ["recall per category:"]
    for cat, r in report["recall"].items():
        lines.append(f"  {cat:13} {r['found']:3}/{r['total']:3}  {r['percent']}%")
    a = report["all"]
    lines.append(f"  {'all':13} {a['found']:3}/{a['total']:3}  "
                 f"{round(100 * a['found'] / a['total'], 1)}%")
    i = report["identity"]
    lines.append(f"identity: {i['same']}/{i['groups']} groups one IRI "
                 f"({round(100 * i['same'] / max(1, i['groups']), 1)}%); across documents "
                 f"{i['cross_same']}/{i['cross_groups']} "
                 f"({round(100 * i['cross_same'] / max(1, i['cross_groups']), 1)}%)")
    ok = sum(d["ok"] for d in report["distinct"])
    lines.append(f"distinct: {ok}/{len(report['distinct'])} kept apart")
    for d in report["distinct"]:
        if not d["ok"]:
            lines.append(f"  merged or missing: {d['ids']}")
    if report.get("show_misses"):
        lines.append("misses:")
        lines += [f"  {m}" for m in report["misses"]]
        lines.append("identity splits:")
        lines += [f"  {s}" for s in i["split"]]
    if "regional" in report:
        r = report["regional"]
        lines.append(f"regional: {r['documents_with_foreign_generic']}/{r['documents']} documents "
                     "mention another country's generic national entity")
        for name, n in list(r["entities"].items())[:15]:
            lines.append(f"  {n:3}  {name}")
        lines.append(f"regional: {len(r['unscoped_shared'])} national entities without a "
                     "country are shared by reports of several countries")
        for name in list(r["unscoped_shared"])[:15]:
            lines.append(f"       {name}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ttl-dir", type=Path, default=ROOT / "data" / "ttl")
    parser.add_argument("--key", type=Path, default=KEY)
    parser.add_argument("--misses", action="store_true", help="list misses and splits")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--regional", type=Path, help="a build of other countries' reports")
    args = parser.parse_args(argv)
    try:
        key = tomllib.loads(args.key.read_text("utf-8"))
        report = score(args.ttl_dir, key)
        if args.regional:
            report["regional"] = regional(args.regional)
    except (OSError, tomllib.TOMLDecodeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    report["show_misses"] = args.misses
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
