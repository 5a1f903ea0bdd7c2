"""Hostile YAML: alias bombs, recursive aliases, tags, merge keys and the like are
refused at their line, fast, and publish nothing."""

from __future__ import annotations

import time

import pytest

from tests.content.conftest import edit

QUIZ = "quizzes/sample.yaml"
INTRO_EN = "modules/sample/01-intro.en.md"

LAUGHS = "\n".join(
    [
        "pool: 6",
        'lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
        *(
            f"lol{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]"
            for n in range(1, 10)
        ),
    ]
)

# (name, file, text to replace, replacement, expected `path:line: field: message`)
CASES = [
    (
        "billion laughs",
        QUIZ,
        "pool: 6",
        LAUGHS,
        "quizzes/sample.yaml:7: yaml: the anchor &a0 is not allowed: YAML anchors and "
        "aliases are refused (hint: write the value out in full where it is needed)",
    ),
    (
        "recursive alias",
        QUIZ,
        "pool: 6",
        "pool: 6\na: &a [*a]",
        "quizzes/sample.yaml:7: yaml: the anchor &a is not allowed: YAML anchors and "
        "aliases are refused (hint: write the value out in full where it is needed)",
    ),
    (
        "alias without its anchor",
        QUIZ,
        "pool: 6",
        "pool: *six",
        "quizzes/sample.yaml:6: yaml: the alias *six is not allowed: YAML anchors and "
        "aliases are refused (hint: write the value out in full where it is needed)",
    ),
    (
        "python tag",
        QUIZ,
        "pool: 6",
        "pool: 6\nrun: !!python/object:os.system ls",
        "quizzes/sample.yaml:7: yaml: the tag !!python/object:os.system is not allowed "
        "(hint: remove the tag; put the text in quotes if it starts with '!')",
    ),
    (
        "python tag on a mapping",
        QUIZ,
        "pool: 6",
        "pool: 6\nrun: !!python/object/apply:os.system [ls]",
        "quizzes/sample.yaml:7: yaml: the tag !!python/object/apply:os.system is not "
        "allowed",
    ),
    (
        "local tag",
        QUIZ,
        "pool: 6",
        "pool: !include other.yaml",
        "quizzes/sample.yaml:6: yaml: the tag !include is not allowed",
    ),
    (
        "merge key with an alias",
        QUIZ,
        "pool: 6",
        "pool: 6\nbase: &x {attempts: 3}\nmore:\n  <<: *x",
        "quizzes/sample.yaml:7: yaml: the anchor &x is not allowed: YAML anchors and "
        "aliases are refused",
    ),
    (
        "merge key without an alias",
        QUIZ,
        "pool: 6",
        "pool: 6\n<<: {attempts: 3}",
        "quizzes/sample.yaml:7: yaml: merge keys (<<) are not allowed (hint: write the "
        "value out in full where it is needed)",
    ),
    (
        "anchor in lesson front matter",
        INTRO_EN,
        "minutes: 5",
        "minutes: &m 5",
        "modules/sample/01-intro.en.md:4: front matter: the anchor &m is not allowed",
    ),
    (
        "alias in a block",
        INTRO_EN,
        "alt: A child at a computer.",
        "alt: *text",
        "modules/sample/01-intro.en.md:11: image: the alias *text is not allowed",
    ),
    (
        "control character",
        QUIZ,
        "pool: 6",
        "pool: 6\nnote: a\x07b",
        "quizzes/sample.yaml:7: yaml: YAML syntax: the character #x0007 is not allowed "
        "(hint: remove control characters from the file)",
    ),
    (
        "integer too long to read",
        QUIZ,
        "pool: 6",
        "pool: " + "9" * 5000,
        "quizzes/sample.yaml:6: yaml: the value '" + "9" * 40 + "' cannot be read",
    ),
    (
        "infinite number",
        QUIZ,
        "pass_mark: 0.7",
        "pass_mark: .inf",
        "quizzes/sample.yaml:4: yaml: the number '.inf' is not finite",
    ),
    (
        "nesting too deep",
        QUIZ,
        "pool: 6",
        "pool: " + "[" * 40 + "]" * 40,
        "quizzes/sample.yaml:6: yaml: nested more than 32 levels deep",
    ),
    (
        "unknown implicit type",
        QUIZ,
        "pool: 6",
        "pool: =",
        "quizzes/sample.yaml:6: yaml: the value '=' cannot be read",
    ),
]


