"""WriteSettings refuses development secrets in production and a key ring without its active key."""

import os

import pytest
from pydantic import ValidationError

from write.settings import DEV_DATABASE_HOST, DEV_JWT_SECRET, DOMAINS, WriteSettings

STRONG_KEY = "k3y-" + "0123456789abcdef" * 3
PRODUCTION_URLS = {
    f"{domain}_database_url": f"postgresql+psycopg://edu@db.internal:5432/{domain}" for domain in DOMAINS
}


@pytest.fixture(autouse=True)
def no_edu_environment(monkeypatch):
    """Only the keyword arguments of each test count, whatever EDU_* variables the machine has."""
    for name in list(os.environ):
        if name.startswith("EDU_"):
            monkeypatch.delenv(name)


def test_defaults_serve_the_dev_stack():
    settings = WriteSettings()

    assert settings.env == "development"
    assert settings.jwt_keys == {"dev-1": DEV_JWT_SECRET}
    assert settings.database_url("identity").startswith(DEV_DATABASE_HOST)
    assert (settings.argon2_memory_kib, settings.argon2_time_cost, settings.argon2_parallelism) == (19456, 2, 1)


def test_production_with_the_dev_jwt_key_is_refused():
    with pytest.raises(ValidationError, match="JWT"):
        WriteSettings(env="production", **PRODUCTION_URLS)


def test_production_with_the_dev_jwt_key_still_in_the_ring_is_refused():
    with pytest.raises(ValidationError, match="JWT"):
        WriteSettings(
            env="production",
            jwt_keys={"new": STRONG_KEY, "dev-1": DEV_JWT_SECRET},
            jwt_active_kid="new",
            **PRODUCTION_URLS,
        )


def test_production_with_a_short_jwt_key_is_refused():
    with pytest.raises(ValidationError, match="JWT"):
        WriteSettings(env="production", jwt_keys={"k": "too-short-secret"}, jwt_active_kid="k", **PRODUCTION_URLS)


@pytest.mark.parametrize("domain", DOMAINS)
def test_production_with_any_dev_database_url_is_refused(domain):
    urls = PRODUCTION_URLS | {f"{domain}_database_url": f"{DEV_DATABASE_HOST}/edu_{domain}"}

    with pytest.raises(ValidationError, match="database"):
        WriteSettings(env="production", jwt_keys={"k": STRONG_KEY}, jwt_active_kid="k", **urls)


def test_production_with_strong_keys_and_its_own_databases_is_accepted():
    settings = WriteSettings(
        env="production", jwt_keys={"old": STRONG_KEY, "new": STRONG_KEY[::-1]}, jwt_active_kid="new", **PRODUCTION_URLS
    )

    assert settings.env == "production"
    assert settings.jwt_active_kid == "new"
    assert settings.database_url("payment") == PRODUCTION_URLS["payment_database_url"]


@pytest.mark.parametrize("env", ["development", "test", "production"])
def test_an_active_kid_missing_from_the_ring_is_refused_in_every_env(env):
    with pytest.raises(ValidationError, match="ACTIVE_KID"):
        WriteSettings(env=env, jwt_keys={"k": STRONG_KEY}, jwt_active_kid="other", **PRODUCTION_URLS)


def test_settings_come_from_edu_environment_variables(monkeypatch):
    monkeypatch.setenv("EDU_ENV", "production")
    monkeypatch.setenv("EDU_JWT_KEYS", f'{{"env-key": "{STRONG_KEY}"}}')
    monkeypatch.setenv("EDU_JWT_ACTIVE_KID", "env-key")
    monkeypatch.setenv("EDU_LOGIN_ATTEMPTS_PER_ACCOUNT", "7")
    for name, url in PRODUCTION_URLS.items():
        monkeypatch.setenv(f"EDU_{name.upper()}", url)

    settings = WriteSettings()

    assert (settings.env, settings.jwt_active_kid, settings.login_attempts_per_account) == ("production", "env-key", 7)


def test_production_refuses_the_dev_key_from_the_environment_too(monkeypatch):
    monkeypatch.setenv("EDU_ENV", "production")
    for name, url in PRODUCTION_URLS.items():
        monkeypatch.setenv(f"EDU_{name.upper()}", url)

    with pytest.raises(ValidationError):
        WriteSettings()


@pytest.mark.parametrize(
    "bad",
    [
        {"argon2_memory_kib": 1024},
        {"argon2_time_cost": 0},
        {"login_attempts_per_account": 0},
        {"max_body_bytes": 10},
        {"access_token_ttl_seconds": 10},
        {"currency": "usd"},
    ],
)
def test_unsafe_values_are_refused(bad):
    with pytest.raises(ValidationError):
        WriteSettings(**bad)
