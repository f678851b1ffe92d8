"""Settings of the command side, read from ``EDU_*`` environment variables.

Every default serves the local dev stack (``make demo``). In production (``EDU_ENV=production``) the
service refuses to start while any development secret is still in place.
"""

from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import make_url

DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-in-production-0123456789"
DEV_DATABASE_HOST = "postgresql+psycopg://edu@127.0.0.1:55432"
DOMAINS = ("identity", "catalog", "enrollment", "payment", "review", "notification")


class WriteSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EDU_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"

    # One URL per domain so that any domain can move to its own server.
    identity_database_url: str = f"{DEV_DATABASE_HOST}/edu_identity"
    catalog_database_url: str = f"{DEV_DATABASE_HOST}/edu_catalog"
    enrollment_database_url: str = f"{DEV_DATABASE_HOST}/edu_enrollment"
    payment_database_url: str = f"{DEV_DATABASE_HOST}/edu_payment"
    review_database_url: str = f"{DEV_DATABASE_HOST}/edu_review"
    notification_database_url: str = f"{DEV_DATABASE_HOST}/edu_notification"
    # Connections each domain's engine keeps open, per process (opened as needed). An overflow connection is
    # opened for one request and closed after it: with 5 kept, 200 load-test users spent 12% of the command
    # API's CPU connecting (and PostgreSQL forking a backend each time); 15 kept gave 23% more requests a
    # second (docs/benchmarks.md, "Load test").
    db_pool_size: int = Field(15, ge=1, le=100)
    db_max_overflow: int = Field(5, ge=0, le=100)
    db_pool_timeout_seconds: float = Field(5.0, gt=0)

    redis_url: str = "redis://127.0.0.1:56379/0"
    redis_key_prefix: str = "edu:"

    # Access tokens: a key ring (kid -> HMAC secret) so keys can rotate; new tokens use the active kid.
    jwt_keys: dict[str, str] = {"dev-1": DEV_JWT_SECRET}
    jwt_active_kid: str = "dev-1"
    jwt_issuer: str = "eduplatform"
    jwt_audience: str = "eduplatform-api"
    access_token_ttl_seconds: int = Field(900, ge=60, le=86_400)
    refresh_token_ttl_seconds: int = Field(30 * 86_400, ge=3600)

    # argon2id, OWASP minimum profile (m=19 MiB, t=2, p=1).
    argon2_memory_kib: int = Field(19_456, ge=8_192)
    argon2_time_cost: int = Field(2, ge=1)
    argon2_parallelism: int = Field(1, ge=1)
    password_hash_threads: int = Field(2, ge=1, le=64)
    password_hash_max_waiting: int = Field(32, ge=0)

    login_attempts_per_account: int = Field(10, ge=1)
    login_attempts_per_ip: int = Field(50, ge=1)
    login_window_seconds: int = Field(300, ge=1)
    register_attempts_per_ip: int = Field(20, ge=1)
    register_window_seconds: int = Field(3600, ge=1)
    trust_forwarded_for: bool = False

    max_body_bytes: int = Field(1_048_576, ge=1024)
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$")
    cors_origins: list[str] = ["http://127.0.0.1:8000", "http://localhost:8000"]

    def database_url(self, domain: str) -> str:
        return getattr(self, f"{domain}_database_url")

    def libpq_url(self, domain: str) -> str:
        """The domain's URL for psycopg.connect (the settings name SQLAlchemy's ``+psycopg`` driver)."""
        return make_url(self.database_url(domain)).set(drivername="postgresql").render_as_string(hide_password=False)

    @model_validator(mode="after")
    def _refuse_development_secrets_in_production(self) -> "WriteSettings":
        if self.jwt_active_kid not in self.jwt_keys:
            raise ValueError(f"EDU_JWT_ACTIVE_KID {self.jwt_active_kid!r} is not in EDU_JWT_KEYS")
        if self.env != "production":
            return self
        weak = [kid for kid, key in self.jwt_keys.items() if key == DEV_JWT_SECRET or len(key) < 32]
        if weak:
            raise ValueError(f"production refuses development or short JWT keys: {weak}")
        if any(self.database_url(d).startswith(DEV_DATABASE_HOST) for d in DOMAINS):
            raise ValueError("production refuses the dev stack's database URLs")
        return self


@lru_cache
def get_settings() -> WriteSettings:
    return WriteSettings()
