"""Every model, imported in one place for Alembic and for tests."""

from courseware.auth.models import Role, User

__all__ = ["Role", "User"]
