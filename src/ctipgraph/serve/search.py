"""Full-text search over labels, acronyms and passage text, with SQLite FTS5 (standard library).

The index is built from the store on first use: one row per resource with its labels
(rdfs:label, skos:prefLabel, skos:altLabel, dcterms:title), its acronyms (ctip:acronym) and, for a
passage, its quote (oa:exact). It lives in memory (stores made from --data files), or in a file:
`SEARCH_INDEX` (a path) when the app is given one, else `search.sqlite` inside the on-disk store's
folder (data/store/, rebuilt with it); a file whose fingerprint (the store's FINGERPRINT and size)
differs from the store's is rebuilt. Ranking is BM25 with labels and
acronyms weighted above passage text. Words are matched by their stem (Porter: "enforcement"
finds "enforce", "enforced"); the last word typed may be the start of a word.

    /search?q=&page=&limit=<per page>&cls=<class IRI>&doc=<document IRI>

pages through every match (up to MAX_MATCHES), with facets by class and by document (a passage's
document), counted over all the matches.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, abort, current_app, request, url_for

from ..store import GraphStore
from .app import get_store
from .inputs import int_arg
from .labels import (
    CTIP,
    DCTERMS,
    OA,
    RDFS,
    SKOS,
    Labeller,
    class_href,
    display_iri,
    href,
)
from .markup import plain
from .render import (
    JSON_TWIN,
    alternates_for,
    html_response,
    json_response,
    negotiate,
    query_with,
)

bp = Blueprint("search", __name__, template_folder="templates")
blueprint = bp

SCHEMA_VERSION = "2"  # 2: Porter stemming ("enforcement" finds "enforce")
LABEL_PROPS = (SKOS + "prefLabel", RDFS + "label", SKOS + "altLabel", DCTERMS + "title")
ACRONYM = CTIP + "acronym"
#: BM25 column weights: iri, label, labels, acronyms, text, types
WEIGHTS = (0.0, 10.0, 6.0, 8.0, 1.0, 0.0)
DEFAULT_LIMIT = 100
MAX_LIMIT = 500
#: matches a search pages and facets through
MAX_MATCHES = 5000
OPEN, CLOSE = "\x02", "\x03"  # snippet highlight markers, turned into <mark> by the template


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
    cls: str | None
    label: str
    hits: list[Hit] = field(default_factory=list)


def _fingerprint(store: GraphStore) -> str:
    location = getattr(store, "location", None)
    stamp = ""
    if location is not None:
        stamp_file = Path(location) / "FINGERPRINT"
        if stamp_file.is_file():
            stamp = stamp_file.read_text().strip()
    return f"{SCHEMA_VERSION}:{len(store)}:{stamp}"


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
        index = SearchIndex(store)
        iris = sorted(subjects)
        for i in range(0, len(iris), 500):
            marks = ", ".join("?" for _ in iris[i:i + 500])
            conn.execute(f"DELETE FROM docs WHERE iri IN ({marks})", iris[i:i + 500])
        conn.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)", index._rows(iris))
        conn.execute("UPDATE meta SET value = ? WHERE key = 'fingerprint'",
                     (f"{SCHEMA_VERSION}:{int(size) + size_change}:{stamps[1].strip()}",))
        conn.commit()
        return True
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def fts_query(text: str, *, any_word: bool = False) -> str | None:
    """A safe FTS5 query from what a person typed: every word must occur, the last one may be the
    start of a word. None when there is no word at all."""
    words = re.findall(r"\w+", text.lower())
    if not words:
        return None
    words = words[:16]
    parts = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
    return (" OR " if any_word else " ").join(parts)


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


class SearchIndex:
    """An FTS5 index of a store, built once (thread-safe: one connection behind a lock)."""

    def __init__(self, store: GraphStore, path: Path | None = None) -> None:
        self.store = store
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    # -- building ---------------------------------------------------------------------------

    def _rows(self, only: list[str] | None = None) -> list[tuple[str, str, str, str, str, str]]:
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
                         " ".join(sorted(types.get(s, [])))))
        return rows

    def _read(self, subjects: list[str] | None, labels: dict, acronyms: dict, texts: dict,
              types: dict) -> None:
        """Labels, acronyms, quotes and types of every resource, or of `subjects`."""
        store = self.store
        props = [f"<{p}>" for p in (*LABEL_PROPS, ACRONYM)]
        if subjects is None:  # the properties first; for given subjects, the subjects first
            values, which = "", f"VALUES ?p {{ {' '.join(props)} }}"
        else:
            values = "VALUES ?s { " + " ".join(f"<{s}>" for s in subjects) + " }"
            which = f"FILTER(?p IN ({', '.join(props)}))"
        for row in store.query(f"""
                SELECT ?s ?p ?l WHERE {{ {values} {which}
                  ?s ?p ?l FILTER(isIRI(?s) && isLiteral(?l))
                }}"""):
            s, p, lit = row["s"].value, row["p"].value, row["l"]
            if p == ACRONYM:
                acronyms[s].append(lit.value)
            else:
                lang = lit.language
                rank = LABEL_PROPS.index(p) * 3 + (0 if lang in (None, "en") else 1)
                labels[s].append((rank, lit.value))
        for row in store.query(f"""
                SELECT ?s ?exact WHERE {{ {values}
                  ?s <{OA}hasSelector> ?sel . ?sel <{OA}exact> ?exact FILTER(isIRI(?s))
                }}"""):
            texts[row["s"].value].append(row["exact"].value)
        subjects_found = set(labels) | set(acronyms) | set(texts)
        for row in store.query(f"SELECT ?s ?t WHERE {{ {values} ?s a ?t "
                               "FILTER(isIRI(?s) && isIRI(?t)) }"):
            s = row["s"].value
            if s in subjects_found:
                types[s].append(row["t"].value)

    def _create(self, conn: sqlite3.Connection, fingerprint: str) -> None:
        conn.executescript("""
            DROP TABLE IF EXISTS meta;
            DROP TABLE IF EXISTS docs;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE VIRTUAL TABLE docs USING fts5(
                iri UNINDEXED, label, labels, acronyms, text, types UNINDEXED,
                tokenize = 'porter unicode61 remove_diacritics 2'
            );""")
        conn.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)", self._rows())
        conn.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
        conn.commit()

    def _open(self) -> sqlite3.Connection:
        fingerprint = _fingerprint(self.store)
        if self.path is None:
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            self._create(conn, fingerprint)
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
        fd, tmp = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        try:
            conn = sqlite3.connect(tmp)
            self._create(conn, fingerprint)
            conn.close()
            os.replace(tmp, self.path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return sqlite3.connect(str(self.path), check_same_thread=False)

    def connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._open()
        return self._conn

    # -- searching --------------------------------------------------------------------------

    def search(self, text: str, limit: int = DEFAULT_LIMIT) -> list[Hit]:
        hits = self._search(fts_query(text), limit)
        if not hits and len(re.findall(r"\w+", text)) > 1:
            hits = self._search(fts_query(text, any_word=True), limit)
        return hits

    def matches(self, text: str) -> tuple[str | None, list[tuple[str, list[str], int]]]:
        """The FTS query used and every match (iri, types, row id), best first (at most
        MAX_MATCHES; words that never occur together fall back to any of them)."""
        query = fts_query(text)
        found = self._matches(query)
        if not found and len(re.findall(r"\w+", text)) > 1:
            query = fts_query(text, any_word=True)
            found = self._matches(query)
        return query, found

    def _matches(self, query: str | None) -> list[tuple[str, list[str], int]]:
        if query is None:
            return []
        weights = ", ".join(str(w) for w in WEIGHTS)
        with self._lock:
            conn = self.connection()
            try:
                rows = conn.execute(
                    f"SELECT iri, types, rowid FROM docs WHERE docs MATCH ? "
                    f"ORDER BY bm25(docs, {weights}) LIMIT ?", (query, MAX_MATCHES)).fetchall()
            except sqlite3.OperationalError:
                return []
        return [(iri, types.split() if types else [], rowid) for iri, types, rowid in rows]

    def details(self, query: str, matches: list[tuple[str, int]]) -> list[Hit]:
        """The hits of `matches` (one page of (iri, row id) from `matches`) with their
        snippets, in the given order (found by row id: by IRI, a column the index does not
        index, the whole match list was read again)."""
        if not matches:
            return []
        marks = ", ".join("?" for _ in matches)
        hits = {h.iri: h for h in self._search(query, len(matches), f"AND rowid IN ({marks})",
                                               tuple(rowid for _, rowid in matches))}
        return [hits[iri] for iri, _ in matches if iri in hits]

    def _search(self, query: str | None, limit: int, where: str = "",
                params: tuple = ()) -> list[Hit]:
        if query is None:
            return []
        weights = ", ".join(str(w) for w in WEIGHTS)
        sql = f"""
            SELECT iri, label, types, bm25(docs, {weights}) AS score,
                   snippet(docs, 4, '{OPEN}', '{CLOSE}', '…', 24) AS text_snippet,
                   highlight(docs, 1, '{OPEN}', '{CLOSE}') AS label_hl,
                   highlight(docs, 2, '{OPEN}', '{CLOSE}') AS labels_hl,
                   highlight(docs, 3, '{OPEN}', '{CLOSE}') AS acronyms_hl
            FROM docs WHERE docs MATCH ? {where} ORDER BY score LIMIT ?"""
        with self._lock:
            conn = self.connection()
            try:
                rows = conn.execute(sql, (query, *params, limit)).fetchall()
            except sqlite3.OperationalError:
                return []
        hits = []
        for iri, label, types, score, text_snip, label_hl, labels_hl, acr_hl in rows:
            if OPEN in (label_hl or ""):
                fld, snip = "label", label_hl
            elif OPEN in (acr_hl or ""):
                fld, snip = "acronym", acr_hl
            elif OPEN in (labels_hl or ""):
                fld, snip = "alternative label", labels_hl
            else:
                fld, snip = "text", text_snip
            hits.append(Hit(iri=iri, label=label, types=types.split() if types else [],
                            snippet=_split_snippet(snip or ""), field=fld, score=-score))
        return hits


def get_index() -> SearchIndex:
    app = current_app
    index = app.extensions.get("ctipgraph.search")
    if index is None:
        with _INDEX_LOCK:
            index = app.extensions.get("ctipgraph.search")
            if index is None:
                store = get_store()
                path = app.config.get("SEARCH_INDEX")
                if path is None and getattr(store, "location", None) is not None:
                    path = Path(store.location) / "search.sqlite"
                index = SearchIndex(store, Path(path) if path else None)
                app.extensions["ctipgraph.search"] = index
    return index


_INDEX_LOCK = threading.Lock()


def _main_type(types: list[str]) -> str | None:
    ctip = sorted(t for t in types if t.startswith(CTIP))
    if ctip:
        return ctip[0]
    return sorted(types)[0] if types else None


def group_hits(hits: list[Hit], labeller: Labeller) -> list[Group]:
    groups: dict[str | None, Group] = {}
    labeller.want(*(t for h in hits for t in h.types))
    labeller.resolve()
    for h in hits:
        cls = _main_type(h.types)
        if cls not in groups:
            groups[cls] = Group(cls, labeller.label(cls) if cls else "other")
        groups[cls].hits.append(h)
    return list(groups.values())  # in the order of each group's best hit


def _doc_of(iri: str) -> str | None:
    from .reader import DOC_BASE, doc_id_of

    doc = doc_id_of(iri)
    return DOC_BASE + doc if doc else None


def _query(**changes) -> str:
    return "?" + query_with(**changes)


@bp.get("/search")
@bp.get("/search.<suffix>")
def search(suffix: str | None = None):
    if suffix not in (None, "json"):
        abort(404)
    q = request.args.get("q", "").strip()
    limit = int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    page = int_arg("page", 1, 1, MAX_MATCHES)
    cls_filter = request.args.get("cls", "").strip() or None
    doc_filter = request.args.get("doc", "").strip() or None
    fts, matches = get_index().matches(q) if q else (None, [])
    labeller = Labeller(get_store())
    # facets over every match; the filters narrow the list
    by_class: dict[str, int] = defaultdict(int)
    by_doc: dict[str, int] = defaultdict(int)
    kept = []
    for iri, types, rowid in matches:
        main, doc = _main_type(types), _doc_of(iri)
        in_class = cls_filter is None or cls_filter in types
        in_doc = doc_filter is None or doc == doc_filter
        if in_class and in_doc:
            kept.append((iri, rowid))
        if in_doc and main:
            by_class[main] += 1
        if in_class and doc:
            by_doc[doc] += 1
    total = len(kept)
    pages = max(1, -(-total // limit))
    page = min(page, pages)
    shown = kept[(page - 1) * limit:page * limit]
    hits = get_index().details(fts, shown) if fts else []
    groups = group_hits(hits, labeller)
    labeller.want(*by_class, *by_doc)
    labeller.resolve()
    facets = [
        {"name": "cls", "title": "Class", "active": cls_filter,
         "clear": _query(cls=None, page=None) if cls_filter else None,
         "values": [{"value": c, "label": labeller.label(c), "count": n,
                     "href": _query(cls=c, page=None), "active": c == cls_filter}
                    for c, n in sorted(by_class.items(), key=lambda x: (-x[1], x[0]))]},
        {"name": "doc", "title": "Document", "active": doc_filter,
         "clear": _query(doc=None, page=None) if doc_filter else None,
         "values": [{"value": d, "label": labeller.label(d), "count": n,
                     "href": _query(doc=d, page=None), "active": d == doc_filter}
                    for d, n in sorted(by_doc.items(), key=lambda x: labeller.label(x[0]))]},
    ]
    query = request.query_string.decode()
    alternates = alternates_for(url_for("search.search"), [JSON_TWIN], query)
    fmt = suffix or negotiate([JSON_TWIN])
    if fmt == "json":
        return json_response({
            "q": q, "count": len(hits), "total": total, "page": page, "pages": pages,
            "perPage": limit, "truncated": len(matches) >= MAX_MATCHES,
            "facets": {f["name"]: [{"value": v["value"], "label": v["label"],
                                    "count": v["count"]} for v in f["values"]]
                       for f in facets},
            "groups": [{"class": g.cls, "label": g.label,
                        "results": [h.as_json() for h in g.hits]} for g in groups],
        }, alternates)
    view = [{
        "cls": g.cls, "label": g.label,
        "class_href": class_href(g.cls) if g.cls else None,
        "hits": [{"iri": h.iri, "href": href(h.iri), "compact": display_iri(h.iri),
                  "label": h.label or labeller.label(h.iri), "field": h.field,
                  "snippet": [(plain(text), hl) for text, hl in h.snippet]} for h in g.hits],
    } for g in groups]
    pager = {"page": page, "pages": pages,
             "prev": _query(page=page - 1) if page > 1 else None,
             "next": _query(page=page + 1) if page < pages else None}
    return html_response("search.html", alternates, q=q, groups=view, count=len(hits),
                         limit=limit, total=total, pager=pager, facets=facets,
                         first=(page - 1) * limit + 1 if hits else 0,
                         truncated=len(matches) >= MAX_MATCHES)


def warm(app) -> None:
    """Build the index now (e.g. in a thread at start-up) instead of on the first search."""
    with app.app_context():
        get_index().connection()

