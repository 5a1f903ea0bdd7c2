"""How often the keyed answer is the longest option, per quiz and per lesson.

    .venv/bin/python bench/item_lengths.py               # the working tree
    .venv/bin/python bench/item_lengths.py --rev HEAD    # as committed (git show)
    .venv/bin/python bench/item_lengths.py --objectives  # also item -> objective

For every quiz: single-choice items, how many have the correct choice strictly the
longest option and how many tie for longest (English, white space folded), and how many
trip the checker's "longest by far" rule. For the lesson scenarios of each module
(English files): the same for the `best` choice (scenarios with one best choice).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from courseware.content.items import key_margin, length  # noqa: E402
from courseware.content.lessons import parse_lesson  # noqa: E402
from courseware.content.problems import Problems  # noqa: E402


def read(rel: str, rev: str | None) -> str | None:
    if rev is None:
        path = ROOT / rel
        return path.read_text(encoding="utf-8") if path.exists() else None
    done = subprocess.run(
        ["git", "show", f"{rev}:{rel}"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout if done.returncode == 0 else None


def listing(folder: str, rev: str | None) -> list[str]:
    if rev is None:
        return sorted(
            str(p.relative_to(ROOT)) for p in (ROOT / folder).rglob("*") if p.is_file()
        )
    done = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", rev, folder],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return sorted(done.stdout.split())


def rank(lengths: list[int], keyed: int) -> str:
    """'strict', 'tie' or 'no': is the keyed option the longest?"""
    others = lengths[:keyed] + lengths[keyed + 1 :]
    if lengths[keyed] > max(others):
        return "strict"
    return "tie" if lengths[keyed] == max(others) else "no"


def tally(groups: list[tuple[list[int], int]]) -> dict:
    counts = {"n": len(groups), "strict": 0, "tie": 0, "far": 0}
    for lengths, keyed in groups:
        result = rank(lengths, keyed)
        if result != "no":
            counts[result] += 1
        others = lengths[:keyed] + lengths[keyed + 1 :]
        counts["far"] += key_margin(lengths[keyed], others)
    return counts


def quiz_groups(data: dict) -> list[tuple[list[int], int]]:
    groups = []
    for q in data.get("questions") or []:
        if q.get("type") != "single":
            continue
        choices = q.get("choices") or []
        lengths = [length((c.get("text") or {}).get("en")) for c in choices]
        keyed = [i for i, c in enumerate(choices) if c.get("correct")]
        if len(keyed) == 1 and len(lengths) > 1:
            groups.append((lengths, keyed[0]))
    return groups


def scenario_groups(rel: str, text: str) -> list[tuple[list[int], int]]:
    lesson = parse_lesson(rel, text, Problems())
    groups = []
    for block in lesson.blocks if lesson else []:
        if block.type != "scenario" or block.located is None:
            continue
        choices = block.located.data.get("choices") or []
        lengths = [length(c.get("text")) for c in choices]
        keyed = [i for i, c in enumerate(choices) if c.get("best") is True]
        if len(keyed) == 1 and len(lengths) > 1:
            groups.append((lengths, keyed[0]))
    return groups


def share(counts: dict) -> str:
    n = counts["n"]
    if not n:
        return "-"
    return f"{counts['strict']}/{n} strict, {counts['tie']} tie, {counts['far']} by far"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="read the files of this git revision")
    parser.add_argument("--objectives", action="store_true")
    parser.add_argument("--detail", help="print option lengths of this module's items")
    args = parser.parse_args()
    quizzes = [r for r in listing("quizzes", args.rev) if r.endswith(".yaml")]
    lessons = [r for r in listing("modules", args.rev) if r.endswith(".en.md")]
    total_q = {"n": 0, "strict": 0, "tie": 0, "far": 0}
    total_s = dict(total_q)
    print(f"{'module':22} {'quiz: key is longest':34} {'scenarios: best is longest'}")
    for rel in quizzes:
        module = Path(rel).stem
        data = yaml.safe_load(read(rel, args.rev) or "{}") or {}
        q = tally(quiz_groups(data))
        groups = []
        for lesson in lessons:
            if lesson.startswith(f"modules/{module}/") and lesson.count("/") == 2:
                groups += scenario_groups(lesson, read(lesson, args.rev) or "")
        s = tally(groups)
        for total, counts in ((total_q, q), (total_s, s)):
            for key in total:
                total[key] += counts[key]
        print(f"{module:22} {share(q):34} {share(s)}")
        if args.detail == module:
            for lengths, keyed in quiz_groups(data) + groups:
                others = lengths[:keyed] + lengths[keyed + 1 :]
                print(f"    key {lengths[keyed]:4}  others {others}")
        if args.objectives:
            for question in data.get("questions") or []:
                objective = question.get("objective", "-")
                print(
                    f"    {question.get('id'):28} {question.get('type'):11} {objective}"
                )
    print(f"{'all':22} {share(total_q):34} {share(total_s)}")


if __name__ == "__main__":
    main()
