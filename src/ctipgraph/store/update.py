"""Incremental store builds: when only documents were added, changed or removed since the store
was built, update it instead of building it again (README, "Building the graph").

The store folder keeps `MANIFEST.json`: a digest of every input (the ontology, each lexicon file,
each document's Turtle) and of what else makes the store (ctipgraph's version, the store layout,
the rules). `update_store` applies to a copy of the store what changed
(`ctipgraph.store.incremental`:
graphs, merge, inferences) and swaps the copy in:

- `oxigraph/`: the RocksDB store is copied by hard links (`Store.backup`; its files are never
  rewritten), changed by SPARQL updates, and flushed. A store built for memory has none: the
  copy's is written from dataset.nq (`write_rocksdb`, as `ensure_rocksdb` does when such a
  store is first opened on disk);
- `dataset.nq` (what an in-memory store is read from) is linked, not rewritten: each update adds
  a patch (`dataset.patch-NNNN.removed.nq` / `.added.nq`) that `load_dataset` applies in order;
  past MAX_PATCHES they are composed into one, and once they weigh more than PATCH_SHARE of
  dataset.nq, it is written again whole;
- `inferred.ttl` (sorted) gets the subject blocks of the subjects whose inferences changed;
- the search index (`search.sqlite`, when made) gets the rows of the resources whose labels,
  acronyms, quotes or types changed made again;
- the rendered PDF pages (`pages/`) are kept; the dump cache (`dumps/`) is made again from the
  new store when first needed.

A stopped update leaves the previous store in place (the copy is `.store.tmp-<pid>`, removed
at the next start: ctipgraph.swap). When the ontology, the lexicon, the version, the layout or the
rules changed, when no manifest exists, when more than MAX_SHARE of the documents changed, or
when a document carries what the rules read as schema, `update_store` returns False and the
store is built from scratch.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import __version__
from ..namespaces import PREFIXES
from ..swap import clean_start, crash_point, fsync_path, install, locked, temporary
from . import DATASET_FILE, INFERRED_FILE, INFERRED_GRAPH, OXIGRAPH_DIR
from .incremental import DEFAULT, RDF_TYPE, ChangeLog, Changes, NotIncremental, Updater
from .rules import sorted_turtle

MANIFEST_FILE = "MANIFEST.json"
MANIFEST_FORMAT = 1
SEARCH_FILE = "search.sqlite"  # the search index (serve.search_index), when it was made
#: dataset.nq is written again once its patches weigh more than this share of it
PATCH_SHARE = 0.1
#: more patches than this are composed into one
MAX_PATCHES = 8
#: more documents changed than this share of the corpus: a build from scratch is as quick
MAX_SHARE = 0.5
#: folders of a store kept by an update (caches that do not depend on the graph)
KEPT_FOLDERS = ("pages",)
_PATCH = re.compile(r"dataset\.patch-(\d{4,})\.(removed|added)\.nq")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class InputDigests:
    """The SHA-256 of every input of the store, by file name (documents by id)."""

    ontology: tuple[str, str]  # (file name, digest)
    documents: dict[str, str]  # document id (file stem) -> digest
    lexicon: dict[str, str]  # file name -> digest

    @classmethod
    def of(cls, ontology: Path, ttl_dir: Path, lexicon_dir: Path) -> InputDigests:
        return cls((ontology.name, _digest(ontology)),
                   {p.stem: _digest(p) for p in sorted(ttl_dir.glob("*.ttl"))},
                   {p.name: _digest(p) for p in sorted(lexicon_dir.glob("*.ttl"))})

    def fingerprint(self) -> str:
        """One digest of all inputs and ctipgraph's version (what the store is stamped with)."""
        digest = hashlib.sha256(__version__.encode())
        files = [self.ontology, *((f"{d}.ttl", h) for d, h in self.documents.items()),
                 *self.lexicon.items()]
        for name, hexdigest in files:
            digest.update(name.encode())
            digest.update(bytes.fromhex(hexdigest))
        return digest.hexdigest()

    def base(self, stamp: str) -> str:
        """A digest of what besides the documents makes the store: version, ontology, lexicon
        and `stamp` (the layout and rules versions) — an update needs it unchanged."""
        return hashlib.sha256(json.dumps([__version__, self.ontology, self.lexicon, stamp])
                              .encode()).hexdigest()


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def write_manifest(folder: Path, digests: InputDigests, stamp: str, *,
                   inferences: bool, patches: int = 0) -> None:
    """Write MANIFEST.json into a store folder being built (`stamp`: the fingerprint's
    version suffixes; `patches`: how many dataset patches the folder holds)."""
    manifest = {"format": MANIFEST_FORMAT, "base": digests.base(stamp),
                "inferences": inferences, "documents": digests.documents, "patches": patches}
    _write(folder / MANIFEST_FILE, json.dumps(manifest, indent=1, sort_keys=True).encode())


