"""Safe output for every response.

- `safe_url`: the one rule for what may become a link (`href`, `src`, `action`): an `http:` or
  `https:` URL, or a path, query or fragment of this site. Anything else — `javascript:`,
  `data:`, `vbscript:`, a URL with spaces or control characters, `//other.host` — is shown as
  text, never linked. Views, SVG builders and templates (the `safe_url` filter and the `link`
  macro of `_macros.html`) all go through it.
- `public_root` / `public_url`: the site's public base URL (`app.config["BASE_URL"]`, set by
  `ctipgraph serve --base-url`), used for every absolute link (/download, VoID, the service
  description, JSON-LD contexts); the request's Host header is never used.
- Security headers on every response: Content-Security-Policy (scripts and styles only from this
  site, no inline script, no framing), X-Content-Type-Options: nosniff, Referrer-Policy,
  X-Frame-Options.
- `inputs.BadInput`, raised by a view for a bad parameter, is answered 400 with the reason
  (HTML or JSON).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint, Flask, Response, current_app, request
from markupsafe import escape

from .inputs import BadInput, is_iri

bp = Blueprint("security", __name__)

#: what a link may point to
SAFE_SCHEMES = frozenset({"http", "https"})
DEFAULT_BASE_URL = "http://localhost/"
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
#: characters no link target may hold: browsers drop or reinterpret them (`java\tscript:`)
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\\\u2028\u2029\ufeff]")

#: scripts, styles, images, fonts and requests only from this site; no inline script, no
#: plugins, no <base>, forms only to this site, never in a frame
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
#: inline <style> elements a page's own scripts insert, allowed by their hash and nothing else.
#: The query editor's table (YASGUI 4.6.2's column resizer, package-lock.json) inserts one fixed
#: stylesheet; tests/test_browser.py fails on any CSP violation, so a YASGUI upgrade that changes
#: it is noticed (the new hash is in Chromium's console message).
STYLE_HASHES: dict[str, tuple[str, ...]] = {
    "browse.query_editor": ("'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='",),
}
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def safe_url(value: object) -> str | None:
    """`value` when it may be a link target (http/https, or relative to this site), else None."""
    if not isinstance(value, str) or not value or _UNSAFE_CHARS.search(value):
        return None
    scheme = _SCHEME.match(value)
    if scheme is not None:
        if scheme.group(1).lower() not in SAFE_SCHEMES:
            return None
        return value if urlsplit(value).netloc else None
    if value.startswith("//"):
        return None  # another host under this page's scheme: only absolute URLs go elsewhere
    return value


def check_base_url(value: str) -> str:
    """A public base URL as the app uses it (ending in '/'); ValueError when it is not an
    absolute http(s) URL without query or fragment."""
    parts = urlsplit(value.strip())
    if parts.scheme not in SAFE_SCHEMES or not parts.netloc or parts.query or parts.fragment \
            or safe_url(value.strip()) is None or "@" in parts.netloc \
            or not is_iri(value.strip()) or "'" in value:
        raise ValueError(f"not an http(s) base URL without query or fragment: {value!r}")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def local_base_url(host: str, port: int) -> str:
    """The base URL of a server listening on host:port, for when none is configured (a
    wildcard address is reached as localhost)."""
    if host in ("", "0.0.0.0", "::"):
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def public_root() -> str:
    """The public base URL of the running app (config BASE_URL), ending in '/'."""
    return check_base_url(current_app.config.get("BASE_URL") or DEFAULT_BASE_URL)


def public_url(path: str = "") -> str:
    """An absolute URL on this site: the public base URL and `path` (relative to it)."""
    return public_root() + path.lstrip("/")


@bp.after_app_request
def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    hashes = STYLE_HASHES.get(request.endpoint or "")
    if hashes and response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "style-src 'self'", "style-src 'self' " + " ".join(hashes))
    _no_request_host(response)
    return response


def _no_request_host(response: Response) -> None:
    """A redirect Werkzeug built from the request's Host header (merged slashes, a missing
    trailing slash) goes to the same place by its path alone, and says so without the host."""
    location = response.headers.get("Location")
    if not location:
        return
    parts = urlsplit(location)
    if not parts.netloc or parts.netloc.lower() != request.host.lower():
        return
    target = urlunsplit(("", "", "/" + parts.path.lstrip("/"), parts.query, parts.fragment))
    response.headers["Location"] = target
    if response.mimetype == "text/html":
        response.set_data(f'<!doctype html>\n<title>Redirecting</title>\n<p>Redirecting to '
                          f'<a href="{escape(target)}">{escape(target)}</a>.</p>\n')


def _wants_json() -> bool:
    return (request.path.endswith(".json")
            or request.accept_mimetypes.best_match(["text/html", "application/json"])
            == "application/json")


@bp.app_errorhandler(BadInput)
def _bad_input(error: BadInput) -> Response:
    from .reader import error_response

    return error_response(400, "Bad request", str(error), _wants_json())


def init_app(app: Flask) -> None:
    """Check BASE_URL now (a bad one stops the app from starting) and offer `safe_url` to the
    templates as a filter (None for a URL that must not be linked)."""
    app.config["BASE_URL"] = check_base_url(app.config.get("BASE_URL") or DEFAULT_BASE_URL)
    app.add_template_filter(safe_url, "safe_url")
