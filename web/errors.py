"""The contract's error shape, for the web server's own answers (its proxies pass the APIs' through)."""

from fastapi.responses import JSONResponse


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)
