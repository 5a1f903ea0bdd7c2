"""Studio review views: preview, compare, translate and language status."""

from __future__ import annotations

import io

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import FieldList, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from courseware.authoring.models import Draft
from courseware.authoring.services import audit, preview, translate
from courseware.authoring.services.access import require_author
from courseware.authoring.services.checking import check_files
from courseware.authoring.services.diff import (
    condense,
    diff_trees,
    summary,
    word_diff,
)
from courseware.authoring.services.drafts import (
    DraftError,
    draft_files,
    get_draft,
    read_file,
    save_file,
    version_files,
)
from courseware.authoring.services.status import course_status, item_path
from courseware.authoring.views.common import render
from courseware.content.checks import string_hash
from courseware.content.hashing import file_hash
from courseware.content.mediatypes import content_type
from courseware.content.models import ContentVersion
from courseware.content.services import active_version
from courseware.content.yamlfile import YamlError
from courseware.core.forms import Form
from courseware.db import get_session, refuse
from courseware.i18n import LANGUAGE_NAMES
from courseware.learn.media import MEDIA_POLICY

#: The most characters one translated block or string may have.
MAX_TEXT = 100_000


class PreviewLinkForm(Form):
    """Make a signed, read-only link to one page of the draft in one language."""

    page = SelectField(_l("Page"), validators=[InputRequired()])
    lang = SelectField(_l("Language"), validators=[InputRequired()])


class LessonTranslationForm(Form):
    """The translated title and blocks, and what the page was opened with."""

    sha256 = HiddenField()
    source_hash = HiddenField()
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    blocks = FieldList(TextAreaField(validators=[Length(max=MAX_TEXT)]))


class QuizTranslationForm(Form):
    """The translated strings of a quiz, in the order of the page."""

    sha256 = HiddenField()
    strings = FieldList(TextAreaField(validators=[Length(max=MAX_TEXT)]))


def _stop(
    status: int,
    title: str,
    message: str,
    draft: Draft | None = None,
    shared: bool = False,
):
    """End the request with a page that says what is wrong (and nothing kept)."""
    if shared:
        page = render_template(
            "courseware/authoring/review/link_refused.html",
            title=title,
            message=message,
        )
        abort(make_response(page, status))
    page = render(
        "review/message.html", status, title=title, message=message, draft=draft
    )
    abort(make_response(*page))


def _draft(draft_id: int) -> Draft:
    require_author()
    return get_draft(get_session(), draft_id)


# Preview ---------------------------------------------------------------------


def _course(files: dict[str, bytes], shared: bool = False):
    try:
        return preview.draft_course(files)
    except preview.PreviewError as exc:
        _stop(422, _("Nothing to preview yet"), str(exc), shared=shared)


def preview_index(draft_id: int):
    """Every page of the draft, in each language, with the phone frame and links."""
    draft = _draft(draft_id)
    course, result = _course(draft_files(get_session(), draft))
    listed = preview.pages(course)
    form = PreviewLinkForm()
    _link_choices(form, course, listed)
    return render(
        "review/preview_index.html",
        draft=draft,
        course=course,
        pages=listed,
        errors=len(result.problems.errors),
        form=form,
        days=preview.link_days(),
    )


def _link_choices(form: PreviewLinkForm, course, listed) -> None:
    form.page.choices = [
        (page.what, _page_label(course, module, page))
        for module, pages in listed
        for page in pages
    ]
    form.lang.choices = [(x, LANGUAGE_NAMES.get(x, x)) for x in course.languages]


def _page_label(course, module: dict, page: preview.Page) -> str:
    title = course.text(module.get("title"), course.source_language)
    if page.kind == "lesson":
        versions = course.lesson(page.module, page.lesson) or {}
        lesson = versions.get(course.source_language) or {}
        return f"{title}: {lesson.get('title', page.lesson)}"
    if page.kind == "quiz":
        return f"{title}: {_('Quiz')}"
    return title


