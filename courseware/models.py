"""Every model, imported in one place for Alembic and for tests."""

import courseware.authoring.models  # noqa: F401  (the studio's tables)
import courseware.lti.models  # noqa: F401  (the LTI tool's tables)
from courseware.auth.models import Role, User
from courseware.certificates.models import Certificate
from courseware.content.models import ContentActivation, ContentVersion, MediaBlob
from courseware.core.models import SubmissionKey
from courseware.learn.models import Completion, Enrolment, LessonProgress
from courseware.quiz.models import QuizAnswer, QuizAttempt
from courseware.teach.models import (
    Assignment,
    AssignmentLearner,
    CoOwner,
    Extension,
    Group,
    Membership,
)
from courseware.xapi.models import OutboxStatement

__all__ = [
    "Assignment",
    "AssignmentLearner",
    "Certificate",
    "CoOwner",
    "Completion",
    "ContentActivation",
    "ContentVersion",
    "Enrolment",
    "Extension",
    "Group",
    "LessonProgress",
    "MediaBlob",
    "Membership",
    "OutboxStatement",
    "QuizAnswer",
    "QuizAttempt",
    "Role",
    "SubmissionKey",
    "User",
]
