"""The studio's services."""
