"""Delivering the outbox to the LRS: leased claims, batches, retries, dead letters.

Claims use leases so that several workers on several machines deliver each statement
once: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, one ``UPDATE ... RETURNING`` (a write
transaction) on SQLite. A worker that dies leaves its lease to expire; the statement is
then sent again with the same bytes and the same id, which the LRS recognises.
"""

from __future__ import annotations

import json
import logging
import random
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parsedate_to_datetime

import requests
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, object_session

from courseware.db import utcnow
from courseware.xapi.models import DeliveryState, OutboxStatement

log = logging.getLogger(__name__)
VERSION_HEADER = {"X-Experience-API-Version": "1.0.3"}


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


@dataclass
class Report:
    """What one delivery pass did."""

    sent: int = 0
    retried: int = 0
    dead: int = 0
    batches: int = 0
    stopped: str | None = None  # why the pass stopped early (credentials)
    transient: bool = False  # the LRS is failing now: stop this pass, retry later
    errors: list[str] = field(default_factory=list)


class CredentialsRejected(RuntimeError):
    """401/403: an operator must fix the credentials; everything stays queued."""


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
            execution_options={"synchronize_session": False},
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

    def post(self, rows: list[OutboxStatement]) -> requests.Response:
        """POST the stored bytes of ``rows`` as one JSON array."""
        return self.send(self.body(rows))

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
        if response.status_code == 200:
            try:
                return response.json()
            except ValueError:
                return None
        if response.status_code == 404:
            return False
        return None

    def close(self) -> None:
        self.http.close()


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


def _release(
    rows: list[OutboxStatement],
    config: LrsConfig,
    error: str,
    response: requests.Response | None = None,
) -> None:
    """Back off: same bytes later, exponential with jitter, Retry-After honoured."""
    for row in rows:
        row.tries += 1
        delay = min(
            config.backoff_cap, config.backoff_base * 2 ** min(row.tries - 1, 20)
        )
        delay = random.uniform(delay / 2, delay)
        delay = max(delay, _retry_after(response) or 0.0)
        row.next_attempt_at = utcnow() + timedelta(seconds=delay)
        row.lease_owner = row.lease_until = None
        row.last_error = error[:2000]


def _mark_sent(rows: list[OutboxStatement]) -> None:
    """One UPDATE for the whole batch (per-row updates cost a round trip each)."""
    session = object_session(rows[0])
    values = {
        "state": DeliveryState.SENT,
        "sent_at": utcnow(),
        "lease_owner": None,
        "lease_until": None,
        "last_error": None,
    }
    session.execute(
        update(OutboxStatement)
        .where(OutboxStatement.id.in_([row.id for row in rows]))
        .values(**values),
        execution_options={"synchronize_session": False},
    )
    for row in rows:  # done with: no stale copy stays in the session
        session.expunge(row)


def _mark_dead(row: OutboxStatement, reason: str) -> None:
    row.state = DeliveryState.DEAD
    row.lease_owner = row.lease_until = None
    row.last_error = reason[:2000]


TRANSIENT_ERRORS = (TimeoutError, requests.Timeout, requests.ConnectionError)


def deliver(
    sender: Sender,
    rows: list[OutboxStatement],
    report: Report,
    sent: Future | None = None,
) -> None:
    """Send ``rows``; split on 400/409/413 until each outcome is known.

    ``sent`` is the POST of these rows already under way, when the caller started it.
    """
    if not rows:
        return
    report.batches += 1
    try:
        response = sent.result() if sent is not None else sender.post(rows)
    except TRANSIENT_ERRORS as exc:
        _release(rows, sender.config, f"{type(exc).__name__}: {exc}")
        report.retried += len(rows)
        report.transient = True
        return
    status = response.status_code
    if status in (200, 204):
        _mark_sent(rows)
        report.sent += len(rows)
    elif status in (401, 403):
        _release_without_penalty(rows, f"LRS refused the credentials ({status})")
        raise CredentialsRejected(
            f"the LRS answered {status}: check COURSEWARE_LRS_USERNAME "
            "and COURSEWARE_LRS_PASSWORD; statements stay queued"
        )
    elif status in (400, 409, 413, 422) and len(rows) > 1:
        middle = len(rows) // 2
        deliver(sender, rows[:middle], report)
        deliver(sender, rows[middle:], report)
    elif status == 409:
        _resolve_conflict(sender, rows[0], response, report)
    elif status in (400, 413, 422):  # Ralph answers 422 for an invalid statement
        _mark_dead(rows[0], f"{status}: {response.text[:1500]}")
        report.dead += 1
    else:  # 429, 5xx and anything unexpected: transient, same bytes later
        _release(rows, sender.config, f"HTTP {status}: {response.text[:500]}", response)
        report.retried += len(rows)
        report.transient = True


