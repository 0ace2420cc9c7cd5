"""ctipgraph.remote.http against a small local server: HTTP Basic auth from the environment,
file bodies sent whole again after the challenge, then credentials sent in advance; the
server's error message in RemoteError. (Digest: tests/test_publish.py, against Virtuoso.)"""

from __future__ import annotations

import base64
import io
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ctipgraph.remote.http import PASSWORD_ENV, USER_ENV, RemoteError, credentials, opener, request

GOOD = "Basic " + base64.b64encode("reader:s3cret é".encode()).decode()


@pytest.fixture()
def server() -> Iterator[tuple[str, list[tuple[str, str | None, bytes]]]]:
    """A server that wants Basic auth (reader / 's3cret é') on /data and answers errors with
    an HTML page on /broken; yields its URL and the requests it saw."""
    seen: list[tuple[str, str | None, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            auth = self.headers.get("Authorization")
            seen.append((self.command, auth, body))
            if self.path.startswith("/broken"):
                self._send(500, b"<html><head><style>p{}</style></head><body><h1>Error</h1>"
                                b"<p>disk &amp; index full</p></body></html>", "text/html")
            elif auth != GOOD:
                self._send(401, b"who are you?", "text/plain",
                           {"WWW-Authenticate": 'Basic realm="data"'})
            else:
                self._send(200, b"got %d bytes" % len(body), "text/plain")

        def _send(self, status: int, data: bytes, ctype: str,
                  extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = do_POST = _answer

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_basic_auth_from_the_environment(server, monkeypatch):
    url, seen = server
    monkeypatch.setenv(USER_ENV, "reader")
    monkeypatch.setenv(PASSWORD_ENV, "s3cret é")
    assert credentials() == ("reader", "s3cret é")
    via = opener(url)
    body = io.BytesIO(b"x" * 300_000)
    answer = request("PUT", url + "/data", body=body, via=via)
    assert (answer.status, answer.body) == (200, b"got 300000 bytes")
    # the first try had no credentials; the retry sent the whole body again
    assert [(m, a, len(b)) for m, a, b in seen] == [("PUT", None, 300_000),
                                                    ("PUT", GOOD, 300_000)]
    # once accepted, the credentials go with the first request
    assert request("POST", url + "/data", body=b"q", via=via).body == b"got 1 bytes"
    assert seen[-1][:2] == ("POST", GOOD) and len(seen) == 3


def test_refused_login_and_server_messages(server, monkeypatch):
    url, _ = server
    monkeypatch.setenv(USER_ENV, "reader")
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    with pytest.raises(RemoteError) as refused:
        request("GET", url + "/data")
    assert refused.value.status == 401
    assert str(refused.value).startswith(f"GET {url}/data: HTTP 401: Unauthorized")
    monkeypatch.delenv(USER_ENV)
    assert credentials() is None
    with pytest.raises(RemoteError) as anonymous:
        request("GET", url + "/data")
    assert str(anonymous.value) == f"GET {url}/data: HTTP 401: Unauthorized: who are you?"
    with pytest.raises(RemoteError) as broken:
        request("GET", url + "/broken")
    assert str(broken.value) == (f"GET {url}/broken: HTTP 500: Internal Server Error: "
                                 "Error disk & index full")


def test_no_answer_and_bad_urls(server):
    url, _ = server
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        slow_url = f"http://127.0.0.1:{silent.getsockname()[1]}/x"
        with pytest.raises(RemoteError) as slow:
            request("GET", slow_url, timeout=0.3)
    assert str(slow.value) == f"GET {slow_url}: no answer within 0.3 s"
    for bad, why in (("file:///etc/passwd", "is not an http:// or https:// URL with a host"),
                     (url.replace("http://", "http://u:p@"), "has credentials in it")):
        with pytest.raises(RemoteError) as error:
            request("GET", bad)
        assert error.value.status == 0 and why in error.value.message
