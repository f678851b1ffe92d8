"""Access tokens (JWT, HS256, key ring with ``kid``) and opaque refresh tokens.

This module is pure: no database, no framework. Decoding accepts only the allowlisted algorithm and
requires ``exp iat iss aud sub``; an unknown ``kid`` is rejected before any signature check.
"""

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass

import jwt

ALGORITHMS = ["HS256"]
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]


class InvalidAccessToken(Exception):
    pass


@dataclass(frozen=True)
class AccessTokenClaims:
    user_id: uuid.UUID
    role: str


@dataclass(frozen=True)
class TokenSigner:
    keys: dict[str, str]
    active_kid: str
    issuer: str
    audience: str
    ttl_seconds: int

    def issue(self, user_id: uuid.UUID, role: str) -> str:
        now = int(time.time())
        claims = {
            "sub": str(user_id),
            "role": role,
            "iat": now,
            "exp": now + self.ttl_seconds,
            "iss": self.issuer,
            "aud": self.audience,
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(claims, self.keys[self.active_kid], algorithm=ALGORITHMS[0], headers={"kid": self.active_kid})

    def decode(self, token: str) -> AccessTokenClaims:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            if kid not in self.keys:
                raise InvalidAccessToken("unknown signing key")
            claims = jwt.decode(
                token,
                self.keys[kid],
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                options={"require": REQUIRED_CLAIMS},
            )
            return AccessTokenClaims(user_id=uuid.UUID(claims["sub"]), role=str(claims.get("role", "")))
        except (jwt.PyJWTError, ValueError, TypeError) as error:
            raise InvalidAccessToken(str(error)) from error


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def refresh_token_digest(token: str) -> bytes:
    # Refresh tokens carry 256 bits of randomness, so a plain SHA-256 (no salt, no stretching) is enough.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()
