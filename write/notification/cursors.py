"""Signed keyset cursors for a user's notification pages.

A cursor is the (created_at, id) of the last item of a page, plus an HMAC over it and the user's id, so
a cursor the API did not give out -- garbled, edited, made up, or another user's -- is refused as a 422
``invalid_cursor`` instead of quietly starting somewhere else. The MAC key is derived from the JWT key
ring (any key of the ring verifies, so rotating keys keeps outstanding cursors working).
"""

import base64
import binascii
import hashlib
import hmac
import uuid
from datetime import datetime

from write.errors import InvalidInput
from write.settings import WriteSettings

_PURPOSE = b"edu notification cursor v1"
_MAC_BYTES = 16


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: str, user_id: uuid.UUID, position: bytes) -> bytes:
    derived = hmac.new(key.encode(), _PURPOSE, hashlib.sha256).digest()
    return hmac.new(derived, user_id.bytes + position, hashlib.sha256).digest()[:_MAC_BYTES]


def encode(settings: WriteSettings, user_id: uuid.UUID, created_at: datetime, item_id: uuid.UUID) -> str:
    position = f"{created_at.isoformat()}|{item_id}".encode()
    return f"{_b64(position)}.{_b64(_mac(settings.jwt_keys[settings.jwt_active_kid], user_id, position))}"


def decode(settings: WriteSettings, user_id: uuid.UUID, cursor: str) -> tuple[datetime, uuid.UUID]:
    invalid = InvalidInput("The cursor is not one this API gave you.", code="invalid_cursor")
    try:
        encoded_position, encoded_mac = cursor.split(".")
        position, mac = _unb64(encoded_position), _unb64(encoded_mac)
    except (ValueError, binascii.Error):  # also UnicodeEncodeError: non-ASCII text is not base64
        raise invalid from None
    if not any(hmac.compare_digest(mac, _mac(key, user_id, position)) for key in settings.jwt_keys.values()):
        raise invalid
    created_at, item_id = position.decode().split("|")
    return datetime.fromisoformat(created_at), uuid.UUID(item_id)
