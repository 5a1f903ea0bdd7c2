"""Versions: publish, change, publish again, roll back; stale translations; archives."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from tests.content.conftest import edit

INTRO_EN = "modules/sample/01-intro.en.md"


def lesson_text(client, lang="en") -> str:
    return client.get(
        "/modules/sample/intro", headers={"Accept-Language": lang}
    ).get_data(as_text=True)


def test_publish_change_publish_roll_back(client, content, course_dir):
    result = content("publish", course_dir, "--note", "first", "--by", "editor")
    assert "published version 1" in result.output
    assert "Children have rights online as well as offline." in lesson_text(client)

    edit(
        course_dir,
        INTRO_EN,
        "Children have rights online as well as offline.",
        "Every child has the same rights online as offline.",
    )
    status = content("status", course_dir)
    assert "sample                   incomplete 2 complete, 1 stale" in status.output
    assert "      stale: lesson intro" in status.output
    assert "summary: ru: 2 complete, 1 stale, 0 unknown, 0 missing" in status.output
    check = content("check", course_dir)
    assert check.exit_code == 0  # stale is a warning: publishing may go ahead
    assert (
        "modules/sample/01-intro.ru.md:5: source_hash: warning: stale translation"
        in check.output
    )

    assert (
        "published version 2"
        in content("publish", course_dir, "--note", "new wording").output
    )
    assert "Every child has the same rights online as offline." in lesson_text(client)
    russian = lesson_text(client, "ru")
    assert 'lang="en"' in russian and "Every child has the same rights" in russian
    assert (
        'class="notice"' in russian
    )  # the stale Russian is not shown; a notice says so

    versions = content("versions").output.splitlines()
    assert versions[0].startswith("*    2 ") and "new wording" in versions[0]
    assert versions[1].startswith("     1 ") and "editor" in versions[1]

    assert "version 1 is now active" in content("activate", "1").output
    assert "Children have rights online as well as offline." in lesson_text(client)
    russian = lesson_text(client, "ru")
    assert (
        "У детей есть права и в интернете" in russian
        and 'class="notice"' not in russian
    )
    assert "version 2 is now active" in content("activate", "2").output
    assert "Every child has the same rights" in lesson_text(client)


def test_publishing_an_unchanged_tree_creates_no_version(content, course_dir):
    content("publish", course_dir, "--note", "first")
    again = content("publish", course_dir, "--note", "same")
    assert "no changes since version 1; nothing published" in again.output
    assert len(content("versions").output.strip().splitlines()) == 1


def test_activating_an_unknown_version_says_so(content):
    result = content("activate", "9")
    assert result.exit_code == 1
    assert "there is no version 9; `content versions` lists them" in result.output


def test_mark_translated_clears_the_stale_state(content, course_dir):
    edit(course_dir, INTRO_EN, "Children have rights", "Children keep their rights")
    assert "1 stale" in content("status", course_dir).output
    result = content(
        "mark-translated", "--root", course_dir, "modules/sample/01-intro.ru.md"
    )
    assert result.exit_code == 0 and "source_hash" in result.output
    assert "summary: ru: 3 complete, 0 stale" in content("status", course_dir).output


def test_quiz_strings_go_stale_one_by_one(content, course_dir):
    edit(
        course_dir,
        "quizzes/sample.yaml",
        "feedback: {en: Right., ru: Верно.}",
        "feedback: {en: Right - 1989., ru: Верно.}",
    )
    result = content("check", course_dir)
    assert (
        "quizzes/sample.yaml:17: translated_from: warning: stale translation in 'ru'"
        in (result.output)
    )


def test_rendered_lessons_of_each_version_are_kept_apart(
    app, client, content, course_dir
):
    content("publish", course_dir, "--note", "first")
    client.get("/modules/sample/intro")
    edit(course_dir, INTRO_EN, "## Think about it", "## Think about this")
    content("publish", course_dir, "--note", "second")
    assert "Think about this" in lesson_text(client)
    lessons = app.extensions["courseware"].caches["lessons"]
    keys = [k for k in lessons.keys() if k[1:3] == ("sample", "intro")]
    # Kept apart by version, and the superseded version's renders are dropped.
    assert len({k[0] for k in keys}) == 1
    content("activate", "1")
    assert "Think about it" in lesson_text(client)
    keys = [k for k in lessons.keys() if k[1:3] == ("sample", "intro")]
    assert len({k[0] for k in keys}) == 1


# --- archives ---------------------------------------------------------------------


def zip_of(root: Path, extra=None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, "course/" + path.relative_to(root).as_posix())
        for item in extra or []:
            item(archive)
    return buffer.getvalue()


def test_import_publishes_a_good_archive(tmp_path, content, course_dir, client):
    archive = tmp_path / "course.zip"
    archive.write_bytes(zip_of(course_dir))
    result = content("import", archive, "--note", "from zip")
    assert result.exit_code == 0, result.output
    assert "published version 1" in result.output
    assert "Children have rights" in lesson_text(client)


def add(name: str, data: bytes = b"x", mode: int | None = None, compress=True):
    def writer(archive: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo(name)
        if mode is not None:
            info.external_attr = mode << 16
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        archive.writestr(info, data)

    return writer


ARCHIVE_CASES = [
    (
        "path traversal",
        [add("../evil.txt")],
        "../evil.txt:1: archive: '..' in a path would write outside the course folder",
    ),
    ("nested traversal", [add("course/modules/../../../etc/x")], "'..' in a path"),
    (
        "absolute path",
        [add("/etc/passwd")],
        "/etc/passwd:1: archive: absolute paths are not allowed",
    ),
    (
        "windows drive",
        [add("C:/windows/x")],
        "C:/windows/x:1: archive: absolute paths are not allowed",
    ),
    ("backslash", [add("course\\..\\x")], "backslashes and NUL are not allowed"),
    (
        "symlink",
        [add("course/modules/link", b"/etc/passwd", stat.S_IFLNK | 0o777)],
        "course/modules/link:1: archive: symbolic links are not allowed",
    ),
    (
        "device file",
        [add("course/dev", b"", stat.S_IFCHR | 0o600)],
        "only files and folders are allowed",
    ),
    (
        "zip bomb",
        [add("course/modules/bomb.txt", b"\0" * (20 * 1024 * 1024))],
        "compressed more than 100:1, a likely zip bomb",
    ),
]


@pytest.mark.parametrize(
    "name,extra,message", ARCHIVE_CASES, ids=[c[0] for c in ARCHIVE_CASES]
)
def test_hostile_archives_are_refused_and_publish_nothing(
    tmp_path, content, course_dir, name, extra, message
):
    content("publish", course_dir, "--note", "first")
    archive = tmp_path / "course.zip"
    archive.write_bytes(zip_of(course_dir, extra))
    result = content("import", archive, "--note", "hostile")
    assert result.exit_code == 1
    assert message in result.output and "nothing was published" in result.output
    assert not (tmp_path.parent / "evil.txt").exists()
    versions = content("versions").output.strip().splitlines()
    assert len(versions) == 1 and versions[0].startswith("*    1 ")


def test_too_many_files_and_not_a_zip(tmp_path, content, course_dir):
    from courseware.content import archive as archive_module

    limits = archive_module.ArchiveLimits(max_files=5)
    path = tmp_path / "course.zip"
    path.write_bytes(zip_of(course_dir))
    with pytest.raises(
        archive_module.ArchiveError, match="entries; at most 5 are allowed"
    ):
        archive_module.inspect_archive(path, limits)
    path.write_bytes(b"this is not a zip")
    result = content("import", path, "--note", "x")
    assert result.exit_code == 1
    assert "course.zip:1: archive: not a zip archive" in result.output


def test_archive_without_modules_folder(tmp_path, content):
    path = tmp_path / "course.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    result = content("import", path, "--note", "x")
    assert (
        "modules/:1: archive: the archive has no modules/ folder at its top"
        in result.output
    )


def test_a_broken_course_in_an_archive_reports_its_problems(
    tmp_path, content, course_dir
):
    edit(course_dir, INTRO_EN, "alt: A child at a computer.\n", "")
    path = tmp_path / "course.zip"
    path.write_bytes(zip_of(course_dir))
    result = content("import", path, "--note", "x")
    assert result.exit_code == 1
    assert (
        "modules/sample/01-intro.en.md:10: alt: missing required field" in result.output
    )
    assert "nothing was published" in result.output
