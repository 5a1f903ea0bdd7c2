"""The bad-token catalogue: every launch a tool must refuse, refused with its own
message and a log line, and nothing created (real keys, real HTTP, no mocks)."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import pytest

from tests.lti.conftest import (
    authenticate,
    browser_session,
    code_of,
    error_of,
    no_cookies_session,
    post_at_once,
)
from tests.lti.platform.tokens import new_key
from tests.race import assert_no_server_errors

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
TABLE: list[tuple[str, int, str, str]] = []
#: Where the table goes when asked (``LTI_BAD_TOKEN_TABLE=path``); always printed.
TABLE_FILE = os.environ.get("LTI_BAD_TOKEN_TABLE")

#: case -> (launch options, status, error code, message (regular expression)).
CASES = {
    "wrong issuer": (
        {"claims": {"iss": "https://evil.example"}},
        403,
        "issuer",
        r"The issuer 'https://evil.example' is not registered here\.",
    ),
    "wrong audience": (
        {"claims": {"aud": "someone-else", "azp": "someone-else"}},
        403,
        "audience",
        r"The id_token's audience \(aud\) is not our client id for this issuer\.",
    ),
    "several audiences, no azp": (
        {"claims": {"aud": ["test-lms-client", "other"], "azp": None}},
        400,
        "azp",
        r"The id_token has several audiences but no matching azp\.",
    ),
    "expired": (
        {"exp_offset": -3600},
        401,
        "expired",
        r"The id_token has expired \(exp\)\.",
    ),
    "iat in the future": (
        {"iat_offset": 3600},
        401,
        "iat-future",
        r"The id_token was issued in the future \(iat or nbf\)\.",
    ),
    "nonce never issued": (
        {"nonce": "nonce-we-never-issued"},
        401,
        "nonce",
        r"The launch's nonce was used already or was never issued here",
    ),
    "unknown deployment": (
        {"claims": {LTI + "deployment_id": "deployment-x"}},
        403,
        "deployment",
        r"The deployment 'deployment-x' is not registered for this platform\.",
    ),
    "wrong key (unknown kid)": (
        {"key": "fresh"},
        401,
        "kid-unknown",
        r"The key named by the id_token \(kid\) is not in the platform's JWKS\.",
    ),
    "wrong key (platform's kid)": (
        {"key": "fresh", "kid": "platform"},
        401,
        "signature",
        r"The id_token's signature does not verify with the platform's key",
    ),
    "no kid": (
        {"kid": None},
        400,
        "kid-missing",
        r"The id_token's header names no key \(kid\)\.",
    ),
    "alg none": (
        {"alg": "none"},
        400,
        "alg",
        r"The id_token is signed with 'none'; only RS256 is accepted\.",
    ),
    "HS256 with the public key": (
        {"alg": "HS256"},
        400,
        "alg",
        r"The id_token is signed with 'HS256'; only RS256 is accepted\.",
    ),
    "tampered payload": (
        {"tamper": True},
        401,
        "signature",
        r"The id_token's signature does not verify with the platform's key",
    ),
    "no exp": (
        {"drop": ["exp"]},
        400,
        "exp-missing",
        r"The id_token has no exp claim\.",
    ),
    "missing message type": (
        {"drop": [LTI + "message_type"]},
        400,
        "message-type-missing",
        r"The id_token has no message_type claim\.",
    ),
    "unknown message type": (
        {"claims": {LTI + "message_type": "LtiStartProctoring"}},
        400,
        "message-type",
        r"The message type 'LtiStartProctoring' is not one this tool handles\.",
    ),
    "wrong version": (
        {"claims": {LTI + "version": "1.1.0"}},
        400,
        "version",
        r"The LTI version must be 1\.3\.0\.",
    ),
    "missing sub": (
        {"drop": ["sub"]},
        400,
        "sub-missing",
        r"The id_token names no user \(sub\)\.",
    ),
}


@pytest.fixture(scope="module", autouse=True)
def _write_table():
    yield
    rows = ["| case | status | code | message |", "|---|---|---|---|"]
    rows += [f"| {c} | {s} | `{code}` | {m} |" for c, s, code, m in sorted(TABLE)]
    if TABLE_FILE:
        Path(TABLE_FILE).write_text("\n".join(rows) + "\n")
    print("\n" + "\n".join(rows))


def _check(answer, status, code, message, case, caplog) -> None:
    assert answer.status_code == status, (case, answer.status_code, answer.text[:800])
    text = error_of(answer.text)
    assert code_of(answer.text) == code, (case, text)
    assert re.search(message, text), (case, text)
    logged = [r for r in caplog.records if r.name == "courseware.lti"]
    assert any(f"({code})" in r.getMessage() for r in logged), [
        r.getMessage() for r in logged
    ]
    TABLE.append((case, status, code, text))


@pytest.mark.parametrize("case", list(CASES))
def test_bad_token_is_refused_and_changes_nothing(case, lms, counts, caplog):
    options, status, code, message = CASES[case]
    options = dict(options)
    if options.get("key") == "fresh":
        options["key"] = new_key()
    if options.get("kid") == "platform":
        options["kid"] = lms.key.kid
    if options.get("claims", {}).get("azp", 1) is None:
        options["claims"] = {k: v for k, v in options["claims"].items() if k != "azp"}
        options.setdefault("drop", []).append("azp")
    before = counts()
    caplog.set_level(logging.INFO, logger="courseware.lti")
    answer = lms.launch(browser_session(), "learner-1", "rl-module", **options)
    _check(answer, status, code, message, case, caplog)
    assert counts() == before


#: Hand-made launches: case -> (how the LMS's form post is changed, status, code,
#: message). "replay" posts the same id_token and state again after a launch.
HAND_MADE = {
    "replayed id_token (same nonce)": (
        "replay",
        401,
        "nonce",
        r"The launch's nonce was used already or was never issued here",
    ),
    "state mismatch (forged state)": (
        "forged state",
        400,
        "state-unknown",
        r"The launch's state was not issued by this course or has expired\.",
    ),
    "no state parameter": (
        "no state",
        400,
        "state-missing",
        r"The launch has no state parameter\.",
    ),
    "state cookie missing (another browser, or cookies blocked)": (
        "other browser",
        401,
        "state-cookie",
        r"Your browser did not send back the cookie of this launch",
    ),
}


@pytest.mark.parametrize("case", list(HAND_MADE))
def test_hand_made_launch_is_refused_and_changes_nothing(case, lms, counts, caplog):
    change, status, code, message = HAND_MADE[case]
    http = browser_session()
    redirect_uri, id_token, state = authenticate(lms, http)
    if change == "replay":
        first = lms.post_launch(http, redirect_uri, id_token, state)
        assert first.status_code == 303, first.text[:800]
    elif change == "forged state":
        state = "state-forged"
    elif change == "no state":
        state = ""
    elif change == "other browser":  # login CSRF: the state is not this browser's
        http = browser_session()
    before = counts()
    caplog.set_level(logging.INFO, logger="courseware.lti")
    answer = lms.post_launch(http, redirect_uri, id_token, state)
    _check(answer, status, code, message, case, caplog)
    assert counts() == before


def test_replay_at_the_same_moment_gives_one_launch(lms, counts):
    http = browser_session()
    posted = authenticate(lms, http)
    before = counts()
    copies = []
    for _ in range(4):
        one = browser_session()
        one.cookies.update(http.cookies)
        copies.append((one, *posted))
    answers = post_at_once(lms, copies)
    assert_no_server_errors(answers)
    assert sorted(a.status_code for a in answers) == [303, 401, 401, 401]
    refused = [a for a in answers if a.status_code == 401]
    assert all(code_of(a.text) == "nonce" for a in refused)
    after = counts()
    assert after["launches"] == before["launches"] + 1
    assert after["users"] == before["users"] + 1
    assert after["identities"] == before["identities"] + 1


def test_cookies_blocked_in_the_frame_offers_a_new_window(lms, counts):
    answer = lms.launch(no_cookies_session(), "learner-1", "rl-module")
    assert answer.status_code == 401
    assert code_of(answer.text) == "state-cookie"
    assert "lti1p3_new_window=1" in answer.text
    assert counts()["launches"] == 0
