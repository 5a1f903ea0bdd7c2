"""The LTI services."""
