"""COP Courseware: a Flask extension for a Child Online Protection course, with xAPI."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from courseware import config as cfg
from courseware.auth.identity import (
    DEFAULTS as IDENTITY_DEFAULTS,
)
from courseware.auth.identity import (
    Identity,
    IdentityProvider,
    current_learner,
    resolve_provider,
    use_learner_as_current_user,
)
from courseware.compression import compress
from courseware.core.payload import StrictJSONProvider
from courseware.db import finish_request, init_db
from courseware.i18n import TRANSLATIONS_DIR, select_locale
from courseware.pagecache import SHARED
from courseware.security import SecureWhenHttpsSessionInterface, add_security_headers

__all__ = ["Courseware", "Identity", "create_app"]


@dataclass
class CoursewareState:
    """What the extension keeps per app, in ``app.extensions["courseware"]``."""

    extension: Courseware
    database_url: str
    limiter: Limiter
    standalone: bool
    #: The host's identity adapter (None: our own accounts and sign-in).
    identity: IdentityProvider | None = None
    engine: Any = None
    sessionmaker: Any = None
    #: Endpoints registered with a rate limit (filled by ``security.limited_rule``).
    limited: set[str] = field(default_factory=set)
    caches: dict[str, Any] = field(default_factory=dict)
    page_cache: Any = None


class Courseware:
    """The Flask extension: ``Courseware(app)`` or ``Courseware().init_app(app)``.

    ``identity`` is the host's identity adapter: a callable returning the signed-in
    :class:`Identity` (or None), which makes the host's sign-in ours.
    """

    def __init__(
        self,
        app: Flask | None = None,
        *,
        standalone: bool = False,
        identity: IdentityProvider | None = None,
    ) -> None:
        self.standalone = standalone
        self.identity = identity
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Configure ``app``, register blueprints, CLI and request hooks."""
        for key, value in {**cfg.DEFAULTS, **IDENTITY_DEFAULTS}.items():
            app.config.setdefault(key, value)
        if not app.secret_key:
            app.secret_key = cfg.resolve_secret_key(app)
        if self.standalone:  # a host's cookies, body limit and sessions are its own
            app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
            if app.config.get("SESSION_COOKIE_SAMESITE") is None:
                app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
            if not app.config.get("MAX_CONTENT_LENGTH"):
                app.config["MAX_CONTENT_LENGTH"] = app.config[
                    "COURSEWARE_MAX_CONTENT_LENGTH"
                ]
            app.session_interface = SecureWhenHttpsSessionInterface()

        limiter = Limiter(
            get_remote_address,
            storage_uri=app.config["COURSEWARE_RATELIMIT_STORAGE_URI"],
            strategy="moving-window",
            key_prefix=app.config["COURSEWARE_RATELIMIT_KEY_PREFIX"],
            default_limits=[],
        )
        state = CoursewareState(
            extension=self,
            database_url=cfg.database_url(app),
            limiter=limiter,
            standalone=self.standalone,
            identity=resolve_provider(app, self.identity),
        )
        app.extensions["courseware"] = state
        # Only the views registered with a limit (security.limited_rule) are looked at:
        # the limiter's hooks cost nothing on other pages, ours or the host's.
        limiter.request_filter(lambda: request.endpoint not in state.limited)
        init_db(app, state)
        self._init_helpers(app, state)
        self._register_blueprints(app)
        if not self.standalone:
            app.before_request(_limit_body)
        app.after_request(self._finish)

        from courseware.cli import courseware_cli

        app.cli.add_command(courseware_cli)

    def _init_helpers(self, app: Flask, state: CoursewareState) -> None:
        """CSRF, sign-in and languages: ours only where the host has none."""
        if "csrf" not in app.extensions:
            CSRFProtect(app)
        if hasattr(app, "login_manager"):
            if state.identity is None:
                raise RuntimeError(
                    "This app has its own LoginManager: give Courseware an identity "
                    "adapter (Courseware(app, identity=...) or COURSEWARE_IDENTITY) "
                    "so that the course knows who the host has signed in."
                )
            app.before_request(use_learner_as_current_user)
        else:
            manager = LoginManager(app)
            manager.login_view = "courseware_auth.login"
            manager.login_message = None
            app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
            app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
            if state.identity is None:
                from courseware.auth.views import load_user

                manager.session_protection = "strong"
                manager.user_loader(load_user)
            else:
                # The host's adapter says who is signed in, on every request: no
                # sign-in of ours lives in the session to protect.
                manager.session_protection = None
                manager.request_loader(_request_learner)
        if "babel" not in app.extensions:
            Babel(
                app,
                locale_selector=select_locale,
                default_translation_directories=str(TRANSLATIONS_DIR),
            )
        else:
            # The host's locale selector decides; our catalogue comes first, so that
            # the host's own catalogue keeps the last word on strings it translates.
            directories = app.extensions["babel"].translation_directories
            if str(TRANSLATIONS_DIR) not in directories:
                directories.insert(0, str(TRANSLATIONS_DIR))
        state.limiter.init_app(app)

    def _register_blueprints(self, app: Flask) -> None:
        from courseware.analysis.blueprint import bp as analysis_bp
        from courseware.auth.blueprint import bp as auth_bp
        from courseware.authoring.blueprint import bp as authoring_bp
        from courseware.certificates.blueprint import bp as certificates_bp
        from courseware.core.blueprint import bp as core_bp
        from courseware.errors import register_error_pages
        from courseware.learn.blueprint import bp as learn_bp
        from courseware.lti.blueprint import bp as lti_bp
        from courseware.quiz.blueprint import bp as quiz_bp
        from courseware.teach.blueprint import bp as teach_bp
        from courseware.xapi.blueprint import bp as xapi_bp

        prefix = app.config["COURSEWARE_URL_PREFIX"].rstrip("/") or None
        app.register_blueprint(core_bp, url_prefix=prefix)
        for blueprint in (
            auth_bp,
            analysis_bp,
            learn_bp,
            quiz_bp,
            xapi_bp,
            certificates_bp,
            teach_bp,
            lti_bp,
            authoring_bp,
        ):
            app.register_blueprint(blueprint, url_prefix=prefix)
        from courseware.core.views import set_language

        app.extensions["csrf"].exempt(set_language)  # it checks by itself
        register_error_pages(app, standalone=self.standalone)

    def _finish(self, response):
        """One hook for every response: commit, security headers, compression.

        Pages shared by all visitors also get an ETag: a revisit costs a 304.
        """
        response = finish_request(response)
        if self.standalone or _ours():
            add_security_headers(response)
            response = compress(response)
            if SHARED in request.environ and response.status_code == 200:
                response.vary.add("Accept-Language")  # it picks a visitor's language
                response.add_etag()  # of the bytes sent: gzip and plain differ
                response.cache_control.no_cache = True  # always ask, cheaply
                response.make_conditional(request)
        return response


