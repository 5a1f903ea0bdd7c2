"""Interface languages: user setting, then cookie, then Accept-Language."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app, has_request_context, request
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

LANGUAGE_COOKIE = "courseware_lang"
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
#: Names of languages in themselves, for the switcher.
LANGUAGE_NAMES = {
    "en": "English",
    "ru": "Русский",
    "ar": "العربية",
    "fr": "Français",
    "es": "Español",
    "zh": "中文",
}
TRANSLATIONS_DIR = Path(__file__).parent / "translations"


def supported_languages() -> list[str]:
    """The interface languages this site offers."""
    return list(current_app.config["COURSEWARE_LANGUAGES"])


def select_locale() -> str:
    """The interface language for this request."""
    if not has_request_context():  # CLI and background work speak the default language
        return current_app.config["COURSEWARE_DEFAULT_LANGUAGE"]
    languages = supported_languages()
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in languages:
        return user_locale
    return visitor_language(
        request.cookies.get(LANGUAGE_COOKIE),
        request.headers.get("Accept-Language", ""),
        tuple(languages),
        current_app.config["COURSEWARE_DEFAULT_LANGUAGE"],
    )


@lru_cache(maxsize=1024)
def visitor_language(
    cookie: str | None, accept_language: str, languages: tuple[str, ...], default: str
) -> str:
    """The language cookie if it names a language we offer, else the browser's best."""
    if cookie in languages:
        return cookie
    accepted = parse_accept_header(accept_language, LanguageAccept)
    return accepted.best_match(languages) or default


def text_direction(locale: str) -> str:
    """``rtl`` for right-to-left languages, else ``ltr``."""
    return "rtl" if locale.split("_")[0] in RTL_LANGUAGES else "ltr"
