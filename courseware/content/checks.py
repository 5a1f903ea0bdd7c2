"""Checks across files: references, ids, media, captions, Markdown, translations."""

from __future__ import annotations

from courseware.content.blocks import BLOCK_TYPES
from courseware.content.hashing import lesson_source_hash, text_hash
from courseware.content.lessons import LessonFile
from courseware.content.loader import Tree
from courseware.content.markdown import check_markdown, links
from courseware.content.problems import Problems
from courseware.content.yamlfile import as_dict, as_list
from courseware.quiz.types import QUESTION_TYPES

MARK_HINT = (
    "update the translation, then run `courseware content mark-translated {path}`"
)


def check_references(tree: Tree, problems: Problems) -> None:
    """Course -> modules -> quizzes and prerequisites all exist, ids are unique."""
    course = tree.course_data
    where = "modules/course.yaml"
    listed = [m for m in as_list(course.get("modules")) if isinstance(m, str)]
    for index, module in enumerate(listed):
        line = tree.course.line("modules", index)
        if module in listed[:index]:
            problems.add(
                where, line, f"modules.{index}", f"module {module!r} is listed twice"
            )
        elif module not in tree.modules and module not in tree.unreadable:
            problems.add(
                where,
                line,
                f"modules.{index}",
                f"no module {module!r}",
                f"create modules/{module}/module.yaml or remove it from the list",
            )
    for module in tree.modules:
        if module not in listed and course:
            problems.add(
                f"modules/{module}/module.yaml",
                1,
                "id",
                f"module {module!r} is not in course.yaml's modules",
                "add it to the modules list",
            )
    tracks = [t for t in as_list(course.get("tracks")) if isinstance(t, dict)]
    track_ids = [t.get("id") for t in tracks]
    for index, track in enumerate(tracks):
        if track.get("id") in track_ids[:index]:
            problems.add(
                where,
                tree.course.line("tracks", index, "id"),
                f"tracks.{index}.id",
                f"duplicate track id {track.get('id')!r}",
            )
        for m_index, module in enumerate(as_list(track.get("modules"))):
            if module not in listed:
                problems.add(
                    where,
                    tree.course.line("tracks", index, "modules", m_index),
                    f"tracks.{index}.modules.{m_index}",
                    f"no module {module!r} in the course",
                    "a track lists modules from course.yaml's modules",
                )
    languages = tree.languages
    if course and tree.source_language not in languages:
        problems.add(
            where,
            tree.course.line("source_language"),
            "source_language",
            f"{tree.source_language!r} is not one of the languages",
        )
    media_ids: dict[str, str] = {}
    for module, located in tree.modules.items():
        _check_module(tree, module, located, problems, media_ids)
    for quiz_id, located in tree.quizzes.items():
        owner = located.data.get("module")
        rel = tree.quiz_paths[quiz_id]
        if not isinstance(owner, str) or owner in tree.unreadable:
            pass  # the schema reported it, or the module did not parse
        elif owner not in tree.modules:
            problems.add(rel, located.line("module"), "module", f"no module {owner!r}")
        elif tree.modules[owner].data.get("quiz") != quiz_id:
            problems.add(
                rel,
                located.line("module"),
                "module",
                f"module {owner!r} does not name this quiz",
                f"set quiz: {quiz_id} in its module.yaml",
            )
        questions = [
            q for q in as_list(located.data.get("questions")) if isinstance(q, dict)
        ]
        pool = located.data.get("pool")
        if isinstance(pool, int) and pool > len(questions):
            problems.add(
                rel,
                located.line("pool"),
                "pool",
                f"pool {pool} is larger than the {len(questions)} questions",
                "lower the pool or add questions",
            )


