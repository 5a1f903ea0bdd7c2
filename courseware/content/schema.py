"""JSON Schema validation of content files, with messages editors can act on."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from courseware.content.problems import Problems
from courseware.content.yamlfile import Located

SCHEMA_VERSION = 1
SCHEMA_FILES = ("common", "course", "module", "lesson", "quiz")


@cache
def _registry() -> Registry:
    registry = Registry()
    for name in SCHEMA_FILES:
        document = json.loads(
            resources.files("courseware.content.schemas")
            .joinpath(f"{name}.schema.json")
            .read_text(encoding="utf-8")
        )
        resource = Resource.from_contents(document)
        registry = registry.with_resources(
            [(document["$id"], resource), (f"{name}.schema.json", resource)]
        )
    return registry


def schema(name: str) -> dict[str, Any]:
    """The shipped schema ``name`` (course, module, lesson, quiz)."""
    return _registry()[f"{name}.schema.json"].contents


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schema(name), registry=_registry())


def validator_for(fragment: dict[str, Any]) -> Draft202012Validator:
    """A validator for a block or question type's own schema fragment."""
    return Draft202012Validator(fragment, registry=_registry())


def _field_name(path: tuple) -> str:
    return ".".join(str(p) for p in path) or "(top)"


def _describe(error: ValidationError) -> tuple[tuple, str, str]:
    """(path, message, hint) for one schema error."""
    path = tuple(error.absolute_path)
    validator, value = error.validator, error.validator_value
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return (*path, missing), "missing required field", f"add `{missing}:`"
    if validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = (
            [k for k in error.instance if k not in allowed]
            if isinstance(error.instance, dict)
            else []
        )
        name = extra[0] if extra else "?"
        hint = f"allowed fields: {', '.join(allowed)}" if allowed else ""
        return (*path, name), f"unknown field {name!r}", hint
    if validator == "pattern":
        if "a-z][a-z0-9-]" in value:
            return (
                path,
                f"{error.instance!r} is not a valid id",
                ("ids are lower-case letters, digits and hyphens, from a letter"),
            )
        return (
            path,
            f"{error.instance!r} does not have the expected form",
            f"pattern {value}",
        )
    if validator in ("enum", "const"):
        options = value if validator == "enum" else [value]
        return (
            path,
            f"{error.instance!r} is not allowed",
            "use one of: " + ", ".join(map(str, options)),
        )
    if validator == "type":
        return path, f"expected {value}, found {type(error.instance).__name__}", ""
    if validator in ("minItems", "minProperties", "minLength"):
        return path, "must not be empty", ""
    if validator == "uniqueItems":
        return path, "contains the same entry twice", ""
    return path, error.message, ""


def validate(
    located: Located,
    name_or_validator,
    rel_path: str,
    problems: Problems,
    prefix: tuple = (),
) -> bool:
    """Validate ``located.data`` (or part of it), report each error; True if valid."""
    validator = (
        _validator(name_or_validator)
        if isinstance(name_or_validator, str)
        else name_or_validator
    )
    data = located.data
    for key in prefix:
        data = data[key]
    ok = True
    for error in sorted(
        validator.iter_errors(data), key=lambda e: list(map(str, e.path))
    ):
        ok = False
        path, message, hint = _describe(error)
        full = (*prefix, *path)
        problems.add(rel_path, located.line(*full), _field_name(full), message, hint)
    return ok
