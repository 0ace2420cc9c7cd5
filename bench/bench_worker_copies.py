"""How much of an in-memory store a query worker copies: `ctipgraph serve` (in memory, one
worker) is started on the project's store, and each worker's resident and private dirty memory
(/proc/PID/smaps_rollup) is printed after a trivial query and after two scans of every quad.

A worker is forked and shares the store's pages with the server; Oxigraph's in-memory store
writes to what it reads (reference counts, locks), so the pages a query reads become private
copies. The anonymous resident size, which `--worker-memory` samples during a query, does not
show them; the private dirty size does (a worker reads it now and then and retires past half
its limit; here the limit is off, so the copies stay).

Usage: .venv/bin/python bench/bench_worker_copies.py   (Linux; exit 0)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_sparql import Client, process_family  # noqa: E402

from _ctipserver import Server  # noqa: E402

SCAN = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def memory(root: int) -> dict[int, tuple[int, int]]:
    """(resident MB, private dirty MB) of `root` and each of its descendants."""
    out = {}
    for pid in process_family(root):
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        kb = {line.split(":")[0]: int(line.split()[1]) for line in text.splitlines()[1:]
              if line.endswith("kB")}
        out[pid] = (kb.get("Rss", 0) // 1024, kb.get("Private_Dirty", 0) // 1024)
    return out


def main() -> int:
    server = Server("--in-memory", "--workers", "1", "--worker-memory", "0", "-q", timeout=900)
    try:
        client = Client(server.url)
        client.sparql("ASK {}")
        time.sleep(1)
        print("after ASK {}: pid → (resident MB, private dirty MB)", memory(server.pid))
        for run in (1, 2):
            started = time.perf_counter()
            status, _ = client.sparql(SCAN)
            took = (time.perf_counter() - started) * 1000
            print(f"after scan {run} ({status}, {took:.0f} ms):", memory(server.pid))
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
