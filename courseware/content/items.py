"""Rules for assessment items: quiz questions and lesson scenarios.

A quiz decides track completion and certificates, so its items should be answerable from
the course and not from the shape of the options. These rules warn (they never stop
publishing), except an ``objective`` that points to no objective, which is an error.

- the keyed answer (a single-choice ``correct`` choice, a scenario's ``best`` choice) is
  the longest option by a wide margin: longer than every other option by more than
  ``KEY_MARGIN`` (30 %) of the longest other option's characters *and* by at least
  ``KEY_MIN_CHARS`` (20) characters;
- the options of one item differ wildly in length: the longest has more than
  ``SPREAD_RATIO`` (2.5) times the characters of the shortest, and at least
  ``SPREAD_FLOOR`` (40) characters;
- an ordering item does not name, with ``source: <lesson>#<block id or heading>``, the
  lesson passage that teaches its sequence, or the passage does not exist;
- the same question (normalised text), or a fill-in with the same accepted answers, is
  asked in two quizzes of one track;
- ``objective: N`` is not an objective of the module (error); once a quiz tags any of
  its questions with an objective, a question without one is reported.

Lengths are counted in the source language, in characters, after folding white space.
"""

from __future__ import annotations

import re

from courseware.content.loader import Tree
from courseware.content.problems import Problems
from courseware.content.yamlfile import as_dict, as_list

KEY_MARGIN = 0.30
KEY_MIN_CHARS = 20
SPREAD_RATIO = 2.5
SPREAD_FLOOR = 40

KEY_HINT = (
    "learners pick the longest option without reading the course: make the "
    "distractors as specific as the answer, or shorten the answer"
)
SPREAD_HINT = "write options of similar length and form"


def check_items(tree: Tree, problems: Problems) -> None:
    """Warn about items that can be passed by their shape, or that repeat."""
    lang = tree.source_language
    for quiz_id, located in tree.quizzes.items():
        _check_quiz(tree, quiz_id, located, lang, problems)
    for by_lesson in tree.lessons.values():
        for by_lang in by_lesson.values():
            lesson = by_lang.get(lang)
            if lesson is not None:
                _check_scenarios(lesson, problems)
    _check_duplicates(tree, lang, problems)


def length(text) -> int:
    """Characters of a text, white space folded."""
    return len(re.sub(r"\s+", " ", str(text or "")).strip())


def key_margin(key: int, others: list[int]) -> bool:
    """True when ``key`` is longer than every other length by a wide margin."""
    if not others:
        return False
    longest = max(others)
    return key - longest >= KEY_MIN_CHARS and key > longest * (1 + KEY_MARGIN)


def spread(lengths: list[int]) -> bool:
    """True when the longest option is far longer than the shortest."""
    if len(lengths) < 2:
        return False
    return max(lengths) >= SPREAD_FLOOR and max(lengths) > SPREAD_RATIO * max(
        min(lengths), 1
    )


def _text(value, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or "")
    return str(value or "")


def _options(rel, line_of, choices, lang, key_field, noun, field, problems) -> None:
    """Rules (a) and (b) on one list of choices."""
    entries = [c for c in choices if isinstance(c, dict)]
    if len(entries) != len(choices) or len(entries) < 2:
        return
    lengths = [length(_text(c.get("text"), lang)) for c in entries]
    keyed = [i for i, c in enumerate(entries) if key_field and c.get(key_field) is True]
    if len(keyed) == 1:
        index = keyed[0]
        others = lengths[:index] + lengths[index + 1 :]
        if key_margin(lengths[index], others):
            problems.warn(
                rel,
                line_of(index),
                f"{field}.{index}",
                f"the {noun} is the longest option by far ({lengths[index]} "
                f"characters, the others at most {max(others)})",
                KEY_HINT,
            )
    if spread(lengths):
        long_i, short_i = lengths.index(max(lengths)), lengths.index(min(lengths))
        problems.warn(
            rel,
            line_of(None),
            field,
            f"option lengths differ widely: {entries[long_i].get('id')!r} has "
            f"{lengths[long_i]} characters, {entries[short_i].get('id')!r} "
            f"{lengths[short_i]} (more than {SPREAD_RATIO:g} times)",
            SPREAD_HINT,
        )


def _check_scenarios(lesson, problems: Problems) -> None:
    for block in lesson.blocks:
        if block.type != "scenario" or block.located is None:
            continue
        data = block.located.data
        if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
            continue
        located = block.located

        def line_of(index, located=located):
            path = ("choices",) if index is None else ("choices", index)
            return located.line(*path)

        _options(
            lesson.rel_path,
            line_of,
            data["choices"],
            lesson.lang,
            "best",
            "best choice",
            "scenario.choices",
            problems,
        )


def slug(heading: str) -> str:
    """The anchor of a heading: lower case, runs of other characters as hyphens."""
    return re.sub(r"[^\w]+", "-", heading.casefold()).strip("-")


