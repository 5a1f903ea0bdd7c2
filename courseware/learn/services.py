"""Learner actions: opening and completing lessons, resume positions, completions.

Each action writes its record and its xAPI statement in the caller's transaction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from courseware.auth.models import User
from courseware.content.runtime import Course
from courseware.db import insert_ignore, utcnow
from courseware.learn import signals
from courseware.learn.models import Completion, Enrolment, LessonProgress
from courseware.quiz.models import QuizAttempt
from courseware.xapi import events
from courseware.xapi.outbox import record


def enrolment(session: Session, user: User, course: Course) -> Enrolment:
    """The learner's enrolment in the course, created on first use (an upsert)."""
    course_id = course.info["id"]
    query = select(Enrolment).where(
        Enrolment.user_id == user.id, Enrolment.course_id == course_id
    )
    found = session.scalars(query).first()
    if found is None:
        insert_ignore(session, Enrolment, user_id=user.id, course_id=course_id)
        found = session.scalars(query).one()
    return found


def lock_learner(session: Session, user: User, course: Course) -> Enrolment:
    """The enrolment, row-locked until commit: one learner's actions go one at a time.

    Completing the last lesson in one tab while passing the quiz in another must
    still complete the module: each sees what the other committed. (PostgreSQL takes
    the row lock; SQLite's single writer already serialises writes.)
    """
    enrol = enrolment(session, user, course)
    session.execute(
        select(Enrolment.id).where(Enrolment.id == enrol.id).with_for_update()
    )
    return enrol


def learner(session: Session, user: User, course: Course, lang: str) -> events.Learner:
    """The actor, registration, language and version for this learner's statements."""
    return events.Learner(
        user.id,
        user.pseudonym,
        enrolment(session, user, course).registration,
        lang,
        course.number,
    )


@dataclass(frozen=True)
class LessonState:
    """Where a learner is in the course and what they finished in one module."""

    resume: tuple[str | None, str | None, str | None, float | None]
    finished: dict[str, bool]  # lesson id -> completed, for each lesson opened

    def is_reload(self, module_id: str, lesson_id: str) -> bool:
        """True when opening this lesson again changes nothing (see open_lesson)."""
        return self.resume[:2] == (module_id, lesson_id) and lesson_id in self.finished

    @property
    def done(self) -> set[str]:
        return {lesson for lesson, finished in self.finished.items() if finished}


_LESSON_STATE = (
    select(
        Enrolment.resume_module,
        Enrolment.resume_lesson,
        Enrolment.resume_media,
        Enrolment.resume_time,
        LessonProgress.lesson_id,
        LessonProgress.completed_at.is_not(None),
    )
    .select_from(Enrolment)
    .outerjoin(
        LessonProgress,
        (LessonProgress.user_id == Enrolment.user_id)
        & (LessonProgress.module_id == bindparam("module_id")),
    )
    .where(
        Enrolment.user_id == bindparam("user_id"),
        Enrolment.course_id == bindparam("course_id"),
    )
)


def lesson_state(
    session: Session, user: User, course: Course, module_id: str
) -> LessonState | None:
    """The learner's place and the module's progress in one read (None: not enrolled).

    A plain Core query built once: a learner reloading a lesson costs one round trip.
    """
    rows = session.connection().execute(
        _LESSON_STATE,
        {"user_id": user.id, "course_id": course.info["id"], "module_id": module_id},
    )
    found = None
    finished: dict[str, bool] = {}
    for *resume, lesson_id, completed in rows:
        found = tuple(resume)
        if lesson_id is not None:
            finished[lesson_id] = bool(completed)
    return None if found is None else LessonState(found, finished)


