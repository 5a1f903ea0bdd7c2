"""The studio: drafts, editing, checks, preview, compare, translate, publish."""
