"""``flask courseware lti ...``: register, list and remove platforms; rotate keys."""

from __future__ import annotations

import click
from flask import current_app, url_for
from flask.cli import with_appcontext

from courseware.db import get_session
from courseware.lti.cli_scores import scores_cli
from courseware.lti.services import keys
from courseware.lti.services.registration import (
    PlatformDetails,
    RegistrationError,
    find_platform,
    platforms,
    register_platform,
    remove_platform,
)


@click.group("lti")
def lti_cli() -> None:
    """LTI 1.3 platforms and keys."""


lti_cli.add_command(scores_cli)


def _allow_http() -> bool:
    app = current_app
    return bool(app.config.get("COURSEWARE_LTI_ALLOW_HTTP") or app.debug or app.testing)


@lti_cli.command("register")
@click.option("--issuer", required=True, help="The platform's issuer (iss).")
@click.option("--client-id", required=True, help="The client id the LMS gave us.")
@click.option(
    "--deployment-id",
    "deployment_ids",
    multiple=True,
    required=True,
    help="A deployment id (repeat for several).",
)
@click.option("--auth-login-url", required=True, help="The OIDC authorisation URL.")
@click.option("--token-url", required=True, help="The OAuth 2 access token URL.")
@click.option("--jwks-url", required=True, help="The platform's public keyset URL.")
@click.option("--name", default="", help="A name shown here.")
@click.option("--auth-audience", default=None, help="Token audience, if different.")
@with_appcontext
def register_command(
    issuer,
    client_id,
    deployment_ids,
    auth_login_url,
    token_url,
    jwks_url,
    name,
    auth_audience,
) -> None:
    """Register a platform by hand."""
    session = get_session()
    details = PlatformDetails(
        issuer=issuer,
        client_id=client_id,
        auth_login_url=auth_login_url,
        token_url=token_url,
        jwks_url=jwks_url,
        deployment_ids=tuple(deployment_ids),
        name=name,
        auth_audience=auth_audience,
    )
    try:
        platform = register_platform(session, details, allow_http=_allow_http())
    except RegistrationError as error:
        session.rollback()
        option = "--" + error.field.replace("_", "-").removesuffix("s")
        raise click.ClickException(f"{option}: {error.message}") from error
    session.commit()
    click.echo(
        f"registered platform {platform.id}: {platform.issuer} {platform.client_id}"
    )
    _echo_urls()


def _echo_urls() -> None:
    with current_app.test_request_context(
        base_url=current_app.config.get("COURSEWARE_SITE_URL") or None
    ):
        for label, endpoint in (
            ("login initiation", "courseware_lti.login"),
            ("launch / redirect URI / deep linking", "courseware_lti.launch"),
            ("JWKS", "courseware_lti.jwks"),
        ):
            click.echo(f"  {label}: {url_for(endpoint, _external=True)}")


@lti_cli.command("list")
@with_appcontext
def list_command() -> None:
    """The registered platforms."""
    found = platforms(get_session())
    if not found:
        click.echo("no platforms")
    for p in found:
        deployments = ",".join(d.deployment_id for d in p.deployments)
        click.echo(f"{p.id}\t{p.issuer}\t{p.client_id}\t{deployments}\t{p.name}")


@lti_cli.command("remove")
@click.option("--issuer", required=True)
@click.option("--client-id", required=True)
@with_appcontext
def remove_command(issuer: str, client_id: str) -> None:
    """Forget a platform (its contexts, links and launches go too)."""
    session = get_session()
    platform = find_platform(session, issuer.rstrip("/"), client_id)
    if platform is None:
        raise click.ClickException(
            f"--issuer/--client-id: no platform {issuer} with client id {client_id}"
        )
    remove_platform(session, platform)
    session.commit()
    click.echo(f"removed platform {platform.id}")


@lti_cli.group("keys")
def keys_cli() -> None:
    """Our signing keys."""


@keys_cli.command("rotate")
@with_appcontext
def rotate_command() -> None:
    """Make a new current key; the old one is served until its tokens expire."""
    session = get_session()
    key, retired = keys.rotate(session)
    session.commit()
    click.echo(f"current key {key.kid}")
    for kid in retired:
        click.echo(f"retired {kid} (served until {keys.MAX_TOKEN_LIFETIME} from now)")
