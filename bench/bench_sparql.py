"""Benchmark the SPARQL endpoint against pyoxigraph in-process.

For the project data (data/ttl/, else tests/fixtures/mini.ttl) and for a synthetic graph of about
a million triples shaped like ours (the test fixture — documents, passages with selectors,
claims, citations, entities, fundings — repeated with renamed documents, programs, fundings and
observations, organizations drawn from a shared pool, places and concepts kept), this measures:

- the median latency of every competency query (queries/*.rq) run in-process (query and JSON
  serialization) and over HTTP (`ctipgraph serve`, keep-alive connection), and their ratio;
  over HTTP also as a new text each time (a comment appended: what a researcher's edited query
  is to the server, which remembers the policy's verdict on a text it has seen);
- the time to render a resource page (/id/…) when the browse view is installed;
- requests per second with 8 concurrent clients over the competency queries;
- the peak memory (VmHWM) of the server process and of its query workers;
- the time to build the store (load + OWL RL rules), for the synthetic graph.

Usage: .venv/bin/python bench/bench_sparql.py [--triples 1000000] [--runs 15] [--ttl-dir DIR]
       [--skip-synthetic] [--work DIR] [--only 02 07 …]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from _ctipserver import Server  # noqa: E402
from ctipgraph.paths import QUERIES_DIR, TTL_DIR  # noqa: E402
from ctipgraph.store import GraphStore  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "mini.ttl"
JSON = ox.QueryResultsFormat.JSON
ORG_POOL = 40


# -- data -------------------------------------------------------------------------------------


def synthetic_ttl(target: Path, triples: int) -> int:
    """Write copies of the fixture into `target` (one file, i.e. one graph, per copy)."""
    text = FIXTURE.read_text(encoding="utf-8")
    per_copy = len(list(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TURTLE)))
    copies = max(1, round(triples / per_copy))
    renamed = re.compile(r"<(doc|program|funding|observation|assessment|recommendation|law)/"
                         r"([a-z0-9-]+)")
    orgs = re.compile(r"<org/([a-z0-9-]+)")
    target.mkdir(parents=True, exist_ok=True)
    for n in range(copies):
        copy = renamed.sub(lambda m, n=n: f"<{m.group(1)}/{m.group(2)}-c{n}", text)
        if n % ORG_POOL:  # organizations: a pool of ORG_POOL variants shared across copies
            copy = orgs.sub(lambda m, n=n: f"<org/{m.group(1)}-v{n % ORG_POOL}", copy)
        (target / f"synthetic-{n:04d}.ttl").write_text(copy, encoding="utf-8")
    return copies


def project_ttl(work: Path, ttl_dir: Path | None) -> Path:
    source = ttl_dir or TTL_DIR
    if any(source.glob("*.ttl")):
        return source
    fallback = work / "mini-ttl"
    fallback.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE, fallback / "mini.ttl")
    return fallback


# -- measuring --------------------------------------------------------------------------------


ONLY: list[str] = []  # --only: run just the queries whose name contains one of these


def competency_queries() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(QUERIES_DIR.glob("*.rq"))
            if not ONLY or any(part in p.stem for part in ONLY)}


def median_ms(fn, runs: int, budget_s: float = 20.0) -> tuple[float, int]:
    """(median wall time in ms, number of runs) of calls to `fn`, after one warm-up call.

    A call slower than 5 s is measured once (the warm-up is the measurement); fewer runs (at
    least 3) are made when they exceed `budget_s` together.
    """
    started = time.perf_counter()
    fn()
    first = time.perf_counter() - started
    if first > 5.0:
        return first * 1000, 1
    times: list[float] = []
    spent = 0.0
    while len(times) < runs and (len(times) < 3 or spent < budget_s):
        started = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - started
        spent += elapsed
        times.append(elapsed * 1000)
    return statistics.median(times), len(times)


class Client:
    """One keep-alive HTTP connection."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=400)

    def get(self, path: str, accept: str = "application/sparql-results+json") -> tuple[int, int]:
        for attempt in (1, 2):
            try:
                self.conn.request("GET", path, headers={"Accept": accept})
                response = self.conn.getresponse()
                body = response.read()
                return response.status, len(body)
            except (http.client.RemoteDisconnected, ConnectionError):
                # the server closes keep-alive connections idle for 2 minutes: reconnect
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def sparql(self, query: str) -> tuple[int, int]:
        return self.get("/sparql?" + urllib.parse.urlencode({"query": query}))


