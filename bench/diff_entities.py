"""The entities two builds of the same reports disagree on: gone, new, or with another class or
label (to review a change to discovery, the lexicon or the cue words on reports nobody read).

Usage: .venv/bin/python bench/diff_entities.py OLD_TTL_DIR NEW_TTL_DIR [--json]

Reads every `*.ttl` of each folder (one document each, as `ctipgraph build` writes them) and
compares the named entities (bodies, groups, programs, policies, laws and agreements: the IRIs
under id/org, id/program, id/policy, id/law and id/agreement) by IRI, each with its classes and
labels over the folder. Prints one line per difference ("-" gone, "+" new, "~" changed) and the
counts. Exit 0; 2 on a folder that is missing or holds no Turtle.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pyoxigraph as ox

ID = "https://w3id.org/ctipgraph/id/"
KINDS = ("org/", "program/", "policy/", "law/", "agreement/")
CTIP = "https://w3id.org/ctipgraph/ontology#"
QUERY = f"""SELECT ?e ?class ?label WHERE {{
    ?e a ?class . OPTIONAL {{ ?e <http://www.w3.org/2000/01/rdf-schema#label> ?label }}
    FILTER(STRSTARTS(STR(?class), "{CTIP}")
           && ({" || ".join(f'STRSTARTS(STR(?e), "{ID}{k}")' for k in KINDS)})
           && !CONTAINS(STR(?e), "#"))
}}"""

Entities = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]


def entities(folder: Path) -> Entities:
    """IRI (after id/) -> (classes, labels), over every document of a build folder."""
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"{folder}: no *.ttl files")
    found: dict[str, tuple[set[str], set[str]]] = {}
    for path in files:
        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        for row in store.query(QUERY):
            classes, labels = found.setdefault(row["e"].value[len(ID):], (set(), set()))
            classes.add(row["class"].value[len(CTIP):])
            if row["label"] is not None:
                labels.add(row["label"].value)
    return {iri: (tuple(sorted(c)), tuple(sorted(labels))) for iri, (c, labels) in found.items()}


def differences(old: Entities, new: Entities) -> list[tuple[str, str, object, object]]:
    """(sign, IRI, old, new) for each entity the two builds disagree on, by IRI."""
    out = []
    for iri in sorted(old.keys() | new.keys()):
        before, after = old.get(iri), new.get(iri)
        if before != after:
            sign = "-" if after is None else "+" if before is None else "~"
            out.append((sign, iri, before, after))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    try:
        old, new = entities(args.old), entities(args.new)
    except (OSError, SyntaxError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    diff = differences(old, new)
    if args.json:
        print(json.dumps([{"change": s, "iri": i, "old": o, "new": n} for s, i, o, n in diff],
                         ensure_ascii=False, indent=1))
        return 0
    for sign, iri, before, after in diff:
        shown = after if after is not None else before
        print(f"{sign} {iri}  {'/'.join(shown[0])}  {' | '.join(shown[1])}"
              + (f"  (was {'/'.join(before[0])}  {' | '.join(before[1])})"
                 if sign == "~" else ""))
    counts = {s: sum(1 for d in diff if d[0] == s) for s in "-+~"}
    print(f"{len(old)} entities -> {len(new)}: {counts['-']} gone, {counts['+']} new, "
          f"{counts['~']} changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
