"""Prometheus metrics of the read API per route template (never raw paths or ids as labels), with latency
buckets fine enough for a millisecond-scale API."""

import time

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter("edu_read_requests_total", "Read API requests", ["method", "route", "status"])
LATENCY = Histogram(
    "edu_read_request_seconds",
    "Read API request latency, from the request reaching the app to the response's start",
    ["method", "route"],
    buckets=(0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
MIN_VERSION_WAITS = Histogram(
    "edu_read_min_version_wait_seconds",
    "Time a min_version request waited for its projection (0 when it was there already)",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10),
)


METHODS = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})


class RequestMetrics:
    """Pure ASGI middleware (no per-request task or body buffering)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # The labelled children, looked up once (``labels()`` takes a lock and builds a key every time).
        self._latency: dict[tuple[str, str], Histogram] = {}
        self._requests: dict[tuple[str, str, int], Counter] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500
        elapsed: float | None = None

        async def send_with_status(message: Message) -> None:
            nonlocal status, elapsed
            if message["type"] == "http.response.start":
                status = message["status"]
                elapsed = time.perf_counter() - started
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            # A client may send any method: only the known ones become labels (the series stay bounded).
            method = scope["method"] if scope["method"] in METHODS else "other"
            template = getattr(scope.get("route"), "path", "unmatched")
            latency = self._latency.get((method, template))
            if latency is None:
                latency = self._latency[(method, template)] = LATENCY.labels(method, template)
            latency.observe(elapsed or time.perf_counter() - started)
            requests = self._requests.get((method, template, status))
            if requests is None:
                requests = self._requests[(method, template, status)] = REQUESTS.labels(method, template, str(status))
            requests.inc()