def _read_manifest(location: Path) -> dict | None:
    try:
        manifest = json.loads((location / MANIFEST_FILE).read_text())
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and \
        manifest.get("format") == MANIFEST_FORMAT else None


def document_changes(manifest: dict, digests: InputDigests, ttl_dir: Path) -> Changes:
    """The documents added, changed and removed since the manifest was written."""
    old, new = manifest["documents"], digests.documents
    return Changes(ttl_dir, added=sorted(set(new) - set(old)),
                   changed=sorted(d for d in set(new) & set(old) if new[d] != old[d]),
                   removed=sorted(set(old) - set(new)))


# -- the update -----------------------------------------------------------------------------------


def update_store(ttl_dir: Path, location: Path, digests: InputDigests, fingerprint: str,
                 stamp: str, *, inferences: bool, progress: Progress | None = None) -> bool:
    """Bring the store in `location` up to date with the documents of `ttl_dir` incrementally;
    False (nothing done) when it must be built from scratch instead (see the module doc)."""
    say = progress or (lambda line: None)
    manifest = _read_manifest(location)
    if manifest is None:
        return False
    if not (location / DATASET_FILE).is_file():
        say("store: built on disk (no dataset.nq to patch): building it from scratch")
        return False
    if manifest["base"] != digests.base(stamp) or manifest["inferences"] != inferences:
        say("store: the ontology, the lexicon or ctipgraph changed: building it from scratch")
        return False
    changes = document_changes(manifest, digests, ttl_dir)
    touched = len(changes.added) + len(changes.changed) + len(changes.removed)
    if not changes or touched > MAX_SHARE * max(len(manifest["documents"]), 1):
        return False
    started = time.perf_counter()
    for line in clean_start(location):
        say(line)
    with locked(location):
        new = temporary(location)
        try:
            _update_copy(location, new, changes, digests, stamp, fingerprint,
                         inferences=inferences, progress=say)
        except NotIncremental as why:
            shutil.rmtree(new, ignore_errors=True)
            say(f"store: {why}: building it from scratch")
            return False
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        install(new, location)
    say(f"store: {_plural(len(changes.added), 'document')} added, {len(changes.changed)} "
        f"changed, {len(changes.removed)} removed; updated in "
        f"{time.perf_counter() - started:.1f} s")
    return True


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _update_copy(location: Path, new: Path, changes: Changes, digests: InputDigests,
                 stamp: str, fingerprint: str, *, inferences: bool,
                 progress: Progress) -> None:
    """Write the updated store into the folder `new` (the store in `location` is only read)."""
    new.mkdir()
    if (location / OXIGRAPH_DIR).is_dir():
        ox.Store.read_only(str(location / OXIGRAPH_DIR)).backup(str(new / OXIGRAPH_DIR))
    else:  # a store built for memory: its RocksDB store, first written now
        write_rocksdb(location, new / OXIGRAPH_DIR, progress)
    gc.collect()
    db = ox.Store(str(new / OXIGRAPH_DIR))
    try:
        started = time.perf_counter()
        log = Updater(db, inferences=inferences).run(changes)
        crash_point("store-updating")
        progress(f"store: graphs updated in {time.perf_counter() - started:.1f} s: "
                 f"{_counts(log)}")
        if (location / SEARCH_FILE).is_file():
            _update_search(location, new, db, log, fingerprint, progress)
        started = time.perf_counter()
        if inferences:
            _update_inferred(location / INFERRED_FILE, new / INFERRED_FILE, db, log)
        spliced = time.perf_counter()
        patches = _update_dataset(location, new, db, log)
        patched = time.perf_counter()
        db.flush()
        progress(f"store: {INFERRED_FILE} spliced in {spliced - started:.1f} s, {DATASET_FILE} "
                 f"{'patched' if patches else 'written again'} in {patched - spliced:.1f} s, "
                 f"RocksDB flushed in {time.perf_counter() - patched:.1f} s")
    finally:
        del db
        gc.collect()  # close the RocksDB instance before the folder is swapped in
    for name in KEPT_FOLDERS:
        if (location / name).is_dir():
            shutil.copytree(location / name, new / name, copy_function=os.link)
    write_manifest(new, digests, stamp, inferences=inferences, patches=patches)
    _write(new / "FINGERPRINT", fingerprint.encode())
    fsync_path(new)
    crash_point("store-updated")


