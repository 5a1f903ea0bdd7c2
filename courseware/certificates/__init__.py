"""Verifiable certificates: issued on track completion, signed, revocable."""