def _ours() -> bool:
    """True when this request is for one of the extension's blueprints."""
    return (request.blueprint or "").startswith("courseware")


def _request_learner(_request):
    """Our LoginManager's request loader (identity adapter): the linked learner."""
    return current_learner() if _ours() else None


def _limit_body() -> None:
    """In a host, our largest request body applies to our views only."""
    if _ours() and request.max_content_length is None:
        request.max_content_length = current_app.config["COURSEWARE_MAX_CONTENT_LENGTH"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The standalone application: environment first, then ``config`` overrides."""
    instance = (config or {}).get("COURSEWARE_INSTANCE_PATH") or os.environ.get(
        "COURSEWARE_INSTANCE_PATH"
    )
    app = Flask(
        __name__,
        instance_path=str(Path(instance).resolve()) if instance else None,
        instance_relative_config=True,
        static_folder=None,
    )
    app.json = StrictJSONProvider(app)  # no NaN or Infinity in or out
    cfg.load_environment(app)
    if config:
        app.config.update(config)
    Courseware(app, standalone=True)
    from courseware.pagecache import install

    install(app)  # inside ProxyFix, so that it sees the client's scheme and host
    if app.config.get("COURSEWARE_PROXY_FIX"):
        hops = int(app.config["COURSEWARE_PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app