def _release_without_penalty(rows: list[OutboxStatement], error: str) -> None:
    for row in rows:
        row.lease_owner = row.lease_until = None
        row.last_error = error


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


def _resolve_conflict(
    sender: Sender, row: OutboxStatement, response: requests.Response, report: Report
) -> None:
    """409 for one statement: ours if the LRS holds the same event, else a conflict."""
    stored = sender.fetch(row.id)
    if stored is None:
        _release(
            [row], sender.config, "409, and the LRS could not be asked about the id"
        )
        report.retried += 1
    elif stored is False:
        _release([row], sender.config, "409 for an id the LRS does not hold")
        report.retried += 1
    elif _essence(stored) == _essence(json.loads(row.payload)):
        _mark_sent([row])  # delivered before (e.g. by a worker that died); not twice
        report.sent += 1
    else:
        _mark_dead(
            row,
            f"409: the LRS holds a different statement with id {row.id}: "
            f"{response.text[:1000]}",
        )
        report.dead += 1


def deliver_pass(
    session: Session,
    config: LrsConfig,
    owner: str,
    sender: Sender | None = None,
    progress=None,
    limit: int | None = None,
) -> Report:
    """Deliver everything due now, batch by batch; returns what happened.

    The database work of one batch overlaps the POST of another: the next batch is
    claimed, and this one's outcome written, while the LRS reads. Batches still go one
    at a time and in order: the next one leaves as soon as this one was accepted, and
    waits when it was not, until this one's answer has been dealt with.
    """
    report = Report()
    own_sender = sender is None
    sender = sender or Sender(config)

    def take() -> list[OutboxStatement]:
        return claim(session, owner, config.batch_size, config.lease_seconds)

    poster = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xapi-post")
    # The POST thread must read each answer as it arrives, not when the database work
    # on this thread next yields the GIL (every 5 ms by default).
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, 0.0005))
    try:
        rows = take()
        sent = poster.submit(sender.send, sender.body(rows)) if rows else None
        while rows:
            upcoming: list[OutboxStatement] = []
            if limit is None or report.batches + 1 < limit:
                upcoming = take()
            following = None
            if upcoming:  # leaves right after ``sent``, if the LRS accepts that one
                following = poster.submit(
                    _send_after, sender, sent, sender.body(upcoming)
                )
            try:
                deliver(sender, rows, report, sent)
            except CredentialsRejected as exc:
                report.stopped = str(exc)
                _unclaim(upcoming)  # held back: the batch before it was refused
                session.commit()
                log.error("%s", exc)
                break
            # The batch's outcome is committed with the next claim: one commit a batch.
            # Should the worker die in between, the lease expires and the LRS sees the
            # same ids again, which it recognises.
            session.flush()
            if progress:
                progress(report)
            if report.transient:
                _unclaim(upcoming)  # held back, never sent: free for the next pass
                break
            rows = upcoming
            if following is not None and not _accepted(sent):  # it was held back
                following = poster.submit(sender.send, sender.body(rows))
            sent = following
        session.commit()
    finally:
        poster.shutdown(wait=True)
        sys.setswitchinterval(switch_interval)
        if own_sender:
            sender.close()
    return report


def _send_after(
    sender: Sender, previous: Future, body: bytes
) -> requests.Response | None:
    """POST ``body`` if the LRS accepted the batch before it; None: held back."""
    return sender.send(body) if _accepted(previous) else None


def _accepted(sent: Future) -> bool:
    """True when the LRS took the whole batch (waits for its answer)."""
    try:
        return sent.result().status_code in (200, 204)
    except Exception:  # the error is reported by deliver(), which re-reads it
        return False


def _unclaim(rows: list[OutboxStatement]) -> None:
    """Give back claimed rows that were never sent (no try counted)."""
    for row in rows:
        row.lease_owner = row.lease_until = None
