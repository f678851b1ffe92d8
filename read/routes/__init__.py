"""The endpoints of contract §4. Every answer comes from the projections (``read.store``) or the search
engine, never from PostgreSQL; documents are passed through as the projectors wrote them.

Each route takes only the ``Request`` and validates its parameters with one pydantic model
(``read.params``), which also declares them in the OpenAPI document."""

from fastapi import APIRouter

from read.routes import catalog, courses, search

router = APIRouter()
router.include_router(courses.router)
router.include_router(catalog.router)
router.include_router(search.router)
