"""A platform's ``expires_in`` as JSON parsers hand it over: NaN, infinities, huge
numbers, negatives and wrong types never keep a token forever nor raise."""

from __future__ import annotations

import json

import pytest

from courseware.lti.services.connector import MAX_TOKEN_SECONDS, token_lifetime


@pytest.mark.parametrize(
    "raw,seconds",
    [
        ("3600", 3600.0),
        ("1.5", 1.5),
        ("NaN", 0.0),
        ("Infinity", 0.0),
        ("-Infinity", 0.0),
        ("1e400", 0.0),  # json reads it as inf
        ("1e308", float(MAX_TOKEN_SECONDS)),
        ("-5", 0.0),
        ("0", 0.0),
        ('"3600"', 3600.0),
        ('"soon"', 0.0),
        ('"' + "9" * 5000 + '"', 0.0),  # reads as inf
        ("true", 0.0),
        ("null", 0.0),
        ("[60]", 0.0),
        ('{"s": 60}', 0.0),
    ],
)
def test_token_lifetime(raw, seconds):
    assert token_lifetime(json.loads(raw)) == seconds
