"""argon2id password hashing, off the event loop and bounded.

Hashing runs on a small dedicated thread pool. At most ``threads + max_waiting`` hashes may be in flight;
past that a request is refused at once (503 ``service_busy``) instead of queueing without limit, so a
login burst cannot starve the other requests of the command API.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

from write.errors import ServiceBusy

# Part of every stored hash; seed.passwords makes its precomputed hashes with the same shape.
HASH_LEN = 32
SALT_LEN = 16


class PasswordHasher:
    def __init__(self, *, memory_kib: int, time_cost: int, parallelism: int, threads: int, max_waiting: int) -> None:
        self._argon2 = argon2.PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_kib,
            parallelism=parallelism,
            hash_len=HASH_LEN,
            salt_len=SALT_LEN,
            type=argon2.Type.ID,
        )
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="argon2")
        self._slots = asyncio.Semaphore(threads + max_waiting)
        # Verified against when the email is unknown, so that answer costs the same time as a wrong password.
        self._decoy_hash = self._argon2.hash("decoy password that matches nothing")

    async def _run(self, function, *args):
        if self._slots.locked():
            raise ServiceBusy("Too many sign-ins at once; try again in a moment.")
        async with self._slots:
            return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    async def hash(self, password: str) -> str:
        return await self._run(self._argon2.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """True when the password matches; with no hash (unknown user), spends the same time and says False."""
        return await self._run(self._verify_sync, password_hash, password)

    def _verify_sync(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash or self._decoy_hash, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._argon2.check_needs_rehash(password_hash)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
