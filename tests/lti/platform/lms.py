"""``Platform``: the test LMS the tool's tests drive (people, courses, launches)."""

from __future__ import annotations

import html.parser
import secrets
import uuid

import requests

from . import claims as c
from .server import Server, create_app
from .state import Course, LineItem, Member, Records, ResourceLink, Tool, User
from .tokens import ALGORITHM, UNSET, RemoteKeys, new_key, public_jwks, sign

TIMEOUT = 30


class _FormReader(html.parser.HTMLParser):
    """The action and hidden fields of the first form of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._forms = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._forms += 1
            if self._forms == 1:
                self.action = attrs.get("action")
        elif tag == "input" and self._forms == 1 and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


class Platform:
    """An LMS stand-in over real HTTP: its own RSA keys, OIDC, AGS, NRPS, DL, DR."""

    def __init__(
        self, client_id: str = "test-lms-client", deployment_id: str = "deployment-1"
    ) -> None:
        self.records = Records()
        self.remote_keys = RemoteKeys()
        self.keys = [new_key()]
        self.server = Server(create_app(self))
        self.issuer = self.server.url
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.auth_login_url = f"{self.issuer}/auth"
        self.token_url = f"{self.issuer}/token"
        self.jwks_url = f"{self.issuer}/jwks"
        self.openid_configuration_url = (
            f"{self.issuer}/.well-known/openid-configuration"
        )
        self.registration_url = f"{self.issuer}/register"

    # -- life cycle -------------------------------------------------------------
    def start(self) -> Platform:
        """Serve the platform in a background thread; returns itself."""
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> Platform:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- keys -------------------------------------------------------------------
    @property
    def key(self):
        """The key the platform signs with now (the newest)."""
        return self.keys[-1]

    def rotate_key(self, keep_old: bool = True):
        """Sign with a new key from now on; the old one stays in the JWKS if kept."""
        fresh = new_key()
        self.keys = [*self.keys, fresh] if keep_old else [fresh]
        return fresh

    def public_jwks(self) -> dict:
        return public_jwks(list(self.keys))

    # -- what the platform knows -----------------------------------------------
    def register_tool(
        self, login_url, launch_url, jwks_url, redirect_uris, deep_link_url=None
    ) -> Tool:
        """Register the tool under the platform's ``client_id``/``deployment_id``."""
        tool = Tool(
            client_id=self.client_id,
            deployment_id=self.deployment_id,
            login_url=login_url,
            launch_url=launch_url,
            jwks_url=jwks_url,
            redirect_uris=list(redirect_uris),
            deep_link_url=deep_link_url,
        )
        with self.records.lock:
            self.records.tools[tool.client_id] = tool
        return tool

    def tool(self, client_id: str | None = None) -> Tool:
        """The registered tool (the current ``client_id``'s unless told)."""
        with self.records.lock:
            return self.records.tools[client_id or self.client_id]

    def add_course(self, context_id, title, label=None) -> Course:
        course = Course(context_id, title, label or context_id)
        with self.records.lock:
            self.records.courses[context_id] = course
            self.records.members.setdefault(context_id, [])
        return course

    def add_user(self, sub, roles, name=None, email=None, given_name=None) -> User:
        user = User(sub, list(roles), name=name, email=email, given_name=given_name)
        with self.records.lock:
            self.records.users[sub] = user
        return user

    def add_resource_link(
        self, rl_id, context_id, target_link_uri, title="", custom=None, line_item=None
    ) -> ResourceLink:
        """A link in a course; ``line_item`` (AGS fields) creates its line item."""
        link = ResourceLink(rl_id, context_id, target_link_uri, title, custom)
        with self.records.lock:
            if context_id not in self.records.courses:
                raise KeyError(f"no course {context_id!r}: add_course first")
            if line_item is not None:
                item = self.add_line_item(
                    context_id,
                    label=line_item.get("label") or title or rl_id,
                    score_maximum=line_item.get("scoreMaximum", 100),
                    resource_id=line_item.get("resourceId"),
                    tag=line_item.get("tag"),
                    resource_link_id=rl_id,
                )
                link.line_item_id = item.id
            self.records.links[rl_id] = link
        return link

    def add_line_item(self, context_id, label, score_maximum, **fields) -> LineItem:
        """A line item in ``context_id`` (as the LMS's gradebook would hold)."""
        with self.records.lock:
            self.records.line_item_counter += 1
            number = self.records.line_item_counter
            item = LineItem(
                id=f"{self.issuer}/ags/{context_id}/lineitems/{number}",
                number=number,
                context_id=context_id,
                label=label,
                score_maximum=score_maximum,
                **fields,
            )
            self.records.line_items[item.id] = item
            self.records.accepted_scores[item.id] = []
        return item

    def set_members(self, context_id, subs) -> None:
        """The course's roster (roles come from each user)."""
        with self.records.lock:
            self.records.members[context_id] = [Member(sub) for sub in subs]

    def remove_member(self, context_id, sub, inactive: bool = True) -> None:
        """Mark ``sub`` Inactive in the roster (or drop them if not ``inactive``)."""
        with self.records.lock:
            members = self.records.members.get(context_id, [])
            if inactive:
                for member in members:
                    if member.sub == sub:
                        member.status = "Inactive"
            else:
                members[:] = [m for m in members if m.sub != sub]

    # -- what the platform has seen ---------------------------------------------
    @property
    def faults(self):
        return self.records.faults

    def line_item(self, ref) -> LineItem:
        """A line item by URL, number, or the resource link that carries it."""
        with self.records.lock:
            items = self.records.line_items
            if ref in items:
                return items[ref]
            link = self.records.links.get(ref)
            if link is not None and link.line_item_id:
                return items[link.line_item_id]
            for item in items.values():
                if str(item.number) == str(ref):
                    return item
        raise KeyError(f"no line item {ref!r}")

    def line_items(self, context_id=None) -> list[LineItem]:
        with self.records.lock:
            return [
                item
                for item in self.records.line_items.values()
                if context_id is None or item.context_id == context_id
            ]

    def scores(self, line_item_id) -> list[dict]:
        """Accepted score bodies of a line item (URL, number or resource link id)."""
        item = self.line_item(line_item_id)
        with self.records.lock:
            return [dict(body) for body in self.records.accepted_scores[item.id]]

    def _copy(self, name: str) -> list:
        with self.records.lock:
            return list(getattr(self.records, name))

    score_posts = property(lambda self: self._copy("score_posts"))
    token_requests = property(lambda self: self._copy("token_requests"))
    deep_link_items = property(lambda self: self._copy("deep_link_items"))
    deep_link_responses = property(lambda self: self._copy("deep_link_responses"))
    registered_tools = property(lambda self: self._copy("registered_tools"))
    auth_requests = property(lambda self: self._copy("auth_requests"))
    service_requests = property(lambda self: self._copy("service_requests"))
    errors = property(lambda self: self._copy("errors"))

    def expire_tokens(self) -> None:
        """Forget every access token issued (the next service call answers 401)."""
        with self.records.lock:
            self.records.access_tokens.clear()

    # -- launches ---------------------------------------------------------------
    def id_token(
        self,
        sub,
        rl_id,
        nonce,
        message_type=c.RESOURCE_LINK_REQUEST,
        claims=None,
        *,
        key=None,
        alg=ALGORITHM,
        exp_offset=0,
        iat_offset=0,
        tamper=False,
        drop=(),
        context_id=None,
        kid=UNSET,
    ) -> str:
        """A signed id_token; ``claims`` merge over the built ones (top level).

        ``key`` signs instead of the platform's key, ``alg`` may be "none" or
        "HS256" (see ``tokens.sign``), ``kid`` replaces the header's kid (``None``
        leaves it out), ``drop`` removes claims, ``tamper`` edits after signing,
        ``context_id`` picks the course of a deep-linking request (default: first).
        """
        built = c.build_claims(
            self,
            sub=sub,
            rl_id=rl_id,
            nonce=nonce,
            message_type=message_type,
            context_id=context_id,
            exp_offset=exp_offset,
            iat_offset=iat_offset,
        )
        built.update(claims or {})
        for name in drop:
            built.pop(name, None)
        settings = built.get(c.DL_SETTINGS)
        if message_type == c.DEEP_LINKING_REQUEST and isinstance(settings, dict):
            context = built.get(c.LTI + "context") or {}
            with self.records.lock:
                self.records.deep_link_requests[settings.get("data")] = {
                    "context_id": context.get("id"),
                    "settings": dict(settings),
                    "sub": sub,
                    "client_id": built.get("aud"),
                    "deployment_id": built.get(c.LTI + "deployment_id"),
                }
        return sign(built, key or self.key, alg=alg, kid=kid, tamper=tamper)

    def login_form(
        self, sub, rl_id, message_type=c.RESOURCE_LINK_REQUEST, claims=None, **options
    ) -> tuple[str, dict]:
        """The tool's login URL and the third-party login initiation fields."""
        tool = self.tool()
        with self.records.lock:
            if sub not in self.records.users:
                raise KeyError(f"no user {sub!r}: add_user first")
            link = self.records.links[rl_id] if rl_id is not None else None
        hint = uuid.uuid4().hex
        with self.records.lock:
            self.records.launches[hint] = {
                "sub": sub,
                "rl_id": rl_id,
                "message_type": message_type,
                "claims": claims,
                "client_id": tool.client_id,
                "options": options,
            }
        if message_type == c.DEEP_LINKING_REQUEST:
            target = tool.deep_link_url or tool.launch_url
        else:
            target = link.target_link_uri if link else tool.launch_url
        fields = {
            "iss": self.issuer,
            "login_hint": sub,
            "target_link_uri": target,
            "lti_message_hint": hint,
            "client_id": tool.client_id,
            "lti_deployment_id": tool.deployment_id,
        }
        return tool.login_url, fields

    def launch(
        self,
        http: requests.Session,
        sub,
        rl_id,
        message_type=c.RESOURCE_LINK_REQUEST,
        claims=None,
        **token_options,
    ) -> requests.Response:
        """The whole OIDC launch over HTTP; the tool's answer to the id_token POST.

        If the tool answers the login initiation or the platform answers the
        authentication request with anything else than the next step, that answer
        is returned instead (a refusal to look at).
        """
        nonce = token_options.pop("nonce", None)
        login_url, fields = self.login_form(
            sub, rl_id, message_type, claims, **token_options
        )
        if nonce is not None:
            with self.records.lock:
                self.records.launches[fields["lti_message_hint"]]["options"][
                    "forced_nonce"
                ] = nonce
        answer = http.post(
            login_url, data=fields, allow_redirects=False, timeout=TIMEOUT
        )
        location = answer.headers.get("Location", "")
        if not answer.is_redirect or not location.startswith(self.auth_login_url):
            return answer
        auth = http.get(location, allow_redirects=False, timeout=TIMEOUT)
        if auth.status_code != 200:
            return auth
        form = _FormReader()
        form.feed(auth.text)
        return self.post_launch(
            http, form.action, form.fields["id_token"], form.fields["state"]
        )

    def post_launch(self, http, redirect_uri, id_token, state) -> requests.Response:
        """POST ``id_token`` and ``state`` to the tool as the LMS's page does."""
        return http.post(
            redirect_uri,
            data={"id_token": id_token, "state": state},
            allow_redirects=False,
            timeout=TIMEOUT,
        )

    # -- dynamic registration ---------------------------------------------------
    def registration_token(self) -> str:
        token = secrets.token_urlsafe(24)
        with self.records.lock:
            self.records.registration_tokens.add(token)
        return token

    def dynamic_register(self, http, tool_registration_url) -> requests.Response:
        """Open the tool's registration URL as an LMS administrator's browser does."""
        return http.get(
            tool_registration_url,
            params={
                "openid_configuration": self.openid_configuration_url,
                "registration_token": self.registration_token(),
            },
            timeout=TIMEOUT,
        )
