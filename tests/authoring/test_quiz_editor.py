"""The quiz editor: a form per question with its type's fields; saving the form as
shown keeps the quiz's data; fields, adding, removing and reordering questions."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import MultiDict

from courseware.authoring.models import Draft
from courseware.authoring.services.drafts import draft_files
from courseware.authoring.services.quizforms import dump
from courseware.content.yamlfile import load_yaml
from courseware.db import get_session
from tests.conftest import FIXTURE_COURSE

QUIZ = "quizzes/sample.yaml"


class FormFields(HTMLParser):
    """The values a browser would send for the page's quiz form (no button yet)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.inside = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "studio-quiz" in (a.get("class") or ""):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a["value"]))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        if tag == "textarea" and self._textarea:
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self.fields.append((self._textarea, text))
            self._textarea = None
        if tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


def form_of(client, draft_id: int) -> list[tuple[str, str]]:
    page = client.get(f"/studio/drafts/{draft_id}/quiz/{QUIZ}")
    assert page.status_code == 200
    parser = FormFields()
    parser.feed(page.get_data(as_text=True))
    return parser.fields


def send(client, draft_id: int, fields, op: str = "save", **changes):
    data = [(k, changes.pop(k) if k in changes else v) for k, v in fields]
    assert not changes, changes
    return client.post(
        f"/studio/drafts/{draft_id}/quiz/{QUIZ}", data=MultiDict([*data, ("op", op)])
    )


def quiz_data(app, draft_id: int) -> tuple[dict, bytes]:
    with app.app_context():
        session = get_session()
        raw = draft_files(session, session.get(Draft, draft_id))[QUIZ]
    return load_yaml(raw.decode()).data, raw


def test_every_question_has_its_types_fields(studio, start_draft):
    draft_id = start_draft()
    names = {name for name, _v in form_of(studio, draft_id)}
    assert {
        "q-0-id",
        "q-0-text-en",
        "q-0-text-ru",
        "q-0-c-0-id",
        "q-0-c-0-correct",
        "q-0-c-1-feedback-ru",
    } <= names  # single choice
    assert {"q-2-answer", "q-2-fb-correct-en", "q-2-fb-incorrect-ru"} <= names
    assert {"q-3-answers-en", "q-3-answers-ru"} <= names  # fill-in
    assert {"q-4-p-0-source-en", "q-4-p-1-target-ru"} <= names  # matching
    page = studio.get(f"/studio/drafts/{draft_id}/quiz/{QUIZ}").get_data(as_text=True)
    assert 'for="q-0-text-en"' in page and "Edit the raw YAML instead" in page


def test_saving_the_form_as_shown_keeps_the_data(app, studio, start_draft):
    draft_id = start_draft()
    before, _raw = quiz_data(app, draft_id)
    answer = send(studio, draft_id, form_of(studio, draft_id))
    assert answer.status_code == 302
    after, raw = quiz_data(app, draft_id)
    assert after == before
    # Regenerated in one stable style; the translated_from block kept as written.
    original = (FIXTURE_COURSE / QUIZ).read_text(encoding="utf-8")
    block = original[original.index("# Written by `courseware content mark") :]
    body = dump({k: v for k, v in before.items() if k != "translated_from"})
    assert raw.decode() == body + "\n" + block
    assert raw.decode().startswith("schema_version: 1\nid: sample\n")
    assert "\nquestions:\n  - id: crc-year\n    type: single\n" in raw.decode()
    # The same save again changes nothing: the dumper is stable.
    send(studio, draft_id, form_of(studio, draft_id))
    assert quiz_data(app, draft_id)[1] == raw


def test_one_field_changed(app, studio, start_draft):
    draft_id = start_draft()
    before, _raw = quiz_data(app, draft_id)
    fields = form_of(studio, draft_id)
    answer = send(studio, draft_id, fields, **{"q-0-c-1-text-en": "Two thousand"})
    assert answer.status_code == 302
    after, _raw = quiz_data(app, draft_id)
    before["questions"][0]["choices"][1]["text"]["en"] = "Two thousand"
    assert after == before


