"""A test LMS (LTI 1.3 platform) over real HTTP: it stands in for Moodle or Canvas."""

from .lms import Platform

__all__ = ["Platform"]
