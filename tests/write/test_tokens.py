"""Access tokens (write/identity/tokens.py): only HS256 from the key ring, every claim required and checked."""

import base64
import hashlib
import hmac
import json
import time
import uuid

import jwt
import pytest

from tests.actors import PASSWORD, sign_up
from tests.errors import assert_error
from tests.write.identity_helpers import app_with
from write.identity.tokens import (
    REQUIRED_CLAIMS,
    InvalidAccessToken,
    TokenSigner,
    new_refresh_token,
    refresh_token_digest,
)

KEY_1 = "first-test-key-0123456789abcdef-0123456789"
KEY_2 = "second-test-key-0123456789abcdef-0123456789"
ISSUER, AUDIENCE = "eduplatform", "eduplatform-api"


def signer(keys: dict[str, str] | None = None, active_kid: str = "k1") -> TokenSigner:
    return TokenSigner(
        keys=keys or {"k1": KEY_1}, active_kid=active_kid, issuer=ISSUER, audience=AUDIENCE, ttl_seconds=900
    )


def claims(**changes) -> dict:
    now = int(time.time())
    base = {
        "sub": str(uuid.uuid4()),
        "role": "student",
        "iat": now,
        "exp": now + 900,
        "iss": ISSUER,
        "aud": AUDIENCE,
    }
    return {key: value for key, value in (base | changes).items() if value is not None}


def encode(payload: dict, key: str = KEY_1, kid: str | None = "k1", algorithm: str = "HS256") -> str:
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(payload, key, algorithm=algorithm, headers=headers)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def handmade(header: dict, payload: dict, signature: bytes = b"signature") -> str:
    return ".".join([b64(json.dumps(header).encode()), b64(json.dumps(payload).encode()), b64(signature)])


def test_an_issued_token_decodes_to_its_user_and_role():
    user_id = uuid.uuid4()
    token = signer().issue(user_id, "teacher")

    decoded = signer().decode(token)

    assert (decoded.user_id, decoded.role) == (user_id, "teacher")
    header = jwt.get_unverified_header(token)
    assert (header["alg"], header["kid"]) == ("HS256", "k1")
    payload = jwt.decode(token, options={"verify_signature": False})
    assert set(REQUIRED_CLAIMS) <= set(payload)
    assert payload["exp"] - payload["iat"] == 900


def test_a_well_formed_token_from_the_same_key_is_accepted():
    # The baseline of the tests below: only the one thing each of them changes makes it fail.
    user_id = uuid.uuid4()
    assert signer().decode(encode(claims(sub=str(user_id)))).user_id == user_id


def test_alg_none_is_rejected():
    token = jwt.encode(claims(), None, algorithm="none", headers={"kid": "k1"})

    with pytest.raises(InvalidAccessToken):
        signer().decode(token)


def test_alg_none_with_an_empty_signature_is_rejected():
    token = handmade({"alg": "none", "typ": "JWT", "kid": "k1"}, claims(), signature=b"")

    with pytest.raises(InvalidAccessToken):
        signer().decode(token)


def test_hs512_signed_with_the_right_key_is_rejected():
    token = encode(claims(), algorithm="HS512")

    with pytest.raises(InvalidAccessToken):
        signer().decode(token)


def test_an_rs256_header_is_rejected():
    token = handmade({"alg": "RS256", "typ": "JWT", "kid": "k1"}, claims())

    with pytest.raises(InvalidAccessToken):
        signer().decode(token)


def test_an_rs256_header_with_an_hmac_signature_made_with_the_key_is_rejected():
    # Algorithm confusion: the header claims RS256 but the signature is HMAC with the ring's secret.
    header = b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "k1"}).encode())
    payload = b64(json.dumps(claims()).encode())
    signature = hmac.new(KEY_1.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()

    with pytest.raises(InvalidAccessToken):
        signer().decode(f"{header}.{payload}.{b64(signature)}")


@pytest.mark.parametrize("claim", REQUIRED_CLAIMS)
def test_each_required_claim_is_required(claim):
    assert set(REQUIRED_CLAIMS) == {"exp", "iat", "iss", "aud", "sub"}
    token = encode(claims(**{claim: None}))

    with pytest.raises(InvalidAccessToken):
        signer().decode(token)


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "another-api"},
        {"aud": ["another-api"]},
        {"iss": "someone-else"},
        {"sub": "not-a-uuid"},
        {"sub": 12345},
        {"exp": int(time.time()) - 5},
        {"exp": "tomorrow"},
        {"iat": "yesterday"},
    ],
    ids=["aud", "aud-list", "iss", "sub-not-uuid", "sub-not-string", "expired", "exp-not-int", "iat-not-int"],
)
def test_wrong_claims_are_rejected(changes):
    token = encode(claims(**changes))

    with pytest.raises(InvalidAccessToken):
        signer().decode(token)


def test_a_token_past_its_ttl_is_rejected(monkeypatch):
    earlier = time.time() - 901
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: earlier)
        token = signer().issue(uuid.uuid4(), "student")  # issued 901 s ago with a 900 s TTL

    with pytest.raises(InvalidAccessToken):
        signer().decode(token)


@pytest.mark.parametrize("kid", ["k9", None, ""])
def test_an_unknown_or_missing_kid_is_rejected(kid):
    token = encode(claims(), kid=kid)

    with pytest.raises(InvalidAccessToken):
        signer().decode(token)


