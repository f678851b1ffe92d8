"""HTTP caching browsers and proxies understand: a strong ``ETag`` naming the projection version the
answer came from and a hash of its bytes (the projectors serialise canonically, so equal content is equal
bytes), ``304 Not Modified`` when ``If-None-Match`` holds it, and ``Cache-Control`` for public reads."""

import hashlib

from fastapi import Request, Response

JSON = "application/json"


def etag_of(projection: str, version: int, body: bytes) -> str:
    return f'"{projection}.{version}.{hashlib.blake2b(body, digest_size=10).hexdigest()}"'


def _matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    # Weak comparison (RFC 9110 13.1.2): W/"x" matches "x".
    return any(candidate.strip().removeprefix("W/") == etag for candidate in header.split(","))


def cached(request: Request, body: bytes, etag: str, cache_control: str) -> Response:
    """The body as JSON with its validators, or an empty 304 when the client holds it already."""
    headers = {"ETag": etag, "Cache-Control": cache_control}
    condition = request.headers.get("if-none-match")
    if condition is not None and _matches(condition, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=JSON, headers=headers)


def public(max_age: int) -> str:
    """Shared caches may keep it briefly and serve it while they revalidate."""
    return f"public, max-age={max_age}, stale-while-revalidate={max_age * 6}"


# A read-your-writes answer (``min_version``) is revalidated every time: the caller wants the newest.
REVALIDATE = "no-cache"
