"""Just enough HTTP/1.1 for a load generator on a small machine: keep-alive connections to one server,
JSON bodies, answers with ``Content-Length`` or chunked. httpx costs ~2.5 ms of CPU a request (measured
against a trivial server on this 2-core machine); this costs a small fraction of that, CPU the platform
under test keeps.

A connection idle longer than ``IDLE_S`` is closed instead of reused: uvicorn closes idle keep-alive
connections after 5 s, and a request must never be sent on a connection the server is closing (retrying a
command could apply it twice).
"""

import asyncio
import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

IDLE_S = 3.0


class HttpError(Exception):
    pass


@dataclass
class Answer:
    status_code: int
    content: bytes

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")

    def json(self):
        return json.loads(self.content)


class LeanClient:
    def __init__(self, base_url: str, timeout_s: float = 30.0) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout_s = timeout_s
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self._open: set[asyncio.StreamWriter] = set()

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        while self._idle:
            reader, writer, since = self._idle.pop()
            if time.monotonic() - since < IDLE_S and not writer.is_closing():
                return reader, writer
            self._close(writer)
        reader, writer = await asyncio.open_connection(self.host, self.port)
        self._open.add(writer)
        return reader, writer

    def _close(self, writer: asyncio.StreamWriter) -> None:
        self._open.discard(writer)
        writer.close()

    async def request(self, method: str, path: str, *, json: object = None, headers: dict | None = None) -> Answer:
        try:
            return await asyncio.wait_for(self._request(method, path, json, headers or {}), self.timeout_s)
        except TimeoutError as error:
            raise HttpError(f"no answer within {self.timeout_s:g} s") from error

    async def _request(self, method: str, path: str, body: object, headers: dict) -> Answer:
        payload = b"" if body is None else _dumps(body)
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(payload)}"]
        if body is not None:
            head.append("Content-Type: application/json")
        head += [f"{name}: {value}" for name, value in headers.items()]
        reader, writer = await self._connection()
        try:
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
            status, close, content = await _read_answer(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            self._close(writer)
            raise HttpError(f"{type(error).__name__}: {error}") from error
        except BaseException:  # cancelled (a timeout): the connection is in an unknown state
            self._close(writer)
            raise
        if close:
            self._close(writer)
        else:
            self._idle.append((reader, writer, time.monotonic()))
        return Answer(status, content)

    async def aclose(self) -> None:
        for writer in list(self._open):
            self._close(writer)
        self._idle.clear()


def _dumps(body: object) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    fields = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            fields[name.strip().lower()] = value.strip().lower()
    close = fields.get("connection") == "close"
    if "content-length" in fields:
        return status, close, await reader.readexactly(int(fields["content-length"]))
    if fields.get("transfer-encoding") == "chunked":
        chunks = []
        while size := int((await reader.readuntil(b"\r\n"))[:-2].split(b";")[0], 16):
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")  # the empty trailer
        return status, close, b"".join(chunks)
    if status in (204, 304) or 100 <= status < 200:
        return status, close, b""
    return status, True, await reader.read()  # until the server closes
