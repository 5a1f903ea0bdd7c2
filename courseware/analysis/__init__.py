"""Item analysis for authors: how each quiz question worked in real attempts."""
