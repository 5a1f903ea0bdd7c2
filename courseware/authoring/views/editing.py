"""Studio views: edit a file, add lessons, modules, quizzes and media, check a draft."""

from __future__ import annotations

from flask import Response, abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courseware.authoring.forms import (
    DeleteFileForm,
    FileForm,
    MediaUploadForm,
    NewFileForm,
)
from courseware.authoring.services import drafts as services
from courseware.authoring.services import newfiles
from courseware.authoring.services.access import author_required
from courseware.authoring.services.checking import check_draft, problems_by_file
from courseware.authoring.services.files import (
    PathError,
    is_media,
    is_text,
    normalise,
)
from courseware.authoring.services.render import render_lesson_text
from courseware.authoring.views.common import (
    draft_or_404,
    max_upload,
    path_or_404,
    render,
    too_large,
    upload_too_large,
)
from courseware.content.blocks import BLOCK_TYPES
from courseware.content.lessons import FILE_RE
from courseware.content.mediatypes import content_type, decide
from courseware.content.problems import Problem
from courseware.db import get_session, refuse


def new_file_form() -> NewFileForm:
    return NewFileForm(prefix="new")


def media_form() -> MediaUploadForm:
    return MediaUploadForm(prefix="media")


def as_saved(text: str) -> bytes:
    """A form's text as a careful editor saves it: ``\\n`` endings, a final newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text and not text.endswith("\n"):
        text += "\n"
    return text.encode("utf-8")


def block_snippets() -> list[tuple[str, str]]:
    """(block type, text inserted by the toolbar) of every block type."""
    snippets = []
    for name, block in sorted(BLOCK_TYPES.items()):
        if name == "text":
            continue
        fields = "".join(f"{field}: \n" for field in block.required) or "id: \n"
        snippets.append((name, f"\n::: {name}\n{fields}:::\n"))
    return snippets


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _editor(item, path, form, data=None, status=200, stale=None):
    """The editor page of one file, with the checker's problems at their lines."""
    session = get_session()
    problems = problems_by_file(check_draft(session, item)).get(path, [])
    text = form.text.data if form.text.data is not None else ""
    module = path.split("/")[1] if path.startswith("modules/") else None
    media = sorted(
        row.path.split("/media/", 1)[1]
        for row in services.file_rows(session, item)
        if module and row.path.startswith(f"modules/{module}/media/")
    )
    return render(
        "edit.html",
        status,
        draft=item,
        path=path,
        form=form,
        lines=_lines(text),
        problems=problems,
        is_lesson=bool(module and FILE_RE.match(path.rsplit("/", 1)[-1])),
        snippets=block_snippets(),
        media=media,
        stale=stale,
        delete_form=DeleteFileForm(sha256=form.sha256.data),
    )


@author_required
def edit_file(draft_id: int, path: str):
    """Edit one text file; saving runs the checker and keeps the file even so."""
    session = get_session()
    item = draft_or_404(draft_id)
    path = path_or_404(path)
    found = services.read_file(session, item, path)
    if found is None:
        abort(404)
    data, sha = found
    if not is_text(path):
        return render(
            "media.html",
            draft=item,
            path=path,
            size=len(data),
            delete_form=DeleteFileForm(sha256=sha),
        )
    if request.method == "GET":
        form = FileForm(text=data.decode("utf-8", "replace"), sha256=sha, formdata=None)
        return _editor(item, path, form)
    form = FileForm()
    if not form.validate_on_submit():
        return _editor(item, path, form, status=400)
    try:
        changed = services.save_file(
            session,
            item,
            path,
            as_saved(form.text.data or ""),
            current_user,
            form.sha256.data or None,
        )
    except services.StaleFile as exc:
        refuse()
        theirs = (exc.current or b"").decode("utf-8", "replace")
        return _editor(item, path, form, status=409, stale=theirs)
    except services.DraftError as exc:
        refuse()
        flash(str(exc), "error")
        return _editor(item, path, form, status=400)
    result = check_draft(session, item)
    here = problems_by_file(result).get(path, [])
    if changed:
        flash(
            _(
                "Saved. The checker finds %(n)s problem(s) in this file and "
                "%(total)s error(s) in the draft.",
                n=len(here),
                total=len(result.problems.errors),
            ),
            "success" if not here else "info",
        )
    return redirect(url_for(".edit_file", draft_id=item.id, path=path))


