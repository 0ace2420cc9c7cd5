"""The document reader: `/read/<doc>` shows a source document's normalized text as HTML, with every
passage addressable (`#sentence-12`, `#table-2-row-3-cell-1`, `#ref-17-entry`, …), the passages
behind claims highlighted and linked to their facts, citation markers linked to the bibliography
entries they denote (with a preview), and every bibliography entry listing the passages citing it.
A passage read from a PDF, when it is the target (`#sentence-12`), shows its page with the passage
outlined (`pages.figure_markup`; the images load only then). `/read/<doc>.json` lists the passages
with their pages and boxes.

The HTML is built by slicing the text at the offsets of passages and citation markers
(`render_spans`): spans may nest or overlap, every character of the text is written exactly once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, url_for
from markupsafe import Markup, escape

from ..paths import TTL_DIR
from .app import get_store
from .describe import PREFIX
from .labels import ID, Labeller, href, shorten
from .markup import marks, plain
from .pages import figure_markup, passage_pages, pdf_sources
from .render import JSON_TWIN, html_response, json_response, split_suffix

bp = Blueprint("reader", __name__, template_folder="templates")

DOC_BASE = ID + "doc/"
DOC_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
#: facts named in the tooltip of a highlighted passage
TOOLTIP_FACTS = 8


# -- shared helpers (also used by the trace and evidence pages) ----------------------------------


def text_dir() -> Path:
    """Where the normalized texts are: app.config["TEXT_DIR"], by default data/ttl/."""
    return Path(current_app.config.get("TEXT_DIR") or TTL_DIR)


@lru_cache(maxsize=32)
def _read(path: str, mtime_ns: int) -> str:
    return Path(path).read_text(encoding="utf-8")


def read_text(name: str, directory: Path | None = None) -> str | None:
    """The normalized text `name` (a ctip:textFile value) or None when it is not at hand."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = (directory or text_dir()) / name
    if not path.is_file():
        return None
    return _read(str(path), path.stat().st_mtime_ns)


def doc_id_of(iri: str) -> str | None:
    """`usdol-findings-2017-mali` for a document IRI or any IRI under it."""
    if not iri.startswith(DOC_BASE):
        return None
    doc = iri[len(DOC_BASE):].split("/", 1)[0].split("#", 1)[0]
    return doc if DOC_ID.fullmatch(doc) else None


def anchor_id(iri: str) -> str:
    """The HTML id of a part of a document: its IRI path below the document, '/' → '-'."""
    doc = doc_id_of(iri)
    rest = iri[len(DOC_BASE) + len(doc) + 1:] if doc else iri
    return re.sub(r"[^A-Za-z0-9_-]", "-", rest.split("#", 1)[0].replace("/", "-")) or "top"


def reader_href(iri: str) -> str | None:
    """The reader page of a document, at the anchor of `iri` when it is a part of it."""
    doc = doc_id_of(iri)
    if doc is None:
        return None
    anchor = anchor_id(iri) if iri.rstrip("/") != DOC_BASE + doc else None
    return url_for("reader.read", name=doc, _anchor=anchor)


def error_response(status: int, message: str, detail: str, as_json: bool = False) -> Response:
    """An error page (or JSON body) saying what went wrong."""
    if as_json:
        return json_response({"error": message, "detail": detail}, status=status)
    return html_response("error.html", [], status=status, code=status, message=message,
                         detail=detail)


# -- slicing the text into nested spans ----------------------------------------------------------


@dataclass
class Span:
    """An element around text[start:end]: attrs go on its first fragment (an element cut by an
    overlapping one is continued without its id); `inner` is markup written right after its
    first opening tag. A span with start == end is written as an empty element."""

    start: int
    end: int
    tag: str = "span"
    attrs: dict[str, str] = field(default_factory=dict)
    rank: int = 0  # for spans with the same offsets: the lower rank is the outer element
    inner: str = ""