def _update_search(location: Path, new: Path, db: ox.Store, log: ChangeLog, fingerprint: str,
                   progress: Progress) -> None:
    """The search index of the new store: the old one with the rows of the resources whose
    labels, acronyms, quotes or types changed made again (serve.search_index.update_index)."""
    from ..serve.search_index import ACRONYM, LABEL_PROPS, OA, update_index
    from . import GraphStore

    started = time.perf_counter()
    listed = {p.encode() for p in (*LABEL_PROPS, ACRONYM, RDF_TYPE, OA + "hasSelector")}
    subjects: set[str] = set()
    selectors: set[str] = set()
    for line in (*log.removed.get(DEFAULT, ()), *log.added.get(DEFAULT, ())):
        end = line.index(b"> ")
        predicate = line[end + 3:line.index(b"> ", end + 2)]
        if predicate in listed:
            subjects.add(line[1:end].decode())
        elif predicate == (OA + "exact").encode():
            selectors.add(line[1:end].decode())
    for selector in selectors:  # a quote is the text of the resource its selector selects
        subjects.update(q.subject.value for q in db.quads_for_pattern(
            None, ox.NamedNode(OA + "hasSelector"), ox.NamedNode(selector), ox.DefaultGraph()))
    shutil.copyfile(location / SEARCH_FILE, new / SEARCH_FILE)
    size = log.count("added", named=True) - log.count("removed", named=True)
    stamps = ((location / "FINGERPRINT").read_text(), fingerprint)
    if update_index(new / SEARCH_FILE, GraphStore(db, on_disk=True), subjects, stamps, size):
        progress(f"store: search index: {len(subjects)} resource(s) indexed again in "
                 f"{time.perf_counter() - started:.1f} s")
    else:  # not the index of that store: made again when first needed
        (new / SEARCH_FILE).unlink()


def _counts(log: ChangeLog) -> str:
    """What changed, in quads: named graphs, the default graph, the inferences."""
    named = {w: log.count(w, named=True) for w in ("removed", "added")}
    merged = {w: log.count(w, named=False) for w in ("removed", "added")}
    inferred = {w: len(getattr(log, w).get(INFERRED_GRAPH.value, ())) for w in named}
    return (f"named graphs -{named['removed']} +{named['added']} quads (of which inferences "
            f"-{inferred['removed']} +{inferred['added']}), default graph -{merged['removed']} "
            f"+{merged['added']} triples")


