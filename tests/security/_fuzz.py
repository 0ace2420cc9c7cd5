"""The route fuzzer's parts: which routes and parameters there are, hostile values for them, and
what every answer must satisfy. Used against Flask's test client (test_fuzz_routes.py) and against
a real `ctipgraph serve` (test_fuzz_server.py).

Routes come from the app's url_map (a new route is fuzzed without a change here); parameter names
from the source (`args.get("…")`, `params.getlist("…")`, `"…" in params`) and from what views read
while the fuzzer runs (RecordingArgs), so a new parameter is fuzzed too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

from _hostile import DOC, MARK, SCRIPT_URLS
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict

from ctipgraph.paths import ROOT

SERVE_DIR = ROOT / "src" / "ctipgraph" / "serve"
FORGED_HOST = "forged-host.invalid"
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")
#: methods tried on every route (unknown ones must be a 405 or 501, not a crash)
METHODS = ("GET",) * 12 + ("HEAD", "POST", "POST", "OPTIONS", "PUT", "DELETE")
ACCEPTS = ("text/html", "application/json", "*/*", "text/turtle", "application/ld+json",
           "text/plain", "application/sparql-results+json", "image/png", "x/y;q=oops", "",
           "text/html;q=0, application/json;q=0", ",,,;;;")

_PARAM = re.compile(r"""(?:args|form|params|values)(?:\.(?:get|getlist)\(\s*|\[)["']([^"']+)["']"""
                    r"""|["']([A-Za-z_-]+)["'] in (?:params|request\.args|request\.form)""")


@lru_cache(maxsize=1)
def source_params() -> frozenset[str]:
    """Parameter names the views and templates read from the query string or form."""
    names: set[str] = set()
    for path in [*SERVE_DIR.glob("*.py"), *SERVE_DIR.glob("templates/*.html")]:
        for match in _PARAM.finditer(path.read_text(encoding="utf-8")):
            names.add(match.group(1) or match.group(2))
    return frozenset(names)


#: parameter names views read while the fuzzer runs, by endpoint
SEEN_PARAMS: dict[str, set[str]] = {}


class RecordingArgs(ImmutableMultiDict):
    """request.args / request.form that note which names a view asks for."""

    def _note(self, key: object) -> None:
        from flask import has_request_context, request

        if isinstance(key, str) and has_request_context():
            SEEN_PARAMS.setdefault(request.endpoint or "?", set()).add(key)

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        self._note(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        self._note(key)
        return super().__contains__(key)


def recording(app) -> None:
    """Make `app` record the parameter names its views read (SEEN_PARAMS)."""

    class RecordingRequest(app.request_class):  # type: ignore[misc, valid-type]
        parameter_storage_class = RecordingArgs

    app.request_class = RecordingRequest


def all_params() -> list[str]:
    return sorted(source_params() | {p for ps in SEEN_PARAMS.values() for p in ps})


# -- values -------------------------------------------------------------------------------------

HOSTILE = (
    MARK, f"x{MARK}x", f"http://ex.org/{MARK}", f"https://w3id.org/ctipgraph/id/org/{MARK}",
    *SCRIPT_URLS, " javascript:alert(1)", "java\tscript:alert(1)", "é:é", "http://[::1",
    "http://[::1]:99999/", "http://ex/a b", "<a b>", "<http://ex/a>", "a:b", "urn:x", "foo", "",
    " ", "\x00", "%00", "\ufffd", "\u202e", "\U0001f600", "-1", "0", "1", "+5", "-0", "1e999",
    "NaN", "inf", "１２", "99999999999999999999999", "9" * 5000, "0x10", "1.5",
    '"unterminated', '"x"^^<foo>', '"x"@', '"x"@en', '"1"^^<http://www.w3.org/2001/XMLSchema#int>',
    '"\\u0000"', "SELECT * WHERE { ?s ?p ?o } LIMIT 5", "ASK {}", "INSERT DATA { <a:a> <a:a> 1 }",
    "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3", "DESCRIBE <x:y>", "SELECT * { SERVICE <x:y> {} }",
    "../../../etc/passwd", "..%2f..%2fpyproject.toml", "%2e%2e/", "a" * 3000, "{{7*7}}",
    "${7*7}", "%s%n", "'; DROP TABLE docs; --", '"\' OR 1=1', "NEAR(a b)", "a* OR b", "\"\"",
    "json", "ttl", "nt", "rdf", "jsonld", "html", "txt", "csv", "xml", "label", "iri", "asc",
    "desc", "1", "2", "all",
)
#: numbers at the edges: beyond 64 bits, negative, not whole, not ASCII, too long to parse
NUMBERS = ("0", "-1", "1", "2", "3", "50", "500", "501", "-99999999999999999999",
           "99999999999999999999", "999999999999999999999", str(2**63), str(2**63 - 1),
           str(2**64), "9" * 400, "9" * 5000, "1e999", "1.0", "0x1f", "１", "٣", " 7 ", "+1")


@dataclass
class Corpus:
    """Real values from the store, so that fuzzed requests also reach deep into the views."""

    iris: list[str] = field(default_factory=list)
    literals: list[str] = field(default_factory=list)
    facts: list[tuple[str, str, str]] = field(default_factory=list)
    paths: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, store) -> Corpus:
        found = cls()
        rows = list(store.query("""
            PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
            SELECT ?s ?p ?o WHERE { ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }
            ORDER BY ?s ?p ?o LIMIT 60"""))
        for row in rows:
            o = row["o"]
            obj = o.value if hasattr(o, "value") and str(o).startswith("<") else str(o)
            found.facts.append((row["s"].value, row["p"].value, obj))
            found.iris += [row["s"].value, row["p"].value]
            if not str(o).startswith("<"):
                found.literals.append(str(o))
            else:
                found.iris.append(o.value)
        found.iris += [r["c"].value for r in store.query(
            "SELECT DISTINCT ?c WHERE { ?s a ?c } ORDER BY ?c LIMIT 40")]
        found.iris += [r["d"].value for r in store.query(
            "SELECT ?d WHERE { ?d a <https://w3id.org/ctipgraph/ontology#SourceDocument> }")]
        ids = sorted({i[len("https://w3id.org/ctipgraph/id/"):] for i in found.iris
                      if i.startswith("https://w3id.org/ctipgraph/id/")})
        docs = sorted({i.split("/")[1] for i in ids if i.startswith("doc/")} | {DOC})
        classes = sorted({i.rsplit("#", 1)[1] for i in found.iris
                          if i.startswith("https://w3id.org/ctipgraph/ontology#")
                          and i[len("https://w3id.org/ctipgraph/ontology#"):][:1].isupper()})
        dumps = [f"ctipgraph{x}.{f}" for x in ("", "-inferred")
                 for f in ("ttl", "nt", "trig", "nq", "jsonld")]
        # real values of path variables, by "endpoint:variable" (or the variable alone)
        found.paths = {
            "browse.resource:path": ids + [f"{i}.{s}" for i in ids[:8]
                                           for s in ("ttl", "jsonld", "nt", "rdf")],
            "browse.class_page:name": classes + [f"{c}.json" for c in classes],
            "reader.read:name": docs + [f"{d}.{s}" for d in docs for s in ("json", "txt")],
            "data.download:name": dumps,
            "pages.source_pdf:name": [f"{d}.pdf" for d in docs],
            "pages.page_image:doc": docs,
            "pages.page_image:name": ["1.png", "2.png", "0.png", "999999.png"],
            "suffix": ["json", "ttl", "nt", "rdf", "jsonld", "txt", "html"],
            "filename": ["style.css", "query.js", "yasgui.min.js", "yasgui.min.css"],
        }
        return found


#: raw (already escaped) path segments: bad UTF-8, controls, traversal
RAW_SEGMENTS = ("%00", "%ff", "%c3%28", "%e2%80%ae", "..%2f..%2fsrc", "%2e%2e", ".", "..",
                "%0d%0aX-Injected:%201", "a%23b", "%3Cscript%3E", "%25ff", "a;b", "%20",
                quote(MARK, safe=""), "x" * 300, "/x", "%2F%2Fevil.example")
_VARIABLE = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def rule_variables(rule) -> list[tuple[str, str]]:
    """(variable, converter) of each variable of a rule, in order."""
    return [(m.group(2), m.group(1) or "default") for m in _VARIABLE.finditer(rule.rule)]


@dataclass(frozen=True)
class Fuzzed:
    """One request: method, escaped path and query, headers, body."""

    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    content_type: str | None = None

    @property
    def target(self) -> str:
        return self.path + ("?" + self.query if self.query else "")


def weighted(*choices: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """One of the strategies, each as often as its weight (st.one_of weighs them all alike)."""
    pool = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.integers(0, len(pool) - 1).flatmap(lambda i: pool[i])


class Strategies:
    """The fuzzer's Hypothesis strategies over one corpus, built once (building them is what
    costs, not drawing from them). Parameter names are fixed here: generation must not depend
    on state that changes while Hypothesis runs."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
        hostile = st.sampled_from(HOSTILE)
        real = st.sampled_from(corpus.iris + corpus.literals) if corpus.iris else text
        numbers = st.one_of(st.sampled_from(NUMBERS), st.integers(-10**25, 10**25).map(str))
        self.value = weighted(
            (2, hostile), (1, text), (1, real), (2, numbers),
            (1, st.tuples(real, hostile).map("".join)), (1, st.tuples(hostile, text).map("".join)))
        self.raw = st.sampled_from(RAW_SEGMENTS)
        self.accept = st.sampled_from(ACCEPTS)
        self.method = st.sampled_from(METHODS)
        self.fact = st.sampled_from(corpus.facts) if corpus.facts else st.nothing()
        self.body = st.binary(max_size=64)
        self.media = st.sampled_from(("application/sparql-query", "application/sparql-update",
                                      "text/plain", "application/json"))
        self.every = st.sampled_from(all_params())
        self.own_names = {endpoint: sorted(names) for endpoint, names in SEEN_PARAMS.items()
                          if names}
        self.own = {endpoint: st.sampled_from(names) for endpoint, names in self.own_names.items()}
        self.base = base_values(corpus)
        self._paths: dict[tuple[str, str, bool], st.SearchStrategy[str]] = {}
        self._rules: st.SearchStrategy | None = None

    def path(self, endpoint: str, name: str, converter: str, *,
             real: bool = True) -> st.SearchStrategy[str]:
        """An escaped URL path part for the variable `name` of a rule: a real one, or
        (real=False) a hostile one."""
        key = (endpoint, name, real)
        if key not in self._paths:
            safe = "/" if converter == "path" else ""
            paths = self.corpus.paths
            found = st.sampled_from(paths.get(f"{endpoint}:{name}") or paths.get(name) or ["x"])
            self._paths[key] = found.map(lambda v: quote(v, safe="/.")) if real else weighted(
                (1, self.raw), (2, self.value.filter(bool).map(lambda v: quote(v, safe=safe))),
                (1, st.tuples(found, self.raw).map("".join)))
        return self._paths[key]

    def rules(self, rules: list) -> st.SearchStrategy:
        """A rule, those whose views read parameters twice as often."""
        if self._rules is None:
            self._rules = st.sampled_from(rules + [r for r in rules if r.endpoint in self.own])
        return self._rules

    def params(self, draw, endpoint: str | None, n: int) -> list[tuple[str, str]]:
        """n hostile parameters: mostly those the endpoint reads, else any the app reads."""
        own = self.own.get(endpoint or "")
        return [(draw(own if own is not None and draw(st.integers(0, 5)) else self.every),
                 draw(self.value)) for _ in range(n)]


def base_values(corpus: Corpus) -> dict[str, str]:
    """Real values of the parameters that take terms or text (others get "1")."""
    if not corpus.facts:
        return {}
    s, p, o = corpus.facts[0]
    return {"s": s, "p": p, "o": o, "iri": s, "q": "gatia", "query": "ASK {}",
            "country": "https://w3id.org/ctipgraph/id/place/mali", "sort": "label",
            "order": "asc"}


def warm_up(client, rules: list, corpus: Corpus) -> None:
    """Ask every route once with real values and every known parameter, so that SEEN_PARAMS
    holds what each view reads."""
    value = base_values(corpus)
    query = urlencode({name: value.get(name, "1") for name in all_params()})

    def real(rule, name: str) -> str:
        found = corpus.paths.get(f"{rule.endpoint}:{name}") or corpus.paths.get(name) or ["x"]
        return quote(found[0], safe="/")

    for rule in rules:
        path = _VARIABLE.sub(lambda m, rule=rule: real(rule, m.group(2)), rule.rule)
        for target in (path, f"{path}?{query}"):
            client.get(target)


@st.composite
def requests(draw, rules: list, fuzz: Strategies) -> Fuzzed:
    """A request to one of `rules`: most often a real one (real path, the parameters its view
    reads with real values) with one or two parts made hostile, else hostile throughout."""
    rule = draw(fuzz.rules(rules))
    mutate = draw(st.integers(0, 4)) < 3
    variables = rule_variables(rule)
    spoiled = draw(st.integers(0, len(variables))) if mutate else -1
    parts = {name: draw(fuzz.path(rule.endpoint, name, converter,
                                  real=mutate and i != spoiled))
             for i, (name, converter) in enumerate(variables)}
    path = _VARIABLE.sub(lambda m: parts[m.group(2)], rule.rule)
    if mutate:
        pairs = [(name, fuzz.base.get(name, "1"))
                 for name in fuzz.own_names.get(rule.endpoint, ()) if draw(st.booleans())]
        for _ in range(draw(st.integers(0 if spoiled < len(variables) else 1, 2))):
            hostile = fuzz.params(draw, rule.endpoint, 1)[0]
            pairs = [pair for pair in pairs if pair[0] != hostile[0]] + [hostile]
    else:
        pairs = fuzz.params(draw, rule.endpoint, draw(st.integers(0, 4)))
    if draw(st.integers(0, 5)) == 0 and fuzz.corpus.facts:  # a real fact, sometimes spoiled
        s, p, o = draw(fuzz.fact)
        pairs += [("s", s), ("p", p), ("o", draw(st.one_of(st.just(o), fuzz.value)))]
    query = urlencode(pairs)
    if draw(st.integers(0, 5)) == 0:  # a query string sent as it is typed, unescaped
        query = "&".join(f"{k}={v}" for k, v in pairs if v.isprintable() and v.isascii()
                         and not set(v) & set("# %&+\\"))
    headers = [("Accept", draw(fuzz.accept))]
    if draw(st.booleans()):
        headers.append(("Host", FORGED_HOST))
    method = draw(fuzz.method)
    body, content_type = b"", None
    if method == "POST":
        kind = draw(st.integers(0, 2))
        if kind == 0:
            body = urlencode(fuzz.params(draw, rule.endpoint, draw(st.integers(0, 3)))).encode()
            content_type = "application/x-www-form-urlencoded"
        elif kind == 1:
            body, content_type = draw(fuzz.value).encode(), draw(fuzz.media)
        else:
            body = draw(fuzz.body)
            content_type = "application/x-www-form-urlencoded; charset=latin-9"
    return Fuzzed(method, path, query, tuple(headers), body, content_type)


# -- what every answer must satisfy ---------------------------------------------------------------

#: the marker's first characters followed by one of its special characters as written: not
#: escaped (the closing tag of the search page's highlight, `<mark>ctipmk</mark>&lt;`, is the
#: page's own markup)
_MARK_RAW = re.compile(re.escape(MARK[:6]) + r"""(?:<(?!/mark>)|['"])""")


class _Links(HTMLParser):
    """Every URL an HTML page would follow or load (href, src, action, formaction)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                self.urls.append(value)


def bad_links(html: str) -> list[str]:
    """URLs on the page that are neither http(s) nor relative to this site (javascript:, data:
    …); the empty favicon `data:,` of every page is the one exception."""
    parser = _Links()
    parser.feed(html)
    bad = []
    for url in parser.urls:
        cleaned = re.sub(r"[\x00-\x20]", "", url).lower()
        scheme = re.match(r"([a-z][a-z0-9+.\-]*):", cleaned)
        if scheme and scheme.group(1) not in ("http", "https") and url != "data:,":
            bad.append(url)
    return bad


@dataclass
class Figures:
    """What the fuzzer sent and what went wrong."""

    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)
    reflections: list[str] = field(default_factory=list)
    script_links: list[str] = field(default_factory=list)
    missing_headers: list[str] = field(default_factory=list)
    host_reflections: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return [*self.server_errors, *self.tracebacks, *self.reflections, *self.script_links,
                *self.missing_headers, *self.host_reflections]

    def summary(self) -> str:
        return (f"{self.requests} requests; statuses {dict(sorted(self.statuses.items()))}; "
                f"5xx {len(self.server_errors)}, tracebacks {len(self.tracebacks)}, "
                f"unescaped reflections {len(self.reflections)}, script links "
                f"{len(self.script_links)}, missing headers {len(self.missing_headers)}, "
                f"forged Host shown {len(self.host_reflections)}")


def check(figures: Figures, request: Fuzzed, status: int, headers, body: bytes) -> None:
    """Record what is wrong with one answer."""
    figures.requests += 1
    figures.statuses[status] = figures.statuses.get(status, 0) + 1
    where = f"{request.method} {request.target[:300]!r} {dict(request.headers)}"
    if status >= 500:
        figures.server_errors.append(f"{status}: {where}: {body[:200]!r}")
    text = body.decode("utf-8", "replace")
    if "Traceback (most recent call last)" in text or 'File "/' in text:
        figures.tracebacks.append(f"traceback in body: {where}")
    content_type = headers.get("Content-Type", "") or ""
    if content_type.startswith("text/html"):
        if _MARK_RAW.search(text):
            figures.reflections.append(f"unescaped {MARK!r}: {where}")
        bad = bad_links(text)
        if bad:
            figures.script_links.append(f"links {bad[:3]}: {where}")
    for name in SECURITY_HEADERS:
        if not headers.get(name):
            figures.missing_headers.append(f"no {name}: {status} {where}")
    if FORGED_HOST in text or any(FORGED_HOST in str(v) for _, v in headers.items()):
        figures.host_reflections.append(f"forged Host shown: {where}")


def environ(request: Fuzzed) -> dict:
    """Keyword arguments for Flask's test client."""
    headers = dict(request.headers)
    kwargs: dict = {"method": request.method, "headers": headers, "data": request.body}
    if request.content_type:
        kwargs["content_type"] = request.content_type
    if "Host" in headers:
        kwargs["base_url"] = f"http://{headers.pop('Host')}/"
    return kwargs
