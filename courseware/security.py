"""Security headers, safe redirects and rate-limited views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, g, request, session
from flask.blueprints import BlueprintSetupState
from flask.sessions import SecureCookieSessionInterface

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


BASELINE_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


def is_safe_redirect(target: str | None) -> bool:
    """True only for a path on this site (no scheme, no host, no backslash tricks)."""
    if not target or not isinstance(target, str):
        return False
    decoded = unquote(target)
    if "\\" in decoded or any(ord(ch) < 32 or ord(ch) == 127 for ch in decoded):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` when it is a path on this site, else ``fallback``."""
    return target if is_safe_redirect(target) else fallback


def same_origin() -> bool:
    """True when the browser says this request comes from a page of this site.

    ``Sec-Fetch-Site`` first (every current browser sends it), else ``Origin``, else
    ``Referer``; a request with none of them is not trusted.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site:
        return site == "same-origin"
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return False
    parts = urlsplit(source)
    return f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")


def add_security_headers(response: Response) -> Response:
    """Headers every courseware response carries."""
    headers = response.headers
    present = {key.lower() for key in headers.keys()}
    for key, value in BASELINE_HEADERS:
        if key.lower() not in present:
            headers.add(key, value)
    if request.is_secure and "strict-transport-security" not in present:
        headers.add("Strict-Transport-Security", "max-age=31536000")
    return response


class SecureWhenHttpsSessionInterface(SecureCookieSessionInterface):
    """Session cookies are marked Secure whenever the request came over HTTPS.

    The signing serializer is built once per secret (Flask builds two a request).
    """

    def __init__(self) -> None:
        self._serializers: dict[tuple, Any] = {}

    def get_cookie_secure(self, app: Flask) -> bool:
        if self._partitioned():
            return True
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)

    @staticmethod
    def _partitioned() -> bool:
        """A session begun in an LMS's cross-site frame (an LTI launch there):
        its cookie is ``SameSite=None; Secure; Partitioned`` (CHIPS), the only
        kind a browser keeps and sends in that frame, under the LMS's site only."""
        if "_partitioned" in session:
            return bool(session["_partitioned"])
        return bool(g.get("session_was_partitioned"))  # signed out: delete it

    def open_session(self, app: Flask, request):
        found = super().open_session(app, request)
        g.session_was_partitioned = bool(found and found.get("_partitioned"))
        return found

    def get_cookie_samesite(self, app: Flask) -> str | None:
        if self._partitioned():
            return "None"
        return super().get_cookie_samesite(app)

    def get_cookie_partitioned(self, app: Flask) -> bool:
        return self._partitioned() or super().get_cookie_partitioned(app)

    def get_signing_serializer(self, app: Flask):
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        found = self._serializers.get(key)
        if found is None:
            found = super().get_signing_serializer(app)
            if len(self._serializers) > 16:  # secrets rotated many times: start over
                self._serializers.clear()
            self._serializers[key] = found
        return found


def account_key() -> str:
    """Rate-limit key of the signed-in account (else the client address)."""
    from flask_limiter.util import get_remote_address
    from flask_login import current_user

    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return get_remote_address()


def limited_rule(
    rule: str,
    endpoint: str,
    view: Callable,
    limit_key: str,
    *,
    methods: list[str] | None = None,
    limit_methods: list[str] | None = None,
    **limit: Any,
) -> Callable[[BlueprintSetupState], None]:
    """A ``Blueprint.record`` callback: ``rule`` served by ``view`` under a rate limit.

    The limit (the ``COURSEWARE_*`` config key ``limit_key``, counted on
    ``limit_methods``, with Flask-Limiter's other ``limit`` options) is declared where
    the blueprint registers the view, through Flask-Limiter's public decorator and the
    limiter of the app the blueprint is registered on.
    """

    def register(state: BlueprintSetupState) -> None:
        app = state.app
        limiter = app.extensions["courseware"].limiter
        decorated = limiter.limit(
            lambda: app.config[limit_key], methods=limit_methods, **limit
        )(view)
        state.add_url_rule(rule, endpoint, decorated, methods=methods)
        full = f"{state.name_prefix}.{state.name}.{endpoint}".lstrip(".")
        app.extensions["courseware"].limited.add(full)

    return register
