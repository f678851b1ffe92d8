"""`edu seed` as an operator runs it: a subprocess with EDU_* database URLs in its environment."""

import os
import subprocess
import sys
from pathlib import Path

from seed.scales import DEMO
from tests.seed.conftest import environment, query

EDU = str(Path(sys.executable).parent / "edu")


def run_edu(settings, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("EDU_")} | environment(settings)
    env |= {"COLUMNS": "160"}
    return subprocess.run([EDU, *args], env=env, capture_output=True, text=True, timeout=120)


def test_seed_demo_loads_shows_progress_then_refuses_a_second_time(fresh_databases):
    settings = fresh_databases()  # not even created yet: the command creates and migrates them

    first = run_edu(settings, "seed", "--scale", "demo")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "catalog.lessons" in first.stdout and "rows/s" in first.stdout
    assert "Projections must now be rebuilt" in first.stdout
    assert query(settings, "catalog", "SELECT count(*) FROM courses") == [(DEMO.courses,)]

    second = run_edu(settings, "seed", "--scale", "demo")
    assert second.returncode == 1
    assert "Refusing to seed" in second.stdout and "identity.users" in second.stdout and "--reset" in second.stdout
    assert "Traceback" not in second.stdout + second.stderr
