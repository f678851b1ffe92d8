"""Validated text types for request bodies: lengths, control characters and broken unicode are 422s.

PostgreSQL rejects NUL bytes and psycopg cannot encode lone surrogates, so both must be caught here,
before they could become a 500.
"""

import unicodedata
from typing import Annotated

from pydantic import AfterValidator

_ALLOWED_IN_MULTILINE = {"\n", "\r", "\t"}


def _check(value: str, *, min_length: int, max_length: int, multiline: bool) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains invalid unicode (lone surrogate)") from None
    for char in value:
        if unicodedata.category(char) == "Cc" and not (multiline and char in _ALLOWED_IN_MULTILINE):
            raise ValueError("contains control characters")
    value = unicodedata.normalize("NFC", value)
    if not multiline:
        value = " ".join(value.split())
    if len(value) < min_length:
        raise ValueError(f"must be at least {min_length} characters")
    if len(value) > max_length:
        raise ValueError(f"must be at most {max_length} characters")
    return value


def single_line(max_length: int, min_length: int = 1) -> type[str]:
    """A one-line text (titles, names): whitespace collapsed, no control characters."""
    return Annotated[
        str, AfterValidator(lambda v: _check(v, min_length=min_length, max_length=max_length, multiline=False))
    ]  # type: ignore[return-value]


def multi_line(max_length: int, min_length: int = 0) -> type[str]:
    """A multi-line text (markdown): newlines and tabs kept, other control characters refused."""
    return Annotated[
        str, AfterValidator(lambda v: _check(v, min_length=min_length, max_length=max_length, multiline=True))
    ]  # type: ignore[return-value]
