"""Translate: blocks side by side, stale blocks, saving as `content mark-translated`."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from courseware.auth.models import User
from courseware.authoring.models import AuditEntry, DraftFile
from courseware.authoring.services.drafts import delete_file, get_draft
from courseware.authoring.services.translate import (
    align,
    compose_quiz,
    lesson_view,
    marked_lesson,
    marked_quiz,
    quiz_view,
    split_lesson,
)
from courseware.content.loader import read_files
from courseware.content.problems import Problems
from courseware.content.translations import mark
from courseware.db import get_session
from tests.authoring.conftest import open_file, save, text_of
from tests.conftest import FIXTURE_COURSE, PASSWORD
from tests.race import LiveServer, RaceClient, assert_no_server_errors

EN = "modules/sample/01-intro.en.md"
RU = "modules/sample/01-intro.ru.md"
QUIZ = "quizzes/sample.yaml"


def tree() -> dict[str, bytes]:
    return read_files(Path(FIXTURE_COURSE), Problems())


def test_split_lesson_into_paragraphs_headings_and_blocks():
    lesson = split_lesson(tree()[EN].decode())
    assert lesson.front[0] == "id: intro"
    assert [b.kind for b in lesson.blocks] == [
        "text",
        "image",
        "heading",
        "reveal",
        "scenario",
    ]
    assert lesson.blocks[1].text.startswith("::: image\n")
    assert lesson.blocks[1].text.endswith("\n:::")
    assert lesson.blocks[2].text == "## Think about it"


def test_fenced_code_is_one_block_and_opens_nothing():
    text = (
        "---\nid: x\n---\n\nIntro.\n\n```\n::: image\n\n# not a heading\n```\n\nEnd.\n"
    )
    kinds = [(b.kind, b.text) for b in split_lesson(text).blocks]
    assert kinds == [
        ("text", "Intro."),
        ("text", "```\n::: image\n\n# not a heading\n```"),
        ("text", "End."),
    ]


def test_align_pairs_typed_blocks_in_order_and_prose_by_position():
    source = split_lesson("---\n---\nA.\n\nB.\n\n::: tip\nbody: x\n:::\n\nC.\n").blocks
    translation = split_lesson(
        "---\n---\nА.\n\n::: tip\nbody: y\n:::\n\nВ.\n\nГ.\n"
    ).blocks
    rows = align(source, translation)
    pairs = [
        (
            r.source.text if r.source else None,
            r.translation.text if r.translation else None,
        )
        for r in rows
    ]
    assert pairs == [
        ("A.", "А."),
        ("B.", None),
        ("::: tip\nbody: x\n:::", "::: tip\nbody: y\n:::"),
        ("C.", "В."),
        (None, "Г."),
    ]


def test_complete_translation_has_no_stale_block():
    view = lesson_view(tree(), RU, "en", [])
    assert view.state == "complete"
    assert not any(row.stale for row in view.rows)
    assert all(row.source and row.translation for row in view.rows)


def test_stale_blocks_are_the_changed_source_blocks():
    old = tree()
    files = dict(old)
    text = files[EN].decode()
    text = text.replace("## Think about it", "## Think about it\n\nA new paragraph.")
    text = text.replace(
        "Children have rights online", "Children have many rights online"
    )
    files[EN] = text.encode()
    view = lesson_view(files, RU, "en", [old])
    assert view.state == "stale" and view.old_found
    stale = [(r.index, r.added, r.source.kind) for r in view.rows if r.stale]
    assert stale == [(0, False, "text"), (3, True, "text")]
    first = view.rows[0]
    assert [p.text for p in first.source_diff if p.op == "insert"] == [" many"]
    # The translation of every other block stays beside its source.
    assert view.rows[3].translation is None
    assert (
        view.rows[4].source.kind == "reveal"
        and view.rows[4].translation.kind == "reveal"
    )
    assert "Почему права" in view.rows[4].translation.text


def test_stale_without_the_old_source_says_so():
    files = dict(tree())
    files[EN] = files[EN] + b"\nMore.\n"
    view = lesson_view(files, RU, "en", [])
    assert view.state == "stale" and not view.old_found
    assert not any(row.stale for row in view.rows)


def test_marked_lesson_is_what_mark_translated_writes(tmp_path):
    files = tree()
    files[EN] = files[EN] + b"\nMore text.\n"
    view = lesson_view(files, RU, "en", [])
    text = files[RU].decode() + "\nЕщё текст.\n"
    studio = marked_lesson(files, RU, text, "en")
    root = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, root)
    (root / EN).write_bytes(files[EN])
    (root / RU).write_text(text, encoding="utf-8")
    mark(root, [RU], ["ru"], "en", Problems())
    assert studio == (root / RU).read_bytes()
    assert view.current_hash in studio.decode()


def test_quiz_strings_and_states():
    files = tree()
    strings = quiz_view(files[QUIZ], "ru", "en")
    assert strings and {s.state for s in strings} == {"complete"}
    first = strings[0]
    assert (first.key, first.source, first.translation) == (
        "crc-year.text",
        "When was the CRC adopted?",
        "Когда была принята КПР?",
    )


def test_quiz_translation_is_marked_like_the_cli(tmp_path):
    files = tree()
    values = {"crc-year.text": "Когда приняли КПР?"}
    text = compose_quiz(files[QUIZ], "ru", values, "en")
    studio = marked_quiz(QUIZ, text, "ru", "en", files[QUIZ].decode())
    root = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, root)
    (root / QUIZ).write_text(text, encoding="utf-8")
    mark(root, [QUIZ], ["ru"], "en", Problems())
    assert studio == (root / QUIZ).read_bytes()
    strings = {s.key: s for s in quiz_view(studio, "ru", "en")}
    assert strings["crc-year.text"].translation == "Когда приняли КПР?"
    assert {s.state for s in strings.values()} == {"complete"}


# Through the studio ------------------------------------------------------------


def _form(page: str) -> dict[str, str]:
    """The translation form's fields as the page shows them."""
    data = {
        name: html.unescape(value)
        for name, value in re.findall(
            r'name="([^"]+)" type="hidden" value="([^"]*)"', page
        )
    }
    for name, value in re.findall(
        r'<input[^>]*name="(title)"[^>]*value="([^"]*)"', page
    ):
        data[name] = html.unescape(value)
    for name, value in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S
    ):
        data[name] = html.unescape(value).removeprefix("\r\n").removeprefix("\n")
    return data


