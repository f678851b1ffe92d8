"""Domain errors and the one place that renders every error in the contract's shape.

Services raise these; they never raise HTTPException. The body is always
``{"error": {"code", "message", "details"?}}``.
"""

from typing import Any

import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class DomainError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code:
            self.code = code

    def headers(self) -> dict[str, str] | None:
        return None


class Unauthenticated(DomainError):
    status_code, code = 401, "unauthenticated"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class PaymentRequired(DomainError):
    status_code, code = 402, "payment_required"


class Forbidden(DomainError):
    status_code, code = 403, "forbidden"


class NotFound(DomainError):
    status_code, code = 404, "not_found"


class Conflict(DomainError):
    status_code, code = 409, "conflict"


class InvalidInput(DomainError):
    status_code, code = 422, "validation_failed"


class RateLimited(DomainError):
    status_code, code = 429, "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class ServiceBusy(DomainError):
    status_code, code = 503, "service_busy"

    def headers(self) -> dict[str, str]:
        return {"Retry-After": "1"}


def error_response(
    status_code: int, code: str, message: str, details: Any = None, headers: dict | None = None
) -> JSONResponse:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return JSONResponse({"error": error}, status_code=status_code, headers=headers)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Only location, message and type: the raw input may be huge, binary or not JSON-serialisable.
    return [
        {"loc": [str(part) for part in err.get("loc", ())], "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers())

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "validation_failed", "The request is not valid.", _validation_details(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.__cause__ is not None:
            # FastAPI answers a body it cannot decode at all (not UTF-8, nested too deep, a 5000-digit number)
            # with a bare 400; like malformed JSON, that is invalid input.
            details = [{"loc": ["body"], "msg": "The body is not valid UTF-8 JSON.", "type": "json_invalid"}]
            return error_response(422, "validation_failed", "The request is not valid.", details)
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(sqlalchemy.exc.TimeoutError)
    async def _pool_exhausted(_: Request, exc: sqlalchemy.exc.TimeoutError) -> JSONResponse:
        # Every database connection stayed busy for EDU_DB_POOL_TIMEOUT_SECONDS: overload, not our bug.
        return error_response(
            503, "service_busy", "Too busy right now; try again shortly.", headers={"Retry-After": "1"}
        )

    @app.exception_handler(sqlalchemy.exc.OperationalError)
    async def _database_unavailable(_: Request, exc: sqlalchemy.exc.OperationalError) -> JSONResponse:
        return error_response(
            503, "database_unavailable", "A database is not answering; try again shortly.", headers={"Retry-After": "5"}
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return error_response(500, "internal_error", "Something went wrong on our side.")
