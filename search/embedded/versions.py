"""Versioned index directories and the atomic pointer to the active one.

Layout under the engine's root::

    <root>/versions/<name>/   one tantivy index per version
    <root>/ACTIVE             the active version's name; replaced atomically (temp file, fsync, os.replace)

A reader notices a new pointer by ``stat``-ing ACTIVE (a replaced file is a new inode).
"""

import os
import re
import secrets
import shutil
import time
from pathlib import Path

_NAME = re.compile(r"^v[0-9]{17}-[0-9a-f]{6}$")


class VersionStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.versions_dir = self.root / "versions"
        self.pointer = self.root / "ACTIVE"

    def ensure(self) -> None:
        self.versions_dir.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def valid(name: str) -> bool:
        return isinstance(name, str) and bool(_NAME.match(name))

    @staticmethod
    def new_name() -> str:
        # sortable by creation time; the random suffix keeps two writers from colliding
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime()) + f"{time.time_ns() // 1_000_000 % 1000:03d}"
        return f"v{stamp}-{secrets.token_hex(3)}"

    def path(self, name: str) -> Path:
        if not self.valid(name):
            raise ValueError(f"not an index version name: {name!r}")
        return self.versions_dir / name

    def names(self) -> list[str]:
        try:
            entries = os.listdir(self.versions_dir)
        except FileNotFoundError:
            return []
        return sorted(n for n in entries if self.valid(n) and (self.versions_dir / n / "meta.json").exists())

    def pointer_signature(self) -> tuple[int, int, int] | None:
        """Changes whenever ACTIVE is replaced; None when there is no pointer."""
        try:
            st = os.stat(self.pointer)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def read_active(self) -> str | None:
        try:
            name = self.pointer.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        return name if self.valid(name) else None

    def write_active(self, name: str) -> None:
        self.path(name)  # validates
        self.ensure()
        tmp = self.root / f".ACTIVE.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            with open(tmp, "w", encoding="ascii") as f:
                f.write(name + "\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.pointer)
        finally:
            tmp.unlink(missing_ok=True)
        _fsync_dir(self.root)

    def remove(self, name: str) -> None:
        target = self.path(name)
        if not target.exists():
            return
        # rename first, so a half-deleted directory never looks like a version
        trash = self.root / f".drop-{name}-{secrets.token_hex(4)}"
        os.replace(target, trash)
        shutil.rmtree(trash, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
