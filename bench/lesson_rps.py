"""P1: requests per second of a lesson page against a bare Flask route.

Both apps run under the same gunicorn settings, one after the other in alternating
rounds, loaded by wrk on loopback; the script prints each round and the ratio of the
medians. Run: ``.venv/bin/python bench/lesson_rps.py`` (needs Debian's wrk).

    --workers 2 --threads 4 --seconds 10 --rounds 3 --connections 16
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
IN_APP = """
from courseware import create_app

app = create_app()


@app.get("/ping")
def ping():
    return "Hello, world"
"""
BARE_APP = """
from flask import Flask
app = Flask(__name__)

@app.get("/")
def hello():
    return "Hello, world"
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(module: str, env: dict, cwd: Path, args) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            "gthread",
            # Each worker holds at most its share of wrk's connections. Without this,
            # one worker sometimes accepts all of them and the other idles: a run then
            # measures a third of the rate, for any app (seen in both directions).
            "--worker-connections",
            str(max(args.connections // args.workers, 1)),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            module,
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(url + "/", timeout=1)
            return process, url
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{module} did not start")


def wrk(url: str, args, headers: list[str]) -> float:
    command = ["wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.seconds}s"]
    command += ["-H", f"User-Agent: {USER_AGENT}"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(
        command + [url], capture_output=True, text=True, check=True
    ).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} error responses")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


#: wrk and the sign-in both send it: Flask-Login's strong session protection ties a
#: session to its browser, and a different one would be signed out on every request.
USER_AGENT = "courseware-bench"


def signed_in_cookie(url: str) -> str:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    page = session.get(url + "/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    session.post(
        url + "/login",
        data={"username": "bench", "password": "bench-password-1", "csrf_token": token},
    )
    page = session.get(url + "/modules/childrens-rights/why").text
    assert "Complete and continue" in page, "the bench learner is not signed in"
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    (work / "bare.py").write_text(BARE_APP)
    (work / "ping.py").write_text(IN_APP)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSEWARE_")}
    env.update(
        COURSEWARE_DATABASE_URL=f"sqlite:///{work}/bench.sqlite3",
        COURSEWARE_SECRET_KEY="bench",
        PYTHONPATH=str(ROOT),
    )
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "courseware"]
    for command in (
        ["db", "upgrade"],
        ["content", "publish", "--note", "bench"],
        ["create-user", "--username", "bench", "--password", "bench-password-1"],
    ):
        subprocess.run(
            flask + command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
    course, course_url = serve("wsgi:app", env, ROOT, args)
    bare, bare_url = serve("bare:app", env, work, args)
    ping, ping_url = serve(
        "ping:app", {**env, "PYTHONPATH": f"{work}:{ROOT}"}, ROOT, args
    )
    cookie = signed_in_cookie(course_url)
    # A returning visitor: their session holds the sign-in form's token from a visit.
    visitor = requests.get(course_url + "/login", timeout=10)
    visitor_cookie = "; ".join(f"{c.name}={c.value}" for c in visitor.cookies)
    assert visitor_cookie, "the sign-in page set no session cookie"
    lesson = "/modules/childrens-rights/why"
    targets = [
        ("bare Flask route", bare_url + "/", []),
        ("route in our app", ping_url + "/ping", []),
        (
            "lesson, anonymous",
            course_url + lesson,
            [f"Cookie: {visitor_cookie}", "Accept-Language: en"],
        ),
        ("lesson, signed in", course_url + lesson, [f"Cookie: {cookie}"]),
    ]
    for name, url, headers in targets:  # each target answers what it should
        sent = dict(h.split(": ", 1) for h in [*headers, f"User-Agent: {USER_AGENT}"])
        text = requests.get(url, headers=sent, timeout=10).text
        signed_in = "Complete and continue" in text
        assert signed_in == name.endswith("signed in"), f"{name}: wrong page"
    results: dict[str, list[float]] = {name: [] for name, _, _ in targets}
    try:
        for url in (t[1] for t in targets):
            wrk(url, argparse.Namespace(**{**vars(args), "seconds": 2}), [])  # warm up
        for round_number in range(1, args.rounds + 1):
            for name, url, headers in targets:
                rps = wrk(url, args, headers)
                results[name].append(rps)
                print(f"round {round_number}: {name:<20} {rps:10.1f} req/s", flush=True)
    finally:
        for process in (course, bare, ping):
            process.terminate()
            process.wait()
        shutil.rmtree(work, ignore_errors=True)
    base = statistics.median(results["bare Flask route"])
    in_app = statistics.median(results["route in our app"])
    print(
        f"\ngunicorn gthread, {args.workers} workers x {args.threads} threads; wrk "
        f"-c {args.connections}, {args.seconds} s x {args.rounds} rounds, medians:"
    )
    for name, values in results.items():
        median = statistics.median(values)
        print(
            f"  {name:<20} {median:10.1f} req/s   vs bare Flask {median / base:.2f}"
            f"   vs route in our app {median / in_app:.2f}"
        )


if __name__ == "__main__":
    main()
