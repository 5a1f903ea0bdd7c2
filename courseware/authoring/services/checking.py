"""Check a draft with the same checker as `content check`, cached per tree.

The result depends only on the files, so it is kept per content hash (the tree's
paths and bytes): showing a draft again, previewing or publishing it costs nothing
until a file changes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from courseware.authoring.models import Draft
from courseware.authoring.services.drafts import draft_files, materialise
from courseware.content.build import CheckResult, check_content, content_hash
from courseware.content.loader import Tree
from courseware.content.problems import Problem
from courseware.core.caches import LRU

_results = LRU(16)


def tree_key(files: dict[str, bytes]) -> str:
    """The content hash the tree will have once published."""
    return content_hash(Tree(root=Path("."), files=files))


def check_files(files: dict[str, bytes]) -> CheckResult:
    """``check_content`` on the tree written to a temporary folder (cached)."""
    key = tree_key(files)
    result = _results.get(key)
    if result is None:
        with tempfile.TemporaryDirectory(prefix="courseware-check-") as tmp:
            result = check_content(materialise(files, Path(tmp)))
        _results[key] = result
    return result


def check_draft(session: Session, draft: Draft) -> CheckResult:
    """The checker's result for the draft's current files."""
    return check_files(draft_files(session, draft))


def problems_by_file(result: CheckResult) -> dict[str, list[Problem]]:
    """Every problem, grouped by path, sorted by line."""
    grouped: dict[str, list[Problem]] = {}
    for problem in result.problems.sorted():
        grouped.setdefault(problem.path, []).append(problem)
    for found in grouped.values():
        found.sort(key=lambda p: (p.line, p.field, p.message))
    return grouped
