"""``flask courseware certificate ...``: verify offline, revoke, show the public key."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import click
from flask.cli import with_appcontext

from courseware.certificates import services, signing
from courseware.db import get_session


@click.group("certificate")
def certificate_cli() -> None:
    """Certificates: offline verification and revocation."""


def _payload_from(argument: str) -> str:
    """A payload from itself, a verification URL, or an image of the QR code."""
    path = Path(argument)
    if (
        path.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif", ".pdf")
        and path.exists()
    ):
        if path.suffix.lower() == ".pdf":
            raise click.ClickException(
                f"render the PDF first: pdftoppm -png -r 150 {argument} page"
            )
        zbar = shutil.which("zbarimg")
        if zbar is None:
            raise click.ClickException("zbarimg not found: apt-get install zbar-tools")
        result = subprocess.run(
            [zbar, "--quiet", "--raw", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if result.returncode != 0 or not result.stdout.strip():
            raise click.ClickException(f"no QR code found in {argument}")
        argument = result.stdout.strip().splitlines()[0]
    if argument.startswith(("http://", "https://")):
        found = parse_qs(urlsplit(argument).query).get("p")
        if not found:
            raise click.ClickException("the URL carries no signed payload (?p=...)")
        return found[0]
    return argument


@certificate_cli.command("verify")
@click.argument("source")
@click.option(
    "--public-key",
    "key_file",
    type=click.Path(exists=True, dir_okay=False),
    help="PEM public key; default: this site's key.",
)
@click.option(
    "--offline", is_flag=True, help="Do not look the code up in the database."
)
@with_appcontext
def verify_command(source: str, key_file: str | None, offline: bool) -> None:
    """Check a payload, a verification URL or a QR image with only the public key."""
    payload = _payload_from(source)
    if key_file:
        public = signing.load_public(Path(key_file).read_bytes())
    else:
        public = services.private_key().public_key()
    try:
        claims = signing.verify(public, payload)
    except signing.PayloadError as exc:
        raise click.ClickException(f"INVALID: {exc}") from None
    status = "valid signature"
    if not offline:
        certificate = services.by_code(get_session(), claims["c"])
        if certificate is None:
            status = "valid signature, but this site has no such code"
        elif certificate.revoked:
            click.echo(
                f"REVOKED on {certificate.revoked_at:%Y-%m-%d}: "
                f"{certificate.revoke_reason}"
            )
            raise SystemExit(2)
        else:
            status = "valid and not revoked"
    click.echo(
        f"{status}: {claims['n']} completed the track {claims['tn']!r} "
        f"({claims['t']}) on {claims['d']}; code {claims['c']}; content version "
        f"{claims['v']}; issued by {claims['s']}"
    )


@certificate_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True)
@click.option("--by", "who", default="administrator")
@with_appcontext
def revoke_command(code: str, reason: str, who: str) -> None:
    """Revoke a certificate with a reason."""
    session = get_session()
    certificate = services.by_code(session, code)
    if certificate is None:
        raise click.ClickException(f"no certificate {code}")
    try:
        services.revoke(session, certificate, reason, who)
    except services.CertificateError as exc:
        raise click.ClickException(str(exc)) from None
    session.commit()
    click.echo(f"certificate {certificate.code} revoked")


@certificate_cli.command("public-key")
@with_appcontext
def public_key_command() -> None:
    """Print the public key (PEM) that checks every certificate."""
    click.echo(signing.public_pem(services.private_key()), nl=False)
