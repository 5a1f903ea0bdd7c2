"""``flask courseware content ...``: check, status, publish, versions, activate."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from courseware.content.archive import ArchiveError, extract_archive
from courseware.content.build import CheckResult, check_content
from courseware.content.glossary import echo_drift
from courseware.content.problems import Problems
from courseware.content.services import PublishError, activate, list_versions, publish
from courseware.content.translations import mark
from courseware.content.yamlfile import as_list
from courseware.db import get_session


@click.group("content")
def content_cli() -> None:
    """Course content: check, publish, roll back, translate."""


def _root(directory: str | None) -> Path:
    return Path(directory or current_app.config["COURSEWARE_CONTENT_DIR"])


def _report(result: CheckResult) -> None:
    for problem in result.problems.sorted():
        click.echo(str(problem), err=problem.severity == "error")
    errors, warnings = len(result.problems.errors), len(result.problems.warnings)
    click.echo(f"{errors} error(s), {warnings} warning(s)")


@content_cli.command("check")
@click.argument("directory", required=False)
@with_appcontext
def check_command(directory: str | None) -> None:
    """Report every problem in DIRECTORY (default: the configured content folder)."""
    result = check_content(_root(directory))
    _report(result)
    if not result.ok:
        raise SystemExit(1)


@content_cli.command("status")
@click.argument("directory", required=False)
@with_appcontext
def status_command(directory: str | None) -> None:
    """Per language and module: complete, stale or missing translations."""
    result = check_content(_root(directory))
    tree = result.tree
    totals: dict[str, dict[str, int]] = {}
    for lang in tree.languages:
        if lang == tree.source_language:
            continue
        click.echo(f"[{lang}]")
        modules = as_list(tree.course_data.get("modules"))
        for module in (m for m in modules if isinstance(m, str)):
            states = [state for _, state in result.status.get(module, {}).get(lang, [])]
            counts = {
                s: states.count(s) for s in ("complete", "stale", "unknown", "missing")
            }
            for state, count in counts.items():
                totals.setdefault(lang, {}).setdefault(state, 0)
                totals[lang][state] += count
            word = "complete" if counts["complete"] == len(states) else "incomplete"
            details = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
            click.echo(f"  {module:<24} {word:<10} {details}")
            for item, state in result.status.get(module, {}).get(lang, []):
                if state != "complete":
                    kind = "quiz" if item.startswith("quiz:") else "lesson"
                    click.echo(f"      {state}: {kind} {item.removeprefix('quiz:')}")
    summary = "; ".join(
        f"{lang}: " + ", ".join(f"{n} {s}" for s, n in counts.items())
        for lang, counts in totals.items()
    )
    click.echo(f"summary: {summary or 'no translations'}")
    echo_drift(result.tree, result.problems, click.echo)


@content_cli.command("mark-translated")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--language",
    "languages",
    multiple=True,
    help="For quizzes: which languages to mark (default: all but the source).",
)
@click.option("--root", "directory", default=None, help="The content folder.")
@with_appcontext
def mark_command(
    paths: tuple[str, ...], languages: tuple[str, ...], directory: str | None
) -> None:
    """Record that the given translations match the current source text."""
    root = _root(directory)
    result = check_content(root)
    langs = list(languages) or [
        x for x in result.tree.languages if x != result.tree.source_language
    ]
    problems = Problems()
    for line in mark(root, list(paths), langs, result.tree.source_language, problems):
        click.echo(line)
    for problem in problems.sorted():
        click.echo(str(problem), err=True)
    if problems.errors:
        raise SystemExit(1)


def _progress(index: int, total: int, name: str) -> None:
    if index == total or index % 10 == 0:
        click.echo(f"  media {index}/{total}: {name}")


def _refuse(message: str) -> None:
    """Say that nothing changed and which version still serves; exit 1."""
    session = get_session()
    session.rollback()
    still = next((v for v in list_versions(session) if v.is_active), None)
    click.echo(
        f"{message}; version {still.number if still else 'none'} is still active",
        err=True,
    )
    raise SystemExit(1)


def _publish(root: Path, note: str, who: str | None) -> None:
    session = get_session()
    try:
        published = publish(session, root, note, who, progress=_progress)
    except PublishError as exc:
        session.rollback()
        if exc.result is not None:
            _report(exc.result)
        _refuse(str(exc))
    session.commit()
    _report(published.result)
    version = published.version
    if published.created:
        click.echo(
            f"published version {version.number} ({version.content_hash[:12]}); "
            "it is now active"
        )
    else:
        click.echo(f"no changes since version {version.number}; nothing published")


@content_cli.command("publish")
@click.argument("directory", required=False)
@click.option("--note", required=True, help="What changed, for the version list.")
@click.option("--by", "who", default=None, help="Who publishes (for the record).")
@with_appcontext
def publish_command(directory: str | None, note: str, who: str | None) -> None:
    """Check, then store the content as a new version and make it active."""
    _publish(_root(directory), note, who)


@content_cli.command("import")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--note", required=True)
@click.option("--by", "who", default=None)
@with_appcontext
def import_command(archive: str, note: str, who: str | None) -> None:
    """Extract a course .zip safely, then check and publish it."""
    with tempfile.TemporaryDirectory(prefix="courseware-import-") as tmp:
        try:
            root = extract_archive(Path(archive), Path(tmp))
        except ArchiveError as exc:
            click.echo(str(exc.problem), err=True)
            _refuse("1 error(s): nothing was published")
        _publish(root, note, who)


@content_cli.command("versions")
@with_appcontext
def versions_command() -> None:
    """List the published versions, newest first."""
    versions = list_versions(get_session())
    if not versions:
        click.echo(
            "no version published yet: run `courseware content publish --note ...`"
        )
    for version in versions:
        mark_active = "*" if version.is_active else " "
        click.echo(
            f"{mark_active} {version.number:>4}  {version.published_at:%Y-%m-%d %H:%M}"
            f"  {version.content_hash[:12]}  {version.published_by or '-':<12} "
            f"{version.note}"
        )


@content_cli.command("activate")
@click.argument("number", type=int)
@click.option("--by", "who", default=None)
@with_appcontext
def activate_command(number: int, who: str | None) -> None:
    """Serve version NUMBER (roll back or forward)."""
    session = get_session()
    try:
        version = activate(session, number, who)
    except PublishError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    session.commit()
    click.echo(f"version {version.number} is now active")
