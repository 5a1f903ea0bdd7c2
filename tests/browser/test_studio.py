"""The studio in a real browser (issue 17, "must show 1"), keyboard only where the page
allows, axe-core clean on every studio page: an author changes an English lesson,
brings the Russian up to date, previews both on a phone, compares, publishes, and
rolls back; a learner sees the change, then the old text again. Screenshots of the
main pages go to docs/screenshots/studio-*.png."""

from __future__ import annotations

import re
import struct
import zlib

from tests.browser.conftest import AxePage
from tests.browser.learner import tab_to
from tests.conftest import PASSWORD, REPO

SHOTS = REPO / "docs" / "screenshots"
EN = "modules/sample/01-intro.en.md"
RU = "modules/sample/01-intro.ru.md"
NEW_EN = "Talk with your children about what they do online, every week."
NEW_RU = "Каждую неделю говорите с детьми о том, что они делают в интернете."
IMAGE_ALT_EN = "A map of the people who can help."
IMAGE_ALT_RU = "Карта людей, которые могут помочь."


def png(width: int = 24, height: int = 16) -> bytes:
    """A small, real PNG picture (a blue rectangle)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x0b\x53\x94" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"studio-{name}.png"), full_page=True)


def press(page, selector: str) -> None:
    """Focus a control and press Enter on it, waiting for the page it leads to."""
    page.focus(selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_in(page: AxePage, url: str, username: str) -> None:
    p = page.page
    p.goto(url + "/login")
    p.focus("#username")
    p.keyboard.type(username)
    p.keyboard.press("Tab")
    p.keyboard.type(PASSWORD)
    with p.expect_navigation():
        p.keyboard.press("Enter")


def test_an_author_changes_translates_previews_publishes_and_rolls_back(
    live_server, browser, make_user, publish, tmp_path
):
    publish()
    make_user("alice", role="author")
    url = live_server.url
    screen = {"width": 1280, "height": 900}
    context = browser.new_context(locale="en-GB", viewport=screen)
    page = AxePage(context.new_page())
    p = page.page
    sign_in(page, url, "alice")

    # The drafts list; start a draft from the active version (keyboard).
    p.goto(url + "/studio/")
    page.check()
    p.focus("#start-title")
    p.keyboard.type("Talking every week")
    with p.expect_navigation():
        p.keyboard.press("Enter")
    draft = int(re.search(r"/studio/drafts/(\d+)", p.url).group(1))
    base = f"{url}/studio/drafts/{draft}"
    page.check()
    p.goto(url + "/studio/")
    assert "Talking every week" in p.inner_text("main")
    shot(p, "drafts")
    p.goto(base)

    # Upload a picture (the file chooser is the one thing done without keys).
    picture = tmp_path / "helpers-map.png"
    picture.write_bytes(png())
    p.focus("#media-module")
    p.keyboard.type("sample")
    p.set_input_files("#media-media", str(picture))
    press(p, "form[action$='/media'] [type=submit]")
    page.check()

    # Edit the English lesson: a paragraph and the picture, without its alt text.
    p.goto(f"{base}/files/{EN}")
    page.check()
    p.focus("#text")
    p.keyboard.press("Control+End")
    p.keyboard.type(f"\n{NEW_EN}\n\n::: image\nsrc: media/helpers-map.png\n:::\n")
    shot(p, "lesson-editor")
    press(p, "#editor [type=submit]")
    page.check()

    # The checker's error is shown at its line; fix it there.
    problems = p.inner_text("#problem-list")
    assert "alt" in problems, problems
    line = int(re.search(r"Line (\d+)", problems).group(1))
    text = p.input_value("#text")
    assert text.split("\n")[line - 1].startswith(("::: image", "src:")), (line, text)
    shot(p, "check-errors")
    p.focus("#text")
    p.keyboard.press("Control+End")
    p.keyboard.press("ArrowUp")  # the closing ':::' of the image block
    p.keyboard.press("Home")
    p.keyboard.type(f"alt: {IMAGE_ALT_EN}\n")
    press(p, "#editor [type=submit]")
    assert p.query_selector("#problem-list") is None, p.inner_text("main")[:2000]
    page.check()

    # The Russian translation is stale; the side-by-side page shows the source diff.
    p.goto(f"{base}/translate")
    page.check()
    link = f"a[href='/studio/drafts/{draft}/translate/ru/{RU}']"
    row = p.inner_text(f"li:has({link})")
    assert "stale" in row, row
    press(p, link)
    page.check()
    assert "The source changed since this translation was made." in p.content()
    new_rows = p.query_selector_all(".tr-stale")
    assert len(new_rows) == 2
    assert NEW_EN in p.inner_text(".tr-row.tr-stale >> nth=0")
    shot(p, "translation")
    empties = [
        ta.get_attribute("id")
        for ta in p.query_selector_all(".tr-stale textarea")
        if not ta.input_value()
    ]
    assert len(empties) == 2, empties
    p.focus(f"#{empties[0]}")
    p.keyboard.type(NEW_RU)
    p.focus(f"#{empties[1]}")
    p.keyboard.type(f"::: image\nsrc: media/helpers-map.png\nalt: {IMAGE_ALT_RU}\n:::")
    press(p, ".translate-form [type=submit]")
    page.check()
    assert "The translation is saved and marked as up to date." in p.content()
    assert p.query_selector(".tr-stale") is None

    # The languages page agrees: nothing stale.
    p.goto(f"{base}/status")
    page.check()
    assert p.inner_text("[data-lang=ru] [data-state=stale]") == "0"

    # Preview both languages in the phone frame (keyboard: the links of the table).
    p.goto(f"{base}/preview")
    page.check()
    for lang, expected in (("en", NEW_EN), ("ru", NEW_RU)):
        p.goto(f"{base}/preview")
        target = f"/studio/drafts/{draft}/preview/{lang}/lesson/sample/intro"
        phone = f"a[href='{target}?frame=phone']"
        tab_to(p, f"el.matches({phone!r})", limit=200)
        with p.expect_navigation():
            p.keyboard.press("Enter")
        frame = p.frame_locator("iframe")
        frame.locator("article.lesson").wait_for()
        assert expected in frame.locator("article.lesson").inner_text()
        size = p.eval_on_selector("iframe", "f => [f.clientWidth, f.clientHeight]")
        assert size == [360, 640], size
        image = frame.locator("article.lesson img[src*='helpers-map.png']")
        image.scroll_into_view_if_needed()
        loaded = image.evaluate(
            "img => img.complete ? img.naturalWidth : new Promise(done =>"
            " img.addEventListener('load', () => done(img.naturalWidth)))"
        )
        assert loaded == 24  # the draft's picture, served from the draft
        page.check()
        if lang == "ru":
            shot(p, "phone-preview")
    # The full-size preview passes axe too.
    p.goto(f"{base}/preview/ru/lesson/sample/intro")
    page.check()

    # Compare with the active version.
    p.goto(f"{base}/compare")
    page.check()
    compare = p.inner_text("main")
    assert EN in compare and RU in compare and "helpers-map.png" in compare
    assert NEW_EN in p.inner_text("ins >> nth=0") or NEW_EN in compare
    shot(p, "compare")

    # Publish.
    p.goto(f"{base}/publish")
    page.check()
    p.focus("#note")
    p.keyboard.type("Weekly talks, with a map of helpers")
    with p.expect_navigation():
        p.keyboard.press("Enter")
    page.check()

    # A learner sees the change.
    learner = AxePage(browser.new_context(locale="en-GB").new_page())
    learner.page.goto(url + "/modules/sample/intro")
    assert NEW_EN in learner.page.inner_text("article.lesson")
    learner.check()

    # The author rolls back to version 1.
    p.goto(url + "/studio/versions")
    page.check()
    press(p, "a[href='/studio/versions/1/activate']")
    page.check()
    p.focus("#confirm")
    p.keyboard.press("Space")
    press(p, "form.stack-form [type=submit]")
    page.check()

    # The learner sees the old text again.
    learner.page.goto(url + "/modules/sample/intro")
    assert NEW_EN not in learner.page.inner_text("article.lesson")
    assert "Children have rights online" in learner.page.inner_text("article.lesson")
    context.close()


def test_every_review_page_passes_axe(live_server, browser, make_user, publish):
    """Preview index and link, a shared page, status, translate, version compare."""
    publish()
    make_user("bob", role="author")
    url = live_server.url
    context = browser.new_context(locale="en-GB")
    page = AxePage(context.new_page())
    p = page.page
    sign_in(page, url, "bob")
    p.goto(url + "/studio/")
    p.focus("#start-title")
    with p.expect_navigation():
        p.keyboard.press("Enter")
    draft = int(re.search(r"/studio/drafts/(\d+)", p.url).group(1))
    base = f"{url}/studio/drafts/{draft}"
    for path in (
        "/preview",
        "/preview/en/module/sample",
        "/preview/ru/quiz/sample",
        "/preview/en/lesson/sample/video",
        "/translate",
        f"/translate/ru/{RU}",
        "/translate/ru/quizzes/sample.yaml",
        "/status",
        "/compare",
    ):
        p.goto(base + path)
        page.check()
    p.goto(url + "/studio/versions/1/1/compare")
    page.check()
    # A preview link, made by keyboard, opened by a colleague who is not signed in.
    p.goto(base + "/preview")
    p.focus("#lang")
    p.keyboard.press("End")
    press(p, "form[action$='/preview-link'] [type=submit]")
    page.check()
    link = p.input_value("#preview-link")
    colleague = AxePage(browser.new_context(locale="en-GB").new_page())
    colleague.page.goto(link)
    # The link is for the Russian page: it is shown as a Russian learner sees it,
    # interface included.
    assert "только чтение" in colleague.page.inner_text(".preview-banner")
    assert colleague.page.query_selector("form") is None
    colleague.check()
    colleague.page.goto(link + "x")
    assert "This preview link is not valid" in colleague.page.content()
    colleague.check()
    context.close()
