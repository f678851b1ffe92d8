"""Payment's route: POST /payments, a student paying for a course at its current price."""

from fastapi import APIRouter, Response, status

from write.identity.auth import Context, CurrentStudent
from write.payment import commands
from write.payment.models import Payment
from write.payment.schemas import PaymentIn, PaymentOut

router = APIRouter()


def payment_out(payment: Payment) -> PaymentOut:
    return PaymentOut(
        id=payment.id,
        course_id=payment.course_id,
        status=payment.status,
        amount=f"{payment.amount:.2f}",
        currency=payment.currency,
        created_at=payment.created_at,
    )


@router.post(
    "/payments",
    status_code=status.HTTP_201_CREATED,
    response_model=PaymentOut,
    tags=["payments"],
    responses={200: {"model": PaymentOut, "description": "The idempotency key was used before: that payment"}},
)
async def pay(body: PaymentIn, ctx: Context, student: CurrentStudent, response: Response) -> PaymentOut:
    """Pay for a published, paid course at its current price: 201 with the new payment. The same
    `idempotency_key` again answers 200 with the same payment (nothing is charged twice); the same key for
    another course is 409 `idempotency_key_reused`."""
    payment, created = await commands.pay(ctx, student.id, body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return payment_out(payment)