@author_required
def new_file(draft_id: int):
    """Add a lesson (in the source language), a module or a module's quiz."""
    session = get_session()
    item = draft_or_404(draft_id)
    form = new_file_form()
    if not form.validate_on_submit():
        flash(
            _("Check the fields of “Add a lesson, module or quiz”: ")
            + "; ".join(str(e) for errors in form.errors.values() for e in errors),
            "error",
        )
        return redirect(url_for(".draft", draft_id=item.id))
    files = services.draft_files(session, item)
    from courseware.content.yamlfile import load_yaml

    course = load_yaml(
        files.get("modules/course.yaml", b"{}").decode("utf-8", "replace")
    )
    course_data = course.data if isinstance(course.data, dict) else {}
    languages = [str(x) for x in course_data.get("languages") or ["en"]]
    source = str(course_data.get("source_language") or "en")
    module, kind = form.module.data, form.kind.data
    module_yaml = f"modules/{module}/module.yaml"
    try:
        if kind == "module":
            changes = {
                module_yaml: newfiles.module_text(module, languages).encode(),
                "modules/course.yaml": newfiles.add_to_list(
                    files["modules/course.yaml"].decode(), "modules", module
                ).encode(),
            }
            target = module_yaml
        elif module_yaml not in files:
            raise newfiles.ListError(f"there is no module {module!r} in this draft")
        elif kind == "quiz":
            target = f"quizzes/{module}.yaml"
            changes = {target: newfiles.quiz_text(module, languages).encode()}
            text = files[module_yaml].decode()
            if "\nquiz:" not in "\n" + text:
                changes[module_yaml] = newfiles.add_quiz(text, module).encode()
        else:
            lesson = form.name.data
            if not lesson:
                raise newfiles.ListError("give the new lesson an id")
            if any(newfiles.is_lesson_of(p, module, lesson) for p in files):
                raise newfiles.ListError(f"module {module!r} has a lesson {lesson!r}")
            target = newfiles.next_lesson_name(list(files), module, lesson, source)
            changes = {
                target: newfiles.lesson_text(lesson, lesson).encode(),
                module_yaml: newfiles.add_to_list(
                    files[module_yaml].decode(), "lessons", lesson
                ).encode(),
            }
        if target in files:
            raise newfiles.ListError(f"{target} exists already")
        for path, data in changes.items():
            services.save_file(
                session,
                item,
                path,
                data,
                current_user,
                services.read_file(session, item, path)[1] if path in files else None,
                create=path not in files,
            )
    except (newfiles.ListError, services.DraftError) as exc:
        refuse()
        flash(str(exc), "error")
        return redirect(url_for(".draft", draft_id=item.id))
    flash(_("Added %(path)s.", path=target), "success")
    return redirect(url_for(".edit_file", draft_id=item.id, path=target))


