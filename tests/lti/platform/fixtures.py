"""Pytest fixtures of the test LMS: ``from tests.lti.platform.fixtures import *``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .lms import Platform

__all__ = ["lti_platform"]


@pytest.fixture
def lti_platform() -> Iterator[Platform]:
    """A running test LMS on a free loopback port, stopped after the test."""
    with Platform() as platform:
        yield platform
