"""The test LMS checked on its own, with a fake tool (tests/lti/platform/faketool.py).

The tool's tests trust this platform to refuse what a real LMS refuses; these tests
show that it does (every refusal with its exact error) and that what it issues can
be read by another JOSE library than its own.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import jwt as pyjwt
import pytest
import requests

from tests.lti.platform import Platform
from tests.lti.platform import claims as c
from tests.lti.platform.faketool import ASSERTION_TYPE, FakeTool, ToolKey
from tests.lti.platform.tokens import new_key

LTI = c.LTI
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"


@pytest.fixture
def tool():
    with FakeTool() as fake:
        yield fake


@pytest.fixture
def lms(lti_platform: Platform, tool: FakeTool) -> Platform:
    tool.register_with(lti_platform)
    lti_platform.add_course("course-1", "Online safety", label="OS-9")
    lti_platform.add_user(
        "learner-1",
        [c.LEARNER],
        name="Ada L",
        email="ada@example.org",
        given_name="Ada",
    )
    lti_platform.add_user("teacher-1", [c.INSTRUCTOR])
    lti_platform.add_resource_link(
        "rl-1",
        "course-1",
        tool.launch_url,
        title="Module one",
        custom={"target": "module:sample"},
        line_item={"scoreMaximum": 10, "label": "Quiz", "resourceId": "q", "tag": "t"},
    )
    lti_platform.add_resource_link("rl-plain", "course-1", tool.launch_url)
    return lti_platform


def launched(lms: Platform, tool: FakeTool, *args, **kwargs) -> dict:
    """Launch over HTTP; the claims of the id_token the tool received, verified."""
    answer = lms.launch(requests.Session(), *args, **kwargs)
    assert answer.status_code == 200, answer.text
    return tool.verify_id_token(lms, answer.json()["id_token"])


def error_of(answer: requests.Response) -> tuple[int, str, str]:
    body = answer.json()
    return answer.status_code, body["error"], body["error_description"]


def at_once(n: int, send) -> list:
    """``send(i)`` for i in range(n) from n threads released together; the results."""
    barrier = threading.Barrier(n)

    def one(i):
        barrier.wait()
        return send(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


# -- OIDC launch ------------------------------------------------------------------


def test_a_launch_carries_every_required_claim(lms, tool):
    claims = launched(lms, tool, "learner-1", "rl-1")
    login = tool.logins[-1]
    assert set(login) == {
        "iss",
        "login_hint",
        "target_link_uri",
        "lti_message_hint",
        "client_id",
        "lti_deployment_id",
    }
    assert login["iss"] == lms.issuer and login["login_hint"] == "learner-1"
    assert claims["iss"] == lms.issuer
    assert claims["aud"] == lms.client_id == claims["azp"]
    assert claims["sub"] == "learner-1"
    assert claims["exp"] > claims["iat"]
    assert claims["nonce"] == lms.auth_requests[-1]["nonce"]
    assert claims[LTI + "message_type"] == "LtiResourceLinkRequest"
    assert claims[LTI + "version"] == "1.3.0"
    assert claims[LTI + "deployment_id"] == lms.deployment_id
    assert claims[LTI + "target_link_uri"] == tool.launch_url
    assert claims[LTI + "resource_link"]["id"] == "rl-1"
    assert claims[LTI + "resource_link"]["title"] == "Module one"
    assert claims[LTI + "roles"] == [c.LEARNER]
    assert claims[LTI + "context"] == {
        "id": "course-1",
        "label": "OS-9",
        "title": "Online safety",
        "type": [c.COURSE_OFFERING],
    }
    assert claims[LTI + "tool_platform"]["product_family_code"] == "moodle"
    assert claims[LTI + "launch_presentation"] == {
        "document_target": "iframe",
        "return_url": f"{lms.issuer}/lms/return",
        "locale": "en",
    }
    assert claims[LTI + "custom"] == {"target": "module:sample"}
    ags = claims[c.AGS_CLAIM]
    assert set(ags["scope"]) == {
        c.SCOPE_LINEITEM,
        c.SCOPE_LINEITEM_READ,
        c.SCOPE_RESULT_READ,
        c.SCOPE_SCORE,
    }
    assert ags["lineitems"] == f"{lms.issuer}/ags/course-1/lineitems"
    assert ags["lineitem"] == lms.line_item("rl-1").id
    assert claims[c.NRPS_CLAIM] == {
        "context_memberships_url": f"{lms.issuer}/nrps/course-1/memberships",
        "service_versions": ["2.0"],
    }
    assert (claims["name"], claims["email"], claims["given_name"]) == (
        "Ada L",
        "ada@example.org",
        "Ada",
    )
    assert c.DL_SETTINGS not in claims


def test_personal_claims_only_when_the_user_has_them(lms, tool):
    claims = launched(lms, tool, "teacher-1", "rl-plain")
    assert not {"name", "email", "given_name"} & set(claims)
    assert claims[LTI + "roles"] == [c.INSTRUCTOR]
    assert "lineitem" not in claims[c.AGS_CLAIM]  # the link has no line item
    assert claims[LTI + "custom"] == {}


def test_a_deep_linking_request_carries_its_settings(lms, tool):
    claims = launched(
        lms, tool, "teacher-1", None, message_type="LtiDeepLinkingRequest"
    )
    assert claims[LTI + "message_type"] == "LtiDeepLinkingRequest"
    assert claims[LTI + "target_link_uri"] == tool.deep_link_url
    assert LTI + "resource_link" not in claims
    settings = claims[c.DL_SETTINGS]
    assert settings["deep_link_return_url"] == f"{lms.issuer}/deep-link-return"
    assert settings["accept_types"] == ["ltiResourceLink"]
    assert settings["accept_multiple"] is True
    assert settings["data"].startswith("dl-")
    assert claims[LTI + "context"]["id"] == "course-1"


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (
            {"redirect_uri": "http://127.0.0.1:1/evil"},
            (
                400,
                "invalid_request",
                "redirect_uri 'http://127.0.0.1:1/evil' is not registered",
            ),
        ),
        ({"nonce": None}, (400, "invalid_request", "nonce is missing")),
        (
            {"client_id": "someone-else"},
            (400, "unauthorized_client", "unknown client_id 'someone-else'"),
        ),
        ({"state": None}, (400, "invalid_request", "state is missing")),
        ({"scope": "profile"}, (400, "invalid_scope", "scope must include 'openid'")),
        (
            {"response_type": "code"},
            (400, "invalid_request", "response_type must be 'id_token'"),
        ),
        (
            {"response_mode": "query"},
            (400, "invalid_request", "response_mode must be 'form_post'"),
        ),
        ({"prompt": "login"}, (400, "invalid_request", "prompt must be 'none'")),
        (
            {"login_hint": "teacher-1"},
            (400, "login_required", "login_hint is not the signed-in user"),
        ),
        (
            {"lti_message_hint": "forged"},
            (400, "invalid_request", "unknown lti_message_hint"),
        ),
    ],
)
def test_the_auth_endpoint_refuses_a_bad_request(lms, tool, override, expected):
    tool.auth_overrides = override
    answer = lms.launch(requests.Session(), "learner-1", "rl-1")
    assert error_of(answer) == expected
    assert lms.errors[-1]["description"] == expected[2]


def test_token_options_make_the_tokens_they_say(lms, tool):
    good = lms.id_token("learner-1", "rl-1", "n-1")
    assert tool.verify_id_token(lms, good)["nonce"] == "n-1"
    unsigned = lms.id_token("learner-1", "rl-1", "n-1", alg="none")
    assert unsigned.endswith(".") and pyjwt.get_unverified_header(unsigned)["alg"] == (
        "none"
    )
    tampered = lms.id_token("learner-1", "rl-1", "n-1", tamper=True)
    with pytest.raises(pyjwt.InvalidSignatureError):
        tool.verify_id_token(lms, tampered)
    changed = pyjwt.decode(tampered, options={"verify_signature": False})
    assert changed[LTI + "roles"][-1].endswith("person#Administrator")
    expired = lms.id_token("learner-1", "rl-1", "n-1", exp_offset=-600)
    with pytest.raises(pyjwt.ExpiredSignatureError):
        tool.verify_id_token(lms, expired)
    other = new_key()
    foreign = lms.id_token("learner-1", "rl-1", "n-1", key=other, kid=lms.key.kid)
    with pytest.raises(pyjwt.InvalidSignatureError):
        tool.verify_id_token(lms, foreign)
    no_kid = lms.id_token("learner-1", "rl-1", "n-1", kid=None)
    assert "kid" not in pyjwt.get_unverified_header(no_kid)
    hmac = lms.id_token("learner-1", "rl-1", "n-1", alg="HS256")
    assert pyjwt.get_unverified_header(hmac)["alg"] == "HS256"
    dropped = lms.id_token(
        "learner-1", "rl-1", "n-1", drop=["nonce"], claims={"aud": ["x", "y"]}
    )
    claims = pyjwt.decode(dropped, options={"verify_signature": False})
    assert "nonce" not in claims and claims["aud"] == ["x", "y"]


def test_launch_passes_token_options_through_the_flow(lms, tool):
    answer = lms.launch(
        requests.Session(), "learner-1", "rl-1", nonce="forced", iat_offset=-30
    )
    claims = pyjwt.decode(
        answer.json()["id_token"], options={"verify_signature": False}
    )
    assert claims["nonce"] == "forced"
    assert claims["exp"] - claims["iat"] == 330


def test_a_rotated_key_is_served_next_to_the_old_one(lms, tool):
    old = lms.key.kid
    fresh = lms.rotate_key()
    kids = [k["kid"] for k in requests.get(lms.jwks_url, timeout=10).json()["keys"]]
    assert kids == [old, fresh.kid]
    token = lms.id_token("learner-1", "rl-1", "n")
    assert pyjwt.get_unverified_header(token)["kid"] == fresh.kid
    assert tool.verify_id_token(lms, token)["sub"] == "learner-1"
    jwk = requests.get(lms.jwks_url, timeout=10).json()["keys"][0]
    assert set(jwk) == {"kty", "n", "e", "kid", "alg", "use"}  # no private part


# -- token endpoint ---------------------------------------------------------------


def test_the_token_endpoint_grants_the_known_scopes_asked_for(lms, tool):
    answer = tool.token_request(lms, [c.SCOPE_SCORE, c.SCOPE_NRPS, "urn:unknown"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"].split() == [c.SCOPE_SCORE, c.SCOPE_NRPS]
    assert answer.headers["Cache-Control"] == "no-store"
    assert lms.token_requests[-1]["status"] == 200


def _assertion_cases():
    now = int(time.time())
    return [
        ("wrong aud", {"aud": "http://127.0.0.1:1/token"}, "aud must be"),
        ("unknown iss", {"iss": "nobody", "sub": "nobody"}, "unknown client 'nobody'"),
        ("sub is not iss", {"sub": "someone"}, "sub must be"),
        ("expired", {"exp": now - 10}, "the JWT has expired"),
        ("no exp", {"exp": None}, "exp is missing"),
        ("no jti", {"jti": None}, "jti is missing"),
        ("iat in the future", {"iat": now + 3600}, "iat is in the future"),
    ]


@pytest.mark.parametrize(
    ("case", "changes", "message"), _assertion_cases(), ids=lambda v: str(v)[:20]
)
def test_the_token_endpoint_refuses_a_bad_assertion(lms, tool, case, changes, message):
    answer = tool.token_request(lms, [c.SCOPE_SCORE], tool.assertion(lms, **changes))
    status, error, description = error_of(answer)
    assert (status, error) == (401, "invalid_client"), case
    assert description.startswith(message), description


def test_a_client_assertion_is_single_use(lms, tool):
    assertion = tool.assertion(lms)
    assert tool.token_request(lms, [c.SCOPE_SCORE], assertion).status_code == 200
    again = tool.token_request(lms, [c.SCOPE_SCORE], assertion)
    assert error_of(again) == (401, "invalid_client", "jti was already used")


def test_concurrent_requests_with_one_assertion_get_one_token(lms, tool):
    assertion = tool.assertion(lms)
    answers = at_once(8, lambda _: tool.token_request(lms, [c.SCOPE_SCORE], assertion))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [401] * 7


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"grant_type": "password"},
            (400, "unsupported_grant_type", "grant_type must be client_credentials"),
        ),
        (
            {"client_assertion_type": "urn:other"},
            (
                400,
                "invalid_request",
                "client_assertion_type must be "
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
        ),
        (
            {"client_assertion": ""},
            (400, "invalid_request", "client_assertion is missing"),
        ),
        ({"scope": "urn:unknown"}, (400, "invalid_scope", "no known scope requested")),
        (
            {"client_assertion": "not-a-jwt"},
            (400, "invalid_request", "not a compact JWT"),
        ),
    ],
)
def test_the_token_endpoint_refuses_a_bad_form(lms, tool, fields, expected):
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": tool.assertion(lms),
        "scope": c.SCOPE_SCORE,
        **fields,
    }
    answer = requests.post(lms.token_url, data=data, timeout=30)
    assert error_of(answer) == expected


def test_the_token_endpoint_refuses_json(lms, tool):
    answer = requests.post(
        lms.token_url, json={"grant_type": "client_credentials"}, timeout=30
    )
    assert error_of(answer) == (
        400,
        "invalid_request",
        "the body must be application/x-www-form-urlencoded",
    )


def test_the_token_endpoint_checks_the_signature_with_the_tools_jwks(lms, tool):
    now = int(time.time())
    claims = {
        "iss": lms.client_id,
        "sub": lms.client_id,
        "aud": lms.token_url,
        "exp": now + 60,
        "jti": "j1",
    }
    stranger = ToolKey()  # a key the tool's JWKS does not hold
    forged = tool.sign(claims, key=stranger, kid=tool.key.kid)
    answer = tool.token_request(lms, [c.SCOPE_SCORE], forged)
    assert error_of(answer)[:2] == (401, "invalid_client")
    assert error_of(answer)[2].startswith("bad signature")
    unknown = tool.sign({**claims, "jti": "j2"}, key=stranger)
    answer = tool.token_request(lms, [c.SCOPE_SCORE], unknown)
    assert error_of(answer) == (
        401,
        "invalid_client",
        f"kid {stranger.kid!r} is not in the tool's JWKS",
    )
    hs = pyjwt.encode({**claims, "jti": "j3"}, "s" * 32, algorithm="HS256")
    answer = tool.token_request(lms, [c.SCOPE_SCORE], hs)
    assert error_of(answer) == (401, "invalid_client", "alg must be RS256, not HS256")


def test_the_tools_jwks_is_cached_and_refetched_for_a_new_kid(lms, tool):
    tool.access_token(lms, c.SCOPE_SCORE)
    tool.access_token(lms, c.SCOPE_SCORE)
    assert lms.remote_keys.fetches == [tool.jwks_url]
    tool.keys.append(ToolKey())  # the tool rotates its key
    tool.access_token(lms, c.SCOPE_SCORE)
    assert lms.remote_keys.fetches == [tool.jwks_url, tool.jwks_url]


# -- AGS --------------------------------------------------------------------------


def score(user="learner-1", given=7, maximum=10, when=None, **changes) -> dict:
    body = {
        "userId": user,
        "scoreGiven": given,
        "scoreMaximum": maximum,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": when or "2026-12-01T10:00:00.000+00:00",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def post_score(lms, token, body, url=None, content_type=SCORE_TYPE):
    data = body if isinstance(body, str) else json.dumps(body)
    return requests.post(
        (url or lms.line_item("rl-1").id) + "/scores",
        data=data,
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
        timeout=30,
    )


def test_an_accepted_score_is_recorded(lms, tool):
    token = tool.access_token(lms, c.SCOPE_SCORE)
    answer = post_score(lms, token, score(comment="well done"))
    assert answer.status_code == 200, answer.text
    assert lms.scores("rl-1") == [score(comment="well done")]
    assert lms.scores(lms.line_item("rl-1").id) == lms.scores(1)
    later = score(given=9, when="2026-12-01T11:00:00+00:00")
    assert post_score(lms, token, later).status_code == 200
    assert [s["scoreGiven"] for s in lms.scores("rl-1")] == [7, 9]
    results_token = tool.access_token(lms, c.SCOPE_RESULT_READ)
    results = requests.get(
        lms.line_item("rl-1").id + "/results",
        headers={"Authorization": f"Bearer {results_token}"},
        timeout=30,
    )
    assert results.headers["Content-Type"].startswith(
        "application/vnd.ims.lis.v2.resultcontainer+json"
    )
    assert [(r["userId"], r["resultScore"]) for r in results.json()] == [
        ("learner-1", 9)
    ]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (score(given=11), 400, "scoreGiven exceeds scoreMaximum"),
        (score(user=None), 400, "userId must be a non-empty string"),
        (score(user="ghost"), 400, "unknown userId 'ghost'"),
        (score(maximum=None), 400, "scoreMaximum is missing"),
        (score(given=-1), 400, "scoreGiven must be zero or more"),
        (score(given="7"), 400, "scoreGiven must be a number"),
        (
            score(activityProgress="Done"),
            400,
            "activityProgress must be one of ['Completed', 'InProgress', "
            "'Initialized', 'Started', 'Submitted']",
        ),
        (
            score(gradingProgress=None),
            400,
            "gradingProgress must be one of ['Failed', 'FullyGraded', 'NotReady', "
            "'Pending', 'PendingManual']",
        ),
        (score(when="2026-12-01T10:00:00"), 400, "timestamp has no time zone"),
        (score(when="yesterday"), 400, "timestamp is not an ISO 8601 date-time"),
        ('{"userId": "learner-1", "scoreGiven": NaN}', 400, "body is not JSON"),
        ("[1]", 400, "body must be a JSON object"),
    ],
)
def test_a_bad_score_is_refused_and_not_recorded(lms, tool, body, status, message):
    token = tool.access_token(lms, c.SCOPE_SCORE)
    answer = post_score(lms, token, body)
    assert answer.status_code == status
    assert answer.json()["error_description"].startswith(message)
    assert lms.scores("rl-1") == []
    assert [p["status"] for p in lms.score_posts] == [status]


def test_a_score_not_later_than_the_last_is_refused(lms, tool):
    token = tool.access_token(lms, c.SCOPE_SCORE)
    assert post_score(lms, token, score()).status_code == 200
    again = post_score(lms, token, score(given=8))
    assert error_of(again) == (
        409,
        "conflict",
        "timestamp is not later than the last score stored for this user",
    )
    earlier = post_score(lms, token, score(when="2026-12-01T09:00:00+00:00"))
    assert earlier.status_code == 409
    other_user = post_score(lms, token, score(user="teacher-1"))
    assert other_user.status_code == 200
    assert [p["status"] for p in lms.score_posts] == [200, 409, 409, 200]
    assert len(lms.scores("rl-1")) == 2


def test_score_posts_need_a_bearer_token_with_the_score_scope(lms, tool):
    assert error_of(post_score(lms, "forged", score())) == (
        401,
        "invalid_token",
        "unknown access token",
    )
    no_header = requests.post(
        lms.line_item("rl-1").id + "/scores",
        json=score(),
        headers={"Content-Type": SCORE_TYPE},
        timeout=30,
    )
    assert error_of(no_header)[:2] == (401, "invalid_token")
    assert no_header.headers["WWW-Authenticate"].startswith(
        'Bearer error="invalid_token"'
    )
    read_only = tool.access_token(lms, c.SCOPE_LINEITEM_READ)
    assert error_of(post_score(lms, read_only, score()))[:2] == (
        403,
        "insufficient_scope",
    )
    token = tool.access_token(lms, c.SCOPE_SCORE)
    wrong_type = post_score(lms, token, score(), content_type="application/json")
    assert error_of(wrong_type) == (
        415,
        "invalid_request",
        f"Content-Type must be {SCORE_TYPE}, not application/json",
    )
    lms.expire_tokens()
    assert post_score(lms, token, score()).status_code == 401
    assert lms.scores("rl-1") == []
    assert len(lms.score_posts) == 5


def test_concurrent_scores_are_all_recorded(lms, tool):
    token = tool.access_token(lms, c.SCOPE_SCORE)

    def one(i):
        body = score(given=i, when=f"2026-12-01T10:00:{i:02d}+00:00", user="teacher-1")
        return post_score(lms, token, body).status_code

    statuses = at_once(10, one)
    # Arrival order decides which later timestamps come too late: never a 5xx, and
    # exactly the 200s are stored, in increasing timestamp order.
    assert set(statuses) <= {200, 409} and statuses.count(200) >= 1
    stored = [s["timestamp"] for s in lms.scores("rl-1")]
    assert len(stored) == statuses.count(200) and stored == sorted(stored)


def test_planned_faults_are_consumed_one_per_request(lms, tool):
    token = tool.access_token(lms, c.SCOPE_SCORE)
    lms.faults.score = [500, "timeout", 401]
    lms.faults.timeout_seconds = 0.2
    assert error_of(post_score(lms, token, score())) == (
        500,
        "server_error",
        "planned fault 500",
    )
    slow = post_score(lms, token, score())
    assert slow.status_code == 200
    assert error_of(post_score(lms, token, score(when="2026-12-01T10:01:00+00:00")))[
        :2
    ] == (401, "invalid_token")
    assert post_score(lms, token, score(when="2026-12-01T10:02:00+00:00")).ok
    assert [(p["status"], p.get("fault")) for p in lms.score_posts] == [
        (500, 500),
        (200, "timeout"),
        (401, 401),
        (200, None),
    ]
    assert len(lms.scores("rl-1")) == 2
    lms.faults.token = [503]
    assert tool.token_request(lms, [c.SCOPE_SCORE]).status_code == 503
    assert tool.token_request(lms, [c.SCOPE_SCORE]).status_code == 200


def test_line_items_can_be_listed_made_changed_and_deleted(lms, tool):
    token = tool.access_token(lms, c.SCOPE_LINEITEM)
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{lms.issuer}/ags/course-1/lineitems"
    made = requests.post(
        url,
        data=json.dumps(
            {
                "label": "Track",
                "scoreMaximum": 1,
                "resourceLinkId": "rl-plain",
                "tag": "x",
            }
        ),
        headers={**headers, "Content-Type": LINEITEM_TYPE},
        timeout=30,
    )
    assert made.status_code == 201, made.text
    item = made.json()
    assert item["id"].startswith(url + "/") and item["resourceLinkId"] == "rl-plain"
    listed = requests.get(url, headers=headers, params={"tag": "x"}, timeout=30)
    assert [i["id"] for i in listed.json()] == [item["id"]]
    first = requests.get(url, headers=headers, params={"limit": 1}, timeout=30)
    assert len(first.json()) == 1 and 'rel="next"' in first.headers["Link"]
    changed = requests.put(
        item["id"],
        data=json.dumps({"label": "Track 2", "scoreMaximum": 5}),
        headers={**headers, "Content-Type": LINEITEM_TYPE},
        timeout=30,
    )
    assert changed.json()["label"] == "Track 2"
    bad = requests.post(
        url,
        data=json.dumps({"label": "", "scoreMaximum": 0}),
        headers={**headers, "Content-Type": LINEITEM_TYPE},
        timeout=30,
    )
    assert error_of(bad) == (400, "invalid_request", "label must be a non-empty string")
    assert requests.delete(item["id"], headers=headers, timeout=30).status_code == 204
    assert requests.get(item["id"], headers=headers, timeout=30).status_code == 404
    assert len(lms.line_items("course-1")) == 1


# -- NRPS -------------------------------------------------------------------------


def memberships(lms, token, **params):
    return requests.get(
        f"{lms.issuer}/nrps/course-1/memberships",
        params=params,
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
        },
        timeout=30,
    )


def test_memberships_are_paged_and_show_removed_members(lms, tool):
    for n in range(3):
        lms.add_user(f"extra-{n}", [c.LEARNER])
    lms.set_members("course-1", ["learner-1", "teacher-1", "extra-0", "extra-1"])
    lms.remove_member("course-1", "extra-0")
    lms.remove_member("course-1", "extra-1", inactive=False)
    token = tool.access_token(lms, c.SCOPE_NRPS)
    page = memberships(lms, token, limit=2)
    assert page.headers["Content-Type"].startswith(
        "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
    )
    body = page.json()
    assert body["context"] == {
        "id": "course-1",
        "label": "OS-9",
        "title": "Online safety",
    }
    assert body["members"][0] == {
        "status": "Active",
        "user_id": "learner-1",
        "roles": [c.LEARNER],
        "name": "Ada L",
        "email": "ada@example.org",
        "given_name": "Ada",
    }
    assert body["members"][1] == {
        "status": "Active",
        "user_id": "teacher-1",
        "roles": [c.INSTRUCTOR],
    }
    next_url = page.links["next"]["url"]
    rest = requests.get(
        next_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert [(m["user_id"], m["status"]) for m in rest.json()["members"]] == [
        ("extra-0", "Inactive")
    ]
    assert "Link" not in rest.headers


def test_memberships_need_the_nrps_scope_and_honour_faults(lms, tool):
    score_token = tool.access_token(lms, c.SCOPE_SCORE)
    assert error_of(memberships(lms, score_token))[:2] == (403, "insufficient_scope")
    token = tool.access_token(lms, c.SCOPE_NRPS)
    lms.faults.memberships = [500]
    assert memberships(lms, token).status_code == 500
    assert memberships(lms, token).status_code == 200
    wrong_accept = requests.get(
        f"{lms.issuer}/nrps/course-1/memberships",
        headers={"Authorization": f"Bearer {token}", "Accept": "text/html"},
        timeout=30,
    )
    assert wrong_accept.status_code == 406


# -- deep linking -----------------------------------------------------------------


def deep_link_response(lms, tool, data, items, **changes) -> str:
    now = int(time.time())
    claims = {
        "iss": lms.client_id,
        "aud": lms.issuer,
        "iat": now,
        "exp": now + 60,
        "nonce": f"n-{time.time_ns()}",
        LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0",
        LTI + "deployment_id": lms.deployment_id,
        c.DL_DATA: data,
        c.DL_CONTENT_ITEMS: items,
    }
    claims.update(changes)
    return tool.sign(claims)


ITEMS = [
    {
        "type": "ltiResourceLink",
        "title": "Module A",
        "url": "http://tool.example/launch",
        "custom": {"target": "module:a"},
        "lineItem": {"scoreMaximum": 6, "label": "Module A", "tag": "module:a"},
    },
    {"type": "ltiResourceLink", "title": "Module B", "custom": {"target": "module:b"}},
]


def test_a_deep_linking_response_adds_links_to_the_course(lms, tool):
    claims = launched(
        lms, tool, "teacher-1", None, message_type="LtiDeepLinkingRequest"
    )
    data = claims[c.DL_SETTINGS]["data"]
    answer = requests.post(
        f"{lms.issuer}/deep-link-return",
        data={"JWT": deep_link_response(lms, tool, data, ITEMS)},
        timeout=30,
    )
    assert answer.status_code == 200 and "Added 2 item(s)" in answer.text
    items = lms.deep_link_items
    assert [i["title"] for i in items] == ["Module A", "Module B"]
    assert lms.line_item(items[0]["rl_id"]).score_maximum == 6
    assert items[1]["line_item_id"] is None
    added = launched(lms, tool, "learner-1", items[1]["rl_id"])
    assert added[LTI + "custom"] == {"target": "module:b"}
    assert added[LTI + "target_link_uri"] == tool.launch_url


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"aud": "http://127.0.0.1:1"}, (401, "invalid_client", "aud must be")),
        ({c.DL_DATA: "forged"}, (400, "invalid_request", "data does not echo")),
        (
            {LTI + "message_type": "LtiResourceLinkRequest"},
            (400, "invalid_request", "message_type must be LtiDeepLinkingResponse"),
        ),
        (
            {LTI + "deployment_id": "other"},
            (400, "invalid_request", "deployment_id is not the tool's deployment"),
        ),
        (
            {c.DL_CONTENT_ITEMS: [{"type": "file", "url": "http://x"}]},
            (400, "invalid_request", "content item type 'file' was not asked for"),
        ),
        (
            {c.DL_CONTENT_ITEMS: [{**ITEMS[0], "lineItem": {"scoreMaximum": 0}}]},
            (400, "invalid_request", "lineItem.scoreMaximum must be positive"),
        ),
        ({"nonce": None}, (400, "invalid_request", "nonce is missing")),
        ({"exp": 1}, (401, "invalid_client", "the JWT has expired")),
    ],
)
def test_a_bad_deep_linking_response_is_refused(lms, tool, changes, expected):
    claims = launched(
        lms, tool, "teacher-1", None, message_type="LtiDeepLinkingRequest"
    )
    token = deep_link_response(lms, tool, claims[c.DL_SETTINGS]["data"], ITEMS)
    header, payload = (
        pyjwt.get_unverified_header(token),
        pyjwt.decode(token, options={"verify_signature": False}),
    )
    payload.update(changes)
    token = tool.sign({k: v for k, v in payload.items() if v is not None})
    answer = requests.post(f"{lms.issuer}/deep-link-return", data={"JWT": token})
    status, error, description = error_of(answer)
    assert (status, error) == expected[:2] and description.startswith(expected[2])
    assert header["kid"] == tool.key.kid
    assert lms.deep_link_items == []


def test_a_deep_linking_response_is_single_use(lms, tool):
    claims = launched(
        lms, tool, "teacher-1", None, message_type="LtiDeepLinkingRequest"
    )
    token = deep_link_response(lms, tool, claims[c.DL_SETTINGS]["data"], ITEMS[:1])
    url = f"{lms.issuer}/deep-link-return"
    assert requests.post(url, data={"JWT": token}, timeout=30).status_code == 200
    again = requests.post(url, data={"JWT": token}, timeout=30)
    assert error_of(again) == (400, "invalid_request", "nonce was already used")
    assert len(lms.deep_link_items) == 1


# -- dynamic registration ---------------------------------------------------------


def test_dynamic_registration_registers_the_tool(lms, tool):
    config = requests.get(lms.openid_configuration_url, timeout=30).json()
    assert config["issuer"] == lms.issuer
    assert config["registration_endpoint"] == f"{lms.issuer}/register"
    lti = config["https://purl.imsglobal.org/spec/lti-platform-configuration"]
    assert lti["product_family_code"] == "moodle"
    assert {m["type"] for m in lti["messages_supported"]} == {
        "LtiResourceLinkRequest",
        "LtiDeepLinkingRequest",
    }
    old_client = lms.client_id
    answer = lms.dynamic_register(requests.Session(), f"{tool.url}/register")
    assert answer.status_code == 200, answer.text
    body = json.loads(answer.text)
    (registered,) = lms.registered_tools
    assert body["client_id"] == registered["client_id"] == lms.client_id != old_client
    tool_config = body["https://purl.imsglobal.org/spec/lti-tool-configuration"]
    assert tool_config["deployment_id"] == lms.deployment_id
    claims = launched(lms, tool, "learner-1", "rl-1")
    assert claims["aud"] == registered["client_id"]
    assert claims[LTI + "deployment_id"] == registered["deployment_id"]
    dl = launched(lms, tool, "teacher-1", None, message_type="LtiDeepLinkingRequest")
    assert dl[LTI + "target_link_uri"] == tool.deep_link_url


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"application_type": "native"}, "application_type must be web"),
        ({"response_types": ["code"]}, "response_types must be [id_token]"),
        (
            {"grant_types": ["implicit"]},
            "grant_types must hold implicit and client_credentials",
        ),
        (
            {"token_endpoint_auth_method": "client_secret_basic"},
            "token_endpoint_auth_method must be private_key_jwt",
        ),
        ({"initiate_login_uri": "javascript:x"}, "initiate_login_uri must be a URL"),
        ({"jwks_uri": None}, "jwks_uri must be a URL"),
        (
            {"https://purl.imsglobal.org/spec/lti-tool-configuration": None},
            "https://purl.imsglobal.org/spec/lti-tool-configuration is missing",
        ),
    ],
)
def test_a_bad_registration_is_refused(lms, tool, change, expected):
    tool.registration_body = {**tool.client_registration(), **change}
    answer = lms.dynamic_register(requests.Session(), f"{tool.url}/register")
    assert answer.status_code == 400
    body = json.loads(answer.text)
    assert (body["error"], body["error_description"]) == (
        "invalid_client_metadata",
        expected,
    )
    assert lms.registered_tools == []


def test_registration_needs_a_fresh_registration_token(lms, tool):
    url = f"{lms.issuer}/register"
    body = tool.client_registration()
    no_token = requests.post(url, json=body, timeout=30)
    assert error_of(no_token) == (401, "invalid_token", "no valid registration token")
    token = lms.registration_token()
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.post(url, json=body, headers=headers, timeout=30).status_code == 200
    reused = requests.post(url, json=body, headers=headers, timeout=30)
    assert error_of(reused)[:2] == (401, "invalid_token")
    assert len(lms.registered_tools) == 1


# -- LMS pages --------------------------------------------------------------------


def test_the_course_pages_embed_the_launch_in_an_iframe(lms, tool):
    page = requests.get(
        f"{lms.issuer}/lms/course/course-1/link/rl-1",
        params={"user": "learner-1"},
        timeout=30,
    )
    assert page.status_code == 200
    assert 'target="tool-frame"' in page.text and 'name="tool-frame"' in page.text
    assert f'action="{tool.login_url}"' in page.text
    assert 'name="login_hint" value="learner-1"' in page.text
    picker = requests.get(
        f"{lms.issuer}/lms/course/course-1/deep-link",
        params={"user": "teacher-1"},
        timeout=30,
    )
    assert f'value="{tool.deep_link_url}"' in picker.text
    unknown = requests.get(
        f"{lms.issuer}/lms/course/course-1/link/rl-1", params={"user": "x"}, timeout=30
    )
    assert error_of(unknown) == (400, "invalid_request", "?user= must be a known user")


@pytest.mark.browser
def test_the_course_page_launches_the_tool_inside_its_iframe(lms, tool, browser):
    """In chromium: the LMS page posts the login initiation into the iframe, the
    tool redirects to /auth, whose form_post page posts the id_token to the tool."""
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{lms.issuer}/lms/course/course-1/link/rl-1?user=learner-1")
        frame = page.frame(name="tool-frame")
        frame.wait_for_url(tool.launch_url)
        received = json.loads(frame.locator("body").inner_text())
        claims = tool.verify_id_token(lms, received["id_token"])
        assert claims["sub"] == "learner-1"
        assert claims[LTI + "resource_link"]["id"] == "rl-1"
        assert received["state"] == lms.auth_requests[-1]["state"]
        page.goto(f"{lms.issuer}/lms/course/course-1/deep-link?user=teacher-1")
        frame = page.frame(name="tool-frame")
        frame.wait_for_url(tool.launch_url)  # the tool's one redirect_uri
        received = json.loads(frame.locator("body").inner_text())
        claims = tool.verify_id_token(lms, received["id_token"])
        assert claims[LTI + "message_type"] == "LtiDeepLinkingRequest"
        assert claims[LTI + "target_link_uri"] == tool.deep_link_url
    finally:
        context.close()


def test_one_registration_token_registers_one_tool_when_raced(lms, tool):
    headers = {"Authorization": f"Bearer {lms.registration_token()}"}
    body = tool.client_registration()
    answers = at_once(
        6,
        lambda _: requests.post(
            f"{lms.issuer}/register", json=body, headers=headers, timeout=30
        ),
    )
    assert sorted(a.status_code for a in answers) == [200] + [401] * 5
    assert len(lms.registered_tools) == 1


def test_one_deep_linking_response_adds_its_items_once_when_raced(lms, tool):
    claims = launched(
        lms, tool, "teacher-1", None, message_type="LtiDeepLinkingRequest"
    )
    token = deep_link_response(lms, tool, claims[c.DL_SETTINGS]["data"], ITEMS)
    answers = at_once(
        6,
        lambda _: requests.post(
            f"{lms.issuer}/deep-link-return", data={"JWT": token}, timeout=30
        ),
    )
    assert sorted(a.status_code for a in answers) == [200] + [400] * 5
    assert [i["rl_id"] for i in lms.deep_link_items] == ["dl-1", "dl-2"]
