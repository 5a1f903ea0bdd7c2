"""The public certificate verification page passes axe-core, in English and Arabic."""

from __future__ import annotations

from sqlalchemy import select

from courseware.certificates.models import Certificate
from courseware.db import get_session
from tests.browser.conftest import AxePage
from tests.conftest import csrf_token
from tests.xapi.conftest import journey


def test_verification_page_passes_axe(app, live_server, browser, make_user, publish):
    learner = journey(app, make_user, publish)
    with app.app_context():
        code = get_session().scalars(select(Certificate)).one().code
    token = csrf_token(learner, f"/certificates/{code}")
    learner.post(
        f"/certificates/{code}", data={"name": "Amina K.", "csrf_token": token}
    )
    for locale in ("en-GB", "ar"):
        context = browser.new_context(locale=locale)
        page = AxePage(context.new_page())
        page.page.goto(f"{live_server.url}/verify/{code}")
        assert "Amina K." in page.page.inner_text("main")
        page.check()
        page.page.goto(f"{live_server.url}/verify/AAAA-BBBB-CCCC")  # unknown code: 404
        page.check()
        context.close()
