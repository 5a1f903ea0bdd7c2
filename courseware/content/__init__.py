"""Content as files: format, checker, versions, translations and import."""
