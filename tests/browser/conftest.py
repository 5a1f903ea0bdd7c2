"""Browser harness: Debian's chromium driven by Playwright, axe-core on every page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: F401 - used by tests
from tests.race import LiveServer


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server


class AxePage:
    """A page that checks axe-core and the console (CSP reports) after each visit."""

    def __init__(self, page) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.page = page
        self.axe = Axe()
        self.console_errors: list[str] = []
        self.checked: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("response", self._response)

    def _console(self, message) -> None:
        # _response reports failed sub-resources; pages may answer 4xx on purpose.
        if message.type == "error" and not message.text.startswith(
            "Failed to load resource"
        ):
            self.console_errors.append(message.text)

    def _response(self, response) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            self.console_errors.append(f"{response.status} {response.url}")

    def check(self) -> None:
        """Assert no axe-core violation and no console error on the current page."""
        results = self.axe.run(self.page)
        assert results.violations_count == 0, (self.page.url, results.generate_report())
        assert self.console_errors == [], (self.page.url, self.console_errors)
        self.checked.append(self.page.url)


@pytest.fixture
def page(browser) -> Iterator[AxePage]:
    context = browser.new_context(locale="en-GB")
    yield AxePage(context.new_page())
    context.close()
