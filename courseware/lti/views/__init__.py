"""The LTI views: launch and registration (A1), deep linking, rosters and scores."""
