"""``flask courseware xapi ...``: deliver the outbox, run the worker, inspect it."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from courseware.db import get_session
from courseware.xapi.delivery import (
    LrsConfig,
    Report,
    Sender,
    backoff,
    deliver_pass,
)
from courseware.xapi.models import DeliveryState, OutboxStatement
from courseware.xapi.services import delivery_status, requeue


def lrs_config() -> LrsConfig | None:
    """The LRS settings, or None when no endpoint is configured."""
    config = current_app.config
    if not config.get("COURSEWARE_LRS_ENDPOINT"):
        return None
    return LrsConfig(
        endpoint=str(config["COURSEWARE_LRS_ENDPOINT"]),
        username=config.get("COURSEWARE_LRS_USERNAME"),
        password=config.get("COURSEWARE_LRS_PASSWORD"),
        batch_size=int(config["COURSEWARE_XAPI_BATCH_SIZE"]),
        connect_timeout=float(config["COURSEWARE_XAPI_CONNECT_TIMEOUT"]),
        read_timeout=float(config["COURSEWARE_XAPI_READ_TIMEOUT"]),
        lease_seconds=int(config["COURSEWARE_XAPI_LEASE_SECONDS"]),
        backoff_base=float(config["COURSEWARE_XAPI_BACKOFF_SECONDS"]),
        backoff_cap=float(config["COURSEWARE_XAPI_BACKOFF_CAP_SECONDS"]),
    )


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _require_config() -> LrsConfig:
    config = lrs_config()
    if config is None:
        raise click.ClickException(
            "COURSEWARE_LRS_ENDPOINT is not set: statements stay "
            "in the outbox until an LRS is configured"
        )
    problem = config.problem()
    if problem:
        raise click.ClickException(problem)
    return config


@click.group("xapi")
def xapi_cli() -> None:
    """xAPI statements: delivery to the LRS and the outbox."""


def _print_progress(report: Report) -> None:
    click.echo(
        f"  batch {report.batches}: {report.sent} sent, {report.retried} to retry, "
        f"{report.dead} dead"
    )


@xapi_cli.command("deliver")
@click.option(
    "--once",
    is_flag=True,
    required=True,
    help="Deliver what is due now, then exit (use `xapi worker` to keep going).",
)
@with_appcontext
def deliver_command(once: bool) -> None:
    """Deliver every statement that is due, once."""
    config = _require_config()
    session = get_session()
    pending = session.scalar(
        select(func.count())
        .select_from(OutboxStatement)
        .where(OutboxStatement.state == DeliveryState.PENDING)
    )
    click.echo(f"{pending} statement(s) pending")
    report = deliver_pass(session, config, _owner(), progress=_print_progress)
    click.echo(
        f"done: {report.sent} sent, {report.retried} to retry later, {report.dead} dead"
    )
    if report.stopped:
        raise click.ClickException(report.stopped)


@xapi_cli.command("worker")
@click.option("--max-seconds", type=float, default=None, help="Stop after this long.")
@with_appcontext
def worker_command(max_seconds: float | None) -> None:
    """Deliver until stopped (SIGTERM or Ctrl-C end it after the batch in flight)."""
    config = _require_config()
    poll = float(current_app.config["COURSEWARE_XAPI_POLL_SECONDS"])
    stop = threading.Event()

    def _stop(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    owner, started, sender = _owner(), time.monotonic(), Sender(config)
    click.echo(f"xAPI worker {owner} delivering to {config.statements_url}")
    failures = 0  # passes in a row that found the LRS failing
    try:
        while not stop.is_set():
            session = get_session()
            report = deliver_pass(
                session,
                config,
                owner,
                sender=sender,
                stop=stop.is_set,
                after_failure=failures > 0,
            )
            session.close()
            _print_report(report)
            if max_seconds is not None and time.monotonic() - started > max_seconds:
                break
            if report.stopped:
                click.echo(report.stopped, err=True)
                stop.wait(max(poll, 30))
            elif report.transient:
                failures += 1
                stop.wait(_pause(config, failures, report))
            elif report.batches:
                failures = 0  # the LRS took batches: look again at once
            else:
                stop.wait(poll)
    finally:
        sender.close()


def _pause(config: LrsConfig, failures: int, report: Report) -> float:
    """How long a worker waits after a failing pass: one POST per backoff step."""
    pause = max(backoff(config, failures), report.retry_after or 0.0)
    return min(pause, config.backoff_cap)


def _print_report(report: Report) -> None:
    if report.sent or report.dead or report.retried:
        click.echo(f"{report.sent} sent, {report.retried} to retry, {report.dead} dead")
    if report.lost:
        click.echo(f"{report.lost} held by another worker (lease lost)", err=True)


@xapi_cli.command("status")
@with_appcontext
def status_command() -> None:
    """Statements by state, what workers hold, the oldest waiting and the last error."""
    found = delivery_status(get_session())
    for state, count in found.health.counts.items():
        click.echo(f"{state:<8} {count}")
    click.echo(f"leased   {found.leased_count}")
    for lease in found.leased:
        click.echo(f"  {lease.count} by {lease.owner}, lease ends in {lease.seconds} s")
    click.echo(f"stuck    {found.stuck_count}")
    for lease in found.stuck:
        click.echo(
            f"  {lease.count} by {lease.owner}, lease ran out {-lease.seconds} s ago; "
            "the next claim takes them"
        )
    if found.oldest is not None:
        oldest = found.oldest
        click.echo(
            f"oldest pending: {oldest.age_seconds} s ({oldest.id} {oldest.verb}, "
            f"{oldest.tries} tries, next try in {oldest.next_try_in_seconds} s)"
        )
    click.echo(f"last LRS error: {found.health.last_error or '-'}")


@xapi_cli.command("dead")
@with_appcontext
def dead_command() -> None:
    """List statements the LRS rejected, with its reason."""
    rows = get_session().scalars(
        select(OutboxStatement)
        .where(OutboxStatement.state == DeliveryState.DEAD)
        .order_by(OutboxStatement.created_at)
    )
    count = 0
    for row in rows:
        count += 1
        click.echo(
            f"{row.id}  {row.verb:<12} {row.created_at:%Y-%m-%d %H:%M}  "
            f"{row.last_error}"
        )
    click.echo(
        f"{count} dead statement(s); after fixing the cause, `xapi requeue` "
        "sends them again"
    )


@xapi_cli.command("requeue")
@click.argument("ids", nargs=-1)
@with_appcontext
def requeue_command(ids: tuple[str, ...]) -> None:
    """Send dead statements again (all, or the given ids)."""
    session = get_session()
    count = requeue(session, ids)
    session.commit()
    click.echo(f"{count} statement(s) queued again")
