"""Race harness: N identical requests at once through a real threaded HTTP server.

Two tabs, a phone coming back online, an LMS retrying: the same request arrives twice
at the same moment. ``RaceClient`` signs in over real HTTP (werkzeug's threaded
server, the app's real database) and ``race`` fires copies of one request released
together by a ``threading.Barrier``.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from werkzeug.serving import make_server

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
META_CSRF_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class LiveServer:
    """The test app served over real HTTP on a free loopback port."""

    def __init__(self, app) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.server.server_close()


class RaceClient:
    """A browser-like client of a live server: cookies, CSRF tokens, races."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.http = requests.Session()

    def get(self, path: str, **kw) -> requests.Response:
        return self.http.get(self.base + path, timeout=30, **kw)

    def post(self, path: str, **kw) -> requests.Response:
        return self.http.post(self.base + path, timeout=30, **kw)

    def csrf(self, path: str) -> str:
        """The CSRF token of the first form (or the page's meta tag) at ``path``."""
        page = self.get(path).text
        match = CSRF_RE.search(page) or META_CSRF_RE.search(page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, username: str, password: str) -> None:
        token = self.csrf("/login")
        answer = self.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token},
            allow_redirects=False,
        )
        assert answer.status_code == 302, answer.text[:500]

    def race(self, n: int, method: str, path: str, **kw) -> list[requests.Response]:
        """Send ``n`` copies of one request at the same moment; their answers."""
        barrier = threading.Barrier(n)
        cookies = self.http.cookies.get_dict()

        def one(_i: int) -> requests.Response:
            with requests.Session() as http:
                http.cookies.update(cookies)
                request = requests.Request(method, self.base + path, **kw)
                prepared = http.prepare_request(request)
                barrier.wait(timeout=30)
                return http.send(prepared, timeout=60, allow_redirects=False)

        with ThreadPoolExecutor(max_workers=n) as pool:
            return list(pool.map(one, range(n)))


def statuses(answers: list[requests.Response]) -> list[int]:
    """The status codes, for assertion messages."""
    return [answer.status_code for answer in answers]


def assert_no_server_errors(answers: list[requests.Response]) -> None:
    """No answer of 500 or more; each failure shows its body."""
    bad = [a for a in answers if a.status_code >= 500]
    assert not bad, [(a.status_code, a.text[:800]) for a in bad]
