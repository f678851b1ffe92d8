"""The parameters of every read as pydantic models, validated in one pass.

FastAPI validates declared parameters one by one in Python on every request: for a card (a path id and
``min_version``) that was a quarter of the read API's CPU under load, for a search's eight parameters
0.15 ms on a quiet machine (py-spy and a micro-benchmark: ADR 0010). A model validated by pydantic-core
does the same checks in a few tens of microseconds. So the routes take the ``Request`` and call
``parse``, and declare the model's fields as OpenAPI parameters (``openapi_parameters``): the document,
``/docs`` and schemathesis still see every parameter with its constraints, and a bad value is the same
422 ``validation_failed`` as before.
"""

import uuid
from typing import Annotated, Any, ClassVar, Literal, TypeVar, get_origin

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from read.models import Level
from search.query import MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_REACHABLE_HITS

SLUG = r"^[a-z0-9][a-z0-9-]{0,63}$"
MAX_FILTER_VALUES = 20
MAX_VERSION = 2**31 - 1
Slug = Annotated[str, Field(pattern=SLUG)]
Cursor = Annotated[str | None, Field(max_length=200, description="`next_cursor` of the page before.")]
P = TypeVar("P", bound="Params")


class Params(BaseModel):
    """A route's parameters: the fields named in ``in_path`` come from the path, the others from the query
    string (a list field takes every value of a repeated parameter, any other the last one; unknown
    parameters are ignored)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    in_path: ClassVar[frozenset[str]] = frozenset()
    lists: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.lists = frozenset(name for name, f in cls.model_fields.items() if get_origin(f.annotation) is list)


def parse(request: Request, model: type[P]) -> P:
    """``model`` from the request; invalid: 422 ``validation_failed`` (``read.errors``)."""
    query, lists = request.query_params, model.lists
    values: dict[str, Any] = {name: query.getlist(name) if name in lists else query[name] for name in query}
    values |= request.path_params
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": (_place(model, e["loc"]), *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


def _place(model: type[Params], loc: tuple) -> str:
    return "path" if loc and loc[0] in model.in_path else "query"


def openapi_parameters(model: type[Params]) -> list[dict[str, Any]]:
    """The model's fields as OpenAPI parameters (as FastAPI would have written them)."""
    schema = model.model_json_schema()
    parameters = []
    for name, field in schema["properties"].items():
        field = {key: value for key, value in field.items() if key != "title"}
        where = "path" if name in model.in_path else "query"
        parameter = {"name": name, "in": where, "required": where == "path" or name in schema.get("required", ())}
        if "description" in field:
            parameter["description"] = field.pop("description")
        if field.get("type") == "array":
            parameter |= {"style": "form", "explode": True}
        parameters.append(parameter | {"schema": field})
    return parameters


class CourseParams(Params):
    in_path = frozenset({"course_id"})

    course_id: uuid.UUID = Field(description="The course's id.")
    min_version: int | None = Field(
        None,
        ge=1,
        le=MAX_VERSION,
        description="Wait (a few seconds at most) until the projection has at least this course version, then "
        "answer; 503 `projection_lagging` with `Retry-After` past that.",
    )


class ReviewsParams(Params):
    in_path = frozenset({"course_id"})

    course_id: uuid.UUID = Field(description="The course's id.")
    cursor: Cursor = None
    limit: int = Field(20, ge=1, le=100, description="Reviews per page.")


class CatalogParams(Params):
    category: Slug | None = Field(None, description="A category slug.")
    level: Level | None = Field(None, description="Only courses of this level.")
    sort: Literal["newest", "rating", "popular", "price_asc", "price_desc"] = Field(
        "newest", description="newest published first; best rated (ties: more reviews); most enrolled; price."
    )
    limit: int = Field(20, ge=1, le=100, description="Courses per page.")
    cursor: Cursor = None


class SearchParams(Params):
    q: str = Field("", max_length=MAX_QUERY_CHARS, description="What to look for; empty: everything.")
    category: list[Slug] = Field([], max_length=MAX_FILTER_VALUES, description="Category slugs (any of them).")
    level: list[Level] = Field([], max_length=3, description="Levels (any of them).")
    price: list[Literal["free", "paid"]] = Field([], max_length=2, description="Free or paid courses (or both).")
    min_rating: float | None = Field(None, ge=0, le=5, allow_inf_nan=False, description="Average rating at least this.")
    sort: Literal["relevance", "rating", "popular", "newest", "price_asc", "price_desc"] = Field(
        "relevance", description="relevance to `q` (newest first when `q` is empty), or an order of the catalog's."
    )
    page: int = Field(1, ge=1, le=MAX_REACHABLE_HITS, description="1-based page number.")
    per_page: int = Field(20, ge=1, le=MAX_PER_PAGE, description="Hits per page.")
