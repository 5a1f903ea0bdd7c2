"""HTTP to a platform's services: access tokens, line items, scores, memberships.

One :class:`Connector` per worker (or per request that syncs a roster): a kept-alive
``requests.Session`` with timeouts on every call, and the access tokens it was given,
cached per platform and scope set until shortly before they expire. Tokens come from
the platform's token endpoint by OAuth 2 client credentials with a JWT client
assertion signed with our LTI key (RFC 7523, as LTI 1.3 Security Framework 4.1 says).
A 401 on a service call drops the cached token and tries once more with a new one.
The connector touches no database rows: the caller gives it a :class:`PlatformInfo`
and our key.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import jwt
import requests
from sqlalchemy.orm import Session

from courseware.lti.models import LtiPlatform
from courseware.lti.services.keys import signing_key

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READONLY = (
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
)
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_MEMBERSHIPS = (
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
)
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
MEMBERSHIPS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
#: How long before ``expires_in`` ends a cached token is fetched again.
TOKEN_MARGIN_SECONDS = 30
#: The most pages of memberships followed (a guard against a ``next`` loop).
MAX_PAGES = 200


@dataclass(frozen=True)
class PlatformInfo:
    """What the connector needs of a registered platform."""

    id: int
    client_id: str
    token_url: str
    #: ``aud`` of our client assertions (default: the token URL).
    audience: str | None = None


@dataclass(frozen=True)
class ToolKey:
    """Our signing key: its ``kid`` and private key PEM."""

    kid: str
    private_pem: str


def platform_info(session: Session, platform_id: int) -> PlatformInfo | None:
    """What the connector needs of a registered platform; None if it is gone."""
    platform = session.get(LtiPlatform, platform_id)
    if platform is None:
        return None
    return PlatformInfo(
        platform.id, platform.client_id, platform.token_url, platform.auth_audience
    )


def tool_key(session: Session) -> ToolKey:
    """Our current signing key (made on first use)."""
    return ToolKey(*signing_key(session))


class PlatformError(RuntimeError):
    """A platform service answered badly or not at all.

    ``transient``: worth trying again later (timeouts, 5xx, 408, 429, 401 after a new
    token, a refused token request); otherwise the platform refused this request
    for good and ``body`` keeps what it said.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        transient: bool = True,
        body: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.transient, self.body = status, transient, body
        self.retry_after = retry_after


def transient_status(status: int) -> bool:
    """Statuses worth another try: 401 (token), 408, 429 and every 5xx."""
    return status in (401, 408, 429) or status >= 500


#: The longest a platform's access token is kept, whatever its ``expires_in`` says.
MAX_TOKEN_SECONDS = 24 * 3600


def token_lifetime(value: object) -> float:
    """Seconds a token may be used: the platform's ``expires_in`` when it is a
    finite positive number, bounded by a day; NaN, infinities, negatives and
    non-numbers (which JSON parsers let through) count as "already expired"."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return 0.0
    try:
        seconds = float(value)
    except (ValueError, OverflowError):
        return 0.0
    if not math.isfinite(seconds) or seconds <= 0:
        return 0.0
    return min(seconds, MAX_TOKEN_SECONDS)


def scores_url(lineitem_url: str) -> str:
    """The line item's scores endpoint: ``/scores`` after the path, query kept."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None


