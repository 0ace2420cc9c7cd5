"""The full-text index behind /search: SQLite FTS5 (standard library), built from the store.

One FTS5 row per resource with a label (rdfs:label, skos:prefLabel, skos:altLabel,
dcterms:title), an acronym (ctip:acronym) or, for a passage, a quote (oa:exact), ranked by BM25
with labels and acronyms weighted above text. A search lists the names (the resources with a
label or an acronym) first, then the passages, each tier best first: at ten million quads a
common word matches tens of thousands of passages, and ranking all of them took longer than a
search may; names are far fewer. A row's id says its tier and its group (`groups`: its set of
types and its document): tier << 62 | group << 32 | a number. So a tier is a range of ids, which
FTS5 searches alone (with the statistics of the whole index: the ranking within a tier is the
one of the whole index), and the totals and the facets by class and by document are counted
over every match from the ids alone (GROUP BY, no ranking, no look-up: a look-up per match took
three times as long); only the page asked for is ranked. Snippets are made on a copy of the
page's rows in memory (in the index FTS5 looks a row up once per phrase and per row: up to a
second for a page of a common word). `resources` gives a row's IRI.

Words are matched by their stem (Porter: "enforcement" finds "enforce", "enforced"); the last
word typed may be the start of a word. The index lives in memory, or in a file
(serve.search.get_index) whose fingerprint (the store's FINGERPRINT and size) must be the
store's; `update_index` updates the rows of some resources in place (ctipgraph.store.update).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..store import GraphStore
from ..swap import replacing
from .labels import CTIP, DCTERMS, OA, RDFS, SKOS

SCHEMA_VERSION = "3"  # 2: Porter stemming; 3: tier and group in the row id
LABEL_PROPS = (SKOS + "prefLabel", RDFS + "label", SKOS + "altLabel", DCTERMS + "title")
ACRONYM = CTIP + "acronym"
TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'"
COLUMNS = ("label", "labels", "acronyms", "text")  # label: the best; labels: the others
RANK = "bm25(docs, 10.0, 6.0, 8.0, 1.0)"  # weights of the COLUMNS
TIERS = ("names", "passages")  # in the order they are listed
DEFAULT_LIMIT = 100
TIER_SHIFT, GROUP_SHIFT = 62, 32  # a row id: tier << TIER_SHIFT | group << GROUP_SHIFT | number
GROUP_MASK = (1 << (TIER_SHIFT - GROUP_SHIFT)) - 1
NUMBER_MASK = (1 << GROUP_SHIFT) - 1
OPEN, CLOSE = "\x02", "\x03"  # snippet highlight markers, turned into <mark> by the template

Row = tuple[str, str, str, str, str, str]  # iri, label, other labels, acronyms, text, types


@dataclass
class Hit:
    iri: str
    label: str
    types: list[str]
    snippet: list[tuple[str, bool]]  # (text, highlighted)
    field: str
    score: float

    def as_json(self) -> dict:
        return {"iri": self.iri, "label": self.label, "types": self.types,
                "field": self.field, "score": round(self.score, 4),
                "snippet": "".join(f"[{t}]" if hl else t for t, hl in self.snippet)}


@dataclass
class Group:
    """The resources of one set of types in one document (or in none)."""
    id: int
    types: list[str]
    doc: str | None
    main: str | None = field(init=False)

    def __post_init__(self) -> None:
        self.main = main_type(self.types)


@dataclass
class Found:
    """One page of a search: `total` matches (after the filters), the page's hits in order,
    and the facets, counted over every match."""
    query: str | None  # the FTS5 query used
    total: int = 0
    page: int = 1
    pages: int = 1
    hits: list[Hit] = field(default_factory=list)
    by_class: dict[str, int] = field(default_factory=dict)
    by_doc: dict[str, int] = field(default_factory=dict)


def fts_query(text: str, *, any_word: bool = False) -> str | None:
    """A safe FTS5 query from what a person typed: every word must occur, the last one may be the
    start of a word. None when there is no word at all."""
    words = re.findall(r"\w+", text.lower())
    if not words:
        return None
    words = words[:16]
    parts = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
    return (" OR " if any_word else " ").join(parts)


def main_type(types: Iterable[str]) -> str | None:
    """The class a resource is listed under: its first ctip class, else its first class."""
    types = sorted(types)
    ctip = [t for t in types if t.startswith(CTIP)]
    return ctip[0] if ctip else (types[0] if types else None)


def doc_of(iri: str) -> str | None:
    """The document IRI of a resource inside a document (a passage, a reference), else None."""
    from .reader import DOC_BASE, doc_id_of

    doc = doc_id_of(iri)
    return DOC_BASE + doc if doc else None


def _split_snippet(snippet: str) -> list[tuple[str, bool]]:
    parts: list[tuple[str, bool]] = []
    for chunk in re.split(f"({OPEN}.*?{CLOSE})", snippet, flags=re.S):
        if not chunk:
            continue
        if chunk.startswith(OPEN) and chunk.endswith(CLOSE):
            parts.append((chunk[1:-1], True))
        else:
            parts.append((chunk.replace(OPEN, "").replace(CLOSE, ""), False))
    return parts


def _fingerprint(store: GraphStore) -> str:
    stamp = (store.stamp() if isinstance(store, GraphStore) else None) or ""
    return _fingerprint_for(len(store), stamp)


def _fingerprint_for(size: int, stamp: str) -> str:
    """What an index file says it is the index of: a store of `size` quads whose FINGERPRINT
    is `stamp`, and the index's schema."""
    return f"{SCHEMA_VERSION}:{size}:{stamp.strip()}"


