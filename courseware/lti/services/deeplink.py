"""Deep Linking: what a teacher may pick, and the signed response to the LMS.

A deep-linking launch is usable by the teacher who made it, for
``DEEP_LINK_SECONDS`` after it. The picker offers the active course's tracks,
modules and quizzes; each choice becomes an ``ltiResourceLink`` content item that
launches us with ``custom.courseware_target`` and ``custom.courseware_lang``, and a
``lineItem`` (score maximum 100: the platform scales what we post), with
``submission.endDateTime`` when the teacher gave a due date. The response is
pylti1p3's ``DeepLink`` message, signed with our current key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from pylti1p3.deep_link import DeepLink
from sqlalchemy.orm import Session

from courseware.auth.models import Role
from courseware.db import utcnow
from courseware.lti.models import LtiLaunch
from courseware.lti.services.registration import platform_registration

DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
SETTINGS_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
DEPLOYMENT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
CONTENT_ITEMS_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
#: How long after the launch its teacher may use the picker.
DEEP_LINK_SECONDS = 3600
#: The line items' maximum: what we post is scaled to it by the platform.
SCORE_MAXIMUM = 100


class DeepLinkRefused(PermissionError):
    """This launch may not use the picker (another person, too old, not one)."""


@dataclass(frozen=True)
class Choice:
    """Something a teacher can link: ``target`` ("module:x") and its title."""

    target: str
    title: str
    kind: str


def usable_launch(session: Session, launch_id: str, user) -> LtiLaunch:
    """The deep-linking launch ``launch_id`` if ``user`` made it, recently."""
    launch = session.get(LtiLaunch, launch_id) if len(launch_id) <= 36 else None
    if (
        launch is None
        or launch.user_id != user.id
        or launch.message_type != DEEP_LINKING_REQUEST
        or not user.has_role(Role.TEACHER)
    ):
        raise DeepLinkRefused("not this teacher's deep-linking launch")
    if utcnow() - launch.created_at > timedelta(seconds=DEEP_LINK_SECONDS):
        raise DeepLinkRefused("the deep-linking launch has expired")
    return launch


def claims_of(launch: LtiLaunch) -> dict:
    return json.loads(launch.claims)


def settings(launch: LtiLaunch) -> dict:
    """The launch's ``deep_linking_settings`` claim."""
    found = claims_of(launch).get(SETTINGS_CLAIM)
    return found if isinstance(found, dict) else {}


def accepts_multiple(found: dict) -> bool:
    return found.get("accept_multiple") in (True, "true")


def accepts_due_date(found: dict) -> bool:
    """Graded links with a submission window: the LMS accepts line items."""
    return found.get("accept_lineitem", True) not in (False, "false") and (
        "ltiResourceLink" in (found.get("accept_types") or [])
    )


def choices(course, lang: str) -> list[Choice]:
    """Tracks, then modules each followed by its quiz, titled in ``lang``."""
    found = [
        Choice(f"track:{t['id']}", course.text(t.get("title"), lang), "track")
        for t in course.tracks
    ]
    for module_id, module in course.modules.items():
        title = course.text(module.get("title"), lang)
        found.append(Choice(f"module:{module_id}", title, "module"))
        if module.get("quiz"):
            quiz = str(_l("Quiz: %(title)s", title=title))
            found.append(Choice(f"quiz:{module['quiz']}", quiz, "quiz"))
    return found


def content_item(
    choice: Choice, url: str, lang: str, due: datetime | None, label: str
) -> dict:
    """One ``ltiResourceLink`` content item with its line item."""
    item = {
        "type": "ltiResourceLink",
        "title": label,
        "url": url,
        "custom": {"courseware_target": choice.target, "courseware_lang": lang},
        "lineItem": {
            "scoreMaximum": SCORE_MAXIMUM,
            "label": label,
            "resourceId": choice.target,
            "tag": choice.target,
        },
    }
    if due is not None:
        item["submission"] = {"endDateTime": due.isoformat(timespec="seconds")}
    return item


def response_jwt(session: Session, launch: LtiLaunch, items: list[dict]) -> str:
    """The signed ``LtiDeepLinkingResponse`` carrying ``items`` (``data`` echoed)."""
    claims = claims_of(launch)
    registration = platform_registration(session, launch.platform)
    link = DeepLink(registration, claims.get(DEPLOYMENT_CLAIM), settings(launch))
    message = link.get_message_jwt([])
    message[CONTENT_ITEMS_CLAIM] = items
    if "data" not in settings(launch):
        message.pop("https://purl.imsglobal.org/spec/lti-dl/claim/data", None)
    return link.encode_jwt(message)
