"""Delivering the outbox to the LRS: leased claims, batches, retries, dead letters.

Claims use leases so that several workers on several machines deliver each statement
once: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, one ``UPDATE ... RETURNING`` (a write
transaction) on SQLite. A worker renews the leases it holds while a batch travels, and
every outcome (sent, retry later, dead) is an ``UPDATE ... WHERE lease_owner = me``: a
worker that lost a lease changes nothing. A worker that dies leaves its leases to
expire; the statements are then sent again with the same bytes and the same ids, which
the LRS recognises.
"""

from __future__ import annotations

import json
import logging
import random
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parsedate_to_datetime

import requests
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from courseware.db import utcnow
from courseware.xapi.models import DeliveryState, OutboxStatement

log = logging.getLogger(__name__)
VERSION_HEADER = {"X-Experience-API-Version": "1.0.3"}
#: The shortest lease we accept: leases are renewed every third of their length.
MIN_LEASE_SECONDS = 2


@dataclass(frozen=True)
class LrsConfig:
    """Where and how to send."""

    endpoint: str
    username: str | None = None
    password: str | None = None
    batch_size: int = 50
    connect_timeout: float = 3.0
    read_timeout: float = 15.0
    lease_seconds: int = 60
    backoff_base: float = 2.0
    backoff_cap: float = 600.0

    @property
    def statements_url(self) -> str:
        return self.endpoint.rstrip("/") + "/statements"

    def problem(self) -> str | None:
        """Why these settings cannot deliver safely, in one line; None when they can."""
        if self.lease_seconds < MIN_LEASE_SECONDS:
            return (
                f"COURSEWARE_XAPI_LEASE_SECONDS={self.lease_seconds} is too short: "
                f"use at least {MIN_LEASE_SECONDS} (leases are renewed every third "
                "of it while a batch travels)"
            )
        if self.batch_size < 1:
            return "COURSEWARE_XAPI_BATCH_SIZE must be at least 1"
        return None


@dataclass
class Report:
    """What one delivery pass did."""

    sent: int = 0
    retried: int = 0
    dead: int = 0
    batches: int = 0
    lost: int = 0  # outcomes not written: another worker holds those statements now
    stopped: str | None = None  # why the pass stopped early (credentials)
    transient: bool = False  # the LRS is failing now: stop this pass, retry later
    retry_after: float | None = None  # what the LRS asked for, when it did
    errors: list[str] = field(default_factory=list)


class CredentialsRejected(RuntimeError):
    """401/403: an operator must fix the credentials; everything stays queued."""


def backoff(config: LrsConfig, tries: int) -> float:
    """Seconds to wait after the ``tries``-th failure: doubling, capped, jittered."""
    delay = min(config.backoff_cap, config.backoff_base * 2 ** min(tries - 1, 20))
    return random.uniform(delay / 2, delay)


def claim(
    session: Session, owner: str, limit: int, lease_seconds: int
) -> list[OutboxStatement]:
    """Lease up to ``limit`` due statements for ``owner`` and commit the lease."""
    now = utcnow()
    due = (
        select(OutboxStatement.id)
        .where(
            OutboxStatement.state == DeliveryState.PENDING,
            OutboxStatement.next_attempt_at <= now,
            or_(
                OutboxStatement.lease_until.is_(None), OutboxStatement.lease_until < now
            ),
        )
        .order_by(
            OutboxStatement.next_attempt_at,
            OutboxStatement.created_at,
            OutboxStatement.id,
        )
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    rows = list(
        session.scalars(
            update(OutboxStatement)
            .where(OutboxStatement.id.in_(due.scalar_subquery()))
            .values(
                lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds)
            )
            .returning(OutboxStatement),  # the rows themselves: no second query
            execution_options={"synchronize_session": False, "populate_existing": True},
        )
    )
    session.commit()
    rows.sort(key=lambda r: (r.next_attempt_at, r.created_at, r.id))
    return rows


