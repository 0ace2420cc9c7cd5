"""Attempts to make the endpoint call another host with SERVICE (or LOAD), for the policy tests
(test_sparql_policy.py, in-process) and the server test (test_sparql_service.py, over HTTP).

Every query names the endpoint `U` (a listener on 127.0.0.1 in the tests); `corpus(U)` gives
(name, query) pairs. Besides the hand-written attempts, `glued()` combines keyword spellings
with what may precede them, so that a keyword glued to a token, spelled with escapes or split by
a comment is tried in every position.
"""

from __future__ import annotations

import itertools
import socket
import threading
import time

#: queries both parsers read differently *unless* the text is canonicalized first: the raw text
#: makes Oxigraph call SERVICE while rdflib sees none (test_sparql_policy shows it)
DIFFERENTIALS = {
    # Oxigraph ends a comment at CR, rdflib only at LF
    "comment-ends-at-cr": "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ ?s ?p ?z #\r }} "
                          "SERVICE <{u}> {{ ?a ?b ?c \n }} }}",
    # an escaped backslash closes the string for Oxigraph, not once decoded (SPARQL §19.2)
    "escaped-backslash-ends-string": 'SELECT * WHERE {{ ?s ?p ?o BIND("a\\u005c" AS ?z) '
                                     'SERVICE <{u}> {{ ?x ?y ?z }} }} # " AS ?w) }}',
}

