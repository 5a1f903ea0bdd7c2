"""Language status: the numbers of `flask courseware content status`, glossary too."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from courseware.authoring.services.checking import check_files
from courseware.authoring.services.status import course_status
from courseware.content.loader import read_files
from courseware.content.problems import Problems
from tests.authoring.conftest import open_file, save, text_of
from tests.conftest import FIXTURE_COURSE, REPO

EN = "modules/sample/01-intro.en.md"
SUMMARY = re.compile(
    r"(\w+): (\d+) complete, (\d+) stale, (\d+) unknown, (\d+) missing"
)


def cli_numbers(runner, root: Path) -> dict[str, dict[str, int]]:
    """The summary line of `content status` on ``root``, per language."""
    result = runner.invoke(args=["courseware", "content", "status", str(root)])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("summary: "))
    return {
        lang: dict(
            zip(("complete", "stale", "unknown", "missing"), map(int, n), strict=True)
        )
        for lang, *n in SUMMARY.findall(line)
    }


def cli_drift(runner, root: Path) -> int | None:
    result = runner.invoke(args=["courseware", "content", "status", str(root)])
    found = re.search(r"^glossary drift: (\d+)$", result.output, re.M)
    return int(found.group(1)) if found else None


def studio_numbers(files: dict[str, bytes]) -> dict[str, dict[str, int]]:
    return {s.lang: s.totals for s in course_status(check_files(files)).languages}


def changed_fixture(tmp_path: Path) -> Path:
    """The fixture course with one stale, one unknown and one missing translation."""
    root = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, root)
    lesson = root / EN
    lesson.write_text(
        lesson.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8"
    )
    video = root / "modules/sample/02-video.ru.md"
    video.write_text(
        "\n".join(
            line
            for line in video.read_text(encoding="utf-8").split("\n")
            if not line.startswith("source_hash:")
        ),
        encoding="utf-8",
    )
    return root


@pytest.mark.parametrize("variant", ["fixture", "changed", "bundled"])
def test_same_numbers_as_the_cli(app, runner, tmp_path, variant):
    root = {
        "fixture": lambda: Path(FIXTURE_COURSE),
        "changed": lambda: changed_fixture(tmp_path),
        "bundled": lambda: REPO,
    }[variant]()
    with app.app_context():
        mine = studio_numbers(read_files(root, Problems()))
    assert mine == cli_numbers(runner, root)
    if variant == "changed":
        assert mine["ru"]["stale"] == 1 and mine["ru"]["unknown"] == 1


def test_glossary_warnings_as_the_cli(app, runner):
    with app.app_context():
        report = course_status(check_files(read_files(REPO, Problems())))
    assert report.glossary is not None
    assert sum(report.glossary.values()) == cli_drift(runner, REPO)
    assert len(report.warnings) == sum(report.glossary.values())


def test_no_glossary_no_glossary_section(app):
    with app.app_context():
        report = course_status(check_files(read_files(FIXTURE_COURSE, Problems())))
    assert report.glossary is None and report.warnings == []


def test_status_page(studio, start_draft):
    draft = start_draft()
    page = text_of(studio.get(f"/studio/drafts/{draft}/status"))
    assert re.search(r'data-state="complete">3<', page), page
    assert re.search(r'data-state="stale">0<', page)
    text, sha = open_file(studio, draft, EN)
    save(studio, draft, EN, text + "\nMore.\n", sha)
    page = text_of(studio.get(f"/studio/drafts/{draft}/status"))
    assert re.search(r'data-state="complete">2<', page)
    assert re.search(r'data-state="stale">1<', page)
    assert "Glossary" not in page
