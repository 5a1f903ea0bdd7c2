"""The ``flask courseware`` command group."""

from __future__ import annotations

import getpass

import click
from alembic import command
from flask.cli import with_appcontext

from courseware.auth.models import Role
from courseware.auth.services import AccountError, create_user
from courseware.db import get_session
from courseware.migrations import alembic_config


@click.group("courseware")
def courseware_cli() -> None:
    """COP Courseware administration."""


def _register_subgroups() -> None:
    from courseware.certificates.cli import certificate_cli
    from courseware.content.cli import content_cli
    from courseware.lti.cli import lti_cli
    from courseware.media.cli import media_cli
    from courseware.xapi.cli import xapi_cli

    courseware_cli.add_command(certificate_cli)
    courseware_cli.add_command(content_cli)
    courseware_cli.add_command(lti_cli)
    courseware_cli.add_command(media_cli)
    courseware_cli.add_command(xapi_cli)


@courseware_cli.group("db")
def db_cli() -> None:
    """Database migrations."""


@db_cli.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    command.upgrade(alembic_config(), revision)
    click.echo(f"database upgraded to {revision}")


@db_cli.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION ("base" removes every table)."""
    command.downgrade(alembic_config(), revision)
    click.echo(f"database downgraded to {revision}")


@db_cli.command("current")
@with_appcontext
def db_current() -> None:
    """Show the database's migration revision."""
    command.current(alembic_config())


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def db_revision(message: str) -> None:
    """Write a new migration from the difference between models and database."""
    command.revision(alembic_config(), message=message, autogenerate=True)


@courseware_cli.command("create-user")
@click.option("--username", prompt=True)
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default="learner",
    show_default=True,
)
@click.option("--email", default=None)
@click.option(
    "--password",
    envvar="COURSEWARE_NEW_PASSWORD",
    default=None,
    help="Read from COURSEWARE_NEW_PASSWORD or asked for when not given.",
)
@with_appcontext
def create_user_command(
    username: str, role: str, email: str | None, password: str | None
) -> None:
    """Create an account (administrator, author, teacher or learner)."""
    if password is None:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat: ") != password:
            raise click.ClickException("the passwords differ")
    session = get_session()
    try:
        user = create_user(session, username, password, Role(role), email)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    session.commit()
    click.echo(f"created {user.role.value} {user.username!r} (id {user.id})")


_register_subgroups()
