"""`ctipgraph publish --to URL` against Debian's Virtuoso (tests/_virtuoso.py): the project's
corpus once per session on the shared server, the edge cases (changed and removed graphs,
resuming, literals, auth, bad URLs) with small stores on a scratch server of this module."""

from __future__ import annotations

import random
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from ctipgraph.cli import main
from ctipgraph.remote import MANIFEST_GRAPH, MERGED_GRAPH
from ctipgraph.remote.gsp import GraphStoreClient
from ctipgraph.remote.http import PASSWORD_ENV, USER_ENV
from ctipgraph.remote.manifest import parse as parse_manifest
from ctipgraph.store import DOC_BASE, GRAPH_BASE, GraphStore

FIXTURES = Path(__file__).parent / "fixtures"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def publish(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["publish", *args], env=env)


def server_counts(server) -> dict[str, int]:
    """Triples per graph on the server, for ctipgraph's graphs."""
    rows = server.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                         f"FILTER(STRSTARTS(STR(?g), '{GRAPH_BASE}') || "
                         f"STRSTARTS(STR(?g), '{DOC_BASE}')) }} GROUP BY ?g")
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


def local_counts(store: GraphStore) -> dict[str, int]:
    """Triples per graph of the local store, its default graph as MERGED_GRAPH."""
    counts = {row["g"].value: int(row["n"].value) for row in store.store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    counts[MERGED_GRAPH] = int(next(iter(store.store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
    return counts


def server_triples(server, graph: str) -> set[ox.Triple]:
    """The graph as the server gives it back by the Graph Store protocol (N-Triples)."""
    data = GraphStoreClient(server.gsp_url).get(graph)
    assert data is not None, f"{graph} is not on the server"
    return {quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


def local_triples(store: GraphStore, graph: str) -> set[ox.Triple]:
    target = ox.DefaultGraph() if graph == MERGED_GRAPH else ox.NamedNode(graph)
    return {q.triple for q in store.store.quads_for_pattern(None, None, None, target)}


def assert_same_graph(server, store: GraphStore, graph: str) -> None:
    """The server's copy, read back by the Graph Store protocol, holds the same triples as the
    local graph (blank nodes: the same number of triples). Compared inside Oxigraph."""
    remote = GraphStoreClient(server.gsp_url).get(graph)
    assert remote is not None, f"{graph} is not on the server"
    target = ox.DefaultGraph() if graph == MERGED_GRAPH else ox.NamedNode(graph)
    both = ox.Store()
    mine, theirs = ox.NamedNode("urn:local"), ox.NamedNode("urn:remote")
    both.load(store.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=target),
              format=ox.RdfFormat.N_TRIPLES, to_graph=mine)
    both.load(remote, format=ox.RdfFormat.N_TRIPLES, to_graph=theirs)
    sizes = [len(list(both.quads_for_pattern(None, None, None, g))) for g in (mine, theirs)]
    assert sizes[0] == sizes[1] > 0, (graph, sizes)
    for a, b in ((mine, theirs), (theirs, mine)):
        rows = list(both.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {a} {{ ?s ?p ?o }} "
                               "FILTER(!isBlank(?s) && !isBlank(?o)) "
                               f"FILTER NOT EXISTS {{ GRAPH {b} {{ ?s ?p ?o }} }} }} LIMIT 5"))
        assert not rows, (graph, f"in {a.value} only:",
                          [f"{r['s']} {r['p']} {r['o']}" for r in rows])


def manifest_on(server) -> dict:
    return parse_manifest(GraphStoreClient(server.gsp_url).get(MANIFEST_GRAPH))


# -- the project's corpus, on the session's server -------------------------------------------


@pytest.fixture(scope="module")
def corpus(virtuoso):
    """The project store published to the session's Virtuoso by the command; (the command's
    result, the store)."""
    result = publish("--to", virtuoso.gsp_url)
    assert result.exit_code == 0, result.output
    return result, GraphStore.open_project(in_memory=False)


def test_corpus_counts_per_graph(virtuoso, corpus):
    result, store = corpus
    local = local_counts(store)
    assert len(local) == len(store.graphs()) + 1 > 4
    assert server_counts(virtuoso) == {**local, MANIFEST_GRAPH: 3 * len(local)}
    assert f"{len(local)} unchanged" in result.stderr or f"{len(local)} added" in result.stderr
    entries = manifest_on(virtuoso)
    assert {g: e.triples for g, e in entries.items()} == local


def test_corpus_content_round_trips(virtuoso, corpus):
    _, store = corpus
    counts = local_counts(store)
    largest = max((g for g in store.graphs() if g.startswith(DOC_BASE)), key=counts.get)
    for graph in (GRAPH_BASE + "ontology", GRAPH_BASE + "lexicon", largest):
        assert_same_graph(virtuoso, store, graph)


def test_corpus_merged_graph_is_the_default_graph(virtuoso, corpus):
    _, store = corpus
    assert virtuoso.count(MERGED_GRAPH) == local_counts(store)[MERGED_GRAPH]
    # a sample of every kind of object (IRIs, plain, language-tagged and each datatype), each
    # asked alone (Virtuoso 7.2 drops rows with language-tagged literals from a VALUES of ~150
    # rows joined first): the whole content is compared on the small stores below
    kinds: dict[tuple[str, str], list[ox.Triple]] = {}
    for quad in store.store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        o = quad.object
        if not isinstance(quad.subject, ox.BlankNode) and not isinstance(o, ox.BlankNode):
            kind = (o.language or "", o.datatype.value) if isinstance(o, ox.Literal) else ("", "")
            kinds.setdefault(kind, []).append(quad.triple)
    assert {("en", RDF_LANG), ("fr", RDF_LANG), ("", XSD + "boolean"), ("", "")} <= set(kinds)
    rng = random.Random(13)
    for kind, triples in sorted(kinds.items()):
        for t in rng.sample(triples, min(5, len(triples))):
            found = virtuoso.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{MERGED_GRAPH}> "
                                    f"{{ {t.subject} {t.predicate} {t.object} }} }}")
            assert found[0]["n"]["value"] == "1", (kind, str(t))
    # triples held by several documents' graphs are there once
    pattern = "<https://w3id.org/ctipgraph/id/place/mali> a ?type"
    merged = virtuoso.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{MERGED_GRAPH}> "
                             f"{{ {pattern} }} }}")
    per_graph = virtuoso.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {pattern} }} "
                                f"FILTER(STRSTARTS(STR(?g), '{DOC_BASE}')) }}")
    distinct = len(list(store.store.quads_for_pattern(
        ox.NamedNode("https://w3id.org/ctipgraph/id/place/mali"),
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), None,
        ox.DefaultGraph())))
    assert int(merged[0]["n"]["value"]) == distinct < int(per_graph[0]["n"]["value"])


