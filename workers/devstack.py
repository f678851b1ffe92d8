"""Private PostgreSQL and Redis servers started from the machine's own binaries.

Used by the dev stack (``make up``/``make demo``, data under ``./.devstack``) and by the tests (throwaway
servers in a temporary directory). PostgreSQL refuses to run as root, so when we are root the server runs
as the ``postgres`` user; an ordinary user runs it as themselves.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

PG_SUPERUSER = "edu"


class MissingServerBinary(RuntimeError):
    pass


def _find_binary(name: str, install_hint: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for directory in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (directory / name).exists():
            return str(directory / name)
    raise MissingServerBinary(f"{name} not found. Install it first: {install_hint}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _running_as_root() -> bool:
    return os.geteuid() == 0


def _run_as_server_user(args: list[str], check: bool = True) -> subprocess.CompletedProcess:
    as_user = {"user": "postgres", "group": "postgres", "extra_groups": [], "cwd": "/"} if _running_as_root() else {}
    return subprocess.run(args, check=check, capture_output=True, text=True, **as_user)


@dataclass
class PostgresServer:
    directory: Path
    port: int
    durable: bool = True  # False for tests: no fsync, much faster, data may be lost on a crash

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"

    @property
    def log_file(self) -> Path:
        return self.directory / "postgres.log"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{PG_SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _bin(self, name: str) -> str:
        return _find_binary(name, "apt-get install postgresql (Debian/Ubuntu) or brew install postgresql")

    def initialise(self) -> None:
        if (self.data_dir / "PG_VERSION").exists():
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.touch()
        if _running_as_root():
            shutil.chown(self.directory, "postgres", "postgres")
            shutil.chown(self.data_dir, "postgres", "postgres")
            shutil.chown(self.log_file, "postgres", "postgres")
        _run_as_server_user(
            [
                self._bin("initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                PG_SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-instructions",
            ]
        )

    def is_running(self) -> bool:
        result = _run_as_server_user([self._bin("pg_ctl"), "status", "-D", str(self.data_dir)], check=False)
        return result.returncode == 0

    def start(self) -> None:
        self.initialise()
        if self.is_running():
            return
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data_dir} -c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        try:
            _run_as_server_user(
                [
                    self._bin("pg_ctl"),
                    "start",
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log_file),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                ]
            )
        except subprocess.CalledProcessError as error:
            log = self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start on port {self.port}:\n{error.stderr}\n{log}") from error

    def stop(self) -> None:
        if self.is_running():
            _run_as_server_user([self._bin("pg_ctl"), "stop", "-D", str(self.data_dir), "-m", "fast", "-w"])


@dataclass
class RedisServer:
    directory: Path
    port: int
    durable: bool = True  # append-only file for the dev stack; nothing on disk for tests

    @property
    def pid_file(self) -> Path:
        return self.directory / "redis.pid"

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def _pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
            os.kill(pid, 0)
            return pid
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None

    def is_running(self) -> bool:
        return self._pid() is not None

    def start(self) -> None:
        if self.is_running():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        binary = shutil.which("redis-server")
        if not binary:
            raise MissingServerBinary("redis-server not found. Install it first: apt-get install redis-server")
        persistence = ["--appendonly", "yes"] if self.durable else ["--appendonly", "no"]
        subprocess.run(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "yes",
                "--dir",
                str(self.directory),
                "--pidfile",
                str(self.pid_file),
                "--logfile",
                str(self.directory / "redis.log"),
                "--save",
                "",
                *persistence,
            ],
            check=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"Redis did not start on port {self.port}; see {self.directory / 'redis.log'}")

    def stop(self) -> None:
        pid = self._pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and self.is_running():
            time.sleep(0.05)
