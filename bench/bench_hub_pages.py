"""Hub pages, this working tree against an earlier commit, in one process (issue 13).

Opens a built project store read-only in memory (its dataset.nq and patches: nothing is built or
written), picks the resource pages bench_scale.py times (the 20 IRIs most referred to, and
`--random` typed resources, seed 13), renders each with the page code of this tree and with that
of `--against` (the modules named by `--modules`, read with `git show`, loaded beside the
current ones) through the Flask test client, alternating old and new `--rounds` times (the
machine is shared: ratios measured side by side), and prints:
- how many pages differ in their HTML (and which), for the hubs, their ?page=2 and the random
  pages;
- per group, the median and p95 over pages of each page's median time, old and new, and their
  ratio; and each of the `--show` slowest hubs.

Usage: .venv/bin/python bench/bench_hub_pages.py --store /tmp/incr/b1000/store
       [--against 3bdb8ba] [--rounds 5] [--random 50] [--modules describe labels]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ctipgraph.serve import browse  # noqa: E402
from ctipgraph.serve import describe as current  # noqa: E402
from ctipgraph.serve.app import create_app  # noqa: E402
from ctipgraph.store import GraphStore  # noqa: E402
from ctipgraph.store.update import load_dataset  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench_scale import page_resources  # noqa: E402

ID = "https://w3id.org/ctipgraph/id/"
PACKAGE = "ctipgraph.serve"


def stats(times_ms: list[float]) -> tuple[float, float]:
    """(median, p95) in ms, as bench_scale.py computes them."""
    ordered = sorted(times_ms)
    return statistics.median(ordered), ordered[min(len(ordered) - 1,
                                                   int(round(0.95 * (len(ordered) - 1))))]


def old_modules(commit: str, names: list[str], folder: Path) -> ModuleType:
    """The describe module of `commit`, importing the other `names` of that commit (each loaded
    as ctipgraph.serve.<name>_old); the current modules are left as they are."""
    loaded: dict[str, ModuleType] = {}
    for name in [n for n in names if n != "describe"] + ["describe"]:
        text = subprocess.run(["git", "-C", str(ROOT), "show",
                               f"{commit}:src/ctipgraph/serve/{name}.py"],
                              capture_output=True, text=True, check=True).stdout
        for other in names:
            text = text.replace(f"from .{other} import", f"from .{other}_old import")
        path = folder / f"{name}_old.py"
        path.write_text(text, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(f"{PACKAGE}.{name}_old", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        loaded[name] = module
    return loaded["describe"]


def pages(store: GraphStore, n_random: int) -> dict[str, list[str]]:
    """The paths of the hub and concept pages (as bench_scale.py picks them), the hubs' page 2
    and a sample."""
    hubs, concepts, sample = page_resources(store, n_random)

    def path(iri: str) -> str:
        return "/id/" + urllib.parse.quote(iri[len(ID):], safe="/")

    return {"hub pages (20 largest)": [path(i) for i in hubs],
            "hub pages, ?page=2": [path(i) + "?page=2" for i in hubs],
            "concept pages (5 largest)": [path(i) for i in concepts],
            f"random resource pages ({len(sample)})": [path(i) for i in sample]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True,
                        help="a built project store folder (dataset.nq …), read only")
    parser.add_argument("--against", default="HEAD", help="the commit to compare with")
    parser.add_argument("--modules", nargs="+", default=["describe", "labels"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--random", type=int, default=50)
    parser.add_argument("--show", type=int, default=6)
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/bench-hub-pages"))
    parser.add_argument("--differences", type=Path,
                        help="a folder to write both versions of each page that differs to")
    args = parser.parse_args()
    if not (args.store / "dataset.nq").is_file():
        print(f"{args.store}: no dataset.nq (not a built project store)", file=sys.stderr)
        return 2
    args.scratch.mkdir(parents=True, exist_ok=True)
    old = old_modules(args.against, args.modules, args.scratch)
    started = time.perf_counter()
    store = GraphStore(load_dataset(args.store), location=args.store)
    print(f"store: {len(store)} quads, loaded in {time.perf_counter() - started:.0f} s",
          flush=True)
    groups = pages(store, args.random)
    client = create_app(store, {"QUERY_WORKERS": 0}).test_client()
    versions = {f"old ({args.against})": old, "new (tree)": current}

    def render(module: ModuleType, path: str) -> tuple[float, int, bytes]:
        browse.ResourceView = module.ResourceView
        began = time.perf_counter()
        response = client.get(path)
        return (time.perf_counter() - began) * 1000, response.status_code, response.data

    every = [p for paths in groups.values() for p in paths]
    differ = 0
    for path in every:  # warm-up (each app's caches) and the HTML compared
        answers = {name: render(module, path)[1:] for name, module in versions.items()}
        if len(set(answers.values())) > 1:
            differ += 1
            print(f"  differs: {path}")
            if args.differences:
                args.differences.mkdir(parents=True, exist_ok=True)
                stem = path.strip("/").replace("/", "_").replace("?", "_")
                for answer, side in zip(answers.values(), ("old", "new"), strict=True):
                    (args.differences / f"{stem}.{side}.html").write_bytes(answer[1])
    print(f"HTML: {len(every)} pages compared, {differ} differ", flush=True)
    times: dict[str, dict[str, list[float]]] = {name: {p: [] for p in every}
                                                for name in versions}
    for round_ in range(args.rounds):
        order = list(versions.items())[::1 if round_ % 2 == 0 else -1]
        for path in every:
            for name, module in order:
                times[name][path].append(render(module, path)[0])
    print(f"{'pages':38} {'version':16} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    for group, paths in groups.items():
        figures = {}
        for name in versions:
            figures[name] = stats([statistics.median(times[name][p]) for p in paths])
            worst = max(statistics.median(times[name][p]) for p in paths)
            print(f"{group:38} {name:16} {figures[name][0]:10.1f} {figures[name][1]:8.1f} "
                  f"{worst:8.1f}")
        (old_median, old_p95), (new_median, new_p95) = figures.values()
        print(f"{'':38} {'new/old':16} {new_median / old_median:10.2f} "
              f"{new_p95 / old_p95:8.2f}")
    slowest = sorted(groups["hub pages (20 largest)"],
                     key=lambda p: -statistics.median(times[f"old ({args.against})"][p]))
    for path in slowest[:args.show]:
        old_ms, new_ms = (statistics.median(times[name][path]) for name in versions)
        print(f"  {path:60} old {old_ms:7.1f}  new {new_ms:7.1f}  ratio {new_ms / old_ms:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