def process_family(root: int) -> list[int]:
    """`root` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    family, todo = [], [root]
    while todo:
        pid = todo.pop()
        family.append(pid)
        todo.extend(children.get(pid, []))
    return family


def process_tree_hwm(pid: int) -> tuple[int, int, int]:
    """(VmHWM of pid, summed VmHWM of its descendants, number of descendants), in kB."""

    def hwm(p: int) -> int:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    descendants = process_family(pid)[1:]
    return hwm(pid), sum(hwm(p) for p in descendants), len(descendants)


def process_tree_pss(pid: int) -> int:
    """The proportional set size (kB) of `pid` and its descendants, summed: the memory they
    use together, each page shared by n of them counted 1/n in each (summed VmHWM counts a
    forked worker's shared copy of an in-memory store once per worker)."""
    total = 0
    for p in process_family(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            pass
    return total


def requests_per_second(url: str, queries: list[str], clients: int = 8,
                        seconds: float = 5.0) -> float:
    done = [0] * clients
    stop = time.monotonic() + seconds

    def work(i: int) -> None:
        client = Client(url)
        n = 0
        while time.monotonic() < stop:
            status, _ = client.sparql(queries[(i + n) % len(queries)])
            if status == 200:
                done[i] += 1
            n += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.monotonic() - started)


def bench(label: str, ttl_dir: Path, store_dir: Path, runs: int) -> dict:
    print(f"\n## {label}: {ttl_dir}", flush=True)
    started = time.perf_counter()
    store = GraphStore.open_project(ttl_dir, store_dir, progress=lambda s: print("  " + s))
    build_s = time.perf_counter() - started
    print(f"  store: {len(store)} quads, {len(store.graphs())} graphs, opened/built in "
          f"{build_s:.1f} s", flush=True)
    queries = competency_queries()
    server = Server("--ttl-dir", str(ttl_dir), "--store-dir", str(store_dir), "--threads", "8",
                    "--timeout", "300", "--max-rows", "10000000", "-q")
    rows = []
    fast = []
    texts = itertools.count()
    try:
        client = Client(server.url)
        for name, query in queries.items():
            status, _ = client.sparql(query)  # also warms the server's caches
            if status != 200:
                print(f"  {name:38} HTTP status {status} (time limit 300 s?)", flush=True)
                continue
            remote, runs_http = median_ms(lambda query=query: client.sparql(query), runs)
            fresh, _ = median_ms(lambda query=query: client.sparql(
                f"{query}\n# a new text: {next(texts)}\n"), runs)

            def in_process(query=query):
                return store.query(query).serialize(format=JSON)

            local, runs_local = median_ms(in_process, runs)
            n_rows = len(list(store.query(query))) if local < 5000 else -1
            rows.append((name, n_rows, local, remote, fresh))
            if remote < 1000:
                fast.append(query)
            print(f"  {name:38} rows {n_rows:7}  in-process {local:9.2f} ms  HTTP "
                  f"{remote:9.2f} ms  ratio {remote / local:5.2f}  (runs {runs_local}/"
                  f"{runs_http}); a new text each time {fresh:9.2f} ms", flush=True)
        page = None
        status, _ = client.get("/id/place/mali", accept="text/html")
        if status == 200:
            page, _ = median_ms(lambda: client.get("/id/place/mali", accept="text/html"), runs)
            print(f"  resource page /id/place/mali: {page:.1f} ms")
        else:
            print(f"  resource page /id/place/mali: not available ({status})")
        rps = requests_per_second(server.url, fast, seconds=10)
        print(f"  8 concurrent clients, the {len(fast)} competency queries under 1 s in turn: "
              f"{rps:.1f} requests/s")
        light = [query for name, query in queries.items() if name.startswith("07-")]
        light.append("ASK { ?s ?p ?o }")
        rps_light = requests_per_second(server.url, light)
        print(f"  8 concurrent clients, light queries (07, ASK): {rps_light:.0f} requests/s")
        main_kb, workers_kb, n_workers = process_tree_hwm(server.pid)
        print(f"  peak memory (VmHWM): server {main_kb / 1024:.0f} MB; {n_workers} worker "
              f"processes {workers_kb / 1024:.0f} MB summed (shared pages counted in each)")
    finally:
        server.stop()
    return {"label": label, "quads": len(store), "build_s": build_s, "queries": rows,
            "page_ms": page, "rps": rps, "rps_light": rps_light, "fast": len(fast),
            "server_mb": main_kb / 1024, "workers_mb": workers_kb / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--ttl-dir", type=Path, default=None)
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--work", type=Path, default=None,
                        help="Keep the generated data and stores here (reused when present).")
    parser.add_argument("--only", nargs="*", default=[],
                        help="Only the competency queries whose file name contains one of these")
    args = parser.parse_args()
    ONLY.extend(args.only)
    results = []
    with tempfile.TemporaryDirectory(prefix="ctipgraph-bench-") as tmp:
        work = args.work or Path(tmp)
        results.append(bench("project data", project_ttl(work, args.ttl_dir),
                             work / "project-store", args.runs))
        if not args.skip_synthetic:
            started = time.perf_counter()
            if not any((work / "synthetic-ttl").glob("*.ttl")):
                copies = synthetic_ttl(work / "synthetic-ttl", args.triples)
                print(f"\nsynthetic graph: {copies} copies of the fixture written in "
                      f"{time.perf_counter() - started:.1f} s")
            results.append(bench("synthetic", work / "synthetic-ttl", work / "synthetic-store",
                                 args.runs))
    print("\n| data | quads | query | rows | in-process ms | HTTP ms | ratio | HTTP ms, a new "
          "text | ratio |")  # rows -1: n/a
    print("|---|---|---|---|---|---|---|---|---|")
    for result in results:
        for name, n_rows, local, remote, fresh in result["queries"]:
            print(f"| {result['label']} | {result['quads']} | {name} | {n_rows} | "
                  f"{local:.2f} | {remote:.2f} | {remote / local:.2f} | {fresh:.2f} | "
                  f"{fresh / local:.2f} |")
    print("\n| data | build s | page ms | req/s (queries < 1 s) | req/s (light) | server MB | "
          "workers MB |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        page = f"{r['page_ms']:.1f}" if r["page_ms"] is not None else "n/a"
        print(f"| {r['label']} | {r['build_s']:.1f} | {page} | {r['rps']:.1f} | "
              f"{r['rps_light']:.0f} | {r['server_mb']:.0f} | {r['workers_mb']:.0f} |")
    worst = max(remote / local for r in results for _n, _r, local, remote, _f in r["queries"])
    print(f"\nworst HTTP/in-process ratio: {worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
