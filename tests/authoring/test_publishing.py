"""Publishing a draft (the CLI's transaction), the version list, rolling back."""

from __future__ import annotations

import re

from sqlalchemy import select

from courseware.authoring.models import AuditEntry, Draft
from courseware.content.models import ContentActivation, ContentVersion, VersionFile
from courseware.db import get_session
from tests.authoring.conftest import open_file, save, text_of, token

EN = "modules/sample/01-intro.en.md"
ONCE = re.compile(r'name="once_key" type="hidden" value="([0-9a-f]{32})"')


def publish_draft(client, draft_id: int, note: str = "spring update"):
    page = client.get(f"/studio/drafts/{draft_id}/publish").get_data(as_text=True)
    return client.post(
        f"/studio/drafts/{draft_id}/publish",
        data={
            "csrf_token": token(client),
            "once_key": ONCE.search(page).group(1),
            "note": note,
        },
    )


def change_intro(client, draft_id: int, words: str) -> None:
    text, sha = open_file(client, draft_id, EN)
    changed = text.replace("as well as offline.", words, 1)
    assert save(client, draft_id, EN, changed, sha).status_code == 302


def test_publish_then_roll_back(app, studio, start_draft, make_user):
    draft_id = start_draft()
    change_intro(studio, draft_id, "Published from the studio.")
    answer = publish_draft(studio, draft_id)
    assert answer.status_code == 302, text_of(answer).split("<h1", 1)[1][:1500]
    versions = text_of(studio.get(answer.headers["Location"]))
    assert "Published version 2; learners see it now." in versions
    assert "spring update" in versions and "alice" in versions
    with app.app_context():
        session = get_session()
        draft = session.get(Draft, draft_id)
        version = session.scalars(
            select(ContentVersion).where(ContentVersion.is_active)
        ).one()
        assert (version.number, version.published_by) == (2, "alice")
        assert draft.state == "published" and draft.published_version_id == version.id
        assert session.scalars(
            select(VersionFile.path).where(
                VersionFile.version_id == version.id, VersionFile.path == EN
            )
        ).one()
    learner = app.test_client()
    assert "Published from the studio." in text_of(learner.get("/modules/sample/intro"))

    # Roll back: a confirmation first, then version 1 again.
    confirm = studio.get("/studio/versions/1/activate")
    assert "Learners will see version 1" in text_of(confirm)
    unconfirmed = studio.post(
        "/studio/versions/1/activate", data={"csrf_token": token(studio)}
    )
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm." in text_of(unconfirmed)
    done = studio.post(
        "/studio/versions/1/activate",
        data={"csrf_token": token(studio), "confirm": "y"},
    )
    assert done.status_code == 302
    assert "Published from the studio." not in text_of(
        app.test_client().get("/modules/sample/intro")
    )
    with app.app_context():
        session = get_session()
        actions = [
            e.action
            for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
        assert actions == [
            "draft.start",
            "file.save",
            "draft.publish",
            "version.activate",
        ]
        assert (
            session.scalars(
                select(ContentActivation.activated_by).order_by(
                    ContentActivation.id.desc()
                )
            ).first()
            == "alice"
        )


def test_a_draft_with_errors_is_not_published(app, studio, start_draft, counts):
    draft_id = start_draft()
    change_intro(studio, draft_id, "offline.\n\n::: nonsense\nid: x\n:::\n")
    page = text_of(studio.get(f"/studio/drafts/{draft_id}/publish"))
    found = re.search(r"cannot be published: the checker finds (\d+) error\(s\)", page)
    assert found and int(found.group(1)) >= 1, page.split("<h1", 1)[1][:1500]
    assert re.search(
        r'<input[^>]*disabled[^>]*value="Publish"|<input[^>]*'
        r'aria-describedby="publish-why"[^>]*disabled',
        page,
    )
    before = counts()
    answer = publish_draft(studio, draft_id)
    assert answer.status_code == 400
    assert f"{found.group(1)} error(s): nothing was published; fix them on the " in (
        text_of(answer)
    )
    assert counts() == before


def test_publishing_an_unchanged_draft_publishes_nothing(app, studio, start_draft):
    draft_id = start_draft()
    answer = publish_draft(studio, draft_id)
    assert answer.status_code == 302
    assert "Nothing changed since version 1; nothing was published." in text_of(
        studio.get(answer.headers["Location"])
    )
    with app.app_context():
        assert len(get_session().scalars(select(ContentVersion)).all()) == 1


def test_a_published_draft_cannot_be_published_or_edited_again(
    studio, start_draft, counts
):
    draft_id = start_draft()
    change_intro(studio, draft_id, "Once.")
    assert publish_draft(studio, draft_id).status_code == 302
    before = counts()
    assert "This draft has been published." in text_of(
        studio.get(f"/studio/drafts/{draft_id}/publish")
    )
    refused = save(studio, draft_id, EN, "x")
    assert refused.status_code == 400
    assert counts() == before


def test_the_note_is_required(studio, start_draft, counts):
    draft_id = start_draft()
    before = counts()
    answer = publish_draft(studio, draft_id, note="")
    assert answer.status_code == 400
    assert "This field is required." in text_of(answer)
    assert counts() == before


def test_two_publishes_at_once_make_one_version(app, live_studio):
    client, csrf = live_studio.client, live_studio.csrf
    draft_id = live_studio.start()
    text, sha = live_studio.editor(draft_id, EN)
    client.post(
        f"/studio/drafts/{draft_id}/files/{EN}",
        data={
            "csrf_token": csrf,
            "sha256": sha,
            "text": text.replace("as well as offline.", "and offline."),
        },
    )
    page = client.get(f"/studio/drafts/{draft_id}/publish").text
    once = ONCE.search(page).group(1)
    answers = client.race(
        3,
        "POST",
        f"/studio/drafts/{draft_id}/publish",
        data={"csrf_token": csrf, "once_key": once, "note": "race"},
    )
    assert all(a.status_code in (302, 400) for a in answers), [
        (a.status_code, a.text[:300]) for a in answers
    ]
    answers = client.race(
        3,
        "POST",
        "/studio/versions/1/activate",
        data={"csrf_token": csrf, "confirm": "y"},
    )
    assert [a.status_code for a in answers] == [302] * 3
    with app.app_context():
        session = get_session()
        assert len(session.scalars(select(ContentVersion)).all()) == 2
        actions = [e.action for e in session.scalars(select(AuditEntry))]
        assert actions.count("draft.publish") == 1
        assert actions.count("version.activate") == 1
        assert len(session.scalars(select(ContentActivation)).all()) == 3
