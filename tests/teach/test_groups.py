"""Classes and cohorts: creation, join codes, co-owners, pupil accounts and cards."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from courseware.auth.models import User
from courseware.db import get_session, utcnow
from courseware.teach.models import CoOwner, Group, Membership
from courseware.teach.services.codes import CODE_ALPHABET, WORDS, normalise_code
from tests.conftest import csrf_token
from tests.teach.conftest import post, sign_in

CARD_RE = re.compile(
    r'<dd class="card-username" translate="no">([^<]+)</dd>\s*'
    r'<dt>Password</dt><dd class="card-password" translate="no">([^<]+)</dd>'
)


@pytest.fixture
def teacher(make_user):
    return make_user("teacher", role="teacher")


def test_a_teacher_creates_a_class_and_an_organiser_a_cohort(
    app, client, teacher, login
):
    login(teacher)
    assert "Teaching" in client.get("/").get_data(as_text=True)
    made = post(
        client,
        "/teach/groups/new",
        {"name": "7B Lions", "prefix": "", "timezone": "Europe/Berlin"},
    )
    assert made.status_code == 302
    cohort = post(
        client,
        "/teach/groups/new?kind=cohort",
        {
            "name": "WG delegates",
            "timezone": "Africa/Cairo",
            "meeting_name": "Working group on COP",
            "meeting_date": "2030-03-14",
            "meeting_place": "Geneva",
        },
    )
    assert cohort.status_code == 302
    with app.app_context():
        groups = get_session().scalars(select(Group).order_by(Group.id)).all()
    assert [(g.kind, g.name, g.prefix, g.timezone) for g in groups] == [
        ("class", "7B Lions", "7blions", "Europe/Berlin"),
        ("cohort", "WG delegates", "wgdelegate", "Africa/Cairo"),
    ]
    assert str(groups[1].meeting_date) == "2030-03-14"
    page = client.get("/teach/").get_data(as_text=True)
    assert "7B Lions" in page and "WG delegates" in page and "Geneva" in page


def test_learners_and_authors_cannot_create_groups(client, make_user, login):
    login(make_user("author", role="author"))
    assert client.get("/teach/groups/new").status_code == 403
    assert "Teaching" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "timezone": "UTC"}, "This field is required."),
        ({"name": "7B", "timezone": "Mars/Base"}, "Not a valid choice."),
        ({"name": "7B", "timezone": "UTC", "prefix": "7 b!"}, "lower-case letters"),
    ],
)
def test_group_form_errors_are_tied_to_fields(client, teacher, login, data, message):
    login(teacher)
    page = post(client, "/teach/groups/new", data).get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page


def test_join_codes_are_unambiguous_expire_and_can_be_revoked(
    app, client, teacher, login, make_group, make_user
):
    group = make_group(teacher)
    login(teacher)
    post(client, f"/teach/groups/{group.id}/code", {"days": "7"})
    page = client.get(f"/teach/groups/{group.id}").get_data(as_text=True)
    shown = re.search(r'<p class="join-code" translate="no">(\w{4}-\w{4})</p>', page)
    code = normalise_code(shown.group(1))
    assert len(code) == 8 and set(code) <= set(CODE_ALPHABET)
    assert not set(code) & set("0O1IL")

    pupil = make_user("pupil")
    learner = sign_in(app, "pupil")
    typed = f" {code[:4].lower()} - {code[4:].lower()} "  # case and spacing forgiven
    joined = post(learner, "/join", {"code": typed})
    assert joined.status_code == 302
    assert "You have joined 7B." in learner.get("/join").get_data(as_text=True)
    again = post(learner, "/join", {"code": code})  # twice is harmless
    assert "You are already in 7B." in learner.get(again.location).get_data(
        as_text=True
    )
    with app.app_context():
        rows = get_session().scalars(select(Membership)).all()
        assert [(m.user_id, m.via) for m in rows] == [(pupil.id, "code")]

    # Regenerate: the old code stops working.
    post(client, f"/teach/groups/{group.id}/code", {"days": "7"})
    late = make_user("late")
    late_client = sign_in(app, "late")
    refused = post(late_client, "/join", {"code": code})
    assert "This code is not valid." in refused.get_data(as_text=True)

    # Expired codes are refused; revoked codes too.
    with app.app_context():
        session = get_session()
        fresh = session.get(Group, group.id)
        new_code = fresh.join_code
        fresh.join_code_expires_at = utcnow() - timedelta(minutes=1)
        session.commit()
    expired = post(late_client, "/join", {"code": new_code})
    assert "This code has expired." in expired.get_data(as_text=True)
    post(client, f"/teach/groups/{group.id}/code/revoke")
    with app.app_context():
        assert get_session().get(Group, group.id).join_code is None
    assert late.id not in {m.user_id for m in _members(app)}


def _members(app):
    with app.app_context():
        return get_session().scalars(select(Membership)).all()


def test_co_owners_share_the_group_but_only_the_owner_manages_them(
    app, client, teacher, login, make_group, make_user
):
    group = make_group(teacher)
    colleague = make_user("colleague", role="teacher")
    make_user("someone")  # a learner cannot be a co-owner
    login(teacher)
    post(client, f"/teach/groups/{group.id}/co-owners", {"username": "someone"})
    page = client.get(f"/teach/groups/{group.id}").get_data(as_text=True)
    assert "There is no teacher with this username." in page
    post(client, f"/teach/groups/{group.id}/co-owners", {"username": "Colleague"})
    with app.app_context():
        assert [c.user_id for c in get_session().scalars(select(CoOwner))] == [
            colleague.id
        ]
    other = sign_in(app, "colleague")
    assert other.get(f"/teach/groups/{group.id}").status_code == 200
    assert "7B" in other.get("/teach/").get_data(as_text=True)
    refused = post(
        other, f"/teach/groups/{group.id}/co-owners", {"username": "x"}, "/teach/"
    )
    assert refused.status_code == 403
    post(client, f"/teach/groups/{group.id}/co-owners/{colleague.id}/remove")
    assert other.get(f"/teach/groups/{group.id}").status_code == 404


def test_bulk_accounts_print_cards_and_store_only_hashes(
    app, client, teacher, login, make_group
):
    group = make_group(teacher, prefix="7b")
    login(teacher)
    form = client.get(f"/teach/groups/{group.id}/cards").get_data(as_text=True)
    assert 'for="count"' in form and 'for="names"' in form
    response = post(client, f"/teach/groups/{group.id}/cards", {"count": "30"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    cards = CARD_RE.findall(response.get_data(as_text=True))
    assert len(cards) == 30 and len({u for u, _p in cards}) == 30
    for username, password in cards:
        prefix, word, digits = username.split("-")
        assert prefix == "7b" and word in WORDS and re.fullmatch("[2-9]{2}", digits)
        assert len(password) >= 10 and not set(password) & set("01ilIoO")
    with app.app_context():
        users = get_session().scalars(select(User).where(User.id != teacher.id)).all()
        assert len(users) == 30 and all(u.email is None for u in users)
        assert all(u.password_hash.startswith("$argon2id$") for u in users)
        assert all(u.role.value == "learner" for u in users)
        hashes = " ".join(u.password_hash for u in users)
    assert not any(p in hashes for _u, p in cards)
    # The cards work: the pupil signs in.
    username, password = cards[0]
    sign_in(app, username, password)
    # The group page lists them, without passwords.
    page = client.get(f"/teach/groups/{group.id}").get_data(as_text=True)
    assert username in page and password not in page
    assert "Learners (30)" in page


def test_named_pupils_get_cards_with_their_names(
    app, client, teacher, login, make_group
):
    group = make_group(teacher)
    login(teacher)
    response = post(
        client,
        f"/teach/groups/{group.id}/cards",
        {"names": "Анна Петрова\n\nفاطمة الزهراء\nTom"},
    )
    page = response.get_data(as_text=True)
    assert len(CARD_RE.findall(page)) == 3
    for name in ("Анна Петрова", "فاطمة الزهراء", "Tom"):
        assert f'<p class="card-name">{name}</p>' in page


def test_too_many_or_no_pupils_are_refused(client, teacher, login, make_group):
    group = make_group(teacher)
    login(teacher)
    for data, message in (
        ({"count": "101"}, "Number must be between 1 and 100."),
        ({}, "Give a number of pupils or their names."),
    ):
        page = post(client, f"/teach/groups/{group.id}/cards", data)
        assert message in page.get_data(as_text=True)


def test_teacher_resets_a_pupil_password_and_ends_their_sessions(
    app, client, teacher, login, make_group
):
    group = make_group(teacher)
    login(teacher)
    made = post(client, f"/teach/groups/{group.id}/cards", {"names": "Ann"})
    ((username, password),) = CARD_RE.findall(made.get_data(as_text=True))
    pupil = sign_in(app, username, password)
    assert pupil.get("/account").status_code == 200
    with app.app_context():
        user_id = (
            get_session()
            .scalars(select(User.id).where(User.username == username))
            .one()
        )
    reset = post(client, f"/teach/groups/{group.id}/learners/{user_id}/reset")
    ((same, new_password),) = CARD_RE.findall(reset.get_data(as_text=True))
    assert same == username and new_password != password
    assert pupil.get("/account").status_code == 302  # signed out everywhere
    sign_in(app, username, new_password)


def test_accounts_that_joined_with_a_code_cannot_be_reset(
    app, client, teacher, login, make_group, make_user, add_member
):
    group = make_group(teacher)
    adult = make_user("adult")
    add_member(group, adult)
    login(teacher)
    page = client.get(f"/teach/groups/{group.id}/learners/{adult.id}")
    assert "New password and login card" not in page.get_data(as_text=True)
    post(client, f"/teach/groups/{group.id}/learners/{adult.id}/reset")
    flashed = client.get(f"/teach/groups/{group.id}/learners/{adult.id}")
    assert "Only accounts created for this group can be reset here." in (
        flashed.get_data(as_text=True)
    )
    sign_in(app, "adult")  # the password is unchanged


def test_removing_a_learner_keeps_their_account(
    app, client, teacher, login, make_group, make_user, add_member
):
    group = make_group(teacher)
    pupil = make_user("pupil")
    add_member(group, pupil)
    login(teacher)
    post(client, f"/teach/groups/{group.id}/learners/{pupil.id}/remove")
    assert _members(app) == []
    assert client.get(f"/teach/groups/{group.id}/learners/{pupil.id}").status_code == (
        404
    )
    sign_in(app, "pupil")


def test_csrf_is_required_on_teacher_forms(client, teacher, login, make_group):
    group = make_group(teacher)
    login(teacher)
    csrf_token(client, "/teach/")
    response = client.post(f"/teach/groups/{group.id}/code/revoke")
    assert response.status_code == 400


def test_wrong_join_codes_are_rate_limited_per_account(
    app, teacher, make_group, make_user
):
    make_group(teacher)
    make_user("guesser")
    make_user("classmate")
    guesser = sign_in(app, "guesser")
    for n in range(10):
        wrong = post(guesser, "/join", {"code": f"ZZZZ-ZZZ{'ABCDEFGHJK'[n]}"})
        assert "This code is not valid" in wrong.get_data(as_text=True)
    blocked = post(guesser, "/join", {"code": "ZZZZ-ZZZZ"})
    assert blocked.status_code == 429
    # Another pupil of the same class, on the same school address, is not blocked.
    classmate = sign_in(app, "classmate")
    assert post(classmate, "/join", {"code": "ZZZZ-ZZZZ"}).status_code == 200
