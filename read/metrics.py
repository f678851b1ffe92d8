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


class RequestMetrics:
    """Pure ASGI middleware (no per-request task or body buffering)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

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
            template = getattr(scope.get("route"), "path", "unmatched")
            LATENCY.labels(scope["method"], template).observe(elapsed or time.perf_counter() - started)
            REQUESTS.labels(scope["method"], template, str(status)).inc()
