"""The processes of a running stack, by role, from their command lines: which part of the platform kept
the cores busy during a load test."""

from pathlib import Path

from loadtest.cpu_usage import command_line

# role -> a piece of the command line that marks it (the first role that matches wins)
ROLES = (
    ("command API", "write.app"),
    ("read API", "read.app"),
    ("web", "web.app"),
    ("relay", "workers.cli relay"),
    ("workers", "workers.cli worker"),
    ("PostgreSQL", "postgres"),
    ("Redis", "redis-server"),
)


def role_of(command: str) -> str | None:
    return next((role for role, mark in ROLES if mark in command), None)


def platform_processes() -> dict[str, int]:
    """name -> pid of each process of the platform (``role pid``), found in /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            command = command_line(int(entry.name))
            role = role_of(command)
            if role is not None and "locust" not in command:
                found[f"{role} {entry.name}"] = int(entry.name)
    return found
