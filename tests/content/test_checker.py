"""The checker: a catalogue of malformed inputs, each with its message, file and line;
none of them publishes anything or changes the active version."""

from __future__ import annotations

import os
import re

import pytest

from tests.content.conftest import edit

INTRO_EN = "modules/sample/01-intro.en.md"
INTRO_RU = "modules/sample/01-intro.ru.md"
VIDEO_EN = "modules/sample/02-video.en.md"
MODULE = "modules/sample/module.yaml"
COURSE = "modules/course.yaml"
QUIZ = "quizzes/sample.yaml"

# (name, file, text to replace, replacement, expected `path:line: field: message`)
CASES = [
    (
        "broken yaml",
        COURSE,
        "languages: [en, ru]",
        "languages: [en, ru",
        "modules/course.yaml:5: yaml: YAML syntax",
    ),
    (
        "unknown field",
        COURSE,
        "id: test-course",
        "id: test-course\ncolour: blue",
        "modules/course.yaml:3: colour: unknown field 'colour'",
    ),
    (
        "missing required field",
        MODULE,
        "minutes: 10\n",
        "",
        "modules/sample/module.yaml:1: minutes: missing required field",
    ),
    (
        "module id differs from folder",
        MODULE,
        "id: sample",
        "id: other",
        "modules/sample/module.yaml:2: id: the id 'other' differs from the folder name",
    ),
    (
        "malformed id",
        MODULE,
        "lessons: [intro, video]",
        "lessons: [Intro, video]",
        "modules/sample/module.yaml:12: lessons.0: 'Intro' is not a valid id",
    ),
    (
        "track names an unknown module",
        COURSE,
        "    modules: [sample]",
        "    modules: [sample, ghost]",
        "modules/course.yaml:11: tracks.0.modules.1: no module 'ghost' in the course",
    ),
    (
        "course names an unknown module",
        COURSE,
        "modules: [sample]",
        "modules: [sample, ghost]",
        "modules/course.yaml:7: modules.1: no module 'ghost'",
    ),
    (
        "module names an unknown quiz",
        MODULE,
        "quiz: sample",
        "quiz: nothere",
        "modules/sample/module.yaml:11: quiz: no quiz 'nothere'",
    ),
    (
        "lesson without a file",
        MODULE,
        "lessons: [intro, video]",
        "lessons: [intro, video, extra]",
        "modules/sample/module.yaml:12: lessons.2: no file for lesson 'extra' in 'en'",
    ),
    (
        "lesson file not listed",
        "modules/sample/03-extra.en.md",
        None,
        "---\nid: extra\ntitle: Extra\n---\n\nText.\n",
        "modules/sample/03-extra.en.md:1: id: lesson 'extra' is not in module.yaml's lessons",
    ),
    (
        "image without alt text",
        INTRO_EN,
        "alt: A child at a computer.\n",
        "",
        "modules/sample/01-intro.en.md:10: alt: missing required field",
    ),
    (
        "image file missing",
        INTRO_EN,
        "src: media/picture.svg",
        "src: media/nothere.svg",
        "modules/sample/01-intro.en.md:10: image.src: the file media/nothere.svg does not exist",
    ),
    (
        "script in Markdown",
        INTRO_EN,
        "## Think about it",
        "<script>alert(1)</script>\n\n## T",
        "modules/sample/01-intro.en.md:14: text: the HTML tag <script> is not allowed",
    ),
    (
        "iframe in Markdown",
        INTRO_EN,
        "## Think about it",
        '<iframe src="https://evil.example"></iframe>\n\n## T',
        "modules/sample/01-intro.en.md:14: text: the HTML tag <iframe> is not allowed",
    ),
    (
        "event attribute",
        INTRO_EN,
        "## Think about it",
        '<span onclick="x()">hi</span>',
        "modules/sample/01-intro.en.md:14: text: the event attribute onclick= is not allowed",
    ),
    (
        "javascript: link",
        INTRO_EN,
        "## Think about it",
        "[click](javascript:alert(1))",
        "modules/sample/01-intro.en.md:14: text: the link 'javascript:alert(1' is not allowed",
    ),
    (
        "script inside a block's Markdown",
        INTRO_EN,
        "  Because children spend",
        "  <script>x()</script> Because children spend",
        "modules/sample/01-intro.en.md:20: reveal: the HTML tag <script> is not allowed",
    ),
    (
        "internal link to no lesson",
        INTRO_EN,
        "lesson:sample/video",
        "lesson:sample/nothere",
        "modules/sample/01-intro.en.md:7: text: the link 'lesson:sample/nothere' points to no "
        "lesson",
    ),
    (
        "link that cannot be followed",
        INTRO_EN,
        "lesson:sample/video",
        "../secret.txt",
        "modules/sample/01-intro.en.md:7: text: the link '../secret.txt' cannot be followed",
    ),
    (
        "caption file missing",
        "modules/sample/media/sample.ru.vtt",
        "",
        None,
        "modules/sample/02-video.en.md:15: video.captions.ru: the file media/sample.ru.vtt does "
        "not exist",
    ),
    (
        "no captions in a lesson language",
        VIDEO_EN,
        "  ru: media/sample.ru.vtt\n",
        "",
        "modules/sample/02-video.en.md:13: video.captions: no captions in 'ru'",
    ),
    (
        "captions not WebVTT",
        VIDEO_EN,
        "en: media/sample.en.vtt",
        "en: media/sample.en.srt",
        "modules/sample/02-video.en.md:14: captions.en: captions must be WebVTT (.vtt) files",
    ),
    (
        "translation misses a block",
        INTRO_RU,
        "::: reveal\nid: why-rights\ntitle: Почему права важны в интернете?\nbody: |\n"
        "  Потому что дети проводят в интернете большую часть жизни.\n:::\n",
        "",
        "modules/sample/01-intro.ru.md:18: blocks: block 4 differs from the source: expected "
        "reveal",
    ),
    (
        "translation changes a choice id",
        INTRO_RU,
        "  - id: tell",
        "  - id: inform",
        "modules/sample/01-intro.ru.md:24: blocks: block 5 differs from the source",
    ),
    (
        "duplicate question id",
        QUIZ,
        "  - id: risks",
        "  - id: crc-year",
        "quizzes/sample.yaml:21: questions.1.id: duplicate question id 'crc-year'",
    ),
    (
        "single choice with two answers",
        QUIZ,
        '        text: {en: "2000", ru: "2000"}\n',
        '        text: {en: "2000", ru: "2000"}\n        correct: true\n',
        "quizzes/sample.yaml:13: questions.0.choices: a single-choice question needs exactly "
        "one correct: true",
    ),
    (
        "multiple choice with one answer",
        QUIZ,
        "        text: {en: Content, ru: Контент}\n        correct: true\n",
        "        text: {en: Content, ru: Контент}\n",
        "quizzes/sample.yaml:24: questions.1.choices: a multiple-choice question needs two or "
        "more correct: true",
    ),
    (
        "unknown question type",
        QUIZ,
        "type: ordering",
        "type: essay",
        "quizzes/sample.yaml:64: questions.5.type: unknown question type 'essay'",
    ),
    (
        "true-false without an answer",
        QUIZ,
        "    answer: true\n",
        "",
        "quizzes/sample.yaml:36: questions.2.answer: missing required field",
    ),
    (
        "fill-in without answers in a language",
        QUIZ,
        "answers: {en: [INHOPE], ru: [INHOPE]}",
        "answers: {en: [INHOPE]}",
        "quizzes/sample.yaml:46: questions.3.answers: no accepted answers in 'ru'",
    ),
    (
        "pool larger than the questions",
        QUIZ,
        "pool: 6",
        "pool: 9",
        "quizzes/sample.yaml:6: pool: pool 9 is larger than the 6 questions",
    ),
    (
        "quiz names an unknown module",
        QUIZ,
        "module: sample",
        "module: other",
        "quizzes/sample.yaml:3: module: no module 'other'",
    ),
    (
        "duplicate key",
        MODULE,
        "minutes: 10",
        "minutes: 10\nminutes: 12",
        "modules/sample/module.yaml:9: yaml: duplicate key 'minutes'",
    ),
    (
        "unknown block type",
        INTRO_EN,
        "::: reveal",
        "::: poll",
        "modules/sample/01-intro.en.md:16: poll: unknown block type 'poll'",
    ),
    (
        "block not closed",
        VIDEO_EN,
        "    url: https://childhelplineinternational.org/helplines/\n:::",
        "    url: https://childhelplineinternational.org/helplines/",
        "modules/sample/02-video.en.md:21: helplines: the block is not closed",
    ),
    (
        "front matter without a title",
        INTRO_EN,
        "title: Introduction\n",
        "",
        "modules/sample/01-intro.en.md:2: title: missing required field",
    ),
    (
        "front matter not closed",
        INTRO_EN,
        "minutes: 5\n---",
        "minutes: 5",
        "modules/sample/01-intro.en.md:1: front matter: the front matter is not closed",
    ),
    (
        "lesson id differs from file name",
        INTRO_EN,
        "id: intro",
        "id: welcome",
        "modules/sample/01-intro.en.md:2: id: the id 'welcome' differs from the file name's",
    ),
    (
        "scenario without a best choice",
        INTRO_EN,
        "    best: true",
        "    best: false",
        "modules/sample/01-intro.en.md:28: choices: no choice is marked best: true",
    ),
    (
        "level-1 heading in a lesson",
        INTRO_EN,
        "## Think about it",
        "# Think about it",
        "modules/sample/01-intro.en.md:14: text: a '#' heading inside a lesson",
    ),
    (
        "stray file in a module",
        "modules/sample/notes.txt",
        None,
        "todo",
        "modules/sample/notes.txt:1: file name: unexpected file 'notes.txt'",
    ),
    (
        "duplicate block id in a module",
        VIDEO_EN,
        "id: sample-video",
        "id: why-rights",
        "modules/sample/02-video.en.md:8: video.id: duplicate id 'why-rights' in this module",
    ),
    (
        "lesson in a language the course lacks",
        "modules/sample/01-intro.fr.md",
        None,
        "---\nid: intro\ntitle: Introduction\n---\n\nTexte.\n",
        "modules/sample/01-intro.fr.md:1: file name: 'fr' is not one of the course's languages",
    ),
    (
        "not UTF-8",
        MODULE,
        "minutes: 10",
        "minutes: 10\n# \udcff",
        "modules/sample/module.yaml:1: file: the file is not UTF-8 text",
    ),
]