def _check_module(
    tree: Tree, module: str, located, problems: Problems, media_ids: dict[str, str]
) -> None:
    rel = f"modules/{module}/module.yaml"
    data = located.data
    quiz = data.get("quiz")
    if (
        isinstance(quiz, str)
        and quiz not in tree.quizzes
        and (f"quiz:{quiz}" not in tree.unreadable)
    ):
        problems.add(
            rel,
            located.line("quiz"),
            "quiz",
            f"no quiz {quiz!r}",
            f"create quizzes/{quiz}.yaml",
        )
    for index, prereq in enumerate(as_list(data.get("prerequisites"))):
        if not isinstance(prereq, str):
            continue  # the schema reported it
        if prereq not in tree.modules or prereq == module:
            problems.add(
                rel,
                located.line("prerequisites", index),
                f"prerequisites.{index}",
                f"no module {prereq!r} to take first",
            )
    lessons = [x for x in as_list(data.get("lessons")) if isinstance(x, str)]
    found = tree.lessons.get(module, {})
    for index, lesson in enumerate(lessons):
        line = located.line("lessons", index)
        if lesson in lessons[:index]:
            problems.add(
                rel, line, f"lessons.{index}", f"lesson {lesson!r} is listed twice"
            )
        elif tree.source_language not in found.get(lesson, {}):
            problems.add(
                rel,
                line,
                f"lessons.{index}",
                f"no file for lesson {lesson!r} in {tree.source_language!r}",
                f"create modules/{module}/NN-{lesson}.{tree.source_language}.md",
            )
    for lesson, by_lang in found.items():
        if lesson not in lessons:
            first = next(iter(by_lang.values()))
            problems.add(
                first.rel_path,
                1,
                "id",
                f"lesson {lesson!r} is not in module.yaml's lessons",
                "add it to the lessons list, in order",
            )
    objectives = data.get("objectives") or {}
    if isinstance(objectives, dict) and tree.source_language in objectives:
        count = len(as_list(objectives[tree.source_language]))
        for lang, items in objectives.items():
            if isinstance(items, list) and len(items) != count:
                problems.add(
                    rel,
                    located.line("objectives", lang),
                    f"objectives.{lang}",
                    f"{len(items)} objectives, the source has {count}",
                    "translate each objective once",
                )
    block_ids: dict[str, str] = {}
    for by_lang in found.values():
        source = by_lang.get(tree.source_language)
        for lang, lesson_file in by_lang.items():
            if lang not in tree.languages and tree.course is not None:
                problems.add(
                    lesson_file.rel_path,
                    1,
                    "file name",
                    f"{lang!r} is not one of the course's languages",
                    "add it to languages in course.yaml",
                )
            _check_lesson(tree, module, lesson_file, sorted(by_lang), problems)
            if lang == tree.source_language:
                _collect_ids(lesson_file, block_ids, media_ids, module, problems)
            elif source is not None and not any(
                p.path == source.rel_path and p.severity == "error"
                for p in problems.items
            ):
                _check_translation(source, lesson_file, problems)


def _blocks(lesson: LessonFile):
    """(raw block, data) for every block that parsed and has a known type."""
    for block in lesson.blocks:
        if block.type == "text":
            yield block, {"markdown": block.markdown}
        elif block.located is not None and block.type in BLOCK_TYPES:
            yield block, block.located.data


def _collect_ids(
    lesson: LessonFile,
    block_ids: dict,
    media_ids: dict,
    module: str,
    problems: Problems,
) -> None:
    for block, data in _blocks(lesson):
        block_id = data.get("id") if isinstance(data.get("id"), str) else None
        if block_id is None:
            continue
        where = f"{lesson.rel_path}:{block.line}"
        if block_id in block_ids:
            problems.add(
                lesson.rel_path,
                block.line,
                f"{block.type}.id",
                f"duplicate id {block_id!r} in this module",
                f"first used at {block_ids[block_id]}",
            )
        block_ids.setdefault(block_id, where)
        if block.type in ("video", "audio"):
            if block_id in media_ids and media_ids[block_id] != where:
                problems.add(
                    lesson.rel_path,
                    block.line,
                    f"{block.type}.id",
                    f"duplicate media id {block_id!r} in the course",
                    f"first used at {media_ids[block_id]}",
                )
            media_ids.setdefault(block_id, where)


