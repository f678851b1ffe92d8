"""Bad input on identity's routes: always the contract's error shape, never a 5xx, never a half-made user."""

import json
import unicodedata

import pytest

from tests.actors import PASSWORD, sign_up, unique_email
from tests.errors import assert_error
from tests.write.identity_helpers import user_by_email

JSON = {"content-type": "application/json"}
ROUTES = ["/auth/register", "/auth/login", "/auth/refresh"]


def register_body(**changes) -> dict:
    return {"email": unique_email(), "password": PASSWORD, "name": "Ada", "role": "student"} | changes


def raw_register(email: str, fragment: str) -> bytes:
    """A register body with ``fragment`` spliced in as raw JSON text (for escapes json.dumps would not write)."""
    return f'{{"email": "{email}", "password": "{PASSWORD}", "role": "student", {fragment}}}'.encode()


async def assert_no_user(ctx, email: str) -> None:
    assert await user_by_email(ctx, email.lower()) is None


# ---- bodies that are not JSON objects --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize(
    "content",
    [
        b"{",
        b'{"email": }',
        b"{'email': 'single quotes'}",
        b'{"email": "a@example.com",}',
        b"not json at all",
        b'{"email": NaN}',
        b"[" * 100_000,  # nested far too deep for any parser
        b'{"email": ' + b"1" * 5000 + b"}",  # beyond Python's int digits limit
        b"\xff\xfe\xfd",
        b'{"email": "\xe9@example.com"}',  # latin-1, not UTF-8
        b'{"email": "a@example.com"}\x00',
    ],
    ids=[
        "unclosed",
        "missing-value",
        "single-quotes",
        "trailing-comma",
        "not-json",
        "nan",
        "deep",
        "huge-int",
        "binary",
        "latin-1",
        "trailing-nul",
    ],
)
async def test_unparseable_bodies_are_422(client, path, content):
    response = await client.post(path, content=content, headers=JSON)

    assert_error(response, 422, "validation_failed")


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("value", [[], [1, 2], "a string", 42, True, None], ids=repr)
async def test_json_that_is_not_an_object_is_422(client, path, value):
    response = await client.post(path, content=json.dumps(value).encode(), headers=JSON)

    assert_error(response, 422, "validation_failed")


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("headers", [JSON, {}], ids=["json", "no-content-type"])
async def test_an_empty_body_is_422(client, path, headers):
    response = await client.post(path, content=b"", headers=headers)

    error = assert_error(response, 422, "validation_failed")
    assert error["details"][0]["loc"] == ["body"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "image/png"]
)
async def test_a_wrong_content_type_is_422_and_registers_nobody(client, ctx, content_type):
    body = register_body()

    response = await client.post(
        "/auth/register", content=json.dumps(body).encode(), headers={"content-type": content_type}
    )

    assert_error(response, 422, "validation_failed")
    await assert_no_user(ctx, body["email"])


async def test_json_with_a_charset_or_a_json_suffix_is_accepted(client):
    for content_type in ("application/json; charset=utf-8", "application/problem+json"):
        body = register_body()
        response = await client.post(
            "/auth/register", content=json.dumps(body).encode(), headers={"content-type": content_type}
        )
        assert response.status_code == 201, response.text


# ---- objects with the wrong fields -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": 123}, "email"),
        ({"email": ["a@example.com"]}, "email"),
        ({"email": None}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"email": "x" * 250 + "@example.com"}, "email"),
        ({"password": 12345678901}, "password"),
        ({"password": {"value": PASSWORD}}, "password"),
        ({"password": "short"}, "password"),
        ({"password": "x" * 257}, "password"),
        ({"name": None}, "name"),
        ({"name": 7}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   \t  "}, "name"),
        ({"name": "\u3000\u2003"}, "name"),  # only (unicode) whitespace
        ({"name": "x" * 101}, "name"),
        ({"role": "admin"}, "role"),
        ({"role": "Student"}, "role"),
        ({"role": ["student"]}, "role"),
        ({"role": True}, "role"),
    ],
)
async def test_wrong_field_values_are_422_naming_the_field(client, ctx, changes, field):
    body = register_body() | changes

    response = await client.post("/auth/register", json=body)

    error = assert_error(response, 422, "validation_failed")
    assert ["body", field] in [detail["loc"] for detail in error["details"]], error
    if isinstance(body["email"], str) and "@" in body["email"]:
        await assert_no_user(ctx, body["email"])


