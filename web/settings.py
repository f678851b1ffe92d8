"""The web UI's settings: where the APIs are and how its cookies are set (docs/configuration.md)."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EDU_WEB_", extra="ignore")

    read_api_url: str = "http://127.0.0.1:8002"
    command_api_url: str = "http://127.0.0.1:8001"
    ops_api_url: str = "http://127.0.0.1:8003"
    # Behind HTTPS, cookies go out with Secure (and the __Host- prefix); the dev stack serves plain HTTP.
    secure_cookies: bool = False
    upstream_timeout_seconds: float = Field(10.0, gt=0)
    # A refresh token lives this long on the server side (identity's own setting decides; this only bounds
    # the cookie): 30 days.
    refresh_cookie_seconds: int = Field(30 * 24 * 3600, gt=0)


@lru_cache
def get_settings() -> WebSettings:
    return WebSettings()
