"""Build hook: compile the interface catalogues (.po -> .mo) into every build.

The compiled ``.mo`` files are not kept in git (they are built from the ``.po``
sources); without this step ``pip install .`` would ship a package whose Russian and
Arabic pages show English. Everything else about the package is in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class build_py_with_catalogues(build_py):  # noqa: N801 - setuptools command name
    """``build_py`` that also writes ``messages.mo`` beside each ``messages.po``."""

    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted(Path("courseware/translations").glob("*/LC_MESSAGES/*.po")):
            target = Path(self.build_lib) / po.with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parts[-3])
            with target.open("wb") as out:
                write_mo(out, catalog)


setup(cmdclass={"build_py": build_py_with_catalogues})