def test_a_kid_that_is_not_a_string_is_rejected():
    token = handmade({"alg": "HS256", "typ": "JWT", "kid": ["k1"]}, claims())

    with pytest.raises(InvalidAccessToken):
        signer().decode(token)


def test_a_token_signed_with_another_ring_key_under_a_known_kid_is_rejected():
    token = encode(claims(), key=KEY_2, kid="k1")

    with pytest.raises(InvalidAccessToken):
        signer({"k1": KEY_1, "k2": KEY_2}).decode(token)


def test_a_tampered_payload_is_rejected():
    header, _payload, signature = signer().issue(uuid.uuid4(), "student").split(".")
    forged = b64(json.dumps(claims(role="admin")).encode())

    with pytest.raises(InvalidAccessToken):
        signer().decode(f"{header}.{forged}.{signature}")


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "a.b", "..", "\u00e9.\u00e9.\u00e9", "x" * 5000])
def test_garbage_is_rejected_as_invalid_not_with_another_exception(token):
    with pytest.raises(InvalidAccessToken):
        signer().decode(token)


def test_key_rotation_accepts_old_kids_still_in_the_ring_and_rejects_removed_ones():
    before = signer({"k1": KEY_1}, active_kid="k1")
    during = signer({"k1": KEY_1, "k2": KEY_2}, active_kid="k2")
    after = signer({"k2": KEY_2}, active_kid="k2")
    user_id = uuid.uuid4()
    old_token = before.issue(user_id, "student")
    new_token = during.issue(user_id, "student")

    assert jwt.get_unverified_header(new_token)["kid"] == "k2"
    assert during.decode(old_token).user_id == user_id
    assert during.decode(new_token).user_id == user_id
    assert after.decode(new_token).user_id == user_id
    with pytest.raises(InvalidAccessToken):
        after.decode(old_token)
    with pytest.raises(InvalidAccessToken):
        before.decode(new_token)


def test_refresh_tokens_are_random_and_digested_with_sha256():
    tokens = {new_refresh_token() for _ in range(100)}

    assert len(tokens) == 100
    assert all(len(token) >= 43 for token in tokens)
    token = tokens.pop()
    assert refresh_token_digest(token) == hashlib.sha256(token.encode()).digest()
    assert len(refresh_token_digest("\ud800")) == 32  # a lone surrogate never raises


# ---- through the API -------------------------------------------------------------------------------------------


def tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims_ = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims_["role"] = "admin"
    return f"{header}.{b64(json.dumps(claims_).encode())}.{signature}"


async def test_me_with_a_tampered_token_is_401_invalid_token(client):
    actor = await sign_up(client)

    response = await client.get("/auth/me", headers={"Authorization": f"Bearer {tampered(actor.access_token)}"})

    assert_error(response, 401, "invalid_token")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_me_with_a_token_signed_with_a_wrong_secret_is_401(client, settings):
    actor = await sign_up(client)
    kid = settings.jwt_active_kid
    payload = jwt.decode(actor.access_token, options={"verify_signature": False})

    forged = jwt.encode(payload, "not-the-secret-0123456789abcdef-0123456789", algorithm="HS256", headers={"kid": kid})

    response = await client.get("/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert_error(response, 401, "invalid_token")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_me_with_alg_none_is_401(client, settings):
    actor = await sign_up(client)
    payload = jwt.decode(actor.access_token, options={"verify_signature": False})
    token = jwt.encode(payload, None, algorithm="none", headers={"kid": settings.jwt_active_kid})

    response = await client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})

    assert_error(response, 401, "invalid_token")


async def test_a_valid_token_of_a_user_that_does_not_exist_is_401(client, ctx):
    token = ctx.tokens.issue(uuid.uuid4(), "admin")

    response = await client.get("/admin/teachers", headers={"Authorization": f"Bearer {token}"})

    assert_error(response, 401, "invalid_token")


async def test_key_rotation_through_the_api(client, settings):
    actor = await sign_up(client)
    old_kid, old_key = settings.jwt_active_kid, settings.jwt_keys[settings.jwt_active_kid]
    rotated = {old_kid: old_key, "rotated-2": KEY_2}

    async with app_with(settings, jwt_keys=rotated, jwt_active_kid="rotated-2") as during:
        still_valid = await during.get("/auth/me", headers=actor.headers)
        login = await during.post("/auth/login", json={"email": actor.email, "password": PASSWORD})
        new_token = login.json()["access_token"]
        with_new = await during.get("/auth/me", headers={"Authorization": f"Bearer {new_token}"})
    async with app_with(settings, jwt_keys={"rotated-2": KEY_2}, jwt_active_kid="rotated-2") as after:
        old_after_removal = await after.get("/auth/me", headers=actor.headers)
        new_after_removal = await after.get("/auth/me", headers={"Authorization": f"Bearer {new_token}"})
    unknown_to_old_ring = await client.get("/auth/me", headers={"Authorization": f"Bearer {new_token}"})

    assert still_valid.status_code == 200, still_valid.text
    assert jwt.get_unverified_header(new_token)["kid"] == "rotated-2"
    assert with_new.status_code == 200, with_new.text
    assert_error(old_after_removal, 401, "invalid_token")
    assert new_after_removal.status_code == 200, new_after_removal.text
    assert_error(unknown_to_old_ring, 401, "invalid_token")
