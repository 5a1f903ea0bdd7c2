"""LTI 1.3 Advantage tool: registration, launch, deep linking, grades, rosters."""
