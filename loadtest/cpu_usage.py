"""CPU time per process tree over a stretch of a benchmark, from /proc: which of the platform's processes
kept the cores busy, and how busy the rest of the machine was meanwhile (a shared machine skews latency)."""

import contextlib
import os
from pathlib import Path

TICK_S = 1 / os.sysconf("SC_CLK_TCK")
MACHINE = "whole machine"
OTHERS = "everything else on the machine"


def _processes() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds so far, its own and that of its children it has reaped: the workers of
    a process pool that has ended count towards the process that started them)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                found[int(entry.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) * TICK_S)
    return found


def children(pid: int) -> list[int]:
    """The pids whose parent is ``pid``."""
    return sorted(child for child, (parent, _) in _processes().items() if parent == pid)


def command_line(pid: int) -> str:
    """A process's command line, its arguments joined by spaces ('' once it has gone)."""
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    return ""


def _machine_busy_s() -> float:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) * TICK_S  # user .. steal; guest time is already in user


def snapshot(roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds of each named process and its descendants (but not another named one's), and of the whole
    machine."""
    processes = _processes()
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    used, named = {}, set(roots.values())
    for name, root in roots.items():
        total, stack = 0.0, [root]
        while stack:
            pid = stack.pop()
            if pid in processes:
                total += processes[pid][1]
                stack.extend(child for child in children.get(pid, ()) if child not in named)
        used[name] = total
    used[MACHINE] = _machine_busy_s()
    return used


def cores_used(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    """Average cores each tree kept busy between two snapshots; ``OTHERS`` is the machine's rest."""
    cores = {name: max(0.0, after[name] - before.get(name, 0.0)) / seconds for name in after}
    ours = sum(value for name, value in cores.items() if name != MACHINE)
    cores[OTHERS] = max(0.0, cores.pop(MACHINE) - ours)
    return cores
