"""Check a content folder and turn it into the snapshot a version stores."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from courseware.content.checks import check_references, check_staleness, lesson_state
from courseware.content.glossary import check_glossary
from courseware.content.hashing import file_hash, lesson_source_hash
from courseware.content.items import check_items
from courseware.content.loader import Tree, load_tree
from courseware.content.mediatypes import check_media
from courseware.content.problems import Problems
from courseware.content.schema import SCHEMA_VERSION


@dataclass
class CheckResult:
    """The outcome of checking a content folder."""

    tree: Tree
    problems: Problems
    status: dict

    @property
    def ok(self) -> bool:
        return not self.problems.errors


def check_content(root: Path) -> CheckResult:
    """Read and check everything under ``root``, reporting every problem in one run."""
    problems = Problems()
    tree = load_tree(Path(root), problems)
    check_media(tree, problems)
    check_references(tree, problems)
    check_items(tree, problems)
    status = check_staleness(tree, problems)
    check_glossary(tree, problems)
    return CheckResult(tree, problems, status)


def content_hash(tree: Tree) -> str:
    """sha256 over every file's path and bytes: equal trees have equal hashes."""
    digest = hashlib.sha256()
    for rel in sorted(tree.files):
        digest.update(
            rel.encode() + b"\0" + file_hash(tree.files[rel]).encode() + b"\n"
        )
    return digest.hexdigest()


def _lesson_data(tree: Tree, module: str, lesson: str) -> dict[str, Any]:
    by_lang = tree.lessons[module][lesson]
    source = by_lang[tree.source_language]
    current = lesson_source_hash(source.text)
    result: dict[str, Any] = {}
    for lang, lesson_file in sorted(by_lang.items()):
        front = lesson_file.front.data if lesson_file.front else {}
        blocks = []
        for block in lesson_file.blocks:
            if block.type == "text":
                blocks.append({"type": "text", "markdown": block.markdown})
            elif block.located is not None:
                blocks.append({"type": block.type, **block.located.data})
        result[lang] = {
            "title": front.get("title", lesson),
            "minutes": front.get("minutes"),
            "blocks": blocks,
            "state": "complete"
            if lang == tree.source_language
            else lesson_state(lesson_file, current),
        }
    return result


def snapshot(tree: Tree) -> dict[str, Any]:
    """The plain, JSON-ready data of a checked tree (media as content hashes)."""
    modules: dict[str, Any] = {}
    for module_id in tree.course_data.get("modules") or []:
        data = dict(tree.modules[module_id].data)
        data["lesson_data"] = {
            lesson: _lesson_data(tree, module_id, lesson)
            for lesson in data.get("lessons") or []
        }
        modules[module_id] = data
    media_files = {
        rel.removeprefix("modules/"): blob
        for rel, blob in tree.files.items()
        if rel.startswith("modules/") and "/media/" in rel
    }
    media = {path: file_hash(blob) for path, blob in media_files.items()}
    sizes = {path: len(blob) for path, blob in media_files.items()}
    # Transcripts are shown inline, so their text travels with the version.
    texts = {
        path: blob.decode("utf-8", "replace")
        for path, blob in media_files.items()
        if path.endswith(".md")
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "course": tree.course_data,
        "modules": modules,
        "quizzes": {qid: located.data for qid, located in tree.quizzes.items()},
        "media": media,
        "media_sizes": sizes,
        "texts": texts,
    }
