"""What the endpoint runs, decided from the parsed query, never from patterns over its text.

`check()` reads a request the way SPARQL defines it and answers with a `Verdict` (the query form,
whether it names its own dataset, the SERVICE endpoints it calls) or a `Refusal`:

1. `canonical()` turns the text into the one string both parsers read: `\\uXXXX`/`\\UXXXXXXXX`
   escapes are decoded first, as SPARQL 1.1 (§19.2) says, and line breaks become LF. The engine
   (Oxigraph) is then given exactly this string, so the escapes and line ends it would otherwise
   read differently from rdflib (it ends a `#` comment at CR, rdflib only at LF; it decodes
   `\\u` only inside strings and IRIs) can never make the two read different queries. Its
   comments are removed too (a lexer of the terminals that may hold a `#`: IRIs, strings,
   escaped characters of local names), so that rdflib can parse it with a copy of its grammar
   that skips no comments: 1.6–1.9 times faster (`bench/bench_policy.py`). A text the lexer
   cannot read to its end keeps its comments (and gets the full grammar).
2. rdflib's SPARQL 1.1 grammar parses that string as it is (no further decoding). What it cannot
   parse is refused (400); an update (any operation, LOAD included) is refused (403).
3. The whole syntax tree is walked: every SERVICE, wherever it sits (sub-queries, OPTIONAL,
   MINUS, FILTER EXISTS, UNION, GRAPH …), is refused (403) unless its endpoint is an absolute
   IRI on the allow-list; a variable endpoint is always refused.

The endpoint's workers first `screen()` a query: a text that cannot spell SERVICE (in any case)
is given to Oxigraph without rdflib's parse (a few hundred microseconds instead of 30-400 ms for
the competency queries), Oxigraph's own parse refusing what is not a query; what it cannot
parse is then worded by `check()` (403 for an update). Every other text is checked as above.

The parse runs in the query workers, under their time and memory limits (serve/workers.py);
those workers also run without network egress when the OS allows it (serve/sandbox.py), so even
a query both parsers read differently could not reach another host.
"""

from __future__ import annotations

import copy
import functools
import re
import sys
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pyparsing import Opt, ParseBaseException, ParserElement, ParseResults
from rdflib.plugins.sparql.parser import Query, ServiceGraphPattern, UpdateUnit
from rdflib.plugins.sparql.parserutils import CompValue, ParamValue
from rdflib.term import URIRef

QUERY_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
               "DescribeQuery": "DESCRIBE"}
#: deep nesting is legal SPARQL; the parser recurses once per level (a crash is contained in a
#: worker, a RecursionError is a 400)
RECURSION_LIMIT = 6000

# SPARQL 1.1 §19.2: \u hex{4} and \U hex{8}, decoded before the grammar applies.
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# SPARQL 1.1 §19.8: the terminals that may hold a "#" (IRIREF; the four string forms, with
# ECHAR escapes; PN_LOCAL_ESC), a comment, and the rest; a quote or a backslash that starts no
# terminal ends the lexing (the text keeps its comments)
_ECHAR = r"""\\[tbnrf"'\\]"""
_TOKEN = re.compile(rf"""
    <[^<>"{{}}|^`\\\x00-\x20]*>
  | '''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}))*'''
  | \"\"\"(?:(?:"|"")?(?:[^"\\]|{_ECHAR}))*\"\"\"
  | '(?:[^'\\\n\r]|{_ECHAR})*'
  | "(?:[^"\\\n\r]|{_ECHAR})*"
  | \\[_~.\-!$&'()*+,;=/?\#@%]
  | (?P<comment>\#[^\n]*)
  | (?P<stop>['"\\])
  | [^<'"\\\#]+ | <
""", re.VERBOSE)


class Refusal(Exception):
    """A request the endpoint does not run: an HTTP status and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Service:
    """One SERVICE call: its endpoint (an IRI, or None for a variable) and SILENT."""

    endpoint: str | None
    silent: bool = False
    written: str = ""  # the endpoint as the query writes it (for messages)


@dataclass(frozen=True)
class Verdict:
    """What a query is, as far as the endpoint needs to know to run it."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    text: str  # the canonical text: what the engine must be given
    has_dataset: bool = False  # FROM / FROM NAMED
    services: tuple[Service, ...] = field(default_factory=tuple)


