"""Every error of the read API in the contract's shape: ``{"error": {"code", "message", "details"?}}``."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError
from starlette.exceptions import HTTPException as StarletteHTTPException

from search import SearchUnavailable

NO_STORE = {"Cache-Control": "no-store"}  # an error is never cached by a browser or proxy


class ReadError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: Any = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers


class NotFound(ReadError):
    status_code, code = 404, "not_found"


class InvalidInput(ReadError):
    status_code, code = 422, "validation_failed"


class ProjectionLagging(ReadError):
    status_code, code = 503, "projection_lagging"


class ProjectionUnavailable(ReadError):
    """The read model has no active version (Redis restarted empty, never built): rebuild it."""

    status_code, code = 503, "projection_unavailable"


def error_response(
    status_code: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return JSONResponse({"error": error}, status_code=status_code, headers=NO_STORE | (headers or {}))


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 400: "bad_request"}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ReadError)
    async def _read(_: Request, exc: ReadError) -> JSONResponse:
        return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Location, message and type only: the raw input may be huge or not JSON-serialisable.
        details = [
            {"loc": [str(p) for p in err.get("loc", ())], "msg": err.get("msg", ""), "type": err.get("type", "")}
            for err in exc.errors()
        ]
        return error_response(422, "validation_failed", "The request is not valid.", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(RedisError)
    async def _redis_down(_: Request, exc: RedisError) -> JSONResponse:
        return error_response(
            503, "read_model_unavailable", "The read model is not answering; try again shortly.",
            headers={"Retry-After": "2"},
        )  # fmt: skip

    @app.exception_handler(SearchUnavailable)
    async def _search_down(_: Request, exc: SearchUnavailable) -> JSONResponse:
        return error_response(
            503, "search_unavailable", "Search is not available right now; browsing the catalog still works.",
            headers={"Retry-After": "5"},
        )  # fmt: skip

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return error_response(500, "internal_error", "Something went wrong on our side.")
