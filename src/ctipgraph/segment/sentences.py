"""Sentence splitting: pysbd, then post-rules for what it gets wrong in these reports.

* citation markers after the full stop stay with the sentence before: "… trafficking. (1; 2)",
  "… trafficking.(1-8)", "… as well.¹¹";
* no split after abbreviations that cannot end a sentence ("No.", "Art.", "Dr.", "e.g.", "i.e.")
  nor inside parentheses, nor before a lower-case word;
* a paragraph may come in pieces (interrupted by a page banner or a footnote): the pieces are
  split as one text and a sentence crossing a break comes back as one span per piece;
* linear time on hostile text: pysbd gets at most 4,000 characters at once and its sentences
  are located without its quadratic search, the merge rules read a sentence's end only (a
  100,000-character line of "a. a. a. …": a second, not minutes).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pysbd

from ..read.model import Span

_NUM_MARKER = r"\(\s*\d{1,3}(?:\s*[-–]\s*\d{1,3})?(?:\s*[;,]\s*\d{1,3}(?:\s*[-–]\s*\d{1,3})?)*\s*\)"
_SUP = r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+"
_LEADING_MARKER = re.compile(rf"\s*(?:{_NUM_MARKER}|{_SUP})")
_FORCED_SPLIT = re.compile(
    rf"(?<=[.!?])[\"”’)]?\s*(?:{_NUM_MARKER}|{_SUP})(?P<cut>)\s+(?=[A-Z“\"])"
)


def _wordset(words: str) -> list[str]:
    return words.split()


_NO_END_ABBREV = frozenset(
    _wordset("no nos art arts dr mr mrs ms prof st vol vols pp p fig figs approx cf vs e.g i.e ca")
)
_LAST_TOKEN = re.compile(r"(\S+)\.\s*$")
_WORDY = re.compile(r"\w")
_TERMINAL = re.compile(r"[.!?…][\"”’')\]*]*(?:\s*\([^()]*\))*\.?[⁰¹²³⁴⁵⁶⁷⁸⁹]*$")
_CLOSERS = "”’)]»"


#: The longest text given to pysbd at once (see _pysbd_sentences).
_PYSBD_MAX = 4000
_LIKELY_END = re.compile(r"[.!?…][\"”’')\]]*\s+(?=[A-Z“\"])")
#: How much of a sentence's end the merge rules read (its last token, its closing marks).
_TAIL = 2000


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def _located(view: str, start: int, end: int) -> list[str]:
    """``pysbd.Segmenter.segment(view[start:end])`` (each sentence with the whitespace after
    it) in linear time. pysbd locates each sentence by scanning every earlier occurrence of it
    from the start of the text: quadratic in a text of repeated sentences ("a. a. a. …"). A
    sentence ends where the previous one's trailing whitespace ends, so a match can only start
    after ``prior_end - len(sentence)``: the scan starts there."""
    text = view[start:end]
    if not text:
        return []
    out: list[str] = []
    prior_end = 0
    for sent in _segmenter().processor(text).process():
        pattern = re.compile(re.escape(sent) + r"\s*")
        for match in pattern.finditer(text, max(0, prior_end - len(sent))):
            if match.end() > prior_end:
                out.append(match.group())
                prior_end = match.end()
                break
    return out


def _chunks(view: str) -> list[tuple[int, int]]:
    """``view`` in pieces of at most _PYSBD_MAX characters, each cut after a likely sentence
    end (else at a space) in the second half of the piece; a shorter view is one piece."""
    out: list[tuple[int, int]] = []
    start = 0
    while len(view) - start > _PYSBD_MAX:
        floor, limit = start + _PYSBD_MAX // 2, start + _PYSBD_MAX
        cut = 0
        for match in _LIKELY_END.finditer(view, floor, limit):
            cut = match.end()
        if not cut:
            cut = view.rfind(" ", floor, limit) + 1 or limit
        out.append((start, cut))
        start = cut
    out.append((start, len(view)))
    return out


def _pysbd_sentences(view: str) -> list[str]:
    """pysbd's sentences of ``view`` in order, each with the whitespace after it. pysbd's
    abbreviation pass rewrites the whole text once per abbreviation found in it, so a long view
    (no paragraph of the reports comes near _PYSBD_MAX) is given to it in pieces: linear time
    on a line of 100,000 characters."""
    return [sent for start, end in _chunks(view) for sent in _located(view, start, end)]


def _pysbd_spans(view: str) -> list[list[int]]:
    """pysbd's sentences located in ``view`` (stripped ranges)."""
    out: list[list[int]] = []
    cursor = 0
    for seg in _pysbd_sentences(view):
        piece = seg.strip()
        if not piece:
            continue
        at = view.find(piece, cursor)
        if at < 0:  # pysbd changed the text: give up on finer splits for the rest
            rest = view[cursor:]
            lead = len(rest) - len(rest.lstrip())
            if rest.strip():
                out.append([cursor + lead, cursor + len(rest.rstrip())])
            return out
        out.append([at, at + len(piece)])
        cursor = at + len(piece)
    return out


def _ends_with_abbreviation(s: str) -> bool:
    m = _LAST_TOKEN.search(s)
    if not m:
        return False
    token = m.group(1).lstrip("(\"“'‘").lower()
    return token in _NO_END_ABBREV or (len(token) == 1 and token.isalpha())