def open_lesson(
    session: Session,
    user: User,
    course: Course,
    module_id: str,
    lesson_id: str,
    lang: str,
    known: list[LessonProgress] | None = None,
    enrol: Enrolment | None = None,
) -> LessonProgress:
    """Remember where the learner is; ``experienced`` on arrival (not on reload).

    ``known`` may hold the module's progress rows, and ``enrol`` the enrolment, that
    the caller has already loaded.
    """
    enrol = enrol or enrolment(session, user, course)
    if known is None:
        progress = _progress(session, user, module_id, lesson_id)
    else:
        progress = next((r for r in known if r.lesson_id == lesson_id), None)
    first_visit = False
    if progress is None:
        first_visit = insert_ignore(
            session,
            LessonProgress,
            user_id=user.id,
            module_id=module_id,
            lesson_id=lesson_id,
            version=course.number,
            language=lang,
        )
        progress = _progress(session, user, module_id, lesson_id)
    # The database decides who arrived: of several tabs opening the lesson at once,
    # one moves the resume point (or creates the row) and records ``experienced``.
    moved = session.execute(
        update(Enrolment)
        .where(
            Enrolment.id == enrol.id,
            or_(
                Enrolment.resume_module.is_(None),
                Enrolment.resume_lesson.is_(None),
                Enrolment.resume_module != module_id,
                Enrolment.resume_lesson != lesson_id,
            ),
        )
        .values(
            resume_module=module_id,
            resume_lesson=lesson_id,
            resume_media=None,
            resume_time=None,
        )
    ).rowcount
    if moved or first_visit:
        record(
            session,
            events.lesson_experienced(
                course, learner(session, user, course, lang), module_id, lesson_id
            ),
            user.id,
        )
    session.flush()
    return progress


def _progress(
    session: Session, user: User, module_id: str, lesson_id: str
) -> LessonProgress | None:
    return session.scalars(
        select(LessonProgress).where(
            LessonProgress.user_id == user.id,
            LessonProgress.module_id == module_id,
            LessonProgress.lesson_id == lesson_id,
        )
    ).first()


def complete_lesson(
    session: Session,
    user: User,
    course: Course,
    module_id: str,
    lesson_id: str,
    lang: str,
) -> bool:
    """Mark the lesson done (once); True when this call completed it.

    Of identical requests at once, the one whose conditional update changed the row
    records the statements; the others change nothing.
    """
    lock_learner(session, user, course)
    progress = _progress(session, user, module_id, lesson_id) or open_lesson(
        session, user, course, module_id, lesson_id, lang
    )
    if progress.completed_at is not None:
        return False
    won = session.execute(
        update(LessonProgress)
        .where(
            LessonProgress.id == progress.id, LessonProgress.completed_at.is_(None)
        )
        .values(completed_at=utcnow(), version=course.number, language=lang)
    ).rowcount
    if not won:
        return False
    who = learner(session, user, course, lang)
    record(session, events.lesson_completed(course, who, module_id, lesson_id), user.id)
    lessons = course.lesson_ids(module_id)
    done = len(completed_lessons(session, user, module_id) & set(lessons))
    record(
        session,
        events.module_progressed(course, who, module_id, done, len(lessons)),
        user.id,
    )
    session.flush()
    update_completions(session, user, course, lang)
    return True


def save_position(
    session: Session,
    user: User,
    course: Course,
    module_id: str,
    lesson_id: str,
    media_id: str | None,
    seconds: float | None,
) -> None:
    """Keep the last lesson and media time, for resuming on any device or language."""
    enrol = enrolment(session, user, course)
    enrol.resume_module, enrol.resume_lesson = module_id, lesson_id
    enrol.resume_media = media_id
    if seconds is not None and not (math.isfinite(seconds) and seconds >= 0):
        raise ValueError(f"not a media time: {seconds!r}")
    enrol.resume_time = None if seconds is None else round(seconds, 1)
    session.flush()


def module_progress(
    session: Session, user: User, module_id: str
) -> list[LessonProgress]:
    """Every progress row of the learner in one module (one query)."""
    return list(
        session.scalars(
            select(LessonProgress).where(
                LessonProgress.user_id == user.id, LessonProgress.module_id == module_id
            )
        )
    )


def completed_lessons(session: Session, user: User, module_id: str) -> set[str]:
    """Ids of the module's lessons this learner completed (in any version)."""
    return set(
        session.scalars(
            select(LessonProgress.lesson_id).where(
                LessonProgress.user_id == user.id,
                LessonProgress.module_id == module_id,
                LessonProgress.completed_at.is_not(None),
            )
        )
    )


