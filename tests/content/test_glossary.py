"""The course glossary: drift warnings at path:line with the preferred term; checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from courseware.content.build import check_content
from courseware.content.glossary import GLOSSARY, variant_pattern
from tests.content.conftest import edit

ROOT = Path(__file__).resolve().parents[2]

GLOSSARY_TEXT = """\
schema_version: 1
terms:
  - id: child-helpline
    preferred: {en: child helpline, ru: детский телефон доверия}
    avoid:
      ru: ["детск* лини* помощи"]
      en: [child help line]
  - id: hotline
    preferred: {en: hotline, ru: горячая линия}
    avoid:
      ru:
        - regex: '(?<!\\w)в\\s+горячую\\s+линию'
"""


@pytest.fixture
def with_glossary(course_dir):
    edit(course_dir, GLOSSARY, None, GLOSSARY_TEXT)
    edit(
        course_dir,
        "modules/sample/02-video.ru.md",
        "Национальная детская линия помощи",
        "Национальный детский телефон доверия",
    )
    edit(
        course_dir,
        "quizzes/sample.yaml",
        "Детские линии помощи бесплатны.",
        "Детские телефоны доверия бесплатны.",
    )
    return course_dir


def glossary_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": glossary: " in line]


def test_a_clean_course_with_a_glossary_has_no_warnings(with_glossary, content):
    result = content("check", with_glossary)
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


def test_a_variant_is_reported_at_its_line_with_the_preferred_term(
    with_glossary, content
):
    rel = "modules/sample/01-intro.ru.md"
    # A declined form, split over two lines, inside Markdown emphasis.
    edit(
        with_glossary,
        rel,
        "Потому что дети проводят",
        "Позвоните на **детскую линию\n  помощи**. Потому что дети проводят",
    )
    result = content("check", with_glossary)
    assert result.exit_code == 0, result.output  # warnings do not stop publishing
    lines = (with_glossary / rel).read_text("utf-8").split("\n")
    line = next(n for n, text in enumerate(lines, 1) if "детскую линию" in text)
    assert glossary_lines(result.output) == [
        f"{rel}:{line}: glossary: warning: «детскую линию помощи» is a variant to "
        "avoid for the term 'child-helpline' (hint: write «детский телефон доверия»)"
    ]


def test_yaml_texts_are_checked_in_their_own_language(with_glossary, content):
    rel = "quizzes/sample.yaml"
    edit(
        with_glossary,
        rel,
        'ru: "Когда была принята КПР?"}',
        'ru: "Сообщают ли в горячую линию?"}',
    )
    edit(
        with_glossary,
        rel,
        "feedback: {en: Right., ru: Верно.}",
        "feedback: {en: Right. Call the child help line., ru: Верно.}",
    )
    lines = glossary_lines(content("check", with_glossary).output)
    text = (with_glossary / rel).read_text("utf-8").split("\n")
    hot = next(n for n, t in enumerate(text, 1) if "в горячую линию" in t)
    help_ = next(n for n, t in enumerate(text, 1) if "child help line" in t)
    assert lines == [
        f"{rel}:{hot}: glossary: warning: «в горячую линию» is a variant to avoid "
        "for the term 'hotline' (hint: write «горячая линия»)",
        f"{rel}:{help_}: glossary: warning: «child help line» is a variant to avoid "
        "for the term 'child-helpline' (hint: write «child helpline»)",
    ]


def test_a_variant_in_the_other_language_is_not_drift(with_glossary, content):
    # English text may quote the Russian variant, and the other way round.
    edit(
        with_glossary,
        "modules/sample/module.yaml",
        "summary: {en: A module used by the tests.",
        "summary: {en: A module about the детская линия помощи.",
    )
    assert glossary_lines(content("check", with_glossary).output) == []


def test_status_counts_drift_per_module(with_glossary, content):
    edit(
        with_glossary,
        "modules/sample/01-intro.ru.md",
        "Потому что дети",
        "Детские линии помощи и детская линия помощи. Потому что дети",
    )
    output = content("status", with_glossary).output
    assert "[glossary]" in output
    assert "  sample                   2 glossary drift" in output
    assert "glossary drift: 2" in output


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    preferred: {en: hotline, ru: горячая линия}\n",
            "    preferred: {en: hotline, ru: горячая линия}\n    colour: red\n",
            f"{GLOSSARY}:10: terms.1.colour: unknown field 'colour'",
        ),
        (
            "preferred: {en: hotline, ru: горячая линия}",
            "preferred: {en: hotline}",
            f"{GLOSSARY}:9: terms.1.preferred: missing language 'ru'",
        ),
        (
            "      en: [child help line]",
            "      fr: [ligne d'aide]",
            f"{GLOSSARY}:7: terms.0.avoid.fr: unknown language 'fr'",
        ),
        (
            "regex: '(?<!\\w)в",
            "regex: '(в",
            f"{GLOSSARY}:12: terms.1.avoid.ru.0: not a valid regular expression",
        ),
        (
            "schema_version: 1\n",
            "schema_version: 1\nwords: []\n",
            f"{GLOSSARY}:2: words: unknown field 'words'",
        ),
    ],
    ids=["unknown-key", "missing-language", "unknown-language", "bad-regex", "top"],
)
def test_a_malformed_glossary_is_refused_at_its_line(
    with_glossary, content, old, new, expected
):
    edit(with_glossary, GLOSSARY, old, new)
    result = content("check", with_glossary)
    assert result.exit_code == 1, result.output
    assert expected in result.output


def test_variant_words_match_word_forms_and_whole_words_only():
    import re

    pattern = re.compile(variant_pattern("детск* лини* помощи"), re.IGNORECASE)
    assert pattern.search("в Детских линиях помощи")
    assert pattern.search("детская\n    линия помощи")
    assert not pattern.search("детская линия помощника")
    assert not pattern.search("Национальная линия помощи")


def test_the_bundled_course_has_no_glossary_warnings():
    result = check_content(ROOT)
    drift = [p for p in result.problems.warnings if p.field == "glossary"]
    assert (ROOT / GLOSSARY).is_file()
    assert drift == []


def test_the_bundled_glossary_covers_the_key_terms():
    import yaml

    data = yaml.safe_load((ROOT / GLOSSARY).read_text("utf-8"))
    ids = {term["id"] for term in data["terms"]}
    assert {
        "child-helpline",
        "ceo-coalition",
        "contract-risk",
        "safety-by-design",
        "policy-makers",
        "hotline",
        "sextortion",
        "grooming",
        "inhope",
        "itu-guidelines",
        "council-working-group",
        "digital-citizenship",
        "cyberbullying",
        "parental-controls",
        "trusted-adult",
    } <= ids