def _create(conn: sqlite3.Connection) -> None:
    conn.executescript(f"""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE groups (id INTEGER PRIMARY KEY, types TEXT NOT NULL, doc TEXT NOT NULL,
                             UNIQUE (types, doc));
        CREATE TABLE resources (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
        CREATE VIRTUAL TABLE docs USING fts5({', '.join(COLUMNS)}, {TOKENIZE});""")


def _insert(conn: sqlite3.Connection, rows: list[Row]) -> None:
    """Add `rows` (resources not in the index) to the index."""
    groups = {(types, doc): n for n, types, doc in conn.execute("SELECT * FROM groups")}
    start = (conn.execute(f"SELECT max(id & {NUMBER_MASK}) FROM resources").fetchone()[0]
             or 0) + 1
    resources, docs = [], []
    for n, (iri, best, others, acronyms, text, types) in enumerate(rows, start=start):
        group = (types, doc_of(iri) or "")
        if group not in groups:
            groups[group] = len(groups) + 1
            conn.execute("INSERT INTO groups VALUES (?, ?, ?)", (groups[group], *group))
        tier = 0 if best or others or acronyms else 1
        rowid = tier << TIER_SHIFT | groups[group] << GROUP_SHIFT | n
        resources.append((rowid, iri))
        docs.append((rowid, best, others, acronyms, text))
    conn.executemany("INSERT INTO resources VALUES (?, ?)", resources)
    conn.executemany(f"INSERT INTO docs(rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
                     docs)


def _fill(conn: sqlite3.Connection, rows: list[Row], fingerprint: str | None) -> None:
    """Make the index of `rows` in the empty database `conn`, for a store of `fingerprint`
    (None: the index says for which store later, `stamp_index`)."""
    _create(conn)
    _insert(conn, rows)
    if fingerprint is not None:
        conn.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
    conn.commit()


def write_rows(path: Path, rows: list[Row]) -> None:
    """Write a new index file of `rows` (SearchIndex.rows) that names no store yet: what a
    store build makes beside its last steps (`stamp_index` then names the store)."""
    conn = sqlite3.connect(str(path))
    try:
        _fill(conn, rows, None)
    finally:
        conn.close()


def stamp_index(path: Path, size: int, stamp: str) -> None:
    """Name, in the index file `path` (write_rows), the project store it is the index of: its
    quad count and FINGERPRINT, which `serve` checks before using the file."""
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("INSERT INTO meta VALUES ('fingerprint', ?)",
                     (_fingerprint_for(size, stamp),))
        conn.commit()
    finally:
        conn.close()


def contents(conn: sqlite3.Connection) -> list[Row]:
    """Every row of the index as it was made (what the tests compare), by IRI."""
    return conn.execute(f"""
        SELECT r.iri, d.label, d.labels, d.acronyms, d.text, g.types
          FROM resources AS r JOIN groups AS g ON g.id = r.id >> {GROUP_SHIFT} & {GROUP_MASK}
          JOIN docs AS d ON d.rowid = r.id
        ORDER BY 1""").fetchall()