def preview_link(draft_id: int):
    """Make a preview link (changes nothing but the audit log)."""
    draft = _draft(draft_id)
    if not draft.is_open:
        _stop(
            409, _("This draft is closed"), _("A closed draft has no preview."), draft
        )
    course, _result = _course(draft_files(get_session(), draft))
    form = PreviewLinkForm()
    _link_choices(form, course, preview.pages(course))
    if not form.validate_on_submit():
        _stop(400, _("No link made"), _("Choose a page and a language."), draft)
    page = preview.parse_page(form.page.data)
    token = preview.make_token(draft.id, form.lang.data, page)
    audit.record(
        get_session(),
        current_user,
        "preview.link",
        draft_id=draft.id,
        page=page.what,
        lang=form.lang.data,
    )
    return render(
        "review/preview_link.html",
        draft=draft,
        link=url_for(
            "courseware_authoring.shared_preview", token=token, _external=True
        ),
        days=preview.link_days(),
        page=_page_label(
            course,
            course.module(page.module or (course.quiz(page.quiz) or {}).get("module"))
            or {},
            page,
        ),
        lang=form.lang.data,
    )


def _author_links(draft_id: int, lang: str):
    def links(kind: str, value: str) -> str:
        if kind == "media":
            return url_for(
                "courseware_authoring.preview_media", draft_id=draft_id, path=value
            )
        if kind == "home":
            return url_for("courseware_authoring.preview_index", draft_id=draft_id)
        return url_for(
            "courseware_authoring.preview",
            draft_id=draft_id,
            lang=lang,
            what=f"{kind}/{value}",
        )

    return links


def _shared_links(token: str, lang: str):
    def links(kind: str, value: str) -> str:
        if kind == "media":
            return url_for("courseware_authoring.shared_media", token=token, path=value)
        if kind == "home":
            return url_for("courseware_authoring.shared_preview", token=token)
        return url_for(
            "courseware_authoring.shared_page",
            token=token,
            lang=lang,
            what=f"{kind}/{value}",
        )

    return links


def _learner_url_for(links):
    """``url_for`` for learner templates: their links stay inside the preview."""

    def learner_url_for(endpoint: str, **values) -> str:
        if endpoint == "courseware.static":
            return url_for(endpoint, **values)
        if endpoint == "courseware_learn.lesson":
            return links("lesson", f"{values['module_id']}/{values['lesson_id']}")
        if endpoint == "courseware_learn.module":
            return links("module", values["module_id"])
        if endpoint.startswith("courseware_quiz.") and "quiz_id" in values:
            return links("quiz", values["quiz_id"])
        return links("home", "")

    return learner_url_for


def _render_page(course, page: preview.Page, lang: str, links, banner: dict) -> str:
    """The learner's page for ``page`` in ``lang``, in the preview layout."""
    if lang not in course.languages:
        abort(404)
    context = {
        "course": course,
        "current_user": current_app.login_manager.anonymous_user(),
        "url_for": _learner_url_for(links),
        "preview": banner,
        "wanted": lang,
    }
    with force_locale(lang):
        if page.kind == "module":
            module = course.module(page.module)
            if module is None:
                abort(404)
            return preview.render_preview(
                "courseware/learn/module.html",
                **context,
                module=module,
                module_id=page.module,
                lang=lang,
                done=set(),
                state=None,
                show_sources=True,
                children_classes=[],
            )
        if page.kind == "lesson":
            return _render_lesson(course, page, lang, links, context)
        quiz = course.quiz(page.quiz)
        if quiz is None:
            abort(404)
        questions = [q for q in quiz.get("questions") or [] if isinstance(q, dict)]
        return preview.render_preview(
            "courseware/authoring/review/preview_quiz.html",
            **context,
            quiz=quiz,
            quiz_id=page.quiz,
            questions=questions,
            orders={q["id"]: preview.quiz_order(q) for q in questions},
            lang=lang,
        )


def _render_lesson(course, page: preview.Page, lang: str, links, context) -> str:
    versions = course.lesson(page.module, page.lesson)
    if versions is None:
        abort(404)
    shown, reason = course.lesson_language(page.module, page.lesson, lang)
    ids = course.lesson_ids(page.module)
    index = ids.index(page.lesson)
    return preview.render_preview(
        "courseware/learn/lesson.html",
        **context,
        module=course.module(page.module),
        module_id=page.module,
        lesson_id=page.lesson,
        lesson=versions[shown],
        lang=shown,
        reason=reason,
        body=preview.render_blocks(course, page.module, page.lesson, shown, links),
        previous=ids[index - 1] if index else None,
        following=ids[index + 1] if index + 1 < len(ids) else None,
        position=index + 1,
        count=len(ids),
        resume_time=None,
        done=set(),
        show_sources=True,
    )


