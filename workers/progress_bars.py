"""Rich progress bars for long projection jobs (``edu seed``, ``edu projections rebuild``).

``RebuildBars`` is a ``projectors.rebuild.Progress``: each phase the rebuild starts (``start(phase,
total)``) gets its own bar -- description, bar, completed/total, rate, ETA -- and the previous phase's bar is
marked complete. A phase of unknown size (``total=None``: the catch-up) shows a pulsing bar and ``n/?``, and
no line at all if it ends having done nothing.
Use it as a context manager, so the bars stop (and the last one shows its final count) however the rebuild
ends::

    with RebuildBars(console) as bars:
        rebuild(rt, progress=bars)
"""

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Items per second, e.g. ``1,234 courses/s``."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.fields.get("rate") or task.finished_speed or task.speed
        return Text(f"{speed:,.0f} {self.unit}/s" if speed else "", style="progress.data.speed")


class RebuildBars:
    """``projectors.rebuild.Progress`` as rich progress bars, one per phase."""

    def __init__(self, console: Console, *, label: str = "rebuild", unit: str = "courses") -> None:
        self.label = label
        self._progress = Progress(
            TextColumn("{task.description:<34}"),
            BarColumn(bar_width=30),
            MofNCompleteColumn(),
            RateColumn(unit),
            TimeRemainingColumn(compact=True, elapsed_when_finished=True),
            console=console,
        )
        self._task: TaskID | None = None
        self._started = False

    # -- projectors.rebuild.Progress ------------------------------------------------------------------------

    def start(self, phase: str, total: int | None) -> None:
        self._finish_task()
        if not self._started:
            self._progress.start()
            self._started = True
        self._task = self._progress.add_task(f"{self.label}: {phase}", total=total)

    def advance(self, done: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, done)

    # -- the bars' lifetime -----------------------------------------------------------------------------------

    def _finish_task(self) -> None:
        """Shows the current phase as done: its total becomes what it did (an open-ended phase has none
        until then) and its rate the average over the whole phase."""
        if self._task is None:
            return
        task = next(t for t in self._progress.tasks if t.id == self._task)
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else None
        # An open-ended phase that found nothing to do (no changes during the scan) is not worth a line.
        hide = task.total is None and task.completed == 0
        self._progress.update(self._task, total=task.completed, rate=rate, visible=not hide)
        self._progress.stop_task(self._task)
        self._task = None

    def stop(self, *, completed: bool = True) -> None:
        if completed:
            self._finish_task()
        if self._started:
            self._progress.stop()
            self._started = False

    def __enter__(self) -> "RebuildBars":
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.stop(completed=exc_type is None)