class Sender:
    """One kept-alive HTTP session to the LRS."""

    def __init__(self, config: LrsConfig) -> None:
        self.config = config
        self.http = requests.Session()
        self.http.headers.update({**VERSION_HEADER, "Content-Type": "application/json"})
        if config.username:
            self.http.auth = (config.username, config.password or "")

    @staticmethod
    def body(rows: list[OutboxStatement]) -> bytes:
        """The stored bytes of ``rows`` as one JSON array."""
        return ("[" + ",".join(row.payload for row in rows) + "]").encode("utf-8")

    def send(self, body: bytes) -> requests.Response:
        """POST a batch body (safe to run on another thread: it touches no rows)."""
        return self.http.post(
            self.config.statements_url,
            data=body,
            timeout=(self.config.connect_timeout, self.config.read_timeout),
        )

    def fetch(self, statement_id: str) -> dict | bool | None:
        """The LRS's statement with this id, False if it has none, None if unknown."""
        try:
            response = self.http.get(
                self.config.statements_url,
                params={"statementId": statement_id},
                timeout=(self.config.connect_timeout, self.config.read_timeout),
            )
        except requests.RequestException:
            return None
        if response.status_code == 404:
            return False
        if response.status_code != 200:
            return None
        try:
            return stored_statement(response.json(), statement_id)
        except ValueError:
            return None

    def close(self) -> None:
        self.http.close()


def stored_statement(answer: object, statement_id: str) -> dict | bool | None:
    """Read a ``GET statements?statementId=`` answer in either shape LRSs give.

    The specification's shape is the bare statement; Ralph answers a statement result
    ``{"statements": [...]}``, empty for an id it does not hold. False: not held;
    None: an answer we cannot read (asked again later).
    """
    wanted = statement_id.lower()
    if isinstance(answer, dict) and isinstance(answer.get("statements"), list):
        found = [
            s
            for s in answer["statements"]
            if isinstance(s, dict) and str(s.get("id", "")).lower() == wanted
        ]
        if found:
            return found[0]
        return None if answer["statements"] else False
    if isinstance(answer, dict) and str(answer.get("id", "")).lower() == wanted:
        return answer
    return None


def _retry_after(response: requests.Response | None) -> float | None:
    value = response.headers.get("Retry-After") if response is not None else None
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max((parsedate_to_datetime(value) - utcnow()).total_seconds(), 0.0)
    except (TypeError, ValueError):
        return None


def _essence(statement: dict) -> tuple:
    """What makes two statements with one id the same event (LRSs add other fields)."""
    context = statement.get("context") or {}
    return (
        statement.get("actor", {}).get("account"),
        statement.get("verb", {}).get("id"),
        statement.get("object", {}).get("id"),
        context.get("registration"),
        statement.get("result"),
    )


TRANSIENT_ERRORS = (TimeoutError, requests.Timeout, requests.ConnectionError)
#: What a held-back POST resolves to: it never left (the batch before it failed).
HELD = object()


