"""`edu seed` refuses databases that hold data; --reset empties the platform's own tables and nothing else."""

import pytest
from psycopg import errors

from seed.runner import seed_platform
from seed.safety import DatabasesNotEmpty, SeedRefused, refuse_production
from seed.scales import tiny
from tests.seed.conftest import query
from tests.seed.test_determinism import checksums
from write.migrations import upgrade_all
from write.settings import WriteSettings

SMALL = tiny("safety", courses=20)


@pytest.fixture(scope="module")
def loaded(fresh_databases) -> WriteSettings:
    settings = fresh_databases()
    seed_platform(settings, SMALL, seed=1)
    return settings


def test_refuses_databases_that_hold_data_and_changes_nothing(loaded):
    before = checksums(loaded)
    with pytest.raises(DatabasesNotEmpty) as refused:
        seed_platform(loaded, SMALL, seed=2)
    assert {"identity.users", "catalog.courses", "notification.notifications"} <= set(refused.value.tables)
    assert checksums(loaded) == before


def test_one_stray_outbox_event_is_data_too(fresh_databases):
    settings = fresh_databases()
    upgrade_all(settings)
    query(
        settings,
        "notification",
        "INSERT INTO outbox (event_id, event_type, aggregate_type, aggregate_id, payload)"
        " VALUES (gen_random_uuid(), 'Stray', 'test', gen_random_uuid(), '{}')",
    )
    with pytest.raises(DatabasesNotEmpty) as refused:
        seed_platform(settings, SMALL, seed=1)
    assert refused.value.tables == ["notification.outbox"]
    assert query(settings, "identity", "SELECT count(*) FROM users") == [(0,)]


def test_reset_empties_only_the_platforms_tables(loaded):
    query(loaded, "review", "CREATE TABLE visitor_notes (id int PRIMARY KEY, note text)")
    query(loaded, "review", "INSERT INTO visitor_notes VALUES (1, 'keep me')")
    old_users = {row[0] for row in query(loaded, "identity", "SELECT id FROM users")}

    seed_platform(loaded, SMALL, seed=2, reset=True)

    assert query(loaded, "review", "SELECT * FROM visitor_notes") == [(1, "keep me")]
    new_users = {row[0] for row in query(loaded, "identity", "SELECT id FROM users")}
    assert len(new_users) == SMALL.users and not old_users & new_users
    assert query(loaded, "catalog", "SELECT count(*) FROM categories")[0][0] == 20  # reference data stays


def test_reset_refuses_to_cascade_into_a_table_that_is_not_ours(loaded):
    query(loaded, "review", "CREATE TABLE review_flags (review_id uuid REFERENCES reviews (id))")
    query(loaded, "review", "INSERT INTO review_flags SELECT id FROM reviews LIMIT 1")
    try:
        with pytest.raises(errors.FeatureNotSupported):  # "cannot truncate a table referenced in a foreign key"
            seed_platform(loaded, SMALL, seed=3, reset=True)
        assert query(loaded, "review", "SELECT count(*) FROM review_flags") == [(1,)]
        assert query(loaded, "identity", "SELECT count(*) FROM users") == [(SMALL.users,)]  # no domain was reset
    finally:
        query(loaded, "review", "DROP TABLE review_flags")


def test_refuses_production():
    with pytest.raises(SeedRefused):
        refuse_production(WriteSettings.model_construct(env="production"))
