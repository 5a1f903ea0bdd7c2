"""The audit log: every studio action with who, what, when, which draft, version or
file, shown on a studio page, fifty entries a page."""

from __future__ import annotations

from sqlalchemy import select

from courseware.auth.models import User
from courseware.authoring.services import audit
from courseware.db import get_session
from tests.authoring.conftest import open_file, save, text_of, token

EN = "modules/sample/01-intro.en.md"


def test_each_action_is_recorded_and_shown(app, studio, start_draft):
    draft_id = start_draft()
    text, sha = open_file(studio, draft_id, EN)
    save(studio, draft_id, EN, text.replace("offline.", "offline, too."), sha)
    studio.post(
        f"/studio/drafts/{draft_id}/discard", data={"csrf_token": token(studio)}
    )
    page = text_of(studio.get("/studio/audit"))
    for action in ("Draft started", "File saved", "Draft discarded"):
        assert action in page  # each action named in the reader's language
    assert EN in page and "alice" in page and "source: version" in page
    assert (
        page.index("Draft discarded")
        < page.index("File saved")
        < page.index("Draft started")
    )  # newest first


def test_the_log_is_paged(app, studio):
    with app.app_context():
        session = get_session()
        user = session.scalars(select(User).where(User.username == "alice")).one()
        for index in range(audit.PER_PAGE + 3):
            audit.record(session, user, "file.save", path=f"modules/x/{index:03d}.md")
        session.commit()
    first = text_of(studio.get("/studio/audit"))
    assert "Page 1 of 2" in first and "modules/x/052.md" in first
    assert "modules/x/002.md" not in first and "Older" in first
    second = text_of(studio.get("/studio/audit?page=2"))
    assert "modules/x/002.md" in second and "modules/x/000.md" in second
    assert "modules/x/003.md" not in second and "Newer" in second
    assert studio.get("/studio/audit?page=3").status_code == 404
    assert studio.get("/studio/audit?page=0").status_code == 404
    assert studio.get("/studio/audit?page=x").status_code == 200