@pytest.mark.parametrize("field", ["email", "password", "name", "role"])
async def test_missing_fields_are_422(client, ctx, field):
    body = register_body()
    email = body["email"]
    del body[field]

    response = await client.post("/auth/register", json=body)

    error = assert_error(response, 422, "validation_failed")
    assert {"loc": ["body", field], "msg": "Field required", "type": "missing"} in error["details"]
    await assert_no_user(ctx, email)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/auth/register", register_body(admin=True)),
        ("/auth/register", register_body(Email="typo@example.com")),
        ("/auth/login", {"email": unique_email(), "password": PASSWORD, "remember_me": True}),
        ("/auth/refresh", {"refresh_token": "x", "access_token": "y"}),
    ],
)
async def test_unknown_fields_are_422(client, ctx, path, body):
    response = await client.post(path, json=body)

    error = assert_error(response, 422, "validation_failed")
    assert "extra_forbidden" in [detail["type"] for detail in error["details"]]
    if path == "/auth/register":
        await assert_no_user(ctx, body["email"])


async def test_error_details_never_echo_the_input(client):
    secret = "my secret password that is far too long " * 10

    response = await client.post("/auth/register", json=register_body(password=secret))

    assert_error(response, 422, "validation_failed")
    assert "secret" not in response.text


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/auth/login", {"email": "not an email", "password": PASSWORD}),
        ("/auth/login", {"email": "a@example.com", "password": ""}),
        ("/auth/login", {"email": "a@example.com", "password": "x" * 257}),
        ("/auth/login", {"email": "a@example.com"}),
        ("/auth/refresh", {"refresh_token": ""}),
        ("/auth/refresh", {"refresh_token": "x" * 201}),
        ("/auth/refresh", {"refresh_token": 12345}),
        ("/auth/refresh", {}),
    ],
)
async def test_bad_login_and_refresh_bodies_are_422(client, path, body):
    assert_error(await client.post(path, json=body), 422, "validation_failed")


async def test_logout_with_a_bad_body_is_422(client):
    actor = await sign_up(client)

    for body in ({}, {"refresh_token": 5}, {"refresh_token": actor.refresh_token, "all": True}):
        response = await client.post("/auth/logout", json=body, headers=actor.headers)
        assert_error(response, 422, "validation_failed")
    assert (await client.post("/auth/refresh", json={"refresh_token": actor.refresh_token})).status_code == 200


# ---- size -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", [*ROUTES, "/auth/logout", "/admin/teachers/00000000-0000-0000-0000-000000000000/verify"]
)
async def test_a_body_over_the_limit_with_content_length_is_413(client, settings, path):
    content = b'{"email": "' + b"a" * settings.max_body_bytes + b'"}'

    response = await client.post(path, content=content, headers=JSON)

    assert_error(response, 413, "payload_too_large")


async def test_a_streamed_body_over_the_limit_without_content_length_is_413(client, ctx, settings):
    email = unique_email()
    chunk = b" " * 4096
    chunks = settings.max_body_bytes // len(chunk) + 50  # ~200 KB too much
    sent = []

    async def stream():
        yield raw_register(email, '"name": "Big"')[:-1] + b", "  # a valid start, then far too much padding
        for _ in range(chunks):
            sent.append(len(chunk))
            yield chunk
        yield b"}"

    response = await client.post("/auth/register", content=stream(), headers=JSON)

    assert "content-length" not in response.request.headers
    assert_error(response, 413, "payload_too_large")
    assert sum(sent) < chunks * len(chunk)  # it stopped reading once past the limit
    await assert_no_user(ctx, email)


async def test_a_streamed_body_under_the_limit_is_accepted(client):
    body = json.dumps(register_body()).encode()

    async def stream():
        for start in range(0, len(body), 7):
            yield body[start : start + 7]

    response = await client.post("/auth/register", content=stream(), headers=JSON)

    assert response.status_code == 201, response.text


async def test_a_non_numeric_content_length_is_refused(client):
    response = await client.post("/auth/login", content=b"{}", headers=JSON | {"content-length": "abc"})

    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code)


