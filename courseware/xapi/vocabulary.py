"""Our xAPI vocabulary: activity ids, verbs, activity types and extensions."""

from __future__ import annotations

from flask import current_app

ADL = "http://adlnet.gov/expapi/verbs/"
VIDEO = "https://w3id.org/xapi/video/"
ACTIVITY_TYPES = "http://adlnet.gov/expapi/activities/"

VERBS = {
    "experienced": (ADL + "experienced", "experienced"),
    "progressed": (ADL + "progressed", "progressed"),
    "completed": (ADL + "completed", "completed"),
    "attempted": (ADL + "attempted", "attempted"),
    "answered": (ADL + "answered", "answered"),
    "passed": (ADL + "passed", "passed"),
    "failed": (ADL + "failed", "failed"),
    "initialized": (ADL + "initialized", "initialized"),
    "terminated": (ADL + "terminated", "terminated"),
    "interacted": (ADL + "interacted", "interacted"),
    "played": (VIDEO + "verbs/played", "played"),
    "paused": (VIDEO + "verbs/paused", "paused"),
    "seeked": (VIDEO + "verbs/seeked", "seeked"),
    "earned": ("http://id.tincanapi.com/verb/earned", "earned"),
}

TYPES = {
    "course": ACTIVITY_TYPES + "course",
    "module": ACTIVITY_TYPES + "module",
    "lesson": ACTIVITY_TYPES + "lesson",
    "assessment": ACTIVITY_TYPES + "assessment",
    "interaction": ACTIVITY_TYPES + "cmi.interaction",
    "video": VIDEO + "activity-type/video",
    "audio": ACTIVITY_TYPES + "media",
    "track": ACTIVITY_TYPES + "course",
    "certificate": "https://w3id.org/xapi/cop-courseware/activity-types/certificate",
    "profile": "http://adlnet.gov/expapi/activities/profile",
}

VIDEO_CATEGORY = VIDEO.rstrip("/")
VIDEO_EXT = VIDEO + "extensions/"


def site_url() -> str:
    """The site's public address (the xAPI actor's ``homePage``)."""
    return str(current_app.config["COURSEWARE_SITE_URL"]).rstrip("/")


def activity_base() -> str:
    """The IRI prefix of every activity id."""
    base = current_app.config.get("COURSEWARE_ACTIVITY_BASE")
    return str(base).rstrip("/") if base else f"{site_url()}/xapi/activities"


PROFILE = "https://w3id.org/xapi/cop-courseware"


def extension(name: str) -> str:
    """IRI of one of our own extensions: the same on every site (see the profile)."""
    return f"{PROFILE}/extensions/{name}"


def activity_id(kind: str, *parts: str) -> str:
    """``{BASE}/{kind}/{part}/...``: the same in every language and version."""
    return "/".join([activity_base(), kind, *parts])
