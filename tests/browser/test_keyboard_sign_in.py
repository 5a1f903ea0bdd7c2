"""A real browser signs in by keyboard only; axe-core finds nothing on any page."""

from __future__ import annotations

from tests.conftest import PASSWORD


def press_tab_until(page, predicate, limit=40) -> None:
    """Press Tab until ``predicate(active element)`` holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return
    raise AssertionError(f"focus never reached: {predicate}")


def test_keyboard_only_sign_in_with_no_axe_violations(live_server, page, make_user):
    make_user("delegate")
    p = page.page
    p.goto(live_server.url + "/")
    page.check()

    # The first Tab reaches the skip link, which moves focus to the main content.
    p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.className") == "skip-link"
    assert p.evaluate("getComputedStyle(document.activeElement).top") != "-160px"
    p.keyboard.press("Enter")
    assert p.evaluate("document.activeElement.id") == "content"

    # Reach "Sign in" in the navigation by Tab and follow it with Enter.
    p.goto(live_server.url + "/")
    press_tab_until(p, "document.activeElement.getAttribute('href') === '/login'")
    p.keyboard.press("Enter")
    p.wait_for_url(live_server.url + "/login")
    page.check()

    # The username field has focus on arrival; type, Tab to the password, Enter submits.
    assert p.evaluate("document.activeElement.name") == "username"
    p.keyboard.type("delegate")
    p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.name") == "password"
    p.keyboard.type("wrong password")
    with p.expect_navigation():
        p.keyboard.press("Enter")
    assert "Wrong username or password." in p.content()
    page.check()  # the error state passes axe as well

    p.focus("#password")
    p.keyboard.type(PASSWORD)
    p.keyboard.press("Enter")
    p.wait_for_url(live_server.url + "/")
    assert "delegate" in p.inner_text("nav")
    page.check()

    # Account page, then sign out with the keyboard.
    press_tab_until(p, "document.activeElement.getAttribute('href') === '/account'")
    p.keyboard.press("Enter")
    p.wait_for_url(live_server.url + "/account")
    page.check()
    press_tab_until(p, "document.activeElement.textContent.trim() === 'Sign out'")
    p.keyboard.press("Enter")
    p.wait_for_url(live_server.url + "/")
    assert "You are signed out." in p.content()
    page.check()


def test_register_and_error_pages_pass_axe(live_server, page):
    p = page.page
    for path in ("/register", "/no-such-page"):
        p.goto(live_server.url + path)
        page.check()
    p.goto(live_server.url + "/register")
    p.fill("#username", "x")
    with p.expect_navigation():
        p.click("form.stack-form [type=submit]")
    assert "Please correct the following:" in p.content()
    page.check()


def test_arabic_pages_are_right_to_left_and_pass_axe(live_server, browser):
    from tests.browser.conftest import AxePage

    context = browser.new_context(locale="ar")
    page = AxePage(context.new_page())
    page.page.goto(live_server.url + "/login")
    assert page.page.get_attribute("html", "dir") == "rtl"
    brand = page.page.locator(".brand").bounding_box()
    switch = page.page.locator(".language-switch").bounding_box()
    assert brand["x"] > switch["x"], (
        "the brand sits on the right in a right-to-left page"
    )
    page.check()
    context.close()