def test_corpus_second_publish_changes_nothing(virtuoso, corpus):
    _, store = corpus
    before = manifest_on(virtuoso)
    dry = publish("--to", virtuoso.gsp_url, "--dry-run")
    assert dry.exit_code == 0, dry.output
    n = len(store.graphs()) + 1
    assert dry.stdout.splitlines()[-1] == f"0 to add, 0 to replace, 0 to delete, {n} unchanged"
    assert all(line.startswith("unchanged ") for line in dry.stdout.splitlines()[:-1])
    again = publish("--to", virtuoso.gsp_url)
    assert again.exit_code == 0, again.output
    assert "nothing to publish" in again.stderr
    assert manifest_on(virtuoso) == before


# -- small stores on a scratch server ----------------------------------------------------------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Iterator:
    """A Virtuoso of this module's own (the edge cases delete graphs; the session's server keeps
    the corpus for the other tests)."""
    from _virtuoso import writable_server

    with writable_server(tmp_path_factory.mktemp("scratch-virtuoso"), 60, 0.25) as server:
        yield server


@pytest.fixture()
def server(scratch):
    """The scratch server without any ctipgraph graph (and without the manifest)."""
    client = GraphStoreClient(scratch.gsp_url)
    for graph in server_counts(scratch):
        client.delete(graph)
    return scratch


LITERALS = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
ex:s ex:label "Ségou — « Mopti » ‘quoted’ 😀 中文"@fr , "trafficking"@en-GB ,
        "line one\\nline \\"two\\" \\\\ tab\\t"@en , "plain" , "typed string"^^xsd:string ;
    ex:flag true , false ;
    ex:n 42 , -7 , 0 ;
    ex:amount 3000000.0 , "802455"^^xsd:decimal , 1.5 ;
    ex:year "2019"^^xsd:gYear ; ex:month "2019-09"^^xsd:gYearMonth ;
    ex:date "2005-07-27"^^xsd:date ;
    ex:page "https://example.org/a b"^^xsd:anyURI ;
    ex:custom "x:y"^^ex:datatype ;
    ex:blank [ ex:label "in a blank node"@fr ] .
