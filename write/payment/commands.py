"""Payment's command: a student pays for a course, once per idempotency key.

The key is the client's promise "this is one purchase": a repeat (a retry after a timeout, a double
click) finds the first payment instead of charging again. Two requests racing with one key are settled by
``uq_payments_student_idempotency_key``: the second insert waits on the index until the first transaction
commits, then inserts nothing and answers with the winner's row.
"""

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from write import outbox
from write.catalog import public as catalog
from write.context import CommandContext
from write.enrollment import public as enrollment
from write.errors import Conflict, NotFound, PaymentRequired
from write.payment import events
from write.payment.models import Payment
from write.payment.models import outbox as payment_outbox
from write.payment.providers import provider_for
from write.payment.schemas import PaymentIn

DOMAIN = "payment"


async def pay(ctx: CommandContext, student_id: uuid.UUID, body: PaymentIn) -> tuple[Payment, bool]:
    """Returns ``(payment, created)``; ``created`` is False when the key was used before."""
    payment = await _by_key(ctx, student_id, body.idempotency_key)
    created = False
    if payment is None:
        # A replay is answered even if the course was unpublished or enrolled in since: only new
        # payments are checked against the course.
        course = await _payable_course(ctx, student_id, body.course_id)
        payment, created = await _charge_once(ctx, student_id, body, course)
    if payment.course_id != body.course_id:
        raise Conflict(
            "This idempotency key was already used for another course; use a new key.",
            code="idempotency_key_reused",
        )
    if payment.status == "failed":
        raise PaymentRequired("The payment provider declined this payment.", code="payment_declined")
    return payment, created


async def _by_key(ctx: CommandContext, student_id: uuid.UUID, key: str) -> Payment | None:
    async with ctx.databases.transaction(DOMAIN) as session:
        return await _find(session, student_id, key)


async def _find(session: AsyncSession, student_id: uuid.UUID, key: str) -> Payment | None:
    return await session.scalar(select(Payment).where(Payment.student_id == student_id, Payment.idempotency_key == key))


async def _payable_course(ctx: CommandContext, student_id: uuid.UUID, course_id: uuid.UUID) -> catalog.CourseFacts:
    course = await catalog.course_facts(ctx, course_id)
    if course is None or not course.is_published:
        raise NotFound("No published course with this id.")
    if course.is_free:
        raise Conflict("This course is free: enroll without paying.", code="course_is_free")
    if await enrollment.is_enrolled(ctx, student_id, course_id):
        raise Conflict("You are already enrolled in this course.", code="already_enrolled")
    return course


async def _charge_once(
    ctx: CommandContext, student_id: uuid.UUID, body: PaymentIn, course: catalog.CourseFacts
) -> tuple[Payment, bool]:
    provider = provider_for(ctx)
    async with ctx.databases.transaction(DOMAIN) as session:
        payment_id = await session.scalar(
            insert(Payment)
            .values(
                id=uuid.uuid4(),
                student_id=student_id,
                course_id=course.id,
                idempotency_key=body.idempotency_key,
                amount=course.price,  # the current price, read from catalog just now
                currency=course.currency,
                status="pending",
                provider=provider.name,
                created_at=datetime.now(UTC),
            )
            .on_conflict_do_nothing(constraint="uq_payments_student_idempotency_key")
            .returning(Payment.id)
        )
        if payment_id is None:
            # Another request with this key committed while we waited on the index: its payment is ours.
            return await _find(session, student_id, body.idempotency_key), False
        payment = await session.get(Payment, payment_id)
        outcome = await provider.charge(
            payment_id=payment.id,
            amount=payment.amount,
            currency=payment.currency,
            idempotency_key=f"{student_id}:{body.idempotency_key}",
        )
        payment.provider_reference = outcome.reference
        if outcome.completed:
            payment.status, payment.completed_at = "completed", datetime.now(UTC)
            event_type = events.PaymentCompleted
        else:
            payment.status = "failed"  # kept, so a replay of the key is declined too instead of charging
            event_type = events.PaymentDeclined
        await session.flush()
        await outbox.record(session, payment_outbox, _event(event_type, payment))
    return payment, True


def _event(event_type: type[events.PaymentEvent], payment: Payment) -> events.PaymentEvent:
    return event_type(
        aggregate_id=payment.id,
        student_id=payment.student_id,
        course_id=payment.course_id,
        amount=payment.amount,
        currency=payment.currency,
        provider=payment.provider,
        provider_reference=payment.provider_reference,
    )
