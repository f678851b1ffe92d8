"""PasswordHasher: argon2id off the event loop, bounded so a burst is refused (503) instead of queued forever."""

import asyncio
import threading

import pytest

from tests.actors import PASSWORD, unique_email
from tests.errors import assert_error
from tests.write.identity_helpers import app_with, argon2_parameters, user_by_email
from write.errors import ServiceBusy
from write.identity.passwords import PasswordHasher

OWASP = {"memory_kib": 19_456, "time_cost": 2, "parallelism": 1}
# Slow enough that "a hash is still running" holds on any machine (each test asserts order, never duration).
SLOW = {"memory_kib": 19_456, "time_cost": 8, "parallelism": 1}


@pytest.fixture
def hasher():
    hasher = PasswordHasher(**OWASP, threads=2, max_waiting=2)
    yield hasher
    hasher.close()


async def test_hash_is_argon2id_at_the_given_parameters_and_verifies(hasher):
    stored = await hasher.hash(PASSWORD)

    parameters = argon2_parameters(stored)
    assert (parameters["variant"], parameters["m"], parameters["t"], parameters["p"]) == ("argon2id", 19456, 2, 1)
    assert await hasher.verify(stored, PASSWORD) is True
    assert await hasher.verify(stored, PASSWORD + " ") is False
    assert hasher.needs_rehash(stored) is False


async def test_verify_says_false_for_no_hash_and_for_a_broken_hash(hasher):
    assert await hasher.verify(None, PASSWORD) is False
    assert await hasher.verify(None, "decoy password that matches nothing") is False  # the decoy's own password
    assert await hasher.verify("not an argon2 hash", PASSWORD) is False
    assert await hasher.verify("$argon2id$v=19$m=19456,t=2,p=1$AAAA$BBBB", PASSWORD) is False


async def test_needs_rehash_when_the_parameters_changed(hasher):
    cheaper = PasswordHasher(memory_kib=8192, time_cost=1, parallelism=1, threads=1, max_waiting=0)
    try:
        old = await cheaper.hash(PASSWORD)
    finally:
        cheaper.close()

    assert hasher.needs_rehash(old) is True
    assert await hasher.verify(old, PASSWORD) is True  # old hashes still verify


async def test_hashing_runs_off_the_event_loop_thread(hasher, monkeypatch):
    threads = []
    real = hasher._argon2

    class Recording:
        def hash(self, password):
            threads.append(threading.current_thread())
            return real.hash(password)

    monkeypatch.setattr(hasher, "_argon2", Recording())
    await hasher.hash(PASSWORD)

    assert len(threads) == 1 and threads[0] is not threading.current_thread()
    assert threads[0].name.startswith("argon2")


async def test_a_second_hash_while_the_only_slot_is_busy_is_refused():
    hasher = PasswordHasher(**SLOW, threads=1, max_waiting=0)
    try:
        running = asyncio.create_task(hasher.hash(PASSWORD))
        await asyncio.sleep(0)  # let it take the slot

        with pytest.raises(ServiceBusy) as busy:
            await hasher.hash("another password")
        with pytest.raises(ServiceBusy):
            await hasher.verify(None, "another password")

        assert not running.done()
        assert busy.value.status_code == 503 and busy.value.headers() == {"Retry-After": "1"}
        stored = await running
        assert await hasher.verify(stored, PASSWORD) is True  # the slot is free again afterwards
    finally:
        hasher.close()


async def test_waiting_room_holds_max_waiting_and_refuses_the_next():
    hasher = PasswordHasher(**SLOW, threads=1, max_waiting=1)
    try:
        first = asyncio.create_task(hasher.hash("first password"))
        second = asyncio.create_task(hasher.hash("second password"))
        await asyncio.sleep(0)

        with pytest.raises(ServiceBusy):
            await hasher.hash("third password")

        assert all(result.startswith("$argon2id$") for result in await asyncio.gather(first, second))
    finally:
        hasher.close()


async def test_the_event_loop_stays_responsive_while_hashing():
    hasher = PasswordHasher(**SLOW, threads=1, max_waiting=0)
    finished: list[str] = []

    async def hash_it():
        await hasher.hash(PASSWORD)
        finished.append("hash")

    async def tick():
        await asyncio.sleep(0.01)
        finished.append("tick")

    try:
        hashing = asyncio.create_task(hash_it())
        await asyncio.sleep(0)  # the hash has started
        await tick()
        assert finished == ["tick"]  # the timer fired while the hash was still running
        await hashing
        assert finished == ["tick", "hash"]
    finally:
        hasher.close()


async def test_a_full_hasher_answers_503_service_busy_through_the_api(settings, ctx):
    emails = [unique_email() for _ in range(4)]
    async with app_with(settings, password_hash_threads=1, password_hash_max_waiting=0, argon2_time_cost=4) as busy:
        responses = await asyncio.gather(
            *(
                busy.post("/auth/register", json={"email": e, "password": PASSWORD, "name": "Busy", "role": "student"})
                for e in emails
            )
        )

    statuses = [response.status_code for response in responses]
    assert 201 in statuses and 503 in statuses, statuses
    for email, response in zip(emails, responses, strict=True):
        if response.status_code == 503:
            assert_error(response, 503, "service_busy")
            assert response.headers["retry-after"] == "1"
            assert await user_by_email(ctx, email) is None
        else:
            assert response.status_code == 201, response.text
