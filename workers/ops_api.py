"""The operations API (:8003): the projections console's endpoints, for admins only.

``edu projections status | rebuild | verify | requeue`` over HTTP, in the command API's style (JSON, Bearer
access token, the contract's error shape): the web UI's operators' console calls it through its proxy.
Rebuilds and verifications run on a thread of this process and record their progress in Redis
(``projectors.operations``); the answer to starting one is 202 with its record, which the console polls.

Who may call is decided as on the command API (``write.identity.auth``): the token's user, read fresh
from identity's table, must be an admin.
"""

import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.concurrency import run_in_threadpool

from projectors.layout import PROJECTIONS
from projectors.operations import Operation, OperationLog, OperationRunner, OperationRunning
from projectors.requeue import requeue_failures
from projectors.runtime import Runtime
from projectors.settings import get_projector_settings
from projectors.status import status as projection_status
from search.settings import SearchSettings
from write.context import CommandContext
from write.errors import Conflict, NotFound, install_error_handlers
from write.http import BodySizeLimit, health_router
from write.identity.auth import CurrentAdmin
from write.settings import WriteSettings, get_settings

router = APIRouter(prefix="/projections", tags=["projections"])


class RebuildIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    projections: list[str] | None = Field(None, description=f"default: every one of {', '.join(PROJECTIONS)}")

    @field_validator("projections")
    @classmethod
    def known(cls, names: list[str] | None) -> list[str] | None:
        unknown = [name for name in names or [] if name not in PROJECTIONS]
        if unknown:
            raise ValueError(f"unknown projections {unknown}; known: {', '.join(PROJECTIONS)}")
        return list(dict.fromkeys(names)) if names else None


class VerifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    repair: bool = False


class RequeueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    course_ids: list[uuid.UUID] | None = Field(None, description="default: every parked course")
    jobs: bool = True


async def _on_runtime(request: Request, work, *args, **kwargs):
    """``work(runtime, ...)`` on a worker thread, one at a time: the runtime's source connections are not
    for two threads at once (``projectors.source``), and a few admins' consoles need no more."""
    state = request.app.state

    def locked():
        with state.runtime_lock:
            return work(state.runtime, *args, **kwargs)

    return await run_in_threadpool(locked)


def _runner(request: Request) -> OperationRunner:
    return request.app.state.runner


def _started(runner: OperationRunner, start) -> dict[str, Any]:
    try:
        return asdict(start())
    except OperationRunning as error:
        raise Conflict(str(error), code="operation_running",
                       details={"operation_id": error.operation.id if error.operation else None}) from None  # fmt: skip


@router.get("")
async def projections_status(request: Request, admin: CurrentAdmin) -> dict[str, Any]:
    """Per projection: active and building versions, documents, recent lag; queues, backlogs, parked courses."""
    report = await _on_runtime(request, projection_status)
    found = asdict(report)
    found["read_model_missing"] = report.read_model_missing
    found["lag_window_seconds"] = request.app.state.runtime.projector_settings.lag_window_seconds
    found["parked"] = [{"course_id": course_id, **parked} for course_id, parked in report.parked.items()]
    return found


@router.post("/rebuild", status_code=status.HTTP_202_ACCEPTED)
async def start_rebuild(body: RebuildIn, request: Request, admin: CurrentAdmin) -> dict[str, Any]:
    """Rebuild (every projection, or those named) while reads go on, then switch; 409 if one is running."""
    runner = _runner(request)
    return await run_in_threadpool(_started, runner, lambda: runner.start_rebuild(body.projections, admin.email))


@router.post("/verify", status_code=status.HTTP_202_ACCEPTED)
async def start_verify(body: VerifyIn, request: Request, admin: CurrentAdmin) -> dict[str, Any]:
    """Compare every projection with the write side (and with ``repair``, fix what differs); 409 if one runs."""
    runner = _runner(request)
    return await run_in_threadpool(_started, runner, lambda: runner.start_verify(body.repair, admin.email))


@router.post("/requeue")
async def requeue(body: RequeueIn, request: Request, admin: CurrentAdmin) -> dict[str, int]:
    """Retry parked courses and failed jobs (after fixing what made them fail)."""
    courses, jobs = await _on_runtime(request, requeue_failures, body.course_ids, jobs=body.jobs)
    return {"courses": courses, "jobs": jobs}


@router.get("/operations")
async def recent_operations(
    request: Request, admin: CurrentAdmin, limit: Annotated[int, Query(ge=1, le=50)] = 10
) -> dict[str, list[dict[str, Any]]]:
    """The latest rebuilds and verifications, newest first."""
    found: list[Operation] = await run_in_threadpool(_runner(request).log.recent, limit)
    return {"items": [asdict(operation) for operation in found]}


@router.get("/operations/{operation_id}")
async def one_operation(operation_id: str, request: Request, admin: CurrentAdmin) -> dict[str, Any]:
    """A rebuild's or verification's progress, then its result or error."""
    found = await run_in_threadpool(_runner(request).log.get, operation_id) if operation_id.isalnum() else None
    if found is None:
        raise NotFound("No such operation (records are kept for a week).")
    return asdict(found)


def create_app(settings: WriteSettings | None = None) -> FastAPI:
    settings = settings or get_settings()

    def runtime() -> Runtime:
        return Runtime(settings, get_projector_settings(), SearchSettings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.context = CommandContext.build(settings)  # for the admin check, as on the command API
        app.state.runtime, app.state.runtime_lock = runtime(), threading.Lock()
        log = OperationLog(app.state.runtime.redis, settings.redis_key_prefix)
        app.state.runner = OperationRunner(log, runtime)
        try:
            yield
        finally:
            app.state.runtime.close()
            await app.state.context.close()

    app = FastAPI(
        title="EduPlatform operations API",
        version="1.0.0",
        description='The projections console\'s endpoints, for admins. Errors: `{"error": {"code", "message"}}`.',
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app
