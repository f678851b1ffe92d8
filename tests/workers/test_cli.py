"""The `edu` command as an operator runs it: a subprocess with EDU_* settings in its environment."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.actors import PASSWORD, unique_email
from write.settings import DOMAINS

EDU = str(Path(sys.executable).parent / "edu")


def run_edu(settings, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("EDU_")}
    env |= {f"EDU_{d.upper()}_DATABASE_URL": settings.database_url(d) for d in DOMAINS}
    env |= {"EDU_REDIS_URL": settings.redis_url, "EDU_REDIS_KEY_PREFIX": settings.redis_key_prefix}
    # A worker that runs a refresh writes the search engine: never the dev stack's (./.devstack/search).
    env["EDU_SEARCH_DIR"] = str(Path(tempfile.gettempdir()) / f"edu-test-search-{settings.redis_key_prefix.strip(':')}")
    return subprocess.run([EDU, *args], env=env, capture_output=True, text=True, timeout=60)


async def test_admin_create_makes_an_admin_who_can_log_in_then_resets_the_password(settings, client):
    email = unique_email("cli-admin")

    created = run_edu(settings, "admin", "create", email, "--password", PASSWORD, "--name", "Cli Admin")
    assert created.returncode == 0, created.stdout + created.stderr
    assert "created" in created.stdout
    login = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200
    me = await client.get("/auth/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"})
    assert me.json()["role"] == "admin"

    reset = run_edu(settings, "admin", "create", email, "--password", "a brand new password")
    assert reset.returncode == 0, reset.stdout + reset.stderr
    assert "password reset" in reset.stdout
    assert (await client.post("/auth/login", json={"email": email, "password": PASSWORD})).status_code == 401
    new_login = await client.post("/auth/login", json={"email": email, "password": "a brand new password"})
    assert new_login.status_code == 200


def test_admin_create_refuses_a_bad_email_or_short_password(settings):
    bad_email = run_edu(settings, "admin", "create", "not-an-email", "--password", PASSWORD)
    short = run_edu(settings, "admin", "create", unique_email(), "--password", "short")
    assert bad_email.returncode != 0
    assert short.returncode != 0
    assert "Traceback" not in bad_email.stderr + short.stderr
