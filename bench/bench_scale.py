"""The graph at scale (issue 13): a replicated real corpus, timed in-process, over HTTP and on
Virtuoso, side by side in one run.

**Corpus.** The built documents (data/ttl/: the Mali series and seeds; plus `--extra-ttl DIR`,
e.g. the regional reports built with `ctipgraph build --sources …/regional/pdf --out DIR`) are
copied until the corpus holds `--quads` quads. Copy 0 is the corpus itself; copy n renames, in
every IRI, the document (and so its passages, claims, citations and references, which hang under
the document's IRI) and the country-specific resources (activities, observations, laws,
recommendations, assessments, programs, agreements, policies, fundings, signings, people, and
the country's organizations: those whose ctip:country it is or whose IRI names it) with a
suffix `-cN`, and Mali itself as
`place/mali-cN` — one more country's reports. Concepts, other places and organizations (the
international organizations, funders, agencies) are shared by every copy, as they are in a
multi-country corpus. Literals are kept (a copy's text file is the original's: same offsets).

**Timings**, in phases so that at most one copy of the store is in memory at a time:
1. store build (`GraphStore.open_project`: load + merge + OWL RL rules + dumps; the RocksDB
   store only with --on-disk: a store built for memory gets it when first opened on disk, in
   phase 2b, whose progress line times it);
2. in-process: every competency query (queries/*.rq) run and serialized as SPARQL JSON (in
   memory, then on the read-only RocksDB store, unless --skip-disk), each in a
   forked child process that is killed past `--timeout` (Oxigraph cannot interrupt a query),
   after a second of runs that are not measured (`repeat`: the steady state of a long-lived
   process, as a server's query workers are);
3. over HTTP (`ctipgraph serve` started here, keep-alive, on the store it picks by size unless
   `--serve` says which): the same queries (the first request
   of each apart: a worker's first run of a text, which copies the store's pages it writes to,
   and parses it when it may spell SERVICE); the resource pages
   of the 20 largest hubs (most triples pointing at them), of the 5 largest concepts and of
   `--pages` random resources;
   `/trace` of a hub and of one fact; `/evidence`; `/charts`; `/search` (after the server's
   warm-up, which prepares the search index and the evidence report, timed apart);
4. Virtuoso (`--virtuoso`, Debian's virtuoso-opensource 7.2): a fresh database under --work,
   the store's default graph (the merge of the named graphs plus the inferences: what our
   queries read) bulk-loaded (ld_dir/rdf_loader_run) into one graph, the same queries over its
   SPARQL endpoint with that graph as default-graph-uri.

Prints medians, p95, the in-process CPU time (the machine is shared: wall time includes waiting
for a core), rows (so answers can be compared) and the ratios HTTP/in-process and
ctipgraph/Virtuoso (wall times, measured alike). A store served on disk is also opened here
(read-only) and each query run on it in turn with its HTTP request (`side_by_side`): HTTP's own
cost, free of what changed on the machine between phases.

Usage: .venv/bin/python bench/bench_scale.py --quads 10000000 --work /tmp/ctip-scale
       [--extra-ttl /tmp/reg-ttl] [--runs 5] [--pages 200] [--timeout 120] [--virtuoso]
       [--skip-http] [--on-disk] [--serve default|in-memory|on-disk] [--only 02 08 …]
(--on-disk: the store built and queried on disk, for sizes past the machine's memory: 50 M.
--serve: the store `serve` queries in phase 3; by default its own choice, on disk past 4 GiB of
N-Quads as at 10 M quads, so that the pages and memory measured are what a user gets.)
The work folder is reused: the replicated corpus and the built store are kept there.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import shutil
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_sparql import Client, process_tree_hwm, process_tree_pss  # noqa: E402

from _ctipserver import Server  # noqa: E402
from _virtuoso import Virtuoso  # noqa: E402
from ctipgraph.paths import LEXICON_DIR, QUERIES_DIR, TTL_DIR  # noqa: E402
from ctipgraph.store import OXIGRAPH_DIR, GraphStore, dataset_options  # noqa: E402

ID = "https://w3id.org/ctipgraph/id/"
RENAMED_KINDS = ("activity", "observation", "law", "recommendation", "assessment", "program",
                 "agreement", "policy", "funding", "signing", "person")
IRI = re.compile(r"<https://w3id\.org/ctipgraph/id/([a-z-]+)/([^>/]*)")
COUNTRY = "mali"
GENERATOR = "3"  # bump when the copies change
VIRTUOSO_GRAPH = "https://w3id.org/ctipgraph/graph/merged"
JSON = ox.QueryResultsFormat.JSON
#: what `serve` passes to a query without a dataset of its own (the default graph: the merge)
BESIDE_OPTIONS = dataset_options(True)


# -- the corpus ---------------------------------------------------------------------------------


def country_orgs(paths: list[Path]) -> set[str]:
    """The names (after org/) of the organizations whose ctip:country is the country."""
    store = ox.Store()
    for path in paths:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=f"{ID}doc/x/")
    rows = store.query(f"""SELECT DISTINCT ?o WHERE {{
        ?o <https://w3id.org/ctipgraph/ontology#country> <{ID}place/{COUNTRY}>
        FILTER(STRSTARTS(STR(?o), "{ID}org/")) }}""")
    return {row["o"].value[len(ID) + 4:] for row in rows}


def rename(text: str, n: int, orgs: set[str] = frozenset()) -> str:
    """Copy n of one document's Turtle: its own and country-specific IRIs suffixed -cN (`orgs`:
    the country's organizations, as country_orgs gives them)."""

    def iri(m: re.Match) -> str:
        kind, name = m.group(1), m.group(2)
        if (kind == "doc" or kind in RENAMED_KINDS
                or (kind == "org" and (COUNTRY in name or name in orgs))
                or (kind == "place" and name == COUNTRY)):
            return f"<{ID}{kind}/{name}-c{n}"
        return m.group(0)

    return IRI.sub(iri, text)  # (the @base, a doc IRI, too: renamed once)


