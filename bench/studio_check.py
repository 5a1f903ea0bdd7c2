"""How long the studio's checker takes on the bundled course (``check_draft``).

    .venv/bin/python bench/studio_check.py [--rounds 3]

Prints, for the bundled course's files: the first check of a tree (what `content
check` costs), the same tree again (the studio's per-tree cache), and a text save
(one lesson changed by one word: a new tree), each the median of ``--rounds``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from courseware.authoring.services import checking  # noqa: E402
from courseware.content.loader import read_files  # noqa: E402
from courseware.content.problems import Problems  # noqa: E402

LESSON = "modules/childrens-rights/01-why.en.md"


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = read_files(ROOT, Problems())
    size = sum(map(len, files.values()))
    print(f"bundled course: {len(files)} files, {size / 1e6:.1f} MB")
    rows = {
        "first check of a tree": [],
        "same tree again (cached)": [],
        "text save (one word changed)": [],
    }
    for round_ in range(args.rounds):
        checking._results = checking.LRU(16)  # a cold cache each round
        rows["first check of a tree"].append(timed(lambda: checking.check_files(files)))
        rows["same tree again (cached)"].append(
            timed(lambda: checking.check_files(files))
        )
        changed = dict(files)
        changed[LESSON] = files[LESSON].replace(
            b"online", f"online{round_}".encode(), 1
        )
        rows["text save (one word changed)"].append(
            timed(partial(checking.check_files, changed))
        )
    print(f"{'case':<32} {'median s':>9} {'min s':>7}")
    for name, values in rows.items():
        print(f"{name:<32} {statistics.median(values):>9.3f} {min(values):>7.3f}")


if __name__ == "__main__":
    main()