class Courier:
    """One delivery pass: the rows it holds, their leases, and every outcome.

    Network calls run on one POST thread; this thread waits for their answers and
    renews the leases it holds meanwhile, so a lease shorter than a slow answer is
    never lost by a live worker. Outcomes are fenced by ``lease_owner``.
    """

    def __init__(
        self,
        session: Session,
        config: LrsConfig,
        owner: str,
        sender: Sender,
        report: Report,
        stop: Callable[[], bool],
    ) -> None:
        self.session, self.config, self.owner = session, config, owner
        self.sender, self.report, self.stop = sender, report, stop
        self.poster = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xapi-post")
        self.held: dict[str, OutboxStatement] = {}
        self.renewed_at = time.monotonic()

    # -- claims and leases -------------------------------------------------------

    def take(self) -> list[OutboxStatement]:
        """Claim the next batch (never rows this pass already holds)."""
        rows = claim(
            self.session, self.owner, self.config.batch_size, self.config.lease_seconds
        )
        self.renewed_at = time.monotonic()
        # Only possible if a renewal came too late: those rows are on their way.
        rows = [row for row in rows if row.id not in self.held]
        self.held.update((row.id, row) for row in rows)
        return rows

    def renew(self) -> None:
        """Extend the leases of every row this pass holds (commits)."""
        self.renewed_at = time.monotonic()
        if not self.held:
            return
        renewed = self.session.scalars(
            update(OutboxStatement)
            .where(self._mine(list(self.held)))
            .values(lease_until=utcnow() + timedelta(seconds=self.config.lease_seconds))
            .returning(OutboxStatement.id),
            execution_options={"synchronize_session": False},
        ).all()
        # The outcome of the batch before, flushed, is committed with the renewal.
        self.session.commit()
        if len(renewed) < len(self.held):
            log.warning(
                "%s lost the lease of %d statement(s)",
                self.owner,
                len(self.held) - len(renewed),
            )

    def wait(self, future: Future):
        """The result of ``future``, renewing leases while it is not there yet."""
        every = self.config.lease_seconds / 3
        while True:
            left = every - (time.monotonic() - self.renewed_at)
            if left <= 0:
                self.renew()
                continue
            done, _ = wait_for([future], timeout=left)
            if done:
                return future.result()

    def _mine(self, ids: list[str]):
        return and_(
            OutboxStatement.id.in_(ids),
            OutboxStatement.lease_owner == self.owner,
            OutboxStatement.state == DeliveryState.PENDING,
        )

    def _settle(self, rows: list[OutboxStatement], **values) -> int:
        """One fenced UPDATE for ``rows``; how many were still ours."""
        if not rows:
            return 0
        ids = [row.id for row in rows]
        changed = self.session.scalars(
            update(OutboxStatement)
            .where(self._mine(ids))
            .values(**values)
            .returning(OutboxStatement.id),
            execution_options={"synchronize_session": False},
        ).all()
        for row in rows:  # done with: no stale copy stays in the session
            self.held.pop(row.id, None)
            if row in self.session:
                self.session.expunge(row)
        lost = len(ids) - len(changed)
        if lost:
            self.report.lost += lost
            log.warning(
                "%s no longer holds %d statement(s): another worker has them",
                self.owner,
                lost,
            )
        return len(changed)

    # -- outcomes ----------------------------------------------------------------

    def mark_sent(self, rows: list[OutboxStatement]) -> None:
        self.report.sent += self._settle(
            rows,
            state=DeliveryState.SENT,
            sent_at=utcnow(),
            lease_owner=None,
            lease_until=None,
            last_error=None,
        )

    def mark_dead(self, row: OutboxStatement, reason: str) -> None:
        self.report.dead += self._settle(
            [row],
            state=DeliveryState.DEAD,
            lease_owner=None,
            lease_until=None,
            last_error=reason[:2000],
        )

    def release(
        self,
        rows: list[OutboxStatement],
        error: str,
        response: requests.Response | None = None,
    ) -> None:
        """Back off: same bytes later, at one time for the whole batch.

        One shared time keeps the batch together: a backlog that recovers leaves in
        full batches instead of fragments scattered by per-statement jitter.
        """
        if not rows:
            return
        retry_after = _retry_after(response)
        if retry_after is not None:
            self.report.retry_after = max(self.report.retry_after or 0.0, retry_after)
        delay = backoff(self.config, max(row.tries for row in rows) + 1)
        delay = max(delay, retry_after or 0.0)
        self.report.retried += self._settle(
            rows,
            tries=OutboxStatement.tries + 1,
            next_attempt_at=utcnow() + timedelta(seconds=delay),
            lease_owner=None,
            lease_until=None,
            last_error=error[:2000],
        )

    def give_back(self, rows: list[OutboxStatement], error: str | None = None) -> None:
        """Free claimed rows that were never tried (no try counted)."""
        values = {"lease_owner": None, "lease_until": None}
        if error:
            values["last_error"] = error
        self._settle(rows, **values)

    def due_again(self) -> None:
        """The LRS is back: what waited only for it is due now, to leave in full."""
        now = utcnow()
        self.session.execute(
            update(OutboxStatement)
            .where(
                OutboxStatement.state == DeliveryState.PENDING,
                OutboxStatement.next_attempt_at > now,
                OutboxStatement.tries > 0,
                or_(
                    OutboxStatement.lease_until.is_(None),
                    OutboxStatement.lease_until < now,
                ),
            )
            .values(next_attempt_at=now),
            execution_options={"synchronize_session": False},
        )

    # -- sending -----------------------------------------------------------------

    def submit(self, rows: list[OutboxStatement]) -> Future:
        """Start the POST of ``rows`` on the POST thread."""
        return self.poster.submit(self.sender.send, self.sender.body(rows))

    def submit_after(self, previous: Future, rows: list[OutboxStatement]) -> Future:
        """POST ``rows`` right after ``previous``, if the LRS accepted that one."""
        body = self.sender.body(rows)

        def send_after() -> requests.Response | object:
            if not _accepted(previous) or self.stop():
                return HELD
            return self.sender.send(body)

        return self.poster.submit(send_after)

    def fetch(self, statement_id: str) -> dict | bool | None:
        return self.wait(self.poster.submit(self.sender.fetch, statement_id))

    def deliver(self, rows: list[OutboxStatement], sent: Future | None = None) -> None:
        """Send ``rows``; split on 400/413, check ids on 409, until each is settled.

        ``sent`` is the POST of these rows already under way, if the caller started it.
        """
        if not rows:
            return
        self.report.batches += 1
        try:
            response = self.wait(sent or self.submit(rows))
        except TRANSIENT_ERRORS as exc:
            self.fail(rows, f"{type(exc).__name__}: {exc}")
            return
        status = response.status_code
        if status in (200, 204):
            self.mark_sent(rows)
        elif status in (401, 403):
            self.give_back(rows, f"LRS refused the credentials ({status})")
            raise CredentialsRejected(
                f"the LRS answered {status}: check COURSEWARE_LRS_USERNAME "
                "and COURSEWARE_LRS_PASSWORD; statements stay queued"
            )
        elif status == 409:
            self.resolve_conflict(rows, response)
        elif status in (400, 413, 422) and len(rows) > 1:
            self.split(rows)
        elif status in (400, 413, 422):  # Ralph answers 422 for an invalid statement
            self.mark_dead(rows[0], f"{status}: {response.text[:1500]}")
        else:  # 429, 5xx and anything unexpected: transient, same bytes later
            self.fail(rows, f"HTTP {status}: {response.text[:500]}", response)

    def fail(
        self,
        rows: list[OutboxStatement],
        error: str,
        response: requests.Response | None = None,
    ) -> None:
        """The LRS is failing: these rows later, and this pass stops."""
        self.release(rows, error, response)
        self.report.transient = True

    def split(self, rows: list[OutboxStatement]) -> None:
        middle = len(rows) // 2
        self.deliver(rows[:middle])
        if not self.report.transient:
            self.deliver(rows[middle:])
        else:  # the LRS started failing: the other half was never tried
            self.give_back(rows[middle:])

    def resolve_conflict(
        self, rows: list[OutboxStatement], response: requests.Response
    ) -> None:
        """409: ask the LRS for each id; held the same: sent; held different: dead.

        Ids it does not hold are sent again. ADL's LRS answers 409 for any id it
        already has; Ralph only when one of them differs.
        """
        same, unknown = [], []
        for index, row in enumerate(rows):
            stored = self.fetch(row.id)
            if stored is None:
                self.mark_sent(same)
                self.fail(
                    unknown + rows[index:],
                    "409, and the LRS could not be asked about the ids",
                )
                return
            if stored is False:
                unknown.append(row)
            elif _essence(stored) == _essence(json.loads(row.payload)):
                same.append(row)  # delivered before (e.g. a lost answer); not twice
            else:
                self.mark_dead(
                    row,
                    f"409: the LRS holds a different statement with id {row.id}: "
                    f"{response.text[:1000]}",
                )
        self.mark_sent(same)
        if len(unknown) < len(rows):
            self.deliver(unknown)  # the rest, without the ids the LRS has
        elif len(rows) > 1:
            self.split(rows)  # none of them is held: the 409 is about something else
        else:
            self.fail(rows, "409 for an id the LRS does not hold")

    def close(self) -> None:
        self.poster.shutdown(wait=True)


