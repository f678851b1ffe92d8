"""Everything a command needs at run time, built once at start-up and handed to the handlers."""

from dataclasses import dataclass

from redis.asyncio import Redis

from write.database import Databases
from write.identity.passwords import PasswordHasher
from write.identity.rate_limits import AttemptLimiter
from write.identity.tokens import TokenSigner
from write.settings import WriteSettings


@dataclass
class CommandContext:
    settings: WriteSettings
    databases: Databases
    redis: Redis
    passwords: PasswordHasher
    tokens: TokenSigner
    attempts: AttemptLimiter

    @classmethod
    def build(cls, settings: WriteSettings) -> "CommandContext":
        redis = Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
        return cls(
            settings=settings,
            databases=Databases(settings),
            redis=redis,
            passwords=PasswordHasher(
                memory_kib=settings.argon2_memory_kib,
                time_cost=settings.argon2_time_cost,
                parallelism=settings.argon2_parallelism,
                threads=settings.password_hash_threads,
                max_waiting=settings.password_hash_max_waiting,
            ),
            tokens=TokenSigner(
                keys=settings.jwt_keys,
                active_kid=settings.jwt_active_kid,
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                ttl_seconds=settings.access_token_ttl_seconds,
            ),
            attempts=AttemptLimiter(redis, settings.redis_key_prefix),
        )

    async def close(self) -> None:
        self.passwords.close()
        await self.redis.aclose()
        await self.databases.dispose()