@author_required
def upload_media(draft_id: int):
    """A media file into modules/<module>/media/, checked as `content check` does."""
    item = draft_or_404(draft_id)
    if refused := upload_too_large():
        return refused
    session = get_session()
    form = media_form()
    if not form.validate_on_submit():
        return _upload_refused(
            item, "; ".join(str(e) for errors in form.errors.values() for e in errors)
        )
    name = (form.media.data.filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    data = form.media.data.read(max_upload() + 1)
    if len(data) > max_upload():
        return too_large(len(data))
    try:
        path = normalise(f"modules/{form.module.data}/media/{name}", extension=False)
    except PathError as exc:
        refuse()
        return _upload_refused(item, f"{name}: {exc}")
    if f"modules/{form.module.data}/module.yaml" not in {
        row.path for row in services.file_rows(session, item)
    }:
        refuse()
        return _upload_refused(item, f"there is no module {form.module.data!r}")
    media_type, found = decide(path, data)
    if media_type is None:
        refuse()
        field = "svg" if path.lower().endswith(".svg") else "media"
        return _upload_refused(
            item,
            "; ".join(
                str(Problem(path, *each[:1], field, *each[1:])) for each in found
            ),
        )
    existing = services.read_file(session, item, path)
    try:
        services.save_file(
            session, item, path, data, current_user, existing[1] if existing else None
        )
    except services.DraftError as exc:
        refuse()
        return _upload_refused(item, str(exc))
    flash(
        _("Uploaded %(path)s. Refer to it as media/%(name)s.", path=path, name=name),
        "success",
    )
    return redirect(url_for(".draft", draft_id=item.id))


def _upload_refused(item, message: str):
    """The draft page with the refusal at the upload field (nothing was saved)."""
    from courseware.authoring.views.drafts import draft

    flash(_("The file was not uploaded: %(why)s", why=message), "error")
    page, _status = draft.__wrapped__(item.id)
    return page, 400


@author_required
def delete_file(draft_id: int, path: str):
    """Remove one file from the draft."""
    item = draft_or_404(draft_id)
    path = path_or_404(path)
    form = DeleteFileForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.delete_file(
            get_session(), item, path, current_user, form.sha256.data or None
        )
    except services.DraftError as exc:
        refuse()
        flash(str(exc), "error")
        return redirect(url_for(".draft", draft_id=item.id)), 409
    flash(_("Deleted %(path)s.", path=path), "success")
    return redirect(url_for(".draft", draft_id=item.id))


@author_required
def preview_lesson(draft_id: int, path: str):
    """The lesson text of the form rendered as learners get it (for the live pane)."""
    item = draft_or_404(draft_id)
    path = path_or_404(path)
    form = FileForm()
    if not form.validate_on_submit():
        abort(400)
    text = (form.text.data or "").replace("\r\n", "\n")

    def media_url(ref: str) -> str:
        module = path.split("/")[1]
        return url_for(".draft_media", draft_id=item.id, path=f"modules/{module}/{ref}")

    html, problems = render_lesson_text(path, text, media_url)
    return jsonify(
        html=str(html),
        problems=[str(p) for p in problems.sorted()],
    )


@author_required
def draft_media(draft_id: int, path: str):
    """A draft's media file, as the type the checker decides (else not served)."""
    item = draft_or_404(draft_id)
    path = path_or_404(path)
    found = services.read_file(get_session(), item, path) if is_media(path) else None
    if found is None:
        abort(404)
    media_type, _problems = decide(path, found[0])
    if media_type is None:
        abort(404)
    response = Response(found[0], mimetype=content_type(media_type))
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@author_required
def check(draft_id: int):
    """Every problem of the draft, by file, linked to its line in the editor."""
    session = get_session()
    item = draft_or_404(draft_id)
    result = check_draft(session, item)
    return render(
        "check.html",
        draft=item,
        problems=problems_by_file(result),
        errors=len(result.problems.errors),
        warnings=len(result.problems.warnings),
    )


def rules(draft: str) -> list[tuple]:
    """The editing views' rules under ``draft`` (the draft's URL)."""
    return [
        (f"{draft}/files/<path:path>", "edit_file", edit_file, ["GET", "POST"]),
        (f"{draft}/delete/<path:path>", "delete_file", delete_file, ["POST"]),
        (f"{draft}/render/<path:path>", "preview_lesson", preview_lesson, ["POST"]),
        (f"{draft}/new", "new_file", new_file, ["POST"]),
        (f"{draft}/media", "upload_media", upload_media, ["POST"]),
        (f"{draft}/media/<path:path>", "draft_media", draft_media, ["GET"]),
        (f"{draft}/check", "check", check, ["GET"]),
    ]
