"""Studio view: course, track and module settings as fields, saved into the file."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from courseware.authoring.forms import FileForm
from courseware.authoring.services import drafts as services
from courseware.authoring.services import settings as fields
from courseware.authoring.services.access import author_required
from courseware.authoring.services.checking import check_draft, problems_by_file
from courseware.authoring.views.common import (
    draft_or_404,
    path_or_404,
    render,
    save_form_file,
)
from courseware.authoring.views.quizzes import _languages
from courseware.content.yamlfile import YamlError, load_yaml
from courseware.db import get_session

MODULE_FILE = re.compile(r"^modules/[a-z][a-z0-9-]*/module\.yaml$")


@author_required
def settings_form(draft_id: int, path: str):
    """The settings of modules/course.yaml or a module.yaml as labelled fields."""
    session = get_session()
    item = draft_or_404(draft_id)
    path = path_or_404(path)
    found = services.read_file(session, item, path)
    if found is None or not (path == "modules/course.yaml" or MODULE_FILE.match(path)):
        abort(404)
    data, sha = found
    text = data.decode("utf-8", "replace")
    try:
        located = load_yaml(text)
    except YamlError as exc:
        flash(
            _("Fix the YAML first (line %(n)s: %(why)s).", n=exc.line, why=str(exc)),
            "error",
        )
        return redirect(url_for(".edit_file", draft_id=item.id, path=path))
    languages = _languages(session, item)
    data_ = located.data if isinstance(located.data, dict) else {}
    settings = (
        fields.course_settings(data_, languages)
        if path == "modules/course.yaml"
        else fields.module_settings(languages)
    )
    if request.method == "POST":
        form = FileForm()
        if not form.validate_on_submit():
            abort(400)
        updated, changed = fields.apply(text, settings, request.form)
        if not changed:
            return redirect(url_for(".settings_form", draft_id=item.id, path=path))
        return save_form_file(
            item, path, updated.encode("utf-8"), form.sha256.data, ".settings_form"
        )
    problems = problems_by_file(check_draft(session, item)).get(path, [])
    by_field: dict[str, list] = {}
    summary = []
    for problem in problems:
        name = next(
            (
                s.name
                for s in settings
                if problem.field == (dotted := ".".join(map(str, s.path)))
                or problem.field.startswith(dotted + ".")
            ),
            None,
        )
        summary.append((problem, name))
        if name:
            by_field.setdefault(name, []).append(problem)
    return render(
        "settings.html",
        draft=item,
        path=path,
        form=FileForm(formdata=None, sha256=sha),
        settings=settings,
        values={s.name: fields.shown(s, fields.get(data_, s.path)) for s in settings},
        problems=problems,
        by_field=by_field,
        summary=summary,
    )


def rules(draft: str) -> list[tuple]:
    """The settings form's rule under ``draft`` (the draft's URL)."""
    return [
        (
            f"{draft}/settings/<path:path>",
            "settings_form",
            settings_form,
            ["GET", "POST"],
        )
    ]
