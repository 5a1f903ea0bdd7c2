"""Catalogue, tracks, modules, lessons and the learner's progress page."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from courseware.content.runtime import Course, active_course, cache, render_lesson
from courseware.core.blueprint import csrf_value
from courseware.core.payload import ID, SECONDS, json_body
from courseware.core.requests import (
    content_language,
    interface_language,
    require_course,
)
from courseware.core.skeleton import Skeleton, skeleton_mode
from courseware.db import get_session
from courseware.learn import services
from courseware.learn.forms import CompleteForm
from courseware.learn.pathways import child_pathway, children_classes
from courseware.pagecache import mark_shared
from courseware.xapi.monitor import recorded_activities
from courseware.xapi.vocabulary import activity_id

#: The media player's resume position.
POSITION = {
    "type": "object",
    "properties": {
        "module": ID,
        "lesson": ID,
        "media": {"anyOf": [ID, {"type": "null"}]},
        "time": {"anyOf": [SECONDS, {"type": "null"}]},
    },
    "required": ["module", "lesson"],
    "additionalProperties": False,
}


def catalogue():
    """Tracks by audience and module cards, with the learner's progress."""
    course = active_course()
    if course is None:
        return render_template("courseware/learn/empty.html")
    session = get_session()
    summary = services.progress_summary(session, current_user, course)
    pathway = child_pathway(session, current_user, course)
    resume = None
    if current_user.is_authenticated:
        enrol = services.enrolment(session, current_user, course)
        if (
            enrol.resume_module
            and course.lesson(enrol.resume_module, enrol.resume_lesson)
            and (pathway is None or pathway.reaches(course, enrol.resume_module))
        ):
            resume = enrol
    share_with_visitors(course)
    return render_template(
        "courseware/learn/catalogue.html",
        course=course,
        lang=content_language(course),
        summary=summary,
        resume=resume,
        pathway=pathway,
        tracks=pathway.tracks(course) if pathway else course.tracks,
        module_ids=pathway.module_ids(course) if pathway else list(course.modules),
    )


def for_adults_page(course: Course):
    """A child opened a module or track written for adults that nobody assigned."""
    page = render_template(
        "courseware/learn/for_adults.html", course=course, lang=content_language(course)
    )
    return page, 403


def track(track_id: str):
    """A track's path: its modules in order and what remains."""
    course = require_course()
    found = course.track(track_id)
    if found is None:
        abort(404)
    pathway = child_pathway(get_session(), current_user, course)
    if pathway is not None and not pathway.reaches_track(course, found):
        return for_adults_page(course)
    summary = services.progress_summary(get_session(), current_user, course)
    remaining = [m for m in found["modules"] if not summary.modules[m].complete]
    adult = not course.track_for_children(found)
    share_with_visitors(course)
    return render_template(
        "courseware/learn/track.html",
        course=course,
        track=found,
        lang=content_language(course),
        summary=summary,
        remaining=remaining,
        children_classes=children_classes(get_session(), current_user) if adult else [],
    )


def module(module_id: str):
    """A module's objectives, lessons, quiz and sources."""
    course = require_course()
    data = course.module(module_id)
    if data is None:
        abort(404)
    session = get_session()
    pathway = child_pathway(session, current_user, course)
    if pathway is not None and not pathway.reaches(course, module_id):
        return for_adults_page(course)
    adult = not course.for_children(module_id)
    done = (
        services.completed_lessons(session, current_user, module_id)
        if current_user.is_authenticated
        else set()
    )
    summary = services.progress_summary(session, current_user, course)
    share_with_visitors(course)
    return render_template(
        "courseware/learn/module.html",
        course=course,
        module=data,
        module_id=module_id,
        lang=content_language(course),
        done=done,
        state=summary.modules[module_id],
        show_sources=pathway is None or pathway.shows_sources(course, module_id),
        children_classes=children_classes(session, current_user) if adult else [],
    )


def lesson(module_id: str, lesson_id: str):
    """A lesson in the learner's language (or the source, with a notice)."""
    course = require_course()
    if course.lesson(module_id, lesson_id) is None:
        abort(404)
    if not current_user.is_authenticated:  # the page cache keeps it for visitors
        share_with_visitors(course)
        return _lesson_page(course, module_id, lesson_id, None, set())
    session = get_session()
    child = None
    if not course.for_children(module_id):  # children's lessons are for everyone
        child = child_pathway(session, current_user, course)
        if child is not None and not child.reaches(course, module_id):
            return for_adults_page(course)
    sources = child is None
    state = services.lesson_state(session, current_user, course, module_id)
    if state is not None and state.is_reload(module_id, lesson_id):
        # Nothing to record: the page needs only what the one read returned.
        media, seconds = state.resume[2:]
        resume_time = (media, seconds) if seconds else None
        return _learner_lesson(
            course, module_id, lesson_id, resume_time, state.done, sources
        )
    shown = course.lesson_language(module_id, lesson_id, interface_language())[0]
    enrol = services.enrolment(session, current_user, course)
    rows = services.module_progress(session, current_user, module_id)
    resume_time = None
    if enrol.resume_lesson == lesson_id and enrol.resume_time:
        resume_time = (enrol.resume_media, enrol.resume_time)
    services.open_lesson(
        session, current_user, course, module_id, lesson_id, shown, rows, enrol
    )
    done = {row.lesson_id for row in rows if row.completed_at is not None}
    return _learner_lesson(course, module_id, lesson_id, resume_time, done, sources)