def _accepted(sent: Future) -> bool:
    """True when the LRS took the whole batch (waits for its answer)."""
    try:
        answer = sent.result()
    except Exception:  # the error is reported by deliver(), which re-reads it
        return False
    return answer is not HELD and answer.status_code in (200, 204)


def deliver_pass(
    session: Session,
    config: LrsConfig,
    owner: str,
    sender: Sender | None = None,
    progress=None,
    stop: Callable[[], bool] | None = None,
    after_failure: bool = False,
) -> Report:
    """Deliver everything due now, batch by batch; returns what happened.

    The database work of one batch overlaps the POST of another: the next batch is
    claimed, and this one's outcome written, while the LRS reads. Batches still go one
    at a time and in order: the next one leaves as soon as this one was accepted, and
    waits when it was not, until this one's answer has been dealt with. When ``stop()``
    turns true, the batch in flight is finished and the claimed next one given back.
    ``after_failure``: the last pass found the LRS failing; the first batch goes alone,
    and once the LRS accepts it, statements backing off are due again.
    """
    report = Report()
    own_sender = sender is None
    courier = Courier(
        session, config, owner, sender or Sender(config), report, stop or _never
    )
    # The POST thread must read each answer as it arrives, not when the database work
    # on this thread next yields the GIL (every 5 ms by default).
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, 0.0005))
    try:
        _run(courier, progress, alone=after_failure)
        session.commit()
    finally:
        courier.close()
        sys.setswitchinterval(switch_interval)
        if own_sender:
            courier.sender.close()
    return report