def apply(root, rel, old, new):
    if "\udcff" in (new or ""):
        path = root / rel
        path.write_bytes(path.read_bytes() + b"\n# \xff\xfe\n")
        return
    edit(root, rel, old, new)


def test_the_valid_course_has_no_problems(course_dir, content):
    result = content("check", course_dir)
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


@pytest.mark.parametrize("name,rel,old,new,expected", CASES, ids=[c[0] for c in CASES])
def test_malformed_input_is_reported_and_publishes_nothing(
    course_dir, content, name, rel, old, new, expected
):
    assert content("publish", course_dir, "--note", "good").exit_code == 0
    apply(course_dir, rel, old, new)
    result = content("check", course_dir)
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output
    published = content("publish", course_dir, "--note", "bad")
    assert published.exit_code == 1
    assert "nothing was published; version 1 is still active" in published.output
    versions = content("versions").output.strip().splitlines()
    assert len(versions) == 1 and versions[0].startswith("*    1 ")


def test_every_problem_is_reported_in_one_run(course_dir, content):
    chosen = {
        "image without alt text",
        "script in Markdown",
        "unknown block type",
        "no captions in a lesson language",
        "duplicate question id",
        "pool larger than the questions",
        "module names an unknown quiz",
    }
    cases = [case for case in CASES if case[0] in chosen]
    for _name, rel, old, new, _expected in cases:
        apply(course_dir, rel, old, new)
    result = content("check", course_dir)
    assert result.exit_code == 1
    output = re.sub(r":\d+: ", ": ", result.output)  # earlier edits shift lines
    for *_rest, expected in cases:
        assert re.sub(r":\d+: ", ": ", expected) in output


def test_symbolic_link_in_the_tree_is_refused(course_dir, content):
    os.symlink("/etc/passwd", course_dir / "modules/sample/media/passwd.svg")
    result = content("check", course_dir)
    assert result.exit_code == 1
    assert (
        "modules/sample/media/passwd.svg:1: file: symbolic links are not allowed"
        in result.output
    )


def test_catalogue_has_at_least_thirty_cases():
    assert len(CASES) >= 30
