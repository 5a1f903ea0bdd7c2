"""README's table of feature folders matches the package."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "courseware"


def _table() -> dict[str, str]:
    """Folder -> blueprint name, from the README's table of feature folders."""
    text = (ROOT / "README.md").read_text("utf-8")
    table = text.split("<!-- feature-folders:", 1)[1].split("\n\n", 1)[0]
    rows = {}
    for line in table.splitlines():
        found = re.match(r"\| `([a-z_]+)/` \|[^|]*\| (`[a-z_]+`|-) \|", line)
        if found:
            rows[found.group(1)] = found.group(2).strip("`")
    return rows


def test_every_folder_is_in_the_table_and_every_row_is_a_folder():
    folders = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert set(_table()) == folders


def test_the_blueprints_are_the_folders_own():
    for folder, name in _table().items():
        blueprint = PACKAGE / folder / "blueprint.py"
        if name == "-":
            assert not blueprint.exists(), folder
            continue
        source = blueprint.read_text("utf-8")
        assert re.search(rf'^bp = \w*Blueprint\(\s*"{name}"', source, re.M), folder


def test_feature_folders_have_one_shape():
    text = (ROOT / "README.md").read_text("utf-8")
    for folder, name in _table().items():
        if name == "-" or f"| `{folder}/` | base:" in text:
            continue  # no pages, or a base (core has no services of its own)
        for part in ("views", "forms", "services"):
            here = PACKAGE / folder
            assert (here / f"{part}.py").exists() or (here / part).is_dir(), (
                folder,
                part,
            )
