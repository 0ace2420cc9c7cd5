"""serve.heap: what is alive when the server has warmed up is kept out of the garbage
collector's collections; what is already garbage is collected, not kept. Run in a child
interpreter: freezing the objects of the test process would keep them for its whole life."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHILD = textwrap.dedent("""
    import gc, weakref
    from ctipgraph.serve import heap

    class Node:
        pass

    cache = {"report": [Node() for _ in range(1000)]}  # alive: a server's cache
    cycle = Node()
    cycle.self = cycle  # garbage only a collection frees
    gone = weakref.ref(cycle)
    del cycle
    gc.disable()  # no collection of its own before settle()
    kept = heap.settle()
    gc.enable()
    tracked = {id(o) for o in gc.get_objects()}
    print(kept >= 1001, gone() is None, id(cache) in tracked,
          any(id(n) in tracked for n in cache["report"]))
    young = [Node()]  # made after: the collector still looks after it
    print(any(o is young for o in gc.get_objects()))
""")


def run_child() -> list[str]:
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout.split()


def test_settle_keeps_what_is_alive_out_of_collections_and_frees_what_is_garbage():
    frozen, garbage_freed, cache_tracked, nodes_tracked, young_tracked = run_child()
    assert frozen == "True"  # the cache's 1,000 nodes and more are set aside
    assert garbage_freed == "True"  # the cycle was collected first, not kept for ever
    assert cache_tracked == "False" and nodes_tracked == "False"
    assert young_tracked == "True"