def count_quads(paths: list[Path]) -> int:
    return sum(sum(1 for _ in ox.parse(path=str(p), format=ox.RdfFormat.TURTLE,
                                       base_iri="https://w3id.org/ctipgraph/id/doc/x/"))
               for p in paths)


def replicate(sources: list[Path], target: Path, quads: int) -> tuple[int, int]:
    """Write copies of the source directories' documents into `target` until about `quads`
    quads; returns (copies, quads per copy). Reuses a complete earlier copy."""
    docs = [p for d in sources for p in sorted(d.glob("*.ttl"))]
    per_copy = count_quads(docs)
    copies = max(1, round(quads / per_copy))
    stamp = target / ".complete"
    if stamp.is_file() and stamp.read_text() == f"{copies} {per_copy} {GENERATOR}":
        return copies, per_copy
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for d in sources:
        for txt in d.glob("*.txt"):
            shutil.copy(txt, target / txt.name)
    orgs = country_orgs([*docs, *sorted(LEXICON_DIR.glob("*.ttl"))])
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in docs]
    for n in range(copies):
        for stem, text in texts:
            name = stem if n == 0 else f"{stem}-c{n}"
            (target / f"{name}.ttl").write_text(text if n == 0 else rename(text, n, orgs),
                                                encoding="utf-8")
    stamp.write_text(f"{copies} {per_copy} {GENERATOR}")
    return copies, per_copy


# -- measuring ----------------------------------------------------------------------------------


def page_resources(store: GraphStore, n_random: int
                   ) -> tuple[list[str], list[str], list[str]]:
    """The resources whose pages are timed: the 20 largest hubs (most triples pointing at
    them; concepts apart), the 5 largest concepts (the forms of exploitation every program,
    law and claim of their kind points at) and `n_random` typed resources drawn with a fixed
    seed."""
    def largest(among: str, n: int) -> list[str]:
        return [row["o"].value for row in store.query(
            f"""SELECT ?o (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(isIRI(?o)
                && STRSTARTS(STR(?o), "{ID}") && {among} && !CONTAINS(STR(?o), "#")) }}
                GROUP BY ?o ORDER BY DESC(?n) LIMIT {n}""")]

    hubs = largest(f'!STRSTARTS(STR(?o), "{ID}concept/")', 20)
    concepts = largest(f'STRSTARTS(STR(?o), "{ID}concept/")', 5)
    typed = sorted({row["s"].value for row in store.query(
        f"""SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), "{ID}")
            && !CONTAINS(STR(?s), "#")) }}""")})  # a hash IRI's page is its document's
    random.seed(13)
    return hubs, concepts, random.sample(typed, min(n_random, len(typed)))


