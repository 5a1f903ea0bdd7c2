"""The login limit holds across processes: two gunicorn workers sharing Redis."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
REDIS_URI = os.environ.get("COURSEWARE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                return process, url
        except requests.RequestException:  # not listening yet, or still importing
            time.sleep(0.2)
    process.kill()
    process.wait()
    output = process.stderr.read().decode()
    process.stderr.close()
    raise AssertionError(output)


@pytest.fixture
def two_workers(database_url, make_user):
    """Start two gunicorn processes on one database; yield a function taking storage."""
    make_user("delegate")
    processes: list[subprocess.Popen] = []

    def start(storage: str) -> list[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("COURSEWARE_")}
        env.update(
            COURSEWARE_DATABASE_URL=database_url,
            COURSEWARE_SECRET_KEY="shared-secret-of-both-workers",
            COURSEWARE_RATELIMIT_STORAGE_URI=storage,
            COURSEWARE_RATELIMIT_KEY_PREFIX=f"test{uuid.uuid4().hex}",
            COURSEWARE_ARGON2_TIME_COST="1",
            COURSEWARE_ARGON2_MEMORY_COST="8192",
            COURSEWARE_ARGON2_PARALLELISM="1",
        )
        urls = []
        for _ in range(2):
            process, url = start_gunicorn(env)
            processes.append(process)
            urls.append(url)
        return urls

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


def failed_logins_alternating(urls: list[str], attempts: int) -> list[int]:
    """Send failed logins to the workers in turn; return the status codes."""
    session = requests.Session()
    page = session.get(f"{urls[0]}/login", timeout=5).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    codes = []
    for attempt in range(attempts):
        response = session.post(
            f"{urls[attempt % 2]}/login",
            allow_redirects=False,
            data={
                "username": "delegate",
                "password": "wrong one!",
                "csrf_token": token,
            },
            timeout=10,
        )
        codes.append(response.status_code)
    return codes


def test_sixth_failure_is_refused_across_two_workers_sharing_redis(two_workers):
    urls = two_workers(REDIS_URI)
    assert failed_logins_alternating(urls, 6) == [401, 401, 401, 401, 401, 429]


def test_memory_storage_cannot_share_the_count(two_workers):
    """The control: with per-process memory storage each worker counts alone."""
    urls = two_workers("memory://")
    assert failed_logins_alternating(urls, 6) == [401] * 6
