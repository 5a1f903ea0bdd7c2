"""One unit of work per request: commit when nothing failed or was refused.

Small views added to the real app flush real rows and then refuse, fail, or lose a
race; what reaches the database afterwards is checked through a new session.
"""

from __future__ import annotations

from flask import abort, render_template_string
from sqlalchemy import func, select
from wtforms import StringField
from wtforms.validators import InputRequired

from courseware.auth.models import User
from courseware.auth.services import create_user
from courseware.core.forms import Form
from courseware.db import get_session, refuse


class NameForm(Form):
    name = StringField(validators=[InputRequired()])


def users(app) -> list[str]:
    with app.app_context():
        return list(get_session().scalars(select(User.username).order_by(User.id)))


def add_views(app):
    """Views that flush a new account, then end in different ways."""

    def flush_then(outcome: str):
        create_user(get_session(), f"via-{outcome}", "correct horse battery")
        if outcome == "refused":
            refuse()  # what a view does when it catches a service error
            return "shown again with the error", 200
        if outcome == "aborted":
            abort(403)
        if outcome == "form":
            form = NameForm(meta={"csrf": False})
            form.validate()  # no name: the form refuses
            return render_template_string("{{ form.name.errors }}", form=form), 200
        if outcome == "conflict":
            session = get_session()
            session.add(User(username="clash", password_hash="x"))
            session.flush()
            session.add(User(username="CLASH", password_hash="x"))
            session.flush()  # the lower(username) index refuses it
        return "done", 200

    app.add_url_rule("/_uow/<outcome>", "uow", flush_then, methods=["POST"])
    app.config["WTF_CSRF_ENABLED"] = False


def test_only_a_request_that_succeeded_commits(make_app):
    app = make_app()
    add_views(app)
    client = app.test_client()
    assert client.post("/_uow/ok").status_code == 200
    assert client.post("/_uow/refused").status_code == 200
    assert client.post("/_uow/aborted").status_code == 403
    assert client.post("/_uow/form").status_code == 200
    assert users(app) == ["via-ok"]


def test_a_lost_race_is_a_clear_409_page_on_a_clean_session(make_app):
    app = make_app()
    add_views(app)
    client = app.test_client()
    answer = client.post("/_uow/conflict")
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert "Done at the same moment" in page
    assert "Reload the page to see the result." in page
    assert "Content-Security-Policy" in answer.headers  # our page, our headers
    assert users(app) == []
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(User)) == 0