def stats(times_ms: list[float]) -> tuple[float, float]:
    """(median, p95) in ms."""
    ordered = sorted(times_ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


#: runs before the measured ones: at least WARM_UP_S seconds of them (at most WARM_UP_RUNS)
WARM_UP_S = 1.0
WARM_UP_RUNS = 50


def repeat(fn, runs: int, budget_s: float = 30.0) -> list[float]:
    """Wall times (ms) of calls to fn after warming up; a call over 5 s is measured once.

    The warm-up (WARM_UP_S seconds of calls, at least one) is never measured: in a process
    forked from the one that loaded the store, the first runs also pay for copying the pages of
    the store the query writes to as it reads (Oxigraph's reference counts) and the pages of the
    heap the process allocates from: query 12 at 15 M quads took 32 ms, then 6-8 ms for ten runs
    (about 1,100 pages copied each), then 2.8 ms. A server's query workers answer many queries:
    what is timed is that steady state. The HTTP figures give a text's first run apart (the
    first request of each query)."""
    started = time.perf_counter()
    for _ in range(WARM_UP_RUNS):
        fn()
        if time.perf_counter() - started >= WARM_UP_S:
            break
    times: list[float] = []
    while len(times) < runs and (len(times) < 3 or sum(times) < budget_s * 1000):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
        if times[0] > 5000:
            break
    return times


def side_by_side(fns: list, runs: int, budget_s: float = 60.0) -> list[list[float]]:
    """Wall times (ms) of each of `fns`, called in turn (one run of each, then again), after
    a warm-up of each: on a noisy machine two ways of doing the same thing are compared within
    the same seconds, not in phases minutes apart."""
    for fn in fns:
        repeat(fn, 0)
    times: list[list[float]] = [[] for _ in fns]
    started = time.perf_counter()
    while len(times[0]) < runs and (len(times[0]) < 3 or time.perf_counter() - started < budget_s):
        for fn, got in zip(fns, times, strict=True):
            begun = time.perf_counter()
            fn()
            got.append((time.perf_counter() - begun) * 1000)
        if times[0][0] > 5000:
            break
    return times


def competency_queries(only: list[str]) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(QUERIES_DIR.glob("*.rq"))
            if not only or any(part in p.stem for part in only)}


def _child(store: GraphStore, query: str, runs: int, conn) -> None:
    cpu: list[float] = []

    def once() -> None:
        started = time.process_time()
        store.query(query).serialize(format=JSON)
        cpu.append((time.process_time() - started) * 1000)

    times = repeat(once, runs)
    rows = len(list(store.query(query)))
    conn.send((times, rows, statistics.median(cpu[-len(times):])))
    conn.close()


def in_process(store: GraphStore, query: str, runs: int, timeout: float):
    """(times ms, rows) in a forked child, or None past `timeout` (the child is killed)."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(store, query, runs, child))
    proc.start()
    child.close()
    got = parent.recv() if parent.poll(timeout) else None
    if proc.is_alive():
        proc.kill()
    proc.join()
    return got


def sparql_rows(body: bytes) -> int:
    data = json.loads(body)
    return len(data["results"]["bindings"]) if "results" in data else 1


class Timed:
    """An HTTP client that also returns the body (for row counts)."""

    def __init__(self, url: str) -> None:
        self.client = Client(url)

    def get(self, path: str, accept: str = "text/html") -> tuple[int, bytes]:
        conn = self.client.conn
        for attempt in (1, 2):
            try:
                conn.request("GET", path, headers={"Accept": accept})
                response = conn.getresponse()
                return response.status, response.read()
            except (ConnectionError, OSError):
                conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


# -- the run ------------------------------------------------------------------------------------


def fmt_ms(value: float | None) -> str:
    return "—" if value is None else (f"{value:.0f}" if value >= 100 else f"{value:.1f}")


def in_child(phase):
    """`phase()` run in a forked child process; its (picklable) result."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)

    def run() -> None:
        child.send(phase())

    proc = ctx.Process(target=run)
    proc.start()
    child.close()
    try:
        result = parent.recv()
    except EOFError:
        raise SystemExit(f"the phase in process {proc.pid} died (exit {proc.exitcode})") from None
    proc.join()
    return result


