"""Our JWKS at /lti/jwks, and key rotation: a retired key is served until no token
it signed can be valid any more, then drops out."""

from __future__ import annotations

from datetime import timedelta

import jwt
from sqlalchemy import select, update

from courseware.db import get_session, utcnow
from courseware.lti.models import LtiKey
from courseware.lti.services import keys


def _kids(client) -> list[str]:
    answer = client.get("/lti/jwks")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/json")
    found = answer.get_json()["keys"]
    for key in found:
        assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
        assert "d" not in key and "p" not in key  # public halves only
    return [key["kid"] for key in found]


def test_jwks_serves_one_current_key_made_on_first_use(client):
    first = _kids(client)
    assert len(first) == 1
    assert _kids(client) == first


def test_signing_key_verifies_with_the_jwks(app, client):
    [kid] = _kids(client)
    with app.app_context():
        signing_kid, pem = keys.signing_key(get_session())
    assert signing_kid == kid
    token = jwt.encode({"iss": "us"}, pem, algorithm="RS256", headers={"kid": kid})
    jwk = client.get("/lti/jwks").get_json()["keys"][0]
    public = jwt.PyJWK(jwk).key
    assert jwt.decode(token, public, algorithms=["RS256"]) == {"iss": "us"}


def test_rotation_keeps_the_old_key_until_its_tokens_expire(app, client, runner):
    [old] = _kids(client)
    result = runner.invoke(args=["courseware", "lti", "keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert f"retired {old}" in result.output
    kids = _kids(client)
    assert len(kids) == 2 and kids[1] == old
    new = kids[0]
    with app.app_context():
        session = get_session()
        assert keys.signing_key(session)[0] == new
        # just inside the horizon: still served
        session.execute(
            update(LtiKey)
            .where(LtiKey.kid == old)
            .values(
                retired_at=utcnow() - keys.MAX_TOKEN_LIFETIME + timedelta(minutes=1)
            )
        )
        session.commit()
    assert _kids(client) == [new, old]
    with app.app_context():
        session = get_session()
        session.execute(
            update(LtiKey)
            .where(LtiKey.kid == old)
            .values(
                retired_at=utcnow() - keys.MAX_TOKEN_LIFETIME - timedelta(seconds=1)
            )
        )
        session.commit()
    assert _kids(client) == [new]
    # the next rotation deletes keys that no token can need
    assert runner.invoke(args=["courseware", "lti", "keys", "rotate"]).exit_code == 0
    with app.app_context():
        left = set(get_session().scalars(select(LtiKey.kid)))
    assert old not in left and new in left


def test_first_jwks_requests_at_once_make_one_key(app, live):
    from tests.race import RaceClient, assert_no_server_errors

    answers = RaceClient(live.url).race(6, "GET", "/lti/jwks")
    assert_no_server_errors(answers)
    kids = {tuple(k["kid"] for k in a.json()["keys"]) for a in answers}
    assert len(kids) == 1
    with app.app_context():
        assert len(list(get_session().scalars(select(LtiKey)))) == 1
