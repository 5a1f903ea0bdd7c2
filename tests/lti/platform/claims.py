"""The claims of the id_tokens the test LMS issues (LTI 1.3 core, AGS, NRPS, DL)."""

from __future__ import annotations

import time
import uuid

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
DL_CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
DL_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READ = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_RESULT_READ = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
SERVICE_SCOPES = (
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READ,
    SCOPE_RESULT_READ,
    SCOPE_SCORE,
    SCOPE_NRPS,
)

ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
LEARNER = ROLE + "Learner"
INSTRUCTOR = ROLE + "Instructor"
CONTENT_DEVELOPER = ROLE + "ContentDeveloper"
COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"

PRODUCT = {
    "guid": "test-lms-0001",
    "name": "Test LMS",
    "product_family_code": "moodle",
    "version": "4.3.0",
    "contact_email": "",
    "description": "The COP Courseware test suite's LMS",
}


def build_claims(
    platform,
    *,
    sub: str,
    rl_id: str | None,
    nonce: str,
    message_type: str,
    context_id: str | None = None,
    exp_offset: int = 0,
    iat_offset: int = 0,
) -> dict:
    """The claims a real LMS puts in an id_token for this user, link and message."""
    records = platform.records
    with records.lock:
        tool = platform.tool()
        user = records.users[sub]
        link = records.links[rl_id] if rl_id is not None else None
        if link is not None:
            context_id = link.context_id
        elif context_id is None and records.courses:
            context_id = next(iter(records.courses))
        course = records.courses.get(context_id) if context_id else None
        line_item = records.line_items.get(link.line_item_id) if link else None
    now = int(time.time())
    claims = {
        "iss": platform.issuer,
        "aud": tool.client_id,
        "azp": tool.client_id,
        "sub": sub,
        "iat": now + iat_offset,
        "exp": now + 300 + exp_offset,
        "nonce": nonce,
        LTI + "message_type": message_type,
        LTI + "version": "1.3.0",
        LTI + "deployment_id": tool.deployment_id,
        LTI + "roles": list(user.roles),
        LTI + "tool_platform": dict(PRODUCT),
        LTI + "launch_presentation": {
            "document_target": "iframe",
            "return_url": f"{platform.issuer}/lms/return",
            "locale": "en",
        },
        LTI + "custom": dict(link.custom or {}) if link else {},
    }
    for attribute in ("name", "email", "given_name"):
        value = getattr(user, attribute)
        if value is not None:
            claims[attribute] = value
    if message_type == DEEP_LINKING_REQUEST:
        claims[LTI + "target_link_uri"] = tool.deep_link_url or tool.launch_url
        claims[DL_SETTINGS] = {
            "deep_link_return_url": f"{platform.issuer}/deep-link-return",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "accept_multiple": True,
            "auto_create": True,
            "title": "Add from COP Courseware",
            "data": f"dl-{uuid.uuid4().hex}",
        }
    else:
        claims[LTI + "target_link_uri"] = link.target_link_uri if link else ""
        if link is not None:
            claims[LTI + "resource_link"] = {
                "id": link.rl_id,
                "title": link.title,
                "description": "",
            }
    if course is not None:
        claims[LTI + "context"] = {
            "id": course.context_id,
            "label": course.label,
            "title": course.title,
            "type": [COURSE_OFFERING],
        }
        ags = {
            "scope": [
                SCOPE_LINEITEM,
                SCOPE_LINEITEM_READ,
                SCOPE_RESULT_READ,
                SCOPE_SCORE,
            ],
            "lineitems": f"{platform.issuer}/ags/{course.context_id}/lineitems",
        }
        if line_item is not None:
            ags["lineitem"] = line_item.id
        claims[AGS_CLAIM] = ags
        claims[NRPS_CLAIM] = {
            "context_memberships_url": (
                f"{platform.issuer}/nrps/{course.context_id}/memberships"
            ),
            "service_versions": ["2.0"],
        }
    return claims
