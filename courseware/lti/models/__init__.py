"""LTI tables: platforms, deployments, keys, launches (platforms.py); line items and
the score outbox (grades.py)."""

from courseware.lti.models.grades import *  # noqa: F403
from courseware.lti.models.platforms import *  # noqa: F403
