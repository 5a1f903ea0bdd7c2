"""The analysis pages cost the same number of SQL queries for 30 or 300 attempts."""

from __future__ import annotations

import pytest

from bench.dashboard import QueryCounter
from tests.analysis.conftest import seed, simulate
from tests.teach.conftest import sign_in

PAGES = (
    "/analysis/",
    "/analysis/quizzes/sample",
    "/analysis/quizzes/sample/questions.csv",
    "/analysis/quizzes/sample/options.csv",
)
#: account, active version, published versions, languages, then attempts,
#: their grading and their responses counted
QUERIES = 7


@pytest.fixture
def app(make_app):
    # Look the active content version up on every request: counts stay exact.
    return make_app(COURSEWARE_CONTENT_CHECK_SECONDS=0)


def test_query_counts_do_not_grow_with_attempts(app, two_versions, make_user):
    make_user("author", role="author")
    client = sign_in(app, "author")
    engine = app.extensions["courseware"].engine
    counts = {}
    for size, prefix in ((15, "small"), (150, "large")):
        seed(app, simulate(size, prefix=prefix))
        for page in PAGES:
            with QueryCounter(engine) as counter, client.get(page) as response:
                assert response.status_code == 200
                response.get_data()
            counts.setdefault(page, []).append(counter.count)
    for page, (small, large) in counts.items():
        assert small == large <= QUERIES, (page, counts)
