"""The contract's error shape: ``{"error": {"code": "<snake_case>", "message": "...", "details"?: ...}}``."""

import re

import httpx

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict:
    """Asserts the status, the exact error shape and (when given) the code; returns the ``error`` object."""
    assert response.status_code == status, f"{response.status_code} != {status}: {response.text}"
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error, dict), body
    assert {"code", "message"} <= set(error) <= {"code", "message", "details"}, body
    assert isinstance(error["code"], str) and SNAKE_CASE.match(error["code"]), body
    assert isinstance(error["message"], str) and error["message"].strip(), body
    if code is not None:
        assert error["code"] == code, body
    return error