def _make_stale(studio, draft: int) -> None:
    text, sha = open_file(studio, draft, EN)
    changed = text.replace("## Think about it", "## Think about it\n\nA new paragraph.")
    assert save(studio, draft, EN, changed, sha).status_code == 302


def test_index_lists_every_item_with_its_state(studio, start_draft):
    draft = start_draft()
    page = text_of(studio.get(f"/studio/drafts/{draft}/translate"))
    assert f"/studio/drafts/{draft}/translate/ru/{RU}" in page
    assert f"/studio/drafts/{draft}/translate/ru/{QUIZ}" in page
    assert "state-stale" not in page
    _make_stale(studio, draft)
    page = text_of(studio.get(f"/studio/drafts/{draft}/translate"))
    assert "state-stale" in page


def test_side_by_side_page_marks_stale_blocks(studio, start_draft):
    draft = start_draft()
    _make_stale(studio, draft)
    answer = studio.get(f"/studio/drafts/{draft}/translate/ru/{RU}")
    assert answer.status_code == 200
    page = text_of(answer)
    assert '<div class="tr-source" lang="en" dir="ltr">' in page
    assert re.search(r'<textarea dir="ltr" id="blocks-0" lang="ru"', page)
    assert "New in the source" in page
    assert "What changed in the source since the translation was made" in page
    assert "<ins>" in page and "A new paragraph." in page


