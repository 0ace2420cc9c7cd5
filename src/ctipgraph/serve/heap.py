"""The server's long-lived Python objects, kept out of the cyclic garbage collector's reach.

CPython's collector now and then walks every container object it tracks (a full collection). In
a server that has built its caches (the evidence report, the search facets, the ontology…)
those are close to a million objects, and a full collection holds the interpreter for 0.4 s: at
15 M quads one page in ten of a country's took 0.5–0.8 s instead of 0.25 s, the difference being
one such collection. Objects that live as long as the server are moved to the collector's
permanent generation (`gc.freeze`), which full collections skip; so do the objects a forked
worker inherits, which a collection in the worker would otherwise write to (copying their
memory pages).
"""

from __future__ import annotations

import gc


def settle(*, collect: bool = True) -> int:
    """Freeze every object alive now (first collecting what is already garbage, unless
    `collect` is False) and return how many the collector keeps out of its collections."""
    if collect:
        gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
