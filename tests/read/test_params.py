"""Parameters validated in one pydantic pass (read.params): what FastAPI's own handling did, kept."""

import uuid

import pytest
from fastapi import Request
from fastapi.exceptions import RequestValidationError

from read.params import CourseParams, SearchParams, openapi_parameters, parse


def request(query: str, path_params: dict | None = None) -> Request:
    scope = {"type": "http", "method": "GET", "path": "/", "query_string": query.encode(), "headers": []}
    return Request(scope | {"path_params": path_params or {}})


def test_a_list_takes_every_value_a_scalar_the_last_and_unknown_ones_are_ignored():
    params = parse(request("category=art&category=music&sort=rating&sort=newest&utm_source=x"), SearchParams)
    assert params.category == ["art", "music"] and params.sort == "newest"
    assert parse(request(""), SearchParams) == SearchParams()


def test_an_invalid_value_is_located_in_the_query_or_the_path():
    with pytest.raises(RequestValidationError) as raised:
        parse(request("min_version=0", {"course_id": "not-a-uuid"}), CourseParams)
    assert {tuple(e["loc"]) for e in raised.value.errors()} == {("path", "course_id"), ("query", "min_version")}
    course_id = uuid.uuid4()
    assert parse(request("min_version=3", {"course_id": str(course_id)}), CourseParams).course_id == course_id


def test_the_openapi_parameters_carry_the_constraints():
    by_name = {p["name"]: p for p in openapi_parameters(SearchParams)}
    assert by_name["category"]["schema"]["items"]["pattern"] and by_name["category"]["explode"] is True
    assert by_name["per_page"]["schema"]["maximum"] == 100 and by_name["q"]["schema"]["maxLength"] == 200
    assert not any(p["required"] for p in by_name.values())
    (course_id, _) = openapi_parameters(CourseParams)
    assert course_id == {
        "name": "course_id", "in": "path", "required": True, "description": "The course's id.",
        "schema": {"format": "uuid", "type": "string"},
    }  # fmt: skip
