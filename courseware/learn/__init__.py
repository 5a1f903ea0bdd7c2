"""The learning experience: catalogue, lessons, progress and resume."""
