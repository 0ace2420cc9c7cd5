"""The W3C SPARQL 1.1 Protocol test suite (tests/w3c/sparql11-protocol/, copied from the W3C
test repository) against `ctipgraph serve` in a subprocess.

The endpoint is read-only, so the suite is read with that in mind: query tests must pass as the
manifest says; every update test must be refused with a 4xx (only its first request is sent,
the following ones check the update's effect); every bad_* test must get its 4xx. A summary
(passed / failed / refused) is printed at the end of the module.
Run `python tests/test_w3c_protocol.py` for the summary alone.
"""

from __future__ import annotations

import http.client
import json
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from _ctipserver import Server

SUITE = Path(__file__).parent / "w3c" / "sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SRX = "{http://www.w3.org/2005/sparql-results#}"
TABULAR = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values"}
BOOLEAN = {"application/sparql-results+json", "application/sparql-results+xml"}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    expected_status: set[str]  # e.g. {"2xx", "3xx"}
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    requests: list[Request]
    data: dict[str, Path] = field(default_factory=dict)  # graph IRI → file

    @property
    def kind(self) -> str:
        if self.name.startswith("bad_"):
            return "bad"
        return "update" if self.name.startswith("update_") else "query"


def load_manifest(path: Path = SUITE / "manifest.ttl") -> list[ProtocolTest]:
    graph = Graph().parse(path, format="turtle", publicID=path.resolve().as_uri())
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        name = str(entry).rsplit("#", 1)[-1]
        action = graph.value(entry, MF.action)
        requests = []
        for req in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            header_list = graph.value(req, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    headers[str(graph.value(header, HT.fieldName))] = str(
                        graph.value(header, HT.fieldValue))
            body = graph.value(req, HT.body)
            data = None
            if body is not None:
                encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
                data = str(graph.value(body, CNT.chars)).encode(encoding)
            resp = graph.value(req, HT.resp)
            statuses = {str(s).rsplit("StatusCode", 1)[-1]
                        for s in graph.objects(resp, MF.expectedStatus)}
            fmt = graph.value(resp, MF.expectedFormat)
            boolean = graph.value(resp, MF.expectedBoolean)
            requests.append(Request(
                method=str(graph.value(req, HT.methodName)),
                path=str(graph.value(req, HT.absolutePath)),
                headers=headers, body=data, expected_status=statuses,
                expected_format=str(fmt) if fmt is not None else None,
                expected_boolean=boolean.toPython() if boolean is not None else None))
        data_files = {}
        for node in graph.objects(entry, UT.graphData):
            file = graph.value(node, UT.graph)
            label = graph.value(node, RDFS.label)
            if isinstance(file, URIRef):
                data_files[str(label)] = Path(urlsplit(str(file)).path)
        tests.append(ProtocolTest(name, str(graph.value(entry, MF.name)), requests, data_files))
    return tests


TESTS = load_manifest()


def send(base: str, req: Request) -> tuple[int, str, bytes]:
    """Send one request as the manifest writes it (no headers added but Host and length)."""
    url = urlsplit(base)
    path = url.path + req.path  # every manifest path starts with /sparql/
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.putrequest(req.method, path, skip_accept_encoding=True)
        for name, value in req.headers.items():
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(req.body or b"")))
        conn.endheaders(req.body)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


def _status_class(status: int) -> str:
    return f"{status // 100}xx"


def check_format(req: Request, content_type: str, body: bytes) -> str | None:
    """None when the response has the expected format (and boolean), else what is wrong."""
    media = content_type.split(";")[0].strip().lower()
    if req.expected_format == "boolean":
        if media not in BOOLEAN:
            return f"boolean result as {media!r}"
        if media.endswith("json"):
            value = json.loads(body)["boolean"]
        else:
            value = ET.fromstring(body).find(f"{SRX}boolean").text.strip() == "true"
        if req.expected_boolean is not None and value != req.expected_boolean:
            return f"boolean {value}, expected {req.expected_boolean}"
    elif req.expected_format == "tabular":
        if media not in TABULAR:
            return f"tabular result as {media!r}"
        if media == "text/csv":  # lossy, so pyoxigraph does not parse it
            if not body.decode("utf-8").splitlines():
                return "empty CSV"
        else:
            fmt = ox.QueryResultsFormat.from_media_type(media)
            list(ox.parse_query_results(body, format=fmt))
    elif req.expected_format == "RDF":
        try:
            fmt = ox.RdfFormat.from_media_type(media)
        except ValueError:
            return f"RDF result as {media!r}"
        list(ox.parse(body, format=fmt))
    return None


def run_test(base: str, test: ProtocolTest) -> tuple[str, str]:
    """(outcome, detail): outcome is passed, failed or refused."""
    if test.kind == "update":
        status, _, body = send(base, test.requests[0])
        if 400 <= status < 500:
            return "refused", f"{status} {body.decode(errors='replace').strip()[:80]}"
        return "failed", f"update answered {status}, expected a 4xx (read-only endpoint)"
    for req in test.requests:
        status, content_type, body = send(base, req)
        if _status_class(status) not in req.expected_status:
            return "failed", (f"{req.method} {req.path[:60]}: status {status}, expected "
                              f"{'/'.join(sorted(req.expected_status))}: {body[:120]!r}")
        if 200 <= status < 300 and req.expected_format:
            problem = check_format(req, content_type, body)
            if problem:
                return "failed", problem
    return "passed", f"{status}"


def start_server() -> Server:
    data: dict[str, Path] = {}
    for test in TESTS:
        data.update(test.data)
    args = ["--threads", "4", "--timeout", "10", "-q"]
    for graph, file in sorted(data.items()):
        args += ["--data", f"{SUITE / file.name}={graph}"]
    return Server(*args)


@pytest.fixture(scope="module")
def server(request):
    srv = start_server()
    results: Counter = Counter()
    yield srv, results
    srv.stop()
    summary = ("W3C SPARQL 1.1 Protocol suite: "
               + ", ".join(f"{results[k]} {k}" for k in ("passed", "failed", "refused")))
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is not None and reporter is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_line(summary)


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_protocol(server, test: ProtocolTest) -> None:
    srv, results = server
    outcome, detail = run_test(srv.url, test)
    results[outcome] += 1
    assert outcome in ("passed", "refused"), f"{test.name} ({test.title}): {detail}"
    if test.kind == "update":
        assert outcome == "refused"


def main() -> int:
    srv = start_server()
    counts: Counter = Counter()
    try:
        for test in TESTS:
            outcome, detail = run_test(srv.url, test)
            counts[outcome] += 1
            print(f"{outcome:8} {test.name:36} {detail}")
    finally:
        srv.stop()
    print(", ".join(f"{counts[k]} {k}" for k in ("passed", "failed", "refused")))
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
