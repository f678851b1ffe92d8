"""The command API (:8001): wiring only -- each domain brings its router."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from write.catalog.api import router as catalog_router
from write.context import CommandContext
from write.enrollment.api import router as enrollment_router
from write.errors import install_error_handlers
from write.http import BodySizeLimit, health_router
from write.identity.api import router as identity_router
from write.metrics import RequestMetrics
from write.notification.api import router as notification_router
from write.payment.api import router as payment_router
from write.review.api import router as review_router
from write.settings import WriteSettings, get_settings


def create_app(settings: WriteSettings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.context = CommandContext.build(settings)
        try:
            yield
        finally:
            await app.state.context.close()

    app = FastAPI(
        title="EduPlatform command API",
        version="1.0.0",
        description='Commands of teachers, students and admins. Errors: `{"error": {"code", "message", "details"?}}`.',
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(identity_router)
    app.include_router(catalog_router)
    app.include_router(payment_router)
    app.include_router(enrollment_router)
    app.include_router(review_router)
    app.include_router(notification_router)
    app.add_middleware(RequestMetrics)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type"],
        expose_headers=["Course-Version"],
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app
