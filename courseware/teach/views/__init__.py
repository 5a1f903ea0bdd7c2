"""Teaching pages: groups and joining, learners, assignments, reports."""
