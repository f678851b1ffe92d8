"""`edu seed` as an operator runs it: a subprocess with EDU_* database URLs in its environment."""

import os
import subprocess
import sys
from pathlib import Path

from redis import Redis

from projectors.layout import CARDS, ReadModelKeys
from seed.scales import DEMO
from tests.environment import environment
from tests.seed.conftest import query
from workers.devstack import free_port

EDU = str(Path(sys.executable).parent / "edu")


def run_edu(settings, *args: str, search_dir: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("EDU_")} | environment(settings)
    env |= {"COLUMNS": "160", "EDU_SEARCH_DIR": str(search_dir), "EDU_OLD_VERSION_GRACE_SECONDS": "0"}
    return subprocess.run([EDU, *args], env=env, capture_output=True, text=True, timeout=120)


def test_seed_demo_loads_projects_shows_progress_then_refuses_a_second_time(fresh_databases, tmp_path):
    settings = fresh_databases()  # not even created yet: the command creates and migrates them

    first = run_edu(settings, "seed", "--scale", "demo", search_dir=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "catalog.lessons" in first.stdout and "rows/s" in first.stdout
    assert "projections: courses" in first.stdout and "courses/s" in first.stdout  # the rebuild's progress bar
    assert "Projections rebuilt" in first.stdout
    assert query(settings, "catalog", "SELECT count(*) FROM courses") == [(DEMO.courses,)]
    [(published,)] = query(settings, "catalog", "SELECT count(*) FROM courses WHERE status = 'published'")
    redis = Redis.from_url(settings.redis_url)
    keys = ReadModelKeys(settings.redis_key_prefix)
    active = {name.decode(): int(version) for name, version in redis.hgetall(keys.active).items()}
    assert redis.hlen(keys.data(CARDS, active[CARDS])) == published  # readers see every published course
    redis.close()

    second = run_edu(settings, "seed", "--scale", "demo", search_dir=tmp_path)
    assert second.returncode == 1
    assert "Refusing to seed" in second.stdout and "identity.users" in second.stdout and "--reset" in second.stdout
    assert "Traceback" not in second.stdout + second.stderr


def test_seed_fails_loudly_when_the_projections_cannot_be_rebuilt(fresh_databases, tmp_path):
    settings = fresh_databases().model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})

    seeded = run_edu(settings, "seed", "--scale", "demo", search_dir=tmp_path)

    assert seeded.returncode == 1
    assert "the projections could not be rebuilt" in seeded.stdout and "ConnectionError" in seeded.stdout
    assert "edu projections rebuild" in seeded.stdout
    assert "Traceback" not in seeded.stdout + seeded.stderr
    assert query(settings, "catalog", "SELECT count(*) FROM courses") == [(DEMO.courses,)]