"""


@pytest.fixture()
def project(tmp_path) -> Path:
    """A ttl folder of three documents (the mini graph, a copy, the literals above)."""
    ttl = tmp_path / "ttl"
    ttl.mkdir()
    shutil.copy(FIXTURES / "mini.ttl", ttl / "doc-a.ttl")
    shutil.copy(FIXTURES / "mini.ttl", ttl / "doc-b.ttl")
    (ttl / "doc-literals.ttl").write_text(LITERALS, encoding="utf-8")
    return ttl


def publish_project(ttl: Path, url: str, *args: str, **options) -> Result:
    return publish("--to", url, "--ttl-dir", str(ttl), "--store-dir",
                   str(ttl.parent / "store"), *args, **options)


def open_project(ttl: Path) -> GraphStore:
    return GraphStore.open_project(ttl, ttl.parent / "store", in_memory=False)


def test_literals_round_trip(server, project):
    result = publish_project(project, server.gsp_url)
    assert result.exit_code == 0, result.output
    store = open_project(project)
    graph = DOC_BASE + "doc-literals"
    assert_same_graph(server, store, graph)
    remote = server_triples(server, graph)
    labels = {t.object for t in remote if t.predicate.value == "https://example.org/label"}
    assert ox.Literal("Ségou — « Mopti » ‘quoted’ 😀 中文", language="fr") in labels
    assert ox.Literal("trafficking", language="en-gb") in labels
    assert ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")) in {t.object for t in remote}
    for graph in local_counts(store):
        assert_same_graph(server, store, graph)


def test_changed_and_removed_documents(server, project):
    assert publish_project(project, server.gsp_url).exit_code == 0
    client = GraphStoreClient(server.gsp_url)
    # graphs the manifest does not list: never touched
    foreign = {"https://example.org/someone-else": b'<https://example.org/s> '
                                                   b'<https://example.org/p> "kept" .\n',
               DOC_BASE + "not-published-by-us": b'<https://example.org/s> '
                                                 b'<https://example.org/p> "kept too" .\n'}
    for graph, data in foreign.items():
        client.put(graph, data)
    before = manifest_on(server)
    with (project / "doc-a.ttl").open("a", encoding="utf-8") as out:
        out.write('\n<https://example.org/new> <http://www.w3.org/2000/01/rdf-schema#label> '
                  '"a new fact"@en .\n')
    (project / "doc-b.ttl").unlink()

    dry = publish_project(project, server.gsp_url, "--dry-run")
    assert dry.exit_code == 0, dry.output
    kinds = {line.split()[1]: line.split()[0] for line in dry.stdout.splitlines()[:-1]}
    assert kinds[DOC_BASE + "doc-a"] == "replace"
    assert kinds[DOC_BASE + "doc-b"] == "delete"
    assert kinds[DOC_BASE + "doc-literals"] == "unchanged"
    assert kinds[GRAPH_BASE + "ontology"] == kinds[GRAPH_BASE + "lexicon"] == "unchanged"
    assert kinds[MERGED_GRAPH] == "replace"
    assert manifest_on(server) == before  # the dry run wrote nothing

    result = publish_project(project, server.gsp_url)
    assert result.exit_code == 0, result.output
    store = open_project(project)
    assert client.get(DOC_BASE + "doc-b") is None
    assert_same_graph(server, store, DOC_BASE + "doc-a")
    assert_same_graph(server, store, MERGED_GRAPH)
    after = manifest_on(server)
    assert set(after) == set(before) - {DOC_BASE + "doc-b"}
    assert after[DOC_BASE + "doc-literals"] == before[DOC_BASE + "doc-literals"]
    assert after[DOC_BASE + "doc-a"] != before[DOC_BASE + "doc-a"]
    for graph, data in foreign.items():
        assert {q.triple for q in ox.parse(client.get(graph), format=ox.RdfFormat.N_TRIPLES)} \
            == {q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}
    # only what changed was sent: ontology and lexicon were not in the progress lines
    assert "ontology" not in result.stderr and "add " not in result.stderr
    assert publish_project(project, server.gsp_url, "--dry-run").stdout.splitlines()[-1] \
        .startswith("0 to add, 0 to replace, 0 to delete")


class RefusingProxy:
    """An HTTP proxy to `upstream` that answers 503 to everything once `limit` graphs (other
    than the manifest) were PUT through it: a server lost in the middle of a publication."""

    def __init__(self, upstream: str, limit: int) -> None:
        self.upstream, self.limit, self.puts = upstream, limit, 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                graph = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get(
                    "graph", [""])[0]
                if self.command == "PUT" and graph != MANIFEST_GRAPH:
                    proxy.puts += 1
                if proxy.puts > proxy.limit:
                    self.send_response(503)
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    self.wfile.write(b"server going down for maintenance")
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                request = urllib.request.Request(proxy.upstream + self.path, method=self.command,
                                                 data=body if body else None, headers=headers)
                try:
                    with urllib.request.urlopen(request, timeout=120) as answer:
                        status, data, ctype = answer.status, answer.read(), answer.headers.get(
                            "Content-Type", "text/plain")
                except urllib.error.HTTPError as error:
                    status, data, ctype = error.code, error.read(), "text/plain"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_DELETE = do_POST = _forward

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_interrupted_publish_resumes(server, project):
    proxy = RefusingProxy(server.url, limit=3)
    try:
        endpoint = proxy.url + urllib.parse.urlsplit(server.gsp_url).path
        failed = publish_project(project, endpoint)
    finally:
        proxy.close()
    assert failed.exit_code == 2
    assert "HTTP 503" in failed.stderr and "going down for maintenance" in failed.stderr
    assert "run the command again to resume" in failed.stderr
    assert "Traceback" not in failed.output
    recorded = manifest_on(server)
    assert len(recorded) == 3  # the three graphs sent before the server went away

    resumed = publish_project(project, server.gsp_url)
    assert resumed.exit_code == 0, resumed.output
    store = open_project(project)
    total = len(store.graphs()) + 1
    assert f"{total - 3} added, 0 replaced, 0 deleted, 3 unchanged" in resumed.stderr
    for graph in recorded:
        assert graph not in resumed.stderr  # not sent again
    assert server_counts(server) == {**local_counts(store), MANIFEST_GRAPH: 3 * total}


def test_digest_auth_endpoint(server, project):
    url = server.gsp_auth_url
    refused = publish_project(project, url, env={USER_ENV: server.user, PASSWORD_ENV: "wrong"})
    assert refused.exit_code == 2
    assert refused.stderr.strip().splitlines()[-1].startswith(f"error: GET {url}?graph=")
    assert "HTTP 401" in refused.stderr and "Traceback" not in refused.output
    anonymous = publish_project(project, url, env={USER_ENV: "", PASSWORD_ENV: ""})
    assert anonymous.exit_code == 2 and "HTTP 401" in anonymous.stderr
    assert server_counts(server) == {}
    accepted = publish_project(project, url,
                               env={USER_ENV: server.user, PASSWORD_ENV: server.password})
    assert accepted.exit_code == 0, accepted.output
    assert server_counts(server)[DOC_BASE + "doc-literals"] == len(
        local_triples(open_project(project), DOC_BASE + "doc-literals"))


def test_write_refused_is_one_line(server, project, tmp_path):
    """Virtuoso's anonymous endpoint without SPARQL_UPDATE: 403 with its message."""
    server.isql('REVOKE SPARQL_UPDATE FROM "SPARQL";')
    try:
        result = publish_project(project, server.gsp_url)
    finally:
        server.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
    assert result.exit_code == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"error: PUT {server.gsp_url}?graph=") and "HTTP 403" in last
    assert "Permission denied" in last


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://127.0.0.1/data", "is not an http:// or https:// URL with a host"),
    ("http:///data", "is not an http:// or https:// URL with a host"),
    ("http://127.0.0.1:99999/data", "has a bad port"),
    ("http://user:secret@127.0.0.1/data", "has credentials in it"),
])
def test_bad_url(url, message, project):
    result = publish_project(project, url)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: --to: {url!r} {message}" + (
        f": give them in {USER_ENV} and {PASSWORD_ENV}" if "credentials" in message else "")


def test_unreachable_and_wrong_path(project, scratch):
    from _virtuoso import free_port

    url = f"http://127.0.0.1:{free_port()}/sparql-graph-crud"
    result = publish_project(project, url)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: GET {url}?graph={urllib.parse.quote(MANIFEST_GRAPH, safe='')}: "
        "Connection refused (what was sent is recorded: run the command again to resume)")
    # a path that is no Graph Store endpoint: its 404 to the manifest reads as "none yet", the
    # first PUT fails (Virtuoso: 501)
    url = scratch.url + "/no-such-endpoint"
    wrong = publish_project(project, url)
    assert wrong.exit_code == 2
    assert wrong.stderr.strip().splitlines()[-1].startswith(f"error: PUT {url}?graph=")
    assert "HTTP 501" in wrong.stderr
