"""Delivery under LRS faults: a ``flask courseware xapi worker`` process, real Ralph,
the tests' fault proxy in between (``tests/xapi/lrs.py``).

(a) failing: BENCH_PENDING statements (3,113) wait while the LRS answers 500 for
BENCH_FAILING_SECONDS (60) with the default backoff (2 s doubling, cap 600 s); counts
the POSTs against the bound of one POST per backoff step, then how the backlog leaves
once the LRS is back (batch sizes, seconds to drain). (b) SIGTERM: batches answered
after 2 s; seconds from SIGTERM to exit and what the worker sent.
Run: ``.venv/bin/python bench/delivery_faults.py [failing] [sigterm]`` (about 2
minutes).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PENDING = int(os.environ.get("BENCH_PENDING", "3113"))
FAILING = float(os.environ.get("BENCH_FAILING_SECONDS", "60"))
BACKOFF, CAP = 2.0, 600.0  # the defaults


def most_posts(window: float, base: float, cap: float) -> int:
    """POSTs allowed in ``window`` s at one per backoff step (shortest waits)."""
    posts, elapsed, failures = 1, 0.0, 0
    while True:
        failures += 1
        elapsed += min(cap, base * 2 ** (failures - 1)) / 2
        if elapsed > window:
            return posts
        posts += 1


def make_app(work: Path, endpoint: str, **settings):
    from courseware import create_app
    from tests.xapi.lrs import PASSWORD, USERNAME

    config = {
        "COURSEWARE_SECRET_KEY": "bench",
        "COURSEWARE_DATABASE_URL": f"sqlite:///{work}/faults.sqlite3",
        "COURSEWARE_LRS_ENDPOINT": endpoint,
        "COURSEWARE_LRS_USERNAME": USERNAME,
        "COURSEWARE_LRS_PASSWORD": PASSWORD,
        **settings,
    }
    app = create_app(config)
    result = app.test_cli_runner().invoke(args=["courseware", "db", "upgrade"])
    assert result.exit_code == 0, result.output
    return app, {k: str(v) for k, v in config.items()}


def queue(app, count: int) -> None:
    from courseware.db import get_session
    from courseware.xapi.outbox import record

    sys.path.insert(0, str(ROOT / "bench"))
    from delivery_rate import statements

    with app.app_context():
        session = get_session()
        for statement in statements(count):
            record(session, statement, None)
        session.commit()


def worker(env: dict[str, str]) -> subprocess.Popen:
    full = {k: v for k, v in os.environ.items() if not k.startswith("COURSEWARE_")}
    full.update(env, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "courseware", "xapi"]
        + ["worker"],
        cwd=ROOT,
        env=full,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert "delivering to" in process.stdout.readline()
    return process


def pending(app) -> Counter:
    from sqlalchemy import select

    from courseware.db import get_session
    from courseware.xapi.models import OutboxStatement

    with app.app_context():
        states = get_session().scalars(select(OutboxStatement.state))
        return Counter(str(getattr(s, "value", s)) for s in states)


def failing(work: Path) -> dict:
    """(a) the LRS answers 500 for FAILING seconds under a backlog of PENDING."""
    from tests.xapi.lrs import FaultProxy, Faults, Ralph

    ralph = Ralph(work / "ralph-a").start()
    faults = Faults(default="500")
    try:
        with FaultProxy(ralph.url, faults) as proxy:
            app, env = make_app(
                work / "failing", proxy.url, COURSEWARE_XAPI_POLL_SECONDS=0.5
            )
            process = worker(env)
            queue(app, PENDING)
            while not faults.posts:
                time.sleep(0.05)
            began = faults.posts[0].at
            time.sleep(max(began + FAILING - time.monotonic(), 0))
            faults.default = "ok"
            back = time.monotonic()
            while pending(app).get("sent", 0) < PENDING:
                time.sleep(0.25)
            drained = time.monotonic() - back
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=60)
        during = [p for p in faults.posts if p.at <= began + FAILING]
        after = Counter(p.size for p in faults.posts if p.at > began + FAILING)
        stored = Counter(s["id"] for s in ralph.statements())
    finally:
        ralph.stop()
    return {
        "pending": PENDING,
        "failing_s": FAILING,
        "posts_while_failing": len(during),
        "bound": most_posts(FAILING, BACKOFF, CAP),
        "batch_sizes_after": dict(sorted(after.items())),
        "seconds_to_drain_after_recovery": round(drained, 1),
        "stored_once": len(stored) == PENDING and max(stored.values()) == 1,
    }


def sigterm(work: Path) -> dict:
    """(b) SIGTERM while a batch takes 2 s to be answered (four batches queued)."""
    from tests.xapi.lrs import FaultProxy, Faults, Ralph

    ralph = Ralph(work / "ralph-b").start()
    faults = Faults(default="timeout", delay=2.0)
    try:
        with FaultProxy(ralph.url, faults) as proxy:
            app, env = make_app(
                work / "sigterm",
                proxy.url,
                COURSEWARE_XAPI_BATCH_SIZE=5,
                COURSEWARE_XAPI_POLL_SECONDS=0.1,
            )
            process = worker(env)
            queue(app, 20)
            while not faults.seen:  # the first batch reached the proxy
                time.sleep(0.02)
            asked = time.monotonic()
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=60)
            took = time.monotonic() - asked
            states = pending(app)
    finally:
        ralph.stop()
    return {
        "seconds_to_exit": round(took, 2),
        "posts": len(faults.posts),
        "states_after": dict(states),
        "exit_status": process.returncode,
        "output": output.strip().splitlines()[-1:],
    }


def main() -> None:
    runs = {"failing": failing, "sigterm": sigterm}
    for name in sys.argv[1:] or list(runs):
        (WORK / name).mkdir(parents=True, exist_ok=True)
        print(json.dumps({name: runs[name](WORK)}), flush=True)


WORK = Path(tempfile.mkdtemp(prefix="faults-"))

if __name__ == "__main__":
    main()
