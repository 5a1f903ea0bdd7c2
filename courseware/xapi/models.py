"""The transactional outbox: statements wait here until the LRS has them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from courseware.db import Base, UTCDateTime, utcnow


class DeliveryState(enum.StrEnum):
    """Where a statement is on its way to the LRS."""

    PENDING = "pending"  # waiting, or retrying after a transient failure
    SENT = "sent"  # the LRS has it (200, 204, or verified after 409)
    DEAD = "dead"  # the LRS rejected it (400); kept with the reason, never lost


class OutboxStatement(Base):
    """One statement, as the exact bytes to send (so retries are identical)."""

    __tablename__ = "courseware_xapi_outbox"
    __table_args__ = (
        # claims read the due statements in this order (delivery.claim)
        Index(
            "ix_courseware_xapi_outbox_due",
            "state",
            "next_attempt_at",
            "created_at",
            "id",
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the statement id
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("courseware_user.id", ondelete="SET NULL"), index=True
    )
    verb: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="server")
    state: Mapped[DeliveryState] = mapped_column(
        Enum(
            DeliveryState,
            name="courseware_delivery_state",
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=DeliveryState.PENDING,
    )
    tries: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
