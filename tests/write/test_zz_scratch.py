import json
from tests.actors import sign_up, unique_email, PASSWORD

async def test_probe(client, settings):
    async def gen():
        for _ in range(settings.max_body_bytes // 1000 + 10):
            yield b" " * 1000
    cases = {
        "nonutf8": dict(content=b'{"email": "\xff\xfe"}', headers={"content-type": "application/json"}),
        "deep": dict(content=b"[" * 200000, headers={"content-type": "application/json"}),
        "stream": dict(content=gen(), headers={"content-type": "application/json"}),
        "big_cl": dict(content=b" " * (settings.max_body_bytes + 1), headers={"content-type": "application/json"}),
        "surrogate_key": dict(content=b'{"\\ud800": 1, "email": "a@example.com", "password": "x", "name": "n", "role": "student"}', headers={"content-type": "application/json"}),
        "surrogate_email": dict(content=b'{"email": "a\\ud800@example.com", "password": "xxxxxxxxxxxx", "name": "n", "role": "student"}', headers={"content-type": "application/json"}),
        "nul_email": dict(content=b'{"email": "a\\u0000@example.com", "password": "xxxxxxxxxxxx", "name": "n", "role": "student"}', headers={"content-type": "application/json"}),
        "textplain": dict(content=b'{"email": "a@example.com"}', headers={"content-type": "text/plain"}),
        "list": dict(json=[1,2]),
        "string": dict(json="x"),
        "empty": dict(content=b""),
        "null": dict(json=None),
    }
    for name, kw in cases.items():
        r = await client.post("/auth/register", **kw)
        print(name, r.status_code, r.headers.get("content-type"), r.text[:300])
    r = await client.get("/nope"); print("404", r.status_code, r.text, dict(r.headers))
    r = await client.delete("/auth/register"); print("405", r.status_code, r.text, dict(r.headers))
    r = await client.get("/auth/me", headers={"Authorization": "Basic abc"}); print("basic", r.status_code, r.text, dict(r.headers))
