"""Payment's events (aggregate: payment)."""

import dataclasses
import uuid
from decimal import Decimal
from typing import ClassVar

from write.outbox import DomainEvent


@dataclasses.dataclass(frozen=True, kw_only=True)
class PaymentEvent(DomainEvent):
    aggregate_type: ClassVar[str] = "payment"


@dataclasses.dataclass(frozen=True, kw_only=True)
class PaymentCompleted(PaymentEvent):
    student_id: uuid.UUID
    course_id: uuid.UUID
    amount: Decimal  # the course's price when it was paid (a decimal string in the payload)
    currency: str
    provider: str
    provider_reference: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PaymentDeclined(PaymentEvent):
    """The provider refused the charge; the payment is kept as failed so its key is never charged again."""

    student_id: uuid.UUID
    course_id: uuid.UUID
    amount: Decimal
    currency: str
    provider: str
    provider_reference: str