def preview_page(draft_id: int, lang: str, what: str):
    """A page of the draft as a learner sees it (``?frame=phone``: in a phone frame)."""
    draft = _draft(draft_id)
    page = preview.parse_page(what)
    if page is None:
        abort(404)
    course, _result = _course(draft_files(get_session(), draft))
    if lang not in course.languages:
        abort(404)
    here = url_for(
        "courseware_authoring.preview", draft_id=draft.id, lang=lang, what=what
    )
    if request.args.get("frame") == "phone":
        return render(
            "review/phone.html",
            draft=draft,
            course=course,
            lang=lang,
            page=page,
            src=here,
            what=what,
        )
    banner = {
        "draft": draft,
        "lang": lang,
        "studio": url_for("courseware_authoring.preview_index", draft_id=draft.id),
        "phone": here + "?frame=phone",
        "languages": [
            (
                x,
                url_for(
                    "courseware_authoring.preview", draft_id=draft.id, lang=x, what=what
                ),
            )
            for x in course.languages
        ],
    }
    return _render_page(course, page, lang, _author_links(draft.id, lang), banner)


def preview_media(draft_id: int, path: str):
    """A media file of the draft, served as inert as a published one."""
    return _media(_draft(draft_id), path)


def _media(draft: Draft, path: str):
    rel = preview.media_path(path)
    found = read_file(get_session(), draft, rel) if rel else None
    kind = preview.media_type(rel, found[0]) if found else None
    if kind is None:
        abort(404)
    data, digest = found
    response = send_file(
        io.BytesIO(data),
        mimetype=kind,
        download_name=path.rsplit("/", 1)[-1],
        etag=digest,
        conditional=True,
        max_age=0,
    )
    headers = response.headers
    headers["Content-Type"] = content_type(kind)
    headers["Content-Security-Policy"] = MEDIA_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Cache-Control"] = "private, no-cache"
    return response


def _shared_draft(token: str) -> tuple[Draft, str, preview.Page]:
    """The open draft a valid token names; else a 403 or 410 page."""
    try:
        draft_id, lang, page = preview.read_token(token)
    except preview.LinkRefused as exc:
        if exc.status == 410:
            _stop(
                410,
                _("This preview link has expired"),
                _("Ask the author for a new link."),
                shared=True,
            )
        _stop(
            403,
            _("This preview link is not valid"),
            _("The address is incomplete or was changed. Copy the whole link again."),
            shared=True,
        )
    draft = get_session().get(Draft, draft_id)
    if draft is None or not draft.is_open:
        _stop(
            410,
            _("This preview is no longer available"),
            _("The draft was published or discarded: there is nothing to preview."),
            shared=True,
        )
    return draft, lang, page


def shared_preview(token: str):
    """The page a preview link names, for anyone with the link (read-only)."""
    draft, lang, page = _shared_draft(token)
    return _shared(draft, token, lang, page)


def shared_page(token: str, lang: str, what: str):
    """Another page of the same draft, reached from a shared preview."""
    draft, _lang, _page = _shared_draft(token)
    page = preview.parse_page(what)
    if page is None:
        abort(404)
    return _shared(draft, token, lang, page)


def _shared(draft: Draft, token: str, lang: str, page: preview.Page):
    course, _result = _course(draft_files(get_session(), draft), shared=True)
    banner = {"draft": draft, "lang": lang, "shared": True}
    html = _render_page(course, page, lang, _shared_links(token, lang), banner)
    response = current_app.make_response(html)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def shared_media(token: str, path: str):
    """A media file of the draft a preview link names."""
    draft, _lang, _page = _shared_draft(token)
    return _media(draft, path)


# Compare ---------------------------------------------------------------------


def _version(session, version_id: int) -> ContentVersion:
    version = session.get(ContentVersion, version_id)
    if version is None:
        abort(404)
    return version


def _files_of(session, version: ContentVersion) -> dict[str, bytes]:
    try:
        return version_files(session, version)
    except DraftError as exc:
        _stop(422, _("This version cannot be compared"), str(exc))


