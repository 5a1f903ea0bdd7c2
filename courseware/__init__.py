"""COP Courseware: a Flask extension for a Child Online Protection course, with xAPI."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from courseware import config as cfg
from courseware.compression import compress
from courseware.core.payload import StrictJSONProvider
from courseware.db import finish_request, init_db
from courseware.i18n import TRANSLATIONS_DIR, select_locale
from courseware.pagecache import SHARED
from courseware.security import SecureWhenHttpsSessionInterface, add_security_headers

__all__ = ["Courseware", "create_app"]


class _Limiter(Limiter):
    """Flask-Limiter that only looks at the endpoints it limits (sign-in, verification).

    Its before-request hook otherwise resolves limits for every request of every page.
    """

    limited_endpoints = frozenset(
        {
            "courseware_auth.login",
            "courseware_certificates.verify",
            "courseware_teach.join",
        }
    )

    def _check_request_limit(self, callable_name=None, in_middleware=True) -> None:
        if in_middleware and request.endpoint not in self.limited_endpoints:
            return
        super()._check_request_limit(callable_name, in_middleware)

    def init_app(self, app: Flask) -> None:
        """Flask-Limiter's own, with its after-request and teardown hooks guarded."""
        hooks = ("after_request_funcs", "teardown_request_funcs")
        before = {name: list(getattr(app, name).get(None, [])) for name in hooks}
        super().init_app(app)
        for name in hooks:
            funcs = getattr(app, name).get(None, [])
            for index, func in enumerate(funcs):
                if func not in before[name]:
                    funcs[index] = self._only_where_limited(func)

    def _only_where_limited(self, hook):
        def guarded(value):
            if request.endpoint in self.limited_endpoints:
                return hook(value)
            return value  # the response (after_request); ignored for teardown

        return guarded


def _account_key() -> str:
    """Rate-limit key of the signed-in account (else the client address)."""
    from flask_login import current_user

    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return get_remote_address()


@dataclass
class CoursewareState:
    """What the extension keeps per app, in ``app.extensions["courseware"]``."""

    extension: Courseware
    database_url: str
    limiter: Limiter
    standalone: bool
    engine: Any = None
    sessionmaker: Any = None
    caches: dict[str, Any] = field(default_factory=dict)
    page_cache: Any = None


class Courseware:
    """The Flask extension: ``Courseware(app)`` or ``Courseware().init_app(app)``."""

    def __init__(self, app: Flask | None = None, *, standalone: bool = False) -> None:
        self.standalone = standalone
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Configure ``app``, register blueprints, CLI and request hooks."""
        for key, value in cfg.DEFAULTS.items():
            app.config.setdefault(key, value)
        if not app.secret_key:
            app.secret_key = cfg.resolve_secret_key(app)
        app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
        app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
        if app.config.get("SESSION_COOKIE_SAMESITE") is None:
            app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
        app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
        app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
        if not app.config.get("MAX_CONTENT_LENGTH"):
            app.config["MAX_CONTENT_LENGTH"] = app.config[
                "COURSEWARE_MAX_CONTENT_LENGTH"
            ]
        if type(app.session_interface) is type(Flask.session_interface):
            app.session_interface = SecureWhenHttpsSessionInterface()

        limiter = _Limiter(
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
        )
        app.extensions["courseware"] = state
        init_db(app, state)
        self._init_helpers(app, limiter)
        self._register_blueprints(app, limiter)
        app.after_request(self._finish)

        from courseware.cli import courseware_cli

        app.cli.add_command(courseware_cli)

    def _init_helpers(self, app: Flask, limiter: Limiter) -> None:
        if "csrf" not in app.extensions:
            CSRFProtect(app)
        if not hasattr(app, "login_manager"):
            manager = LoginManager(app)
            manager.session_protection = "strong"
        from courseware.auth.views import load_user

        app.login_manager.user_loader(load_user)
        app.login_manager.login_view = "courseware_auth.login"
        app.login_manager.login_message = None
        if "babel" not in app.extensions:
            Babel(
                app,
                locale_selector=select_locale,
                default_translation_directories=str(TRANSLATIONS_DIR),
            )
        else:
            dirs = app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations")
            app.config["BABEL_TRANSLATION_DIRECTORIES"] = f"{dirs};{TRANSLATIONS_DIR}"
        limiter.init_app(app)

    def _register_blueprints(self, app: Flask, limiter: Limiter) -> None:
        from courseware.analysis.blueprint import bp as analysis_bp
        from courseware.auth.blueprint import bp as auth_bp
        from courseware.certificates.blueprint import bp as certificates_bp
        from courseware.core.blueprint import make_core_blueprint
        from courseware.errors import register_error_pages
        from courseware.learn.blueprint import bp as learn_bp
        from courseware.quiz.blueprint import bp as quiz_bp
        from courseware.teach.blueprint import bp as teach_bp
        from courseware.xapi.blueprint import bp as xapi_bp

        prefix = app.config["COURSEWARE_URL_PREFIX"].rstrip("/") or None
        app.register_blueprint(make_core_blueprint(app), url_prefix=prefix)
        for blueprint in (
            auth_bp,
            analysis_bp,
            learn_bp,
            quiz_bp,
            xapi_bp,
            certificates_bp,
            teach_bp,
        ):
            app.register_blueprint(blueprint, url_prefix=prefix)
        from courseware.core.views import set_language

        app.extensions["csrf"].exempt(set_language)  # it checks by itself
        login_view = app.view_functions["courseware_auth.login"]
        app.view_functions["courseware_auth.login"] = limiter.limit(
            lambda: app.config["COURSEWARE_LOGIN_RATE_LIMIT"],
            methods=["POST"],
            deduct_when=lambda response: response.status_code != 302,
            error_message="Too many sign-in attempts.",
        )(login_view)
        verify_view = app.view_functions["courseware_certificates.verify"]
        app.view_functions["courseware_certificates.verify"] = limiter.limit(
            lambda: app.config["COURSEWARE_VERIFY_RATE_LIMIT"],
            error_message="Too many certificate look-ups.",
        )(verify_view)
        join_view = app.view_functions["courseware_teach.join"]
        app.view_functions["courseware_teach.join"] = limiter.limit(
            lambda: app.config["COURSEWARE_JOIN_RATE_LIMIT"],
            key_func=_account_key,  # a whole class joins from one school address
            methods=["POST"],
            deduct_when=lambda response: response.status_code != 302,
            error_message="Too many wrong join codes.",
        )(join_view)
        register_error_pages(app, standalone=self.standalone)

    def _finish(self, response):
        """One hook for every response: commit, security headers, compression.

        Pages shared by all visitors also get an ETag: a revisit costs a 304.
        """
        response = finish_request(response)
        if self.standalone or (request.blueprint or "").startswith("courseware"):
            add_security_headers(response)
            response = compress(response)
            if SHARED in request.environ and response.status_code == 200:
                response.vary.add("Accept-Language")  # it picks a visitor's language
                response.add_etag()  # of the bytes sent: gzip and plain differ
                response.cache_control.no_cache = True  # always ask, cheaply
                response.make_conditional(request)
        return response


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
