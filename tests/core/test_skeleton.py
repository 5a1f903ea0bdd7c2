"""Learners' pages filled from a skeleton are the very pages a full render gives."""

from __future__ import annotations

import pytest
from flask import Flask

from courseware.core.skeleton import Skeleton, end_section, section, skeleton_mode, slot
from tests.conftest import CSRF_RE, PASSWORD, csrf_token


def page(app, client, path: str, cached: bool) -> str:
    app.config["COURSEWARE_PAGE_CACHE"] = cached
    try:
        response = client.get(path)
        assert response.status_code == 200
        return response.get_data(as_text=True)
    finally:
        app.config["COURSEWARE_PAGE_CACHE"] = True


def same_both_ways(app, client, path: str) -> str:
    filled = page(app, client, path, cached=True)
    again = page(app, client, path, cached=True)  # from the stored skeleton
    full = page(app, client, path, cached=False)
    assert filled == full
    assert again == full
    return filled


def test_filled_pages_match_full_renders(app, client, publish, make_user, login):
    publish()
    login(make_user("delegate"))
    fresh = same_both_ways(app, client, "/modules/sample/intro")
    assert "status-done" not in fresh and "data-resume-time" not in fresh
    assert "(delegate)" in fresh and "\x00" not in fresh
    token = csrf_token(client, "/modules/sample/intro")
    client.post("/modules/sample/intro/complete", data={"csrf_token": token})
    client.get("/modules/sample/video")  # the player saves positions once it is open
    refused = client.post(  # not an id: refused at the door, never stored
        "/progress/position",
        json={"module": "sample", "lesson": "video", "media": "a&b", "time": 12.5},
        headers={"X-CSRFToken": token},
    )
    assert refused.status_code == 400
    client.post(
        "/progress/position",
        json={"module": "sample", "lesson": "video", "media": "clip-1", "time": 12.5},
        headers={"X-CSRFToken": token},
    )
    later = same_both_ways(app, client, "/modules/sample/video")
    assert later.count("status-done") == 1
    assert 'data-resume-media="clip-1" data-resume-time="12.5"' in later
    client.post("/language", data={"language": "ar", "csrf_token": token})
    arabic = same_both_ways(app, client, "/modules/sample/video")
    assert 'dir="rtl"' in arabic


def test_teachers_get_their_own_skeleton(app, client, publish, make_user, login):
    publish()
    login(make_user("teacher1", role="teacher"))
    assert "/teach" in same_both_ways(app, client, "/modules/sample/intro")


def test_each_learner_sees_only_their_own(app, publish, make_user):
    publish()
    pages, tokens = {}, {}
    for name in ("amy", "bob"):
        make_user(name)
        client = app.test_client()
        token = csrf_token(client, "/login")
        client.post(
            "/login", data={"username": name, "password": PASSWORD, "csrf_token": token}
        )
        pages[name] = client.get("/modules/sample/intro").get_data(as_text=True)
        tokens[name] = CSRF_RE.search(pages[name]).group(1)
    assert "(amy)" in pages["amy"] and "(bob)" not in pages["amy"]
    assert "(bob)" in pages["bob"] and "(amy)" not in pages["bob"]
    assert tokens["amy"] != tokens["bob"]
    assert tokens["amy"] not in pages["bob"] and tokens["bob"] not in pages["amy"]


def render(template: str, **context) -> str:
    app = Flask(__name__)
    app.jinja_env.globals.update(slot=slot, section=section, end_section=end_section)
    with app.test_request_context():
        with skeleton_mode():
            return app.jinja_env.from_string(template).render(**context)


def test_slots_are_escaped_and_sections_nest():
    skeleton = Skeleton.parse(
        render(
            "<p>{{ slot('name', 'x') }}</p>{{ section('a') }}A{{ section('b') }}B"
            "{{ end_section() }}{{ end_section() }}!"
        )
    )
    assert skeleton.fill({"name": "<b>&", "a": True, "b": True}) == (
        "<p>&lt;b&gt;&amp;</p>AB!"
    )
    assert skeleton.fill({"name": "", "a": True, "b": False}) == "<p></p>A!"
    assert skeleton.fill({"name": "", "a": False, "b": True}) == "<p></p>!"


@pytest.mark.parametrize("html", ["\x00o:a\x00", "\x00c\x00", "\x00z:q\x00"])
def test_broken_skeletons_are_refused(html):
    with pytest.raises(ValueError):
        Skeleton.parse(html)
