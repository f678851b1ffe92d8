"""How a seed run reports its progress: rich progress bars (one per table, with rows/s) for ``edu seed``,
plain lines for the dev stack's log, nothing for tests."""

from typing import Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

from seed.generator import Table


class Reporter(Protocol):
    def start(self, tables: list[Table]) -> None: ...

    def rows(self, table: Table, count: int) -> None: ...

    def note(self, message: str) -> None: ...

    def finish(self) -> None: ...


class Silent:
    def start(self, tables: list[Table]) -> None:
        pass

    def rows(self, table: Table, count: int) -> None:
        pass

    def note(self, message: str) -> None:
        pass

    def finish(self) -> None:
        pass


class RowsPerSecond(ProgressColumn):
    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} rows/s" if speed else "", style="progress.data.speed")


class Bars:
    """One rich progress bar per table."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("{task.description:<26}"),
            BarColumn(bar_width=12),
            MofNCompleteColumn(),
            RowsPerSecond(),
            TimeElapsedColumn(),
            console=console,
        )
        self._tasks: dict[str, TaskID] = {}

    def start(self, tables: list[Table]) -> None:
        for table in tables:
            self._tasks[table.name] = self._progress.add_task(f"{table.domain}.{table.name}", total=table.count)
        self._progress.start()

    def rows(self, table: Table, count: int) -> None:
        self._progress.advance(self._tasks[table.name], count)

    def note(self, message: str) -> None:
        self._progress.console.print(message)

    def finish(self) -> None:
        self._progress.stop()


class Lines:
    """A line when each table is loaded, through ``say`` (the dev stack prefixes its own lines)."""

    def __init__(self, say) -> None:
        self._say = say
        self._done: dict[str, int] = {}

    def start(self, tables: list[Table]) -> None:
        self._done = {table.name: 0 for table in tables}

    def rows(self, table: Table, count: int) -> None:
        self._done[table.name] += count
        if self._done[table.name] >= table.count and count:
            self._say(f"seeded {table.domain}.{table.name}: {table.count:,} rows")

    def note(self, message: str) -> None:
        self._say(message)

    def finish(self) -> None:
        pass