# ---- unicode ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fragment",
    [
        r'"name": "\ud800"',  # a lone high surrogate
        r'"name": "Ada \udfff Lovelace"',  # a lone low surrogate
        r'"name": "Ada\u0000"',  # NUL (PostgreSQL cannot store it)
        r'"name": "Ada\u0007Lovelace"',  # BEL
        r'"name": "Ada\nLovelace"',  # a newline in a one-line name
        r'"name": "Ada\u001bLovelace"',  # ESC
        r'"name": "Ada\u007f"',  # DEL
        r'"name": "Ada\u0085"',  # NEL, a C1 control
        r'"name": "Ada", "\ud800": 1',  # a lone surrogate in an unknown field's name
    ],
    ids=["high-surrogate", "low-surrogate", "nul", "bel", "newline", "esc", "del", "nel", "surrogate-key"],
)
async def test_broken_unicode_and_control_characters_in_names_are_422(client, ctx, fragment):
    email = unique_email()

    response = await client.post("/auth/register", content=raw_register(email, fragment), headers=JSON)

    assert_error(response, 422, "validation_failed")
    await assert_no_user(ctx, email)


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("/auth/register", r'"password": "\ud800 and more characters"'),
        ("/auth/register", r'"password": "nul \u0000 inside the password"'),
        ("/auth/login", r'"password": "\udc00"'),
        ("/auth/login", r'"password": "a\u0000b"'),
    ],
)
async def test_broken_unicode_and_nul_in_passwords_are_422(client, path, fragment):
    email = unique_email()
    content = f'{{"email": "{email}", {fragment}'.encode()
    content += b', "name": "N", "role": "student"}' if path == "/auth/register" else b"}"

    response = await client.post(path, content=content, headers=JSON)

    assert_error(response, 422, "validation_failed")


@pytest.mark.parametrize(
    "email", [r"a\ud800@example.com", r"a\u0000@example.com", r"a@exa\u0007mple.com", r"\u202e@example.com"]
)
async def test_broken_unicode_in_emails_is_422(client, email):
    for path, rest in (("/auth/register", ', "name": "N", "role": "student"'), ("/auth/login", "")):
        content = f'{{"email": "{email}", "password": "{PASSWORD}"{rest}}}'.encode()
        assert_error(await client.post(path, content=content, headers=JSON), 422, "validation_failed")


async def test_a_lone_surrogate_refresh_token_is_422_not_500(client):
    response = await client.post("/auth/refresh", content=rb'{"refresh_token": "\ud800"}', headers=JSON)

    assert_error(response, 422, "validation_failed")


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("مريم الأحمد", "مريم الأحمد"),  # right-to-left
        ("שרה כהן", "שרה כהן"),
        ("Zoë 👩‍🏫🎓", "Zoë 👩‍🏫🎓"),  # emoji with a zero-width joiner
        ("Jose\u0301 Garci\u0301a", "José García"),  # combining accents are composed (NFC)
        ("A\u030angstro\u0308m", "Ångström"),
        ("  Ada  \u2003 Lovelace  ", "Ada Lovelace"),  # whitespace collapsed
        ("李小龍", "李小龍"),
    ],
)
async def test_international_names_are_accepted_and_nfc_normalised(client, ctx, name, stored):
    email = unique_email()

    response = await client.post("/auth/register", json=register_body(email=email, name=name))

    assert response.status_code == 201, response.text
    assert response.json()["name"] == stored
    assert unicodedata.is_normalized("NFC", response.json()["name"])
    assert (await user_by_email(ctx, email)).name == stored


async def test_name_length_is_counted_after_normalisation(client):
    decomposed = "e\u0301" * 100  # 200 code points, 100 characters once composed

    accepted = await client.post("/auth/register", json=register_body(name=decomposed))
    refused = await client.post("/auth/register", json=register_body(name="e\u0301" * 101))

    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["name"] == "é" * 100
    assert_error(refused, 422, "validation_failed")


async def test_a_password_with_any_unicode_works_end_to_end(client):
    email, password = unique_email(), "пароль 🔑 ñ e\u0301 שלום"

    registered = await client.post("/auth/register", json=register_body(email=email, password=password))
    logged_in = await client.post("/auth/login", json={"email": email, "password": password})
    composed = await client.post(
        "/auth/login", json={"email": email, "password": unicodedata.normalize("NFC", password)}
    )

    assert registered.status_code == 201, registered.text
    assert logged_in.status_code == 200, logged_in.text
    assert_error(composed, 401, "invalid_credentials")  # passwords are compared byte for byte


# ---- routing ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/nope"), ("POST", "/auth/registr"), ("GET", "/auth"), ("GET", "/admin/teachers/x/y/z"), ("PUT", "/")],
)
async def test_unknown_routes_are_404_in_the_error_shape(client, method, path):
    response = await client.request(method, path, json={"email": "x"})

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/auth/register", "POST"),
        ("PUT", "/auth/login", "POST"),
        ("DELETE", "/auth/refresh", "POST"),
        ("GET", "/auth/logout", "POST"),
        ("POST", "/auth/me", "GET"),
        ("DELETE", "/admin/teachers", "GET"),
        ("GET", "/admin/teachers/00000000-0000-0000-0000-000000000000/verify", "POST"),
    ],
)
async def test_wrong_methods_are_405_in_the_error_shape(client, method, path, allowed):
    response = await client.request(method, path)

    assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == allowed
