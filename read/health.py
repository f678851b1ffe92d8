"""/health/live, /health/ready (which dependency failed) and /metrics of the read API."""

import asyncio
import os

from anyio import to_thread
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from projectors.layout import CARDS
from read.errors import error_response

router = APIRouter(tags=["health"])
CHECK_SECONDS = 1.0


@router.get("/health/live")
async def live() -> dict:
    """The process is up."""
    return {"status": "ok"}


async def _check(probe) -> str:
    try:
        await asyncio.wait_for(probe(), CHECK_SECONDS)
    except TimeoutError:
        return f"no answer within {CHECK_SECONDS:g} s"
    except Exception as error:  # any failure of a dependency is a finding, not an error of ours
        return f"{type(error).__name__}: {error}"[:200]
    return "ok"


@router.get(
    "/health/ready",
    responses={503: {"description": "A dependency failed: `details` says which (`redis`, `search`)."}},
)
async def ready(request: Request) -> JSONResponse:
    """Ready when Redis answers and the read model has active versions, and the search engine answers."""
    deps = request.app.state.services

    async def redis_probe() -> None:
        await deps.model.ping()
        await deps.model.version(CARDS)

    async def search_probe() -> None:
        if not await to_thread.run_sync(deps.engine.health, limiter=deps.search_slots):
            raise RuntimeError("the search engine is not healthy")

    found = await asyncio.gather(_check(redis_probe), _check(search_probe))
    checks = dict(zip(("redis", "search"), found, strict=True))
    if all(value == "ok" for value in checks.values()):
        return JSONResponse({"status": "ok", "checks": checks})
    failed = ", ".join(name for name, value in checks.items() if value != "ok")
    return error_response(503, "not_ready", f"Not ready: {failed} failed.", checks)


def metrics_registry() -> CollectorRegistry:
    """This process's metrics; or, when ``PROMETHEUS_MULTIPROC_DIR`` is set (``uvicorn --workers N``, whose
    processes share one port, so a scrape reaches any one of them), every process's, summed from the files
    prometheus-client keeps there. The directory must be empty when the processes start (``edu stack``
    empties it)."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry


SCRAPED = metrics_registry()


@router.get("/metrics", response_class=Response)
async def metrics() -> Response:
    """Prometheus text format."""
    return Response(generate_latest(SCRAPED), media_type=CONTENT_TYPE_LATEST)
