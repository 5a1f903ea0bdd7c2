"""Light pages: gzip, static caching, personal pages never shared."""

from __future__ import annotations

import gzip
import re


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


def test_signed_in_pages_are_never_shared(client, app, publish, make_user, login):
    publish()
    client.get("/modules/sample/intro")  # fills the visitors' cache
    login(make_user("reader"))
    page = client.get("/modules/sample/intro").get_data(as_text=True)
    assert "reader" in page and "Complete and continue" in page
