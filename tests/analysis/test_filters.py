"""Filters by content version, language and attempt number change the figures."""

from __future__ import annotations

import csv
import io

import pytest

from tests.analysis.conftest import V2_TEXT
from tests.analysis.test_figures import hand_figures
from tests.teach.conftest import sign_in


@pytest.fixture
def author(app, records, make_user):
    make_user("author", role="author")
    return sign_in(app, "author")


def figures(client, query: str = "") -> dict[str, dict]:
    response = client.get(f"/analysis/quizzes/sample/questions.csv{query}")
    assert response.status_code == 200
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return {row["question"]: row for row in csv.DictReader(io.StringIO(text))}


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("?version=1", lambda r: r.version == 1),
        ("?version=2", lambda r: r.version == 2),
        ("?language=ru", lambda r: r.language == "ru"),
        ("?attempts=first", lambda r: r.number == 1),
        (
            "?version=2&language=en&attempts=first",
            lambda r: r.version == 2 and r.language == "en" and r.number == 1,
        ),
    ],
)
def test_filters_choose_the_attempts(author, records, query, keep):
    chosen = [r for r in records if r.submitted and keep(r)]
    everyone = figures(author)
    shown = figures(author, query)
    assert 0 < len(chosen) < sum(r.submitted for r in records)
    for question_id, row in shown.items():
        hand = hand_figures(chosen, question_id)
        assert int(row["attempts"]) == hand["attempts"] == len(chosen)
        assert int(row["correct"]) == hand["correct"]
        assert float(row["facility"]) == pytest.approx(hand["facility"], abs=5e-5)
    assert any(shown[q]["correct"] != everyone[q]["correct"] for q in shown)
    assert shown["crc-year"]["language"] == (
        "ru" if "ru" in query else "en" if "en" in query else ""
    )


def test_first_attempts_only_on_the_list(author, records):
    firsts = sum(1 for r in records if r.submitted and r.number == 1)
    page = author.get("/analysis/?attempts=first").get_data(as_text=True)
    assert f"<td>{firsts}</td>" in page
    assert 'href="/analysis/quizzes/sample?attempts=first"' in page


def test_a_version_shows_its_own_question_texts(author):
    assert V2_TEXT in author.get("/analysis/quizzes/sample").get_data(as_text=True)
    old = author.get("/analysis/quizzes/sample?version=1").get_data(as_text=True)
    assert "When was the CRC adopted?" in old and V2_TEXT not in old


def test_question_texts_follow_the_interface_language(app, records, make_user):
    make_user("avtor", role="author", locale="ru")
    page = sign_in(app, "avtor").get("/analysis/quizzes/sample").get_data(as_text=True)
    assert "Когда была принята КПР?" in page


@pytest.mark.parametrize(
    "query",
    [
        "?version=9",
        "?version=abc",
        "?version=1.0",
        "?language=xx",
        "?language=EN",
        "?attempts=last",
        "?attempts=",
    ],
)
def test_bad_filter_values_are_refused_with_a_message(author, query):
    for path in ("/analysis/", "/analysis/quizzes/sample"):
        response = author.get(path + query)
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "A filter value is not one of those offered" in page
        assert "Not a valid choice" in page
        assert "Facility" not in page and "Submitted attempts" not in page
    csv_response = author.get(f"/analysis/quizzes/sample/options.csv{query}")
    assert csv_response.status_code == 400


def test_unknown_parameters_are_ignored(author):
    assert author.get("/analysis/?page=2&q=x").status_code == 200
