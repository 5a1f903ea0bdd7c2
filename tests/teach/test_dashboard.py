"""Dashboard, charts, difficult questions, CSV exports and the cohort roster."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from sqlalchemy import select

from courseware.auth.models import User
from courseware.db import get_session
from courseware.teach.services.export import csv_stream
from tests.quiz.test_quiz import RIGHT, WRONG
from tests.teach.conftest import complete_lessons, post, sign_in, take_quiz

ANNA, FATIMA, TOM = "Анна Петрова", "فاطمة الزهراء", "=Tom+1"


@pytest.fixture
def group(app, client, publish, make_user, make_group, add_member, login):
    """A class of three named learners with the sample module assigned."""
    publish()
    teacher = make_user("teacher", role="teacher")
    group = make_group(teacher)
    for username, name in (("anna", ANNA), ("fatima", FATIMA), ("tom", TOM)):
        add_member(group, make_user(username), name=name)
    login(teacher)
    post(client, f"/teach/groups/{group.id}/assignments/new", {"item": "module:sample"})
    return group


def rows_of(table_html: str) -> list[list[str]]:
    """Cell texts of each row of an HTML table (tags stripped, spaces folded)."""
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table_html, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append(
            [" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]
        )
    return rows


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def download(client, path: str):
    """(response, rows) of a streamed CSV export, read to the end and closed."""
    with client.get(path) as response:
        assert response.is_streamed  # a generator, not a document built in memory
        raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    return response, list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_dashboard_shows_exactly_what_learners_did(app, client, group):
    anna = sign_in(app, "anna")
    complete_lessons(anna)
    take_quiz(anna, answers={**RIGHT, "crc-year": "y2000"})  # 5 of 6: passed
    fatima = sign_in(app, "fatima")
    complete_lessons(fatima, lessons=("intro",))
    take_quiz(fatima, answers=WRONG)  # 0 of 6

    page = client.get(f"/teach/groups/{group.id}/dashboard").get_data(as_text=True)
    matrix = rows_of(section(page, "matrix-title"))
    assert matrix[1:] == [
        ["=Tom+1 tom", "Not started"],
        ["Анна Петрова anna", "✓ Passed, 83% version 1"],
        ["فاطمة الزهراء fatima", "In progress best 0%"],
    ]
    summary = rows_of(section(page, "summary-title"))
    assert summary[1] == ["Sample module", "—", "1", "1", "1", "0"]

    difficult = rows_of(section(page, "difficult-title"))
    assert difficult[1] == [
        "When was the CRC adopted?",
        "0 of 2 (0%)",
        "2000 2 times",
    ]
    assert ["Which are online risks?", "1 of 2 (50%)", "Weather 1 time"] in difficult
    assert [
        "Match the risk with an example.",
        "1 of 2 (50%)",
        "Contact → A violent video; Content → A stranger's message 1 time",
    ] in difficult
    assert ["Put the steps in order.", "1 of 2 (50%)", "Tell → Save → Stop 1 time"] in (
        difficult
    )

    # Charts: SVG with a title, a description and a data table.
    assert '<svg class="chart"' in page and 'role="img"' in page
    assert '<title id="completion-chart-title">' in page
    assert "Running total of completed assignments" in page
    scores = page[page.index('id="scores-1-title"') :]
    table = rows_of(scores[scores.index("<table") : scores.index("</table>")])
    assert table[1] == ["0–9%", "1"] and table[9] == ["80–89%", "1"]
    assert sum(int(r[1]) for r in table[1:]) == 2


def test_dashboard_filters(app, client, group):
    complete_lessons(sign_in(app, "anna"), lessons=("intro",))
    base = f"/teach/groups/{group.id}/dashboard"
    page = client.get(base + "?status=in-progress").get_data(as_text=True)
    assert [r[0] for r in rows_of(section(page, "matrix-title"))[1:]] == [
        "Анна Петрова anna"
    ]
    assert "1 of 3 learners shown." in page
    page = client.get(base + "?q=FAT").get_data(as_text=True)
    assert [r[0] for r in rows_of(section(page, "matrix-title"))[1:]] == [
        "فاطمة الزهراء fatima"
    ]


def test_progress_csv_opens_in_spreadsheets_with_any_script(app, client, group):
    anna = sign_in(app, "anna")
    complete_lessons(anna)
    take_quiz(anna)
    response, rows = download(client, f"/teach/groups/{group.id}/export/progress.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    by_name = {r["learner"]: r for r in rows}
    assert set(by_name) == {ANNA, FATIMA, "'" + TOM}  # no formula injection
    assert by_name[ANNA]["status"] == "completed"
    assert by_name[ANNA]["best_score_percent"] == "100"
    assert by_name[ANNA]["content_version"] == "1"
    assert by_name[ANNA]["username"] == "anna"
    assert by_name[ANNA]["certificate_url"] == ""  # the certificates hook
    assert by_name[FATIMA]["status"] == "not-started"
    assert "\r\n" in response.get_data(as_text=True)


def test_answers_csv_lists_every_saved_answer(app, client, group):
    take_quiz(sign_in(app, "fatima"), answers=WRONG)
    response, rows = download(client, f"/teach/groups/{group.id}/export/answers.csv")
    assert len(rows) == 6 and {r["learner"] for r in rows} == {FATIMA}
    crc = next(r for r in rows if r["question"] == "crc-year")
    assert (crc["response"], crc["correct"], crc["content_version"]) == (
        "2000",
        "no",
        "1",
    )
    assert next(r for r in rows if r["question"] == "network")["response"] == "nobody"


def test_csv_stream_chunks_and_starts_with_a_bom():
    chunks = list(csv_stream(["a"], ([str(i)] for i in range(450))))
    assert len(chunks) == 3 and chunks[0].startswith(b"\xef\xbb\xbfa\r\n0\r\n")
    assert b"".join(chunks).count(b"\r\n") == 451


def test_learner_detail_shows_versions_and_attempts(app, client, group, make_user):
    anna = sign_in(app, "anna")
    complete_lessons(anna)
    take_quiz(anna, answers=WRONG)
    take_quiz(anna)
    with app.app_context():
        anna_id = (
            get_session().scalars(select(User.id).where(User.username == "anna")).one()
        )
    page = client.get(f"/teach/groups/{group.id}/learners/{anna_id}").get_data(
        as_text=True
    )
    attempts = rows_of(section(page, "attempts-title"))
    assert [r[1:2] + r[3:] for r in attempts[1:]] == [
        ["1", "0% (0/6)", "Not passed", "1"],
        ["2", "100% (6/6)", "Passed", "1"],
    ]
    lessons = rows_of(section(page, "lessons-title"))
    assert [r[0] for r in lessons[1:]] == ["Introduction", "A short video"]
    assert all(r[3] == "1" and r[4] == "English" for r in lessons[1:])
    done = rows_of(section(page, "completions-title"))
    assert [r[0] for r in done[1:]] == ["Sample module"]  # assigned items only


def test_a_learner_sees_nothing_about_other_learners(app, client, group):
    take_quiz(sign_in(app, "fatima"), answers=WRONG)
    anna = sign_in(app, "anna")
    page = anna.get("/join").get_data(as_text=True)
    assert "Sample module" in page and "Not started" in page
    assert "fatima" not in page and FATIMA not in page
    assert anna.get(f"/teach/groups/{group.id}/dashboard").status_code == 403


def test_meeting_roster_before_and_after_a_delegate_completes(
    app, publish, make_user, make_group
):
    publish()
    organiser = make_user("organiser", role="teacher")
    cohort = make_group(
        organiser,
        kind="cohort",
        name="WG delegates",
        meeting_name="Working group on COP",
        meeting_place="Geneva",
    )
    org = sign_in(app, "organiser")
    post(org, f"/teach/groups/{cohort.id}/assignments/new", {"item": "track:delegates"})
    post(org, f"/teach/groups/{cohort.id}/code", {"days": "30"})
    page = org.get(f"/teach/groups/{cohort.id}").get_data(as_text=True)
    code = re.search(r'class="join-code" translate="no">([\w-]+)<', page).group(1)

    delegates = {}
    for name in ("amina", "boris", "chen"):
        make_user(name)
        delegates[name] = sign_in(app, name)
        assert post(delegates[name], "/join", {"code": code}).status_code == 302

    def roster():
        html = org.get(f"/teach/groups/{cohort.id}/roster").get_data(as_text=True)
        return html, {r[0]: r[1] for r in rows_of(html)[1:]}

    html, ready = roster()
    assert "Working group on COP" in html and "Geneva" in html
    assert "0 of 3 delegates are ready." in html
    assert ready == {
        "amina": "✗ Not ready",
        "boris": "✗ Not ready",
        "chen": "✗ Not ready",
    }
    assert '<th scope="col">Certificate</th>' in html

    complete_lessons(delegates["boris"])
    take_quiz(delegates["boris"])
    complete_lessons(delegates["chen"], lessons=("intro",))
    html, ready = roster()
    assert "1 of 3 delegates are ready." in html
    assert ready == {"amina": "✗ Not ready", "boris": "✓ Ready", "chen": "✗ Not ready"}
    assert rows_of(html)[2][2] == "✓ Completed version 1"
    assert rows_of(html)[3][2] == "In progress"


def test_roster_links_each_delegates_certificate(app, publish, make_user, make_group):
    from courseware.certificates.models import Certificate
    from courseware.db import get_session

    publish()
    organiser = make_user("organiser", role="teacher")
    cohort = make_group(organiser, kind="cohort", name="WG", meeting_name="WG meeting")
    org = sign_in(app, "organiser")
    post(org, f"/teach/groups/{cohort.id}/assignments/new", {"item": "track:delegates"})
    post(org, f"/teach/groups/{cohort.id}/code", {"days": "30"})
    page = org.get(f"/teach/groups/{cohort.id}").get_data(as_text=True)
    code = re.search(r'class="join-code" translate="no">([\w-]+)<', page).group(1)
    make_user("boris")
    boris = sign_in(app, "boris")
    post(boris, "/join", {"code": code})
    complete_lessons(boris)
    take_quiz(boris)
    with app.app_context():
        certificate = get_session().scalars(select(Certificate)).one()
    # No link until the delegate has chosen the printed name (the PDF is then signed).
    assert "/verify/" not in org.get(f"/teach/groups/{cohort.id}/roster").get_data(
        as_text=True
    )
    post(
        boris,
        f"/certificates/{certificate.code}",
        {"name": "Boris Ivanov"},
        token_from=f"/certificates/{certificate.code}",
    )
    html = org.get(f"/teach/groups/{cohort.id}/roster").get_data(as_text=True)
    assert f'href="/verify/{certificate.code}"' in html
    _response, rows = download(org, f"/teach/groups/{cohort.id}/export/progress.csv")
    assert rows[0]["certificate_url"] == f"/verify/{certificate.code}"