def _is_trailing_marker(view: str, prev: list[int], marker: str) -> bool:
    """Does ``marker`` (at the start of a sentence) close the previous sentence instead?

    "(7; 8; 1) Table 1 …" after a full stop: yes. "(2) The second …" after a sentence that starts
    with "(1)", or after a colon: no, that is an enumeration.
    """
    before = view[prev[0] : prev[1]].rstrip()
    if not _TERMINAL.search(before):
        return False
    if marker[0] != "(" or re.search(r"[;,\-–]", marker):
        return True  # superscripts and multi-number markers are citations
    number = int(marker.strip("() "))
    previous_item = re.match(r"\(\s*(\d{1,3})\s*\)", before)
    return not (previous_item and int(previous_item.group(1)) == number - 1)


def _back(view: str, k: int) -> int:
    """The end of the text before ``k`` once whitespace is skipped."""
    while k > 0 and view[k - 1].isspace():
        k -= 1
    return k


def _strip(view: str, s: int, e: int) -> tuple[int, int]:
    while s < e and view[s].isspace():
        s += 1
    while e > s and view[e - 1].isspace():
        e -= 1
    return s, e


def _forced_splits(view: str, segs: list[list[int]]) -> list[list[int]]:
    """Split after "… end. (12) Next" where pysbd kept the sentences together."""
    split: list[list[int]] = []
    for s, e in segs:
        cut_from = s
        for m in _FORCED_SPLIT.finditer(view, s, e):
            cut = m.start("cut")
            if cut_from < cut < e:
                split.append([cut_from, cut])
                cut_from = cut
        split.append([cut_from, e])
    out = [list(_strip(view, s, e)) for s, e in split]
    return [x for x in out if x[1] > x[0]]


def _move_closers(view: str, segs: list[list[int]]) -> list[list[int]]:
    """Closing quotes and brackets that pysbd put at the start of the next sentence."""
    for i in range(1, len(segs)):
        k = segs[i][0]
        while k < segs[i][1] and view[k] in _CLOSERS and segs[i - 1][1] == _back(view, k):
            k += 1
        if k > segs[i][0]:
            segs[i - 1][1] = k
            segs[i] = list(_strip(view, k, segs[i][1]))
    return [x for x in segs if x[1] > x[0]]


def _move_markers(view: str, segs: list[list[int]]) -> list[list[int]]:
    """Citation markers and footnote superscripts at a sentence start go to the sentence before."""
    for i in range(1, len(segs)):
        while segs[i][0] < segs[i][1]:
            m = _LEADING_MARKER.match(view, segs[i][0], segs[i][1])
            if not m:
                break
            rest = view[m.end() : segs[i][1]].strip()
            if rest in ("", ".", ",", ";", ":"):  # pysbd made the marker a sentence of its own
                segs[i - 1][1] = segs[i][1]
                segs[i][0] = segs[i][1]
            elif _is_trailing_marker(view, segs[i - 1], m.group().strip()):
                segs[i - 1][1] = m.end()
                segs[i][0] = m.end()
                segs[i] = list(_strip(view, *segs[i]))
            else:
                break
    return [x for x in segs if x[1] > x[0]]


def _merge(view: str, segs: list[list[int]]) -> list[list[int]]:
    """Undo splits before a lower-case word, after "No."/"e.g.", inside parentheses, after a
    segment that does not end a sentence, and of segments without any word character."""
    merged: list[list[int]] = []
    depth = 0  # "(" minus ")" in the last merged sentence, kept as it grows (linear time)
    for seg in segs:
        if merged:
            s, e = merged[-1]
            prev = view[max(s, e - _TAIL) : e]  # its end: a run-on line merges linearly
            cur = view[seg[0] : seg[1]]
            first = cur.lstrip("\"“‘'([ ")[:1]
            if (
                first.islower()
                or _ends_with_abbreviation(prev)
                or depth > 0
                or not _WORDY.search(cur)
                or not _TERMINAL.search(prev)
            ):
                depth += view.count("(", e, seg[1]) - view.count(")", e, seg[1])
                merged[-1][1] = seg[1]
                continue
        depth = view.count("(", seg[0], seg[1]) - view.count(")", seg[0], seg[1])
        merged.append(list(seg))
    return merged


def split_view(view: str) -> list[tuple[int, int]]:
    """Sentence ranges of a single text (no newlines needed), post-rules applied."""
    segs = _forced_splits(view, _pysbd_spans(view))
    segs = _move_closers(view, segs)
    segs = _move_markers(view, segs)
    segs = _merge(view, segs)
    segs = _move_markers(view, segs)  # merging may have rebuilt "(2; 4) Next …"
    return [(s, e) for s, e in segs]


def split_pieces(text: str, pieces: list[Span]) -> list[list[Span]]:
    """Split the paragraph made of ``pieces`` (in order) into sentences.

    Each sentence is a list of spans, one per piece it touches (usually one).
    """
    view_parts: list[str] = []
    starts: list[int] = []  # view offset of each piece
    pos = 0
    for p in pieces:
        starts.append(pos)
        view_parts.append(text[p.start : p.end])
        pos += (p.end - p.start) + 1
    view = " ".join(view_parts).replace("\n", " ").replace("\t", " ")
    out: list[list[Span]] = []
    for vs, ve in split_view(view):
        spans: list[Span] = []
        for p, ps in zip(pieces, starts, strict=True):
            pe = ps + (p.end - p.start)
            a, b = max(vs, ps), min(ve, pe)
            if a >= b:
                continue
            a, b = _strip(view, a, b)
            if b > a and _WORDY.search(view[a:b]):
                spans.append(Span(p.start + (a - ps), p.start + (b - ps)))
        if spans:
            out.append(spans)
    return out