def test_saving_records_the_current_source(studio, start_draft, app, counts):
    draft = start_draft()
    _make_stale(studio, draft)
    url = f"/studio/drafts/{draft}/translate/ru/{RU}"
    data = _form(text_of(studio.get(url)))
    empty = [k for k, v in data.items() if k.startswith("blocks-") and not v]
    assert len(empty) == 1
    data[empty[0]] = "Новый абзац."
    before = counts()
    answer = studio.post(url, data=data)
    assert answer.status_code == 302, text_of(answer)[:3000]
    assert counts()["AuditEntry"] == before["AuditEntry"] + 1
    page = text_of(studio.get(url))
    assert "complete" in page and "Новый абзац." in page
    status = text_of(studio.get(f"/studio/drafts/{draft}/status"))
    assert re.search(r'data-state="stale">0<', status)
    # The same form again changes nothing more.
    again = studio.post(url, data=data)
    assert again.status_code == 302
    assert counts()["AuditEntry"] == before["AuditEntry"] + 1


def test_saving_after_the_source_changed_is_refused(studio, start_draft, counts):
    draft = start_draft()
    url = f"/studio/drafts/{draft}/translate/ru/{RU}"
    data = _form(text_of(studio.get(url)))
    _make_stale(studio, draft)
    before = counts()
    answer = studio.post(url, data=data)
    assert answer.status_code == 409
    assert "The source text changed after you opened this page" in text_of(answer)
    assert counts() == before


def test_saving_over_someone_elses_save_is_refused(studio, start_draft, counts):
    draft = start_draft()
    url = f"/studio/drafts/{draft}/translate/ru/{RU}"
    data = _form(text_of(studio.get(url)))
    text, sha = open_file(studio, draft, RU)
    assert save(studio, draft, RU, text + "\nИзменено.\n", sha).status_code == 302
    before = counts()
    data["title"] = "Другое"
    answer = studio.post(url, data=data)
    assert answer.status_code == 409
    assert "was changed by someone else after you opened it" in text_of(answer)
    assert counts() == before


@pytest.mark.parametrize(
    "change, message",
    [
        ({"title": ""}, "This field is required."),
        ({"csrf_token": "x"}, "The form had expired or came from another page"),
    ],
)
def test_hostile_or_empty_input_changes_nothing(
    studio, start_draft, counts, change, message
):
    draft = start_draft()
    url = f"/studio/drafts/{draft}/translate/ru/{RU}"
    data = _form(text_of(studio.get(url)))
    data.update(change)
    before = counts()
    answer = studio.post(url, data=data)
    assert answer.status_code == 400
    assert message in text_of(answer)
    assert counts() == before


def test_unknown_targets_are_404(studio, start_draft):
    draft = start_draft()
    for path in (
        f"ru/{EN.replace('.en.', '.fr.')}",
        f"fr/{RU}",
        f"en/{EN}",
        "ru/modules/sample/01-nothing.ru.md",
        "ru/modules/course.yaml",
        "ru/quizzes/nothing.yaml",
    ):
        url = f"/studio/drafts/{draft}/translate/{path}"
        assert studio.get(url).status_code == 404, path


def test_a_missing_translation_is_created(studio, start_draft, app):
    draft = start_draft()
    with app.app_context():
        session = get_session()
        author = session.scalars(select(User).where(User.username == "alice")).one()
        found = get_draft(session, draft)
        video = "modules/sample/02-video.ru.md"
        assert delete_file(session, found, video, author, None)
        session.commit()
    url = f"/studio/drafts/{draft}/translate/ru/modules/sample/02-video.ru.md"
    page = text_of(studio.get(url))
    assert "There is no translation yet" in page
    data = _form(page)
    data["title"] = "Видео"
    for key in data:
        if key.startswith("blocks-"):
            data[key] = "Текст."
    assert studio.post(url, data=data).status_code == 302
    created, _sha = open_file(studio, draft, "modules/sample/02-video.ru.md")
    assert "title: Видео" in created and "source_hash: " in created