def update_index(path: Path, store: GraphStore, subjects: set[str], stamps: tuple[str, str],
                 size_change: int) -> bool:
    """Update, in the index file `path` of a store whose FINGERPRINT was `stamps[0]`, the rows
    of `subjects` from `store` (where `stamps[1]` is now, and `size_change` more quads): what
    an incremental store update (ctipgraph.store.update) does instead of a rebuild. False
    (the file untouched) when the file is not that index."""
    conn = sqlite3.connect(str(path))
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        version, _, rest = (row[0] if row else "").partition(":")
        size, _, stamp = rest.partition(":")
        if version != SCHEMA_VERSION or stamp != stamps[0].strip() or not size.isdigit():
            return False
        iris = sorted(subjects)
        for i in range(0, len(iris), 500):
            marks = ", ".join("?" for _ in iris[i:i + 500])
            ids = [n for (n,) in conn.execute(
                f"SELECT id FROM resources WHERE iri IN ({marks})", iris[i:i + 500])]
            id_marks = ", ".join("?" for _ in ids)
            for table, key in (("docs", "rowid"), ("resources", "id")):
                conn.execute(f"DELETE FROM {table} WHERE {key} IN ({id_marks})", ids)
        _insert(conn, SearchIndex(store).rows(iris))
        conn.execute("UPDATE meta SET value = ? WHERE key = 'fingerprint'",
                     (_fingerprint_for(int(size) + size_change, stamps[1]),))
        conn.commit()
        return True
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


