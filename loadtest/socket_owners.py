"""Which process holds the server side of each connection to a port, from /proc: how uvicorn's worker
processes shared the load generator's keep-alive connections (each worker accepts from one shared socket;
a worker that happens to be awake can take most of a burst of new connections, and then does most of the
work while the other idles)."""

import contextlib
import os
import time
from pathlib import Path

ESTABLISHED = "01"


def _established_inodes(port: int) -> set[str]:
    """Socket inodes of established TCP connections whose local port is ``port`` (the server's side)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == ESTABLISHED:
                    inodes.add(fields[9])
    return inodes


def connections_per_process(pids: list[int], port: int) -> list[int]:
    """For each of ``pids``, how many established connections to ``port`` it holds the server side of."""
    inodes = _established_inodes(port)
    counts = []
    for pid in pids:
        held = 0
        with contextlib.suppress(OSError):
            for fd in os.scandir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    target = os.readlink(fd.path)
                    if target.startswith("socket:[") and target[8:-1] in inodes:
                        held += 1
        counts.append(held)
    return counts


def evenly_spread(pids: list[int], port: int, expected: int, share: float = 0.875, wait_s: float = 1.0) -> bool:
    """Whether each of ``pids`` holds at least ``share`` of its fair part of the ``expected`` connections,
    once all of them are accepted (or ``wait_s`` passed)."""
    deadline = time.monotonic() + wait_s
    while True:
        counts = connections_per_process(pids, port)
        if sum(counts) >= expected or time.monotonic() > deadline:
            return min(counts) >= share * expected / len(pids)
        time.sleep(0.005)
