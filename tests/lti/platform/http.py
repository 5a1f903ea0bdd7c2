"""Request helpers of the test LMS: bearer tokens, media types, JSON, paging, faults."""

from __future__ import annotations

import json
import math
import time
from contextlib import contextmanager
from urllib.parse import urlencode

from flask import Response, jsonify, request

from .tokens import PlatformError


def bearer(platform, *scopes: str) -> dict:
    """The access token of the request, which must grant one of ``scopes``."""
    header = request.headers.get("Authorization", "")
    kind, _, token = header.partition(" ")
    if kind.lower() != "bearer" or not token.strip():
        raise PlatformError(401, "invalid_token", "no Bearer access token")
    with platform.records.lock:
        record = platform.records.access_tokens.get(token.strip())
    if record is None:
        raise PlatformError(401, "invalid_token", "unknown access token")
    if record["expires_at"] <= time.time():
        raise PlatformError(401, "invalid_token", "the access token has expired")
    if not set(scopes) & set(record["scopes"]):
        raise PlatformError(
            403, "insufficient_scope", f"the token grants none of {' '.join(scopes)}"
        )
    return record


def require_content_type(expected: str) -> None:
    if request.mimetype != expected:
        raise PlatformError(
            415,
            "invalid_request",
            f"Content-Type must be {expected}, not {request.mimetype or 'none'}",
        )


def require_accept(media_type: str) -> None:
    """Refuse an Accept header that allows neither ``media_type`` nor JSON."""
    if not request.headers.get("Accept"):
        return
    accepted = request.accept_mimetypes
    if not (accepted[media_type] or accepted["application/json"]):
        raise PlatformError(406, "invalid_request", f"Accept must allow {media_type}")


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number")


def json_body() -> dict:
    """The request's JSON object (NaN and Infinity refused)."""
    try:
        body = json.loads(request.get_data(), parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PlatformError(400, "invalid_request", f"body is not JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise PlatformError(400, "invalid_request", "body must be a JSON object")
    return body


def number(body: dict, name: str, *, required: bool, positive: bool = False):
    value = body.get(name)
    if value is None:
        if required:
            raise PlatformError(400, "invalid_request", f"{name} is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PlatformError(400, "invalid_request", f"{name} must be a number")
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        kind = "positive" if positive else "zero or more"
        raise PlatformError(400, "invalid_request", f"{name} must be {kind}")
    return value


def text(body: dict, name: str, *, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise PlatformError(
            400, "invalid_request", f"{name} must be a non-empty string"
        )
    return value


def media(payload, media_type: str, status: int = 200) -> Response:
    answer = jsonify(payload)
    answer.status_code = status
    answer.mimetype = media_type
    return answer


def paged(items: list) -> tuple[list, str | None]:
    """The page asked for by ``limit``/``page`` and the ``Link`` header to the next."""
    try:
        limit = int(request.args.get("limit", "0") or 0)
        page = int(request.args.get("page", "1"))
    except ValueError as exc:
        raise PlatformError(
            400, "invalid_request", "limit and page are integers"
        ) from exc
    if limit < 0 or page < 1:
        raise PlatformError(400, "invalid_request", "limit >= 0 and page >= 1")
    if not limit:
        return items, None
    start = (page - 1) * limit
    chunk = items[start : start + limit]
    if start + limit >= len(items):
        return chunk, None
    query = {**request.args.to_dict(), "limit": limit, "page": page + 1}
    return chunk, f'<{request.base_url}?{urlencode(query)}>; rel="next"'


@contextmanager
def planned_faults(platform, kind: str, entry: dict | None = None):
    """Answer with the next planned fault of ``kind``, or delay the real answer."""
    fault = platform.records.take_fault(kind)
    if fault is None:
        yield
        return
    if entry is not None:
        entry["fault"] = fault
    if fault == "timeout":
        try:
            yield
        finally:
            time.sleep(platform.faults.timeout_seconds + 1)
        return
    status = int(fault)
    error = "invalid_token" if status == 401 else "server_error"
    raise PlatformError(status, error, f"planned fault {status}")
