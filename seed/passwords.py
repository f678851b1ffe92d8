"""Password hashes of seeded users, made once per run with the command API's argon2id parameters.

Hashing 50,000 passwords would take minutes, so every generated user shares one hash of
``GENERATED_USER_PASSWORD``; the demo logins get their own. The salts come from the run's seed, not the
OS, so the same ``--seed`` gives byte-identical users (a fixed salt is harmless here: the passwords are
published anyway).
"""

from random import Random

from argon2.low_level import Type, hash_secret

from seed.demo_logins import DEMO_LOGINS, GENERATED_USER_PASSWORD
from write.identity.passwords import HASH_LEN, SALT_LEN
from write.settings import WriteSettings


def password_hashes(settings: WriteSettings, seed: int) -> dict[str | None, str]:
    """Email -> hash for each demo login, and ``None`` -> the hash every generated user shares."""
    rng = Random(f"{seed}/passwords")

    def hashed(password: str) -> str:
        salt = rng.getrandbits(8 * SALT_LEN).to_bytes(SALT_LEN, "big")
        return hash_secret(
            password.encode(),
            salt,
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
            hash_len=HASH_LEN,
            type=Type.ID,
        ).decode()

    hashes: dict[str | None, str] = {login.email: hashed(login.password) for login in DEMO_LOGINS}
    hashes[None] = hashed(GENERATED_USER_PASSWORD)
    return hashes
