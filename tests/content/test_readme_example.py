"""modules/README.md is enough to add a lesson and a question: follow its steps here."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "modules" / "README.md"


def worked_example() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("## 7. Worked example") :]


def block_after(text: str, marker: str) -> str:
    """The first fenced code block after ``marker`` in the README."""
    start = text.index(marker)
    match = re.compile(r"```[a-z]*\n(.*?)```", re.S).search(text, start)
    return match.group(1)


def test_the_readme_steps_add_a_lesson_and_a_question(course_dir, content, client):
    example = worked_example().replace("<module>", "sample").replace("<quiz>", "sample")
    module = course_dir / "modules" / "sample"
    # Step 1 and 3: the two lesson files, exactly as printed.
    (module / "03-passwords.en.md").write_text(
        block_after(example, "file `modules/sample/03-passwords.en.md`"),
        encoding="utf-8",
    )
    (module / "03-passwords.ru.md").write_text(
        block_after(example, "file `modules/sample/03-passwords.ru.md`"),
        encoding="utf-8",
    )
    # Step 2: add the id to the lessons list.
    yaml = module / "module.yaml"
    yaml.write_text(
        yaml.read_text().replace(
            "lessons: [intro, video]", "lessons: [intro, video, passwords]"
        )
    )
    # Step 4: append the question at the end of the questions list.
    quiz = course_dir / "quizzes" / "sample.yaml"
    text = quiz.read_text(encoding="utf-8")
    question = block_after(example, "**Step 4.**")
    head, marker, tail = text.partition(
        "\n# Written by `courseware content mark-translated`"
    )
    quiz.write_text(
        head.rstrip("\n") + "\n" + question + marker + tail, encoding="utf-8"
    )
    # Step 5: mark the translations, check.
    commands = block_after(example, "**Step 5.**").split()
    paths = commands[
        commands.index("mark-translated") + 1 : commands.index("mark-translated") + 3
    ]
    marked = content("mark-translated", "--root", course_dir, *paths)
    assert marked.exit_code == 0, marked.output
    checked = content("check", course_dir)
    assert checked.exit_code == 0, checked.output
    assert "0 error(s), 0 warning(s)" in checked.output
    # Step 6: publish; the lesson is served, the question is in the quiz.
    published = content("publish", course_dir, "--note", "New lesson: strong passwords")
    assert "published version 1" in published.output
    page = client.get("/modules/sample/passwords").get_data(as_text=True)
    assert "<h1>Strong passwords</h1>" in page and "Why not use one password" in page
    russian = client.get("/modules/sample/passwords", headers={"Accept-Language": "ru"})
    assert "Надёжные пароли" in russian.get_data(as_text=True)
