"""Reproducible media for the module videos: slides, narration, video, captions."""