def anchors(lesson) -> set[str]:
    """Block ids and heading anchors of a lesson, the targets of ``source:``."""
    found: set[str] = set()
    for block in lesson.blocks:
        if block.type == "text":
            for match in re.finditer(r"(?m)^#{2,6}\s+(.+?)\s*#*\s*$", block.markdown):
                found.add(slug(match.group(1)))
        elif block.located is not None and isinstance(block.located.data, dict):
            block_id = block.located.data.get("id")
            if isinstance(block_id, str):
                found.add(block_id)
    return found


def _check_quiz(tree: Tree, quiz_id: str, located, lang: str, problems) -> None:
    rel = tree.quiz_paths[quiz_id]
    module = located.data.get("module")
    module = module if isinstance(module, str) else ""
    module_data = (
        tree.modules[module].data
        if isinstance(module, str) and module in tree.modules
        else {}
    )
    objectives = as_list(as_dict(module_data.get("objectives")).get(lang))
    questions = as_list(located.data.get("questions"))
    tagged = any(isinstance(q, dict) and "objective" in q for q in questions)
    for index, question in enumerate(questions):
        if not isinstance(question, dict):
            continue
        where = ("questions", index)
        qtype = question.get("type")
        if qtype in ("single", "multiple") and isinstance(
            question.get("choices"), list
        ):

            def line_of(i, where=where):
                path = (*where, "choices") if i is None else (*where, "choices", i)
                return located.line(*path)

            _options(
                rel,
                line_of,
                question["choices"],
                lang,
                "correct" if qtype == "single" else None,
                "correct choice",
                f"questions.{index}.choices",
                problems,
            )
        if "source" in question:
            _check_source(
                tree, module, question["source"], rel, located, index, problems
            )
        elif qtype == "ordering":
            problems.warn(
                rel,
                located.line(*where, "id"),
                f"questions.{index}.source",
                "an ordering question does not say which lesson teaches its order",
                "add `source: <lesson>#<block id or heading>`, the passage that "
                "states the sequence; ask for an order only where a lesson teaches one",
            )
        objective = question.get("objective")
        if isinstance(objective, int) and not isinstance(objective, bool):
            if objectives and not 1 <= objective <= len(objectives):
                problems.add(
                    rel,
                    located.line(*where, "objective"),
                    f"questions.{index}.objective",
                    f"objective {objective} is not one of the module's "
                    f"{len(objectives)} objectives",
                    f"number the objectives of modules/{module}/module.yaml from 1",
                )
        elif "objective" not in question and tagged:
            problems.warn(
                rel,
                located.line(*where, "id"),
                f"questions.{index}.objective",
                "this question names no objective, other questions of the quiz do",
                "add `objective: N`, the module objective it measures (from 1)",
            )


def _check_source(tree, module, source, rel, located, index, problems) -> None:
    line = located.line("questions", index, "source")
    lesson_id, _, anchor = str(source).partition("#")
    by_lesson = tree.lessons.get(module, {}) if module else {}
    lesson = by_lesson.get(lesson_id, {}).get(tree.source_language)
    if lesson is None:
        message = f"source {source!r}: no lesson {lesson_id!r} in this module"
    elif not anchor:
        message = f"source {source!r} names a lesson but no passage"
    elif anchor not in anchors(lesson):
        message = (
            f"source {source!r}: no block id or heading {anchor!r} in {lesson.rel_path}"
        )
    else:
        return
    problems.warn(
        rel,
        line,
        f"questions.{index}.source",
        message,
        "write <lesson id>#<block id>, or #<heading> in lower case with hyphens",
    )


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _check_duplicates(tree: Tree, lang: str, problems: Problems) -> None:
    reported: set[tuple] = set()
    for track in as_list(tree.course_data.get("tracks")):
        if not isinstance(track, dict):
            continue
        seen: dict[tuple, tuple[str, str, int]] = {}
        for module in as_list(track.get("modules")):
            if not isinstance(module, str) or module not in tree.modules:
                continue
            quiz_id = as_dict(tree.modules[module].data).get("quiz")
            if not isinstance(quiz_id, str) or quiz_id not in tree.quizzes:
                continue
            located, rel = tree.quizzes[quiz_id], tree.quiz_paths[quiz_id]
            for index, question in enumerate(as_list(located.data.get("questions"))):
                if not isinstance(question, dict):
                    continue
                keys = [("text", _normalise(_text(question.get("text"), lang)))]
                answers = as_dict(question.get("answers")).get(lang)
                if question.get("type") == "fill-in" and isinstance(answers, list):
                    keys.append(
                        ("answers", frozenset(_normalise(str(a)) for a in answers))
                    )
                line = located.line("questions", index, "id")
                for key in keys:
                    if not key[1]:
                        continue
                    first = seen.get(key)
                    if first is None:
                        seen[key] = (quiz_id, rel, line)
                        continue
                    if first[0] == quiz_id or (first[1:], rel, line) in reported:
                        continue
                    reported.add((first[1:], rel, line))
                    what = (
                        "the same question"
                        if key[0] == "text"
                        else "a fill-in with the same accepted answers"
                    )
                    problems.warn(
                        rel,
                        line,
                        f"questions.{index}",
                        f"{what} as {first[1]}:{first[2]}, in track "
                        f"{track.get('id')!r}",
                        "ask each thing once per track: change or remove one of them",
                    )
