"""Read a content tree (``modules/``, ``quizzes/``) into plain data, with problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from courseware.content.blocks import BLOCK_TYPES
from courseware.content.lessons import FILE_RE, LessonFile, parse_lesson
from courseware.content.problems import Problems
from courseware.content.schema import validate, validator_for
from courseware.content.yamlfile import Located, YamlError, as_list, load_yaml
from courseware.quiz.types import QUESTION_TYPES

MODULE_EXTRA_FILES = {"module.yaml", "video.yaml"}


@dataclass
class Tree:
    """Everything read from a content folder, with the located sources for checks."""

    root: Path
    course: Located | None = None
    modules: dict[str, Located] = field(default_factory=dict)  # id -> module.yaml
    module_dirs: dict[str, str] = field(default_factory=dict)  # id -> rel folder
    lessons: dict[str, dict[str, dict[str, LessonFile]]] = field(default_factory=dict)
    quizzes: dict[str, Located] = field(default_factory=dict)
    quiz_paths: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # every file, by rel path
    #: The decided type of every accepted media file, by rel path.
    media_types: dict[str, str] = field(default_factory=dict)
    #: Modules and quizzes whose file exists but did not parse (reported already).
    unreadable: set[str] = field(default_factory=set)

    @property
    def course_data(self) -> dict[str, Any]:
        return (
            self.course.data
            if self.course and isinstance(self.course.data, dict)
            else {}
        )

    @property
    def source_language(self) -> str:
        return str(self.course_data.get("source_language") or "en")

    @property
    def languages(self) -> list[str]:
        langs = self.course_data.get("languages")
        return (
            [str(x) for x in langs]
            if isinstance(langs, list)
            else [self.source_language]
        )


def _read_yaml(tree: Tree, rel: str, problems: Problems) -> Located | None:
    try:
        text = tree.files[rel].decode("utf-8")
    except UnicodeDecodeError:
        problems.add(rel, 1, "file", "the file is not UTF-8 text", "save it as UTF-8")
        return None
    try:
        located = load_yaml(text)
    except YamlError as exc:
        problems.add(
            rel,
            exc.line,
            "yaml",
            str(exc),
            exc.hint,
        )
        return None
    if not isinstance(located.data, dict):
        problems.add(
            rel, 1, "yaml", "expected fields (key: value), found something else"
        )
        return None
    return located


def read_files(root: Path, problems: Problems) -> dict[str, bytes]:
    """Every regular file under modules/ and quizzes/, by path relative to ``root``."""
    files: dict[str, bytes] = {}
    for top in ("modules", "quizzes"):
        base = root / top
        if not base.is_dir():
            problems.add(
                top,
                1,
                "folder",
                f"the folder {top}/ is missing",
                "the content folder holds modules/ and quizzes/",
            )
            continue
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                problems.add(
                    rel,
                    1,
                    "file",
                    "symbolic links are not allowed",
                    "replace the link with the file itself",
                )
            elif path.is_file() and not path.name.startswith("."):
                try:
                    files[rel] = path.read_bytes()
                except OSError as exc:
                    problems.add(rel, 1, "file", f"cannot be read: {exc.strerror}")
    return files


def load_tree(root: Path, problems: Problems) -> Tree:
    """Parse every content file under ``root`` and validate each against its schema."""
    tree = Tree(root=root, files=read_files(root, problems))
    if "modules/course.yaml" in tree.files:
        tree.course = _read_yaml(tree, "modules/course.yaml", problems)
        if tree.course is not None:
            validate(tree.course, "course", "modules/course.yaml", problems)
    elif (root / "modules").is_dir():
        problems.add(
            "modules/course.yaml",
            1,
            "file",
            "modules/course.yaml is missing",
            "see modules/README.md, section 1",
        )
    for rel in tree.files:
        parts = rel.split("/")
        if parts[0] == "modules" and len(parts) == 3 and parts[2] == "module.yaml":
            _load_module(tree, parts[1], problems)
        elif parts[0] == "quizzes" and len(parts) == 2:
            _load_quiz(tree, rel, problems)
        elif (
            parts[0] == "modules"
            and len(parts) == 3
            and parts[2] not in MODULE_EXTRA_FILES
        ):
            if not FILE_RE.match(parts[2]):
                problems.add(
                    rel,
                    1,
                    "file name",
                    f"unexpected file {parts[2]!r}",
                    "lessons are NN-<lesson>.<lang>.md; media go in media/",
                )
        elif parts[0] == "modules" and len(parts) > 3 and parts[2] != "media":
            problems.add(
                rel, 1, "file", "unexpected folder", "media files go in media/"
            )
    for rel in tree.files:
        parts = rel.split("/")
        if parts[0] == "modules" and len(parts) == 3 and FILE_RE.match(parts[2]):
            if parts[1] in tree.unreadable:
                continue
            if (f"modules/{parts[1]}/module.yaml") not in tree.files:
                problems.add(
                    rel,
                    1,
                    "module",
                    f"the folder modules/{parts[1]}/ has no module.yaml",
                    "see modules/README.md, section 2",
                )
                continue
            _load_lesson(tree, parts[1], rel, problems)
    return tree


def _load_module(tree: Tree, folder: str, problems: Problems) -> None:
    rel = f"modules/{folder}/module.yaml"
    located = _read_yaml(tree, rel, problems)
    if located is None:
        tree.unreadable.add(folder)
        return
    validate(located, "module", rel, problems)
    module_id = located.data.get("id")
    if module_id != folder:
        problems.add(
            rel,
            located.line("id"),
            "id",
            f"the id {module_id!r} differs from the folder name {folder!r}",
            "the folder name is the module id",
        )
    tree.modules[folder] = located
    tree.module_dirs[folder] = f"modules/{folder}"
    tree.lessons.setdefault(folder, {})


def _load_lesson(tree: Tree, module: str, rel: str, problems: Problems) -> None:
    try:
        text = tree.files[rel].decode("utf-8")
    except UnicodeDecodeError:
        problems.add(rel, 1, "file", "the file is not UTF-8 text", "save it as UTF-8")
        return
    lesson = parse_lesson(rel, text, problems)
    if lesson is None:
        return
    if lesson.front is not None:
        validate(lesson.front, "lesson", rel, problems)
        if lesson.front.data.get("id") not in (None, lesson.lesson_id):
            problems.add(
                rel,
                lesson.front.line("id"),
                "id",
                f"the id "
                f"{lesson.front.data.get('id')!r} differs from the file name's "
                f"{lesson.lesson_id!r}",
                "the part of the file name after NN- is the id",
            )
    for block in lesson.blocks:
        if block.type == "text":
            continue
        block_type = BLOCK_TYPES.get(block.type)
        if block_type is None:
            problems.add(
                rel,
                block.line,
                block.type,
                f"unknown block type {block.type!r}",
                "use one of: "
                + ", ".join(sorted(t for t in BLOCK_TYPES if t != "text")),
            )
            continue
        if block.located is not None:
            ok = validate(
                block.located, validator_for(block_type.schema()), rel, problems
            )
            if ok:
                for path, message, hint in block_type.check(block.located.data):
                    problems.add(
                        rel,
                        block.located.line(*path),
                        ".".join(map(str, path)),
                        message,
                        hint,
                    )
    by_lang = tree.lessons.setdefault(module, {}).setdefault(lesson.lesson_id, {})
    if lesson.lang in by_lang:
        problems.add(
            rel,
            1,
            "file name",
            f"a second {lesson.lang!r} file for lesson {lesson.lesson_id!r}",
            f"see {by_lang[lesson.lang].rel_path}",
        )
        return
    by_lang[lesson.lang] = lesson


def _load_quiz(tree: Tree, rel: str, problems: Problems) -> None:
    if not rel.endswith(".yaml"):
        problems.add(
            rel,
            1,
            "file name",
            "quiz files end in .yaml",
            "name it quizzes/<quiz>.yaml",
        )
        return
    located = _read_yaml(tree, rel, problems)
    if located is None:
        tree.unreadable.add(f"quiz:{rel.rsplit('/', 1)[-1].removesuffix('.yaml')}")
        return
    validate(located, "quiz", rel, problems)
    quiz_id = located.data.get("id")
    stem = rel.rsplit("/", 1)[-1].removesuffix(".yaml")
    if quiz_id != stem:
        problems.add(
            rel,
            located.line("id"),
            "id",
            f"the id {quiz_id!r} differs from the file name {stem!r}",
            "the file name is the quiz id",
        )
    seen: dict[str, int] = {}
    for index, question in enumerate(as_list(located.data.get("questions"))):
        if not isinstance(question, dict):
            continue
        qid = question.get("id")
        if qid in seen:
            problems.add(
                rel,
                located.line("questions", index, "id"),
                f"questions.{index}.id",
                f"duplicate question id {qid!r}",
                "every question needs its own id",
            )
        seen[str(qid)] = index
        qtype = QUESTION_TYPES.get(str(question.get("type")))
        if qtype is None:
            problems.add(
                rel,
                located.line("questions", index, "type"),
                f"questions.{index}.type",
                f"unknown question type {question.get('type')!r}",
                "use one of: " + ", ".join(sorted(QUESTION_TYPES)),
            )
            continue
        prefix = ("questions", index)
        if validate(
            located, validator_for(qtype.schema()), rel, problems, prefix=prefix
        ):
            for path, message, hint in qtype.check(question, tree.languages):
                full = (*prefix, *path)
                problems.add(
                    rel, located.line(*full), ".".join(map(str, full)), message, hint
                )
    tree.quizzes[stem] = located
    tree.quiz_paths[stem] = rel
