"""LTI tables: platforms, deployments, keys, launches, line items, the score outbox."""

from __future__ import annotations
