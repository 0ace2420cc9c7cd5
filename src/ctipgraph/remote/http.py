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

import base64
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
    """A urllib opener for `url`'s server that answers its Basic or Digest challenge with
    `auth` (default: credentials()), then sends the credentials with every later request."""
    auth = auth or credentials()
    return urllib.request.build_opener(*([_Auth(*auth)] if auth else []))


class _OnePassword:
    """The password manager urllib's Digest code asks: one user and password, any realm."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password

    def add_password(self, *args) -> None:
        pass

    def find_user_password(self, realm: str, uri: str) -> tuple[str, str]:
        return self.user, self.password


class _Auth(urllib.request.BaseHandler):
    """HTTP Basic or Digest, whichever the server's 401 asks for; once known, the answer goes
    with every request in advance, so a PUT of a large body is not cut short by a 401 (the
    server closes the connection while the body is still being sent: a broken pipe). A request
    is sent at most three times (no credentials, answer, answer to a fresh Digest nonce)."""

    handler_order = 480

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password
        self.scheme = ""
        self.challenge: dict[str, str] = {}
        self._digest = urllib.request.AbstractDigestAuthHandler(_OnePassword(user, password))

    def _answer(self, req: urllib.request.Request) -> str | None:
        if self.scheme == "basic":
            pair = f"{self.user}:{self.password}".encode()
            return "Basic " + base64.b64encode(pair).decode("ascii")
        if self.scheme == "digest":
            answer = self._digest.get_authorization(req, self.challenge)
            return f"Digest {answer}" if answer else None
        return None

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        answer = self._answer(req)
        if answer and not req.has_header("Authorization"):
            req.add_unredirected_header("Authorization", answer)
        return req

    https_request = http_request

    def http_error_401(self, req, fp, code, msg, headers):
        scheme, _, params = headers.get("www-authenticate", "").partition(" ")
        tries = getattr(req, "_auth_tries", 0)
        if scheme.lower() not in ("basic", "digest") or tries >= 2:
            return None  # urllib raises the 401 (its body read into RemoteError)
        self.scheme = scheme.lower()
        self.challenge = (urllib.request.parse_keqv_list(
            filter(None, urllib.request.parse_http_list(params))) if self.scheme == "digest"
            else {})
        answer = self._answer(req)
        if not answer or (self.scheme == "basic" and answer == req.get_header("Authorization")):
            return None  # refused: these very credentials were sent
        req._auth_tries = tries + 1  # type: ignore[attr-defined]
        fp.read()
        fp.close()
        req.add_unredirected_header("Authorization", answer)
        return self.parent.open(req, timeout=req.timeout)


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
