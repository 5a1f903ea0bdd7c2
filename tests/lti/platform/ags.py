"""Assignment and Grade Services 2.0 of the test LMS: line items, scores, results."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, request

from . import claims as c
from .http import (
    bearer,
    json_body,
    media,
    number,
    paged,
    planned_faults,
    require_accept,
    require_content_type,
    text,
)
from .tokens import PlatformError

LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE = "application/vnd.ims.lis.v1.score+json"
RESULTS = "application/vnd.ims.lis.v2.resultcontainer+json"
ACTIVITY = {"Initialized", "Started", "InProgress", "Submitted", "Completed"}
GRADING = {"FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"}
READ = (c.SCOPE_LINEITEM, c.SCOPE_LINEITEM_READ)


def register(app: Flask, platform) -> None:
    """Add the AGS routes (per course) to ``app``."""
    records = platform.records
    base = "/ags/<context_id>/lineitems"

    def course(context_id: str) -> None:
        with records.lock:
            if context_id not in records.courses:
                raise PlatformError(404, "not_found", f"no course {context_id!r}")

    def item_of(context_id: str, number_: int):
        course(context_id)
        with records.lock:
            for item in records.line_items.values():
                if item.context_id == context_id and item.number == number_:
                    return item
        raise PlatformError(404, "not_found", f"no line item {number_}")

    @app.get(base)
    def line_items(context_id: str):
        bearer(platform, *READ)
        require_accept(LINEITEMS)
        course(context_id)
        filters = {
            "resource_link_id": "resource_link_id",
            "resource_id": "resource_id",
            "tag": "tag",
        }
        with records.lock:
            items = [
                i for i in records.line_items.values() if i.context_id == context_id
            ]
        for arg, attribute in filters.items():
            if arg in request.args:
                items = [i for i in items if getattr(i, attribute) == request.args[arg]]
        chunk, link = paged([i.as_json() for i in items])
        answer = media(chunk, LINEITEMS)
        if link:
            answer.headers["Link"] = link
        return answer

    @app.post(base)
    def create_line_item(context_id: str):
        bearer(platform, c.SCOPE_LINEITEM)
        course(context_id)
        require_content_type(LINEITEM)
        fields = line_item_fields(records, context_id, json_body())
        item = platform.add_line_item(context_id, **fields)
        return media(item.as_json(), LINEITEM, 201)

    @app.get(base + "/<int:number_>")
    def line_item(context_id: str, number_: int):
        bearer(platform, *READ)
        require_accept(LINEITEM)
        return media(item_of(context_id, number_).as_json(), LINEITEM)

    @app.put(base + "/<int:number_>")
    def update_line_item(context_id: str, number_: int):
        bearer(platform, c.SCOPE_LINEITEM)
        item = item_of(context_id, number_)
        require_content_type(LINEITEM)
        fields = line_item_fields(records, context_id, json_body())
        with records.lock:
            for name, value in fields.items():
                setattr(item, name, value)
        return media(item.as_json(), LINEITEM)

    @app.delete(base + "/<int:number_>")
    def delete_line_item(context_id: str, number_: int):
        bearer(platform, c.SCOPE_LINEITEM)
        item = item_of(context_id, number_)
        with records.lock:
            records.line_items.pop(item.id, None)
        return "", 204

    @app.post(base + "/<int:number_>/scores")
    def post_score(context_id: str, number_: int):
        entry = {
            "context_id": context_id,
            "line_item": number_,
            "content_type": request.content_type,
            "body": request.get_data(as_text=True),
            "status": None,
        }
        with records.lock:
            records.score_posts.append(entry)
        try:
            with planned_faults(platform, "score", entry):
                bearer(platform, c.SCOPE_SCORE)
                item = item_of(context_id, number_)
                require_content_type(SCORE)
                accept_score(platform, item, json_body())
        except PlatformError as exc:
            entry["status"] = exc.status
            entry["error"] = exc.description
            raise
        entry["status"] = 200
        return media({}, "application/json")

    @app.get(base + "/<int:number_>/results")
    def results(context_id: str, number_: int):
        bearer(platform, c.SCOPE_RESULT_READ)
        require_accept(RESULTS)
        item = item_of(context_id, number_)
        latest: dict[str, dict] = {}
        with records.lock:
            for body in records.accepted_scores.get(item.id, []):
                latest[body["userId"]] = body
        wanted = request.args.get("user_id")
        out = [
            {
                "id": f"{item.id}/results/{sub}",
                "scoreOf": item.id,
                "userId": sub,
                "resultScore": body.get("scoreGiven"),
                "resultMaximum": body.get("scoreMaximum"),
                "comment": body.get("comment"),
            }
            for sub, body in latest.items()
            if wanted is None or sub == wanted
        ]
        chunk, link = paged(out)
        answer = media(chunk, RESULTS)
        if link:
            answer.headers["Link"] = link
        return answer


def line_item_fields(records, context_id: str, body: dict) -> dict:
    """The line item a POST or PUT body describes (label and scoreMaximum required)."""
    fields = {
        "label": text(body, "label", required=True),
        "score_maximum": number(body, "scoreMaximum", required=True, positive=True),
        "resource_id": text(body, "resourceId"),
        "tag": text(body, "tag"),
        "resource_link_id": text(body, "resourceLinkId"),
        "start": text(body, "startDateTime"),
        "end": text(body, "endDateTime"),
    }
    for name in ("startDateTime", "endDateTime"):
        if body.get(name) is not None:
            timestamp(body, name)
    link_id = fields["resource_link_id"]
    if link_id is not None:
        with records.lock:
            link = records.links.get(link_id)
        if link is None or link.context_id != context_id:
            raise PlatformError(400, "invalid_request", f"no resource link {link_id!r}")
    return fields


def timestamp(body: dict, name: str) -> datetime:
    value = body.get(name)
    if not isinstance(value, str):
        raise PlatformError(400, "invalid_request", f"{name} is missing")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise PlatformError(
            400, "invalid_request", f"{name} is not an ISO 8601 date-time"
        ) from exc
    if moment.tzinfo is None:
        raise PlatformError(400, "invalid_request", f"{name} has no time zone")
    return moment


def accept_score(platform, item, body: dict) -> None:
    """Check a score (AGS 2.0, Score publish service) and record it."""
    records = platform.records
    user_id = text(body, "userId", required=True)
    with records.lock:
        known = user_id in records.users
    if not known:
        raise PlatformError(400, "invalid_request", f"unknown userId {user_id!r}")
    given = number(body, "scoreGiven", required=False)
    maximum = number(body, "scoreMaximum", required=given is not None, positive=True)
    if given is not None and given > maximum:
        raise PlatformError(400, "invalid_request", "scoreGiven exceeds scoreMaximum")
    if body.get("activityProgress") not in ACTIVITY:
        raise PlatformError(
            400,
            "invalid_request",
            f"activityProgress must be one of {sorted(ACTIVITY)}",
        )
    if body.get("gradingProgress") not in GRADING:
        raise PlatformError(
            400, "invalid_request", f"gradingProgress must be one of {sorted(GRADING)}"
        )
    text(body, "comment")
    moment = timestamp(body, "timestamp")
    with records.lock:
        stored = records.accepted_scores.setdefault(item.id, [])
        previous = [s for s in stored if s["userId"] == user_id]
        if previous and moment <= datetime.fromisoformat(previous[-1]["timestamp"]):
            raise PlatformError(
                409,
                "conflict",
                "timestamp is not later than the last score stored for this user",
            )
        stored.append(dict(body))
