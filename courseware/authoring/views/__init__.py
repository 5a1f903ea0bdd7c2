"""The studio's views: ``drafts`` (drafts, editing, uploads, publishing, audit) and
``review`` (preview, compare, translate, language status)."""