def test_quiz_translation_saves_per_language_text(studio, start_draft):
    draft = start_draft()
    url = f"/studio/drafts/{draft}/translate/ru/{QUIZ}"
    page = text_of(studio.get(url))
    assert "crc-year.text" in page
    data = _form(page)
    key = next(k for k, v in data.items() if v == "Когда была принята КПР?")
    data[key] = "Когда приняли КПР?"
    assert studio.post(url, data=data).status_code == 302, "saved"
    text, _sha = open_file(studio, draft, QUIZ)
    assert "Когда приняли КПР?" in text and "translated_from:" in text


def test_two_saves_at_once_have_one_effect(app, make_user, publish):
    publish()
    make_user("racer", role="author")
    with LiveServer(app) as server:
        client = RaceClient(server.url)
        client.login("racer", PASSWORD)
        page = client.get("/studio/").text
        csrf = page.split('<meta name="csrf-token" content="', 1)[1].split('"')[0]
        key = page.split('name="start-once_key" type="hidden" value="', 1)[1][:32]
        started = client.post(
            "/studio/drafts/new",
            data={"csrf_token": csrf, "start-once_key": key},
            allow_redirects=False,
        )
        draft = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
        url = f"/studio/drafts/{draft}/translate/ru/{RU}"
        data = _form(client.get(url).text)
        data["title"] = "Введение в права"
        answers = client.race(4, "POST", url, data=data)
        assert_no_server_errors(answers)
        assert all(a.status_code in (302, 409) for a in answers), [
            a.status_code for a in answers
        ]
    with app.app_context():
        session = get_session()
        saves = session.scalars(
            select(AuditEntry).where(
                AuditEntry.draft_id == draft, AuditEntry.path == RU
            )
        ).all()
        assert len(saves) == 1
        row = session.get(DraftFile, (draft, RU))
        assert row is not None


def test_quiz_translation_changes_only_the_texts_changed():
    import difflib

    blob = tree()[QUIZ]
    values = {
        "crc-year.text": "Когда приняли КПР?",
        "network.answers": "INHOPE\nИНХОУП",
        "helpline-free.feedback.correct": "Верно, да: бесплатно.",
    }
    text = compose_quiz(blob, "ru", values, "en")
    changed = [
        line
        for line in difflib.ndiff(blob.decode().splitlines(), text.splitlines())
        if line.startswith(("+ ", "- "))
    ]
    assert changed == [
        '-     text: {en: "When was the CRC adopted?", ru: "Когда была принята КПР?"}',
        '+     text: {en: "When was the CRC adopted?", ru: "Когда приняли КПР?"}',
        "-       correct: {en: Right., ru: Верно.}",
        '+       correct: {en: Right., ru: "Верно, да: бесплатно."}',
        "-     answers: {en: [INHOPE], ru: [INHOPE]}",
        "+     answers: {en: [INHOPE], ru: [INHOPE, ИНХОУП]}",
    ]


def test_quiz_translation_in_block_maps_and_new_languages():
    blob = (
        "id: q\nquestions:\n  - id: a\n    type: true-false\n    text:\n"
        "      en: Is it?\n      ru: Да?\n    answer: true\n    feedback:\n"
        "      correct:\n        en: Yes.\n      incorrect:\n        en: No.\n"
    ).encode()
    values = {"a.text": "Так ли это?", "a.feedback.correct": "Да."}
    text = compose_quiz(blob, "ru", values, "en")
    assert text == (
        "id: q\nquestions:\n  - id: a\n    type: true-false\n    text:\n"
        "      en: Is it?\n      ru: Так ли это?\n    answer: true\n    feedback:\n"
        "      correct:\n        en: Yes.\n        ru: Да.\n      incorrect:\n"
        "        en: No.\n"
    )
