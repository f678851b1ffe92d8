"""Meilisearch task outcomes (pure). ``wait_for_task`` returns a failed task without raising, so every
awaited task goes through ``check_task``."""

from collections.abc import Mapping
from typing import Any

from search.engine import SearchEngineError

PENDING = frozenset({"enqueued", "processing"})


class TaskFailed(SearchEngineError):
    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


def _field(task: Any, *names: str) -> Any:
    for name in names:
        if isinstance(task, Mapping):
            if name in task:
                return task[name]
        elif hasattr(task, name):
            return getattr(task, name)
    return None


def task_uid(task: Any) -> int:
    """The uid of a Task, a TaskInfo (``task_uid``) or their JSON."""
    uid = _field(task, "uid", "task_uid", "taskUid")
    if uid is None:
        raise SearchEngineError(f"not a Meilisearch task: {task!r}")
    return int(uid)


def task_status(task: Any) -> str:
    return str(_field(task, "status"))


def is_finished(task: Any) -> bool:
    return task_status(task) not in PENDING


def check_task(task: Any) -> None:
    """Returns if the task succeeded; raises TaskFailed with Meilisearch's error if it failed, was canceled or
    has not finished (nothing a caller may treat as written)."""
    status = task_status(task)
    if status == "succeeded":
        return
    uid = _field(task, "uid", "task_uid", "taskUid")
    kind = _field(task, "type") or "task"
    index = _field(task, "index_uid", "indexUid")
    where = f" on index {index}" if index else ""
    if status == "failed":
        error = _field(task, "error") or {}
        code = error.get("code") if isinstance(error, Mapping) else None
        message = error.get("message") if isinstance(error, Mapping) else str(error)
        raise TaskFailed(f"Meilisearch task {uid} ({kind}{where}) failed: {code}: {message}", code=code)
    if status == "canceled":
        raise TaskFailed(f"Meilisearch task {uid} ({kind}{where}) was canceled", code="canceled")
    raise TaskFailed(f"Meilisearch task {uid} ({kind}{where}) has not finished (status {status})", code=status)