def canonical(text: str) -> str:
    """The query as both parsers must read it: code point escapes decoded, line ends as LF."""
    if "\\u" in text or "\\U" in text:
        def decode(match: re.Match) -> str:
            value = int(match.group(1) or match.group(2), 16)
            if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                raise Refusal(400, f"Invalid code point escape {match.group(0)!r}.")
            return chr(value)

        text = _CODEPOINT.sub(decode, text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _without_comments(text) if "#" in text else text


def _without_comments(text: str) -> str:
    """`text` with its comments removed (each line end kept), or as it is when the lexer cannot
    read it to its end."""
    kept: list[str] = []
    end = 0
    removed = False
    for match in _TOKEN.finditer(text):
        if match.start() != end or match.lastgroup == "stop":
            return text
        end = match.end()
        if match.lastgroup == "comment":
            removed = True
        else:
            kept.append(match.group())
    return "".join(kept) if removed and end == len(text) else text


@functools.cache
def _grammar_without_comments() -> ParserElement:
    """A copy of rdflib's Query grammar that skips no comments: pyparsing tries the comment
    pattern before every element of a grammar that ignores one, most of a parse's time."""
    unmatched = Opt._Opt__optionalNotMatched  # type: ignore[attr-defined]  # a sentinel
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, RECURSION_LIMIT))
    try:
        grammar = copy.deepcopy(Query, {id(unmatched): unmatched})
    finally:
        sys.setrecursionlimit(limit)
    seen: set[int] = set()
    stack: list[ParserElement] = [grammar]
    while stack:
        element = stack.pop()
        if id(element) in seen:
            continue
        seen.add(id(element))
        element.ignoreExprs = []
        stack.extend(getattr(element, "exprs", None) or ())
        if getattr(element, "expr", None) is not None:
            stack.append(element.expr)
    return grammar


def check(text: str, *, allow_service: Iterable[str] = (),
          prefixes: dict[str, str] | None = None) -> Verdict:
    """The verdict on a query request, or Refusal (see the module doc)."""
    source = canonical(text)
    tree = _parse(source)
    prologue, query = tree[0], tree[1]
    allowed = frozenset(allow_service)
    services = tuple(_services(query, _Names(prologue, prefixes)))
    for service in services:
        _judge(service, allowed)
    return Verdict(form=QUERY_FORMS[query.name], text=source,
                   has_dataset=bool(_field(query, "datasetClause")), services=services)


def screen(text: str) -> str | None:
    """The canonical text of a query that cannot call SERVICE, when that can be told without
    rdflib's parse (a few hundred microseconds against 30-400 ms); else None: check() decides.

    A SERVICE pattern needs the keyword SERVICE, which Oxigraph reads without regard to case
    from the very text it is given: the canonical one, whose escapes are decoded (no escape can
    spell a keyword; Oxigraph decodes others only inside strings and IRIs). A text that does not
    spell "service" in any case (a non-ASCII character whose case mappings hold an ASCII letter,
    as the long s or the Kelvin sign, counts as a possible spelling) holds no SERVICE wherever
    its letters sit, so the engine's own parse is the only one it needs: that parse refuses what
    is not a query (an update, LOAD included) with a syntax error, which the caller words with
    check() (403 for an update). This decides only that nothing needs refusing; every refusal
    comes from a parse. (How deeply a text nests is the engine's matter: the workers run it on
    a stack that holds the deepest query of the longest text accepted, workers.QUERY_STACK.)
    """
    source = canonical(text)
    return None if _may_spell(source, "service") else source


def _may_spell(text: str, word: str) -> bool:
    """Whether `text` may spell the ASCII keyword `word` in some case."""
    return word in text.lower() or any(
        _folds_to_ascii(char) for char in set(text) if not char.isascii())


@functools.lru_cache(maxsize=4096)  # (bounded: the characters come from the requests)
def _folds_to_ascii(char: str) -> bool:
    return any(folded.isascii() for mapped in (char.lower(), char.upper(), char.casefold())
               for folded in mapped)


def has_dataset(text: str) -> bool:
    """True when a query names its own dataset (FROM or FROM NAMED), read from its parse."""
    return check(text).has_dataset


# -- parsing ------------------------------------------------------------------------------------


def _service_post_parse(instring: str, loc: int, tokens: ParseResults) -> CompValue:
    """rdflib's ServiceGraphPattern node, built without searching the whole query again.

    rdflib (7.x) keeps a SERVICE pattern's text (for its own SERVICE evaluation, which
    ctipgraph never uses) by searching the entire input from its start each time one is parsed:
    quadratic in the query's length, and endless for a SERVICE nested in another. The node is
    the same without that text.
    """
    node = CompValue("ServiceGraphPattern")
    node["service_string"] = ""
    for token in tokens:
        if isinstance(token, ParamValue):
            if token.isList:
                node.setdefault(token.name, []).append(token.tokenList)
            else:
                node[token.name] = token.tokenList
    return node


ServiceGraphPattern.postParse = _service_post_parse  # type: ignore[method-assign]