def passed_quizzes(session: Session, user: User) -> set[str]:
    """Quizzes this learner has passed."""
    return set(
        session.scalars(
            select(QuizAttempt.quiz_id).where(
                QuizAttempt.user_id == user.id, QuizAttempt.passed.is_(True)
            )
        )
    )


def update_completions(session: Session, user: User, course: Course, lang: str) -> None:
    """Record newly completed modules and tracks, with their statements."""
    done = {
        (c.kind, c.item_id)
        for c in session.scalars(
            select(Completion).where(Completion.user_id == user.id)
        )
    }
    summary = progress_summary(session, user, course)
    who = None
    for module_id, state in summary.modules.items():
        if state.complete and ("module", module_id) not in done:
            if _complete(session, user, course, "module", module_id, lang):
                who = who or learner(session, user, course, lang)
                record(
                    session, events.module_completed(course, who, module_id), user.id
                )
                signals.send(
                    signals.module_completed,
                    session=session,
                    user=user,
                    course=course,
                    module_id=module_id,
                    lang=lang,
                )
    for track in course.tracks:
        if summary.track_complete(track) and ("track", track["id"]) not in done:
            if _complete(session, user, course, "track", track["id"], lang):
                who = who or learner(session, user, course, lang)
                record(session, events.track_completed(course, who, track), user.id)
                signals.send(
                    signals.track_completed,
                    session=session,
                    user=user,
                    course=course,
                    track=track,
                    lang=lang,
                    learner=who,
                )
    session.flush()


def _complete(
    session: Session, user: User, course: Course, kind: str, item_id: str, lang: str
) -> bool:
    """Insert the completion once; True for the request that inserted it."""
    return insert_ignore(
        session,
        Completion,
        user_id=user.id,
        kind=kind,
        item_id=item_id,
        version=course.number,
        language=lang,
    )


@dataclass
class ModuleState:
    """One module's progress for one learner."""

    lessons_done: int
    lessons_total: int
    quiz_passed: bool | None  # None: the module has no quiz

    @property
    def complete(self) -> bool:
        return self.lessons_done >= self.lessons_total and self.quiz_passed is not False

    @property
    def percent(self) -> int:
        steps = self.lessons_total + (0 if self.quiz_passed is None else 1)
        done = self.lessons_done + (1 if self.quiz_passed else 0)
        return round(100 * done / steps) if steps else 0


@dataclass
class Summary:
    """A learner's progress through the course."""

    modules: dict[str, ModuleState] = field(default_factory=dict)

    def track_complete(self, track: dict) -> bool:
        states = [self.modules.get(m) for m in track["modules"]]
        if track.get("completion") == "lessons-completed":
            return all(s and s.lessons_done >= s.lessons_total for s in states)
        return all(s and s.complete for s in states)

    def track_percent(self, track: dict) -> int:
        states = [self.modules[m] for m in track["modules"] if m in self.modules]
        return round(sum(s.percent for s in states) / len(states)) if states else 0


def progress_summary(session: Session, user: User | None, course: Course) -> Summary:
    """Progress per module, from two queries whatever the course size."""
    summary = Summary()
    done: dict[str, set[str]] = {}
    passed: set[str] = set()
    if user is not None and user.is_authenticated:
        for module_id, lesson_id in session.execute(
            select(LessonProgress.module_id, LessonProgress.lesson_id).where(
                LessonProgress.user_id == user.id,
                LessonProgress.completed_at.is_not(None),
            )
        ):
            done.setdefault(module_id, set()).add(lesson_id)
        passed = passed_quizzes(session, user)
    for module_id, module in course.modules.items():
        lessons = set(module.get("lessons") or [])
        quiz = module.get("quiz")
        summary.modules[module_id] = ModuleState(
            len(done.get(module_id, set()) & lessons),
            len(lessons),
            None if not quiz else quiz in passed,
        )
    return summary
