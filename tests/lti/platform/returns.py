"""What tools send back to the test LMS: deep-linking answers and registrations."""

from __future__ import annotations

import uuid

from flask import Flask, jsonify, render_template_string, request

from . import claims as c
from .http import json_body, require_content_type
from .state import Tool
from .tokens import PlatformError, verify_from_tool

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"

ADDED = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS: items added</title></head>
<body><main><h1>Added {{ items|length }} item(s) to the course</h1>
<ul id="added">{% for item in items %}
<li>{{ item.get("title") or item.get("url") }}</li>
{% endfor %}</ul>{% if message %}<p id="message">{{ message }}</p>{% endif %}
</main></body></html>
"""


def register(app: Flask, platform) -> None:
    """Add ``/deep-link-return`` and ``/register`` to ``app``."""

    @app.post("/deep-link-return")
    def deep_link_return():
        items, message = accept_deep_link_response(platform)
        return render_template_string(ADDED, items=items, message=message)

    @app.post("/register")
    def register_tool():
        answer = accept_registration(platform)
        return jsonify(answer)


def _refuse(description: str):
    raise PlatformError(400, "invalid_request", description)


def accept_deep_link_response(platform) -> tuple[list[dict], str | None]:
    """Verify an LtiDeepLinkingResponse and add its content items to the course."""
    token = request.form.get("JWT", "")
    if not token:
        _refuse("the JWT form field is missing")
    records = platform.records
    tool, claims = verify_from_tool(platform, token, platform.issuer)
    if claims.get(c.LTI + "message_type") != c.DEEP_LINKING_RESPONSE:
        _refuse(f"message_type must be {c.DEEP_LINKING_RESPONSE}")
    if claims.get(c.LTI + "version") != "1.3.0":
        _refuse("version must be 1.3.0")
    if claims.get(c.LTI + "deployment_id") != tool.deployment_id:
        _refuse("deployment_id is not the tool's deployment")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        _refuse("nonce is missing")
    data = claims.get(c.DL_DATA)
    with records.lock:
        sent = records.deep_link_requests.get(data) if isinstance(data, str) else None
    if sent is None or sent["client_id"] != tool.client_id:
        _refuse("data does not echo a deep-linking request of this tool")
    items = claims.get(c.DL_CONTENT_ITEMS, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        _refuse("content_items must be a list of objects")
    if sent["context_id"] is None:
        _refuse("the deep-linking request was made outside a course")
    settings = sent["settings"]
    if len(items) > 1 and not settings.get("accept_multiple"):
        _refuse("several content items but accept_multiple is false")
    for item in items:
        check_content_item(item, settings)
    with records.lock:
        if nonce in records.used_nonces:
            _refuse("nonce was already used")
        records.used_nonces.add(nonce)
        records.deep_link_responses.append(claims)
        for item in items:
            add_linked_item(platform, tool, sent["context_id"], item)
    return items, claims.get("https://purl.imsglobal.org/spec/lti-dl/claim/msg")


def check_content_item(item: dict, settings: dict) -> None:
    kind = item.get("type")
    if kind not in settings.get("accept_types", []):
        _refuse(f"content item type {kind!r} was not asked for")
    for name in ("url", "title", "text"):
        if name in item and not isinstance(item[name], str):
            _refuse(f"content item {name} must be a string")
    custom = item.get("custom", {})
    if not isinstance(custom, dict) or not all(
        isinstance(v, str) for v in custom.values()
    ):
        _refuse("custom must be an object of strings")
    line_item = item.get("lineItem")
    if line_item is not None:
        if not isinstance(line_item, dict):
            _refuse("lineItem must be an object")
        maximum = line_item.get("scoreMaximum")
        if isinstance(maximum, bool) or not isinstance(maximum, int | float):
            _refuse("lineItem.scoreMaximum must be a number")
        if maximum <= 0:
            _refuse("lineItem.scoreMaximum must be positive")


def add_linked_item(platform, tool: Tool, context_id: str, item: dict) -> None:
    """A resource link (and line item) in the course for one returned item."""
    records = platform.records
    rl_id = f"dl-{len(records.deep_link_items) + 1}"
    link = platform.add_resource_link(
        rl_id,
        context_id,
        item.get("url") or tool.launch_url,
        title=item.get("title", ""),
        custom=item.get("custom"),
        line_item=item.get("lineItem"),
    )
    records.deep_link_items.append(
        {
            **item,
            "context_id": context_id,
            "rl_id": rl_id,
            "line_item_id": link.line_item_id,
        }
    )


def _url(body: dict, name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise PlatformError(400, "invalid_client_metadata", f"{name} must be a URL")
    return value


def accept_registration(platform) -> dict:
    """LTI Dynamic Registration: check the tool's client registration, register it."""
    kind, _, token = request.headers.get("Authorization", "").partition(" ")
    records = platform.records
    with records.lock:
        known = kind.lower() == "bearer" and token in records.registration_tokens
    if not known:
        raise PlatformError(401, "invalid_token", "no valid registration token")
    require_content_type("application/json")
    body = json_body()

    def refuse(description: str):
        raise PlatformError(400, "invalid_client_metadata", description)

    if body.get("application_type") != "web":
        refuse("application_type must be web")
    if body.get("response_types") != ["id_token"]:
        refuse("response_types must be [id_token]")
    grants = body.get("grant_types")
    if not isinstance(grants, list) or not {"implicit", "client_credentials"} <= set(
        grants
    ):
        refuse("grant_types must hold implicit and client_credentials")
    if body.get("token_endpoint_auth_method") != "private_key_jwt":
        refuse("token_endpoint_auth_method must be private_key_jwt")
    login = _url(body, "initiate_login_uri")
    jwks = _url(body, "jwks_uri")
    redirects = body.get("redirect_uris")
    if not isinstance(redirects, list) or not redirects:
        raise PlatformError(400, "invalid_redirect_uri", "redirect_uris is empty")
    for uri in redirects:
        _url({"redirect_uri": uri}, "redirect_uri")
    config = body.get(TOOL_CONFIGURATION)
    if not isinstance(config, dict):
        refuse(f"{TOOL_CONFIGURATION} is missing")
    if not isinstance(config.get("domain"), str) or not config["domain"]:
        refuse("the tool configuration has no domain")
    target = _url(config, "target_link_uri")
    messages = config.get("messages", [])
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        refuse("messages must be a list of objects")
    supported = {c.RESOURCE_LINK_REQUEST, c.DEEP_LINKING_REQUEST}
    deep_link = None
    for message in messages:
        if message.get("type") not in supported:
            refuse(f"message type {message.get('type')!r} is not supported")
        if message["type"] == c.DEEP_LINKING_REQUEST:
            deep_link = message.get("target_link_uri") or target
    client_id = f"dr-{uuid.uuid4().hex[:12]}"
    deployment_id = f"dr-deployment-{len(records.registered_tools) + 1}"
    tool = Tool(client_id, deployment_id, login, target, jwks, list(redirects))
    tool.deep_link_url = deep_link
    tool.registration = body
    answer = {
        **body,
        "client_id": client_id,
        TOOL_CONFIGURATION: {**config, "deployment_id": deployment_id},
    }
    with records.lock:
        if token not in records.registration_tokens:
            raise PlatformError(401, "invalid_token", "the registration token was used")
        records.registration_tokens.discard(token)
        records.tools[client_id] = tool
        records.registered_tools.append(
            {
                "client_id": client_id,
                "deployment_id": deployment_id,
                "registration": body,
            }
        )
        platform.client_id = client_id
        platform.deployment_id = deployment_id
    return answer
