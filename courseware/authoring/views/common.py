"""What the studio's views share: the draft of the URL, the limits, links."""

from __future__ import annotations

from flask import abort, current_app, url_for
from werkzeug.routing import BuildError

from courseware.authoring.models import Draft
from courseware.authoring.services.drafts import get_draft
from courseware.authoring.services.files import PathError, normalise
from courseware.db import get_session

#: The largest upload (archive or media file) the studio takes, unless configured.
DEFAULT_MAX_UPLOAD = 32 * 1024 * 1024


def max_upload() -> int:
    """``COURSEWARE_STUDIO_MAX_UPLOAD``: the studio's upload cap in bytes."""
    return int(
        current_app.config.get("COURSEWARE_STUDIO_MAX_UPLOAD", DEFAULT_MAX_UPLOAD)
    )


def draft_or_404(draft_id: int) -> Draft:
    """The draft named in the URL."""
    return get_draft(get_session(), draft_id)


def path_or_404(path: str) -> str:
    """The normalised path of the URL (a refused path is no page)."""
    try:
        return normalise(path)
    except PathError:
        abort(404)


def studio_url(endpoint: str, **values) -> str | None:
    """A studio link, or None while its view does not exist (SB's review views)."""
    try:
        return url_for(f"courseware_authoring.{endpoint}", **values)
    except BuildError:
        return None


def size_text(size: int) -> str:
    """Bytes for people."""
    for unit in ("bytes", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


def render(template: str, status: int = 200, **context):
    """A studio page (the layout's links need ``studio_url``)."""
    from flask import render_template

    page = render_template(
        f"courseware/authoring/{template}",
        studio_url=studio_url,
        size_text=size_text,
        **context,
    )
    return page, status


def too_large(size: int | None = None):
    """The 413 page, saying the studio's limit (nothing was kept)."""
    from courseware.db import refuse

    refuse()
    return render("too_large.html", 413, limit=max_upload(), size=size)


def upload_too_large():
    """The 413 page if the request is larger than the studio takes, else None."""
    from flask import request

    length = request.content_length
    if length is not None and length > max_upload():
        return too_large(length)
    return None


def save_form_file(item, path: str, data: bytes, sha: str | None, endpoint: str):
    """Save a file a form regenerated; a redirect back to the form either way.

    A copy changed since the form was opened is refused (the form shows the
    current copy again); so is a closed draft. Nothing is kept then."""
    from flask import flash, redirect
    from flask_babel import gettext as _
    from flask_login import current_user

    from courseware.authoring.services import drafts as services
    from courseware.db import refuse

    back = redirect(url_for(endpoint, draft_id=item.id, path=path))
    try:
        changed = services.save_file(
            get_session(), item, path, data, current_user, sha or None
        )
    except services.StaleFile:
        refuse()
        flash(
            _(
                "Not saved: someone else changed this file after you opened it. "
                "Here is their version; make your change again."
            ),
            "error",
        )
        return back, 303
    except services.DraftError as exc:
        refuse()
        flash(str(exc), "error")
        return back, 303
    if changed:
        flash(_("Saved."), "success")
    return back