def compare(draft_id: int):
    """The draft against the active version (or ``?version=<id>``), file by file."""
    draft = _draft(draft_id)
    session = get_session()
    wanted = request.args.get("version", type=int)
    version = _version(session, wanted) if wanted else active_version(session)
    old = _files_of(session, version) if version is not None else {}
    diffs = diff_trees(old, draft_files(session, draft))
    return render(
        "review/compare.html",
        draft=draft,
        old_label=_("version %(n)d", n=version.number) if version else _("nothing"),
        new_label=draft.title,
        diffs=diffs,
        counts=summary(diffs),
        versions=_versions(session),
        chosen=version.id if version else None,
        word_diff=word_diff,
    )


def _versions(session) -> list[ContentVersion]:
    return list(
        session.scalars(select(ContentVersion).order_by(ContentVersion.number.desc()))
    )


def compare_versions(a: int, b: int):
    """Two published versions, file by file."""
    require_author()
    session = get_session()
    first, second = _version(session, a), _version(session, b)
    diffs = diff_trees(_files_of(session, first), _files_of(session, second))
    return render(
        "review/compare.html",
        draft=None,
        old_label=_("version %(n)d", n=first.number),
        new_label=_("version %(n)d", n=second.number),
        diffs=diffs,
        counts=summary(diffs),
        versions=_versions(session),
        chosen=None,
        word_diff=word_diff,
    )


# Translate and status --------------------------------------------------------


def translate_index(draft_id: int):
    """Per target language, every lesson and quiz with its translation state."""
    draft = _draft(draft_id)
    result = check_files(draft_files(get_session(), draft))
    return render(
        "review/translate_index.html",
        draft=draft,
        report=course_status(result),
        path_of=lambda module, item, lang: item_path(result, module, item, lang),
        titles=_titles(result),
    )


def _titles(result) -> dict[str, str]:
    """Module and lesson titles in the source language, for the lists."""
    tree = result.tree
    titles: dict[str, str] = {}
    for module, located in tree.modules.items():
        title = located.data.get("title")
        titles[module] = (
            str(title.get(tree.source_language, module))
            if isinstance(title, dict)
            else module
        )
        for lesson, by_lang in tree.lessons.get(module, {}).items():
            source = by_lang.get(tree.source_language)
            front = source.front.data if source and source.front else {}
            titles[f"{module}/{lesson}"] = str(front.get("title") or lesson)
    return titles


def status(draft_id: int):
    """Per language, for the whole course: complete, stale, unknown, missing."""
    draft = _draft(draft_id)
    result = check_files(draft_files(get_session(), draft))
    return render(
        "review/status.html",
        draft=draft,
        report=course_status(result),
    )


def translate_page(draft_id: int, lang: str, path: str):
    """Source and translation side by side, block by block; POST saves."""
    draft = _draft(draft_id)
    session = get_session()
    files = draft_files(session, draft)
    result = check_files(files)
    tree = result.tree
    if lang == tree.source_language or lang not in tree.languages:
        abort(404)
    if path.startswith("quizzes/"):
        return _translate_quiz(draft, files, tree, lang, path)
    try:
        view = translate.lesson_view(
            files,
            path,
            tree.source_language,
            translate.published_sources(session, files, path, tree.source_language),
        )
    except ValueError:
        abort(404)
    if view.lang != lang:
        abort(404)
    form = LessonTranslationForm()
    if request.method == "POST":
        return _save_lesson(draft, files, view, form, tree.source_language)
    form.sha256.data = file_hash(files[path]) if path in files else ""
    form.source_hash.data = view.current_hash
    form.title.data = view.translation.field("title") if view.translation else ""
    for row in view.rows:
        form.blocks.append_entry(row.translation.text if row.translation else "")
    return _lesson_page(draft, view, form, tree.source_language)


def _lesson_page(draft, view, form, source_language: str, status_code: int = 200):
    old_text = view.old_text
    return render(
        "review/translate_lesson.html",
        status_code,
        draft=draft,
        view=view,
        form=form,
        source_language=source_language,
        whole_diff=condense(word_diff(old_text, view.source_text))
        if old_text
        else None,
    )