class Connector:
    """A kept-alive HTTP session to platforms, with their access tokens."""

    def __init__(self, connect_timeout: float = 3.0, read_timeout: float = 10.0):
        self.timeout = (connect_timeout, read_timeout)
        self.http = requests.Session()
        self.tokens: dict[tuple[int, frozenset[str]], tuple[str, float]] = {}
        #: Access tokens fetched (for the worker's report and the tests' counts).
        self.tokens_fetched = 0

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- tokens ------------------------------------------------------------------

    def assertion(self, platform: PlatformInfo, key: ToolKey) -> str:
        """A single-use client assertion JWT for the platform's token endpoint."""
        now = int(time.time())
        claims = {
            "iss": platform.client_id,
            "sub": platform.client_id,
            "aud": platform.audience or platform.token_url,
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(
            claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid}
        )

    def token(
        self, platform: PlatformInfo, key: ToolKey, scopes: frozenset[str]
    ) -> str:
        """An access token for ``scopes``: the cached one, or a new one."""
        cached = self.tokens.get((platform.id, scopes))
        if cached and time.monotonic() < cached[1]:
            return cached[0]
        data = {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": self.assertion(platform, key),
            "scope": " ".join(sorted(scopes)),
        }
        try:
            response = self.http.post(
                platform.token_url, data=data, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise PlatformError(
                f"token endpoint unreachable: {type(exc).__name__}: {exc}"
            ) from exc
        if response.status_code != 200:
            raise PlatformError(
                f"token endpoint answered {response.status_code}: "
                f"{response.text[:300]}",
                status=response.status_code,
                body=response.text[:2000],
            )
        try:
            answer = response.json()
            access = str(answer["access_token"])
            expires_in = token_lifetime(answer.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PlatformError(
                f"token endpoint answered no access token: {response.text[:300]}"
            ) from exc
        self.tokens_fetched += 1
        margin = min(TOKEN_MARGIN_SECONDS, expires_in / 10)
        self.tokens[(platform.id, scopes)] = (
            access,
            time.monotonic() + expires_in - margin,
        )
        return access

    def forget_token(self, platform: PlatformInfo, scopes: frozenset[str]) -> None:
        self.tokens.pop((platform.id, scopes), None)

    # -- service calls -----------------------------------------------------------

    def call(
        self,
        platform: PlatformInfo,
        key: ToolKey,
        scopes: frozenset[str],
        method: str,
        url: str,
        **kwargs,
    ) -> requests.Response:
        """One service call with a bearer token; a 401 fetches a new token once.

        Timeouts and connection errors raise a transient :class:`PlatformError`;
        every answer, good or bad, is returned for the caller to judge.
        """
        headers = dict(kwargs.pop("headers", {}))
        for fresh in (False, True):
            if fresh:
                self.forget_token(platform, scopes)
            headers["Authorization"] = "Bearer " + self.token(platform, key, scopes)
            try:
                response = self.http.request(
                    method, url, headers=headers, timeout=self.timeout, **kwargs
                )
            except requests.RequestException as exc:
                raise PlatformError(f"{type(exc).__name__}: {exc}") from exc
            if response.status_code != 401:
                return response
        return response

    @staticmethod
    def refusal(response: requests.Response, what: str) -> PlatformError:
        """The error for a bad answer to ``what``."""
        status = response.status_code
        return PlatformError(
            f"{what}: the platform answered {status}: {response.text[:300]}",
            status=status,
            transient=transient_status(status),
            body=response.text[:2000],
            retry_after=_retry_after(response),
        )

    def post_score(
        self, platform: PlatformInfo, key: ToolKey, lineitem_url: str, body: str
    ) -> requests.Response:
        """POST a score body (the stored bytes) to the line item's scores endpoint."""
        return self.call(
            platform,
            key,
            frozenset({SCOPE_SCORE}),
            "POST",
            scores_url(lineitem_url),
            data=body.encode("utf-8"),
            headers={"Content-Type": SCORE_TYPE},
        )

    def find_or_create_lineitem(
        self,
        platform: PlatformInfo,
        key: ToolKey,
        lineitems_url: str,
        item: dict,
    ) -> str:
        """The URL of the line item with ``item``'s resource link and tag.

        Looked up first (``resource_link_id`` and ``tag`` filters), created when the
        platform has none. Needs the lineitem scope.
        """
        scopes = frozenset({SCOPE_LINEITEM})
        params = {"resource_link_id": item["resourceLinkId"], "tag": item["tag"]}
        found = self.call(
            platform,
            key,
            scopes,
            "GET",
            lineitems_url,
            params=params,
            headers={"Accept": LINEITEMS_TYPE},
        )
        if found.status_code != 200:
            raise self.refusal(found, "looking up the line item")
        try:
            items = found.json()
        except ValueError as exc:
            raise PlatformError(f"line items are not JSON: {found.text[:300]}") from exc
        for existing in items if isinstance(items, list) else []:
            if (
                isinstance(existing, dict)
                and existing.get("resourceLinkId") == item["resourceLinkId"]
                and existing.get("tag") == item["tag"]
                and existing.get("id")
            ):
                return str(existing["id"])
        made = self.call(
            platform,
            key,
            scopes,
            "POST",
            lineitems_url,
            json=item,
            headers={"Content-Type": LINEITEM_TYPE, "Accept": LINEITEM_TYPE},
        )
        if made.status_code not in (200, 201):
            raise self.refusal(made, "creating the line item")
        try:
            return str(made.json()["id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise PlatformError(
                f"the new line item has no id: {made.text[:300]}"
            ) from exc

    def memberships(
        self, platform: PlatformInfo, key: ToolKey, url: str, limit: int | None = None
    ) -> Iterator[dict]:
        """Every member of a context, page after page (``Link: rel="next"``);
        ``limit``: the page size asked for."""
        scopes = frozenset({SCOPE_MEMBERSHIPS})
        params = {"limit": limit} if limit else None
        for _page in range(MAX_PAGES):
            response = self.call(
                platform,
                key,
                scopes,
                "GET",
                url,
                params=params,
                headers={"Accept": MEMBERSHIPS_TYPE},
            )
            params = None  # the next link has every parameter it needs
            if response.status_code != 200:
                raise self.refusal(response, "reading the roster")
            try:
                members = response.json()["members"]
            except (ValueError, KeyError, TypeError) as exc:
                raise PlatformError(
                    f"the roster is not a membership container: {response.text[:300]}",
                    transient=False,
                ) from exc
            if not isinstance(members, list):
                raise PlatformError(
                    "the roster's members are not a list", transient=False
                )
            yield from (m for m in members if isinstance(m, dict))
            following = response.links.get("next", {}).get("url")
            if not following:
                return
            url = following
        raise PlatformError(
            f"the roster has more than {MAX_PAGES} pages", transient=False
        )
