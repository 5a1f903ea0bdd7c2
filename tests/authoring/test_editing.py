"""Editing a draft's files: exact bytes, problems at their lines, stale copies
refused, hostile paths refused, new lessons, modules and quizzes, the live preview."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from courseware.authoring.models import AuditEntry, Draft
from courseware.db import get_session
from tests.authoring.conftest import files_of, open_file, save, text_of, token

EN = "modules/sample/01-intro.en.md"


def test_a_save_writes_what_a_careful_editor_writes(app, studio, start_draft):
    draft_id = start_draft()
    text, sha = open_file(studio, draft_id, EN)
    typed = text.rstrip("\n").replace("\n", "\r\n") + "\r\n\r\nA new paragraph."
    answer = save(studio, draft_id, EN, typed, sha)
    assert answer.status_code == 302
    assert (
        files_of(app, draft_id)[EN]
        == (text.rstrip("\n") + "\n\nA new paragraph.\n").encode()
    )
    page = text_of(studio.get(answer.headers["Location"]))
    assert "Saved. The checker finds 0 problem(s) in this file" in page
    with app.app_context():
        entry = (
            get_session()
            .scalars(select(AuditEntry).where(AuditEntry.action == "file.save"))
            .one()
        )
        assert entry.path == EN and entry.draft_id == draft_id


def test_problems_are_shown_at_their_line_and_the_save_is_kept(
    app, studio, start_draft
):
    draft_id = start_draft()
    text, sha = open_file(studio, draft_id, EN)
    broken = text + "\n::: nonsense\nid: x\n:::\n"
    line = broken.split("\n").index("::: nonsense") + 1
    assert save(studio, draft_id, EN, broken, sha).status_code == 302
    assert files_of(app, draft_id)[EN] == broken.encode()
    page = text_of(studio.get(f"/studio/drafts/{draft_id}/files/{EN}"))
    assert f'<a href="#text" data-line="{line}">Line {line}</a>' in page
    assert "unknown block type 'nonsense'" in page and "hint" in page
    assert f"{line}: ::: nonsense" in page  # the line itself
    assert 'aria-describedby="problem-list"' in page and 'aria-invalid="true"' in page
    publish = text_of(studio.get(f"/studio/drafts/{draft_id}/publish"))
    assert "cannot be published: the checker finds 1 error(s)" in publish
    assert "disabled" in publish
    check = text_of(studio.get(f"/studio/drafts/{draft_id}/check"))
    assert f"Line {line}" in check and "unknown block type 'nonsense'" in check


def test_a_save_based_on_an_older_copy_is_refused(app, studio, start_draft, counts):
    draft_id = start_draft()
    text, sha = open_file(studio, draft_id, EN)
    assert save(studio, draft_id, EN, text + "\nTheirs.\n", sha).status_code == 302
    before = counts()
    answer = save(studio, draft_id, EN, text + "\nMine.\n", sha)
    assert answer.status_code == 409
    page = text_of(answer)
    assert "Not saved: someone else changed this file after you opened it" in page
    assert "Theirs." in page and "Mine." in page  # both copies shown
    assert files_of(app, draft_id)[EN] == (text + "\nTheirs.\n").encode()
    assert counts() == before


HOSTILE_PATHS = [
    "../modules/course.yaml",
    "modules/../../etc/passwd",
    "modules/sample/../../../x.md",
    "etc/passwd.md",
    "modules/.hidden.md",
    "modules/sample/run.exe",
    "modules/sample/a\\b.md",
    "quizzes",
]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_paths_change_nothing(studio, start_draft, counts, path):
    draft_id = start_draft()
    before = counts()
    url = f"/studio/drafts/{draft_id}/files/{path}"
    assert studio.get(url).status_code == 404
    answer = studio.post(
        url, data={"csrf_token": token(studio), "text": "x", "sha256": ""}
    )
    assert answer.status_code == 404
    assert (
        studio.post(
            f"/studio/drafts/{draft_id}/delete/{path}",
            data={"csrf_token": token(studio)},
        ).status_code
        == 404
    )
    assert counts() == before


def test_the_save_needs_the_csrf_token(app, studio, start_draft, counts):
    draft_id = start_draft()
    _text, sha = open_file(studio, draft_id, EN)
    before = counts()
    answer = studio.post(
        f"/studio/drafts/{draft_id}/files/{EN}", data={"text": "x", "sha256": sha}
    )
    assert answer.status_code == 400
    assert counts() == before


def test_new_lesson_module_and_quiz(app, studio, start_draft):
    draft_id = start_draft()

    def add(kind, module, name=""):
        return studio.post(
            f"/studio/drafts/{draft_id}/new",
            data={
                "csrf_token": token(studio),
                "new-kind": kind,
                "new-module": module,
                "new-name": name,
            },
        )

    answer = add("lesson", "sample", "what-next")
    assert answer.status_code == 302
    files = files_of(app, draft_id)
    assert files["modules/sample/03-what-next.en.md"].startswith(
        b"---\nid: what-next\n"
    )
    assert (
        b"lessons: [intro, video, what-next]\n" in files["modules/sample/module.yaml"]
    )
    assert add("module", "extra").status_code == 302
    files = files_of(app, draft_id)
    assert b"modules: [sample, extra]\n" in files["modules/course.yaml"]
    assert files["modules/extra/module.yaml"].startswith(
        b"schema_version: 1\nid: extra\n"
    )
    assert add("quiz", "extra").status_code == 302
    files = files_of(app, draft_id)
    assert files["quizzes/extra.yaml"].startswith(b"schema_version: 1\nid: extra\n")
    assert files["modules/extra/module.yaml"].endswith(b"\nquiz: extra\n")
    refused = add("lesson", "missing", "x")
    assert refused.status_code == 302
    assert "there is no module &#39;missing&#39; in this draft" in (
        studio.get(refused.headers["Location"]).get_data(as_text=True)
    )
    again = add("lesson", "sample", "what-next")
    assert "module &#39;sample&#39; has a lesson &#39;what-next&#39;" in (
        studio.get(again.headers["Location"]).get_data(as_text=True)
    )
    assert "modules/sample/04-what-next.en.md" not in files_of(app, draft_id)


def test_delete_a_file(app, studio, start_draft):
    draft_id = start_draft()
    _text, sha = open_file(studio, draft_id, "modules/sample/02-video.ru.md")
    answer = studio.post(
        f"/studio/drafts/{draft_id}/delete/modules/sample/02-video.ru.md",
        data={"csrf_token": token(studio), "sha256": sha},
    )
    assert answer.status_code == 302
    assert "modules/sample/02-video.ru.md" not in files_of(app, draft_id)


def test_the_live_preview_is_sanitised_as_for_learners(studio, start_draft):
    draft_id = start_draft()
    text = (
        "---\nid: intro\ntitle: Intro\n---\n\n**Bold** <script>alert(1)</script>"
        " [x](javascript:alert(1))\n\n::: image\nsrc: media/picture.svg\nalt: A.\n:::\n"
    )
    answer = studio.post(
        f"/studio/drafts/{draft_id}/render/{EN}",
        data={"csrf_token": token(studio), "text": text},
    )
    assert answer.status_code == 200
    html = json.loads(answer.data)["html"]
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html and 'href="javascript' not in html
    src = f"/studio/drafts/{draft_id}/media/modules/sample/media/picture.svg"
    assert src in html
    media = studio.get(src)
    assert media.status_code == 200 and media.mimetype == "image/svg+xml"
    assert "sandbox" in media.headers["Content-Security-Policy"]


def test_the_editor_has_the_toolbar_and_the_preview_pane(studio, start_draft):
    draft_id = start_draft()
    page = studio.get(f"/studio/drafts/{draft_id}/files/{EN}").get_data(as_text=True)
    assert 'role="toolbar"' in page and 'id="studio-preview"' in page
    assert "js/studio.js" in page and "<script>" not in page
    for block in ("image", "video", "tip", "reveal", "scenario"):
        assert f">{block}</button>" in page
    assert ">media/picture.svg</button>" in page


def test_two_identical_saves_at_once_make_one_change(app, live_studio):
    draft_id = live_studio.start()
    _text, sha = live_studio.editor(draft_id, EN)
    answers = live_studio.client.race(
        4,
        "POST",
        f"/studio/drafts/{draft_id}/files/{EN}",
        data={
            "csrf_token": live_studio.csrf,
            "text": "---\nid: intro\ntitle: T\n---\n\nNew.\n",
            "sha256": sha,
        },
    )
    assert sorted(a.status_code for a in answers) == [302] * 4
    with app.app_context():
        saves = (
            get_session()
            .scalars(select(AuditEntry).where(AuditEntry.action == "file.save"))
            .all()
        )
        assert len(saves) == 1
        draft = get_session().get(Draft, draft_id)
        assert draft.revision == 1
    assert files_of(app, draft_id)[EN] == b"---\nid: intro\ntitle: T\n---\n\nNew.\n"
