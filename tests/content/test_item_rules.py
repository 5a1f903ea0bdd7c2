"""Item rules of the checker (courseware/content/items.py): each rule on a small edit of
the fixture course, with its exact ``path:line: field: message``."""

from __future__ import annotations

import shutil

import pytest

from tests.content.conftest import edit

INTRO_EN = "modules/sample/01-intro.en.md"
QUIZ = "quizzes/sample.yaml"
SOURCE = "    source: intro#think-about-it\n"

# (name, file, text to replace, replacement, expected line of the check's output)
CASES = [
    (
        "correct choice longest by far",
        QUIZ,
        'text: {en: "1989", ru: "1989"}',
        'text: {en: "On 20 November 1989, in New York", ru: "1989"}',
        "quizzes/sample.yaml:14: questions.0.choices.0: warning: the correct choice is "
        "the longest option by far (32 characters, the others at most 4)",
    ),
    (
        "best scenario choice longest by far",
        INTRO_EN,
        "    text: Tell an adult.",
        "    text: Tell an adult she trusts, such as a parent or a teacher.",
        "modules/sample/01-intro.en.md:33: scenario.choices.1: warning: the best "
        "choice is the longest option by far (56 characters, the others at most 9)",
    ),
    (
        "option lengths differ widely",
        QUIZ,
        "text: {en: Weather, ru: Погода}",
        "text: {en: The weather forecast for the coming weekend, ru: Погода}",
        "quizzes/sample.yaml:24: questions.1.choices: warning: option lengths differ "
        "widely: 'weather' has 43 characters, 'contact' 7 (more than 2.5 times)",
    ),
    (
        "ordering without a source",
        QUIZ,
        SOURCE,
        "",
        "quizzes/sample.yaml:63: questions.5.source: warning: an ordering question "
        "does not say which lesson teaches its order",
    ),
    (
        "source names no passage of the lesson",
        QUIZ,
        SOURCE,
        "    source: intro#nowhere\n",
        "quizzes/sample.yaml:66: questions.5.source: warning: source 'intro#nowhere': "
        "no block id or heading 'nowhere' in modules/sample/01-intro.en.md",
    ),
    (
        "source names no lesson",
        QUIZ,
        SOURCE,
        "    source: ghost#why-rights\n",
        "quizzes/sample.yaml:66: questions.5.source: warning: source "
        "'ghost#why-rights': no lesson 'ghost' in this module",
    ),
    (
        "source without a passage",
        QUIZ,
        SOURCE,
        "    source: intro\n",
        "quizzes/sample.yaml:66: questions.5.source: warning: source 'intro' names a "
        "lesson but no passage",
    ),
    (
        "question without an objective",
        QUIZ,
        "    type: single\n",
        "    type: single\n    objective: 1\n",
        "quizzes/sample.yaml:22: questions.1.objective: warning: this question names "
        "no objective, other questions of the quiz do",
    ),
    (
        "objective out of range",
        QUIZ,
        "    type: single\n",
        "    type: single\n    objective: 2\n",
        "quizzes/sample.yaml:12: questions.0.objective: objective 2 is not one of the "
        "module's 1 objectives",
    ),
    (
        "objective not a number",
        QUIZ,
        "    type: single\n",
        "    type: single\n    objective: first\n",
        "quizzes/sample.yaml:12: questions.0.objective: expected integer, found str",
    ),
]


@pytest.mark.parametrize(
    "name, rel, old, new, expected", CASES, ids=[case[0] for case in CASES]
)
def test_item_rule(course_dir, content, name, rel, old, new, expected):
    edit(course_dir, rel, old, new)
    result = content("check", course_dir)
    lines = result.output.splitlines()
    assert any(line.startswith(expected) for line in lines), result.output


def test_sources_by_block_id_and_objectives_in_range_pass(course_dir, content):
    edit(course_dir, QUIZ, SOURCE, "    source: intro#why-rights\n")
    text = (course_dir / QUIZ).read_text(encoding="utf-8")
    text = text.replace("    type: ", "    objective: 1\n    type: ")
    (course_dir / QUIZ).write_text(text, encoding="utf-8")
    result = content("check", course_dir)
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output, result.output


def _second_module(root, questions: str) -> None:
    """A second module ``other`` with its own quiz, in the same track as ``sample``."""
    shutil.copytree(root / "modules/sample", root / "modules/other")
    for name in ("02-video.en.md", "02-video.ru.md"):
        (root / "modules/other" / name).unlink()
    edit(root, "modules/other/module.yaml", "id: sample", "id: other")
    edit(root, "modules/other/module.yaml", "quiz: sample", "quiz: other")
    edit(
        root, "modules/other/module.yaml", "lessons: [intro, video]", "lessons: [intro]"
    )
    edit(root, "modules/course.yaml", "modules: [sample]", "modules: [sample, other]")
    edit(root, "modules/course.yaml", "modules: [sample]", "modules: [sample, other]")
    edit(
        root,
        "quizzes/other.yaml",
        None,
        "schema_version: 1\nid: other\nmodule: other\npass_mark: 0.7\n"
        "questions:\n" + questions,
    )


@pytest.mark.parametrize(
    "questions, expected",
    [
        (
            "  - id: when\n    type: true-false\n"
            '    text: {en: "when was the  CRC adopted", ru: "Когда"}\n'
            "    answer: true\n"
            "    feedback:\n      correct: {en: Right, ru: Верно}\n"
            "      incorrect: {en: Wrong, ru: Неверно}\n",
            "quizzes/other.yaml:6: questions.0: warning: the same question as "
            "quizzes/sample.yaml:10, in track 'delegates'",
        ),
        (
            "  - id: hotlines\n    type: fill-in\n"
            '    text: {en: "Which network links hotlines?", ru: "Какая сеть?"}\n'
            "    answers: {en: [inhope], ru: [INHOPE]}\n"
            "    feedback:\n      correct: {en: Right, ru: Верно}\n"
            "      incorrect: {en: Wrong, ru: Неверно}\n",
            "quizzes/other.yaml:6: questions.0: warning: a fill-in with the same "
            "accepted answers as quizzes/sample.yaml:43, in track 'delegates'",
        ),
    ],
    ids=["same question text", "same fill-in answers"],
)
def test_duplicate_items_across_a_track(course_dir, content, questions, expected):
    _second_module(course_dir, questions)
    result = content("check", course_dir)
    lines = result.output.splitlines()
    assert any(line.startswith(expected) for line in lines), result.output
