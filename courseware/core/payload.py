"""Strict JSON input: parsed, never inspected; one schema per body.

Python's ``json`` accepts ``NaN``, ``Infinity`` and numbers that overflow to
infinity (``1e400``); none of them is a number a learner's browser ever sends, and
stored they break statements and pages. Bodies are parsed with those refused and then
checked against a JSON Schema (types, ranges, lengths), so that a view sees only
data of the promised shape. Errors name the field.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import abort, jsonify, make_response, request
from flask.json.provider import DefaultJSONProvider
from jsonschema import Draft202012Validator

UUID4 = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
#: Seconds of media: at most a day, with millisecond precision at most.
SECONDS = {"type": "number", "minimum": 0, "maximum": 86400}
ID = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,63}$"}


class PayloadError(ValueError):
    """A body that is not the JSON its endpoint takes; the message names the field."""


def _refuse_constant(name: str) -> float:
    raise PayloadError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise PayloadError(f"{text} is too large")
    return value


def loads(text: str | bytes) -> Any:
    """``json.loads`` that refuses NaN, Infinity and numbers beyond a float."""
    try:
        return json.loads(
            text, parse_constant=_refuse_constant, parse_float=_finite_float
        )
    except PayloadError:
        raise
    except (ValueError, RecursionError) as exc:
        raise PayloadError(f"not valid JSON: {exc}") from None


def dumps(value: Any) -> str:
    """``json.dumps`` that refuses to write non-finite numbers."""
    return json.dumps(value, allow_nan=False)


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, refusing non-finite numbers both ways (standalone app)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return loads(s)
        except PayloadError as exc:
            raise ValueError(str(exc)) from None

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)


def validate(data: Any, schema: dict) -> Any:
    """``data`` when it fits ``schema``; else PayloadError naming the first problem."""
    errors = sorted(
        Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path)
    )
    if errors:
        first = errors[0]
        where = "/".join(str(part) for part in first.path) or "body"
        raise PayloadError(f"{where}: {first.message}")
    return data


def json_body(schema: dict) -> Any:
    """The JSON body, parsed strictly and checked; else a 400 that says why."""
    if not request.is_json:
        _bad("send application/json")
    try:
        return validate(loads(request.get_data(cache=True)), schema)
    except PayloadError as exc:
        _bad(str(exc))


def _bad(reason: str):
    abort(make_response(jsonify(error=reason), 400))
