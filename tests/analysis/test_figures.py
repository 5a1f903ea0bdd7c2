"""Every figure of the seeded data set against a hand computation written out plainly.

The hand computation reads the seeded :class:`Record` objects (never the database or
the code under test): facility by counting, the point-biserial with
``statistics.correlation`` on the rest score, the upper-lower index by cutting the
sorted totals at 27% and sharing the attempts tied at the cut, options by counting.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest

from courseware.analysis import services
from courseware.analysis.services import (
    AttemptRow,
    Filters,
    analyse_quiz,
    load_rows,
    upper_lower,
)
from courseware.content.runtime import active_course
from courseware.db import get_session
from tests.analysis.conftest import QUESTIONS, QUIZ, Record
from tests.teach.conftest import sign_in


def hand_figures(records: list[Record], question_id: str) -> dict:
    """The figures of one question, computed the long way."""
    xs, rests, totals = [], [], []
    for record in records:
        if not record.submitted or question_id not in record.drawn:
            continue
        total = 0
        for other in record.drawn:
            if record.right(other):
                total += 1
        x = 1 if record.right(question_id) else 0
        xs.append(x)
        totals.append(total)
        rests.append(total - x)
    n = len(xs)
    try:
        pb = statistics.correlation(xs, rests)
    except statistics.StatisticsError:  # constant: no correlation
        pb = None
    k = int((Decimal(n) * Decimal("0.27")).quantize(Decimal(1), ROUND_HALF_UP))

    def group_share(highest: bool) -> float:
        ranked = sorted(totals, reverse=highest)
        cut = ranked[k - 1]
        beyond = [
            i for i in range(n) if (totals[i] > cut if highest else totals[i] < cut)
        ]
        tied = [i for i in range(n) if totals[i] == cut]
        right_beyond = sum(xs[i] for i in beyond)
        mean_tied = sum(xs[i] for i in tied) / len(tied)
        return (right_beyond + (k - len(beyond)) * mean_tied) / k

    return {
        "attempts": n,
        "correct": sum(xs),
        "facility": sum(xs) / n,
        "point_biserial": pb,
        "upper_lower": group_share(True) - group_share(False),
    }


def hand_options(records: list[Record], question: dict) -> dict[str, int]:
    """Option key -> times chosen, over submitted attempts."""
    counts: Counter = Counter()
    for record in records:
        if not record.submitted or question["id"] not in record.answers:
            continue
        response = record.answers[question["id"]][0]
        if question["type"] == "single":
            counts[response] += 1
        elif question["type"] == "multiple":
            for choice in response:
                counts[choice] += 1
        elif question["type"] == "true-false":
            counts["true" if response else "false"] += 1
        elif isinstance(response, str):
            counts['"' + " ".join(response.split()).lower() + '"'] += 1
        else:
            counts[
                repr(
                    sorted(response.items()) if isinstance(response, dict) else response
                )
            ] += 1
    return counts


def hand_flags(figures: dict, question: dict, options: dict[str, int]) -> set[str]:
    flags = set()
    if figures["attempts"] < 20:
        flags.add("few-attempts")
    if figures["correct"] == figures["attempts"]:
        flags.add("everyone-right")
    if figures["correct"] == 0:
        flags.add("everyone-wrong")
    if (figures["point_biserial"] or 0) < 0 or figures["upper_lower"] < 0:
        flags.add("negative-discrimination")
    if question["type"] in ("single", "multiple") and figures["attempts"] >= 20:
        wrong = [c["id"] for c in question["choices"] if not c.get("correct")]
        if any(options.get(c, 0) == 0 for c in wrong):
            flags.add("unused-distractor")
    return flags


def _computed(app):
    with app.app_context():
        course = active_course()
        rows = load_rows(get_session(), Filters())[QUIZ]
        quiz = course.quiz(QUIZ)
        return quiz, analyse_quiz(QUIZ, quiz, rows.attempts, rows.tallies)


def test_the_data_set_is_benchmark_sized(records):
    submitted = [r for r in records if r.submitted]
    assert len(submitted) >= 300 and len(submitted) < len(records)  # some are open
    assert {r.language for r in submitted} == {"en", "ru"}
    assert {r.version for r in submitted} == {1, 2}


def test_every_figure_matches_the_hand_computation(app, records):
    quiz, analysis = _computed(app)
    submitted = [r for r in records if r.submitted]
    assert analysis.attempts == len(submitted)
    assert [i.question_id for i in analysis.items] == list(QUESTIONS)
    for item, question in zip(analysis.items, quiz["questions"], strict=True):
        hand = hand_figures(records, question["id"])
        assert item.attempts == hand["attempts"] == len(submitted)
        assert item.correct == hand["correct"], item.question_id
        assert item.facility == pytest.approx(hand["facility"], abs=1e-12)
        if hand["point_biserial"] is None:
            assert item.point_biserial is None, item.question_id
        else:
            assert item.point_biserial == pytest.approx(
                hand["point_biserial"], abs=1e-9
            ), item.question_id
        assert item.upper_lower == pytest.approx(hand["upper_lower"], abs=1e-9)
        options = hand_options(records, question)
        if question["type"] in ("single", "multiple", "true-false"):
            assert {o.key: o.count for o in item.options} == {
                o.key: options.get(o.key, 0) for o in item.options
            }
            assert sum(o.count for o in item.options) == sum(options.values())
        else:  # the five most common, most common first
            top = sorted(options.values(), reverse=True)[:5]
            assert [o.count for o in item.options] == top, item.question_id
        for option in item.options:
            assert option.share == pytest.approx(option.count / hand["attempts"])
        unanswered = sum(1 for r in submitted if question["id"] not in r.answers)
        assert item.unanswered == unanswered
        assert set(item.flags) == hand_flags(hand, question, options), item.question_id


def test_the_data_set_raises_the_flags_it_was_built_for(app, records):
    _quiz, analysis = _computed(app)
    flags = {i.question_id: set(i.flags) for i in analysis.items}
    assert flags["helpline-free"] == {"everyone-right"}
    assert flags["risks"] == {"unused-distractor"}  # nobody ticks "weather"
    assert "negative-discrimination" in flags["steps"]
    assert flags["crc-year"] == flags["match-cs"] == set()
    by_id = {i.question_id: i for i in analysis.items}
    assert by_id["helpline-free"].point_biserial is None  # constant: undefined
    assert by_id["steps"].point_biserial < 0
    # Ranked by the total, which includes the item: on six items that lifts it.
    assert by_id["steps"].upper_lower < by_id["crc-year"].upper_lower
    assert by_id["crc-year"].point_biserial > 0.1
    assert by_id["network"].options[0].key == '"inhope"'  # spelling variants folded
    assert analysis.flag_count == 3


def test_the_page_and_csv_show_the_same_figures(app, records, make_user):
    _quiz, analysis = _computed(app)
    make_user("author", role="author")
    client = sign_in(app, "author")
    page = client.get("/analysis/quizzes/sample").get_data(as_text=True)
    crc = next(i for i in analysis.items if i.question_id == "crc-year")
    assert f"{crc.correct} of {crc.attempts}" in page
    assert f"{crc.point_biserial:.2f}" in page
    assert "Everyone right" in page and "A distractor nobody picks" in page
    body = client.get("/analysis/quizzes/sample/questions.csv").get_data(as_text=True)
    rows = {
        r["question"]: r for r in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))
    }
    for question_id in QUESTIONS:
        hand = hand_figures(records, question_id)
        row = rows[question_id]
        assert float(row["facility"]) == pytest.approx(hand["facility"], abs=5e-5)
        assert float(row["upper_lower"]) == pytest.approx(hand["upper_lower"], abs=5e-5)
        if hand["point_biserial"] is None:
            assert row["point_biserial"] == ""
        else:
            assert float(row["point_biserial"]) == pytest.approx(
                hand["point_biserial"], abs=5e-5
            )


def _rows(*attempts) -> list[AttemptRow]:
    """Attempts given as {question: right or None (unanswered)} over drawn questions."""
    made = []
    for number, answers in enumerate(attempts, start=1):
        row = AttemptRow(number, "q", tuple(answers))
        for question_id, right in answers.items():
            if right is not None:
                row.answers[question_id] = right
        made.append(row)
    return made


def test_facility_counts_only_attempts_that_drew_the_question():
    rows = _rows({"a": True, "b": True}, {"a": False}, {"b": False}, {"a": None})
    analysis = analyse_quiz("q", None, rows)
    a, b = analysis.items
    assert (a.attempts, a.correct, a.unanswered, a.facility) == (3, 1, 1, 1 / 3)
    assert (b.attempts, b.correct, b.facility) == (2, 1, 0.5)
    assert all("few-attempts" in i.flags for i in analysis.items)


def test_everyone_wrong_and_too_few_attempts():
    rows = _rows(*({"a": False, "b": i % 2 == 0} for i in range(19)))
    a, b = analyse_quiz("q", None, rows).items
    assert a.flags == ("few-attempts", "everyone-wrong")
    assert a.point_biserial is None and a.upper_lower == 0.0
    more = _rows(*({"a": False, "b": i % 2 == 0} for i in range(20)))
    assert analyse_quiz("q", None, more).items[0].flags == ("everyone-wrong",)


def test_upper_lower_shares_ties_at_the_cut():
    # 10 attempts: k = round(2.7) = 3. Totals 5,4,4,4,... : the top group is the 5
    # and two of the three 4s (which have 1, 1, 0 right: two thirds each on average).
    scores = [1, 1, 1, 0, 0, 0, 0, 1, 0, 0]
    totals = [5, 4, 4, 4, 3, 2, 1, 1, 0, 0]
    upper = (1 + 2 * (2 / 3)) / 3
    lower = (0 + 0 + (1 / 2)) / 3  # the two 0s, then one of the two 1s
    assert upper_lower(scores, totals) == pytest.approx(upper - lower)
    assert upper_lower([1], [1]) is None  # 27% of one attempt is nobody
    assert services.point_biserial([1, 0, 1], [2, 0, 1]) == pytest.approx(
        statistics.correlation([1, 0, 1], [2, 0, 1])
    )
    assert math.isclose(services.facility([1, 0, 0, 1]), 0.5)