def _open(span: Span, first: bool) -> str:
    attrs = dict(span.attrs)
    if not first:
        attrs.pop("id", None)
        attrs["class"] = (attrs.get("class", "") + " cont").strip()
    rendered = "".join(f' {k}="{escape(v)}"' for k, v in attrs.items())
    return f"<{span.tag}{rendered}>" + (span.inner if first else "")


def render_spans(text: str, spans: list[Span]) -> Markup:
    """`text` as escaped HTML with the spans as elements. Overlapping spans are cut into
    fragments, so the output always nests and holds every character of `text` exactly once."""
    n = len(text)
    ranges: list[tuple[int, int, int, int, Span]] = []
    points: dict[int, list[Span]] = {}
    for index, span in enumerate(spans):
        start, end = max(0, min(n, span.start)), max(0, min(n, span.end))
        if end < start:
            start, end = end, start
        if start == end:
            points.setdefault(start, []).append(span)
        else:
            ranges.append((start, -end, span.rank, index, span))
    ranges.sort(key=lambda r: r[:4])
    starts: dict[int, list[tuple[int, Span]]] = {}
    for start, neg_end, _, _, span in ranges:
        starts.setdefault(start, []).append((-neg_end, span))
    bounds = sorted({0, n, *starts, *points, *(-r[1] for r in ranges)})
    out: list[str] = []
    stack: list[tuple[int, Span]] = []  # (end, span)
    for i, pos in enumerate(bounds):
        closing = [k for k, (end, _) in enumerate(stack) if end <= pos]
        if closing:
            cut = closing[0]
            popped = stack[cut:]
            out.extend(f"</{span.tag}>" for _, span in reversed(popped))
            del stack[cut:]
            for end, span in popped:
                if end > pos:
                    out.append(_open(span, first=False))
                    stack.append((end, span))
        for span in points.get(pos, ()):
            out.append(_open(span, first=True) + f"</{span.tag}>")
        for end, span in starts.get(pos, ()):
            out.append(_open(span, first=True))
            stack.append((end, span))
        following = bounds[i + 1] if i + 1 < len(bounds) else n
        out.append(str(escape(text[pos:following])))
    out.extend(f"</{span.tag}>" for _, span in reversed(stack))
    return Markup("".join(out))


def locate(text: str, start: int, end: int, exact: str) -> tuple[int, int] | None:
    """Where `exact` is in the text: at its offsets, else its occurrence nearest to them."""
    if text[start:end] == exact:
        return start, end
    if not exact:
        return None
    best, pos = None, text.find(exact)
    while pos != -1:
        if best is None or abs(pos - start) < abs(best - start):
            best = pos
        pos = text.find(exact, pos + 1)
    return (best, best + len(exact)) if best is not None else None


# -- the document model --------------------------------------------------------------------------


