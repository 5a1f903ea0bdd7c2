"""Every model, imported in one place for Alembic and for tests."""

from courseware.auth.models import Role, User
from courseware.content.models import ContentActivation, ContentVersion, MediaBlob

__all__ = ["ContentActivation", "ContentVersion", "MediaBlob", "Role", "User"]
