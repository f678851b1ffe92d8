"""Payment's public query interface for other domains (enrollment): never its tables."""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from write.context import CommandContext
from write.payment.models import Payment

DOMAIN = "payment"


@dataclass(frozen=True)
class PaymentFacts:
    id: uuid.UUID
    student_id: uuid.UUID
    course_id: uuid.UUID
    amount: Decimal
    currency: str
    status: str


async def completed_payment(ctx: CommandContext, payment_id: uuid.UUID) -> PaymentFacts | None:
    """The payment when it exists and is completed (not pending, failed or refunded); otherwise None."""
    async with ctx.databases.transaction(DOMAIN) as session:
        payment = await session.get(Payment, payment_id)
    if payment is None or payment.status != "completed":
        return None
    return PaymentFacts(
        id=payment.id,
        student_id=payment.student_id,
        course_id=payment.course_id,
        amount=payment.amount,
        currency=payment.currency,
        status=payment.status,
    )