HAND_WRITTEN = {
    "plain": "SELECT * WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "silent-lower-case": "select * where {{ service silent <{u}> {{ ?s ?p ?o }} }}",
    "mixed-case": "SELECT * WHERE {{ ?s ?p ?o . SeRvIcE <{u}> {{ ?s ?p ?o }} }}",
    "no-spaces": "SELECT*WHERE{{?s ?p ?o.SERVICE<{u}>{{?s ?p ?o}}}}",
    "glued-digit": "SELECT * WHERE {{ ?s ?p ?o . ?s ?p 1SERVICE <{u}> {{ ?a ?b ?c }} }}",
    "glued-true": "SELECT * WHERE {{ ?s ?p ?o . ?s ?p trueSERVICE <{u}> {{ ?a ?b ?c }} }}",
    "glued-decimal": "SELECT * WHERE {{ ?s ?p ?o . ?s ?p 1.5e3SERVICE <{u}> {{ ?a ?b ?c }} }}",
    "glued-string": 'SELECT * WHERE {{ ?s ?p ?o . ?s ?p "x"SERVICE <{u}> {{ ?a ?b ?c }} }}',
    "glued-iri": "SELECT * WHERE {{ ?s ?p ?o . ?s ?p <http://x>SERVICE <{u}> {{ }} }}",
    "glued-variable-dot": "SELECT * WHERE {{ ?s ?p ?o.SERVICE <{u}> {{ }} }}",
    "glued-langtag": 'SELECT * WHERE {{ ?s ?p ?o . ?s ?p "x"@en SERVICE <{u}> {{ }} }}',
    "after-comment-line": "SELECT * WHERE {{ ?s ?p ?o # a comment\nSERVICE <{u}> {{ }} }}",
    "unicode-escape-keyword": "SELECT * WHERE {{ \\u0053ERVICE <{u}> {{ ?s ?p ?o }} }}",
    "unicode-escape-last-letter": "SELECT * WHERE {{ SERVIC\\u0045 <{u}> {{ ?s ?p ?o }} }}",
    "long-unicode-escape": "SELECT * WHERE {{ \\U00000053ERVICE <{u}> {{ ?s ?p ?o }} }}",
    "escaped-newline-in-comment": "SELECT * WHERE {{ ?s ?p ?o # x \\u000a SERVICE <{u}> {{ }} "
                                  "}}",
    "escape-in-iri": "SELECT * WHERE {{ SERVICE <\\u0068ttp{rest}> {{ ?s ?p ?o }} }}",
    "escaped-quote-long-string": 'SELECT * WHERE {{ ?s ?p """a\\u0022"" . SERVICE <{u}> {{ }} '
                                 '# """ }}',
    "prefixed-name": "PREFIX s: <{base}> SELECT * WHERE {{ SERVICE s:sparql {{ ?s ?p ?o }} }}",
    "prefixed-name-escape": "PREFIX s: <{base}> SELECT * WHERE {{ SERVICE s:sp\\u0061rql {{ }} }}",
    "empty-prefix": "PREFIX : <{base}> SELECT * WHERE {{ SERVICE :sparql {{ ?s ?p ?o }} }}",
    "base-relative": "BASE <{base}> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "relative-to-this-endpoint": "SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "sub-select": "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }} }}",
    "deep-sub-select": "SELECT * WHERE {{ {{ SELECT * WHERE {{ {{ SELECT * WHERE {{ OPTIONAL {{ "
                       "SERVICE <{u}> {{ ?s ?p ?o }} }} }} }} }} }} }}",
    "optional": "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{u}> {{ ?s ?q ?r }} }} }}",
    "minus": "SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }}",
    "union": "SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }}",
    "graph": "SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o SERVICE <{u}> {{ }} }} }}",
    "filter-exists": "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{u}> {{ ?s ?p ?o }} "
                     "}} }}",
    "filter-not-exists": "SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ SERVICE <{u}> {{ }} }} "
                         "}}",
    "bind-exists": "SELECT * WHERE {{ ?s ?p ?o BIND(EXISTS {{ SERVICE <{u}> {{ }} }} AS ?x) }}",
    "property-path": "SELECT * WHERE {{ ?s <http://x/p>/<http://x/q>*|^<http://x/r> ?o . "
                     "SERVICE <{u}> {{ ?o ?p ?z }} }}",
    "values-variable": "SELECT * WHERE {{ VALUES ?e {{ <{u}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "bind-variable": "SELECT * WHERE {{ BIND(<{u}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "silent-variable": "SELECT * WHERE {{ ?s ?p ?o BIND(IRI(\"{u}\") AS ?e) SERVICE SILENT ?e "
                       "{{ }} }}",
    "nested-service": "SELECT * WHERE {{ SERVICE <http://example.org/x> {{ SERVICE <{u}> {{ }} "
                      "}} }}",
    "ask": "ASK {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "construct": "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "construct-where": "CONSTRUCT WHERE {{ ?s ?p ?o . ?s ?p ?o }} # SERVICE <{u}>",
    "describe": "DESCRIBE ?s WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "whitespace-between": "SELECT * WHERE {{ SERVICE\n\t <{u}>\n {{ ?s ?p ?o }} }}",
    "values-after-where": "SELECT * WHERE {{ ?s ?p ?o }} VALUES ?x {{ 1 }} # SERVICE <{u}> {{}}",
    "split-by-comment": "SELECT * WHERE {{ SERV#x\nICE <{u}> {{ }} }}",
    "fullwidth": "SELECT * WHERE {{ ＳＥＲＶＩＣＥ <{u}> {{ }} }}",
    "zero-width": "SELECT * WHERE {{ SER\u200bVICE <{u}> {{ }} }}",
    "from-is-not-fetched": "SELECT * FROM <{u}> WHERE {{ ?s ?p ?o }}",
    "from-named-is-not-fetched": "SELECT * FROM NAMED <{u}> WHERE {{ GRAPH <{u}> {{ ?s ?p ?o }} }}",
    "describe-iri-is-not-fetched": "DESCRIBE <{u}>",
    "load": "LOAD <{u}>",
    "load-into": "LOAD SILENT <{u}> INTO GRAPH <http://example.org/g>",
    "update-with-service": "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "update-sequence": "INSERT DATA {{ <http://a> <http://b> <http://c> }} ; LOAD <{u}>",
    "padding": "SELECT * WHERE {{ ?s ?p ?o " + "# padding\n" * 9000 + "SERVICE <{u}> {{ }} }}",
    **DIFFERENTIALS,
}

#: what may stand right before the keyword
_BEFORE = ["", " ", "1", "true", '"x"', "'x'", "<http://x>", "?o", "?o.", ";", ")", "}", "\t",
           "\n", "#c\n", "#c\r", "\r\n", "\\u0020", "."]
_KEYWORD = ["SERVICE", "service", "SeRvIcE", "\\u0053ERVICE", "SERVIC\\u0045",
            "\\U00000053ERVICE", "\\u0073\\u0065rvice"]
_ENDPOINT = ["<{u}>", "SILENT <{u}>", "silent\n<{u}>", "s:sparql"]


def glued() -> dict[str, str]:
    """The keyword in every spelling, after every kind of token, before every endpoint form."""
    out = {}
    for (i, before), (j, keyword), (k, endpoint) in itertools.product(
            enumerate(_BEFORE), enumerate(_KEYWORD), enumerate(_ENDPOINT)):
        out[f"glued-{i}-{j}-{k}"] = (
            "PREFIX s: <{base}> SELECT * WHERE {{ ?s ?p ?o . ?s ?p ?o "
            + before.replace("{", "{{").replace("}", "}}") + keyword
            + " " + endpoint + " {{ ?a ?b ?c }} }}")
    return out


def corpus(url: str) -> list[tuple[str, str]]:
    """Every attempt, naming the endpoint `url` (which ends in /sparql)."""
    base = url.rsplit("/", 1)[0] + "/"
    rest = url[4:]  # the IRI after "http" (escape-in-iri)
    return [(name, text.format(u=url, base=base, rest=rest))
            for name, text in {**HAND_WRITTEN, **glued()}.items()]


class Listener:
    """A TCP listener on 127.0.0.1 that counts connection attempts (and closes them)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.count = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.count += 1
            conn.close()

    def settled_count(self) -> int:
        time.sleep(0.2)  # let late connections arrive
        return self.count

    def close(self) -> None:
        self.sock.close()
