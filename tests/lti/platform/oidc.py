"""OIDC for the test LMS: its JWKS, its configuration and the authorization endpoint."""

from __future__ import annotations

from flask import Flask, jsonify, render_template_string, request

from . import claims as c
from .tokens import PlatformError

#: The form_post answer of the authorization endpoint (OAuth 2.0 Form Post Response
#: Mode): the browser posts id_token and state to the tool's redirect_uri.
FORM_POST = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS: launching</title></head>
<body><main><h1>Launching the tool</h1>
<form id="launch" method="post" action="{{ action }}">
{% for name, value in fields.items() %}
<input type="hidden" name="{{ name }}" value="{{ value }}">
{% endfor %}
<noscript><button type="submit">Continue</button></noscript>
</form></main>
<script>document.getElementById("launch").submit();</script>
</body></html>
"""


def register(app: Flask, platform) -> None:
    """Add the JWKS, configuration and authorization routes to ``app``."""

    @app.get("/jwks")
    def jwks():
        return jsonify(platform.public_jwks())

    @app.get("/.well-known/openid-configuration")
    def openid_configuration():
        return jsonify(openid_configuration_document(platform))

    @app.route("/auth", methods=["GET", "POST"])
    def auth():
        params = request.values
        with platform.records.lock:
            platform.records.auth_requests.append(dict(params))
        action, fields = authorize(platform, params)
        return render_template_string(FORM_POST, action=action, fields=fields)


def _require(params, name: str, expected: str | None = None) -> str:
    value = params.get(name, "")
    if not value:
        raise PlatformError(400, "invalid_request", f"{name} is missing")
    if expected is not None and value != expected:
        raise PlatformError(400, "invalid_request", f"{name} must be {expected!r}")
    return value


def authorize(platform, params) -> tuple[str, dict]:
    """Check an OIDC authentication request; the redirect_uri and fields to post."""
    scopes = params.get("scope", "").split()
    if "openid" not in scopes:
        raise PlatformError(400, "invalid_scope", "scope must include 'openid'")
    _require(params, "response_type", "id_token")
    _require(params, "response_mode", "form_post")
    _require(params, "prompt", "none")
    client_id = _require(params, "client_id")
    records = platform.records
    with records.lock:
        tool = records.tools.get(client_id)
    if tool is None:
        raise PlatformError(
            400, "unauthorized_client", f"unknown client_id {client_id!r}"
        )
    redirect_uri = _require(params, "redirect_uri")
    if redirect_uri not in tool.redirect_uris:
        raise PlatformError(
            400, "invalid_request", f"redirect_uri {redirect_uri!r} is not registered"
        )
    nonce = _require(params, "nonce")
    state = _require(params, "state")
    login_hint = _require(params, "login_hint")
    hint = _require(params, "lti_message_hint")
    with records.lock:
        pending = records.launches.get(hint)
    if pending is None:
        raise PlatformError(400, "invalid_request", "unknown lti_message_hint")
    if login_hint != pending["sub"]:
        raise PlatformError(
            400, "login_required", "login_hint is not the signed-in user"
        )
    if pending["client_id"] != client_id:
        raise PlatformError(
            400, "invalid_request", "client_id is not the launched tool's"
        )
    options = dict(pending["options"])
    id_token = platform.id_token(
        pending["sub"],
        pending["rl_id"],
        options.pop("forced_nonce", nonce),
        message_type=pending["message_type"],
        claims=pending["claims"],
        **options,
    )
    return redirect_uri, {"id_token": id_token, "state": state}


def openid_configuration_document(platform) -> dict:
    """The platform's OpenID configuration, with LTI Dynamic Registration's claim."""
    issuer = platform.issuer
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/auth",
        "token_endpoint": f"{issuer}/token",
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "jwks_uri": f"{issuer}/jwks",
        "registration_endpoint": f"{issuer}/register",
        "scopes_supported": ["openid", *c.SERVICE_SCOPES],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public", "pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": [
            "iss",
            "aud",
            "sub",
            "iat",
            "exp",
            "nonce",
            "azp",
            "name",
            "given_name",
            "email",
        ],
        "https://purl.imsglobal.org/spec/lti-platform-configuration": {
            "product_family_code": c.PRODUCT["product_family_code"],
            "version": c.PRODUCT["version"],
            "messages_supported": [
                {"type": c.RESOURCE_LINK_REQUEST},
                {"type": c.DEEP_LINKING_REQUEST, "placements": ["ContentArea"]},
            ],
            "variables": ["Context.id", "ResourceLink.id", "User.id"],
        },
    }
