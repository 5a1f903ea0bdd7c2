"""Accounts, roles, sign-in and passwords."""
