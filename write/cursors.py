"""Keyset cursors: the (created_at, id) of the last item of a page, as an opaque URL-safe string.

Every page is then as cheap as the first, and items arriving between pages cause no repeats or gaps.
Cursors are not signed: every query that takes one also filters by its owner, so a made-up cursor can
only move the caller's own window. One that does not decode is a 422 ``invalid_cursor``.
"""

import base64
import binascii
import uuid
from datetime import datetime

from write.errors import InvalidInput


def encode_cursor(created_at: datetime, item_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{created_at.isoformat()}|{item_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4))
        created_at, item_id = raw.decode().split("|")
        position = datetime.fromisoformat(created_at), uuid.UUID(item_id)
    except (ValueError, binascii.Error):  # UnicodeError is a ValueError too
        raise InvalidInput("The cursor is not one this API gave out.", code="invalid_cursor") from None
    if position[0].tzinfo is None:
        raise InvalidInput("The cursor is not one this API gave out.", code="invalid_cursor")
    return position
