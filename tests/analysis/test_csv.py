"""CSV downloads: UTF-8 with a BOM, one row per question, and one per option."""

from __future__ import annotations

import csv
import io

import pytest

from courseware.analysis.export import OPTIONS_HEADER, QUESTIONS_HEADER
from tests.analysis.test_figures import hand_options
from tests.teach.conftest import sign_in


@pytest.fixture
def author(app, records, make_user):
    make_user("avtor", role="author", locale="ru")
    return sign_in(app, "avtor")


def read(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM, then UTF-8
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))


def test_questions_csv(author, records):
    response = author.get("/analysis/quizzes/sample/questions.csv")
    assert (
        'filename="quiz-sample-questions.csv"'
        in response.headers["Content-Disposition"]
    )
    header, *rows = read(response)
    assert header == QUESTIONS_HEADER
    assert [r[1] for r in rows] == [
        "crc-year",
        "risks",
        "helpline-free",
        "network",
        "match-cs",
        "steps",
    ]
    by_id = {r[1]: dict(zip(header, r, strict=True)) for r in rows}
    assert (
        by_id["network"]["text"] == "Назовите сеть горячих линий."
    )  # author's language
    assert by_id["helpline-free"]["flags"] == "everyone-right"
    assert by_id["helpline-free"]["facility"] == "1.0000"
    assert by_id["helpline-free"]["point_biserial"] == ""  # undefined
    assert by_id["risks"]["flags"] == "unused-distractor"
    submitted = sum(r.submitted for r in records)
    assert {r["attempts"] for r in by_id.values()} == {str(submitted)}
    assert by_id["crc-year"]["attempts_counted"] == "all"


def test_options_csv(author, records):
    response = author.get("/analysis/quizzes/sample/options.csv?attempts=first")
    header, *rows = read(response)
    assert header == OPTIONS_HEADER
    firsts = [r for r in records if r.submitted and r.number == 1]
    risks = {r[3]: dict(zip(header, r, strict=True)) for r in rows if r[1] == "risks"}
    assert list(risks) == ["contact", "content", "weather"]
    counted = hand_options(firsts, {"id": "risks", "type": "multiple"})
    assert {k: int(v["count"]) for k, v in risks.items()} == {
        "contact": counted["contact"],
        "content": counted["content"],
        "weather": 0,
    }
    assert risks["weather"]["right_answer"] == "no"
    assert risks["contact"]["option_text"] == "Контакт"
    truth = [r for r in rows if r[1] == "helpline-free"]
    assert [(r[3], r[4], r[5]) for r in truth] == [
        ("true", "Верно", "yes"),
        ("false", "Неверно", "no"),
    ]
    network = [r for r in rows if r[1] == "network"]
    assert len(network) == 5 and network[0][4].casefold() == "inhope"
    assert network[0][5] == "yes"
    assert all(r[8] == str(len(firsts)) for r in rows)
