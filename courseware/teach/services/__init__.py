"""Teaching services: groups, accounts, assignments, progress and reports, exports."""