def _write(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


# -- dataset.nq and its patches -------------------------------------------------------------------


def patch_files(location: Path) -> list[tuple[Path, Path]]:
    """The (removed, added) patch files of a store folder, in the order they apply."""
    found: dict[int, dict[str, Path]] = {}
    for path in location.iterdir():
        match = _PATCH.fullmatch(path.name)
        if match:
            found.setdefault(int(match.group(1)), {})[match.group(2)] = path
    return [(p["removed"], p["added"]) for _, p in sorted(found.items())
            if set(p) == {"removed", "added"}]


def _update_dataset(location: Path, new: Path, db: ox.Store, log: ChangeLog) -> int:
    """dataset.nq of the new store: the old one and its patches linked plus one patch for
    `log`; past MAX_PATCHES the patches composed into one (a triple added then removed is in
    none), past PATCH_SHARE the whole store written again. Returns the number of patches."""
    patch = log.quads("removed"), log.quads("added")
    old = patch_files(location)
    if len(old) >= MAX_PATCHES:
        patch = _compose([*((_lines(r), _lines(a)) for r, a in old), patch])
        old = []
    size = sum(p.stat().st_size for pair in old for p in pair) + \
        sum(len(line) + 1 for lines in patch for line in lines)
    if size > PATCH_SHARE * (location / DATASET_FILE).stat().st_size:
        db.dump(str(new / DATASET_FILE), format=ox.RdfFormat.N_QUADS)
        return 0
    os.link(location / DATASET_FILE, new / DATASET_FILE)
    for pair in old:
        for path in pair:
            os.link(path, new / path.name)
    number = int(old[-1][0].name.split("-")[1].split(".")[0]) + 1 if old else 1
    for kind, lines in zip(("removed", "added"), patch, strict=True):
        _write(new / f"dataset.patch-{number:04d}.{kind}.nq",
               b"".join(line + b"\n" for line in lines))
    return len(old) + 1


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


def _compose(patches: list[tuple[list[bytes], list[bytes]]]) -> tuple[list[bytes], list[bytes]]:
    """One patch (removed, added quads) doing what `patches` do in turn (each its removals,
    then its additions)."""
    removed: set[bytes] = set()
    added: set[bytes] = set()
    for gone, new in patches:
        for quad in gone:
            if quad in added:
                added.discard(quad)
            else:
                removed.add(quad)
        for quad in new:
            if quad in removed:
                removed.discard(quad)
            else:
                added.add(quad)
    return sorted(removed), sorted(added)


def load_dataset(location: Path) -> ox.Store:
    """The store of a project store folder in memory: dataset.nq and its patches."""
    store = ox.Store()
    store.load(path=str(location / DATASET_FILE), format=ox.RdfFormat.N_QUADS)
    apply_patches(store, location)
    return store


def apply_patches(store: ox.Store, location: Path) -> None:
    """Apply to `store`, which holds a store folder's dataset.nq, the folder's patches."""
    for removed, added in patch_files(location):
        for quad in ox.parse(path=str(removed), format=ox.RdfFormat.N_QUADS):
            store.remove(quad)
        store.load(path=str(added), format=ox.RdfFormat.N_QUADS)


# -- the RocksDB store of a store built for memory ------------------------------------------------


def write_rocksdb(location: Path, target: Path, progress: Progress | None = None) -> None:
    """Write into the new folder `target` the RocksDB store of the store folder `location`:
    its dataset.nq and patches (what load_dataset reads), bulk-loaded, then compacted as a
    build compacts it."""
    started = time.perf_counter()
    disk = ox.Store(str(target))
    try:
        disk.bulk_load(path=str(location / DATASET_FILE), format=ox.RdfFormat.N_QUADS)
        apply_patches(disk, location)
        disk.optimize()
        disk.flush()
    finally:
        del disk
        gc.collect()  # close the read-write RocksDB instance before it is opened again
    if progress:
        progress(f"store: RocksDB store written from {DATASET_FILE} in "
                 f"{time.perf_counter() - started:.1f} s (the store was built for memory)")


def ensure_rocksdb(location: Path, progress: Progress | None = None) -> None:
    """Give the store folder `location` its RocksDB store when it has none (built for
    memory): written beside it under the build lock, then renamed into place, so that a
    stopped write leaves no store half-written (its leftovers go at the next attempt)."""
    if (location / OXIGRAPH_DIR).is_dir():
        return
    with locked(location):
        if (location / OXIGRAPH_DIR).is_dir():  # written meanwhile by another process
            return
        for leftover in location.glob(f".{OXIGRAPH_DIR}.writing-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        writing = location / f".{OXIGRAPH_DIR}.writing-{os.getpid()}"
        try:
            write_rocksdb(location, writing, progress)
            os.replace(writing, location / OXIGRAPH_DIR)
        finally:
            shutil.rmtree(writing, ignore_errors=True)
        fsync_path(location)


# -- inferred.ttl ---------------------------------------------------------------------------------


def _update_inferred(old: Path, new: Path, db: ox.Store, log: ChangeLog) -> None:
    """inferred.ttl as store._build_store writes it (rules.sorted_turtle), made by replacing in
    the old file the blocks of the subjects whose inferences changed (each found by binary
    search: the file is sorted by subject, and splitting all of it took 3 s at 5 M quads)."""
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    lines = log.removed.get(INFERRED_GRAPH.value, set()) | \
        log.added.get(INFERRED_GRAPH.value, set())
    subjects = sorted({line[1:line.index(b"> ")].decode() for line in lines}, key=_order)
    data = old.read_bytes() if old.is_file() else b""
    start = _header_end(data)
    found = [ox.Triple(q.subject, q.predicate, q.object) for subject in subjects
             for q in db.quads_for_pattern(ox.NamedNode(subject), None, None, INFERRED_GRAPH)]
    triples = sorted(set((ox.serialize(found, format=ox.RdfFormat.N_TRIPLES) or b"")
                         .splitlines()))
    fresh: tuple[bytes, dict[str, bytes]] | None = (data[:start], {})
    if triples:  # as rules.sorted_turtle serializes them
        fresh = _split_turtle(ox.serialize(ox.parse(b"\n".join(triples) + b"\n",
                                                    format=ox.RdfFormat.N_TRIPLES),
                                           format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"",
                              prefixes)
    spliced = None
    if data and fresh is not None and fresh[0] == data[:start]:
        spliced = _splice(data, start, subjects, fresh[1], prefixes)
    if spliced is None or len(spliced) == start:  # not a file sorted_turtle wrote, or empty
        spliced = sorted_turtle(db, INFERRED_GRAPH, prefixes)
    _write(new, spliced)


def _order(subject: str) -> str:
    """The sort key of a subject's block (its N-Triples lines sort as "<iri> …")."""
    return subject + ">"


def _header_end(data: bytes) -> int:
    """Where the @prefix lines at the top of a Turtle file end."""
    at = 0
    while data.startswith(b"@prefix ", at):
        at = data.index(b"\n", at) + 1
    return at


def _block_start(data: bytes, at: int) -> int:
    """The first start of a subject's block (a line not indented) at or after `at`, or the
    end of `data`."""
    while at < len(data):
        if (at == 0 or data[at - 1] == 10) and data[at] not in (9, 32):
            return at
        newline = data.find(b"\n", at)
        at = len(data) if newline < 0 else newline + 1
    return len(data)


def _key_at(data: bytes, at: int, prefixes: dict[str, str]) -> str | None:
    """The sort key of the block starting at `at` (None: a subject written in no known way)."""
    token = data[at:data.find(b" ", at)].decode()
    subject = _subject(token, prefixes)
    return None if subject is None else _order(subject)


def _splice(data: bytes, start: int, subjects: list[str], blocks: dict[str, bytes],
            prefixes: dict[str, str]) -> bytes | None:
    """`data` (a header ending at `start`, then subject blocks in _order) with the blocks of
    `subjects` (in _order) replaced by theirs in `blocks`, or removed when they have none;
    None when a subject the search reads is written in no known way."""
    pieces, at = [data[:start]], start
    for subject in subjects:
        key = _order(subject)
        low, high = at, len(data)
        while low < high:  # the first block at or after `at` not before `subject`'s
            middle = (low + high) // 2
            begin = _block_start(data, middle)
            found = None if begin == len(data) else _key_at(data, begin, prefixes)
            if begin < len(data) and found is None:
                return None
            if found is None or found >= key:
                high = middle
            else:
                low = middle + 1
        begin = _block_start(data, low)
        end = begin
        if begin < len(data) and _key_at(data, begin, prefixes) == key:
            end = _block_start(data, begin + 1)
        pieces.extend((data[at:begin], blocks.get(subject, b"")))
        at = end
    pieces.append(data[at:])
    return b"".join(pieces)


def _split_turtle(data: bytes, prefixes: dict[str, str]) -> tuple[bytes, dict[str, bytes]] | None:
    """(the @prefix header, each subject's block by subject IRI) of a Turtle file written by
    Oxigraph from sorted triples; None when it is not one (blocks out of order, unknown form)."""
    lines = data.splitlines(keepends=True)
    start = 0
    while start < len(lines) and lines[start].startswith(b"@prefix "):
        start += 1
    header = b"".join(lines[:start])
    blocks: dict[str, bytes] = {}
    current: list[bytes] = []
    last = ""
    for line in [*lines[start:], None]:
        if line is not None and line[:1] in (b"\t", b" "):
            current.append(line)
            continue
        if current:
            subject = _subject(current[0].split(b" ", 1)[0].decode(), prefixes)
            if subject is None or subject + ">" <= last:
                return None
            last = subject + ">"
            blocks[subject] = b"".join(current)
        current = [line] if line is not None else []
    return header, blocks


def _subject(token: str, prefixes: dict[str, str]) -> str | None:
    """The IRI of a subject as Oxigraph writes it in Turtle (<iri> or prefix:local)."""
    if token.startswith("<") and token.endswith(">"):
        return token[1:-1]
    prefix, colon, local = token.partition(":")
    if not colon or prefix not in prefixes:
        return None
    return prefixes[prefix] + local.replace("\\", "")  # PN_LOCAL_ESC: \\ before a character
