"""A real browser: a teacher sets up a class, two pupils learn, the dashboard shows it.

axe-core runs on every teacher page visited (``page.check()``), which also fails on
console errors such as Content-Security-Policy reports.

Playwright's sync API allows one instance per thread and tests/browser keeps one open
for the whole session, so these tests drive their own chromium on a thread of their
own: each scenario is a function run there with the browser.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, AxePage, LiveServer
from tests.conftest import PASSWORD
from tests.quiz.test_quiz import RIGHT, WRONG
from tests.teach.conftest import two_module_course

pytestmark = pytest.mark.browser


class BrowserThread:
    """Chromium driven by Playwright on one dedicated thread."""

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="teach-browser")
        self.playwright = self.browser = None

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )

    def _stop(self) -> None:
        self.browser.close()
        self.playwright.stop()

    def run(self, scenario, *args):
        """Run ``scenario(browser, *args)`` on the browser's thread; its result."""
        return self.executor.submit(scenario, self.browser, *args).result()

    def __enter__(self) -> BrowserThread:
        self.executor.submit(self._start).result()
        return self

    def __exit__(self, *exc) -> None:
        self.executor.submit(self._stop).result()
        self.executor.shutdown()


@pytest.fixture(scope="module")
def browser_thread() -> Iterator[BrowserThread]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`")
    with BrowserThread() as thread:
        yield thread


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server


def axe_page(browser) -> AxePage:
    """A page in a new English context that checks axe-core and the console."""
    return AxePage(browser.new_context(locale="en-GB").new_page())


def answer(p, answers: dict) -> None:
    """Fill a quiz attempt form from a test-client answer dict."""
    for name, value in answers.items():
        field = p.locator(f'[name="{name}"]').first
        tag = field.evaluate("e => e.tagName + ':' + (e.type || '')")
        if tag.startswith("SELECT"):
            p.select_option(f'select[name="{name}"]', value)
        elif tag in ("INPUT:radio", "INPUT:checkbox"):
            for one in value if isinstance(value, list) else [value]:
                p.check(f'[name="{name}"][value="{one}"]')
        else:
            p.fill(f'[name="{name}"]', value)


def learn(browser, url: str, username: str, password: str, answers: dict) -> None:
    """A pupil signs in with their card, does the sample module's lessons and quiz."""
    context = browser.new_context(locale="en-GB")
    p = context.new_page()
    p.goto(url + "/login")
    p.fill("#username", username)
    p.fill("#password", password)
    with p.expect_navigation():
        p.click("form.stack-form [type=submit]")
    assert username in p.inner_text("nav")
    p.goto(url + "/modules/sample/intro")
    with p.expect_navigation():
        p.click("text=Complete and continue")
    assert p.url.endswith("/modules/sample/video")
    with p.expect_navigation():
        p.click("text=Complete and go to the quiz")
    p.wait_for_url(url + "/quizzes/sample")
    with p.expect_navigation():
        p.click("text=Start the quiz")
    answer(p, answers)
    with p.expect_navigation():
        p.click("button[value=submit]")
    assert "/result" in p.url
    context.close()


def test_teacher_class_cards_assignments_dashboard_and_csv(
    browser_thread, live_server, make_user, publish, tmp_path
):
    publish(two_module_course(tmp_path))
    make_user("teacher", role="teacher")
    browser_thread.run(teacher_scenario, live_server.url)


def teacher_scenario(browser, url: str) -> None:
    page = axe_page(browser)
    p = page.page

    # The teacher signs in and finds "Teaching" in the navigation.
    p.goto(url + "/login")
    p.fill("#username", "teacher")
    p.fill("#password", PASSWORD)
    with p.expect_navigation():
        p.click("form.stack-form [type=submit]")
    with p.expect_navigation():
        p.click("nav.site-nav >> text=Teaching")
    page.check()

    # A new class.
    with p.expect_navigation():
        p.click("text=New class")
    page.check()
    p.fill("#name", "7B")
    p.select_option("#timezone", "Europe/Berlin")
    with p.expect_navigation():
        p.click("form.stack-form [type=submit]")
    group_url = p.url
    assert "/teach/groups/" in group_url and "The group is ready." in p.content()
    page.check()

    # Thirty pupils and their login cards.
    with p.expect_navigation():
        p.click(".teach-nav >> text=Accounts and login cards")
    page.check()
    p.fill("#count", "30")
    with p.expect_navigation():
        p.click("form.stack-form [type=submit]")
    page.check()
    cards = p.locator(".login-card")
    assert cards.count() == 30
    logins = [
        (
            cards.nth(i).locator(".card-username").inner_text(),
            cards.nth(i).locator(".card-password").inner_text(),
        )
        for i in range(30)
    ]
    assert all(u.startswith("7b-") and len(pw) >= 10 for u, pw in logins)
    assert len({u for u, _pw in logins}) == 30
    p.emulate_media(media="print")  # the print stylesheet shows only the cards
    assert not p.locator(".site-header").is_visible()
    assert not p.locator(".notice").is_visible()
    assert p.locator(".login-card").first.is_visible()
    p.emulate_media(media="screen")

    # Two modules, due on a date in the class's time zone.
    for item in ("module:sample", "module:second"):
        p.goto(group_url + "/assignments/new")
        page.check()
        p.select_option("#item", item)
        p.fill("#due_date", "2099-06-30")
        p.fill("#due_time", "16:00")
        with p.expect_navigation():
            p.click("form.stack-form [type=submit]")
        assert "Assigned." in p.content()
    page.check()
    due = p.locator("section#assignments tbody td:nth-child(3)").all_inner_texts()
    assert [" ".join(d.split()) for d in due] == ["Jun 30, 2099, 4:00 PM"] * 2

    # Two pupils sign in with their cards: one passes, one fails the quiz.
    (first, first_pw), (second, second_pw) = logins[0], logins[1]
    learn(browser, url, first, first_pw, RIGHT)
    learn(browser, url, second, second_pw, WRONG)

    # The dashboard shows exactly that.
    p.goto(group_url + "/dashboard")
    page.check()
    rows = p.locator("table.matrix tbody tr")
    assert rows.count() == 30
    by_name = {
        rows.nth(i).locator("th").inner_text().strip(): [
            " ".join(t.split()) for t in rows.nth(i).locator("td").all_inner_texts()
        ]
        for i in range(30)
    }
    assert by_name[first] == ["✓ Passed, 100% version 1", "Not started"]
    assert by_name[second] == ["In progress best 0%", "Not started"]
    others = [v for k, v in by_name.items() if k not in (first, second)]
    assert others == [["Not started", "Not started"]] * 28
    summary = p.locator("section[aria-labelledby=summary-title] tbody tr")
    assert summary.first.locator("td").all_inner_texts()[1:] == ["28", "1", "1", "0"]

    # The charts: one completion so far; best scores 0% and 100%.
    assert p.locator("svg.chart[role=img] title").first.text_content() == (
        "Completed assignments over time"
    )
    p.click("text=Completions as a table")
    completion = p.locator("details").first.locator("tbody td").all_inner_texts()
    assert completion == ["1", "1"]
    p.click("text=Scores as a table >> nth=0")
    scores = p.locator("details").nth(1).locator("tbody tr")
    bands = {
        scores.nth(i).locator("th").inner_text(): scores.nth(i)
        .locator("td")
        .inner_text()
        for i in range(scores.count())
    }
    assert bands["0–9%"] == "1" and bands["90–100%"] == "1"
    assert sum(int(v) for v in bands.values()) == 2
    page.check()

    # Difficult questions: every question was answered right once and wrong once.
    difficult = p.locator("table.difficult tbody tr")
    assert difficult.count() == 6
    texts = {
        difficult.nth(i).locator("th").inner_text(): [
            " ".join(t.split())
            for t in difficult.nth(i).locator("td").all_inner_texts()
        ]
        for i in range(6)
    }
    assert texts["When was the CRC adopted?"] == ["1 of 2 (50%)", "2000 1 time"]
    assert texts["Which are online risks?"] == ["1 of 2 (50%)", "Weather 1 time"]
    assert texts["Name the network of hotlines."] == ["1 of 2 (50%)", "nobody 1 time"]

    # CSV: what the spreadsheet gets.
    response = p.request.get(group_url + "/export/progress.csv")
    assert response.ok and response.body().startswith(b"\xef\xbb\xbf")
    rows_csv = list(csv.DictReader(io.StringIO(response.body().decode("utf-8-sig"))))
    assert len(rows_csv) == 60
    mine = {(r["username"], r["assignment_id"]): r for r in rows_csv}
    assert mine[(first, "sample")]["status"] == "completed"
    assert mine[(first, "sample")]["best_score_percent"] == "100"
    assert mine[(first, "sample")]["content_version"] == "1"
    assert mine[(first, "sample")]["due_at"] == "2099-06-30T16:00+02:00"
    assert mine[(second, "sample")]["status"] == "in-progress"
    assert mine[(second, "sample")]["best_score_percent"] == "0"
    assert {r["status"] for k, r in mine.items() if k[1] == "second"} == {"not-started"}
    answers = p.request.get(group_url + "/export/answers.csv")
    answer_rows = list(csv.DictReader(io.StringIO(answers.body().decode("utf-8-sig"))))
    assert len(answer_rows) == 12
    assert {(r["username"], r["correct"]) for r in answer_rows} == {
        (first, "yes"),
        (second, "no"),
    }

    # The first pupil's page: versions and attempts; then the group overview.
    with p.expect_navigation():
        p.click(f"table.matrix >> text={first}")
    page.check()
    assert "100% (6/6)" in p.content()
    p.goto(group_url)
    page.check()
    assert len(page.checked) >= 12
    p.context.close()


def test_meeting_cohort_join_code_and_roster(
    browser_thread, live_server, make_user, publish
):
    publish()
    make_user("organiser", role="teacher")
    make_user("delegate")
    browser_thread.run(cohort_scenario, live_server.url)


def cohort_scenario(browser, url: str) -> None:
    page = axe_page(browser)
    p = page.page
    p.goto(url + "/login")
    p.fill("#username", "organiser")
    p.fill("#password", PASSWORD)
    with p.expect_navigation():
        p.click("form.stack-form [type=submit]")
    p.goto(url + "/teach/")
    with p.expect_navigation():
        p.click("text=New meeting cohort")
    page.check()
    p.fill("#name", "WG delegates")
    p.fill("#meeting_name", "Working group on child online protection")
    p.fill("#meeting_date", "2099-03-14")
    p.fill("#meeting_place", "Genève")
    with p.expect_navigation():
        p.click("form.stack-form [type=submit]")
    group_url = p.url
    with p.expect_navigation():
        p.click("text=New join code")
    page.check()
    code = p.inner_text(".join-code")
    p.goto(group_url + "/assignments/new")
    p.select_option("#item", "track:delegates")
    with p.expect_navigation():
        p.click("form.stack-form [type=submit]")
    p.goto(group_url + "/edit")
    page.check()

    # A delegate joins with the code, typed in lower case.
    delegate = axe_page(browser)
    d = delegate.page
    d.goto(url + "/login")
    d.fill("#username", "delegate")
    d.fill("#password", PASSWORD)
    with d.expect_navigation():
        d.click("form.stack-form [type=submit]")
    d.goto(url + "/join")
    delegate.check()
    d.fill("#code", code.lower())
    with d.expect_navigation():
        d.click("form.stack-form [type=submit]")
    assert "You have joined WG delegates." in d.content()
    assert "Delegates" in d.inner_text("main") and "Not started" in d.inner_text("main")
    delegate.check()

    p.goto(group_url + "/roster")
    page.check()
    assert "0 of 1 delegates are ready." in p.inner_text("main")
    assert "Not ready" in p.inner_text("table.roster tbody")

    # The delegate completes the track; the roster says ready.
    for lesson, button in (
        ("intro", "Complete and continue"),
        ("video", "Complete and go to the quiz"),
    ):
        d.goto(url + f"/modules/sample/{lesson}")
        with d.expect_navigation():
            d.click(f"text={button}")
    d.goto(url + "/quizzes/sample")
    with d.expect_navigation():
        d.click("text=Start the quiz")
    answer(d, RIGHT)
    with d.expect_navigation():
        d.click("button[value=submit]")
    d.context.close()
    p.reload()
    page.check()
    assert "1 of 1 delegates are ready." in p.inner_text("main")
    row = " ".join(p.inner_text("table.roster tbody tr").split())
    assert row.startswith("delegate ✓ Ready ✓ Completed version 1")
    p.context.close()
