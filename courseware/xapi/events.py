"""Statements for each learning event, in our vocabulary (see the published profile)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from courseware.quiz.types import QUESTION_TYPES
from courseware.xapi.statements import activity, build
from courseware.xapi.vocabulary import activity_id, extension


@dataclass(frozen=True)
class Learner:
    """Who did it, in which enrolment, language and content version."""

    user_id: int
    pseudonym: str
    registration: str
    language: str
    version: int


def _course(course) -> Any:
    return activity(
        activity_id("course", course.info["id"]), "course", course.info["title"]
    )


def _module(course, module_id: str) -> Any:
    return activity(
        activity_id("module", module_id), "module", course.module(module_id)["title"]
    )


def _lesson(course, module_id: str, lesson_id: str) -> Any:
    versions = course.lesson(module_id, lesson_id)
    return activity(
        activity_id("lesson", module_id, lesson_id),
        "lesson",
        {lang: v["title"] for lang, v in versions.items()},
    )


def _quiz(course, quiz_id: str, module_id: str) -> Any:
    return activity(
        activity_id("quiz", quiz_id), "assessment", course.module(module_id)["title"]
    )


def _base(learner: Learner, **fields: Any) -> dict[str, Any]:
    return build(
        pseudonym=learner.pseudonym,
        registration=learner.registration,
        language=learner.language,
        version=learner.version,
        **fields,
    )


def lesson_experienced(
    course, learner: Learner, module_id: str, lesson_id: str
) -> dict:
    """The learner opened a lesson."""
    return _base(
        learner,
        verb="experienced",
        obj=_lesson(course, module_id, lesson_id),
        parents=[_module(course, module_id)],
        grouping=[_course(course)],
    )


def lesson_completed(course, learner: Learner, module_id: str, lesson_id: str) -> dict:
    """The learner reached the end of a lesson and continued."""
    return _base(
        learner,
        verb="completed",
        obj=_lesson(course, module_id, lesson_id),
        parents=[_module(course, module_id)],
        grouping=[_course(course)],
        result={"completion": True},
    )


def module_progressed(
    course, learner: Learner, module_id: str, done: int, total: int
) -> dict:
    """Share of a module's lessons done (progress in an extension, never in score)."""
    return _base(
        learner,
        verb="progressed",
        obj=_module(course, module_id),
        grouping=[_course(course)],
        result={"extensions": {extension("progress"): round(done / total, 3)}},
    )


def module_completed(course, learner: Learner, module_id: str) -> dict:
    """Every lesson done and the quiz passed."""
    return _base(
        learner,
        verb="completed",
        obj=_module(course, module_id),
        grouping=[_course(course)],
        result={"completion": True},
    )


def track_completed(course, learner: Learner, track: dict) -> dict:
    """Every module of a track completed."""
    obj = activity(
        activity_id("course", course.info["id"], "track", track["id"]),
        "track",
        track["title"],
    )
    return _base(
        learner,
        verb="completed",
        obj=obj,
        grouping=[_course(course)],
        result={"completion": True},
    )


def quiz_attempted(
    course, learner: Learner, quiz_id: str, module_id: str, attempt: int
) -> dict:
    """A quiz attempt started."""
    return _base(
        learner,
        verb="attempted",
        obj=_quiz(course, quiz_id, module_id),
        parents=[_module(course, module_id)],
        grouping=[_course(course)],
        context_extensions={extension("attempt"): attempt},
    )


def question_answered(
    course,
    learner: Learner,
    quiz_id: str,
    module_id: str,
    question: dict,
    response: Any,
    success: bool,
    attempt: int,
    send_free_text: bool,
) -> dict:
    """One graded answer, with the question as a cmi.interaction."""
    qtype = QUESTION_TYPES[question["type"]]
    definition = qtype.interaction(question)
    obj = activity(
        activity_id("quiz", quiz_id, "question", question["id"]),
        "interaction",
        question["text"],
        interaction_type=definition.pop("interactionType"),
        correct_responses_pattern=definition.pop("correctResponsesPattern"),
        **definition,
    )
    answer = qtype.xapi_response(question, response) if response is not None else None
    if qtype.interaction_type == "fill-in" and not send_free_text:
        answer = None  # free text stays on our server unless an administrator opts in
    return _base(
        learner,
        verb="answered",
        obj=obj,
        parents=[_quiz(course, quiz_id, module_id)],
        grouping=[_course(course)],
        result={"success": success, "response": answer},
        context_extensions={extension("attempt"): attempt},
    )


def quiz_result(
    course,
    learner: Learner,
    quiz_id: str,
    module_id: str,
    points: int,
    total: int,
    passed: bool,
    seconds: float,
    attempt: int,
) -> dict:
    """Passed or failed, with the score and the time taken."""
    return _base(
        learner,
        verb="passed" if passed else "failed",
        obj=_quiz(course, quiz_id, module_id),
        parents=[_module(course, module_id)],
        grouping=[_course(course)],
        result={
            "success": passed,
            "score": (points, total),
            "duration": seconds,
            "completion": True,
        },
        context_extensions={extension("attempt"): attempt},
    )


def certificate_earned(course, learner: Learner, track: dict) -> dict:
    """A certificate for a completed track (its code stays on our server)."""
    obj = activity(
        activity_id("course", course.info["id"], "track", track["id"], "certificate"),
        "certificate",
        track["title"],
    )
    return _base(learner, verb="earned", obj=obj, grouping=[_course(course)])
