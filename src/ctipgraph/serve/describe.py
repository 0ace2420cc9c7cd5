"""What the browse pages show, gathered with SPARQL in Oxigraph: a resource with its relations and
the evidence behind each fact, the RDF twin of a resource, and the ontology as documentation."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from operator import attrgetter
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import current_app, request

from ..store import DOC_BASE, ONTOLOGY_GRAPH, GraphStore
from .app import get_store
from .inputs import is_iri
from .labels import (
    CTIP,
    DCTERMS,
    LABEL_PROPERTIES,
    OA,
    OWL,
    PROV,
    RDF,
    RDF_TYPE,
    RDFS,
    SKOS,
    Labeller,
    best_label,
    class_href,
    display_iri,
    fallback_label,
    href,
    labellable,
    term,
)

MENTIONED_IN = CTIP + "mentionedIn"
IN_DOCUMENT = CTIP + "inDocument"
IN_SECTION = CTIP + "inSection"
IN_TABLE = CTIP + "inTable"
IN_ROW = CTIP + "inRow"
HAS_SELECTOR = OA + "hasSelector"
EXACT = OA + "exact"
WAS_QUOTED_FROM = PROV + "wasQuotedFrom"
CLAIM = CTIP + "Claim"
CLAIM_SIDES = (RDF + "subject", RDF + "object")  # a claim's properties naming a resource
_CLAIM_SIDE_NODES = {ox.NamedNode(side): side for side in CLAIM_SIDES}
#: per property, the longest list of values a page shows whole; a longer one (a hub's) comes
#: LONG_PAGE values a page, with its total and "… n more"
OUT_LIMIT = 100
IN_LIMIT = 50
MENTION_LIMIT = 100  # passages in "Mentioned in" (in document order)
#: values per page of a list longer than its limit: a hub's page shows a short page of each
#: long list (rendering and labelling hundreds of values cost most of its time)
LONG_PAGE = 20
ALL_LIMIT = 5000
#: a hub's page shows one page of each long list: ?page=N, ?per_page= (at most MAX_PER_PAGE,
#: which ?all=1 asks for)
MAX_PER_PAGE = 500
#: claims shown beside one value (the count says how many there are, its /trace shows them
#: all): a hub's page showed up to 20 quotes for each of its facts (a country's 36
#: ratifications, each stated in every year's report: 170 KB of HTML, 234 quotes)
EVIDENCE_LIMIT = 5
CITED_LIMIT = 25  # references in a document's "most cited" list
#: ORDER BY keys of a list of values: IRIs by their string (SPARQL leaves the order of two
#: IRIs to the engine: Virtuoso orders them by internal id), literals by value, after IRIs.
#: Picks, likewise, take MIN(STR(…)) rather than SAMPLE or MIN over terms (Virtuoso's MIN of two
#: long literals is not the lesser string).
TERM_ORDER = "isLiteral({v}) IF(isLiteral({v}), {v}, STR({v}))"
#: the claims about a resource beyond which the facts of its short lists may be looked up from
#: their values instead, when these have fewer than FEW_CLAIMS claims
MANY_CLAIMS = 200
FEW_CLAIMS = 500
TIMELINE_LIMIT = 12  # facts per document in an entity's timeline
TIMELINE_DOCUMENTS = 20  # documents in an entity's timeline: the most recent ones
#: a resource with at most this many values (out or in) has them read in one query and put in
#: order here; beyond, each long list is ordered and cut by the store. Oxigraph's ORDER BY of one
#: property's values with a LIMIT costs about as much as reading every value of the resource:
#: at 15 M quads the 23,000 claims about the concept "child labor" took 240-330 ms to order
#: (its page 1.2 s), its 58,000 values 206 ms to read (the page 0.66 s, the same HTML)
INLINE_MAX = 200_000
#: a resource with more values than this referring to it (counted by the store first) has them
#: read property by property, and its claims for the documents its timeline shows only
#: (_every_by_property)
SPLIT_MIN = 1_000
_VALUE = attrgetter("value")
ALL_DOCUMENTS = ""  # the key saying that the years of every document are in the cache
ALL_PROPERTIES = ""  # the key saying that every property some claim states is in the cache
#: the app.extensions keys of what pages remember while a store is served
YEARS_CACHE = "ctipgraph.describe.years"
CLAIMED_CACHE = "ctipgraph.describe.claimed"

PREFIX = f"""PREFIX rdf: <{RDF}>
PREFIX rdfs: <{RDFS}>
PREFIX owl: <{OWL}>
PREFIX skos: <{SKOS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX prov: <{PROV}>
PREFIX oa: <{OA}>
PREFIX ctip: <{CTIP}>
"""


def _iri(value: str) -> str:
    """An IRI written for SPARQL (the caller has checked it is an IRI without '<>" {}|\\^`')."""
    return f"<{value}>"


def safe_iri(value: str) -> bool:
    """True when `value` is an IRI Oxigraph accepts that can be written as <value> in SPARQL
    without breaking out of it (inputs.is_iri)."""
    return is_iri(value)


def exists(store: GraphStore, iri: str) -> bool:
    if not safe_iri(iri):
        return False
    return bool(store.query(f"ASK {{ {{ {_iri(iri)} ?p ?o }} UNION {{ ?s ?p {_iri(iri)} }} }}"))


def resource_triples(store: GraphStore, iri: str) -> list[ox.Triple]:
    """The RDF twin of a resource: its outgoing triples with those of its fragment resources
    (a passage's selectors), and its incoming triples."""
    r = _iri(iri)
    query = PREFIX + f"""
        CONSTRUCT {{ {r} ?p ?o . ?frag ?fp ?fo . ?s ?ip {r} . }}
        WHERE {{
          {{ {r} ?p ?o }}
          UNION {{
            {r} ?q ?frag .
            FILTER(isIRI(?frag) && STRSTARTS(STR(?frag), "{iri}#"))
            ?frag ?fp ?fo .
          }}
          UNION {{ {r} oa:hasSelector ?frag . ?frag ?fp ?fo . }}
          UNION {{ ?s ?ip {r} }}
        }}"""
    return list(store.query(query))


def page_args() -> dict[str, int]:
    """`page` and `per_page` of the request (left out when absent or not numbers)."""
    out: dict[str, int] = {}
    for name in ("page", "per_page"):
        value = request.args.get(name, "")
        if value.isascii() and value.isdigit() and int(value[:9]) > 0:
            out[name] = min(int(value[:9]), 100_000)
    return out


def _str_key(value: ox.Term) -> tuple[int, str]:
    """ORDER BY STR(?x) in Python: IRIs by their string, after what STR() cannot take (blank
    nodes; an error sorts first)."""
    return (1, value.value) if isinstance(value, ox.NamedNode | ox.Literal) else (0, "")


def _by_str(values: list[ox.Term]) -> list[ox.Term]:
    """`values` in the order of _str_key (IRIs only, the common case: by their string without
    a Python key function, a hub's thousands of values)."""
    if all(type(v) is ox.NamedNode for v in values):
        return sorted(values, key=_VALUE)
    return sorted(values, key=_str_key)


def _term(value: ox.Term) -> str:
    """A term written for SPARQL VALUES ("" for one that cannot be: a blank node, an IRI with
    characters that would break out of <>)."""
    if isinstance(value, ox.NamedNode):
        return _iri(value.value) if safe_iri(value.value) else ""
    return str(value) if isinstance(value, ox.Literal) else ""


def trace_href(s: ox.NamedNode, p: ox.NamedNode, o: ox.Term) -> str:
    """The /trace page of a fact (objects that are literals in N-Triples form)."""
    obj = o.value if isinstance(o, ox.NamedNode) else str(o)
    return f"{request.script_root}/trace?" + urlencode({"s": s.value, "p": p.value, "o": obj})


def passage_title(iri: str, types: list[dict]) -> str:
    """'sentence 12', 'table 10 · row 3 · cell 2': a passage named by its place in its document."""
    rest = iri.split("/id/doc/", 1)[-1]
    parts = rest.split("/")[1:]
    pairs = [f"{parts[i]} {parts[i + 1]}" for i in range(0, len(parts) - 1, 2)]
    if not pairs:
        return types[0]["label"] if types else rest
    return " · ".join(pairs)


# -- resource pages ---------------------------------------------------------------------------


class Claims(list):
    """The claims behind one value that its evidence shows (at most EVIDENCE_LIMIT, each with
    its quoted passages), with every claim found (`every`)."""

    def __init__(self) -> None:
        super().__init__()
        self.every: list[str] = []


class ResourceView:
    """Everything the page of one resource shows."""

    def __init__(self, store: GraphStore, iri: str, *, show_all: bool = False, page: int = 1,
                 per_page: int | None = None) -> None:
        self.store = store
        self.iri = iri
        self.node = ox.NamedNode(iri)
        self.labeller = Labeller(store)
        per_page = MAX_PER_PAGE if show_all else min(per_page or 0, MAX_PER_PAGE) or None
        self.out_limit = per_page or OUT_LIMIT
        self.in_limit = per_page or IN_LIMIT
        self.mention_limit = per_page or MENTION_LIMIT
        self.long_page = per_page or LONG_PAGE
        self.page = max(1, page)
        self.pages = 1  # how many pages the longest list needs
        self._mention_docs: dict[str, str] | None = None  # passage -> document
        self._mentioned: list[ox.Term] = []  # what it is ctip:mentionedIn (graphs_are_documents)
        self._info: dict[str, dict] = {}  # passage -> its quote, document, section, order
        #: document -> the claims its graph states about the resource, each with the claim's
        #: property naming it (rdf:subject or rdf:object; from _every_in_graphs)
        self._stating: dict[str, list[tuple[ox.Term, str]]] | None = None
        #: property -> this page of its values, when only the page was read (_claims_page)
        self._page_of: dict[str, list[ox.Term]] = {}

    def _step(self, limit: int) -> int:
        """Values per page of a list longer than `limit`."""
        return min(limit, self.long_page)

    def _slice(self, total: int, limit: int) -> tuple[int, int]:
        """LIMIT and OFFSET of this page in a list of `total` (a short list: all of it)."""
        if total <= limit:
            return total, 0
        step = self._step(limit)
        self.pages = max(self.pages, -(-total // step))
        return step, (self.page - 1) * step

    def _every(self, pattern: str) -> tuple[dict[str, list[ox.Term]] | None, dict[str, int]]:
        """Every value of `pattern` (?p ?v) by property, in one query, when there are at most
        INLINE_MAX (cheaper than a sorted query per property; else None), and how many each
        property has (counted from them: a hub's count query read its thousands of values
        again, 4-8 ms at 5 M quads)."""
        nodes: dict[ox.NamedNode, list[ox.Term]] = defaultdict(list)
        read = 0
        for p, v in self._q(f"SELECT ?p ?v WHERE {{ {pattern} }} LIMIT {INLINE_MAX + 1}"):
            nodes[p].append(v)  # (by position: faster)
            read += 1
        if read > INLINE_MAX:
            return None, self._property_counts(pattern)
        every = {p.value: vs for p, vs in nodes.items()}
        return every, {p: len(vs) for p, vs in every.items()}

    def _every_in_graphs(self, r: str) -> tuple[dict[str, list[ox.Term]] | None,
                                                 dict[str, int]]:
        """_every of the values that refer to the resource, read from the graphs stating them
        (GraphStore.graphs_are_documents: the default graph is their merge); the claims about
        it come with their documents, which the timeline needs (it read them again: 5-13 ms
        for a hub at 5 M quads)."""
        counts = self._property_counts(f"?v ?p {r}")  # (counted by the store: no strings)
        if sum(counts.values()) > SPLIT_MIN:
            return self._every_by_property(r, counts)
        nodes: dict[ox.NamedNode, dict[ox.Term, None]] = defaultdict(dict)
        stating: dict[str, list[tuple[ox.Term, str]]] = defaultdict(list)
        documents: dict[ox.Term, str] = {}  # graph -> its document's IRI ("" for none)
        # (terms compared and hashed as they come, their strings made once per graph and
        # property: 374 -> 331 ms for the 63,000 references to a concept at 15 M quads)
        for g, p, v in self._q(f"SELECT ?g ?p ?v WHERE {{ GRAPH ?g {{ ?v ?p {r} }} }}"):
            nodes[p][v] = None  # each value once, whatever graphs state it
            side = _CLAIM_SIDE_NODES.get(p)
            if side is not None:
                document = documents.get(g)
                if document is None:
                    document = documents[g] = g.value if g.value.startswith(DOC_BASE) else ""
                if document:
                    stating[document].append((v, side))
        self._stating = stating
        every = {p.value: list(vs) for p, vs in nodes.items()}
        return every, {p: len(vs) for p, vs in every.items()}

    def _every_by_property(self, r: str, counts: dict[str, int]
                           ) -> tuple[dict[str, list[ox.Term]] | None, dict[str, int]]:
        """_every_in_graphs of a resource with many values: counted by the store, then read
        property by property from the default graph (the graphs' merge: each value once); its
        claims are not read with their documents (the timeline reads those of the documents
        it shows only). What costs is making each term's string (on
        disk, one look-up each): a country's 17,000 rows of graph, property and value made
        52,000 of them at 15 M quads; this makes one per value, and one per document."""
        if sum(counts.values()) > INLINE_MAX:
            return None, counts
        every: dict[str, list[ox.Term]] = {}
        for p in sorted(counts):
            page = self._claims_page(r, p, counts[p]) if p in CLAIM_SIDES else None
            if page is not None:
                self._page_of[p] = page
            else:
                every[p] = [v for (v,) in self._q(f"SELECT ?v WHERE {{ ?v {_iri(p)} {r} }}")]
        return every, counts

    def _claims_page(self, r: str, side: str, total: int) -> list[ox.Term] | None:
        """This page of the claims naming the resource by `side` (rdf:subject or rdf:object),
        in the order of their IRIs, read from the graphs that hold them: a claim's IRI begins
        with its document's and a "/" (iris.py), so the claims of the documents in the order of
        those prefixes are in the order of their IRIs, and the page is in the documents that
        the counts per graph say hold it. At 15.3 M quads the 25,000 claims about the concept
        "enforcement" took 150 ms to read for a page of 50. None when this does not hold (a
        claim outside a document's graph, in two, or not under its document's IRI, or when
        the list is short): the caller reads them all."""
        if total <= self.in_limit:
            return None
        held: list[tuple[str, int]] = []
        for g, n in self._q(f"""SELECT ?g (COUNT(*) AS ?n) WHERE {{
                GRAPH ?g {{ ?c {_iri(side)} {r} }} }} GROUP BY ?g"""):
            if not isinstance(g, ox.NamedNode) or not g.value.startswith(DOC_BASE):
                return None
            held.append((g.value + "/", int(n.value)))
        held.sort()
        if sum(n for _, n in held) != total or any(
                b.startswith(a) for (a, _), (b, _) in itertools.pairwise(held)):
            return None
        limit, offset = self._slice(total, self.in_limit)
        wanted: list[str] = []
        before = start = 0
        for prefix, n in held:
            if start + n > offset and start < offset + limit:
                if not wanted:
                    before = start
                wanted.append(prefix[:-1])
            start += n
        if not all(safe_iri(d) for d in wanted):
            return None
        graphs = " ".join(_iri(d) for d in wanted)
        claims: dict[str, list[ox.Term]] = defaultdict(list)
        for g, c in self._q(f"""SELECT ?g ?c WHERE {{ VALUES ?g {{ {graphs} }}
                GRAPH ?g {{ ?c {_iri(side)} {r} }} }}"""):
            if not (isinstance(c, ox.NamedNode) and c.value.startswith(g.value + "/")):
                return None
            claims[g.value].append(c)
        ordered = [c for d in wanted for c in _by_str(claims[d])]
        return ordered[offset - before:offset - before + limit]

    def _documents_stating(self, r: str) -> set[str]:
        """The documents whose graphs hold claims about the resource (graph = document)."""
        return {g.value for (g,) in self._q(f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{
                    {{ ?c rdf:subject {r} }} UNION {{ ?c rdf:object {r} }} }} }}""")
                if g.value.startswith(DOC_BASE)}

    def _stated_facts_in(self, r: str, docs: list[str]
                         ) -> tuple[list[dict], dict[tuple[str, str, ox.Term], list[str]] | None]:
        """_stated_facts of the claims about the resource that the graphs of `docs` hold, each
        read with the fact it states in its graph: at 15.3 M quads a country's 3,000 claims in
        20 documents took 24 ms to find and 85 ms to look up again by name (a VALUES list of
        their IRIs)."""
        claims_of: dict[tuple[str, str, ox.Term], list[str]] = defaultdict(list)
        graphs = " ".join(_iri(d) for d in docs if safe_iri(d))
        for side, other in (("rdf:subject", "rdf:object"), ("rdf:object", "rdf:subject")):
            if not graphs:
                break
            for g, c, p, o in self._q(f"""SELECT ?g ?c ?p ?o WHERE {{ VALUES ?g {{ {graphs} }}
                    GRAPH ?g {{ ?c {side} {r} ; rdf:predicate ?p ; {other} ?o }} }}"""):
                if isinstance(c, ox.BlankNode) or isinstance(o, ox.BlankNode):
                    return [], None
                claims_of[(g.value, p.value, o)].append(c.value)
        rows = [{"doc": ox.NamedNode(d), "p": ox.NamedNode(p), "o": o}
                for d, p, o in claims_of]
        return rows, claims_of

    def _property_counts(self, pattern: str) -> dict[str, int]:
        """How many triples of `pattern` (binding ?p) each property has."""
        return {row["p"].value: int(row["n"].value) for row in self._q(
            f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {pattern} }} GROUP BY ?p")}

    def _outgoing(self, r: str) -> tuple[list[tuple[ox.NamedNode, ox.Term]], dict[str, int]]:
        """This page of the resource's outgoing values, and how many each property has."""
        every, counts = None, {}
        if self.store.graphs_are_documents:
            # its mentions are read with their documents (_mention_documents; the default
            # graph is the graphs' merge), not a second time here (a hub's thousands)
            every, counts = self._every(f"{r} ?p ?v FILTER(?p != ctip:mentionedIn)")
            if every is not None:
                self._mention_documents(r)
                if self._mentioned:
                    every[MENTIONED_IN] = self._mentioned
                    counts[MENTIONED_IN] = len(self._mentioned)
        if every is None:
            every, counts = self._every(f"{r} ?p ?v")
        outgoing: list[tuple[ox.NamedNode, ox.Term]] = []
        for p in sorted(counts):
            values = every.get(p, []) if every is not None else None
            if counts[p] <= self.out_limit:
                if values is None:
                    values = [row["o"] for row in self._q(
                        f"SELECT ?o WHERE {{ {r} {_iri(p)} ?o }}")]
            else:
                limit, offset = self._slice(counts[p], self.out_limit)
                if values is not None and all(isinstance(v, ox.NamedNode) for v in values):
                    # IRIs only: TERM_ORDER is their string order
                    values = _by_str(values)[offset:offset + limit]
                else:
                    values = [row["o"] for row in self._q(
                        f"SELECT ?o WHERE {{ {r} {_iri(p)} ?o }} "
                        f"ORDER BY {TERM_ORDER.format(v='?o')} LIMIT {limit} OFFSET {offset}")]
            outgoing.extend((ox.NamedNode(p), o) for o in values)
        return outgoing, counts

    def _incoming(self, r: str) -> tuple[list[tuple[ox.NamedNode, ox.Term]], dict[str, int]]:
        """This page of the resources that refer to it (by their IRIs), and how many each
        property has."""
        if self.store.graphs_are_documents:
            every, counts = self._every_in_graphs(r)
        else:
            every, counts = self._every(f"?v ?p {r}")
        incoming: list[tuple[ox.NamedNode, ox.Term]] = []
        for p in sorted(counts):
            limit, offset = self._slice(counts[p], self.in_limit)
            if p in self._page_of:
                subjects = self._page_of[p]
            elif every is not None:
                subjects = _by_str(every.get(p, []))[offset:offset + limit]
            else:
                subjects = [row["s"] for row in self._q(
                    f"SELECT ?s WHERE {{ ?s {_iri(p)} {r} }} ORDER BY STR(?s) "
                    f"LIMIT {limit} OFFSET {offset}")]
            incoming.extend((ox.NamedNode(p), s) for s in subjects)
        return incoming, counts

    def _mention_documents(self, r: str) -> dict[str, str]:
        """The document of each passage that mentions the resource ("" for none). In a store
        whose graphs are its documents (GraphStore.graphs_are_documents), the graph stating a
        mention is its passage's document (one index scan, not a join per passage)."""
        if self._mention_docs is not None:
            return self._mention_docs
        docs: dict[str, str] = {}
        self._mention_docs = docs
        if self.store.graphs_are_documents:
            elsewhere = set()
            mentioned: dict[ox.Term, None] = {}
            for g, pa in self._q(
                    f"SELECT ?g ?pa WHERE {{ GRAPH ?g {{ {r} ctip:mentionedIn ?pa }} }}"):
                mentioned[pa] = None
                if isinstance(pa, ox.NamedNode):  # (each term's value read once: a hub's
                    passage, graph = pa.value, g.value  # thousands, 7 -> 3 ms)
                    if graph.startswith(DOC_BASE):
                        known = docs.get(passage)
                        if known is None or graph < known:
                            docs[passage] = graph
                    else:
                        elsewhere.add(passage)
            self._mentioned = list(mentioned)
            rest = sorted(p for p in elsewhere - set(docs) if safe_iri(p))
            for start in range(0, len(rest), 300):
                values = " ".join(_iri(p) for p in rest[start:start + 300])
                for row in self._q(f"""SELECT ?pa (MIN(STR(?doc)) AS ?d) WHERE {{
                        VALUES ?pa {{ {values} }} OPTIONAL {{ ?pa ctip:inDocument ?doc }} }}
                        GROUP BY ?pa"""):
                    docs[row["pa"].value] = row["d"].value if row["d"] is not None else ""
            return docs
        for row in self._q(f"""SELECT ?pa (MIN(STR(?doc)) AS ?d) WHERE {{
                {r} ctip:mentionedIn ?pa . OPTIONAL {{ ?pa ctip:inDocument ?doc }} }}
                GROUP BY ?pa"""):
            if isinstance(row["pa"], ox.NamedNode):
                docs[row["pa"].value] = row["d"].value if row["d"] is not None else ""
        return docs

    def _orders(self, passages: list[str]) -> dict[str, int]:
        """ctip:order of each passage (0 when it has none)."""
        orders: dict[str, int] = {}
        wanted = sorted(p for p in passages if safe_iri(p))
        for start in range(0, len(wanted), 300):
            values = " ".join(_iri(p) for p in wanted[start:start + 300])
            for row in self._q(f"SELECT ?pa ?order WHERE {{ VALUES ?pa {{ {values} }} "
                               f"?pa ctip:order ?order }}"):
                if row["order"].value.isdigit():
                    orders[row["pa"].value] = int(row["order"].value)
        return orders

    def _mention_page(self, r: str) -> tuple[list[ox.NamedNode], dict[str, int]]:
        """This page of the passages mentioning the resource (by document, in order), and how
        many each document has. Only the passages of the documents this page shows are put in
        order (a country is mentioned by thousands of passages)."""
        docs = self._mention_documents(r)
        counts: dict[str, int] = defaultdict(int)
        for doc in docs.values():
            counts[doc] += 1
        limit, offset = self._slice(len(docs), self.mention_limit)
        shown, start, first = set(), 0, None
        for doc in sorted(counts):
            if start + counts[doc] > offset and start < offset + limit:
                shown.add(doc)
                first = start if first is None else first
            start += counts[doc]
        passages = [pa for pa, doc in docs.items() if doc in shown]
        orders = self._orders(passages)
        ordered = sorted((docs[pa], orders.get(pa, 0), pa) for pa in passages)
        skip = offset - (first or 0)
        return [ox.NamedNode(pa) for _, _, pa in ordered[skip:skip + limit]], dict(counts)

    def pager(self) -> dict:
        """Page links, when a list is longer than one page."""
        args = {k: v for k, v in request.args.items() if k not in ("page", "all")}

        def link(page: int) -> str:
            return "?" + urlencode({**args, "page": page}) if page != 1 else \
                ("?" + urlencode(args) if args else "?")

        return {"page": self.page, "pages": self.pages,
                "prev": link(self.page - 1) if self.page > 1 else None,
                "next": link(self.page + 1) if self.page < self.pages else None}

    def _q(self, query: str):
        return self.store.query(PREFIX + query)

    def build(self) -> dict:
        r = _iri(self.iri)
        outgoing, outgoing_counts = self._outgoing(r)
        self._know_label(outgoing, outgoing_counts)
        incoming, incoming_counts = self._incoming(r)
        fragments = self._fragments(outgoing)
        out_claims = self._claims(f"?claim rdf:subject {r} ; rdf:predicate ?p ; rdf:object ?o .",
                                  key=lambda row: (row["p"], row["o"]),
                                  shown=("?p ?o", outgoing),
                                  long=lambda p, o: outgoing_counts[p.value] > self.out_limit,
                                  by_value=("?o", "?claim rdf:object ?o .",
                                            f"?claim rdf:subject {r} ; rdf:predicate ?p ."),
                                  about=incoming_counts.get(RDF + "subject", 0))
        in_claims = self._claims(f"?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object {r} .",
                                 key=lambda row: (row["s"], row["p"]),
                                 shown=("?s ?p", [(s, p) for p, s in incoming]),
                                 long=lambda s, p: incoming_counts[p.value] > self.in_limit,
                                 by_value=("?s", "?claim rdf:subject ?s .",
                                           f"?claim rdf:object {r} ; rdf:predicate ?p ."),
                                 about=incoming_counts.get(RDF + "object", 0))
        # the claims quoted from it (a passage's), counted with what refers to it
        stated_count = incoming_counts.get(WAS_QUOTED_FROM, 0)
        stated_limit, stated_offset = self._slice(stated_count, self.in_limit)
        stated = [
            (row["claim"], row["s"], row["p"], row["o"])
            for row in self._q(f"""
                SELECT ?claim ?s ?p ?o WHERE {{
                  ?claim prov:wasQuotedFrom {r} ; rdf:subject ?s ; rdf:predicate ?p ;
                         rdf:object ?o .
                }} ORDER BY STR(?claim) LIMIT {stated_limit} OFFSET {stated_offset}""")
        ] if stated_count else []
        mention_passages, mention_counts = self._mention_page(r)
        passages = {pa for claims in (out_claims, in_claims) for lst in claims.values()
                    for _, pas in lst for pa in pas}
        passages.update(o.value for o in mention_passages)
        passage_info = self._passage_info(passages)

        # every IRI shown gets its label in one go
        nodes: list[ox.Term] = [self.node]
        for p, o in outgoing + incoming:
            nodes += [p, o]
        for claim, s, p, o in stated:
            nodes += [claim, s, p, o]
        for frag in fragments.values():
            for p, o in frag:
                nodes += [p, o]
        # (not the claims and passages of the evidence: their links read "claim", "passage",
        # and a hub's hundreds of them cost a third of its labels' time)
        self.labeller.want(*(n.value for n in nodes if isinstance(n, ox.NamedNode)))
        for info in passage_info.values():
            self.labeller.want(*(v for v in (info.get("doc"), info.get("section")) if v))
        self.labeller.resolve()

        types = [o for p, o in outgoing if p.value == RDF_TYPE and isinstance(o, ox.NamedNode)]
        page = {
            "iri": self.iri,
            "compact": display_iri(self.iri),
            "label": self.labeller.label(self.iri),
            "labelled": self.labeller.has_label(self.iri),
            "types": [dict(term(t, self.labeller), class_href=class_href(t.value))
                      for t in sorted(types, key=lambda t: t.value)],
            "passage": self._passage_block(outgoing, fragments),
            "statement": self._statement_block(outgoing),
            "outgoing": self._groups(
                [(p, o) for p, o in outgoing if p.value != RDF_TYPE],
                lambda p, o: (self.node, p, o), out_claims, lambda p, o: (p, o),
                counts=outgoing_counts, limit=self.out_limit),
            "incoming": self._groups(
                incoming, lambda p, s: (s, p, self.node), in_claims, lambda p, s: (s, p),
                counts=incoming_counts, limit=self.in_limit),
            "fragments": [
                {"iri": f, "id": f.rsplit("#", 1)[1], "compact": display_iri(f),
                 "facts": [{"property": term(p, self.labeller), "value": term(o, self.labeller)}
                           for p, o in sorted(facts, key=lambda po: po[0].value)]}
                for f, facts in sorted(fragments.items())
            ],
            "mentions": self._mentions(mention_passages, passage_info, mention_counts),
            "stated": [
                {"claim": term(c, self.labeller), "subject": term(s, self.labeller),
                 "predicate": term(p, self.labeller), "object": term(o, self.labeller),
                 "trace": trace_href(s, p, o)}
                for c, s, p, o in stated
            ],
            "show_all": self.out_limit == MAX_PER_PAGE,
            "pager": self.pager(),
        }
        type_iris = {t.value for t in types}
        if CTIP + "SourceDocument" in type_iris:
            page["cited"] = self._most_cited()
        elif page["passage"] is None and page["statement"] is None and CLAIM not in type_iris:
            page["timeline"], page["timeline_documents"] = self._timeline()
        page["title"] = page["label"]
        if page["passage"] is not None and page["label"].startswith("“"):
            page["title"] = passage_title(self.iri, page["types"])
        return page

    def _know_label(self, outgoing: list[tuple[ox.NamedNode, ox.Term]],
                    counts: dict[str, int]) -> None:
        """The resource's label from its values read above, when they hold every value of each
        label property: not looked up again (a hub's label look-up reads all its triples in
        every graph, 6 ms at 5 M quads)."""
        if not labellable(self.iri) or any(counts.get(p, 0) > self.out_limit
                                           for p in LABEL_PROPERTIES):
            return
        label = best_label((p.value, o) for p, o in outgoing)
        if label is not None:
            self.labeller.know(self.iri, label)

    def _most_cited(self, limit: int = CITED_LIMIT) -> dict:
        """The document's references ranked by how often its text cites them (citation markers),
        then by the claims they back: 'which sources does this report cite most?'."""
        r = _iri(self.iri)
        rows = list(self._q(f"""
            SELECT ?ref (COUNT(DISTINCT ?c) AS ?markers) (COUNT(DISTINCT ?pa) AS ?passages)
                   (MIN(STR(?k)) AS ?key) (MIN(STR(?t)) AS ?text) WHERE {{
              ?c a ctip:InTextCitation ; ctip:inDocument {r} ; ctip:denotes ?ref .
              ?ref a ctip:Reference .
              OPTIONAL {{ ?c ctip:inPassage ?pa }}
              OPTIONAL {{ ?ref ctip:referenceKey ?k }}
              OPTIONAL {{ ?ref ctip:referenceText ?t }}
            }} GROUP BY ?ref"""))
        claims = {row["ref"].value: int(row["n"].value) for row in self._q(f"""
            SELECT ?ref (COUNT(DISTINCT ?claim) AS ?n) WHERE {{
              ?ref a ctip:Reference ; ctip:inDocument {r} .
              ?claim <http://purl.org/spar/cito/citesAsEvidence> ?ref }} GROUP BY ?ref""")}
        total_refs = int(next(iter(self._q(f"""SELECT (COUNT(DISTINCT ?ref) AS ?n) WHERE {{
            ?ref a ctip:Reference ; ctip:inDocument {r} }}""")))["n"].value)
        from .reader import reader_href

        ranked = []
        for row in rows:
            ref = row["ref"].value
            ranked.append({
                "iri": ref, "href": href(ref), "read": reader_href(ref),
                "key": row["key"].value if row["key"] is not None else "",
                "text": row["text"].value if row["text"] is not None else fallback_label(ref),
                "markers": int(row["markers"].value), "passages": int(row["passages"].value),
                "claims": claims.get(ref, 0)})
        ranked.sort(key=lambda x: (-x["markers"], -x["claims"], x["key"].lower(), x["iri"]))
        return {"rows": ranked[:limit], "cited": len(ranked), "references": total_refs}

    def _timeline(self, limit: int | None = None, documents: int | None = None
                  ) -> tuple[list[dict], int]:
        """What each document says of the resource, in the order of the documents' years: the
        facts about it quoted from the document (each with one quote) and how many of the
        document's passages mention it; for the `documents` most recent documents only (a
        country's page would otherwise label and show every fact of hundreds of reports).
        Returns those entries and the number of documents there are."""
        documents = TIMELINE_DOCUMENTS if documents is None else documents
        limit = TIMELINE_LIMIT if limit is None else limit
        r = _iri(self.iri)
        def quoted_facts(graphs: str = "", g_open: str = "", g_close: str = "") -> list[dict]:
            """Every fact about it with its least quote, in one query joining each claim to
            its passages and their quotes (`graphs`: a VALUES block restricting them)."""
            return [_fact_row(row) for row in self._q(f"""
                SELECT ?doc ?p ?o (MIN(CONCAT(STR(?x), " ", STR(?pa))) AS ?quote) WHERE {{
                  {graphs}
                  {{ {g_open} ?c rdf:subject {r} ; rdf:predicate ?p ; rdf:object ?o {g_close} }}
                  UNION {{ {g_open} ?c rdf:object {r} ; rdf:predicate ?p ; rdf:subject ?o
                           {g_close} }}
                  ?c prov:wasQuotedFrom ?pa . ?pa ctip:inDocument ?doc ;
                     oa:hasSelector ?sel . ?sel oa:exact ?x .
                }} GROUP BY ?doc ?p ?o LIMIT {ALL_LIMIT}""")]

        mentions: dict[str, int] = defaultdict(int)
        for doc in self._mention_documents(r).values():
            if doc:
                mentions[doc] += 1
        rows = None
        stating = self._stating
        if self.store.graphs_are_documents:
            # the documents whose graphs hold claims about it (graph = document: no join per
            # claim); their claims, and the facts these state, are read below for the
            # documents shown
            claim_documents = (set(stating) if stating is not None
                               else self._documents_stating(r))
            docs = set(mentions) | claim_documents
        else:
            rows = quoted_facts()
            docs = set(mentions) | {row["doc"].value for row in rows}
        if not docs:
            return [], 0
        when = document_years(self.store, docs)
        total = len(docs)
        if total > documents:  # the most recent ones (ties: by IRI)
            docs = set(sorted(docs, key=lambda d: (when.get(d, ""), d))[-documents:])
        #: (document, property, value) -> the IRIs of the claims stating it
        claims_of: dict[tuple[str, str, ox.Term], list[str]] | None = None
        if rows is None:
            shown_graphs = " ".join(_iri(d) for d in sorted(docs) if safe_iri(d))
            if stating is None:
                # the claims of the documents shown, read with the facts they state graph by
                # graph
                rows, claims_of = self._stated_facts_in(r, sorted(docs & claim_documents))
                if claims_of is None:  # a blank node: the facts read with their quotes
                    rows = quoted_facts(f"VALUES ?g {{ {shown_graphs} }}", "GRAPH ?g {", "}")
            else:
                # the claims stated in the documents shown, by name (a country's claims in 20
                # documents: their graphs were joined to every claim about it, 45 ms at 5 M)
                named = [(d, _term(c), side) for d in sorted(docs)
                         for c, side in stating.get(d, ())]
                if any(not c for _, c, _ in named):  # a blank node: the claims of the graphs
                    rows = quoted_facts(f"VALUES ?g {{ {shown_graphs} }}", "GRAPH ?g {", "}")
                else:
                    rows, claims_of = self._stated_facts(named)
                    if claims_of is None:
                        values = " ".join(sorted({c for _, c, _ in named}))
                        rows = quoted_facts(f"VALUES ?c {{ {values} }}")
        by_doc: dict[str, list] = defaultdict(list)
        for row in rows:
            if row["doc"].value in docs and row["p"].value not in (MENTIONED_IN, RDF_TYPE):
                by_doc[row["doc"].value].append(row)
        self.labeller.want(*docs, *{row["p"].value for facts in by_doc.values()
                                    for row in facts})
        self.labeller.resolve()
        shown = {doc: self._first_facts(facts, limit) for doc, facts in by_doc.items()}
        if claims_of is not None:
            shown = self._quoted(shown, claims_of)
        self.labeller.want(*(row["o"].value for facts in shown.values() for row in facts
                             if isinstance(row["o"], ox.NamedNode)))
        self.labeller.resolve()
        from .reader import reader_href

        out = []
        for doc in sorted(docs, key=lambda d: (when.get(d, ""), self.labeller.label(d), d)):
            facts = []
            for row in shown.get(doc, []):
                exact, passage = row["quote"].value.rsplit(" ", 1)
                facts.append({"property": term(row["p"], self.labeller),
                              "value": term(row["o"], self.labeller),
                              "exact": exact, "read": reader_href(passage)})
            facts.sort(key=lambda f: (f["property"]["label"], f["value"].get("label") or
                                      f["value"].get("value") or ""))
            # facts read from one quote are shown together, above it
            quotes: dict[str, dict] = {}
            for f in facts[:limit]:
                quotes.setdefault(f["exact"], {"exact": f["exact"], "read": f["read"],
                                               "facts": []})["facts"].append(f)
            out.append({"year": when.get(doc, ""), "document": term(ox.NamedNode(doc),
                                                                    self.labeller),
                        "read": reader_href(doc), "quotes": list(quotes.values()),
                        "more": max(0, len(by_doc.get(doc, [])) - limit),
                        "mentions": mentions.get(doc, 0)})
        return out, total

    def _first_facts(self, facts: list, limit: int) -> list:
        """The `limit` first of a document's `facts` (rows with ?p and ?o) by property label,
        then by the value's IRI or lexical form: the values are chosen before they are labelled
        (then shown in the order of their labels). Choosing by value label labelled every value
        of the property at the cut: a country's hundreds of observations in each report, whose
        composed titles took 0.3 s of Cabo Verde's page at 1 M quads. Ties by property IRI, then
        (blank nodes) by ?quote, which rows read from the claims alone do not have (their values
        are never blank: _stated_facts). The property labels must be resolved."""
        if len(facts) <= limit:
            return facts
        label = self.labeller.label

        def key(row) -> tuple[str, int, str, str, str]:
            value = row["o"]
            rank = 0 if isinstance(value, ox.NamedNode) else 1 if isinstance(value, ox.Literal) \
                else 2  # a blank node: its id is not the same in two loads
            quote = row.get("quote")
            return (label(row["p"].value), rank, value.value if rank < 2 else "",
                    row["p"].value, quote.value if quote is not None else "")

        return sorted(facts, key=key)[:limit]

    def _stated_facts(self, named: list[tuple[str, str, str]]
                      ) -> tuple[list[dict], dict[tuple[str, str, ox.Term], list[str]] | None]:
        """The facts (rows of ?doc ?p ?o) that the claims `named` (document, claim, the claim's
        property naming the resource) state, read from the claims alone, and the claims of
        each: a claim's passages are in its document (shapes/evidence.ttl), whose graph holds
        it, and each passage has one quote, so the quotes are read afterwards, for the facts
        shown only (a country's 3,000 claims in 20 documents, joined to their passages and
        quotes, took 90 ms at 10 M quads). None for the claims when a value is a blank node
        (chosen by its quote: every fact must be read with its quote)."""
        doc_of: dict[str, list[str]] = defaultdict(list)  # by the claim's IRI
        by_side: dict[str, dict[str, None]] = defaultdict(dict)
        for d, c, side in named:
            docs = doc_of[c[1:-1]]
            if d not in docs:
                docs.append(d)
            by_side[side][c] = None
        claims_of: dict[tuple[str, str, ox.Term], list[str]] = defaultdict(list)
        other = {RDF + "subject": "rdf:object", RDF + "object": "rdf:subject"}
        for side, claims in sorted(by_side.items()):
            listed = list(claims)
            for start in range(0, len(listed), ALL_LIMIT):
                chunk = " ".join(listed[start:start + ALL_LIMIT])
                for c, p, o in self._q(f"""SELECT ?c ?p ?o WHERE {{ VALUES ?c {{ {chunk} }}
                        ?c rdf:predicate ?p ; {other[side]} ?o }}"""):
                    for d in doc_of[c.value]:
                        claims_of[(d, p.value, o)].append(c.value)
        if any(isinstance(o, ox.BlankNode) for _, _, o in claims_of):
            return [], None
        rows = [{"doc": ox.NamedNode(d), "p": ox.NamedNode(p), "o": o}
                for d, p, o in claims_of]
        return rows, claims_of

    def _quoted(self, shown: dict[str, list[dict]],
                claims_of: dict[tuple[str, str, ox.Term], list[str]]) -> dict[str, list[dict]]:
        """The facts `shown`, each with the least quote ("exact passage") of its claims'
        passages in its document; a fact without one is not shown (in data the shapes accept,
        every claim has one: it would still be counted in the document's "… n more")."""
        claims = {(doc, i): claims_of[(doc, row["p"].value, row["o"])]
                  for doc, facts in shown.items() for i, row in enumerate(facts)}
        wanted = sorted({(c, doc) for (doc, _), cs in claims.items() if safe_iri(doc)
                         for c in cs})
        quote: dict[tuple[str, str], str] = {}
        for start in range(0, len(wanted), ALL_LIMIT):
            pairs = " ".join(f"(<{c}> {_iri(doc)})" for c, doc in wanted[start:start + ALL_LIMIT])
            for c, doc, q in self._q(f"""SELECT ?c ?doc (MIN(CONCAT(STR(?x), " ", STR(?pa))) AS ?q)
                    WHERE {{ VALUES (?c ?doc) {{ {pairs} }} ?c prov:wasQuotedFrom ?pa .
                             ?pa ctip:inDocument ?doc ; oa:hasSelector ?sel . ?sel oa:exact ?x }}
                    GROUP BY ?c ?doc"""):
                if q is not None:
                    quote[(c.value, doc.value)] = q.value
        out: dict[str, list[dict]] = {}
        for doc, facts in shown.items():
            out[doc] = []
            for i, row in enumerate(facts):
                quotes = [quote[(c, doc)] for c in claims[(doc, i)] if (c, doc) in quote]
                if quotes:
                    out[doc].append(dict(row, quote=ox.Literal(min(quotes))))
        return out

    def _fragments(self, outgoing) -> dict[str, list[tuple[ox.NamedNode, ox.Term]]]:
        """Fragment resources (…#position, …#quote) described on this page."""
        frags = {o.value for p, o in outgoing if isinstance(o, ox.NamedNode)
                 and o.value.startswith(self.iri + "#")}
        found: dict[str, list] = defaultdict(list)
        if not frags:
            return found
        values = " ".join(_iri(f) for f in sorted(frags) if safe_iri(f))
        for row in self._q(f"SELECT ?f ?p ?o WHERE {{ VALUES ?f {{ {values} }} ?f ?p ?o }}"):
            found[row["f"].value].append((row["p"], row["o"]))
        return found

    def _claims(self, pattern: str, key, shown: tuple[str, list[tuple[ox.Term, ox.Term]]],
                long: Callable[[ox.Term, ox.Term], bool] = lambda a, b: False,
                by_value: tuple[str, str, str] = ("", "", ""), about: int = 0
                ) -> dict[tuple, list[tuple[str, list[str]]]]:
        """Claims matching `pattern` about the facts shown (variables and their values), by
        fact key, each with its quoted passages. The facts of `long` lists (a hub's hundreds
        of passages, claims, …) are found from their values (`by_value`: the variable, the
        pattern of a claim of that value, the rest of `pattern`), the others from the
        resource's claims (`about`: how many there are), or from their values when these have
        fewer."""
        by_claim: dict[str, tuple[tuple, list[str]]] = {}
        variables, pairs = shown
        value, claim_of_value, rest = by_value
        at = variables.split().index(value) if value else 0
        # a fact whose property no claim states has no claims (a hub's types and labels:
        # reading its thousands of claims to find none took 20-30 ms at 5 M quads; the claims
        # of the documents USAID published, looked up by document, 8 ms)
        prop = variables.split().index("?p")
        claimed = self._claimed({(a, b)[prop].value for a, b in pairs})
        pairs = [(a, b) for a, b in pairs if (a, b)[prop].value in claimed]
        wanted = {(a, b) for a, b in pairs if value and long(a, b)}  # found from values
        others = {(a, b) for a, b in pairs if (a, b) not in wanted}
        if value and others and self._few_claims(
                value, claim_of_value, {_term((a, b)[at]) for a, b in others}, about):
            wanted |= others  # their values have fewer claims than the resource
        written = {f"({_term(a)} {_term(b)})": ((a, b) in wanted, _term((a, b)[at]))
                   for a, b in wanted | others if _term(a) and _term(b)}
        rows = []
        for from_values in (False, True):
            some = sorted(w for w, (flag, _) in written.items() if flag == from_values)
            for start in range(0, len(some), 300):
                chunk = some[start:start + 300]
                if from_values:
                    # a long list's values (passages, claims, …) find their few claims; the
                    # resource's thousands are not read (20 ms → 1.4 ms at 5 M quads). Not in
                    # a sub-query: its result was joined to the rest by reading every claim of
                    # the resource (25 ms → 0.4 ms for 20 passages of a country at 5 M)
                    distinct = " ".join(sorted({written[w][1] for w in chunk}))
                    where = f"VALUES {value} {{ {distinct} }} {claim_of_value} {rest}"
                else:
                    # the claims about this resource first (a sub-query: the engine would
                    # otherwise start from the VALUES and scan every claim of each predicate;
                    # 1.6 s → 8 ms for the page of Mali on the project data), then the facts
                    where = (f"{{ SELECT ?claim {variables} WHERE {{ {pattern} }} }} "
                             f"VALUES ({variables}) {{ {' '.join(chunk)} }}")
                found = self._q(f"""
                    SELECT ?claim ?s ?p ?o ?passage WHERE {{
                      {where}
                      OPTIONAL {{ ?claim prov:wasQuotedFrom ?passage }}
                    }} ORDER BY STR(?claim) STR(?passage) LIMIT {ALL_LIMIT}""")
                rows.extend(row for row in found if not from_values or key(row) in wanted)
        for row in rows:
            claim = row["claim"].value
            entry = by_claim.setdefault(claim, (key(row), []))
            if row["passage"] is not None:
                entry[1].append(row["passage"].value)
        claims: dict[tuple, Claims] = defaultdict(Claims)
        for claim, (k, pas) in by_claim.items():
            claims[k].every.append(claim)
            if len(claims[k]) < EVIDENCE_LIMIT:  # the claims a value shows (its /trace: all)
                claims[k].append((claim, pas))
        return claims

    def _few_claims(self, value: str, claim_of_value: str, values: set[str],
                    about: int) -> bool:
        """Whether the claims of `values` (`claim_of_value`: the pattern of a claim of `value`)
        are fewer than the `about` claims of the resource and than FEW_CLAIMS: counted up to
        that, and only when the resource has many (reading a hub's 4,500 claims to find those
        of one fact took 25 ms at 5 M quads)."""
        bound = min(about, FEW_CLAIMS)
        if about <= MANY_CLAIMS or "" in values:
            return False
        found = next(iter(self._q(f"""SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT * WHERE {{
            VALUES {value} {{ {' '.join(sorted(values))} }} {claim_of_value} }} LIMIT {bound}
            }} }}""")))
        return int(found["n"].value) < bound

    def _claimed(self, properties: set[str]) -> set[str]:
        """Those of `properties` that some claim states (rdf:predicate), each asked once for
        the application's life (a served store is never written), unless `warm` has read
        them all."""
        cache = current_app.extensions.setdefault(CLAIMED_CACHE, {})
        if cache.get(ALL_PROPERTIES):
            return {p for p in properties if cache.get(p)}
        for p in sorted(properties - cache.keys()):
            cache[p] = safe_iri(p) and bool(self._q(f"ASK {{ ?c rdf:predicate {_iri(p)} }}"))
        return {p for p in properties if cache[p]}

    def _passage_info(self, passages: set[str]) -> dict[str, dict]:
        """The quote, document, section and order of passages (each looked up once a page)."""
        info = self._info
        wanted = sorted(p for p in passages if p not in info and safe_iri(p))
        for start in range(0, len(wanted), 300):
            values = " ".join(_iri(p) for p in wanted[start:start + 300])
            rows = self._q(f"""
                SELECT ?x ?exact ?doc ?section ?order WHERE {{
                  VALUES ?x {{ {values} }}
                  OPTIONAL {{ ?x oa:hasSelector ?sel . ?sel oa:exact ?exact }}
                  OPTIONAL {{ ?x ctip:inDocument ?doc }}
                  OPTIONAL {{ ?x ctip:inSection ?section }}
                  OPTIONAL {{ ?x ctip:order ?order }}
                }}""")
            for row in rows:
                entry = info.setdefault(row["x"].value, {})
                for name in ("exact", "doc", "section", "order"):
                    if row[name] is not None and name not in entry:
                        entry[name] = row[name].value
        return info

    def _inferred(self, claim: str) -> bool:
        """Whether a claim is inferred (ctip:inferred true): implied, not stated."""
        cache = self.__dict__.setdefault("_inferred_cache", {})
        if claim not in cache:
            cache[claim] = bool(safe_iri(claim)) and bool(self.store.query(
                PREFIX + f"ASK {{ {_iri(claim)} ctip:inferred true }}"))
        return cache[claim]

    def _prefetch_inferred(self, claims: set[str]) -> None:
        """`_inferred` of many claims with one query per 500 (a hub page shows hundreds)."""
        cache = self.__dict__.setdefault("_inferred_cache", {})
        wanted = sorted(c for c in claims if c not in cache and safe_iri(c))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            values = " ".join(_iri(c) for c in chunk)
            found = {row["c"].value for row in self.store.query(
                PREFIX + f"SELECT ?c WHERE {{ VALUES ?c {{ {values} }} ?c ctip:inferred true }}")}
            cache.update((c, c in found) for c in chunk)

    def _evidence(self, claims: Claims, info: dict[str, dict]) -> dict | None:
        """The claims behind one value: how many, whether every one is inferred, and those
        shown (at most EVIDENCE_LIMIT: its /trace has them all)."""
        if not claims.every:
            return None
        out = []
        for claim, passages in claims:
            out.append({
                "claim": term(ox.NamedNode(claim), self.labeller),
                "inferred": self._inferred(claim),
                "passages": [
                    {"passage": term(ox.NamedNode(pa), self.labeller),
                     "exact": info.get(pa, {}).get("exact"),
                     "document": (term(ox.NamedNode(info[pa]["doc"]), self.labeller)
                                  if info.get(pa, {}).get("doc") else None)}
                    for pa in passages
                ],
            })
        return {"claims": out, "count": len(claims.every),
                "inferred": all(self._inferred(c) for c in claims.every)}

    def _groups(self, pairs, fact, claims, claim_key, *, counts=None, limit=OUT_LIMIT) -> list:
        """Facts grouped by property, with the evidence behind each."""
        info = self._passage_info({pa for lst in claims.values() for _, pas in lst for pa in pas})
        self._prefetch_inferred({claim for lst in claims.values() for claim in lst.every})
        by_prop: dict[str, list] = defaultdict(list)
        props: dict[str, ox.NamedNode] = {}
        for p, other in pairs:
            props[p.value] = p
            by_prop[p.value].append(other)
        groups = []
        for p_iri, others in by_prop.items():
            p = props[p_iri]
            values = []
            for other in others:
                evidence = self._evidence(claims.get(claim_key(p, other), Claims()), info)
                s, pp, o = fact(p, other)
                values.append({
                    "term": term(other, self.labeller),
                    "evidence": evidence,
                    "trace": trace_href(s, pp, o) if evidence and isinstance(s, ox.NamedNode)
                    else None,
                })
            values.sort(key=lambda v: (v["term"].get("label") or v["term"].get("value") or "",
                                       v["term"].get("iri", "")))
            total = counts.get(p_iri, len(values)) if counts else len(values)
            shown = values[:limit]
            before = (self.page - 1) * self._step(limit) if total > limit else 0
            groups.append({"property": term(p, self.labeller), "rows": shown,
                           "total": total, "more": max(0, total - before - len(shown))})
        groups.sort(key=lambda g: (g["property"]["label"].lower(), g["property"]["iri"]))
        return groups

    def _passage_block(self, outgoing, fragments) -> dict | None:
        selectors = [o.value for p, o in outgoing
                     if p.value == HAS_SELECTOR and isinstance(o, ox.NamedNode)]
        if not selectors:
            return None
        block: dict = {"selectors": []}
        for sel in selectors:
            for p, o in fragments.get(sel, []):
                name = p.value.rsplit("#", 1)[-1]
                if p.value.startswith(OA) and name in ("exact", "prefix", "suffix", "start",
                                                       "end"):
                    block[name] = o.value
        for p, o in outgoing:
            for key, prop in (("document", IN_DOCUMENT), ("section", IN_SECTION),
                              ("table", IN_TABLE), ("row", IN_ROW)):
                if p.value == prop and isinstance(o, ox.NamedNode):
                    block[key] = term(o, self.labeller)
        return block

    def _statement_block(self, outgoing) -> dict | None:
        parts = {p.value: o for p, o in outgoing}
        s, p, o = (parts.get(RDF + "subject"), parts.get(RDF + "predicate"),
                   parts.get(RDF + "object"))
        if s is None or p is None or o is None:
            return None
        return {
            "subject": term(s, self.labeller), "predicate": term(p, self.labeller),
            "object": term(o, self.labeller),
            "trace": trace_href(s, p, o) if isinstance(s, ox.NamedNode) else None,
        }

    def _mentions(self, passages: list[ox.NamedNode], info: dict[str, dict],
                  counts: dict[str, int]) -> list[dict]:
        """The documents that mention the resource, each with this page of the mentioning
        passages (`counts`: passages per document in all)."""
        by_doc: dict[str | None, list[str]] = defaultdict(list)
        for pa in passages:
            by_doc[info.get(pa.value, {}).get("doc")].append(pa.value)
        docs = []
        for doc, pas in by_doc.items():
            pas.sort(key=lambda x: int(info.get(x, {}).get("order") or 0))
            shown = pas[:self.mention_limit]
            total = counts.get(doc or "", len(pas))
            docs.append({
                "document": term(ox.NamedNode(doc), self.labeller) if doc else None,
                "count": total,
                "more": max(0, total - len(shown)),
                "passages": [{"passage": term(ox.NamedNode(x), self.labeller),
                              "exact": info.get(x, {}).get("exact")} for x in shown],
            })
        docs.sort(key=lambda d: d["document"]["label"] if d["document"] else "")
        return docs


# -- the ontology -----------------------------------------------------------------------------

_PROPERTY_KINDS = {
    OWL + "ObjectProperty": "object property",
    OWL + "DatatypeProperty": "datatype property",
    OWL + "AnnotationProperty": "annotation property",
    OWL + "SymmetricProperty": "symmetric",
    OWL + "TransitiveProperty": "transitive",
    OWL + "FunctionalProperty": "functional",
    OWL + "InverseFunctionalProperty": "inverse functional",
}


def document_years(store: GraphStore, docs: set[str]) -> dict[str, str]:
    """The year of each document (its reporting year, else the year it was issued; "" for
    neither), kept for the application's life (a served store is never written): every
    document's read on first use, a document not typed as one looked up when asked."""
    cache = current_app.extensions.setdefault(YEARS_CACHE, {})

    def read(scope: str) -> None:
        for doc, year, issued in store.query(PREFIX + f"""
                SELECT ?doc (MIN(STR(?y)) AS ?year) (MIN(STR(?i)) AS ?issued) WHERE {{
                  {scope}
                  OPTIONAL {{ ?doc ctip:reportingYear ?y }}
                  OPTIONAL {{ ?doc dcterms:issued ?i }}
                }} GROUP BY ?doc"""):
            when = year or issued
            cache[doc.value] = when.value[:4] if when is not None else ""

    if not cache.get(ALL_DOCUMENTS):
        read("?doc a ctip:SourceDocument")
        cache[ALL_DOCUMENTS] = "read"
    missing = sorted(d for d in docs if d not in cache and safe_iri(d))
    for start in range(0, len(missing), 300):
        read(f"VALUES ?doc {{ {' '.join(_iri(d) for d in missing[start:start + 300])} }}")
    return {d: cache[d] for d in docs if d in cache}


def claimed_properties(store: GraphStore) -> None:
    """Put every property some claim states (rdf:predicate) in the cache `_claimed` reads, in
    one pass over the claims (186 ms at 15 M quads, against an ASK of up to 26 ms for each
    property a page shows, on first use)."""
    cache = current_app.extensions.setdefault(CLAIMED_CACHE, {})
    for (p,) in store.query(PREFIX + "SELECT ?p WHERE { ?c rdf:predicate ?p } GROUP BY ?p"):
        if isinstance(p, ox.NamedNode):
            cache[p.value] = True
    cache[ALL_PROPERTIES] = True


def warm(app) -> None:
    """Read now (in a thread at start-up) what resource pages otherwise read on first use and
    keep: the year of every document and the properties claims state."""
    with app.app_context():
        store = get_store()
        document_years(store, set())
        claimed_properties(store)


def _fact_row(row) -> dict:
    """A row of a timeline's facts query (?doc ?p ?o ?quote) as a dict."""
    return {"doc": row["doc"], "p": row["p"], "o": row["o"], "quote": row["quote"]}


def _best(literals: list[ox.Literal]) -> str | None:
    if not literals:
        return None
    ranked = sorted(literals, key=lambda lit: (0 if lit.language in ("en", None) else 1,
                                               lit.language or "", lit.value))
    return ranked[0].value


def _ontology_graphs(store: GraphStore) -> dict:
    """Query only the ontology's named graph when the store has one (faster on a big store)."""
    graph = ONTOLOGY_GRAPH.value
    try:
        if graph in store.graphs():
            return {"default_graph": [graph]}
    except Exception:  # noqa: BLE001 - a store without named graphs
        pass
    return {}


def ontology_model(store: GraphStore) -> dict:
    """The ctip classes, properties and SKOS concept schemes, ready for the ontology page."""
    labeller = Labeller(store)
    scope = _ontology_graphs(store)
    facts: dict[str, dict[str, list[ox.Term]]] = defaultdict(lambda: defaultdict(list))
    rows = store.query(PREFIX + f"""
        SELECT ?x ?p ?o WHERE {{
          ?x ?p ?o .
          FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{CTIP}"))
        }}""", **scope)
    for row in rows:
        facts[row["x"].value][row["p"].value].append(row["o"])
    restrictions: dict[str, str] = {}
    for row in store.query(PREFIX + """
            SELECT ?r ?prop ?kind ?filler WHERE {
              ?r owl:onProperty ?prop ; ?kind ?filler .
              VALUES ?kind { owl:someValuesFrom owl:allValuesFrom owl:hasValue }
            }""", **scope):
        kind = row["kind"].value.rsplit("#", 1)[1]
        word = {"someValuesFrom": "some", "allValuesFrom": "only", "hasValue": "value"}[kind]
        restrictions[str(row["r"])] = (
            f"{display_iri(row['prop'].value)} {word} {display_iri(row['filler'].value)}")

    def terms(nodes: list[ox.Term]) -> list[dict]:
        out = []
        for n in nodes:
            if isinstance(n, ox.BlankNode):
                out.append({"kind": "literal", "value": restrictions.get(str(n), "(an anonymous "
                            "class)"), "lang": None, "datatype": None})
            else:
                out.append(term(n, labeller))
        return out

    for x, props in facts.items():
        labeller.want(x)
        for values in props.values():
            labeller.want(*(v.value for v in values if isinstance(v, ox.NamedNode)))
    labeller.resolve()

    classes, properties = [], []
    subclasses: dict[str, list[ox.NamedNode]] = defaultdict(list)
    subproperties: dict[str, list[ox.NamedNode]] = defaultdict(list)
    for x, props in facts.items():
        for sup in props.get(RDFS + "subClassOf", []):
            if isinstance(sup, ox.NamedNode):
                subclasses[sup.value].append(ox.NamedNode(x))
        for sup in props.get(RDFS + "subPropertyOf", []):
            if isinstance(sup, ox.NamedNode):
                subproperties[sup.value].append(ox.NamedNode(x))
    for x in sorted(facts):
        props = facts[x]
        types = {t.value for t in props.get(RDF_TYPE, [])}
        local = x[len(CTIP):]
        entry = {
            "iri": x, "local": local, "compact": display_iri(x),
            "label": _best(props.get(RDFS + "label", [])) or local,
            "comment": _best(props.get(RDFS + "comment", [])
                             + props.get(SKOS + "definition", [])),
        }
        if OWL + "Class" in types:
            entry.update(
                supers=terms(props.get(RDFS + "subClassOf", [])),
                equivalents=terms(props.get(OWL + "equivalentClass", [])),
                disjoint=terms(props.get(OWL + "disjointWith", [])),
                subs=terms(sorted(subclasses.get(x, []), key=lambda n: n.value)),
                class_href=class_href(x),
            )
            classes.append(entry)
        elif types & set(_PROPERTY_KINDS):
            entry.update(
                kinds=[_PROPERTY_KINDS[t] for t in _PROPERTY_KINDS if t in types],
                kind=next((_PROPERTY_KINDS[t] for t in list(_PROPERTY_KINDS)[:3] if t in types),
                          "property"),
                supers=terms(props.get(RDFS + "subPropertyOf", [])),
                subs=terms(sorted(subproperties.get(x, []), key=lambda n: n.value)),
                equivalents=terms(props.get(OWL + "equivalentProperty", [])),
                inverse=terms(props.get(OWL + "inverseOf", [])),
                domain=terms(props.get(RDFS + "domain", [])),
                range=terms(props.get(RDFS + "range", [])),
            )
            properties.append(entry)
    classes.sort(key=lambda c: c["label"].lower())
    properties.sort(key=lambda p: (p["kind"], p["label"].lower()))
    return {
        "header": _ontology_header(store),
        "classes": classes,
        "properties": properties,
        "schemes": _schemes(store, labeller),
        "hierarchy": _class_tree(classes),
    }


def _class_tree(classes: list[dict]) -> list[dict]:
    """The ctip class hierarchy as nested lists (only ctip superclasses count)."""
    by_iri = {c["iri"]: c for c in classes}
    children: dict[str | None, list[str]] = defaultdict(list)
    for c in classes:
        parents = [s["iri"] for s in c["supers"] if s.get("iri") in by_iri]
        for parent in parents or [None]:
            children[parent].append(c["iri"])

    def node(iri: str, seen: frozenset) -> dict:
        kids = [node(k, seen | {k}) for k in sorted(children.get(iri, []),
                key=lambda k: by_iri[k]["label"].lower()) if k not in seen]
        return {"iri": iri, "local": by_iri[iri]["local"], "label": by_iri[iri]["label"],
                "children": kids}

    return [node(k, frozenset({k})) for k in
            sorted(children.get(None, []), key=lambda k: by_iri[k]["label"].lower())]


def _ontology_header(store: GraphStore) -> dict:
    rows = store.query(PREFIX + """
        SELECT ?p ?o WHERE { <https://w3id.org/ctipgraph/ontology> ?p ?o }""")
    values: dict[str, list[ox.Term]] = defaultdict(list)
    for row in rows:
        values[row["p"].value].append(row["o"])

    def one(prop: str) -> str | None:
        lits = [v for v in values.get(prop, []) if isinstance(v, ox.Literal)]
        if lits:
            return _best(lits)
        nodes = values.get(prop, [])
        return nodes[0].value if nodes else None

    return {
        "title": one(DCTERMS + "title") or "ctipgraph ontology",
        "description": one(DCTERMS + "description"),
        "version": one(OWL + "versionInfo"),
        "version_iri": one(OWL + "versionIRI"),
        "license": one(DCTERMS + "license"),
        "created": one(DCTERMS + "created"),
        "modified": one(DCTERMS + "modified"),
        "prefix": one("http://purl.org/vocab/vann/preferredNamespacePrefix") or "ctip",
        "namespace": one("http://purl.org/vocab/vann/preferredNamespaceUri") or CTIP,
    }


def _schemes(store: GraphStore, labeller: Labeller) -> list[dict]:
    rows = store.query(PREFIX + """
        SELECT ?scheme ?concept ?p ?o WHERE {
          ?scheme a skos:ConceptScheme .
          { ?concept skos:inScheme ?scheme } UNION { ?concept skos:topConceptOf ?scheme }
          ?concept ?p ?o .
          VALUES ?p { skos:prefLabel skos:altLabel skos:definition skos:notation skos:broader
                      skos:topConceptOf rdf:type }
        }""")
    concepts: dict[str, dict[str, dict[str, list]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list)))
    for row in rows:
        concepts[row["scheme"].value][row["concept"].value][row["p"].value].append(row["o"])
    scheme_rows = store.query(PREFIX + """
        SELECT ?scheme ?label ?definition WHERE {
          ?scheme a skos:ConceptScheme .
          OPTIONAL { ?scheme skos:prefLabel ?label }
          OPTIONAL { ?scheme skos:definition ?definition }
        }""")
    schemes: dict[str, dict] = {}
    for row in scheme_rows:
        s = row["scheme"].value
        entry = schemes.setdefault(s, {"labels": [], "definitions": []})
        if row["label"] is not None:
            entry["labels"].append(row["label"])
        if row["definition"] is not None:
            entry["definitions"].append(row["definition"])
    labeller.want(*schemes, *(c for cs in concepts.values() for c in cs))
    labeller.resolve()
    out = []
    for s in sorted(schemes, key=lambda s: _best(schemes[s]["labels"]) or s):
        ordered = _concept_tree(concepts.get(s, {}), labeller)
        out.append({
            "iri": s, "href": href(s), "compact": display_iri(s),
            "label": _best(schemes[s]["labels"]) or labeller.label(s),
            "definition": _best(schemes[s]["definitions"]),
            "concepts": ordered,
        })
    return out


def _concept_tree(members: dict[str, dict[str, list]], labeller: Labeller) -> list[dict]:
    """A scheme's concepts in tree order (top concepts first, each followed by its narrower
    ones), each with its depth."""
    broader = {c: [b.value for b in props.get(SKOS + "broader", []) if b.value in members]
               for c, props in members.items()}
    children: dict[str | None, list[str]] = defaultdict(list)
    for c in members:
        for parent in broader[c] or [None]:
            children[parent].append(c)
    labels = {c: _best(props.get(SKOS + "prefLabel", [])) or fallback_label(c)
              for c, props in members.items()}
    ordered: list[dict] = []

    def walk(parent: str | None, depth: int, seen: frozenset) -> None:
        for c in sorted(children.get(parent, []), key=lambda c: labels[c].lower()):
            if c in seen:
                continue
            props = members[c]
            ordered.append({
                "iri": c, "href": href(c), "compact": display_iri(c), "label": labels[c],
                "depth": depth,
                "alt": sorted({a.value for a in props.get(SKOS + "altLabel", [])}),
                "definition": _best(props.get(SKOS + "definition", [])),
                "notation": _best(props.get(SKOS + "notation", [])),
                "types": [term(t, labeller) for t in props.get(RDF_TYPE, [])],
            })
            walk(c, depth + 1, seen | {c})

    walk(None, 0, frozenset())
    return ordered
