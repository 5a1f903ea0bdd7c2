"""The test LMS's token endpoint (client credentials, signed assertion) and NRPS."""

from __future__ import annotations

import secrets
import time

from flask import Flask, jsonify, request

from . import claims as c
from .http import bearer, media, paged, planned_faults, require_accept
from .tokens import PlatformError, verify_from_tool

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MEMBERSHIPS = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
TOKEN_LIFETIME = 3600


def register(app: Flask, platform) -> None:
    """Add ``/token`` and the NRPS memberships route to ``app``."""
    from . import ags

    ags.register(app, platform)

    @app.post("/token")
    def token():
        entry = {"form": request.form.to_dict(), "status": None}
        with platform.records.lock:
            platform.records.token_requests.append(entry)
        try:
            with planned_faults(platform, "token", entry):
                answer = issue_token(platform)
        except PlatformError as exc:
            entry["status"] = exc.status
            entry["error"] = exc.description
            raise
        entry["status"] = 200
        entry["scopes"] = answer["scope"].split()
        response = jsonify(answer)
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/nrps/<context_id>/memberships")
    def memberships(context_id: str):
        with planned_faults(platform, "memberships"):
            bearer(platform, c.SCOPE_NRPS)
            require_accept(MEMBERSHIPS)
            container, link = membership_page(platform, context_id)
        with platform.records.lock:
            platform.records.service_requests.append(
                {"kind": "memberships", "context_id": context_id, "args": request.args}
            )
        answer = media(container, MEMBERSHIPS)
        if link:
            answer.headers["Link"] = link
        return answer


def issue_token(platform) -> dict:
    """Check a client_credentials request with a JWT assertion; the token to give."""
    if request.mimetype != "application/x-www-form-urlencoded":
        raise PlatformError(
            400, "invalid_request", "the body must be application/x-www-form-urlencoded"
        )
    form = request.form
    if form.get("grant_type") != "client_credentials":
        raise PlatformError(
            400, "unsupported_grant_type", "grant_type must be client_credentials"
        )
    if form.get("client_assertion_type") != ASSERTION_TYPE:
        raise PlatformError(
            400, "invalid_request", f"client_assertion_type must be {ASSERTION_TYPE}"
        )
    assertion = form.get("client_assertion", "")
    if not assertion:
        raise PlatformError(400, "invalid_request", "client_assertion is missing")
    tool, claims = verify_from_tool(platform, assertion, platform.token_url, sub=True)
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        raise PlatformError(401, "invalid_client", "jti is missing")
    requested = form.get("scope", "").split()
    granted = [scope for scope in requested if scope in c.SERVICE_SCOPES]
    if not granted:
        raise PlatformError(400, "invalid_scope", "no known scope requested")
    with platform.records.lock:
        if jti in platform.records.used_jti:
            raise PlatformError(401, "invalid_client", "jti was already used")
        platform.records.used_jti.add(jti)
        access_token = secrets.token_urlsafe(24)
        platform.records.access_tokens[access_token] = {
            "client_id": tool.client_id,
            "scopes": granted,
            "expires_at": time.time() + TOKEN_LIFETIME,
        }
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": TOKEN_LIFETIME,
        "scope": " ".join(granted),
    }


def membership_page(platform, context_id: str) -> tuple[dict, str | None]:
    """One page of a course's roster, as NRPS 2.0 gives it."""
    records = platform.records
    with records.lock:
        course = records.courses.get(context_id)
        if course is None:
            raise PlatformError(404, "not_found", f"no course {context_id!r}")
        members = []
        for member in records.members.get(context_id, []):
            user = records.users[member.sub]
            entry = {"status": member.status, "user_id": user.sub, "roles": user.roles}
            for attribute in ("name", "email", "given_name"):
                if getattr(user, attribute) is not None:
                    entry[attribute] = getattr(user, attribute)
            members.append(entry)
    role = request.args.get("role")
    if role:
        members = [m for m in members if role in m["roles"]]
    chunk, link = paged(members)
    container = {
        "id": request.base_url,
        "context": {
            "id": course.context_id,
            "label": course.label,
            "title": course.title,
        },
        "members": chunk,
    }
    return container, link