def _never() -> bool:
    return False


def _run(courier: Courier, progress, alone: bool) -> None:
    """The pass's loop: claim ahead, deliver, stop on failure or when asked."""
    report, session = courier.report, courier.session
    rows = courier.take()
    sent = courier.submit(rows) if rows else None
    while rows:
        upcoming: list[OutboxStatement] = []
        if not alone and not courier.stop():
            upcoming = courier.take()
        # leaves right after ``sent``, if the LRS accepts that one
        following = courier.submit_after(sent, upcoming) if upcoming else None
        try:
            courier.deliver(rows, sent)
        except CredentialsRejected as exc:
            report.stopped = str(exc)
            _hold_back(courier, upcoming, following)  # the batch before was refused
            session.commit()
            log.error("%s", exc)
            return
        # The batch's outcome is committed with the next claim: one commit a batch.
        # Should the worker die in between, the lease expires and the LRS sees the
        # same ids again, which it recognises.
        session.flush()
        if progress:
            progress(report)
        if alone and report.sent and not report.transient:
            courier.due_again()
        alone = False
        if (report.transient or courier.stop()) and _hold_back(
            courier, upcoming, following
        ):
            return
        if not upcoming:
            upcoming = courier.take()
            following = courier.submit(upcoming) if upcoming else None
        elif not _accepted(sent) and courier.wait(following) is HELD:
            following = courier.submit(upcoming)  # held back; the batch before settled
        rows, sent = upcoming, following


def _hold_back(
    courier: Courier, upcoming: list[OutboxStatement], following: Future | None
) -> bool:
    """Give back the claimed next batch if it never left; False if it is in flight."""
    if following is not None:
        try:
            if courier.wait(following) is not HELD:
                return False  # it left before we knew: finish it like any batch
        except Exception:  # noqa: BLE001 - it left and failed; deliver() re-reads it
            return False
    courier.give_back(upcoming)
    return True
