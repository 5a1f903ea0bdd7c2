"""A built wheel carries compiled catalogues: installed elsewhere, Russian pages are
Russian (``pip install .`` is the README's production recipe)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO

PROBE = """
import courseware, sys
assert courseware.__file__.startswith(sys.argv[1]), courseware.__file__
from courseware import create_app
app = create_app({
    "TESTING": True,
    "COURSEWARE_SECRET_KEY": "packaging-test",
    "COURSEWARE_DATABASE_URL": "sqlite:///" + sys.argv[2],
})
page = app.test_client().get("/login", headers={"Accept-Language": "ru"})
print(page.status_code, page.get_data(as_text=True))
"""


def source_tree(target: Path) -> Path:
    """What a fresh clone holds for the package: no compiled catalogues."""
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(REPO / name, target / name)
    ignore = shutil.ignore_patterns("*.mo", "__pycache__", "*.pyc")
    shutil.copytree(REPO / "courseware", target / "courseware", ignore=ignore)
    assert not list((target / "courseware").rglob("*.mo"))
    return target


def test_the_wheel_serves_russian_strings(tmp_path: Path):
    (tmp_path / "clone").mkdir()
    source = source_tree(tmp_path / "clone")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(source)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("cop_courseware-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for lang in ("ru", "ar"):
        assert f"courseware/translations/{lang}/LC_MESSAGES/messages.mo" in names
    site = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target"]
        + [str(site), str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSEWARE_")}
    env["PYTHONPATH"] = str(site)
    shown = subprocess.run(
        [sys.executable, "-c", PROBE, str(site), str(tmp_path / "db.sqlite3")],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("200 ")
    assert "Войти" in shown.stdout and 'lang="ru"' in shown.stdout
