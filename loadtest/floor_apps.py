"""The least a Python card server on this stack can do, measured with the same load as the read API
(``make bench-read ARGS=--floor``): where this machine's floor is, below which no change to the read API
can take a number.

Both are bare ASGI apps run by the same uvicorn (uvloop + httptools, the same processes and flags):

- ``hello``: no I/O at all, a constant JSON body as long as an average card (``EDU_FLOOR_BODY_BYTES``)
  -- the HTTP server, the loopback network and the generator alone.
- ``card_get``: ``GET /courses/{id}`` as one redis-py HGET of the card from the active cards projection,
  through the same kind of blocking pool as the read API, the bytes passed through, 404 when absent -- no
  framework, no parameter validation, no ETag, no metrics, no min_version, no error shape.

Neither is a product: both exist to be measured against.
"""

import os

from redis.asyncio import BlockingConnectionPool, Redis

from projectors.layout import CARDS, ReadModelKeys

DEFAULT_BODY_BYTES = 2000
_COURSE_PREFIX = "/courses/"
_JSON = [(b"content-type", b"application/json")]


async def _lifespan(receive, send, startup) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await startup()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _answer(send, status: int, body: bytes) -> None:
    headers = [*_JSON, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def hello():
    size = int(os.environ.get("EDU_FLOOR_BODY_BYTES", DEFAULT_BODY_BYTES))
    body = b'{"padding":"' + b"x" * max(0, size - 14) + b'"}'

    async def app(scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            return await _lifespan(receive, send, _nothing)
        if scope["type"] == "http":
            await _answer(send, 200, body)

    return app


async def _nothing() -> None:
    return None


def card_get():
    keys = ReadModelKeys(os.environ.get("EDU_REDIS_KEY_PREFIX", "edu:"))
    state: dict[str, object] = {}

    async def startup() -> None:
        pool = BlockingConnectionPool.from_url(os.environ["EDU_REDIS_URL"], max_connections=64, timeout=1.0)
        redis = state["redis"] = Redis(connection_pool=pool)
        version = int(await redis.hget(keys.active, CARDS))  # the projection is built before the load starts
        state["cards"] = keys.data(CARDS, version)

    async def app(scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            return await _lifespan(receive, send, startup)
        if scope["type"] != "http":
            return
        path = scope["path"]
        card = None
        if path.startswith(_COURSE_PREFIX):
            card = await state["redis"].hget(state["cards"], path[len(_COURSE_PREFIX) :])
        if card is None:
            await _answer(send, 404, b'{"error":{"code":"not_found","message":"No such card."}}')
        else:
            await _answer(send, 200, card)

    return app


# name (of the service and its sweep) -> (the factory uvicorn runs, what it is, for the report)
FLOORS = {
    "floor-hello": ("loadtest.floor_apps:hello", "floor: bare ASGI app, a constant body, no I/O"),
    "floor-hget": ("loadtest.floor_apps:card_get", "floor: bare ASGI app, one redis-py HGET a card"),
}