def _check_lesson(
    tree: Tree,
    module: str,
    lesson: LessonFile,
    lesson_langs: list[str],
    problems: Problems,
) -> None:
    rel = lesson.rel_path
    has_interactive = False
    for block, data in _blocks(lesson):
        block_type = BLOCK_TYPES[block.type]
        has_interactive = has_interactive or block_type.interactive
        texts = block_type.markdown(data)
        for path, text in texts:
            first = (
                block.line if block.type == "text" else block.located.line(*path) + 1
            )
            for line, message, hint in check_markdown(text, first):
                problems.add(rel, line, block.type, message, hint)
            for line, href in links(text, first):
                _check_link(tree, module, href, rel, line, block.type, problems)
        for path, media, _lang in block_type.media(data):
            line = block.located.line(*path)
            if f"modules/{module}/{media}" not in tree.files:
                problems.add(
                    rel,
                    line,
                    f"{block.type}.{'.'.join(map(str, path))}",
                    f"the file {media} does not exist",
                    f"put it in modules/{module}/media/",
                )
        if block.type in ("video", "audio"):
            for key in (
                ("captions", "transcript") if block.type == "video" else ("transcript",)
            ):
                given = as_dict(data.get(key))
                for lang in lesson_langs:
                    if lang not in given:
                        problems.add(
                            rel,
                            block.located.line(key),
                            f"{block.type}.{key}",
                            f"no {key} in {lang!r}, a language this lesson exists in",
                            f"add `{lang}: media/...` under {key}",
                        )


def _check_link(
    tree: Tree,
    module: str,
    href: str,
    rel: str,
    line: int,
    field: str,
    problems: Problems,
) -> None:
    if href.startswith(("http://", "https://", "mailto:", "tel:", "#")):
        return
    if href.startswith("media/"):
        if f"modules/{module}/{href}" not in tree.files:
            problems.add(
                rel,
                line,
                field,
                f"the link {href!r} points to a missing file",
                f"put it in modules/{module}/media/",
            )
        return
    if href.startswith("module:"):
        if href.removeprefix("module:") not in tree.modules:
            problems.add(
                rel,
                line,
                field,
                f"the link {href!r} points to no module",
                "write module:<module-id>",
            )
        return
    if href.startswith("lesson:"):
        target = href.removeprefix("lesson:")
        target_module, _, target_lesson = target.rpartition("/")
        target_module = target_module or module
        if target_lesson not in tree.lessons.get(target_module, {}):
            problems.add(
                rel,
                line,
                field,
                f"the link {href!r} points to no lesson",
                "write lesson:<module-id>/<lesson-id>",
            )
        return
    problems.add(
        rel,
        line,
        field,
        f"the link {href!r} cannot be followed",
        "use https://..., media/<file>, lesson:<module>/<lesson> or module:<module>",
    )


def structure(lesson: LessonFile) -> list[tuple[int, tuple]]:
    """(line, structure) of each block; consecutive text blocks count as one."""
    result: list[tuple[int, tuple]] = []
    for block, data in _blocks(lesson):
        shape = BLOCK_TYPES[block.type].structure(data)
        if shape == ("text",) and result and result[-1][1] == ("text",):
            continue
        result.append((block.line, shape))
    return result


def _shape(shape: tuple) -> str:
    """A block's structure in words: its type and what must match."""
    return f"{shape[0]} {shape[1:] or ''}".strip()


def _check_translation(
    source: LessonFile, translation: LessonFile, problems: Problems
) -> None:
    theirs, ours = structure(source), structure(translation)
    for index in range(max(len(theirs), len(ours))):
        a = theirs[index] if index < len(theirs) else None
        b = ours[index] if index < len(ours) else None
        if a is None or b is None or a[1] != b[1]:
            line = b[0] if b else (ours[-1][0] if ours else 1)
            expected = _shape(a[1]) if a else "nothing more"
            problems.add(
                translation.rel_path,
                line,
                "blocks",
                f"block {index + 1} differs from the source: expected {expected}, "
                f"found {_shape(b[1]) if b else 'nothing'}",
                f"compare with {source.rel_path}:{a[0] if a else 1}; translations keep "
                "the same blocks, ids and media",
            )
            return


