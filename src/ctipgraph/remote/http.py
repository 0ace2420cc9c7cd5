"""HTTP requests to a remote SPARQL server, with auth from the environment.

    from ctipgraph.remote.http import RemoteError, request
    response = request("POST", "http://host:8890/sparql", body=b"query=...",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    response.status, response.headers["Content-Type"], response.body

- Credentials come from CTIPGRAPH_REMOTE_USER / CTIPGRAPH_REMOTE_PASSWORD (never from the
  command line). They are sent when the server asks (a 401 challenge): HTTP Basic or HTTP
  Digest, whichever it asks for (Virtuoso's `/sparql-graph-crud-auth` asks for Digest), and
  then in advance on the later requests of the same opener(). With auth, make the first request
  of an opener one without a large body (a server refusing a large body may cut it short).
- A body is bytes or a binary file opened for reading (sent with its size as Content-Length,
  rewound when the request is sent again after an auth challenge).
- Any failure (bad URL, unreachable server, time-out, HTTP status >= 400) raises RemoteError
  with the method, the URL, the status (0 when no HTTP answer) and the server's message.
"""

from __future__ import annotations

import html
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import BinaryIO

USER_ENV = "CTIPGRAPH_REMOTE_USER"
PASSWORD_ENV = "CTIPGRAPH_REMOTE_PASSWORD"
DEFAULT_TIMEOUT = 60.0


class RemoteError(Exception):
    """A request to a remote server that failed. `status` is the HTTP status, 0 when the
    server gave no HTTP answer (bad URL, refused connection, time-out)."""

    def __init__(self, method: str, url: str, status: int, message: str) -> None:
        self.method, self.url, self.status, self.message = method, url, status, message
        super().__init__(f"{method} {url}: {f'HTTP {status}: ' if status else ''}{message}")


@dataclass(frozen=True)
class Response:
    """A server's answer (status < 400)."""

    status: int
    headers: Message
    body: bytes


def credentials() -> tuple[str, str] | None:
    """(user, password) from the environment, or None when CTIPGRAPH_REMOTE_USER is unset."""
    user = os.environ.get(USER_ENV)
    return (user, os.environ.get(PASSWORD_ENV, "")) if user else None


def check_url(url: str) -> str:
    """`url` if it is an absolute http(s) URL with a host, else ValueError saying why."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http:// or https:// URL with a host")
    try:
        parts.port  # noqa: B018 - raises ValueError on a port out of range or not a number
    except ValueError:
        raise ValueError(f"{url!r} has a bad port") from None
    if parts.username or parts.password:
        raise ValueError(f"{url!r} has credentials in it: give them in {USER_ENV} and "
                         f"{PASSWORD_ENV}")
    return url


def opener(url: str, auth: tuple[str, str] | None = None) -> urllib.request.OpenerDirector:
    """A urllib opener that answers Basic and Digest challenges of `url`'s server with `auth`
    (default: credentials())."""
    auth = auth or credentials()
    handlers: list[urllib.request.BaseHandler] = []
    if auth:
        passwords = urllib.request.HTTPPasswordMgrWithPriorAuth()
        passwords.add_password(None, url, *auth, is_authenticated=False)
        handlers += [_DigestInAdvance(passwords), urllib.request.HTTPBasicAuthHandler(passwords)]
    return urllib.request.build_opener(*handlers)


class _DigestInAdvance(urllib.request.HTTPDigestAuthHandler):
    """Digest auth that, once it has seen the server's challenge, answers it on every later
    request before being asked: a PUT of a large body is not cut short by a 401 (the server
    closes the connection while the body is still being sent: a broken pipe). Basic auth does
    the same by itself once it succeeded (HTTPPasswordMgrWithPriorAuth)."""

    def __init__(self, passwords: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(passwords)
        self._challenge: dict[str, str] | None = None

    def http_error_401(self, req, fp, code, msg, headers):
        challenge = headers.get("www-authenticate", "")
        if challenge.lower().startswith("digest "):
            self._challenge = urllib.request.parse_keqv_list(
                filter(None, urllib.request.parse_http_list(challenge.split(" ", 1)[1])))
        return super().http_error_401(req, fp, code, msg, headers)

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        if self._challenge and not req.has_header(self.auth_header):
            answer = self.get_authorization(req, self._challenge)
            if answer:
                req.add_unredirected_header(self.auth_header, f"Digest {answer}")
        return req

    https_request = http_request


class _Request(urllib.request.Request):
    """A request whose file body is rewound each time it is about to be sent."""

    @property
    def data(self):  # type: ignore[override]
        body = self.__dict__.get("_body")
        if hasattr(body, "seek"):
            body.seek(0)
        return body

    @data.setter
    def data(self, value) -> None:
        self.__dict__["_body"] = value


def request(method: str, url: str, *, body: bytes | BinaryIO | None = None,
            headers: dict[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT,
            auth: tuple[str, str] | None = None,
            via: urllib.request.OpenerDirector | None = None) -> Response:
    """Send one request and read the answer; RemoteError on any failure (see the module doc).
    `via` reuses an opener() across requests; else one is made with `auth`/credentials()."""
    try:
        check_url(url)
    except ValueError as error:
        raise RemoteError(method, url, 0, str(error)) from None
    req = _Request(url, data=body, headers=dict(headers or {}), method=method)
    if body is not None and not isinstance(body, bytes):
        req.add_header("Content-Length", str(_size(body)))
    try:
        with (via or opener(url, auth)).open(req, timeout=timeout) as answer:
            return Response(answer.status, answer.headers, answer.read())
    except urllib.error.HTTPError as error:
        raise RemoteError(method, url, error.code, _server_message(error)) from None
    except urllib.error.URLError as error:
        reason = error.reason
        raise RemoteError(method, url, 0, _reason(reason)) from None
    except TimeoutError:
        raise RemoteError(method, url, 0, f"no answer within {timeout:g} s") from None
    except (OSError, ValueError) as error:  # reset connection, bad header, …
        raise RemoteError(method, url, 0, str(error) or type(error).__name__) from None


def _size(body: BinaryIO) -> int:
    """The size of a seekable binary file object (rewound)."""
    body.seek(0, os.SEEK_END)
    size = body.tell()
    body.seek(0)
    return size


def _reason(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "no answer (time-out)"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason)


def _server_message(error: urllib.error.HTTPError, limit: int = 300) -> str:
    """The HTTP reason and the first words of the server's error body, tags stripped."""
    try:
        text = error.read(4096).decode("utf-8", errors="replace")
    except OSError:
        text = ""
    text = html.unescape(re.sub(r"(?s)<(script|style)\b.*?</\1>|<[^>]+>", " ", text))
    text = " ".join(text.split())
    message = error.reason if isinstance(error.reason, str) else ""
    if text and text.lower() != message.lower():
        message = f"{message}: {text}" if message else text
    return message[:limit] + ("…" if len(message) > limit else "")
