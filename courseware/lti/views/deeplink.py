"""The deep-linking picker: a teacher in the LMS chooses what to link, and the
signed answer goes back to the LMS by an auto-posting form."""

from __future__ import annotations

from datetime import UTC, datetime, time
from urllib.parse import urlsplit

from flask import abort, make_response, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import DateField, RadioField, SelectField, SelectMultipleField, TimeField
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from courseware.core.forms import Form
from courseware.core.requests import content_language, require_course
from courseware.db import get_session
from courseware.i18n import LANGUAGE_NAMES
from courseware.lti.services import deeplink as service
from courseware.security import CONTENT_SECURITY_POLICY

PRESENTATION_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"


class _PickFields:
    lang = SelectField(_l("Language of the course for your learners"))
    due_date = DateField(_l("Due date"), validators=[Optional()])
    due_time = TimeField(
        _l("Due time"),
        validators=[Optional()],
        description=_l("In UTC; empty means 23:59."),
    )


class PickManyForm(_PickFields, Form):
    """Several items at once (the LMS accepts multiple)."""

    items = SelectMultipleField(
        _l("What to add to your LMS course"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[InputRequired(message=_l("Choose at least one item."))],
    )


class PickOneForm(_PickFields, Form):
    """One item (the LMS accepts one)."""

    items = RadioField(
        _l("What to add to your LMS course"),
        validators=[InputRequired(message=_l("Choose an item."))],
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _framed(response, return_url: str):
    """The answer form posts to the LMS (the blueprint lets the LMS frame us)."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {_origin(return_url)}"
    )
    return response


def _due(form) -> datetime | None:
    if form.due_date.data is None:
        return None
    return datetime.combine(
        form.due_date.data, form.due_time.data or time(23, 59), tzinfo=UTC
    )


@login_required
def deep_link(launch_id: str):
    """The picker (GET), then the signed response for the LMS (POST)."""
    session = get_session()
    try:
        launch = service.usable_launch(session, launch_id, current_user)
    except service.DeepLinkRefused:
        abort(403)
    found = service.settings(launch)
    return_url = found.get("deep_link_return_url")
    if not isinstance(return_url, str) or not return_url.startswith(
        ("https:", "http:")
    ):
        abort(400)
    course = require_course()
    claims = service.claims_of(launch)
    presentation = claims.get(PRESENTATION_CLAIM) or {}
    locale = str(presentation.get("locale") or "").replace("_", "-")
    lang = locale.split("-")[0].lower()
    lang = lang if lang in course.languages else content_language(course)
    options = service.choices(course, lang)
    multiple = service.accepts_multiple(found)
    form = (PickManyForm if multiple else PickOneForm)()
    form.items.choices = [(c.target, c.title) for c in options]
    form.lang.choices = [
        (code, LANGUAGE_NAMES.get(code, code)) for code in course.languages
    ]
    if not form.is_submitted():
        form.lang.data = lang
    due_offered = service.accepts_due_date(found)
    if form.validate_on_submit():
        picked = form.items.data if multiple else [form.items.data]
        # titles in the language the learners will see
        by_target = {c.target: c for c in service.choices(course, form.lang.data)}
        url = url_for("courseware_lti.launch", _external=True)
        due = _due(form) if due_offered else None
        items = [
            service.content_item(
                by_target[t], url, form.lang.data, due, by_target[t].title
            )
            for t in picked
        ]
        token = service.response_jwt(session, launch, items)
        response = make_response(
            render_template(
                "courseware/lti/deeplink_return.html",
                return_url=return_url,
                token=token,
                count=len(items),
            )
        )
        return _framed(response, return_url)
    response = make_response(
        render_template(
            "courseware/lti/deeplink.html",
            form=form,
            multiple=multiple,
            due_offered=due_offered,
            title=found.get("title") or _("Add course content to your LMS"),
        ),
    )
    return _framed(response, return_url)


#: (rule, endpoint, view, methods) registered by ``courseware/lti/blueprint.py``.
RULES: list[tuple] = [
    ("/lti/deep-link/<launch_id>", "deep_link", deep_link, ["GET", "POST"]),
]