def _save_lesson(draft, files, view, form, source_language: str):
    if not form.validate_on_submit() or len(form.blocks.data) > len(view.rows) + 50:
        refuse()
        return _lesson_page(draft, view, form, source_language, 400)
    if form.source_hash.data != view.current_hash:
        refuse()
        flash(
            _(
                "The source text changed after you opened this page: "
                "compare again, then save."
            ),
            "error",
        )
        return _lesson_page(draft, view, form, source_language, 409)
    text = translate.compose_lesson(view, form.title.data, form.blocks.data)
    data = translate.marked_lesson(files, view.path, text, source_language)
    try:
        changed = save_file(
            get_session(),
            draft,
            view.path,
            data,
            current_user,
            form.sha256.data or None,
            create=view.path not in files,
        )
    except DraftError as exc:
        refuse()
        flash(str(exc), "error")
        return _lesson_page(draft, view, form, source_language, 409)
    if changed:
        flash(_("The translation is saved and marked as up to date."), "success")
    return redirect(
        url_for(
            "courseware_authoring.translate",
            draft_id=draft.id,
            lang=view.lang,
            path=view.path,
        )
    )


def _translate_quiz(draft, files, tree, lang: str, path: str):
    blob = files.get(path)
    if blob is None:
        abort(404)
    try:
        strings = translate.quiz_view(blob, lang, tree.source_language)
    except (UnicodeDecodeError, YamlError) as exc:
        _stop(422, _("This quiz file does not parse"), str(exc), draft)
    form = QuizTranslationForm()
    status_code = 200
    if request.method == "POST":
        if form.validate_on_submit() and len(form.strings.data) == len(strings):
            values = {s.key: v for s, v in zip(strings, form.strings.data, strict=True)}
            text = translate.compose_quiz(blob, lang, values, tree.source_language)
            data = translate.marked_quiz(
                path, text, lang, tree.source_language, blob.decode("utf-8")
            )
            try:
                changed = save_file(
                    get_session(), draft, path, data, current_user, form.sha256.data
                )
            except DraftError as exc:
                refuse()
                flash(str(exc), "error")
                status_code = 409
            else:
                if changed:
                    flash(
                        _("The translation is saved and marked as up to date."),
                        "success",
                    )
                return redirect(
                    url_for(
                        "courseware_authoring.translate",
                        draft_id=draft.id,
                        lang=lang,
                        path=path,
                    )
                )
        else:
            refuse()
            status_code = 400
    else:
        form.sha256.data = file_hash(blob)
        for item in strings:
            form.strings.append_entry(item.translation or "")
    return render(
        "review/translate_quiz.html",
        status_code,
        draft=draft,
        path=path,
        lang=lang,
        strings=strings,
        form=form,
        source_language=tree.source_language,
        hashes={s.key: string_hash(s.source) for s in strings},
    )


#: (rule, endpoint, view, methods) registered by ``courseware/authoring/blueprint.py``.
RULES: list[tuple] = [
    ("/studio/drafts/<int:draft_id>/preview", "preview_index", preview_index, ["GET"]),
    (
        "/studio/drafts/<int:draft_id>/preview/<lang>/<path:what>",
        "preview",
        preview_page,
        ["GET"],
    ),
    (
        "/studio/drafts/<int:draft_id>/preview-link",
        "preview_link",
        preview_link,
        ["POST"],
    ),
    (
        "/studio/drafts/<int:draft_id>/preview-media/<path:path>",
        "preview_media",
        preview_media,
        ["GET"],
    ),
    ("/studio/shared/<token>", "shared_preview", shared_preview, ["GET"]),
    (
        "/studio/shared/<token>/page/<lang>/<path:what>",
        "shared_page",
        shared_page,
        ["GET"],
    ),
    (
        "/studio/shared/<token>/media/<path:path>",
        "shared_media",
        shared_media,
        ["GET"],
    ),
    ("/studio/drafts/<int:draft_id>/compare", "compare", compare, ["GET"]),
    (
        "/studio/versions/<int:a>/<int:b>/compare",
        "compare_versions",
        compare_versions,
        ["GET"],
    ),
    (
        "/studio/drafts/<int:draft_id>/translate",
        "translate_index",
        translate_index,
        ["GET"],
    ),
    (
        "/studio/drafts/<int:draft_id>/translate/<lang>/<path:path>",
        "translate",
        translate_page,
        ["GET", "POST"],
    ),
    ("/studio/drafts/<int:draft_id>/status", "status", status, ["GET"]),
]
