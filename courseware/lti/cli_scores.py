"""``flask courseware lti scores ...``: send queued scores, inspect, retry dead ones.

A1's ``courseware/lti/cli.py`` adds this group to the ``lti`` group:
``lti_cli.add_command(scores_cli)``.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from courseware.db import get_session
from courseware.lti.services import outbox
from courseware.lti.services.connector import Connector
from courseware.lti.services.outbox import ScoreConfig
from courseware.lti.services.worker import Report, backoff, deliver_pass


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@click.group("scores")
def scores_cli() -> None:
    """Scores for the LMSs' grade books (Assignment and Grade Services)."""


def _echo(report: Report) -> None:
    click.echo(
        f"{report.sent} sent, {report.retried} to retry later, {report.dead} dead, "
        f"{report.superseded} superseded"
    )
    if report.lost:
        click.echo(f"{report.lost} held by another worker (lease lost)", err=True)
    for error in dict.fromkeys(report.errors):
        click.echo(f"  {error}", err=True)


@scores_cli.command("deliver")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--batch-size", type=click.IntRange(1, 1000), default=None)
@with_appcontext
def deliver_command(once: bool, batch_size: int | None) -> None:
    """Send due scores; without --once, keep going until SIGTERM or Ctrl-C."""
    config = ScoreConfig.from_app(current_app.config)
    if batch_size:
        config = dataclasses.replace(config, batch_size=batch_size)
    owner = _owner()
    if once:
        report = deliver_pass(get_session(), config, owner)
        _echo(report)
        return
    stop = threading.Event()

    def _stop(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo(f"LTI score worker {owner}")
    failures = 0
    with Connector(config.connect_timeout, config.read_timeout) as connector:
        while not stop.is_set():
            session = get_session()
            report = deliver_pass(session, config, owner, connector, stop.is_set)
            session.close()
            if report.sent or report.retried or report.dead:
                _echo(report)
            if report.transient:
                failures += 1
                stop.wait(min(backoff(config, failures), config.backoff_cap))
            else:
                failures = 0
                stop.wait(config.poll_seconds)


@scores_cli.command("status")
@with_appcontext
def status_command() -> None:
    """Scores by platform and state, the oldest waiting and the last error."""
    found = outbox.status(get_session())
    if not found:
        click.echo("no scores")
    for item in found:
        counts = ", ".join(f"{k} {v}" for k, v in item.counts.items())
        click.echo(f"{item.name} (#{item.platform_id}): {counts}, leased {item.leased}")
        if item.oldest_pending is not None:
            click.echo(f"  oldest pending: {item.oldest_age_seconds} s")
        if item.last_error:
            click.echo(f"  last error: {item.last_error}")


@scores_cli.command("retry-dead")
@with_appcontext
def retry_dead_command() -> None:
    """Queue the scores the platforms refused again (after fixing the cause)."""
    session = get_session()
    count = outbox.retry_dead(session)
    session.commit()
    click.echo(f"{count} score(s) queued again")
