"""Course, track and module settings as fields: a change is written into the
file's own text, as a careful hand edit; problems are shown at their field."""

from __future__ import annotations

import re

from courseware.authoring.models import Draft
from courseware.authoring.services.drafts import draft_files
from courseware.db import get_session
from tests.authoring.conftest import text_of, token
from tests.conftest import FIXTURE_COURSE

COURSE = "modules/course.yaml"
MODULE = "modules/sample/module.yaml"
FIELD = re.compile(
    r'<(?:input|textarea)[^>]*?id="(f-[^"]+)" name="[^"]+"'
    r'(?:[^>]*?value="([^"]*)")?[^>]*>(?:([^<]*)</textarea>)?'
)


def fields_of(client, draft_id, path):
    page = client.get(f"/studio/drafts/{draft_id}/settings/{path}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    sha = re.search(r'name="sha256" type="hidden" value="([0-9a-f]+)"', html)[1]
    import html as h

    found = {
        m[1]: h.unescape(m[2] if m[2] is not None else (m[3] or "").lstrip("\n"))
        for m in FIELD.finditer(html)
    }
    return found, sha


def file_of(app, draft_id, path) -> str:
    with app.app_context():
        session = get_session()
        return draft_files(session, session.get(Draft, draft_id))[path].decode()


def post(client, draft_id, path, values, sha):
    return client.post(
        f"/studio/drafts/{draft_id}/settings/{path}",
        data={**values, "csrf_token": token(client), "sha256": sha},
    )


def test_saving_unchanged_fields_changes_nothing(app, studio, start_draft, counts):
    draft_id = start_draft()
    for path in (COURSE, MODULE):
        values, sha = fields_of(studio, draft_id, path)
        before = counts()
        answer = post(studio, draft_id, path, values, sha)
        assert answer.status_code == 302
        assert counts() == before
        assert file_of(app, draft_id, path) == (FIXTURE_COURSE / path).read_text()


def test_one_field_changes_one_line(app, studio, start_draft):
    draft_id = start_draft()
    values, sha = fields_of(studio, draft_id, COURSE)
    assert values["f-title-en"] == "Test course"
    values["f-title-en"] = "A course: for tests"
    values["f-tracks-0-title-ru"] = "Делегаты и гости"
    assert post(studio, draft_id, COURSE, values, sha).status_code == 302
    original = (FIXTURE_COURSE / COURSE).read_text()
    expected = original.replace(
        "title: {en: Test course, ru: Тестовый курс}",
        "title: {en: 'A course: for tests', ru: Тестовый курс}",
    ).replace(
        "    title: {en: Delegates, ru: Делегаты}",
        "    title: {en: Delegates, ru: Делегаты и гости}",
    )
    assert file_of(app, draft_id, COURSE) == expected


def test_module_settings_and_a_problem_at_its_field(app, studio, start_draft):
    draft_id = start_draft()
    values, sha = fields_of(studio, draft_id, MODULE)
    assert values["f-lessons"] == "intro, video" and values["f-minutes"] == "10"
    values["f-minutes"] = "many"
    assert post(studio, draft_id, MODULE, values, sha).status_code == 302
    text = file_of(app, draft_id, MODULE)
    assert text == (FIXTURE_COURSE / MODULE).read_text().replace(
        "minutes: 10\n", "minutes: many\n"
    )
    page = text_of(studio.get(f"/studio/drafts/{draft_id}/settings/{MODULE}"))
    assert '<a href="#f-minutes">Line 8</a>: minutes:' in page
    assert 'aria-describedby="f-minutes-error" aria-invalid="true"' in page


def test_an_older_copy_is_refused(app, studio, start_draft, counts):
    draft_id = start_draft()
    values, sha = fields_of(studio, draft_id, MODULE)
    post(studio, draft_id, MODULE, {**values, "f-minutes": "12"}, sha)
    saved = file_of(app, draft_id, MODULE)
    before = counts()
    answer = post(studio, draft_id, MODULE, {**values, "f-minutes": "15"}, sha)
    assert answer.status_code == 303
    assert "Not saved: someone else changed this file" in text_of(
        studio.get(answer.headers["Location"])
    )
    assert file_of(app, draft_id, MODULE) == saved and counts() == before


def test_only_settings_files_have_the_form(studio, start_draft):
    draft_id = start_draft()
    url = f"/studio/drafts/{draft_id}/settings/"
    assert studio.get(url + "quizzes/sample.yaml").status_code == 404
    assert studio.get(url + "modules/sample/01-intro.en.md").status_code == 404