def _parse(source: str) -> ParseResults:
    """rdflib's parse of the canonical text as a query; updates and syntax errors refused."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, RECURSION_LIMIT))
    try:
        try:  # canonical() removed the comments, unless its lexer stopped
            return _grammar_without_comments().parse_string(source, parse_all=True)
        except ParseBaseException:
            pass  # the full grammar decides, and words the error
        try:
            return Query.parse_string(source, parse_all=True)
        except ParseBaseException as error:
            query_error = error
        operations = _update_operations(source)
        if operations:
            raise Refusal(403, _update_message(operations))
        raise Refusal(400, f"SPARQL syntax error (line {query_error.lineno}, column "
                           f"{query_error.col}): {query_error.msg}.")
    except RecursionError:
        raise Refusal(400, "The query is nested too deeply to be checked.") from None
    finally:
        sys.setrecursionlimit(limit)


def _update_operations(source: str) -> list[str]:
    """The operations of `source` read as a SPARQL Update (none: it is not one)."""
    try:
        update = UpdateUnit.parse_string(source, parse_all=True)[0]
    except ParseBaseException:
        return []
    return [op.name for op in _field(update, "request") or []]


def _update_message(operations: list[str]) -> str:
    if "Load" in operations:
        return "LOAD is not allowed: this endpoint is read-only."
    names = ", ".join(dict.fromkeys(_OPERATION_NAMES.get(op, op) for op in operations))
    return f"This endpoint is read-only: SPARQL Update ({names}) is not accepted."


_OPERATION_NAMES = {"InsertData": "INSERT DATA", "DeleteData": "DELETE DATA",
                    "DeleteWhere": "DELETE WHERE", "Modify": "DELETE/INSERT", "Clear": "CLEAR",
                    "Drop": "DROP", "Create": "CREATE", "Add": "ADD", "Move": "MOVE",
                    "Copy": "COPY"}


# -- the walk -----------------------------------------------------------------------------------


def _field(node: CompValue, name: str) -> object:
    """A parse node's field, or None (CompValue.get returns the name itself when missing)."""
    return OrderedDict.get(node, name)


def _nodes(node: object) -> Iterator[CompValue]:
    """Every CompValue in a parse tree, depth first (iteratively: trees may be deep)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, (ParseResults, list, tuple)):
            stack.extend(item)


class _Names:
    """The IRIs of SERVICE endpoints, as the query's prologue declares them.

    Only an endpoint written as an absolute IRI (itself, or its prefix's namespace) resolves:
    one that needs the base IRI is left unresolved, so no difference between two IRI resolvers
    can make the checker and the engine call different endpoints.
    """

    def __init__(self, prologue: ParseResults, prefixes: dict[str, str] | None) -> None:
        self.prefixes = {name: iri for name, iri in (prefixes or {}).items() if _absolute(iri)}
        for decl in prologue:
            if decl.name == "PrefixDecl":
                name, iri = _field(decl, "prefix") or "", str(_field(decl, "iri"))
                if _absolute(iri):
                    self.prefixes[name] = iri
                else:
                    self.prefixes.pop(name, None)

    def resolve(self, term: object) -> tuple[str | None, str]:
        """(absolute IRI or None, the term as written)."""
        if isinstance(term, CompValue) and term.name == "pname":
            prefix, local = _field(term, "prefix") or "", _field(term, "localname") or ""
            namespace = self.prefixes.get(prefix)
            return (None if namespace is None else namespace + local), f"{prefix}:{local}"
        if isinstance(term, URIRef):
            iri = str(term)
            return (iri if _absolute(iri) else None), f"<{iri}>"
        return None, f"?{term}"


def _services(query: CompValue, names: _Names) -> Iterator[Service]:
    for node in _nodes(query):
        if node.name == "ServiceGraphPattern":
            endpoint, written = names.resolve(_field(node, "term"))
            yield Service(endpoint, bool(_field(node, "silent")), written)


def _judge(service: Service, allowed: frozenset[str]) -> None:
    if not allowed:
        raise Refusal(403, "SERVICE is not allowed: this endpoint does not query other "
                           "endpoints (no federated queries).")
    if service.endpoint is None:
        raise Refusal(403, f"SERVICE {service.written} is not allowed: only these endpoints, "
                           "written as absolute IRIs, may be called: "
                           f"{', '.join(sorted(allowed))}.")
    if service.endpoint not in allowed:
        raise Refusal(403, f"SERVICE <{service.endpoint}> is not allowed: only "
                           f"{', '.join(sorted(allowed))} may be called.")


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def _absolute(iri: str) -> bool:
    return _SCHEME.match(iri) is not None  # (RFC 3986 scheme; linear, anchored)
