"""Soak test: runaway queries and light requests at once against a real `ctipgraph serve`.

For `--seconds` (default 120): `--runaways` clients (default 16), each from its own loopback
address, keep one runaway query in flight at a time (a cross-product count that never ends, an
ORDER BY over a cross product that grows without bound, a cross product read to the end) — a
stopped one (504, 507) is sent again at once, a refused one (429, 503) after its Retry-After.
Meanwhile `--light` clients (default 8), each from its own address, send light requests — /health,
pages, a search, a short trace, small SPARQL queries — pausing 0.5–1.5 s between them, as
someone browsing does.

Printed at the end: light-request latency (p50, p90, p99, max) and status counts, runaway status
counts, the server's memory sampled every 0.25 s (sum of RSS, and of PSS, over the server and all
its processes: worker factory and query workers) and its /health. Targets: light p99 < 1 s, no
light errors, memory (RSS sum) never above 4 GB.

Usage: .venv/bin/python bench/soak_runaways.py [--seconds 120] [--runaways 16] [--light 8]
       [--data FILE …] [-- SERVE-ARGS…]   (default data: the project store, data/ttl/)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from bench_sparql import process_family  # noqa: E402

from _ctipserver import Server  # noqa: E402

RUNAWAYS = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c } ORDER BY ?o ?c LIMIT 1",
    "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c . ?x ?y ?z } ORDER BY DESC(?z) LIMIT 5",
    "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o . ?o ?q ?r . ?r ?t ?u . ?u ?v ?w }",
]
MALI = "https://w3id.org/ctipgraph/id/place/mali"
PAUSE = (0.5, 1.5)  # seconds between a light client's requests: someone browsing
LIGHT = [
    "/health",
    "/",
    "/id/org/usdol-ilab",
    "/class/GovernmentBody",
    "/search?q=" + quote("child labor"),
    f"/trace?iri={quote(MALI)}&per_page=2",
    "/sparql?" + urlencode({"query": "ASK { ?s a ?t }"}),
    "/sparql?" + urlencode({"query": "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/"
                                     "rdf-schema#label> ?l } LIMIT 10"}),
    "/sparql?" + urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a "
                                     "<https://w3id.org/ctipgraph/ontology#Claim> }"}),
]


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    light: list[float] = field(default_factory=list)
    light_status: Counter = field(default_factory=Counter)
    light_errors: list[str] = field(default_factory=list)
    slow: Counter = field(default_factory=Counter)  # light paths over 1 s
    runaway_status: Counter = field(default_factory=Counter)
    rss: list[int] = field(default_factory=list)
    pss: list[int] = field(default_factory=list)


def request(base: str, path: str, source: str, method: str = "GET", body: bytes | None = None,
            headers: dict | None = None, timeout: float = 120) -> tuple[int, dict, bytes]:
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout,
                                      source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def runaway_client(base: str, source: str, stop: float, results: Results) -> None:
    n = 0
    while time.monotonic() < stop:
        query = RUNAWAYS[n % len(RUNAWAYS)]
        n += 1
        try:
            status, headers, _ = request(base, "/sparql", source, "POST", query.encode(),
                                         {"Content-Type": "application/sparql-query"})
        except OSError as error:
            status, headers = type(error).__name__, {}
            time.sleep(1)
        with results.lock:
            results.runaway_status[status] += 1
        if status in (429, 503):
            time.sleep(min(5.0, float(headers.get("Retry-After", "1"))))


def light_client(base: str, source: str, stop: float, results: Results, seed: int) -> None:
    rng = random.Random(seed)
    paths = LIGHT[:]
    while time.monotonic() < stop:
        path = rng.choice(paths)
        started = time.monotonic()
        try:
            status, _, _ = request(base, path, source, timeout=30)
        except OSError as error:
            status = type(error).__name__
        seconds = time.monotonic() - started
        with results.lock:
            results.light.append(seconds)
            results.light_status[status] += 1
            if status != 200:
                results.light_errors.append(f"{status} {path}")
            if seconds > 1.0:
                results.slow[path] += 1
        time.sleep(rng.uniform(*PAUSE))


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


def sampler(root: int, stop: float, results: Results) -> None:
    while time.monotonic() < stop:
        total_rss = total_pss = 0
        for pid in process_family(root):
            rss, pss = _memory(pid)
            total_rss += rss
            total_pss += pss
        with results.lock:
            results.rss.append(total_rss)
            results.pss.append(total_pss)
        time.sleep(0.25)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--runaways", type=int, default=16)
    parser.add_argument("--light", type=int, default=8)
    parser.add_argument("--data", action="append", default=[])
    parser.add_argument("serve_args", nargs="*", help="more `ctipgraph serve` options")
    args = parser.parse_args()

    serve = [arg for path in args.data for arg in ("--data", path)] + ["-q", *args.serve_args]
    print(f"starting: ctipgraph serve {' '.join(serve)}", flush=True)
    server = Server(*serve, timeout=600)
    results = Results()
    try:
        health = json.loads(request(server.url, "/health", "127.0.0.1")[2])
        print(f"server {server.url}: {health['triples']} triples; query workers "
              f"{health['queries']['workers']}+{health['queries']['express_workers']}, "
              f"sandbox {health['queries']['sandbox']['egress']}", flush=True)
        load_before = os.getloadavg()[0]
        stop = time.monotonic() + args.seconds
        threads = [threading.Thread(target=sampler, args=(server.pid, stop, results))]
        threads += [threading.Thread(target=runaway_client,
                                     args=(server.url, f"127.0.1.{n + 1}", stop, results))
                    for n in range(args.runaways)]
        threads += [threading.Thread(target=light_client,
                                     args=(server.url, f"127.0.2.{n + 1}", stop, results, n))
                    for n in range(args.light)]
        for thread in threads:
            thread.daemon = True
            thread.start()
        while time.monotonic() < stop:
            time.sleep(10)
            with results.lock:
                print(f"  {args.seconds - (stop - time.monotonic()):5.0f} s: "
                      f"{len(results.light)} light (p99 {percentile(results.light, 0.99):.3f} s), "
                      f"runaways {dict(results.runaway_status)}, "
                      f"RSS sum {max(results.rss or [0]) / 2**30:.2f} GB", flush=True)
        for thread in threads:
            thread.join(5)
        final = json.loads(request(server.url, "/health", "127.0.0.1")[2])
    finally:
        server.stop()

    light = results.light
    errors = sum(n for status, n in results.light_status.items() if status != 200)
    print()
    print(f"light requests: {len(light)}; p50 {statistics.median(light):.3f} s, "
          f"p90 {percentile(light, 0.90):.3f} s, p99 {percentile(light, 0.99):.3f} s, "
          f"max {max(light):.3f} s")
    print(f"light statuses: {dict(results.light_status)}; errors: {errors}"
          + (f" ({Counter(results.light_errors).most_common(5)})" if errors else ""))
    if results.slow:
        print(f"light requests over 1 s: {dict(results.slow)}")
    print(f"runaway statuses: {dict(results.runaway_status)}")
    print(f"memory, sum over the server's processes: RSS max {max(results.rss) / 2**30:.2f} GB "
          f"(mean {statistics.mean(results.rss) / 2**30:.2f}); PSS max "
          f"{max(results.pss) / 2**30:.2f} GB ({len(results.rss)} samples)")
    print(f"machine: {os.cpu_count()} CPUs, load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after (other processes compete with the server)")
    print(f"server: {json.dumps(final['queries'])}")
    print(f"limits: {json.dumps(final['limits'])}")
    ok = percentile(light, 0.99) < 1.0 and errors == 0 and max(results.rss) <= 4 * 2**30
    print("targets (light p99 < 1 s, 0 light errors, RSS sum <= 4 GB):",
          "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
