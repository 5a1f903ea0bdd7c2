"""Delivery to a real LRS (Ralph): batches, retries, splits, conflicts, dead letters;
after outages, 5xx, timeouts and killed workers, each statement arrives exactly once."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import select, update

from courseware.db import get_session, utcnow
from courseware.xapi.cli import lrs_config
from courseware.xapi.delivery import deliver_pass
from courseware.xapi.models import DeliveryState, OutboxStatement
from tests.xapi.conftest import journey
from tests.xapi.lrs import PASSWORD, USERNAME

ROOT = Path(__file__).resolve().parents[2]


def states(app) -> Counter:
    with app.app_context():
        return Counter(
            row.state.value for row in get_session().scalars(select(OutboxStatement))
        )


def due_now(app) -> None:
    """Skip the backoff wait (the test cannot sleep for minutes)."""
    with app.app_context():
        session = get_session()
        session.execute(update(OutboxStatement).values(next_attempt_at=utcnow()))
        session.commit()


def run_pass(app, owner="test-worker"):
    with app.app_context():
        return deliver_pass(get_session(), lrs_config(), owner)


def stored_once(ralph, app) -> None:
    """Every outbox statement is in the LRS exactly once, with the same content."""
    with app.app_context():
        ours = {
            row.id: json.loads(row.payload)
            for row in get_session().scalars(select(OutboxStatement))
        }
    stored = ralph.statements()
    counts = Counter(s["id"] for s in stored)
    assert set(counts) == set(ours)
    assert max(counts.values()) == 1, [i for i, n in counts.items() if n > 1]
    for statement in stored:
        assert statement["verb"]["id"] == ours[statement["id"]]["verb"]["id"]


def test_cli_delivers_everything_once(lrs_app, make_user, publish, ralph):
    journey(lrs_app, make_user, publish)
    runner = lrs_app.test_cli_runner()
    result = runner.invoke(args=["courseware", "xapi", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert "17 statement(s) pending" in result.output
    assert "done: 17 sent, 0 to retry later, 0 dead" in result.output
    assert states(lrs_app) == {"sent": 17}
    again = runner.invoke(args=["courseware", "xapi", "deliver", "--once"])
    assert "0 statement(s) pending" in again.output
    stored_once(ralph, lrs_app)
    assert ralph.get(json.loads(_first_payload(lrs_app))["id"]).status_code == 200


def _first_payload(app) -> str:
    with app.app_context():
        return get_session().scalars(select(OutboxStatement.payload)).first()


def test_without_an_lrs_statements_wait_in_the_outbox(app, make_user, publish):
    journey(app, make_user, publish)
    result = app.test_cli_runner().invoke(
        args=["courseware", "xapi", "deliver", "--once"]
    )
    assert result.exit_code == 1
    assert "COURSEWARE_LRS_ENDPOINT is not set" in result.output
    assert states(app) == {"pending": 17}


def test_outage_then_recovery(lrs_app, make_user, publish, ralph, faults):
    journey(lrs_app, make_user, publish)
    faults.default = "drop"  # the LRS is unreachable: connections are cut
    report = run_pass(lrs_app)
    assert report.sent == 0 and report.retried == 5  # first batch, then backoff
    assert states(lrs_app) == {"pending": 17}
    with lrs_app.app_context():
        rows = get_session().scalars(select(OutboxStatement)).all()
        delayed = [r for r in rows if r.tries == 1]
        assert len(delayed) == 5 and all(r.next_attempt_at > utcnow() for r in delayed)
        assert all("ConnectionError" in r.last_error for r in delayed)
        # the next batch, claimed while the first travelled, is given back untried
        assert all(r.lease_owner is None and r.lease_until is None for r in rows)
        assert sum(1 for r in rows if r.tries == 0) == 12
    faults.default = "ok"
    run_pass(lrs_app)  # delivers the 12 not yet tried; the 5 wait for their backoff
    assert states(lrs_app) == {"sent": 12, "pending": 5}
    due_now(lrs_app)
    run_pass(lrs_app)
    assert states(lrs_app) == {"sent": 17}
    stored_once(ralph, lrs_app)


def test_5xx_429_and_timeouts_are_retried_with_the_same_bytes(
    lrs_app, make_user, publish, ralph, faults
):
    journey(lrs_app, make_user, publish)
    faults.plan = ["500", "429", "timeout", "503"]
    faults.delay = 2.0  # read timeout is 1 s: the LRS stores the batch, we never hear
    for _ in range(6):
        run_pass(lrs_app)
        due_now(lrs_app)
    assert states(lrs_app) == {"sent": 17}
    stored_once(ralph, lrs_app)
    posted = Counter(i for batch in faults.seen for i in batch)
    assert max(posted.values()) >= 2  # some statements really were sent twice...
    # ...and the LRS still holds each once, because the id and bytes never changed.


def test_an_invalid_statement_is_isolated_and_kept_as_dead(
    lrs_app, make_user, publish, ralph
):
    journey(lrs_app, make_user, publish)
    bad_id = str(uuid.uuid4())
    with lrs_app.app_context():
        session = get_session()
        session.add(
            OutboxStatement(
                id=bad_id,
                verb="broken",
                payload=json.dumps({"id": bad_id, "verb": {"id": "not an iri"}}),
            )
        )
        session.commit()
    report = run_pass(lrs_app)
    assert report.dead == 1 and report.sent == 17
    result = lrs_app.test_cli_runner().invoke(args=["courseware", "xapi", "dead"])
    assert bad_id in result.output and "422" in result.output
    assert len(ralph.statements()) == 17


def test_conflicts_are_checked_not_retried_blindly(lrs_app, make_user, publish, ralph):
    journey(lrs_app, make_user, publish)
    with lrs_app.app_context():
        rows = (
            get_session()
            .scalars(select(OutboxStatement).order_by(OutboxStatement.created_at))
            .all()
        )
        same, different = json.loads(rows[0].payload), json.loads(rows[1].payload)
    import requests

    different["verb"] = {
        "id": "http://adlnet.gov/expapi/verbs/voided",
        "display": {"en-US": "voided"},
    }
    different["object"] = {"id": "http://example.org/other", "objectType": "Activity"}
    requests.post(
        f"{ralph.url}/statements",
        json=[same, different],
        auth=(USERNAME, PASSWORD),
        headers={"X-Experience-API-Version": "1.0.3"},
        timeout=10,
    ).raise_for_status()
    report = run_pass(lrs_app)
    assert report.sent == 16 and report.dead == 1
    with lrs_app.app_context():
        dead = get_session().get(OutboxStatement, different["id"])
        assert dead.state == DeliveryState.DEAD and "409" in dead.last_error


def test_wrong_credentials_stop_and_keep_everything(
    make_app, proxy, make_user, publish
):
    app = make_app(
        COURSEWARE_LRS_ENDPOINT=proxy.url,
        COURSEWARE_LRS_USERNAME=USERNAME,
        COURSEWARE_LRS_PASSWORD="wrong",
    )
    journey(app, make_user, publish)
    result = app.test_cli_runner().invoke(
        args=["courseware", "xapi", "deliver", "--once"]
    )
    assert result.exit_code == 1
    assert "the LRS answered 401: check COURSEWARE_LRS_USERNAME" in result.output
    assert states(app) == {"pending": 17}


def test_two_workers_deliver_each_statement_once(
    lrs_app, make_user, publish, ralph, faults
):
    for n in range(3):
        journey(lrs_app, make_user, publish, username=f"learner{n}")
    errors: list[BaseException] = []

    def work(owner: str) -> None:
        try:
            run_pass(lrs_app, owner)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert states(lrs_app) == {"sent": 51}
    posted = Counter(i for batch in faults.seen for i in batch)
    assert len(posted) == 51 and max(posted.values()) == 1  # no statement claimed twice
    stored_once(ralph, lrs_app)


def test_a_killed_worker_loses_nothing(
    lrs_app, make_user, publish, ralph, faults, database_url
):
    journey(lrs_app, make_user, publish)
    faults.plan = ["timeout"]
    faults.delay = 30  # the first batch hangs: the worker is killed while it waits
    worker = start_worker(
        worker_env(
            lrs_app,
            database_url,
            COURSEWARE_XAPI_READ_TIMEOUT="60",
            COURSEWARE_XAPI_LEASE_SECONDS="2",
        ),
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not faults.seen and time.monotonic() < deadline:
        time.sleep(0.1)
    assert faults.seen, "the worker never sent"
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    leased = states(lrs_app)
    assert leased == {"pending": 17}  # nothing lost, nothing marked sent
    time.sleep(2.5)  # the dead worker's lease expires
    faults.delay = 0
    run_pass(lrs_app, "second-worker")
    assert states(lrs_app) == {"sent": 17}
    stored_once(ralph, lrs_app)


def worker_env(app, database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a worker process delivering ``app``'s outbox."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSEWARE_")}
    env.update(
        COURSEWARE_DATABASE_URL=database_url,
        COURSEWARE_SECRET_KEY="x",
        COURSEWARE_LRS_ENDPOINT=app.config["COURSEWARE_LRS_ENDPOINT"],
        COURSEWARE_LRS_USERNAME=USERNAME,
        COURSEWARE_LRS_PASSWORD=PASSWORD,
        COURSEWARE_XAPI_BATCH_SIZE="5",
        PYTHONUNBUFFERED="1",
    )
    env.update(settings)
    return env


def start_worker(env: dict[str, str], stdout=subprocess.PIPE) -> subprocess.Popen:
    """``flask courseware xapi worker`` in its own process (it runs until stopped)."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "courseware"]
    worker = subprocess.Popen(
        [*command, "xapi", "worker"],
        cwd=ROOT,
        env=env,
        stdout=stdout,
        stderr=subprocess.STDOUT if stdout is subprocess.PIPE else subprocess.DEVNULL,
        text=True,
    )
    if stdout is subprocess.PIPE:  # wait until it says it is delivering
        first = worker.stdout.readline()
        if "delivering to" not in first:
            worker.kill()
            raise AssertionError(first + worker.communicate()[0])
    return worker