def _learner_lesson(
    course: Course,
    module_id: str,
    lesson_id: str,
    resume_time,
    done: set[str],
    sources: bool = True,
) -> str:
    """A learner's page: the shared skeleton, filled with what is theirs.

    The skeleton is rendered once per (version, lesson, language, teacher or not,
    sources shown or not); ``COURSEWARE_PAGE_CACHE = False`` renders every page in
    full instead.
    """
    config = current_app.config
    if (
        not config["COURSEWARE_PAGE_CACHE"]
        or session_has_flashes()
        or request.query_string
    ):
        return _lesson_page(course, module_id, lesson_id, resume_time, done, sources)
    from courseware.auth.models import Role

    ids = course.lesson_ids(module_id)
    key = (
        "learner-lesson",
        course.version_id,
        module_id,
        lesson_id,
        interface_language(),
        request.script_root,
        config["COURSEWARE_URL_PREFIX"],
        current_user.has_role(Role.TEACHER),
        sources,
    )
    pages = cache("pages")  # bounded; superseded versions are dropped
    skeleton = pages.get(key)
    if skeleton is None:
        with skeleton_mode():  # every optional part present, so that each has a place
            html = _lesson_page(
                course, module_id, lesson_id, ("", ""), set(ids), sources
            )
        skeleton = pages[key] = Skeleton.parse(html)
    values: dict[str, object] = {
        "csrf": csrf_value(),
        "pseudonym": current_user.pseudonym[:12],
        "username": current_user.username,
        "resume": bool(resume_time),
        "resume_media": resume_time[0] if resume_time else "",
        "resume_time": resume_time[1] if resume_time else "",
    }
    values.update((f"done:{other}", other in done) for other in ids)
    return skeleton.fill(values)


def share_with_visitors(course: Course) -> None:
    """Every visitor sees this page alike: let the page cache keep it for them."""
    if not current_user.is_authenticated and not session_has_flashes():
        mark_shared(course.version_id)


def session_has_flashes() -> bool:
    from flask import session

    return bool(session.get("_flashes"))


def _lesson_page(
    course: Course,
    module_id: str,
    lesson_id: str,
    resume_time,
    done: set[str],
    sources: bool = True,
) -> str:
    wanted = interface_language()
    shown, reason = course.lesson_language(module_id, lesson_id, wanted)
    ids = course.lesson_ids(module_id)
    index = ids.index(lesson_id)
    return render_template(
        "courseware/learn/lesson.html",
        course=course,
        module=course.module(module_id),
        module_id=module_id,
        lesson_id=lesson_id,
        lesson=course.lesson(module_id, lesson_id)[shown],
        lang=shown,
        wanted=wanted,
        reason=reason,
        body=render_lesson(course, module_id, lesson_id, shown),
        previous=ids[index - 1] if index else None,
        following=ids[index + 1] if index + 1 < len(ids) else None,
        position=index + 1,
        count=len(ids),
        resume_time=resume_time,
        done=done,
        show_sources=sources,
    )


@login_required
def complete(module_id: str, lesson_id: str):
    """Complete the lesson and go on to the next one (or the quiz, or the module)."""
    course = require_course()
    if course.lesson(module_id, lesson_id) is None:
        abort(404)
    if not CompleteForm().validate_on_submit():
        abort(400)
    services.complete_lesson(
        get_session(),
        current_user,
        course,
        module_id,
        lesson_id,
        content_language(course),
    )
    ids = course.lesson_ids(module_id)
    index = ids.index(lesson_id)
    if index + 1 < len(ids):
        return redirect(
            url_for(
                "courseware_learn.lesson", module_id=module_id, lesson_id=ids[index + 1]
            )
        )
    quiz = course.module(module_id).get("quiz")
    if quiz:
        flash(_("You have finished the lessons. Now try the quiz."), "success")
        return redirect(url_for("courseware_quiz.start", quiz_id=quiz))
    return redirect(url_for("courseware_learn.module", module_id=module_id))


@login_required
def position():
    """Save the resume position (called by the media player; CSRF header required)."""
    course = require_course()
    data = json_body(POSITION)
    module_id, lesson_id = data["module"], data["lesson"]
    if course.lesson(module_id, lesson_id) is None:
        abort(make_response(jsonify(error="no such lesson"), 400))
    seconds, media_id = data.get("time"), data.get("media")
    services.save_position(
        get_session(), current_user, course, module_id, lesson_id, media_id, seconds
    )
    return jsonify(saved=True)


@login_required
def progress_page():
    """The learner's own progress: modules, tracks, quiz results."""
    course = require_course()
    summary = services.progress_summary(get_session(), current_user, course)
    recorded = recorded_activities(get_session(), current_user.id)
    pathway = child_pathway(get_session(), current_user, course)
    return render_template(
        "courseware/learn/progress.html",
        recorded=recorded,
        activity_id=activity_id,
        course=course,
        lang=content_language(course),
        summary=summary,
        tracks=pathway.tracks(course) if pathway else course.tracks,
        module_ids=pathway.module_ids(course) if pathway else list(course.modules),
    )
