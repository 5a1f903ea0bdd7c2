"""The test LMS's in-memory records, behind one lock (the tool's tests send at once)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class Tool:
    """What the platform knows of a registered tool."""

    client_id: str
    deployment_id: str
    login_url: str
    launch_url: str
    jwks_url: str
    redirect_uris: list[str]
    deep_link_url: str | None = None
    registration: dict | None = None


@dataclass
class User:
    sub: str
    roles: list[str]
    name: str | None = None
    email: str | None = None
    given_name: str | None = None


@dataclass
class Course:
    context_id: str
    title: str
    label: str


@dataclass
class ResourceLink:
    rl_id: str
    context_id: str
    target_link_uri: str
    title: str = ""
    custom: dict | None = None
    line_item_id: str | None = None


@dataclass
class LineItem:
    id: str  # the line item's URL, as AGS names it
    number: int
    context_id: str
    label: str
    score_maximum: float
    resource_id: str | None = None
    tag: str | None = None
    resource_link_id: str | None = None
    start: str | None = None
    end: str | None = None

    def as_json(self) -> dict:
        body = {
            "id": self.id,
            "label": self.label,
            "scoreMaximum": self.score_maximum,
        }
        optional = {
            "resourceId": self.resource_id,
            "tag": self.tag,
            "resourceLinkId": self.resource_link_id,
            "startDateTime": self.start,
            "endDateTime": self.end,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        return body


@dataclass
class Member:
    sub: str
    status: str = "Active"


@dataclass
class Faults:
    """Answers to give instead of the normal one, consumed one per request.

    Each list holds HTTP statuses (answered at once, nothing processed) or
    ``"timeout"`` (processed, then answered ``timeout_seconds`` + 1 s late).
    """

    score: list = field(default_factory=list)
    token: list = field(default_factory=list)
    memberships: list = field(default_factory=list)
    timeout_seconds: float = 3.0


@dataclass
class Records:
    """Everything the platform has seen and holds; touch only under ``lock``."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    tools: dict[str, Tool] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    courses: dict[str, Course] = field(default_factory=dict)
    links: dict[str, ResourceLink] = field(default_factory=dict)
    line_items: dict[str, LineItem] = field(default_factory=dict)
    line_item_counter: int = 0
    members: dict[str, list[Member]] = field(default_factory=dict)
    #: Pending login initiations: lti_message_hint -> what to put in the id_token.
    launches: dict[str, dict] = field(default_factory=dict)
    #: Deep-linking requests sent: data -> {context_id, settings, sub, client_id}.
    deep_link_requests: dict[str, dict] = field(default_factory=dict)
    deep_link_items: list[dict] = field(default_factory=list)
    deep_link_responses: list[dict] = field(default_factory=list)
    #: Seen jti of client assertions (single use) and nonces of deep-link answers.
    used_jti: set[str] = field(default_factory=set)
    used_nonces: set[str] = field(default_factory=set)
    access_tokens: dict[str, dict] = field(default_factory=dict)
    token_requests: list[dict] = field(default_factory=list)
    score_posts: list[dict] = field(default_factory=list)
    accepted_scores: dict[str, list[dict]] = field(default_factory=dict)
    service_requests: list[dict] = field(default_factory=list)
    registration_tokens: set[str] = field(default_factory=set)
    registered_tools: list[dict] = field(default_factory=list)
    auth_requests: list[dict] = field(default_factory=list)
    #: Every refusal answered (status, error, description), for the tests to read.
    errors: list[dict] = field(default_factory=list)
    faults: Faults = field(default_factory=Faults)

    def take_fault(self, kind: str):
        """The next fault planned for ``kind`` requests, or None."""
        with self.lock:
            planned = getattr(self.faults, kind)
            return planned.pop(0) if planned else None