def stop_worker(worker: subprocess.Popen) -> str:
    """SIGTERM (it finishes its batch and leaves); what it printed."""
    worker.send_signal(signal.SIGTERM)
    output, _ = worker.communicate(timeout=60)
    assert worker.returncode == 0, output
    return output or ""


def wait_until_sent(app, count: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while states(app) != {"sent": count}:
        assert time.monotonic() < deadline, states(app)
        time.sleep(0.25)


def _bulk_statements(app, count: int) -> list[str]:
    """Queue ``count`` valid statements straight into the outbox (one transaction)."""
    from courseware.xapi.outbox import record
    from courseware.xapi.statements import activity, build

    with app.app_context():
        session = get_session()
        ids = []
        for n in range(count):
            statement = build(
                pseudonym=f"{n:032x}",
                verb="experienced",
                obj=activity(
                    f"http://127.0.0.1:5000/xapi/activities/lesson/bulk/l{n % 40}",
                    "lesson",
                    {"en": "Bulk"},
                ),
                registration=str(uuid.uuid4()),
                language="en",
                version=1,
            )
            record(session, statement, None)
            ids.append(statement["id"])
        session.commit()
    return ids


#: As the issue asks. (With 1,000, one worker sometimes sent everything before the
#: other's next poll: the test then shows nothing about two workers.)
BULK = 5000


def test_two_worker_processes_deliver_5000_statements_once(
    lrs_app, ralph, faults, database_url
):
    env = worker_env(
        lrs_app,
        database_url,
        COURSEWARE_XAPI_BATCH_SIZE="50",
        COURSEWARE_XAPI_POLL_SECONDS="0.1",
    )
    workers = [start_worker(env), start_worker(env)]  # both idle, polling
    try:
        ids = _bulk_statements(lrs_app, BULK)  # one commit: both wake up to it
        wait_until_sent(lrs_app, BULK, 300)
    finally:
        outputs = [stop_worker(worker) for worker in workers]
    sent = [sum(int(n) for n in re.findall(r"(\d+) sent", out)) for out in outputs]
    print(f"{BULK} statements, two worker processes sent {sent}")
    assert sum(sent) == BULK, outputs
    assert all(n > 0 for n in sent), f"both workers took part: {sent}"
    posted = Counter(i for batch in faults.seen for i in batch)
    assert len(posted) == BULK and max(posted.values()) == 1
    stored = Counter(s["id"] for s in ralph.statements())
    assert set(stored) == set(ids) and max(stored.values()) == 1


#: How long the LRS stays down in the outage test (the issue asks for 60 s).
OUTAGE = float(os.environ.get("COURSEWARE_TEST_LRS_OUTAGE_SECONDS", "60"))


def test_lrs_down_for_60_seconds_under_a_running_worker(
    lrs_app, make_user, publish, ralph, database_url
):
    """The worker keeps running while the LRS is down; learning goes on meanwhile."""
    worker = start_worker(
        worker_env(
            lrs_app,
            database_url,
            COURSEWARE_XAPI_POLL_SECONDS="0.5",
            COURSEWARE_XAPI_BACKOFF_SECONDS="1",
            COURSEWARE_XAPI_BACKOFF_CAP_SECONDS="8",
        )
    )
    try:
        ralph.stop()
        down_since = time.monotonic()
        journey(lrs_app, make_user, publish)  # 17 statements while the LRS is away
        time.sleep(max(OUTAGE - (time.monotonic() - down_since), 0))
        assert states(lrs_app) == {"pending": 17}
        ralph.start_again()
        wait_until_sent(lrs_app, 17, 60)
    finally:
        output = stop_worker(worker)
    with lrs_app.app_context():
        tries = [r.tries for r in get_session().scalars(select(OutboxStatement))]
    assert max(tries) >= 3, tries  # it kept trying through the outage, backing off
    assert sum(int(n) for n in re.findall(r"(\d+) sent", output)) == 17, output
    stored_once(ralph, lrs_app)


def test_lrs_stopped_then_restarted(lrs_app, make_user, publish, ralph):
    """A real outage: the LRS process stops, then starts again on the same port."""
    journey(lrs_app, make_user, publish)
    ralph.stop()
    report = run_pass(lrs_app)
    assert report.sent == 0 and report.transient
    assert states(lrs_app) == {"pending": 17}
    ralph.start_again()
    due_now(lrs_app)
    for _ in range(5):
        run_pass(lrs_app)
        due_now(lrs_app)
    assert states(lrs_app) == {"sent": 17}
    stored_once(ralph, lrs_app)
