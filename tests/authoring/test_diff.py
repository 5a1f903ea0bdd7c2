"""Compare: trees file by file, prose word by word, quizzes question by question."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from courseware.authoring.services.diff import (
    Piece,
    condense,
    diff_trees,
    field_changes,
    file_diff,
    find_source_text,
    question_changes,
    source_lesson,
    summary,
    word_diff,
)
from courseware.content.hashing import lesson_source_hash
from courseware.content.loader import read_files
from courseware.content.problems import Problems
from tests.conftest import FIXTURE_COURSE

LESSON = "modules/sample/01-intro.en.md"
QUIZ = "quizzes/sample.yaml"


def tree() -> dict[str, bytes]:
    return read_files(Path(FIXTURE_COURSE), Problems())


def test_word_diff_marks_only_the_changed_words():
    pieces = word_diff("The cat sat on the mat.", "The black cat sat on a mat.")
    assert pieces == [
        Piece("equal", "The"),
        Piece("insert", " black"),
        Piece("equal", " cat sat on "),
        Piece("delete", "the"),
        Piece("insert", "a"),
        Piece("equal", " mat."),
    ]
    assert "".join(p.text for p in pieces if p.op != "delete") == (
        "The black cat sat on a mat."
    )
    assert "".join(p.text for p in pieces if p.op != "insert") == (
        "The cat sat on the mat."
    )


def test_word_diff_of_equal_text_is_one_piece():
    assert word_diff("Дети онлайн.", "Дети онлайн.") == [Piece("equal", "Дети онлайн.")]
    assert word_diff("", "") == []


def test_same_trees_have_no_difference():
    assert diff_trees(tree(), tree()) == []


def test_files_added_removed_changed():
    old, new = tree(), tree()
    new[LESSON] = new[LESSON].replace(
        b"Children have rights", b"Children have rights, too,"
    )
    del new["modules/sample/media/sample.en.vtt"]
    new["modules/sample/media/extra.png"] = b"\x89PNG\r\n\x1a\n" + b"0" * 10
    diffs = {d.path: d for d in diff_trees(old, new)}
    assert set(diffs) == {
        LESSON,
        "modules/sample/media/sample.en.vtt",
        "modules/sample/media/extra.png",
    }
    assert summary(list(diffs.values())) == {"added": 1, "removed": 1, "changed": 1}
    lesson = diffs[LESSON]
    assert lesson.kind == "prose" and lesson.status == "changed"
    assert [p.text for p in lesson.words if p.op == "insert"] == [", too,"]
    assert lesson.added_words == 2 and lesson.removed_words == 0
    png = diffs["modules/sample/media/extra.png"]
    assert png.kind == "binary" and png.status == "added"
    assert png.new_size == 18 and png.old_size is None
    assert (
        png.new_sha == hashlib.sha256(new["modules/sample/media/extra.png"]).hexdigest()
    )


def test_binary_files_by_size_and_hash():
    found = file_diff(
        "modules/m/media/v.webm",
        b"\x1aE\xdf\xa3" + b"a" * 4,
        b"\x1aE\xdf\xa3" + b"b" * 6,
    )
    assert (found.kind, found.old_size, found.new_size) == ("binary", 8, 10)
    assert found.old_sha != found.new_sha and not found.words


def test_yaml_settings_field_by_field():
    old = b"id: m\nminutes: 35\ntitle: {en: Old, ru: Old-ru}\nlessons: [a, b]\n"
    new = b"id: m\nminutes: 40\ntitle: {en: New, ru: Old-ru}\nlessons: [a, b, c]\n"
    found = file_diff("modules/m/module.yaml", old, new)
    assert found.kind == "yaml"
    assert [(f.path, f.old, f.new, f.op) for f in found.fields] == [
        ("lessons.2", None, "c", "added"),
        ("minutes", 35, 40, "changed"),
        ("title.en", "Old", "New", "changed"),
    ]


def test_yaml_layout_only_change_falls_back_to_words():
    found = file_diff("modules/m/module.yaml", b"id: m\n", b"# note\nid: m\n")
    assert found.fields == [] and found.note == "only layout or comments changed"
    assert [p.text for p in found.words if p.op == "insert"] == ["# note\n"]


def test_quiz_question_by_question():
    old = tree()[QUIZ]
    import yaml

    data = yaml.safe_load(old)
    first = data["questions"][0]
    first["text"]["en"] = first["text"]["en"] + " Really?"
    removed = data["questions"].pop()
    data["questions"].append(
        {
            "id": "brand-new",
            "type": "true-false",
            "text": {"en": "New?"},
            "answer": True,
        }
    )
    data["pass_mark"] = 0.5
    new = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()
    found = file_diff(QUIZ, old, new)
    assert found.kind == "quiz"
    ops = {q.id: q.op for q in found.questions}
    assert ops == {
        first["id"]: "changed",
        removed["id"]: "removed",
        "brand-new": "added",
    }
    changed = next(q for q in found.questions if q.op == "changed")
    assert [f.path for f in changed.fields] == ["text.en"]
    assert [f.path for f in found.fields] == ["pass_mark"]


def test_question_changes_ignores_unchanged_questions():
    quiz = {"questions": [{"id": "a", "type": "single"}]}
    assert question_changes(quiz, quiz) == []
    assert field_changes({"a": [1, 2]}, {"a": [1, 2]}) == []


def test_unparsable_yaml_is_compared_as_text():
    found = file_diff("quizzes/q.yaml", b"id: q\n", b"id: [q\n")
    assert found.note and found.kind == "prose"


def test_find_source_text_by_hash_in_any_tree():
    files = tree()
    old_text = files[LESSON].decode()
    digest = lesson_source_hash(old_text)
    changed = dict(files)
    changed[LESSON] = (old_text + "\nMore.\n").encode()
    renumbered = {"modules/sample/07-intro.en.md": files[LESSON]}
    assert find_source_text([changed], LESSON, digest) is None
    assert find_source_text([changed, files], LESSON, digest) == old_text
    assert find_source_text([changed, renumbered], LESSON, digest) == old_text
    assert find_source_text([changed], LESSON, "0" * 16) is None


def test_source_lesson_of_a_translation():
    files = tree()
    assert source_lesson(files, "modules/sample/01-intro.ru.md", "en") == LESSON
    assert source_lesson(files, "modules/sample/01-nothing.ru.md", "en") is None
    assert source_lesson(files, "modules/sample/module.yaml", "en") is None


# Through the studio ------------------------------------------------------------


def test_compare_page_shows_the_draft_against_the_active_version(studio, start_draft):
    from tests.authoring.conftest import open_file, save, text_of

    draft = start_draft()
    answer = studio.get(f"/studio/drafts/{draft}/compare")
    assert answer.status_code == 200
    assert "No difference" in text_of(answer)
    text, sha = open_file(studio, draft, LESSON)
    changed = text.replace("Children have rights", "Children have <b>many</b> rights")
    assert save(studio, draft, LESSON, changed, sha).status_code == 302
    page = text_of(studio.get(f"/studio/drafts/{draft}/compare"))
    assert LESSON in page
    raw = studio.get(f"/studio/drafts/{draft}/compare").get_data(as_text=True)
    assert re.search(
        r"<ins><span class=\"diff-label\">\[\+</span>\s*&lt;b&gt;many", raw
    )
    assert "[+" in page and "+]" in page  # marked with text, not colour alone


def test_compare_two_published_versions(studio, publish, tmp_path):
    import shutil

    from tests.authoring.conftest import text_of

    root = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, root)
    quiz = root / QUIZ
    quiz.write_text(
        quiz.read_text(encoding="utf-8").replace("pass_mark: 0.7", "pass_mark: 0.8"),
        encoding="utf-8",
    )
    assert publish(root, "second") == 2
    with studio.application.app_context():
        from sqlalchemy import select

        from courseware.content.models import ContentVersion
        from courseware.db import get_session

        query = select(ContentVersion.number, ContentVersion.id)
        ids = dict(get_session().execute(query).all())
    answer = studio.get(f"/studio/versions/{ids[1]}/{ids[2]}/compare")
    assert answer.status_code == 200
    page = text_of(answer)
    assert QUIZ in page and "pass_mark" in page
    assert "1 file changed" in page
    assert studio.get(f"/studio/versions/{ids[1]}/999/compare").status_code == 404


@pytest.mark.parametrize("role", ["learner", "teacher", None])
def test_review_pages_are_for_authors_only(client, login, make_user, publish, role):
    publish()
    urls = ["/studio/versions/1/1/compare"]
    if role:
        login(make_user(role=role))
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == (403 if role else 302), url


def test_condense_keeps_context_around_changes():
    old = "\n".join(f"line {n}" for n in range(20))
    new = old.replace("line 10", "line ten")
    shown = condense(word_diff(old, new), context=2)
    assert [p.op for p in shown] == [
        "skip",
        "equal",
        "delete",
        "insert",
        "equal",
        "skip",
    ]
    assert shown[0].text == "9" and shown[-1].text == "8"
    assert shown[1].text == "line 9\nline "
    assert shown[4].text == "\nline 11\n"
    assert condense([Piece("equal", "a\nb")]) == [Piece("equal", "a\nb")]
