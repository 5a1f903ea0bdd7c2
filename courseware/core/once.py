"""Forms that create something are submitted once, whatever the clicks and retries.

Each rendering of such a form carries a random key. The first submission with a key
stores it (an upsert: the database decides which of two simultaneous submissions is
first) and, when it succeeds, where it led; a later or simultaneous submission with
the same key changes nothing and is sent where the first one went. A refused first
submission is rolled back with the rest of its request, key included, so that the
corrected form can be sent again.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from flask import flash, redirect, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import delete
from wtforms import HiddenField
from wtforms.validators import Regexp

from courseware.core.forms import Form
from courseware.core.models import SubmissionKey
from courseware.db import get_session, insert_ignore, utcnow

KEY = re.compile(r"^[0-9a-f]{32}$")
KEEP = timedelta(days=2)  # a retry later than this is a new submission


class OnceForm(Form):
    """A form with a submission key (rendered as a hidden field)."""

    once_key = HiddenField(
        default=lambda: uuid.uuid4().hex,
        validators=[Regexp(KEY, message=_l("Reload the page and send it again."))],
    )


def already_done(form: OnceForm):
    """None for the first submission of this form; else a redirect to its result."""
    session = get_session()
    key = form.once_key.data
    user_id = current_user.id if current_user.is_authenticated else None
    if insert_ignore(session, SubmissionKey, key=key, user_id=user_id):
        if key.endswith("0"):  # now and then, forget keys too old to matter
            session.execute(
                delete(SubmissionKey).where(SubmissionKey.created_at < utcnow() - KEEP)
            )
        return None
    earlier = session.get(SubmissionKey, key)
    if earlier is None or earlier.user_id != user_id:
        return None  # another account's key (or one just forgotten): not ours
    flash(_l("This form was already sent; here is what it did."), "info")
    return redirect(earlier.location or request.path)


def remember(form: OnceForm, response):
    """Record where the first submission led (a redirect), and return its response."""
    if response.status_code in (301, 302, 303):
        remember_location(form, response.headers["Location"])
    return response


def remember_location(form: OnceForm, location: str) -> None:
    """Record where a repeated submission should be sent."""
    row = get_session().get(SubmissionKey, form.once_key.data)
    if row is not None:
        row.location = location[:500]
