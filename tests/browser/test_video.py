"""Every module's video plays in chromium, with captions in English and Russian."""

from __future__ import annotations

import time

import pytest
import yaml

from tests.browser.learner import REPO

MODULES = yaml.safe_load((REPO / "modules" / "course.yaml").read_text())["modules"]


def first_lesson(module: str) -> str:
    data = yaml.safe_load((REPO / "modules" / module / "module.yaml").read_text())
    return data["lessons"][0]


@pytest.fixture
def real_course(publish):
    publish(REPO, "the bundled course")


def test_every_video_plays_with_captions_in_both_languages(
    live_server, browser, real_course
):
    report = {}
    for lang in ("en", "ru"):
        context = browser.new_context(locale=lang)
        page = context.new_page()
        for module in MODULES:
            page.goto(f"{live_server.url}/modules/{module}/{first_lesson(module)}")
            video = page.locator("figure.block-media video").first
            assert video.count() == 1, f"{module}: no video in the first lesson"
            tracks = page.eval_on_selector_all(
                "figure.block-media video track",
                "ts => ts.map(t => [t.srclang, t.default])",
            )
            assert sorted(t[0] for t in tracks) == ["en", "ru"], (module, tracks)
            assert [t[0] for t in tracks if t[1]] == [
                lang
            ]  # the page language is default
            video.evaluate(
                "v => { v.muted = true; v.preload = 'auto'; "
                "for (const t of v.textTracks) t.mode = 'hidden'; "
                "return v.play(); }"
            )
            deadline = time.monotonic() + 15
            state = {}
            while time.monotonic() < deadline:
                state = video.evaluate(
                    "v => ({time: v.currentTime, error: v.error && v.error.code, "
                    "cues: [...v.textTracks].map(t => [t.language, t.cues ? "
                    "t.cues.length : 0])})"
                )
                if state["time"] > 1.0 and all(n > 0 for _, n in state["cues"]):
                    break
                time.sleep(0.2)
            assert state.get("error") is None, (module, lang, state)
            assert state["time"] > 1.0, (module, lang, state)
            assert sorted(state["cues"]) and all(n > 0 for _, n in state["cues"]), (
                module,
                lang,
                state,
            )
            report[(module, lang)] = state["cues"]
            video.evaluate("v => v.pause()")
        context.close()
    assert len(report) == 2 * len(MODULES)