@pytest.mark.parametrize(
    "op,order",
    [
        ("down:0", ["risks", "crc-year"]),
        ("up:1", ["risks", "crc-year"]),
        ("remove:0", ["risks", "helpline-free"]),
    ],
)
def test_reorder_and_remove(app, studio, start_draft, op, order):
    draft_id = start_draft()
    assert send(studio, draft_id, form_of(studio, draft_id), op=op).status_code == 302
    after, _raw = quiz_data(app, draft_id)
    assert [q["id"] for q in after["questions"]][:2] == order


def test_add_a_question_and_see_what_it_lacks(app, studio, start_draft):
    draft_id = start_draft()
    count = len(quiz_data(app, draft_id)[0]["questions"])
    answer = send(studio, draft_id, form_of(studio, draft_id), op="add:true-false")
    assert answer.status_code == 302
    after, _raw = quiz_data(app, draft_id)
    added = after["questions"][-1]
    assert len(after["questions"]) == count + 1
    assert (added["id"], added["type"], added["answer"]) == (
        f"question-{count + 1}",
        "true-false",
        True,
    )
    page = studio.get(f"/studio/drafts/{draft_id}/quiz/{QUIZ}").get_data(as_text=True)
    assert f'href="#q-{count}">Question {count + 1}</a>' in page
    assert f'aria-describedby="q-{count}-problems"' in page


def test_a_choice_is_added_and_removed_by_its_id(app, studio, start_draft):
    draft_id = start_draft()
    fields = form_of(studio, draft_id)
    send(
        studio,
        draft_id,
        fields,
        **{
            "q-0-c-2-id": "y2010",
            "q-0-c-2-text-en": "2010",
            "q-0-c-2-text-ru": "2010",
            "q-0-c-2-feedback-en": "No.",
            "q-0-c-2-feedback-ru": "Нет.",
        },
    )
    choices = quiz_data(app, draft_id)[0]["questions"][0]["choices"]
    assert [c["id"] for c in choices] == ["y1989", "y2000", "y2010"]
    assert choices[2] == {
        "id": "y2010",
        "text": {"en": "2010", "ru": "2010"},
        "feedback": {"en": "No.", "ru": "Нет."},
    }
    send(studio, draft_id, form_of(studio, draft_id), **{"q-0-c-1-id": ""})
    choices = quiz_data(app, draft_id)[0]["questions"][0]["choices"]
    assert [c["id"] for c in choices] == ["y1989", "y2010"]


def test_a_form_opened_on_an_older_copy_is_refused(app, studio, start_draft, counts):
    draft_id = start_draft()
    old = form_of(studio, draft_id)
    send(studio, draft_id, old, **{"q-0-id": "first"})
    _data, raw = quiz_data(app, draft_id)
    before = counts()
    answer = send(studio, draft_id, old, **{"q-0-id": "second"})
    assert answer.status_code == 303
    page = studio.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Not saved: someone else changed this file after you opened it." in page
    assert quiz_data(app, draft_id)[1] == raw and counts() == before


HOSTILE = ["NaN", "Infinity", "-Infinity", "1e400", "9" * 5000, "-1", "abc", "²"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_numbers_in_the_form_give_no_server_error(
    app, studio, start_draft, value
):
    """Numbers a browser never sends (NaN, huge, negative, not digits) as the
    question count, a row count, a button's index or the objective: never a 5xx, no
    question lost or moved, nothing but text written for the checker to report."""
    draft_id = start_draft()
    before, _raw = quiz_data(app, draft_id)
    ids = [q["id"] for q in before["questions"]]
    cases = [
        ({"count": value}, "save"),
        ({"q-0-c-count": value}, "save"),
        ({}, f"up:{value}"),
        ({}, f"remove:{value}"),
    ]
    for changes, op in cases:
        answer = send(studio, draft_id, form_of(studio, draft_id), op=op, **changes)
        assert answer.status_code == 302, (changes, op)
        after, _raw = quiz_data(app, draft_id)
        assert [q["id"] for q in after["questions"]] == ids, (changes, op)
        assert after["questions"][0]["choices"] == before["questions"][0]["choices"]
    answer = send(
        studio, draft_id, form_of(studio, draft_id), **{"q-0-objective": value}
    )
    assert answer.status_code == 302
    objective = quiz_data(app, draft_id)[0]["questions"][0].get("objective")
    assert objective == value.strip() or (objective is None and not value.strip())
