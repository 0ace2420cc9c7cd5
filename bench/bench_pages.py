"""Benchmark resource-page render time over the built corpus (in-process, Flask test client).

Usage: .venv/bin/python bench/bench_pages.py [--sample 300]

Renders the /id/ page of a random sample of resources and of every entity, and prints the median,
90th percentile and slowest page (hub pages such as the country collect the most relations).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from ctipgraph.paths import LEXICON_DIR, ONTOLOGY, TTL_DIR
from ctipgraph.serve.app import create_app
from ctipgraph.store import GraphStore

ID = "https://w3id.org/ctipgraph/id/"
ENTITY_KINDS = ("/org/", "/law/", "/program/", "/place/", "/policy/", "/agreement/")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=300)
    args = parser.parse_args()
    files = [*sorted(TTL_DIR.glob("*.ttl")), ONTOLOGY, *sorted(LEXICON_DIR.glob("*.ttl"))]
    store = GraphStore.from_files([(Path(f), None) for f in files])
    store.union_default = True
    client = create_app(store, {"QUERY_WORKERS": 0}).test_client()
    query = f"""SELECT DISTINCT ?s WHERE {{ ?s ?p ?o
        FILTER(STRSTARTS(STR(?s), "{ID}") && !CONTAINS(STR(?s), "#")) }}"""
    iris = sorted({row["s"].value for row in store.query(query)})
    random.seed(1)
    groups = {
        "random resources": random.sample(iris, min(args.sample, len(iris))),
        "entities": [i for i in iris if any(kind in i for kind in ENTITY_KINDS)],
    }
    print(f"{'pages':<18} {'n':>5} {'median ms':>10} {'p90 ms':>8} {'max ms':>8}  slowest")
    for name, group in groups.items():
        timings = []
        for iri in group:
            started = time.perf_counter()
            response = client.get("/id/" + iri[len(ID):])
            timings.append(((time.perf_counter() - started) * 1000, iri))
            assert response.status_code == 200, iri
        values = sorted(t for t, _ in timings)
        slowest = max(timings)[1][len(ID):]
        print(f"{name:<18} {len(values):>5} {statistics.median(values):>10.1f} "
              f"{values[int(len(values) * 0.9)]:>8.1f} {values[-1]:>8.1f}  {slowest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
