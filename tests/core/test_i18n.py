"""Interface languages: choice order, right-to-left layout, complete catalogues."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from courseware.auth.models import User
from courseware.db import get_session
from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "courseware" / "translations"


def catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def html_tag(client, **kwargs) -> str:
    page = client.get("/login", **kwargs).get_data(as_text=True)
    return page.split("<html ", 1)[1].split(">", 1)[0]


def test_accept_language_picks_russian(client):
    assert (
        html_tag(client, headers={"Accept-Language": "ru-RU,ru;q=0.9"})
        == 'lang="ru" dir="ltr"'
    )
    page = client.get("/login", headers={"Accept-Language": "ru"}).get_data(
        as_text=True
    )
    assert "Имя пользователя" in page and "Перейти к основному содержанию" in page


def test_arabic_is_right_to_left(client):
    assert html_tag(client, headers={"Accept-Language": "ar"}) == 'lang="ar" dir="rtl"'
    page = client.get("/login", headers={"Accept-Language": "ar"}).get_data(
        as_text=True
    )
    assert "تسجيل الدخول" in page


def test_unknown_language_falls_back_to_english(client):
    assert html_tag(client, headers={"Accept-Language": "xx"}) == 'lang="en" dir="ltr"'


def test_cookie_beats_accept_language(client):
    response = client.post(
        "/language",
        data={"language": "ru", "next": "/login"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.headers["Location"] == "/login"
    assert "courseware_lang=ru" in response.headers["Set-Cookie"]
    assert html_tag(client, headers={"Accept-Language": "en"}) == 'lang="ru" dir="ltr"'


def test_user_setting_beats_cookie(app, client, make_user, login):
    user = make_user("delegate")
    login(user)
    token = csrf_token(client, "/")
    client.post("/language", data={"language": "ar", "csrf_token": token})
    with app.app_context():
        assert get_session().get(User, user.id).locale == "ar"
    client.set_cookie("courseware_lang", "ru")
    assert html_tag(client) == 'lang="ar" dir="rtl"'


def test_unknown_language_choice_is_refused(client):
    response = client.post(
        "/language", data={"language": "xx"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 400


def test_language_switcher_marks_the_current_language(client):
    page = client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert 'value="ru" lang="ru" aria-pressed="true"' in page
    assert 'value="en" lang="en" aria-pressed="false"' in page


def test_template_catalogue_is_up_to_date(tmp_path):
    """Every string in the code is in messages.pot (`make i18n` after adding text)."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(fresh),
            "--no-location",
            "--sort-output",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    ids = {m.id for m in catalog(fresh) if m.id}
    shipped = {m.id for m in catalog(TRANSLATIONS / "messages.pot") if m.id}
    assert ids - shipped == set(), "run `make i18n` and translate the new strings"


@pytest.mark.parametrize("lang", ["ru", "ar"])
def test_catalogue_is_complete(lang):
    shipped = catalog(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po")
    template = catalog(TRANSLATIONS / "messages.pot")
    wanted = {m.id for m in template if m.id}
    translated = {m.id for m in shipped if m.id and m.string and "fuzzy" not in m.flags}
    assert wanted - translated == set()
