"""A page cache in front of Flask for the pages every visitor sees alike.

A visitor (nobody signed in, no message waiting) sees the same lesson, module, track or
catalogue page as every other visitor who reads in the same language: the page holds no
token and nothing personal. The view that renders such a page says so
(:func:`mark_shared`); this WSGI middleware keeps Flask's response (status, headers,
body) and answers the next visitor's identical request from memory, without running
Flask's session, locale and login machinery again.

What a shared page depends on is all in the key: the path, the interface language (the
language cookie, else ``Accept-Language``, by the same rule as :func:`select_locale`),
whether the browser accepts gzip, the scheme, and the active content version (shared
pages hold no absolute links, so the host is not part of it: forged ``Host`` headers
cannot fill the cache).
A request with a query string, a ``Range``, a remember-me cookie, or a session cookie
that does not open (with the app's own session interface) to a visitor's session, one
holding nothing but a CSRF secret, always goes to Flask. The cache is per
process and is emptied when the active content version changes (re-read at most once
every ``COURSEWARE_CONTENT_CHECK_SECONDS``); ``COURSEWARE_PAGE_CACHE = False`` turns it
off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from flask import Flask, request
from werkzeug.datastructures import Headers
from werkzeug.http import parse_cookie, remove_entity_headers

from courseware.i18n import LANGUAGE_COOKIE, visitor_language

#: The key of the WSGI environ entry a view sets to offer its page for sharing.
SHARED = "courseware.shared_page"
#: Entries kept per process before the cache starts again from empty.
MAX_ENTRIES = 4096

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def mark_shared(version_id: int | None) -> None:
    """Offer this response, rendered from ``version_id``, to every visitor alike."""
    request.environ[SHARED] = version_id


#: Session keys a visitor's session may hold (a form's CSRF secret): any other key
#: (a signed-in user, a waiting message, a host's own sign-in) sends it to Flask.
VISITOR_SESSION_KEYS = frozenset({"csrf_token"})


@dataclass(frozen=True)
class Entry:
    """One stored response, and the headers of its 304 answer."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str | None
    not_modified: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, status: str, headers: list[tuple[str, str]], body: bytes) -> Entry:
        kept = Headers(headers)
        etag = kept.get("ETag")
        remove_entity_headers(kept)  # what a 304 leaves out (as Werkzeug's own)
        return cls(status, tuple(headers), body, etag, tuple(kept.to_wsgi_list()))


class PageCache:
    """WSGI middleware: answers visitors' requests for shared pages from memory."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.entries: dict[tuple, Entry] = {}
        self.version: int | None = None
        self.hits = 0
        session_cookie = app.config.get("SESSION_COOKIE_NAME", "session")
        remember_cookie = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")

        @lru_cache(maxsize=2048)
        def visitor(cookie_header: str, accept_language: str) -> str | None:
            """The visitor's language, or None when Flask must see this request."""
            cookies = parse_cookie(cookie_header)
            if remember_cookie in cookies:
                return None
            if cookies.get(session_cookie) and not self._visitor_session(cookie_header):
                return None
            return visitor_language(
                cookies.get(LANGUAGE_COOKIE),
                accept_language,
                tuple(app.config["COURSEWARE_LANGUAGES"]),
                app.config["COURSEWARE_DEFAULT_LANGUAGE"],
            )

        self._visitor = visitor

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if (
            environ["REQUEST_METHOD"] != "GET"
            or environ.get("QUERY_STRING")
            or "HTTP_RANGE" in environ
            or not self.app.config["COURSEWARE_PAGE_CACHE"]
        ):
            return self.wsgi_app(environ, start_response)
        lang = self._visitor(
            environ.get("HTTP_COOKIE", ""), environ.get("HTTP_ACCEPT_LANGUAGE", "")
        )
        if lang is None:
            return self.wsgi_app(environ, start_response)
        version = self._active_version()
        if version is False:
            return self.wsgi_app(environ, start_response)
        key = (
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            lang,
            "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""),
            environ.get("wsgi.url_scheme"),  # HSTS is sent over HTTPS only
            version,
        )
        entry = self.entries.get(key)
        if entry is not None:
            self.hits += 1
            if entry.etag and entry.etag in environ.get("HTTP_IF_NONE_MATCH", ""):
                start_response("304 Not Modified", list(entry.not_modified))
                return []
            start_response(entry.status, list(entry.headers))
            return [entry.body]
        return self._fill(key, version, environ, start_response)

    def _visitor_session(self, cookie_header: str) -> bool:
        """True when the session cookie opens (through the app's own session
        interface, signature checked) to a visitor's session."""
        # Sessions are opened from cookies: the cookie header is the whole request.
        asked = self.app.request_class({"HTTP_COOKIE": cookie_header})
        with self.app.app_context():
            opened = self.app.session_interface.open_session(self.app, asked)
        # A cookie that opens to nothing was forged, expired or from another secret.
        return bool(opened) and opened.keys() <= VISITOR_SESSION_KEYS

    def _fill(self, key: tuple, version: int | None, environ, start_response):
        """Ask Flask, and keep its answer when the view offered it for sharing."""
        seen: list[tuple[str, list]] = []

        def capture(status, headers, exc_info=None):
            seen.append((status, headers))
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        if (
            environ.get(SHARED, False) != version
            or not seen
            or not seen[0][0].startswith("200 ")
            or any(name.lower() == "set-cookie" for name, _ in seen[0][1])
        ):
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        if len(self.entries) >= MAX_ENTRIES:
            self.entries.clear()
        self.entries[key] = Entry.of(seen[0][0], seen[0][1], data)
        return [data]

    def _active_version(self) -> int | None | bool:
        """The active version id (None: nothing published; False: unknown)."""
        from courseware.content.runtime import active_version_id

        try:
            version = active_version_id(self.app)
        except Exception:  # the database is down: Flask answers with its error page
            return False
        if version != self.version:
            self.entries.clear()
            self.version = version
        return version


def install(app: Flask) -> PageCache:
    """Put the page cache in front of ``app``'s WSGI callable."""
    cache = PageCache(app, app.wsgi_app)
    app.wsgi_app = cache  # type: ignore[method-assign]
    app.extensions["courseware"].page_cache = cache
    return cache
