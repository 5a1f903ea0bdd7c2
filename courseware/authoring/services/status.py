"""Translation status per language for the whole course (``content status``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from courseware.authoring.services.translate import translation_path
from courseware.content.build import CheckResult
from courseware.content.glossary import FIELD, GLOSSARY, drift_by_module
from courseware.content.problems import Problem
from courseware.content.yamlfile import as_list

STATES = ("complete", "stale", "unknown", "missing")


@dataclass
class ModuleStatus:
    """One module in one language: its items with their states."""

    module: str
    items: list[tuple[str, str]]  # (lesson id or quiz:<id>, state)

    @property
    def counts(self) -> dict[str, int]:
        states = [state for _, state in self.items]
        return {state: states.count(state) for state in STATES}

    @property
    def complete(self) -> bool:
        return all(state == "complete" for _, state in self.items)


@dataclass
class LanguageStatus:
    """A target language: per module, and the totals."""

    lang: str
    modules: list[ModuleStatus] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        totals = dict.fromkeys(STATES, 0)
        for module in self.modules:
            for state, count in module.counts.items():
                totals[state] += count
        return totals


@dataclass
class CourseStatus:
    """Every target language, and the glossary warnings (None: no glossary)."""

    source_language: str
    languages: list[LanguageStatus]
    glossary: dict[str, int] | None
    warnings: list[Problem]


def course_status(result: CheckResult) -> CourseStatus:
    """The numbers ``flask courseware content status`` prints for the same tree."""
    tree = result.tree
    modules = [
        m for m in as_list(tree.course_data.get("modules")) if isinstance(m, str)
    ]
    languages = []
    for lang in tree.languages:
        if lang == tree.source_language:
            continue
        languages.append(
            LanguageStatus(
                lang,
                [
                    ModuleStatus(m, list(result.status.get(m, {}).get(lang, [])))
                    for m in modules
                ],
            )
        )
    has_glossary = GLOSSARY in tree.files
    return CourseStatus(
        tree.source_language,
        languages,
        drift_by_module(tree, result.problems) if has_glossary else None,
        [p for p in result.problems.sorted() if p.field == FIELD]
        if has_glossary
        else [],
    )


def item_path(result: CheckResult, module: str, item: str, lang: str) -> str | None:
    """The translation file of a status item (a lesson in ``lang``, or the quiz)."""
    tree = result.tree
    if item.startswith("quiz:"):
        return tree.quiz_paths.get(item.removeprefix("quiz:"))
    by_lang = tree.lessons.get(module, {}).get(item, {})
    if lang in by_lang:
        return by_lang[lang].rel_path
    source = by_lang.get(tree.source_language)
    if source is None:
        return None
    return translation_path(source.rel_path, lang)
