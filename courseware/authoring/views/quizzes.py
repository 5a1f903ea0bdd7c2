"""Studio view: a quiz as a form per question (the raw YAML editor stays available)."""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _

from courseware.authoring.forms import FileForm
from courseware.authoring.services import drafts as services
from courseware.authoring.services import quizforms
from courseware.authoring.services.access import author_required
from courseware.authoring.services.checking import check_draft, problems_by_file
from courseware.authoring.views.common import (
    draft_or_404,
    path_or_404,
    render,
    save_form_file,
)
from courseware.content.yamlfile import YamlError, load_yaml
from courseware.db import get_session
from courseware.quiz.types import QUESTION_TYPES


def _languages(session, item) -> list[str]:
    found = services.read_file(session, item, "modules/course.yaml")
    try:
        data = load_yaml(found[0].decode("utf-8")).data if found else {}
    except (YamlError, UnicodeDecodeError):
        data = {}
    langs = data.get("languages") if isinstance(data, dict) else None
    return [str(x) for x in langs] if isinstance(langs, list) else ["en"]


@author_required
def quiz_form(draft_id: int, path: str):
    """Edit a quiz's questions field by field; every save is checked."""
    session = get_session()
    item = draft_or_404(draft_id)
    path = path_or_404(path)
    found = services.read_file(session, item, path)
    if found is None or not (path.startswith("quizzes/") and path.endswith(".yaml")):
        abort(404)
    data, sha = found
    original = data.decode("utf-8", "replace")
    try:
        parsed = load_yaml(original).data
    except YamlError as exc:
        parsed, error = None, f"line {exc.line}: {exc}"
    else:
        error = None if isinstance(parsed, dict) else _("the file holds no fields")
    languages = _languages(session, item)
    form = FileForm(formdata=None, sha256=sha)
    if request.method == "POST":
        form = FileForm()
        if not form.validate_on_submit() or error:
            abort(400)
        updated = quizforms.from_form(request.form, parsed, languages)
        text = quizforms.quiz_text(updated, original)
        return save_form_file(
            item, path, text.encode("utf-8"), form.sha256.data, ".quiz_form"
        )
    problems = problems_by_file(check_draft(session, item)).get(path, [])
    return render(
        "quiz.html",
        draft=item,
        path=path,
        form=form,
        quiz=parsed if not error else None,
        error=error,
        questions=[
            q for q in (parsed or {}).get("questions") or [] if isinstance(q, dict)
        ]
        if not error
        else [],
        languages=languages,
        problems=problems,
        types=sorted(QUESTION_TYPES),
        rows_of=quizforms.rows_of,
        type_label=quizforms.type_label,
        row_legend=quizforms.row_legend,
        field_label=quizforms.field_label,
        outcome_types=quizforms.OUTCOME_FEEDBACK,
        by_question=quizforms.by_question(problems),
    )


def rules(draft: str) -> list[tuple]:
    """The quiz form's rule under ``draft`` (the draft's URL)."""
    return [(f"{draft}/quiz/<path:path>", "quiz_form", quiz_form, ["GET", "POST"])]
