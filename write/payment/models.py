"""Payment's tables: one row per payment attempt of a student for a course, and payment's outbox."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CHAR,
    CheckConstraint,
    DateTime,
    Index,
    Numeric,
    String,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from write.outbox import outbox_table

PAYMENT_STATUSES = ("pending", "completed", "failed", "refunded")


class Base(DeclarativeBase):
    pass


class Payment(Base):
    """A payment; ``student_id`` and ``course_id`` are ids owned by identity and catalog (no foreign keys)."""

    __tablename__ = "payments"
    __table_args__ = (
        # POST /payments with the same key again must find the first payment instead of charging twice;
        # the command relies on this constraint (not a read-then-write) to be safe under concurrency.
        UniqueConstraint("student_id", "idempotency_key", name="uq_payments_student_idempotency_key"),
        CheckConstraint("char_length(idempotency_key) BETWEEN 1 AND 100", name="idempotency_key_length"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_iso_4217"),
        CheckConstraint("status IN ('pending', 'completed', 'failed', 'refunded')", name="status_known"),
        CheckConstraint("char_length(provider) >= 1", name="provider_not_empty"),
        # A refunded payment was completed first, so it keeps its completion time.
        CheckConstraint(
            "(status IN ('completed', 'refunded')) = (completed_at IS NOT NULL)",
            name="completed_at_matches_status",
        ),
        # Enrolling in a paid course looks for a completed payment of this student for this course.
        Index("ix_payments_student_course", "student_id", "course_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    student_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    course_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    currency: Mapped[str] = mapped_column(CHAR(3))
    status: Mapped[str] = mapped_column(String(16))
    provider: Mapped[str] = mapped_column(String(32))
    provider_reference: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


outbox = outbox_table(Base.metadata)