class SearchIndex:
    """An FTS5 index of a store, built once (thread-safe: one connection behind a lock)."""

    def __init__(self, store: GraphStore, path: Path | None = None) -> None:
        self.store = store
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pages: sqlite3.Connection | None = None  # the page's rows, for snippets
        self._groups: dict[int, Group] = {}

    # -- building ---------------------------------------------------------------------------

    def rows(self, only: list[str] | None = None) -> list[Row]:
        """The rows of every resource with a label, acronym or quote (or of those of `only`)."""
        chunks = [only[i:i + 500] for i in range(0, len(only), 500)] if only is not None \
            else [None]
        labels: dict[str, list[tuple[int, str]]] = defaultdict(list)
        acronyms: dict[str, list[str]] = defaultdict(list)
        texts: dict[str, list[str]] = defaultdict(list)
        types: dict[str, list[str]] = defaultdict(list)
        for chunk in chunks:
            self._read(chunk, labels, acronyms, texts, types)
        subjects = set(labels) | set(acronyms) | set(texts)
        rows = []
        for s in sorted(subjects):
            ranked = sorted(set(labels.get(s, [])))
            best = ranked[0][1] if ranked else ""
            others = sorted({v for _, v in ranked} - {best})
            rows.append((s, best, " | ".join(others), " ".join(sorted(set(acronyms.get(s, [])))),
                         "\n".join(sorted(texts.get(s, []))),
                         " ".join(sorted(set(types.get(s, []))))))
        return rows

    def _read(self, subjects: list[str] | None, labels: dict, acronyms: dict, texts: dict,
              types: dict) -> None:
        """Labels, acronyms, quotes and types of every resource, or of `subjects`.

        Each resource's types are read with its labels or its quotes (an OPTIONAL per row), so
        only the types of the resources indexed are read: at ten million quads reading every
        type of the store (3.7 M rows) and keeping those took most of the build."""
        store = self.store
        props = [f"<{p}>" for p in (*LABEL_PROPS, ACRONYM)]
        if subjects is None:  # the properties first; for given subjects, the subjects first
            values, which = "", f"VALUES ?p {{ {' '.join(props)} }}"
        else:
            values = "VALUES ?s { " + " ".join(f"<{s}>" for s in subjects) + " }"
            which = f"FILTER(?p IN ({', '.join(props)}))"
        typed = "OPTIONAL { ?s a ?t FILTER(isIRI(?t)) }"
        for s, p, lit, t in store.query(f"""
                SELECT ?s ?p ?l ?t WHERE {{ {values} {which}
                  ?s ?p ?l FILTER(isIRI(?s) && isLiteral(?l)) {typed}
                }}"""):
            s, p = s.value, p.value
            if p == ACRONYM:
                acronyms[s].append(lit.value)
            else:
                lang = lit.language
                rank = LABEL_PROPS.index(p) * 3 + (0 if lang in (None, "en") else 1)
                labels[s].append((rank, lit.value))
            if t is not None:
                types[s].append(t.value)
        for s, exact, found in store.query(f"""
                SELECT ?s ?exact (GROUP_CONCAT(STR(?t); separator=" ") AS ?types)
                WHERE {{ {values}
                  ?s <{OA}hasSelector> ?sel . ?sel <{OA}exact> ?exact FILTER(isIRI(?s)) {typed}
                }} GROUP BY ?s ?sel ?exact"""):  # a row per quote, with its resource's types
            s = s.value
            texts[s].append(exact.value)
            if found is not None:  # unbound when it has no type (STR of nothing: an error)
                types[s].extend(found.value.split())

    def _build(self, conn: sqlite3.Connection, fingerprint: str) -> None:
        _fill(conn, self.rows(), fingerprint)

    def _open(self) -> sqlite3.Connection:
        fingerprint = _fingerprint(self.store)
        if self.path is None:
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            self._build(conn, fingerprint)
            return conn
        if self.path.is_file():
            conn = sqlite3.connect(str(self.path), check_same_thread=False)
            try:
                row = conn.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
                if row and row[0] == fingerprint:
                    return conn
            except sqlite3.DatabaseError:
                pass
            conn.close()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(self.path) as tmp:
            conn = sqlite3.connect(tmp)
            try:
                self._build(conn, fingerprint)
            finally:
                conn.close()
        return sqlite3.connect(str(self.path), check_same_thread=False)

    def connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._open()
        return self._conn

    def groups(self) -> list[Group]:
        """Every group of the index (a set of types in a document), read once."""
        with self._lock:
            self._load_groups(self.connection())
            return list(self._groups.values())

    def _load_groups(self, conn: sqlite3.Connection) -> None:
        self._groups = {n: Group(n, types.split(), doc or None) for n, types, doc in
                        conn.execute("SELECT * FROM groups")}

    # -- searching --------------------------------------------------------------------------

    def search(self, text: str, limit: int = DEFAULT_LIMIT) -> list[Hit]:
        """The best `limit` hits of `text`."""
        return self.find(text, limit=limit).hits

    def find(self, text: str, *, page: int = 1, limit: int = DEFAULT_LIMIT,
             cls: str | None = None, doc: str | None = None) -> Found:
        """Page `page` (clamped to the pages there are) of `limit` hits of `text`, names first,
        among the resources of class `cls` (any of their types) and of document `doc`; words
        that never occur together fall back to any of them."""
        with self._lock:
            conn = self.connection()
            try:
                query = fts_query(text)
                counts = self._counts(conn, query)
                if not counts and len(re.findall(r"\w+", text)) > 1:
                    query = fts_query(text, any_word=True)
                    counts = self._counts(conn, query)
                found = Found(query)
                if not counts:
                    return found
                totals, kept = self._facets(counts, found, cls, doc)
                found.total = sum(totals)
                found.pages = max(1, -(-found.total // limit))
                found.page = min(page, found.pages)
                start, ranked = (found.page - 1) * limit, []
                for tier, total in enumerate(totals):
                    end = min(start + limit - len(ranked), total)
                    if start < end:
                        ranked += self._ranked(conn, query, tier, start, end - start,
                                               kept if cls or doc else None)
                    start = max(0, start - total)
                found.hits = self._details(conn, query, ranked)
                return found
            except sqlite3.OperationalError:
                return Found(None)

    def _counts(self, conn: sqlite3.Connection,
                query: str | None) -> list[tuple[int, Group, int]]:
        """(tier, group, matches) of the matches of `query`, by group."""
        if query is None:
            return []
        shift = TIER_SHIFT - GROUP_SHIFT
        counts = [(key >> shift, key & GROUP_MASK, n) for key, n in conn.execute(
            f"SELECT rowid >> {GROUP_SHIFT}, count(*) FROM docs WHERE docs MATCH ? GROUP BY 1",
            (query,))]
        if any(group not in self._groups for _, group, _ in counts):
            self._load_groups(conn)
        return [(tier, self._groups[group], n) for tier, group, n in counts]

    @staticmethod
    def _facets(counts: list[tuple[int, Group, int]], found: Found, cls: str | None,
                doc: str | None) -> tuple[list[int], list[int]]:
        """Fill the facets of `found`; the matches of each tier within the filters, and the
        groups the filters keep."""
        by_class: dict[str, int] = defaultdict(int)
        by_doc: dict[str, int] = defaultdict(int)
        totals = [0] * len(TIERS)
        kept = set()
        for tier, group, n in counts:
            in_class = cls is None or cls in group.types
            in_doc = doc is None or group.doc == doc
            if in_doc and group.main:
                by_class[group.main] += n
            if in_class and group.doc:
                by_doc[group.doc] += n
            if in_class and in_doc:
                totals[tier] += n
                kept.add(group.id)
        found.by_class, found.by_doc = dict(by_class), dict(by_doc)
        return totals, sorted(kept)

    @staticmethod
    def _ranked(conn: sqlite3.Connection, query: str, tier: int, offset: int, limit: int,
                groups: list[int] | None) -> list[tuple[int, float]]:
        """(row id, score) of matches offset … offset + limit of `tier`, best first, in
        `groups` (None: any)."""
        low = tier << TIER_SHIFT
        where = "" if groups is None else \
            f" AND rowid >> {GROUP_SHIFT} & {GROUP_MASK} IN ({', '.join('?' for _ in groups)})"
        rows = conn.execute(
            f"SELECT rowid, {RANK} AS score FROM docs WHERE docs MATCH ? AND rowid >= ? "
            f"AND rowid <= ?{where} ORDER BY score, rowid LIMIT ? OFFSET ?",
            (query, low, low + (1 << TIER_SHIFT) - 1, *(groups or ()), limit,
             offset)).fetchall()
        return [(rowid, -s) for rowid, s in rows]

    def _details(self, conn: sqlite3.Connection, query: str,
                 ranked: list[tuple[int, float]]) -> list[Hit]:
        """The hits of `ranked`, in its order, with their snippets: made on a copy of their
        rows in memory (in the index FTS5 would look each row up once per phrase)."""
        if not ranked:
            return []
        ids = [rowid for rowid, _ in ranked]
        marks = ", ".join("?" for _ in ids)
        iris = dict(conn.execute(f"SELECT id, iri FROM resources WHERE id IN ({marks})", ids))
        page = self._page_table()
        page.execute("DELETE FROM docs")
        page.executemany(
            f"INSERT INTO docs(rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
            conn.execute(f"SELECT rowid, {', '.join(COLUMNS)} FROM docs WHERE rowid IN ({marks})",
                         ids).fetchall())
        marked = ", ".join(f"highlight(docs, {i}, '{OPEN}', '{CLOSE}')" for i in range(3))
        snippets = {}  # id → label, field, snippet
        for rowid, label, label_hl, labels_hl, acr_hl, text_snip in page.execute(
                f"SELECT rowid, label, {marked}, snippet(docs, 3, '{OPEN}', '{CLOSE}', '…', 24) "
                "FROM docs WHERE docs MATCH ?", (query,)):
            fld, snip = next(((f, s) for f, s in (
                ("label", label_hl), ("acronym", acr_hl), ("alternative label", labels_hl))
                if OPEN in (s or "")), ("text", text_snip))
            snippets[rowid] = (label, fld, snip)
        hits = []
        for rowid, score in ranked:
            label, fld, snip = snippets.get(rowid, ("", "text", ""))
            hits.append(Hit(iri=iris[rowid], label=label,
                            types=self._groups[rowid >> GROUP_SHIFT & GROUP_MASK].types,
                            snippet=_split_snippet(snip or ""), field=fld, score=score))
        return hits

    def _page_table(self) -> sqlite3.Connection:
        """An in-memory database with an empty copy of the FTS5 table."""
        if self._pages is None:
            self._pages = sqlite3.connect(":memory:", check_same_thread=False)
            self._pages.execute(
                f"CREATE VIRTUAL TABLE docs USING fts5({', '.join(COLUMNS)}, {TOKENIZE})")
        return self._pages
