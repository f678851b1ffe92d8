"""Request and response bodies of payment's endpoint."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from write.schemas import RequestBody, ResponseBody


def _printable(value: str) -> str:
    # Lone surrogates and control characters are not printable; PostgreSQL could not store the former.
    if not value.isprintable():
        raise ValueError("must contain printable characters only")
    return value


IdempotencyKey = Annotated[
    str,
    Field(min_length=1, max_length=100, description="chosen by the client; the same key again is the same payment"),
    AfterValidator(_printable),
]


class PaymentIn(RequestBody):
    """No amount: the price is the course's current one, never the client's."""

    course_id: uuid.UUID
    idempotency_key: IdempotencyKey


class PaymentOut(ResponseBody):
    id: uuid.UUID
    course_id: uuid.UUID
    status: str
    amount: str = Field(description="decimal string, two places")
    currency: str
    created_at: datetime