def check_staleness(tree: Tree, problems: Problems) -> dict:
    """Mark translations whose source changed; return status per module and language."""
    status: dict = {}
    for module, by_lesson in tree.lessons.items():
        for lesson, by_lang in by_lesson.items():
            source = by_lang.get(tree.source_language)
            if source is None:
                continue
            current = lesson_source_hash(source.text)
            for lang in tree.languages:
                if lang == tree.source_language:
                    continue
                state = lesson_state(by_lang.get(lang), current)
                status.setdefault(module, {}).setdefault(lang, []).append(
                    (lesson, state)
                )
                if state in ("stale", "unknown"):
                    translation = by_lang[lang]
                    message = (
                        "stale translation: the source changed since it was translated"
                        if state == "stale"
                        else "no source_hash: the source it was "
                        "translated from is unknown"
                    )
                    problems.warn(
                        translation.rel_path,
                        translation.front.line("source_hash")
                        if translation.front
                        else 1,
                        "source_hash",
                        message,
                        MARK_HINT.format(path=translation.rel_path),
                    )
    for quiz_id, located in tree.quizzes.items():
        module = located.data.get("module")
        if not isinstance(module, str):
            continue  # the schema reported it
        for lang in tree.languages:
            if lang == tree.source_language:
                continue
            state, first_line = quiz_state(tree, located, lang)
            status.setdefault(module, {}).setdefault(lang, []).append(
                (f"quiz:{quiz_id}", state)
            )
            rel = tree.quiz_paths[quiz_id]
            if state == "missing":
                problems.warn(
                    rel,
                    first_line,
                    "text",
                    f"quiz text missing in {lang!r}",
                    f"add `{lang}:` to every text",
                )
            elif state in ("stale", "unknown"):
                problems.warn(
                    rel,
                    first_line,
                    "translated_from",
                    f"{state} translation in {lang!r}",
                    MARK_HINT.format(path=rel) + f" --language {lang}",
                )
    return status


def lesson_state(translation: LessonFile | None, current: str) -> str:
    """complete, stale, unknown (no source_hash) or missing."""
    if translation is None:
        return "missing"
    recorded = translation.front.data.get("source_hash") if translation.front else None
    if not recorded:
        return "unknown"
    return "complete" if recorded == current else "stale"


def quiz_strings(tree: Tree, located) -> list[tuple[str, tuple, dict]]:
    """(key, path, language map) of every translatable string of a quiz."""
    found = []
    for index, question in enumerate(as_list(located.data.get("questions"))):
        qtype = (
            QUESTION_TYPES.get(str(question.get("type")))
            if isinstance(question, dict)
            else None
        )
        if qtype is None:
            continue
        for key, path, texts in qtype.texts(question):
            found.append(
                (
                    f"{question.get('id')}.{key}",
                    ("questions", index, *path),
                    texts if isinstance(texts, dict) else {},
                )
            )
    return found


def quiz_state(tree: Tree, located, lang: str) -> tuple[str, int]:
    """The state of a quiz's ``lang`` strings and the line of the first problem."""
    recorded = as_dict(as_dict(located.data.get("translated_from")).get(lang))
    worst, line = "complete", located.line("translated_from")
    order = {"complete": 0, "unknown": 1, "stale": 2, "missing": 3}
    for key, path, texts in quiz_strings(tree, located):
        source = texts.get(tree.source_language)
        if source is None:
            continue
        if lang not in texts:
            state = "missing"
        elif key not in recorded:
            state = "unknown"
        else:
            state = "complete" if recorded[key] == string_hash(source) else "stale"
        if order[state] > order[worst]:
            worst, line = state, located.line(*path)
    return worst, line


def string_hash(value) -> str:
    """Hash of one source string (lists, such as accepted answers, are joined)."""
    if isinstance(value, list):
        value = "\n".join(map(str, value))
    return text_hash(str(value))
