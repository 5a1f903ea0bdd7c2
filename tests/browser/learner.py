"""Helpers for browser tests: keyboard-only navigation and quiz answering."""

from __future__ import annotations

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def tab_to(page, predicate: str, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies a JavaScript ``predicate``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"(() => {{ const el = document.activeElement; return {predicate}; }})()"
        ):
            return
    raise AssertionError(f"Tab never reached {predicate}")


def quiz(quiz_id: str) -> dict:
    return yaml.safe_load((REPO / "quizzes" / f"{quiz_id}.yaml").read_text())


def choose_option(page, select_id: str, value: str) -> None:
    """Pick an option of a closed <select> with the arrow keys."""
    values = page.eval_on_selector(
        f"#{select_id}", "s => [...s.options].map(o => o.value)"
    )
    page.focus(f"#{select_id}")
    page.keyboard.press("Home")
    for _ in range(values.index(value)):
        page.keyboard.press("ArrowDown")
    assert page.eval_on_selector(f"#{select_id}", "s => s.value") == value


def answer(page, data: dict, right: bool) -> None:
    """Answer every question on the attempt page with keys only (right or wrong)."""
    by_id = {q["id"]: q for q in data["questions"]}
    for qid in page.eval_on_selector_all(
        "li.question", "els => els.map(e => e.id.slice(2))"
    ):
        q = by_id[qid]
        kind = q["type"]
        if kind in ("single", "multiple"):
            correct = [c["id"] for c in q["choices"] if c.get("correct")]
            wrong = [c["id"] for c in q["choices"] if not c.get("correct")][:1]
            for cid in correct if right else wrong:
                page.focus(f"#{qid}-{cid}")
                page.keyboard.press("Space")
        elif kind == "true-false":
            value = q["answer"] if right else not q["answer"]
            page.focus(f"#{qid}-{'true' if value else 'false'}")
            page.keyboard.press("Space")
        elif kind == "fill-in":
            page.focus(f"#{qid}-text")
            page.keyboard.type(q["answers"]["en"][0] if right else "no idea")
        elif kind == "matching":
            ids = [p["id"] for p in q["pairs"]]
            for index, pid in enumerate(ids):
                target = pid if right else ids[(index + 1) % len(ids)]
                choose_option(page, f"{qid}-{pid}", f"{target}-target")
        elif kind == "ordering":
            items = [i["id"] for i in q["items"]]
            for position, iid in enumerate(
                items if right else reversed(items), start=1
            ):
                choose_option(page, f"{qid}-{iid}", str(position))