@pytest.mark.parametrize("name,rel,old,new,expected", CASES, ids=[c[0] for c in CASES])
def test_hostile_yaml_is_refused_at_its_line_and_changes_nothing(
    course_dir, content, stored, name, rel, old, new, expected
):
    assert content("publish", course_dir, "--note", "good").exit_code == 0
    before = stored()
    edit(course_dir, rel, old, new)
    started = time.monotonic()
    result = content("check", course_dir)
    assert time.monotonic() - started < 1.0
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output
    assert isinstance(result.exception, SystemExit)  # no traceback
    published = content("publish", course_dir, "--note", "bad")
    assert published.exit_code == 1
    assert expected in published.output
    assert "nothing was published; version 1 is still active" in published.output
    assert stored() == before


def test_the_alias_bomb_is_refused_in_well_under_a_second(course_dir, content):
    edit(course_dir, QUIZ, "pool: 6", LAUGHS)
    started = time.monotonic()
    result = content("check", course_dir)
    assert time.monotonic() - started < 0.5
    assert result.exit_code == 1
    assert "quizzes/sample.yaml:7: yaml: the anchor &a0 is not allowed" in result.output


MODULE = "modules/sample/module.yaml"
COURSE = "modules/course.yaml"
VIDEO_EN = "modules/sample/02-video.en.md"

# Valid YAML with fields of the wrong shape: the schema reports them; the checks
# across files must not trip over them (each once raised a TypeError).
SHAPES = [
    (QUIZ, "module: sample", "module: {a: 1}"),
    (QUIZ, "pool: 6", "pool: 6\ntranslated_from: {ru: 5}"),
    (QUIZ, "  - id: crc-year", "  - null\n  - 5\n  - id: crc-year"),
    (QUIZ, "    type: single", "    type: [single]"),
    (QUIZ, "pool: 6", "pool: 2024-01-01"),
    (MODULE, "lessons: [intro, video]", "lessons: 5"),
    (MODULE, "lessons: [intro, video]", "lessons: [[intro], {a: 1}]"),
    (MODULE, "minutes: 10", "minutes: 10\nprerequisites: [[x]]"),
    (MODULE, "minutes: 10", "minutes: 10\nobjectives: {en: 5, ru: [1]}"),
    (COURSE, "modules: [sample]", "modules: 5"),
    (COURSE, "modules: [sample]", "modules: [[sample]]"),
    (COURSE, "languages: [en, ru]", "languages: [[en]]"),
    (COURSE, "id: test-course", "id: test-course\ntracks: [5, null]"),
    (INTRO_EN, "title: Introduction", "title: [1]"),
    (INTRO_EN, "src: media/picture.svg", "src: [media/picture.svg]"),
    (VIDEO_EN, "captions:", "captions: 5\nold:"),
    (VIDEO_EN, "src: media/sample.webm", "src: {en: [x]}"),
]


@pytest.mark.parametrize("rel,old,new", SHAPES)
def test_fields_of_the_wrong_shape_are_reported_never_raised(
    course_dir, content, rel, old, new
):
    edit(course_dir, rel, old, new)
    for command in ("check", "status"):
        result = content(command, course_dir)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            command,
            repr(result.exception),
        )
    checked = content("check", course_dir)
    assert checked.exit_code == 1 and f"{rel}:" in checked.output, checked.output
    published = content("publish", course_dir, "--note", "x")
    assert published.exit_code == 1 and isinstance(published.exception, SystemExit)
