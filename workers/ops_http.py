"""``/metrics``, ``/health/live`` and ``/health/ready`` (contract §5) for the processes that are not web
services: ``edu worker`` (``EDU_WORKER_OPS_PORT``, 9101) and ``edu relay`` (``EDU_RELAY_OPS_PORT``, 9102).

A stdlib ``ThreadingHTTPServer`` in a daemon thread (prometheus_client's own server answers every path with
the metrics and has no health routes). ``/metrics`` is the process's default registry in Prometheus text
format (OpenMetrics when asked for): its own counters and histograms, plus the queue, outbox and backlog
depths read at scrape time (``projectors.depths``). ``/health/ready`` is 200 when the process's readiness
callable returns True, else 503; every other path is 404; errors have the API's shape
``{"error": {"code", "message"}}``.

It listens on 127.0.0.1 unless ``EDU_OPS_HOST`` says otherwise (e.g. ``0.0.0.0`` in a container that
Prometheus scrapes from outside). Port 0 in the settings turns the endpoint off.

RQ's scheduler runs in a child forked from the worker; the child closes its copy of the listening socket
(``os.register_at_fork``), so the port is free again as soon as the worker itself is gone.
"""

import contextlib
import json
import logging
import os
import threading
import weakref
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.exposition import choose_encoder
from pydantic_settings import BaseSettings, SettingsConfigDict

from projectors.depths import connect, register_collector, scrape_redis
from write.settings import DOMAINS, WriteSettings

log = logging.getLogger("edu.ops")

Ready = Callable[[], bool]


class OpsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EDU_", extra="ignore")

    # The address the worker's and relay's /metrics and /health/* listen on.
    ops_host: str = "127.0.0.1"


class NotReady(Exception):
    """Raised by a readiness callable to say why (the message is shown to whoever probes: no secrets)."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], ready: Ready, registry: CollectorRegistry) -> None:
        self.ready = ready
        self.registry = registry
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "edu-ops"
    sys_version = ""

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _not_allowed(self) -> None:
        self._json(
            HTTPStatus.METHOD_NOT_ALLOWED,
            _error("method_not_allowed", f"{self.command} is not allowed here; use GET."),
            headers={"Allow": "GET, HEAD"},
        )

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _not_allowed

    def _answer(self, *, body: bool) -> None:
        path = urlsplit(self.path).path
        if path == "/metrics":
            encoder, content_type = choose_encoder(self.headers.get("Accept", ""))
            self._send(HTTPStatus.OK, encoder(self.server.registry), content_type, body=body)
        elif path == "/health/live":
            self._json(HTTPStatus.OK, {"status": "ok"}, body=body)
        elif path == "/health/ready":
            problem = _readiness(self.server.ready)
            if problem is None:
                self._json(HTTPStatus.OK, {"status": "ok"}, body=body)
            else:
                self._json(HTTPStatus.SERVICE_UNAVAILABLE, _error("not_ready", problem), body=body)
        else:
            self._json(HTTPStatus.NOT_FOUND, _error("not_found", f"Nothing at {path}."), body=body)

    def _json(self, status: HTTPStatus, payload: dict, *, body: bool = True, headers: dict | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", body=body, headers=headers)

    def _send(
        self, status: HTTPStatus, content: bytes, content_type: str, *, body: bool, headers: dict | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(content)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), format % args)


def _error(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def _readiness(ready: Ready) -> str | None:
    """None when ready, else why not (for a person)."""
    try:
        if ready() is True:
            return None
        return "A dependency of this process does not answer."
    except NotReady as error:
        return str(error)
    except Exception as error:  # a probe reports any failure, it never raises
        return f"The readiness check failed ({type(error).__name__})."


# Servers of this process, closed in any child forked from it (their threads are not in the child).
_servers: "weakref.WeakSet[_Server]" = weakref.WeakSet()


def _close_in_child() -> None:
    for server in list(_servers):
        with contextlib.suppress(OSError):
            server.socket.close()


os.register_at_fork(after_in_child=_close_in_child)


class OpsServer:
    """The endpoints on ``host:port`` (port 0 here: any free port, see ``port``), served by a daemon thread."""

    def __init__(
        self, ready: Ready, *, port: int, host: str = "127.0.0.1", registry: CollectorRegistry = REGISTRY
    ) -> None:
        self._server = _Server((host, port), ready, registry)  # binds now: OSError if the port is taken
        _servers.add(self._server)
        self._thread = threading.Thread(target=self._server.serve_forever, name="ops-http", daemon=True)
        self._thread.start()

    @property
    def host(self) -> str:
        return self._server.server_address[0]

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "OpsServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- what the worker and the relay serve ------------------------------------------------------------------


def dependencies_ready(settings: WriteSettings) -> Ready:
    """Readiness of a projection process: Redis answers PING and every write database answers."""
    redis = scrape_redis(settings)

    def ready() -> bool:
        try:
            redis.ping()
        except Exception as error:
            raise NotReady(f"Redis does not answer ({type(error).__name__}).") from None
        for domain in DOMAINS:
            try:
                with connect(settings, domain) as connection:
                    connection.execute("SELECT 1")
            except Exception as error:
                raise NotReady(f"The {domain} database does not answer ({type(error).__name__}).") from None
        return True

    return ready


class PortInUse(RuntimeError):
    pass


def serve_process_ops(
    settings: WriteSettings, port: int, *, setting: str, ready: Ready | None = None
) -> OpsServer | None:
    """Starts a projection process's endpoints on ``port`` (None when it is 0: turned off), with the depth
    gauges registered; ``setting`` names the variable that moves it (for the error when the port is taken)."""
    if port == 0:
        return None
    host = OpsSettings().ops_host
    register_collector(settings)
    try:
        server = OpsServer(ready or dependencies_ready(settings), port=port, host=host)
    except OSError as error:
        raise PortInUse(
            f"cannot listen on {host}:{port} for /metrics and /health ({error.strerror or error}); "
            f"another process (a second worker?) may hold it: set {setting} to a free port, or 0 to turn it off"
        ) from None
    log.info("/metrics, /health/live, /health/ready on %s", server.url)
    return server
