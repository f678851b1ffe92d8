"""The EDU_* environment that points an `edu` process at a test's databases and Redis."""

from write.settings import DOMAINS, WriteSettings


def environment(settings: WriteSettings) -> dict[str, str]:
    """EDU_* variables that point the `edu` command at these databases."""
    return {f"EDU_{domain.upper()}_DATABASE_URL": settings.database_url(domain) for domain in DOMAINS} | {
        "EDU_REDIS_URL": settings.redis_url,
        "EDU_REDIS_KEY_PREFIX": settings.redis_key_prefix,
    }
