"""P3: statements per second delivered to Ralph, against Ralph's own batch-ingest rate.

Side by side in one run, on fresh Ralph instances (filesystem backend) each round:
(a) direct: the same kind of statements POSTed straight to Ralph in batches of 50 over
one kept-alive session, (b) outbox: statements queued in the outbox and delivered by
``deliver_pass`` (batches of 50); which of the two goes first alternates by round.
Also the time the outbox adds to a request: building and recording one statement
(p50/p99). Run: ``.venv/bin/python bench/delivery_rate.py`` (BENCH_STATEMENTS=2000,
BENCH_ROUNDS=3 by default).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
COUNT = int(os.environ.get("BENCH_STATEMENTS", "2000"))
BATCH = 50
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def statements(count: int) -> list[dict]:
    from courseware.xapi.statements import activity, build

    return [
        build(
            pseudonym=f"{n:032x}",
            verb="experienced",
            obj=activity(
                f"http://127.0.0.1:5000/xapi/activities/lesson/b/l{n % 40}",
                "lesson",
                {"en": "Bench"},
            ),
            registration=str(uuid.uuid4()),
            language="en",
            version=1,
        )
        for n in range(count)
    ]


def post_directly(url: str, batch: list[dict]) -> float:
    """Ralph's ingest rate: the same batches POSTed straight to it, one session."""
    import requests

    from courseware.xapi.outbox import serialise
    from tests.xapi.lrs import PASSWORD, USERNAME

    http = requests.Session()
    http.auth = (USERNAME, PASSWORD)
    headers = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
    started = time.perf_counter()
    for i in range(0, len(batch), BATCH):
        body = "[" + ",".join(serialise(s) for s in batch[i : i + BATCH]) + "]"
        http.post(
            url + "/statements", data=body.encode(), headers=headers, timeout=60
        ).raise_for_status()
    return len(batch) / (time.perf_counter() - started)


def through_outbox(session) -> float:
    """Our rate: ``deliver_pass`` sends what the outbox holds (claims, leases)."""
    from courseware.xapi.cli import lrs_config
    from courseware.xapi.delivery import deliver_pass

    started = time.perf_counter()
    report = deliver_pass(session, lrs_config(), "bench")
    assert report.sent == COUNT, report
    return report.sent / (time.perf_counter() - started)


def main() -> None:

    from courseware import create_app
    from courseware.db import get_session
    from courseware.xapi.outbox import record
    from tests.xapi.lrs import PASSWORD, USERNAME, Ralph

    work = Path(tempfile.mkdtemp(prefix="p3-"))
    rows = []
    for round_number in range(1, ROUNDS + 1):
        direct_lrs = Ralph(work / f"direct{round_number}").start()
        outbox_lrs = Ralph(work / f"outbox{round_number}").start()
        try:
            app = create_app(
                {
                    "COURSEWARE_SECRET_KEY": "bench",
                    "COURSEWARE_DATABASE_URL": f"sqlite:///{work}/p3-{round_number}.sqlite3",
                    "COURSEWARE_LRS_ENDPOINT": outbox_lrs.url,
                    "COURSEWARE_LRS_USERNAME": USERNAME,
                    "COURSEWARE_LRS_PASSWORD": PASSWORD,
                    "COURSEWARE_XAPI_BATCH_SIZE": BATCH,
                }
            )
            assert (
                app.test_cli_runner()
                .invoke(args=["courseware", "db", "upgrade"])
                .exit_code
                == 0
            )
            with app.app_context():
                session = get_session()
                timings = []
                for statement in statements(COUNT):
                    t0 = time.perf_counter()
                    record(session, statement, None)
                    timings.append(time.perf_counter() - t0)
                session.commit()

                # Alternate which goes first, so that neither gets the quieter slot.
                if round_number % 2:
                    direct = post_directly(direct_lrs.url, statements(COUNT))
                    delivered = through_outbox(session)
                else:
                    delivered = through_outbox(session)
                    direct = post_directly(direct_lrs.url, statements(COUNT))
            timings.sort()
            rows.append(
                (
                    direct,
                    delivered,
                    timings[len(timings) // 2],
                    timings[int(len(timings) * 0.99)],
                )
            )
            print(
                f"round {round_number}: direct {direct:7.1f}/s  "
                f"outbox {delivered:7.1f}/s"
                f"  ratio {delivered / direct:.2f}  record p50 "
                f"{rows[-1][2] * 1000:.3f} ms p99 {rows[-1][3] * 1000:.3f} ms",
                flush=True,
            )
        finally:
            direct_lrs.stop()
            outbox_lrs.stop()
    direct = statistics.median(r[0] for r in rows)
    delivered = statistics.median(r[1] for r in rows)
    print(
        json.dumps(
            {
                "statements": COUNT,
                "batch": BATCH,
                "direct_per_s": round(direct, 1),
                "outbox_per_s": round(delivered, 1),
                "ratio": round(delivered / direct, 2),
                "record_p99_ms": round(max(r[3] for r in rows) * 1000, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
