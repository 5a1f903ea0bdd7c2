"""A real LRS for the tests (Ralph), and a proxy in front of it that injects faults."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import bcrypt
import requests

HERE = Path(__file__).parent
USERNAME, PASSWORD = "courseware", "lrs-password-for-tests"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Ralph:
    """Ralph running in a subprocess with a filesystem store in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/xAPI"
        self.process: subprocess.Popen | None = None

    def start(self, keep_port: bool = False) -> Ralph:
        if not keep_port:
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}/xAPI"
        self.folder.mkdir(parents=True, exist_ok=True)
        auth = self.folder / "auth.json"
        auth.write_text(
            json.dumps(
                [
                    {
                        "username": USERNAME,
                        "hash": bcrypt.hashpw(
                            PASSWORD.encode(), bcrypt.gensalt(4)
                        ).decode(),
                        "scopes": ["all"],
                        "agent": {
                            "mbox": "mailto:courseware@example.org",
                            "objectType": "Agent",
                        },
                    }
                ]
            )
        )
        env = {
            **os.environ,
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_AUTH_FILE": str(auth),
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(
                self.folder / "store"
            ),
            "RALPH_APP_DIR": str(self.folder / "app"),
        }
        (self.folder / "store").mkdir(exist_ok=True)
        (self.folder / "app").mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "ralph_server.py"), str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=self.folder,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1)
                return self
            except requests.RequestException:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode()) from None
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("Ralph did not start within 60 s")

    def start_again(self) -> Ralph:
        """Start the stopped server again, same port and same store."""
        return self.start(keep_port=True)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process.stderr.close()
            self.process = None

    def statements(self) -> list[dict]:
        """Every statement Ralph stored, from its store file (duplicates visible)."""
        found = []
        for path in (self.folder / "store").glob("*"):
            for line in path.read_text().splitlines():
                if line.strip():
                    found.append(json.loads(line))
        return found

    def get(self, statement_id: str) -> requests.Response:
        return requests.get(
            f"{self.url}/statements",
            params={"statementId": statement_id},
            auth=(USERNAME, PASSWORD),
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=10,
        )


@dataclass
class Post:
    """One POST the proxy saw: when, what it did, how many statements, its answer."""

    at: float
    action: str
    size: int
    status: int | None  # None: the connection was cut


@dataclass
class Faults:
    """What the proxy does to the next requests (each list entry is used once).

    Actions: "ok", "500", "503", "429", "400", "drop" (cut the connection), "timeout"
    (Ralph stores the batch, the answer comes after ``delay``), "adl" (answer 409 when
    Ralph already holds any of the ids, as ADL's LRS does, else forward).
    ``get_shape``: "ralph" passes Ralph's ``{"statements": [...]}`` answers to
    ``GET statements?statementId=`` through; "spec" turns them into the bare statement
    (404 when there is none), as the specification shows.
    """

    plan: list[str] = field(default_factory=list)
    default: str = "ok"
    seen: list[list[str]] = field(default_factory=list)  # statement ids per POST
    posts: list[Post] = field(default_factory=list)
    gets: int = 0
    get_shape: str = "ralph"
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next(self) -> str:
        with self.lock:
            return self.plan.pop(0) if self.plan else self.default

    def sizes(self, since: float = 0.0, status: int | None = None) -> list[int]:
        """Batch sizes POSTed since ``since`` (monotonic), answered ``status``."""
        with self.lock:
            return [
                p.size
                for p in self.posts
                if p.at >= since and (status is None or p.status == status)
            ]


def spec_shape(status: int, content: bytes) -> tuple[int, bytes]:
    """Ralph's answer to ``GET ?statementId=`` as the specification shapes it."""
    if status != 200:
        return status, content
    found = json.loads(content).get("statements")
    if not found:
        return 404, b""
    return 200, json.dumps(found[0]).encode()


class FaultProxy:
    """An HTTP proxy to the LRS that can fail, stall or cut connections on request."""

    def __init__(self, target: str, faults: Faults) -> None:
        self.target = target.rstrip("/")
        self.origin = "/".join(self.target.split("/")[:3])
        self.faults = faults
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _forward(self, method: str) -> None:
                self.received = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                action = proxy.faults.next() if method == "POST" else "ok"
                ids = [s.get("id") for s in json.loads(body)] if body else []
                if method == "POST" and body:
                    with proxy.faults.lock:
                        proxy.faults.seen.append(ids)
                if method == "GET":
                    with proxy.faults.lock:
                        proxy.faults.gets += 1
                if action == "drop":
                    self._record(action, ids, None)
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if action == "adl" and proxy.held_any(ids, self.headers):
                    action = "409"
                if action in ("500", "503", "429", "400", "409"):
                    self._record(action, ids, int(action))
                    self.send_response(int(action))
                    if action == "429":
                        self.send_header("Retry-After", "0")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                upstream = requests.request(
                    method,
                    proxy.origin + self.path,
                    data=body,
                    headers=proxy.upstream_headers(self.headers),
                    timeout=30,
                )
                if (
                    action == "timeout"
                ):  # the LRS stored it, but the answer comes too late
                    time.sleep(proxy.faults.delay or 3)
                status, content = upstream.status_code, upstream.content
                if method == "GET" and proxy.faults.get_shape == "spec":
                    status, content = spec_shape(status, content)
                if method == "POST":
                    self._record(action, ids, status)
                self.send_response(status)
                for key in ("Content-Type", "X-Experience-API-Version"):
                    if key in upstream.headers:
                        self.send_header(key, upstream.headers[key])
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def _record(self, action: str, ids: list, status: int | None) -> None:
                if self.command != "POST":
                    return
                post = Post(self.received, action, len(ids), status)
                with proxy.faults.lock:
                    proxy.faults.posts.append(post)

            def do_POST(self):
                self._forward("POST")

            def do_GET(self):
                self._forward("GET")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        prefix = (
            "/" + self.target.split("/", 3)[3] if self.target.count("/") >= 3 else ""
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}{prefix}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def upstream_headers(headers) -> dict[str, str]:
        keep = ("authorization", "content-type", "x-experience-api-version")
        return {k: v for k, v in headers.items() if k.lower() in keep}

    def held_any(self, ids: list[str], headers) -> bool:
        """Does Ralph already hold any of these ids? (asked the way a client would)"""
        for statement_id in ids:
            answer = requests.get(
                f"{self.target}/statements",
                params={"statementId": statement_id},
                headers=self.upstream_headers(headers),
                timeout=30,
            )
            if answer.status_code == 200 and answer.json().get("statements"):
                return True
        return False

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
