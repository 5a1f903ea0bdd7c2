"""Light pages: gzip, cached visitor pages with own CSRF tokens, static caching."""

from __future__ import annotations

import gzip
import re

from tests.conftest import csrf_token


def test_pages_are_compressed_when_the_browser_accepts_gzip(client, publish):
    publish()
    plain = client.get("/modules/sample/intro")
    packed = client.get("/modules/sample/intro", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) < len(plain.data) / 2
    text = gzip.decompress(packed.data).decode()
    assert "<h1>Introduction</h1>" in text


def test_stylesheet_is_compressed_and_cached_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    href = re.search(r'href="(/static/css/site.css\?v=[0-9a-f]+)"', page).group(1)
    with client.get(href, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.cache_control.max_age == 31536000
        assert b".skip-link" in gzip.decompress(response.data)


def test_cached_anonymous_pages_carry_each_visitors_own_token(app, publish):
    publish()
    first, second = app.test_client(), app.test_client()
    one = csrf_token(first, "/modules/sample/intro")
    two = csrf_token(second, "/modules/sample/intro")
    assert one != two and "\x00" not in one
    assert len(app.extensions["courseware"].caches["pages"]) == 1  # rendered once
    for client, token in ((first, one), (second, two)):
        response = client.post(
            "/language",
            data={
                "language": "ru",
                "csrf_token": token,
                "next": "/modules/sample/intro",
            },
        )
        assert response.status_code == 302
    assert (
        first.post("/language", data={"language": "ru", "csrf_token": two}).status_code
        == 400
    )


def test_signed_in_pages_are_never_shared(client, app, publish, make_user, login):
    publish()
    client.get("/modules/sample/intro")  # fills the visitors' cache
    login(make_user("reader"))
    page = client.get("/modules/sample/intro").get_data(as_text=True)
    assert "reader" in page and "Complete and continue" in page