def _wait_for_warm_up(server: Server, timeout: float) -> str:
    """Wait until `serve` says its warm-up is over; its lines about it, or why it stopped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = [line.strip() for line in server.lines if line.startswith("warm-up:")]
        if any("garbage collection" in line for line in lines):  # its last line
            return "; ".join(lines)
        time.sleep(0.5)
    return f"not over after {timeout:.0f} s"


def main() -> int:  # noqa: C901 (one run, phase after phase)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quads", type=int, default=10_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/ctip-scale"))
    parser.add_argument("--ttl-dir", type=Path, default=TTL_DIR)
    parser.add_argument("--extra-ttl", type=Path, action="append", default=[])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--virtuoso", action="store_true")
    parser.add_argument("--virtuoso-memory-gb", type=float, default=4.0)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-disk", action="store_true",
                        help="do not time the queries on the on-disk store")
    parser.add_argument("--on-disk", action="store_true",
                        help="build and query the store on disk only (past the memory of the "
                             "machine: 50 M quads); the in-process figures are on disk")
    parser.add_argument("--serve", choices=("default", "in-memory", "on-disk"),
                        default="default",
                        help="the store `serve` queries in phase 3: its own choice by size "
                             "(default: on disk past 4 GiB of N-Quads, as at 10 M quads), or "
                             "forced; the HTTP ratio compares it with the same store in process")
    parser.add_argument("--only", nargs="*", default=[])
    args = parser.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    queries = competency_queries(args.only)
    report: dict[str, dict] = {name: {} for name in queries}
    other: list[tuple[str, str, float | None, float | None, str]] = []

    sources = [args.ttl_dir, *[d for d in args.extra_ttl if d.is_dir()]]
    started = time.perf_counter()
    copies, per_copy = replicate(sources, work / "ttl", args.quads)
    print(f"corpus: {', '.join(map(str, sources))}: {per_copy} quads a copy, {copies} copies "
          f"(~{copies * per_copy} quads) in {work / 'ttl'} ({time.perf_counter() - started:.0f} s)",
          flush=True)

    # 1.-2. in a child process: the parent never holds the store (freed memory is not given
    # back to the system, and `serve` needs it in phase 3)
    def in_memory_phase():
        # 1. store build
        store_dir = work / "store"
        started = time.perf_counter()
        stamp = store_dir / "FINGERPRINT"
        before = stamp.read_text() if stamp.is_file() else None
        store = GraphStore.open_project(work / "ttl", store_dir, in_memory=not args.on_disk,
                                        progress=lambda s: print("  " + s, flush=True))
        built = stamp.read_text() != before  # open_project rebuilds when its inputs changed
        opened = time.perf_counter() - started
        quads = len(store)
        default_triples = len(store.store) - quads
        print(f"store: {quads} quads, {default_triples} distinct triples in the default graph, "
              f"{len(store.graphs())} graphs; {'built' if built else 'reused, loaded'} in "
              f"{opened:.0f} s; VmHWM {process_tree_hwm(os.getpid())[0] / 1024 ** 2:.1f} GB",
              flush=True)
        other.append(("store build + load" if built else "store load (reused build)", "",
                      opened * 1000, None, f"{quads} quads"))

        # 2. in-process
        for name, query in queries.items():
            got = in_process(store, query, args.runs, args.timeout)
            if got is None:
                report[name]["local"] = None
                print(f"  {name:38} in-process > {args.timeout:.0f} s", flush=True)
                continue
            times, rows, cpu = got
            report[name]["local"] = stats(times)
            report[name]["cpu"] = cpu
            report[name]["rows"] = rows
            print(f"  {name:38} in-process median {stats(times)[0]:9.1f} ms  p95 "
                  f"{stats(times)[1]:9.1f} ms  CPU {cpu:9.1f} ms  rows {rows}  (runs {len(times)})",
                  flush=True)

        # resources for the pages, and the default graph for Virtuoso
        hubs, concepts, sample = page_resources(store, args.pages)
        fact = next(iter(store.query(
            """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
               PREFIX ctip: <https://w3id.org/ctipgraph/ontology#>
               SELECT ?s ?p ?o WHERE { ?c a ctip:Claim ; rdf:subject ?s ; rdf:predicate ?p ;
               rdf:object ?o FILTER(isIRI(?o)) } LIMIT 1""")), None)
        if args.virtuoso:
            load = work / "virtuoso" / "load"
            nt = load / "merged.nt"
            if not nt.is_file():
                load.mkdir(parents=True, exist_ok=True)
                store.store.dump(str(nt) + ".tmp", format=ox.RdfFormat.N_TRIPLES,
                                 from_graph=ox.DefaultGraph())
                os.replace(str(nt) + ".tmp", nt)
        del store

        fact_terms = (fact["s"].value, fact["p"].value, fact["o"].value) if fact else None
        return report, other, hubs, concepts, sample, fact_terms, quads, store_dir

    report, other, hubs, concepts, sample, fact, quads, store_dir = in_child(
        in_memory_phase)

    # 2b. in-process on disk (what `serve` uses past store.IN_MEMORY_MAX_BYTES)
    if not args.skip_disk and not args.on_disk:
        def on_disk_phase():
            # a store built for memory gets its RocksDB store now (timed: the progress line)
            disk = GraphStore.open_project(work / "ttl", store_dir, in_memory=False,
                                           progress=lambda s: print("  " + s, flush=True))
            times = {}
            for name, query in queries.items():
                got = in_process(disk, query, args.runs, args.timeout)
                times[name] = stats(got[0]) if got else None
                print(f"  {name:38} on disk median "
                      f"{f'{stats(got[0])[0]:9.1f} ms' if got else f'> {args.timeout:.0f} s'}",
                      flush=True)
            return times

        for name, median_p95 in in_child(on_disk_phase).items():
            report[name]["disk"] = median_p95

    # 3. HTTP
    served_on_disk = args.on_disk
    if not args.skip_http:
        where = ("--on-disk" if args.on_disk or args.serve == "on-disk" else
                 "--in-memory" if args.serve == "in-memory" else None)
        server = Server("--ttl-dir", str(work / "ttl"), "--store-dir", str(store_dir),
                        *([where] if where else []),
                        "--workers", "2", "--timeout", str(int(args.timeout)),
                        "--max-rows", "10000000", "--max-result-size", "0",
                        "--worker-memory", "0", "--page-timeout", str(int(args.timeout)),
                        "--client-limit", "0", "-q", timeout=1800)
        try:
            # the server prepares the search index, the evidence report and the page caches in
            # a thread at start-up: the time its lines give, and nothing is timed before it is
            # over
            # the store it chose (its first line), so that the HTTP ratio compares like with like
            opened = next((line.strip() for line in server.lines
                           if line.startswith("store ")), "")
            served_on_disk = args.on_disk or "queried on disk" in opened
            other.append(("serve: the store", "", None, None, opened))
            warm = _wait_for_warm_up(server, args.timeout * 10)
            seconds = sum(float(s) for s in re.findall(r"ready in ([\d.]+) s", warm))
            other.append(("serve warm-up (search index, evidence report, page caches)", "",
                          seconds * 1000, None, warm))
            client = Timed(server.url)
            # the same store in this process, for HTTP's cost measured side by side (a store
            # served in memory is not loaded twice: its ratio is against phase 2)
            beside = (ox.Store.read_only(str(store_dir / OXIGRAPH_DIR))
                      if served_on_disk else None)
            for name, query in queries.items():
                path = "/sparql?" + urllib.parse.urlencode({"query": query})
                accept = "application/sparql-results+json"
                # the first request of a text: the worker's first run of it, which copies the
                # pages of the store the query writes to (a text that may spell SERVICE is also
                # parsed by the query policy then: sparqlpolicy.check; the others are screened)
                started = time.perf_counter()
                status, body = client.get(path, accept)
                report[name]["http_first"] = (time.perf_counter() - started) * 1000
                if status != 200:
                    report[name]["http"] = None
                    print(f"  {name:38} HTTP {status}", flush=True)
                    continue
                times = repeat(lambda path=path, accept=accept: client.get(path, accept),
                               args.runs)
                report[name]["http"] = stats(times)
                report[name]["http_rows"] = sparql_rows(body)
                if beside is not None:
                    over_http, in_process_ = side_by_side(
                        [lambda path=path, accept=accept: client.get(path, accept),
                         lambda query=query: beside.query(query, **BESIDE_OPTIONS).serialize(
                             format=JSON)], args.runs)
                    report[name]["side_by_side"] = (statistics.median(over_http),
                                                    statistics.median(in_process_))
                print(f"  {name:38} HTTP median {stats(times)[0]:9.1f} ms  p95 "
                      f"{stats(times)[1]:9.1f} ms  first request "
                      f"{report[name]['http_first']:9.1f} ms", flush=True)

            def pages(label: str, paths: list[str]) -> None:
                times, bad = [], 0
                for path in paths:
                    started = time.perf_counter()
                    status, _ = client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
                    if status != 200:
                        bad += 1
                        if bad <= 3:
                            print(f"    {status} {path}", flush=True)
                median, p95 = stats(times)
                note = f"n={len(paths)}, max {max(times):.0f} ms" + (
                    f", {bad} not 200" if bad else "")
                other.append((label, "", median, p95, note))
                print(f"  {label:38} median {median:9.1f} ms  p95 {p95:9.1f} ms  {note}",
                      flush=True)

            def page_path(iri: str) -> str:
                return "/id/" + urllib.parse.quote(iri[len(ID):], safe="/")

            pages("hub pages (20 largest)", [page_path(i) for i in hubs])
            pages("concept pages (5 largest)", [page_path(i) for i in concepts])
            pages(f"random resource pages ({len(sample)})", [page_path(i) for i in sample])
            pages("/trace?iri= (hub, page 1)", ["/trace?" + urllib.parse.urlencode(
                {"iri": hubs[0]})] * 3)
            if fact:
                s, p, o = fact
                pages("/trace of one fact", ["/trace?" + urllib.parse.urlencode(
                    {"s": s, "p": p, "o": o})] * 5)
            pages("/evidence", ["/evidence"] * 3)
            pages("/charts (Mali)", ["/charts?" + urllib.parse.urlencode(
                {"country": ID + "place/mali"})] * 3)
            pages("class listings (with facets)", [
                "/class/Recommendation", "/class/Program",
                "/class/Recommendation?" + urllib.parse.urlencode(
                    {"doc": ID + "doc/usdol-findings-2017-mali"}),
                "/class/Organization?" + urllib.parse.urlencode({"country": ID + "place/mali"})])
            pages("/search (first)", ["/search?q=child+labor"])
            pages("/search (warm)", ["/search?" + urllib.parse.urlencode({"q": q}) for q in
                                     ("UNICEF", "forced labor", "Ministry of Labor",
                                      "trafficking", "gold mining")] * 2)
            main_kb, workers_kb, n = process_tree_hwm(server.pid)
            other.append(("serve memory (PSS summed; VmHWM)", "", None, None,
                          f"PSS of the server and its {n} workers summed "
                          f"{process_tree_pss(server.pid) / 1024 ** 2:.1f} GB (what they use "
                          f"together); VmHWM: server {main_kb / 1024 ** 2:.1f} GB, workers "
                          f"{workers_kb / 1024 ** 2:.1f} GB summed (shared pages counted in "
                          "each)"))
        finally:
            server.stop()

    # 4. Virtuoso
    if args.virtuoso:
        vwork = work / "virtuoso"
        fresh = not (vwork / "db" / "virtuoso.db").is_file()
        virtuoso = Virtuoso(vwork, args.timeout, args.virtuoso_memory_gb)
        try:
            if fresh or virtuoso.count() == 0:
                started = time.perf_counter()
                virtuoso.bulk_load(VIRTUOSO_GRAPH)
                loaded = time.perf_counter() - started
                other.append(("Virtuoso bulk load", "", loaded * 1000, None,
                              f"{virtuoso.count()} triples"))
                print(f"  Virtuoso bulk load {loaded:.0f} s", flush=True)
            for name, query in queries.items():
                status, body = virtuoso.query(query, args.timeout, VIRTUOSO_GRAPH)
                if status != 200:
                    report[name]["virtuoso"] = None
                    report[name]["virtuoso_error"] = body[:200].decode(errors="replace")
                    print(f"  {name:38} Virtuoso {status}: {body[:200]!r}", flush=True)
                    continue
                times = repeat(lambda q=query: virtuoso.query(q, args.timeout, VIRTUOSO_GRAPH),
                               args.runs)
                report[name]["virtuoso"] = stats(times)
                report[name]["virtuoso_rows"] = sparql_rows(body)
                print(f"  {name:38} Virtuoso median {stats(times)[0]:9.1f} ms  rows "
                      f"{report[name]['virtuoso_rows']}", flush=True)
        finally:
            virtuoso.stop()

    # the table
    print(f"\n## {quads} quads ({copies} copies of {per_copy}); medians and p95 in ms\n")
    # HTTP's cost: against the same store in process (served on disk: the on-disk column)
    base = "disk" if served_on_disk and not args.on_disk else "local"
    print(f"(served {'on disk' if served_on_disk else 'in memory'}: the HTTP ratio is against "
          f"the {'on-disk' if base == 'disk' else 'in-process'} median of phase 2; side by side: "
          "a request and a run on the same store in this process in turn, medians of each)\n")
    print("| query | rows | in-process median | p95 | CPU | on disk median | HTTP median | "
          "HTTP/same store in process | side by side: HTTP / in process | HTTP first request | "
          "Virtuoso median | Virtuoso rows | ctipgraph/Virtuoso |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r in report.items():
        local, http, virt = r.get("local"), r.get("http"), r.get("virtuoso")
        same = r.get(base)
        ratio = f"{http[0] / same[0]:.2f}" if same and http else "—"
        pair = r.get("side_by_side")
        paired = (f"{fmt_ms(pair[0])} / {fmt_ms(pair[1])} = {pair[0] / pair[1]:.2f}"
                  if pair else "—")
        vs = f"{local[0] / virt[0]:.2f}" if local and virt else (
            "Virtuoso failed" if "virtuoso_error" in r else "—")
        print(f"| {name} | {r.get('rows', '—')} | "
              f"{fmt_ms(local[0]) if local else f'> {args.timeout:.0f} s'} | "
              f"{fmt_ms(local[1]) if local else '—'} | {fmt_ms(r.get('cpu'))} | "
              f"{fmt_ms(r['disk'][0]) if r.get('disk') else '—'} | "
              f"{fmt_ms(http[0]) if http else '—'} | "
              f"{ratio} | {paired} | {fmt_ms(r.get('http_first'))} | "
              f"{fmt_ms(virt[0]) if virt else '—'} | {r.get('virtuoso_rows', '—')} | "
              f"{vs} |")
    print("\n| what | | median ms | p95 ms | note |\n|---|---|---|---|---|")
    for label, _, median, p95, note in other:
        print(f"| {label} | | {fmt_ms(median)} | {fmt_ms(p95)} | {note} |")
    for name, r in report.items():
        if "virtuoso_error" in r:
            print(f"Virtuoso {name}: {r['virtuoso_error']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
