"""/health/live, /health/ready (both APIs answer) and /metrics of the web server."""

import asyncio

import httpx
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest

from web.errors import error_response

router = APIRouter(include_in_schema=False)
REQUESTS = Counter("edu_web_requests_total", "Web server requests", ["route", "status"])


async def _probe(client: httpx.AsyncClient) -> str:
    try:
        answer = await client.get("/health/live", timeout=1.0)
    except httpx.HTTPError as error:
        return type(error).__name__
    return "ok" if answer.status_code == 200 else f"status {answer.status_code}"


@router.get("/health/live")
async def live() -> dict:
    return {"status": "ok"}


@router.get("/health/ready")
async def ready(request: Request) -> Response:
    web = request.app.state.web
    found = await asyncio.gather(_probe(web.read), _probe(web.command))
    checks = dict(zip(("read_api", "command_api"), found, strict=True))
    if all(value == "ok" for value in checks.values()):
        return JSONResponse({"status": "ok", "checks": checks})
    failed = ", ".join(name for name, value in checks.items() if value != "ok")
    return error_response(503, "not_ready", f"Not ready: {failed} failed.")


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
