"""``flask courseware media build``: rebuild the module videos from their sources."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from courseware.media.build import (
    build,
    find_jobs,
    media_bytes,
    sync_lengths,
    video_length,
)
from courseware.media.tools import MediaError

#: All media together must stay under this many bytes.
MEDIA_BUDGET = 40_000_000


@click.group("media")
def media_cli() -> None:
    """Module videos: slides, narration, captions, transcripts."""


@media_cli.command("build")
@click.option(
    "--module",
    "modules",
    multiple=True,
    metavar="ID",
    help="Only this module (repeatable).",
)
@click.option(
    "--language",
    "languages",
    multiple=True,
    type=click.Choice(["en", "ru"]),
    help="Only this language (repeatable).",
)
@with_appcontext
def build_command(modules: tuple[str, ...], languages: tuple[str, ...]) -> None:
    """Render slides, speak narration and encode each module's video and captions."""
    root = Path(current_app.config["COURSEWARE_CONTENT_DIR"])
    try:
        jobs = find_jobs(root, modules, languages)
        lengths = build(root, jobs, click.echo)
    except MediaError as exc:
        raise click.ClickException(str(exc)) from None
    for job, seconds in lengths.items():
        click.echo(f"{job.module} {job.language}: {seconds:.1f} s")
    total = media_bytes(root)
    click.echo(f"media total: {total / 1e6:.1f} MB in modules/*/media/")
    if total >= MEDIA_BUDGET:
        raise click.ClickException(f"media total {total} bytes exceeds 40 MB")


@media_cli.command("lengths")
@click.option("--module", "modules", multiple=True, metavar="ID")
@with_appcontext
def lengths_command(modules: tuple[str, ...]) -> None:
    """Write each lesson's video length from the committed media, without building."""
    root = Path(current_app.config["COURSEWARE_CONTENT_DIR"])
    try:
        for job in find_jobs(root, modules):
            seconds = video_length(root, job)
            click.echo(f"{job.module} {job.language}: {seconds:.1f} s")
            sync_lengths(root, job, seconds, click.echo)
    except MediaError as exc:
        raise click.ClickException(str(exc)) from None