def _v(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else ""


def passage_kind(iri: str) -> str:
    """'sentence', 'row', 'cell', 'footnote', 'entry', 'item', 'field', … from the IRI path."""
    parts = anchor_id(iri).split("-")
    words = [p for p in parts if p and not p.isdigit()]
    return words[-1] if words else "passage"


def passage_name(iri: str) -> str:
    """'sentence 12', 'table 10 · row 3 · cell 2', 'ref 17 · entry'."""
    doc = doc_id_of(iri)
    rest = iri[len(DOC_BASE) + len(doc) + 1:] if doc else iri
    parts = rest.split("#", 1)[0].split("/")
    pairs = [" ".join(parts[i:i + 2]) for i in range(0, len(parts), 2)]
    return " · ".join(pairs)


class DocumentReader:
    """Everything the reader page of one document shows."""

    def __init__(self, store, doc_iri: str, text: str,
                 pages: dict[str, list[dict]] | None = None) -> None:
        self.store = store
        self.doc = doc_iri
        self.text = text
        #: the PDF pages of passages (pages.passage_pages)
        self.pages = pages or {}
        self._page_starts: dict[str, list[int]] = {}
        self.labeller = Labeller(store)
        self.unplaced: list[dict] = []
        self._section_list: list[dict] | None = None

    def _rows(self, query: str) -> list[dict[str, object]]:
        solutions = self.store.query(PREFIX + "PREFIX cito: <http://purl.org/spar/cito/>\n"
                                     + query.replace("%doc%", f"<{self.doc}>"))
        names = [v.value for v in solutions.variables]
        return [{n: row[n] for n in names} for row in solutions]

    def passages(self) -> dict[str, dict]:
        rows = self._rows("""
            SELECT ?p (MIN(?s) AS ?start) (MIN(?e) AS ?end) (SAMPLE(?x) AS ?exact)
                   (SAMPLE(?sec) AS ?section) WHERE {
              ?p ctip:inDocument %doc% ; oa:hasSelector ?pos, ?q .
              ?pos oa:start ?s ; oa:end ?e . ?q oa:exact ?x .
              OPTIONAL { ?p ctip:inSection ?sec }
            } GROUP BY ?p""")
        found = {}
        for row in rows:
            iri = _v(row["p"])
            start, end, exact = int(_v(row["start"])), int(_v(row["end"])), _v(row["exact"])
            place = locate(self.text, start, end, exact)
            found[iri] = {"iri": iri, "start": start, "end": end, "exact": exact,
                          "place": place, "section": _v(row["section"]),
                          "kind": passage_kind(iri), "name": passage_name(iri),
                          "anchor": anchor_id(iri), "facts": [],
                          "pages": self.pages.get(iri, [])}
        for row in self._rows("""
            SELECT DISTINCT ?p ?s ?pred ?o WHERE {
              ?c a ctip:Claim ; prov:wasQuotedFrom ?p ; rdf:subject ?s ; rdf:predicate ?pred ;
                 rdf:object ?o .
              ?p ctip:inDocument %doc% .
            } ORDER BY ?p STR(?s) STR(?pred) STR(?o)"""):
            passage = found.get(_v(row["p"]))
            if passage is not None:
                passage["facts"].append((row["s"], row["pred"], row["o"]))
                self.labeller.want(*(t.value for t in (row["s"], row["pred"], row["o"])
                                     if isinstance(t, ox.NamedNode)))
        return found

    def citations(self) -> list[dict]:
        rows = self._rows("""
            SELECT ?c ?start ?end ?marker ?target ?passage WHERE {
              ?c a ctip:InTextCitation ; ctip:inDocument %doc% ; ctip:start ?start ;
                 ctip:end ?end ; ctip:denotes ?target .
              OPTIONAL { ?c ctip:markerText ?marker }
              OPTIONAL { ?c ctip:inPassage ?passage }
            }""")
        cites = [{"iri": _v(r["c"]), "start": int(_v(r["start"])), "end": int(_v(r["end"])),
                  "marker": _v(r["marker"]), "target": _v(r["target"]),
                  "passage": _v(r["passage"])} for r in rows]
        return sorted(cites, key=lambda c: (c["start"], _number(c["iri"]), c["iri"]))

    def references(self) -> list[dict]:
        rows = self._rows("""
            SELECT ?r ?key ?num ?text ?url ?onFile ?entry ?claims WHERE {
              ?r a ctip:Reference ; ctip:inDocument %doc% .
              OPTIONAL { ?r ctip:referenceKey ?key }
              OPTIONAL { ?r ctip:referenceNumber ?num }
              OPTIONAL { ?r ctip:referenceText ?text }
              OPTIONAL { ?r ctip:url ?url }
              OPTIONAL { ?r ctip:sourceOnFile ?onFile }
              OPTIONAL { ?r ctip:entry ?entry }
              OPTIONAL { SELECT ?r (COUNT(DISTINCT ?c) AS ?claims) WHERE {
                  ?c cito:citesAsEvidence ?r } GROUP BY ?r }
            }""")
        refs: dict[str, dict] = {}
        for row in rows:
            iri = _v(row["r"])
            ref = refs.setdefault(iri, {
                "iri": iri, "key": _v(row["key"]), "text": _v(row["text"]),
                "number": int(_v(row["num"])) if _v(row["num"]).isdigit() else None,
                "source_on_file": _v(row["onFile"]) in ("true", "1"), "urls": [],
                "entry": _v(row["entry"]), "anchor": anchor_id(iri), "href": href(iri),
                "claims": int(_v(row["claims"]) or 0), "cited_by": []})
            url = _v(row["url"])
            if url and url not in ref["urls"]:
                ref["urls"].append(url)
        return sorted(refs.values(), key=lambda r: (r["number"] is None, r["number"] or 0,
                                                    r["key"].lower(), r["iri"]))

    def build(self) -> dict:
        passages = self.passages()
        citations = self.citations()
        references = self.references()
        self.labeller.resolve()
        by_ref = {r["iri"]: r for r in references}
        spans: list[Span] = []
        self._page_starts = _page_starts(passages)
        for passage in sorted(passages.values(), key=lambda p: (p["start"], p["iri"])):
            spans.append(self._passage_span(passage))
        spans.extend(self._section_anchors(passages))
        spans.extend(structure_spans(self.text, passages.values()))
        spans.extend(markup_spans(self.text))
        spans.extend(self._marker_spans(citations, passages, by_ref))
        for cite in citations:
            ref = by_ref.get(cite["target"])
            passage = passages.get(cite["passage"])
            if ref is not None and passage is not None and not any(
                    p["iri"] == passage["iri"] for p in ref["cited_by"]):
                ref["cited_by"].append(passage)
        for ref in references:
            entry = passages.get(ref["entry"])
            ref["entry_anchor"] = entry["anchor"] if entry else None
            ref["cited_by"].sort(key=lambda p: (p["start"], p["iri"]))
        claimed = sum(1 for p in passages.values() if p["facts"])
        return {"body": render_spans(self.text, spans), "references": references,
                "unplaced": self.unplaced, "passages": len(passages), "claimed": claimed,
                "citations": len(citations), "sections": self._sections(passages),
                "items": sorted(passages.values(), key=lambda p: (p["start"], p["iri"])),
                "paged": sum(1 for p in passages.values() if p["pages"])}

    def _passage_span(self, passage: dict) -> Span:
        classes = ["p", f"p-{passage['kind']}"]
        inner = "".join(
            f'<a class="page-mark" href="#{passage["anchor"]}" data-label="page {n}" '
            f'aria-label="Page {n} of the PDF begins: show it"></a>'
            for n in self._page_starts.get(passage["iri"], ()))
        figures = "".join(figure_markup(view, passage["name"]) for view in passage["pages"])
        if figures:
            inner += f'<span class="pdf-pages">{figures}</span>'
        if passage["facts"]:
            classes.append("claimed")
            inner += self._claims_link(passage)
        place = passage["place"]
        if place is None:
            classes.append("unplaced")
            self.unplaced.append(passage)
            where = min(passage["start"], len(self.text))
            return Span(where, where, attrs={"id": passage["anchor"], "class": " ".join(classes)},
                        inner=inner)
        attrs = {"id": passage["anchor"], "class": " ".join(classes)}
        if passage["kind"] == "heading":
            attrs.update(role="heading", **{"aria-level": "2"})
        elif passage["kind"] == "row":
            attrs["role"] = "row"
        elif passage["kind"] == "item":
            attrs["role"] = "listitem"
        if passage["kind"] == "row" and _table_key(passage["iri"]):
            # a table row's marks go into its first cell (structure_spans): a mark in the row
            # itself would make a column of its own
            passage["cell_inner"] = inner.replace(figures and
                                                  f'<span class="pdf-pages">{figures}</span>', "")
            inner = f'<span class="pdf-pages">{figures}</span>' if figures else ""
        return Span(place[0], place[1], attrs=attrs, rank=passage["iri"].count("/"),
                    inner=inner)

    def _claims_link(self, passage: dict) -> str:
        facts = passage["facts"]
        names = [self._fact_name(*f) for f in facts[:TOOLTIP_FACTS]]
        more = f"; … {len(facts) - TOOLTIP_FACTS} more" if len(facts) > TOOLTIP_FACTS else ""
        title = (f"{len(facts)} fact{'s' if len(facts) != 1 else ''} quoted from this passage: "
                 + "; ".join(names) + more)
        target = trace_url(*facts[0]) if len(facts) == 1 else href(passage["iri"]) + "#stated"
        label = f"{len(facts)} fact{'s' if len(facts) != 1 else ''}: show the evidence"
        return (f'<a class="claims-link" href="{escape(target)}" title="{escape(title)}" '
                f'aria-label="{escape(label)}"></a>')

    def _fact_name(self, s, p, o) -> str:
        def name(t):
            return self.labeller.label(t.value) if isinstance(t, ox.NamedNode) else t.value
        return f"{shorten(name(s), 40)} — {name(p)} → {shorten(name(o), 40)}"

    def _sections(self, passages: dict[str, dict]) -> list[dict]:
        if self._section_list is not None:
            return self._section_list
        rows = self._rows("""
            SELECT ?sec (SAMPLE(?t) AS ?title) (MIN(?o) AS ?order) WHERE {
              ?sec a ctip:Section ; ctip:inDocument %doc% .
              OPTIONAL { ?sec dcterms:title ?t } OPTIONAL { ?sec ctip:order ?o }
            } GROUP BY ?sec""")
        firsts: dict[str, int] = {}
        for p in passages.values():
            if p["section"] and p["place"] is not None:
                firsts[p["section"]] = min(firsts.get(p["section"], p["place"][0]),
                                           p["place"][0])
        sections = [{"iri": _v(r["sec"]), "title": _v(r["title"]),
                     "order": int(_v(r["order"])) if _v(r["order"]).isdigit() else 0,
                     "anchor": anchor_id(_v(r["sec"])), "start": firsts.get(_v(r["sec"]))}
                    for r in rows]
        self._section_list = sorted(sections, key=lambda s: (s["order"], s["iri"]))
        return self._section_list

    def _section_anchors(self, passages: dict[str, dict]) -> list[Span]:
        return [Span(s["start"], s["start"], attrs={"id": s["anchor"], "class": "section-anchor"})
                for s in self._sections(passages) if s["start"] is not None]

    def _marker_spans(self, citations: list[dict], passages: dict[str, dict],
                      refs: dict[str, dict]) -> list[Span]:
        groups: dict[tuple[int, int], list[dict]] = {}
        for cite in citations:
            place = self._place_marker(cite, passages.get(cite["passage"]))
            if place is None:
                self.unplaced.append({"iri": cite["iri"], "name": passage_name(cite["iri"]),
                                      "exact": cite["marker"], "anchor": None})
                continue
            groups.setdefault(place, []).append(cite)
        spans = []
        for (start, end), cites in sorted(groups.items()):
            targets = []
            for cite in cites:
                if cite["target"] not in [t for t, _ in targets]:
                    targets.append((cite["target"], self._preview(cite["target"], refs,
                                                                  passages)))
            marker = self.text[start:end]
            parts = _split_marker(marker, [refs.get(t, {}).get("key", "") for t, _ in targets])
            if parts is None:
                title = " | ".join(preview for _, preview in targets)
                spans.append(Span(start, end, "a", {"class": "cite", "href": self._target_href(
                    targets[0][0]), "title": title}, rank=100))
                continue
            spans.append(Span(start, end, attrs={"class": "marker"}, rank=100))
            for (a, b), (target, preview) in zip(parts, targets, strict=True):
                spans.append(Span(start + a, start + b, "a", {
                    "class": "cite", "href": self._target_href(target), "title": preview},
                    rank=101))
        return spans

    def _place_marker(self, cite: dict, passage: dict | None) -> tuple[int, int] | None:
        start, end, marker = cite["start"], cite["end"], cite["marker"]
        if not marker:
            return (start, end) if 0 <= start < end <= len(self.text) else None
        if self.text[start:end] == marker:
            return start, end
        if passage and passage["place"] is not None:
            shift = passage["place"][0] - passage["start"]
            if self.text[start + shift:end + shift] == marker:
                return start + shift, end + shift
            found = self.text.find(marker, passage["place"][0], passage["place"][1])
            if found != -1:
                return found, found + len(marker)
        return None

    def _target_href(self, target: str) -> str:
        if doc_id_of(target) == doc_id_of(self.doc):
            return "#" + anchor_id(target)
        return href(target)

    def _preview(self, target: str, refs: dict[str, dict], passages: dict[str, dict]) -> str:
        ref = refs.get(target)
        if ref is not None:
            note = " [source on file]" if ref["source_on_file"] else ""
            return f"[{ref['key']}] {ref['text']}{note}".strip()
        passage = passages.get(target)
        if passage is not None:
            return f"{passage['name']}: {shorten(passage['exact'], 300)}"
        return target


# -- structure and markup: elements around the text, never a character more or less ------------


def markup_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Markdown and escapes of the text source (markup.marks) as elements: the marks hidden
    (still in the text, so offsets and quotes stay true), bold and italic text as such."""
    out = []
    for a, b, kind in marks(text[start:end] if (start or end is not None) else text):
        a, b = a + start, b + start
        if kind == "hide":
            out.append(Span(a, b, attrs={"class": "md-mark", "aria-hidden": "true"}, rank=300))
        else:
            out.append(Span(a, b, "strong" if kind == "strong" else "em",
                            attrs={"class": "md"}, rank=250))
    return out


def _table_key(iri: str) -> str | None:
    match = re.search(r"/table/([^/#]+)/row/", iri)
    return match.group(1) if match else None


def structure_spans(text: str, passages) -> list[Span]:
    """Tables as tables and lists as lists, around the passages that are their rows and items:
    consecutive rows of a table (only white space between them) in one role=table element, each
    row's tab-separated cells as role=cell elements, the tabs and line ends between them hidden;
    consecutive list items in one role=list element."""
    rows = sorted((p for p in passages if p["kind"] == "row" and p["place"] is not None
                   and _table_key(p["iri"])), key=lambda p: p["place"])
    items = sorted((p for p in passages if p["kind"] == "item" and p["place"] is not None),
                   key=lambda p: p["place"])
    spans: list[Span] = []

    def runs(members, same) -> list[list[dict]]:
        grouped: list[list[dict]] = []
        for p in members:
            if grouped:
                last = grouped[-1][-1]
                gap = text[last["place"][1]:p["place"][0]]
                if same(last, p) and last["place"][1] <= p["place"][0] and \
                        gap.strip(" \t\n-*•▪") == "" and gap.count("\n") <= 2:
                    grouped[-1].append(p)
                    continue
            grouped.append([p])
        return grouped

    for run in runs(rows, lambda a, b: _table_key(a["iri"]) == _table_key(b["iri"])):
        start, end = run[0]["place"][0], run[-1]["place"][1]
        spans.append(Span(start, end, attrs={"class": "tbl", "role": "table"}, rank=-2))
        previous = None
        for n, row in enumerate(run):
            a, b = row["place"]
            rank = row["iri"].count("/")
            if previous is not None and previous < a:
                spans.append(Span(previous, a, attrs={"class": "sep", "aria-hidden": "true"},
                                  rank=rank))
            previous = b
            # cells left empty before the row's text (tabs the passage does not hold): empty
            # cells closed and opened inside the first one, so the columns line up
            indent = 0
            while a - indent - 1 >= 0 and text[a - indent - 1] == "\t":
                indent += 1
            empty = "</span>" + _open(Span(a, a, attrs={"class": "td", "role": "cell"}), True)
            cell_start, lead = a, row.get("cell_inner", "") + empty * indent
            for i in range(a, b + 1):
                if i == b or text[i] == "\t":
                    spans.append(Span(cell_start, i, attrs={
                        "class": "td" + (" th" if n == 0 else ""), "role":
                        "columnheader" if n == 0 else "cell"}, rank=rank + 1, inner=lead))
                    lead = ""
                    if i < b:
                        spans.append(Span(i, i + 1, attrs={"class": "sep", "aria-hidden":
                                                           "true"}, rank=rank + 1))
                    cell_start = i + 1
    for run in runs(items, lambda a, b: True):
        if len(run) > 1:
            spans.append(Span(run[0]["place"][0], run[-1]["place"][1],
                              attrs={"class": "lst", "role": "list"}, rank=-2))
    return spans


def _page_starts(passages: dict[str, dict]) -> dict[str, list[int]]:
    """The passage each PDF page begins with (the first in the text, the outermost of those
    starting together), as {passage IRI: [page numbers]} for pages whose image is at hand."""
    first: dict[int, tuple[int, int, str]] = {}
    for p in passages.values():
        if p["place"] is None:
            continue
        key = (p["place"][0], p["iri"].count("/"), p["iri"])
        for view in p["pages"]:
            if "image" in view and (view["page"] not in first or key < first[view["page"]]):
                first[view["page"]] = key
    starts: dict[str, list[int]] = {}
    for page, (_, _, iri) in sorted(first.items()):
        starts.setdefault(iri, []).append(page)
    return starts


def _number(iri: str) -> int:
    tail = iri.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


#: the parts of a citation marker: split at ";" (author-year lists), else at ";" and ","
_MARKER_PARTS = (re.compile(r"[^\s();\[\]][^();\[\]]*"),
                 re.compile(r"[^\s();,\[\]][^();,\[\]]*"))


def _split_marker(marker: str, keys: list[str]) -> list[tuple[int, int]] | None:
    """The places of each target's part in a marker like '(33; 3; 34; 4)', in target order
    (matched by key where the parts are the keys); None when the marker cannot be split."""
    if len(keys) < 2:
        return None
    for pattern in _MARKER_PARTS:
        parts = [(m.start(), m.start() + len(m.group().rstrip()))
                 for m in pattern.finditer(marker) if m.group().strip()]
        if len(parts) != len(keys):
            continue
        texts = [marker[a:b] for a, b in parts]
        if sorted(texts) == sorted(keys) and len(set(keys)) == len(keys):
            return [parts[texts.index(k)] for k in keys]
        return parts
    return None


def trace_url(s: object, p: object, o: object) -> str:
    """The /trace page of a fact (an IRI object bare, a literal in N-Triples form)."""
    obj = o.value if isinstance(o, ox.NamedNode) else str(o)
    s_text = s.value if isinstance(s, ox.NamedNode) else str(s)
    p_text = p.value if isinstance(p, ox.NamedNode) else str(p)
    return url_for("trace.trace_page") + "?" + urlencode({"s": s_text, "p": p_text, "o": obj})


@bp.app_template_filter("reader_text")
def reader_text(text: str | None) -> Markup:
    """A quote shown on a page: its markdown rendered and its marks hidden, every character kept
    (copying it copies the quote as stored)."""
    if not text:
        return Markup("")
    return render_spans(text, markup_spans(text))


@bp.app_template_filter("plain_text")
def plain_text(text: str | None) -> str:
    """A quote without its marks (where no markup can go: a title attribute)."""
    return plain(text or "")


# -- the page ------------------------------------------------------------------------------------


def _cache() -> dict:
    return current_app.extensions.setdefault("ctipgraph.reader.cache", {})


@bp.get("/read/<name>")
def read(name: str):
    stem, suffix = split_suffix(name, ["txt", "json"])
    if not DOC_ID.fullmatch(stem):
        return error_response(404, "Not found", f"No document is called {stem!r}.")
    store = get_store()
    doc = DOC_BASE + stem
    info = {_v(r["p"]): _v(r["o"]) for r in store.query(PREFIX + f"""
        SELECT ?p (SAMPLE(?v) AS ?o) WHERE {{
          <{doc}> a ctip:SourceDocument ; ?p ?v .
          FILTER(?p IN (dcterms:title, ctip:textFile, dcterms:issued, ctip:reportingYear,
                        ctip:sourceURL, dcterms:publisher))
        }} GROUP BY ?p""")}
    exists = bool(store.query(PREFIX + f"ASK {{ <{doc}> a ctip:SourceDocument }}"))
    if not exists:
        return error_response(404, "Not found", f"There is no source document {doc}.")
    text_file = info.get("https://w3id.org/ctipgraph/ontology#textFile", "")
    text = read_text(text_file)
    if text is None:
        return error_response(404, "Text not available",
                              f"The normalized text of {doc} ({text_file or 'no ctip:textFile'}) "
                              f"is not in {text_dir()}.")
    if suffix == "txt":
        response = Response(text, mimetype="text/plain")
        response.charset = "utf-8"
        return response
    source = pdf_sources().source(stem)
    key = (stem, str(text_dir()), str(pdf_sources().sources_dir), source and source.sha256)
    cache = _cache()
    if key not in cache:
        pages = passage_pages(store, document=doc)
        cache[key] = DocumentReader(store, doc, text, pages).build()
    model = cache[key]
    publisher = info.get("http://purl.org/dc/terms/publisher", "")
    labeller = Labeller(store)
    labeller.want(publisher)
    page = {
        "iri": doc, "id": stem, "href": href(doc),
        "title": info.get("http://purl.org/dc/terms/title") or stem,
        "issued": info.get("http://purl.org/dc/terms/issued", ""),
        "reporting_year": info.get("https://w3id.org/ctipgraph/ontology#reportingYear", ""),
        "source_url": info.get("https://w3id.org/ctipgraph/ontology#sourceURL", ""),
        "publisher": {"label": labeller.label(publisher), "href": href(publisher)}
        if publisher else None,
        "text_file": text_file, "chars": len(text),
        "text_href": url_for("reader.read", name=stem + ".txt"),
    }
    if source is not None:
        page["pdf"] = {"href": url_for("pages.source_pdf", name=stem + ".pdf"),
                       "pages": source.page_count}
    alternates = [{"href": page["text_href"], "type": "text/plain; charset=utf-8",
                   "title": "Plain text"},
                  {"href": url_for("reader.read", name=stem + ".json"),
                   "type": JSON_TWIN.mimetype, "title": "Passages as JSON"}]
    if suffix == "json":
        return json_response(_reader_data(page, model), alternates)
    return html_response("reader.html", alternates, doc=page, m=model)


def _reader_data(doc: dict, model: dict) -> dict:
    """The reader's data for machines: the document and every passage with its place in the
    text, the facts quoting it, and its PDF pages (boxes in points, the page image, the PDF)."""
    def term(t: object) -> str:
        return t.value if isinstance(t, ox.NamedNode) else str(t)

    passages = [{"iri": p["iri"], "anchor": p["anchor"], "kind": p["kind"], "name": p["name"],
                 "start": p["start"], "end": p["end"], "placed": p["place"] is not None,
                 "exact": p["exact"], "section": p["section"] or None,
                 "facts": [{"s": term(s), "p": term(pr), "o": term(o)}
                           for s, pr, o in p["facts"]],
                 "pages": p["pages"]} for p in model["items"]]
    document = {k: v for k, v in doc.items() if k != "text_href"}
    document["text"] = doc["text_href"]
    return {"document": document, "passages": passages, "claimed": model["claimed"],
            "citations": model["citations"], "references": len(model["references"])}
