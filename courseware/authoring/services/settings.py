"""Course, track and module settings as form fields, written back into the file's
own text: a changed one-line value is replaced on its line; anything else
rewrites only its top-level key (one line for a ``{...}``/``[...]`` value, a
block otherwise). Every other line stays as it was written."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

import yaml

from courseware.authoring.services.quizforms import dump
from courseware.content.yamlfile import Located, load_yaml


@dataclass(frozen=True)
class Setting:
    """One form field: the value's path in the file, how it is typed, its label."""

    path: tuple[str | int, ...]
    kind: str  # text, area, int, list (comma-separated), lines (one a line)
    label: str

    @property
    def name(self) -> str:
        return "f-" + "-".join(map(str, self.path))


def course_settings(data: dict[str, Any], languages: list[str]) -> list[Setting]:
    """The fields of modules/course.yaml, tracks included."""
    fields = [
        Setting(("title", lang), "text", f"Course title ({lang})") for lang in languages
    ]
    fields += [
        Setting(("description", lang), "area", f"Description ({lang})")
        for lang in languages
    ]
    fields += [Setting(("modules",), "lines", "Modules, in order (one id a line)")]
    for index, track in enumerate(data.get("tracks") or []):
        if not isinstance(track, dict):
            continue
        name = track.get("id", index)
        fields += [
            Setting(
                ("tracks", index, "title", lang),
                "text",
                f"Track {name}: title ({lang})",
            )
            for lang in languages
        ]
        fields += [
            Setting(
                ("tracks", index, "description", lang),
                "area",
                f"Track {name}: description ({lang})",
            )
            for lang in languages
        ]
        fields += [
            Setting(
                ("tracks", index, "modules"),
                "list",
                f"Track {name}: modules (comma-separated)",
            )
        ]
    return fields


def module_settings(languages: list[str]) -> list[Setting]:
    """The fields of a module.yaml."""
    fields = [Setting(("title", lang), "text", f"Title ({lang})") for lang in languages]
    fields += [
        Setting(("summary", lang), "area", f"Summary ({lang})") for lang in languages
    ]
    fields += [
        Setting(("objectives", lang), "lines", f"Objectives ({lang}), one a line")
        for lang in languages
    ]
    fields += [
        Setting(("minutes",), "int", "Minutes, quiz included"),
        Setting(("audiences",), "list", "Audiences (comma-separated)"),
        Setting(
            ("prerequisites",), "list", "Prerequisites (module ids, comma-separated)"
        ),
        Setting(("lessons",), "list", "Lessons, in order (comma-separated ids)"),
        Setting(("quiz",), "text", "Quiz id"),
    ]
    return fields


def get(data: Any, path: tuple) -> Any:
    for key in path:
        if isinstance(key, int):
            data = data[key] if isinstance(data, list) and key < len(data) else None
        else:
            data = data.get(key) if isinstance(data, dict) else None
    return data


def shown(setting: Setting, value: Any) -> str:
    """The value as its field shows it."""
    if value is None:
        return ""
    if setting.kind == "list" and isinstance(value, list):
        return ", ".join(map(str, value))
    if setting.kind == "lines" and isinstance(value, list):
        return "\n".join(map(str, value))
    return str(value)


def parsed(setting: Setting, raw: str) -> Any:
    """The field's text as the file's value (None: empty)."""
    raw = raw.replace("\r\n", "\n").strip()
    if not raw:
        return [] if setting.kind in ("list", "lines") else None
    if setting.kind == "int":
        # Plain digits only: "1e400", "NaN" or 5,000 digits stay text for the checker.
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else raw
    if setting.kind == "list":
        return [part.strip() for part in raw.split(",") if part.strip()]
    if setting.kind == "lines":
        return [line.strip() for line in raw.split("\n") if line.strip()]
    return raw


def _scalar(value: Any) -> str:
    text = yaml.safe_dump(
        value, allow_unicode=True, width=100_000, default_flow_style=True
    )
    return text.removesuffix("\n...\n").rstrip("\n")


def _set_line(text: str, located: Located, path: tuple, value: Any) -> str | None:
    """``text`` with the one-line value at ``path`` replaced, else None (a plain
    value by a plain value, a ``{...}``/``[...]`` by one)."""
    if path not in located.lines or value is None:
        return None
    lines = text.split("\n")
    index = located.lines[path] - 1
    key = path[-1]
    match = re.match(rf"^(\s*(?:- )?){re.escape(str(key))}:( +)(\S.*)$", lines[index])
    if not match or match.group(3)[0] in "|>&*!":
        return None
    if (match.group(3)[0] in "{[") != isinstance(value, list | dict):
        return None
    indent = len(lines[index]) - len(lines[index].lstrip())
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if following.strip() and len(following) - len(following.lstrip()) > indent:
        return None  # the value goes on over more lines
    lines[index] = f"{match.group(1)}{key}: {_scalar(value)}"
    return "\n".join(lines)


def _set_top(text: str, key: str, value: Any) -> str:
    """``text`` with the top-level ``key`` written anew (or added at the end)."""
    lines = text.split("\n")
    start = next(
        (i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None
    )
    if start is None:
        body = text.rstrip("\n")
        return body + "\n" + dump({key: value})
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t"):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # blank lines before the next key stay
    flow = lines[start][len(key) + 1 :].strip()[:1] in ("{", "[")
    if flow and not isinstance(value, list | dict) or value is None:
        written = [f"{key}: {_scalar(value)}"]
    elif flow:
        written = [f"{key}: {_scalar(value)}"]
    else:
        written = dump({key: value}).rstrip("\n").split("\n")
    lines[start:end] = written
    return "\n".join(lines)


def apply(text: str, settings: list[Setting], form) -> tuple[str, list[str]]:
    """(the new text, the names of the fields that changed) for the form's values."""
    changed = []
    for setting in settings:
        if setting.name not in form:
            continue
        located = load_yaml(text)
        old = get(located.data, setting.path)
        new = parsed(setting, form.get(setting.name) or "")
        if new == old or (new in (None, []) and old in (None, [])):
            continue
        changed.append(setting.name)
        updated = _set_line(text, located, setting.path, new)
        for depth in range(len(setting.path) - 1, 0, -1):
            if updated is not None:
                break
            parent = setting.path[:depth]
            value = _put(
                copy.deepcopy(get(located.data, parent)), setting.path[depth:], new
            )
            updated = _set_line(text, located, parent, value)
        if updated is None:
            top = setting.path[0]
            value = copy.deepcopy(located.data.get(top))
            value = _put(value, setting.path[1:], new)
            updated = _set_top(text, str(top), value)
        text = updated
    return text, changed


def _put(container: Any, path: tuple, value: Any) -> Any:
    """``container`` with ``value`` at ``path`` (maps made as needed)."""
    if not path:
        return value
    key, rest = path[0], path[1:]
    if isinstance(key, int):
        items = list(container or [])
        items[key] = _put(items[key], rest, value)
        return items
    mapping = dict(container or {})
    result = _put(mapping.get(key), rest, value)
    if result is None:
        mapping.pop(key, None)
    else:
        mapping[key] = result
    return mapping
