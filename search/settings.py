"""Which engine a process uses, from ``EDU_*`` settings: Meilisearch when ``EDU_MEILI_URL`` is set,
otherwise the embedded engine with its data under ``EDU_SEARCH_DIR`` (contract §1). The projectors (the one
writer) and the read API (readers) both open their engine here, so they always agree on where it is."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from search.engine import SearchEngine


class SearchSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EDU_", extra="ignore")

    meili_url: str | None = None
    meili_api_key: str | None = None
    # Every index of one deployment starts with this (a test run or a second deployment uses its own).
    meili_index_prefix: str = Field("courses", pattern=r"^[a-zA-Z0-9_-]{1,100}$")
    search_dir: Path = Path(".devstack/search")

    @property
    def engine_name(self) -> str:
        return "meilisearch" if self.meili_url else "embedded"


def open_engine(settings: SearchSettings) -> SearchEngine:
    if settings.meili_url:
        from search.meili.engine import MeilisearchEngine

        return MeilisearchEngine(settings.meili_url, settings.meili_api_key, settings.meili_index_prefix)
    from search.embedded.engine import TantivyEngine

    return TantivyEngine(settings.search_dir)
