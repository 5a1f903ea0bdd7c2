"""Every model, imported in one place for Alembic and for tests."""

from courseware.auth.models import Role, User
from courseware.content.models import ContentActivation, ContentVersion, MediaBlob
from courseware.learn.models import Completion, Enrolment, LessonProgress
from courseware.quiz.models import QuizAnswer, QuizAttempt
from courseware.xapi.models import OutboxStatement

__all__ = [
    "Completion",
    "ContentActivation",
    "ContentVersion",
    "Enrolment",
    "LessonProgress",
    "MediaBlob",
    "OutboxStatement",
    "QuizAnswer",
    "QuizAttempt",
    "Role",
    "User",
]
