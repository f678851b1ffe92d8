"""The rebuild's progress bars (workers/progress_bars.py) as a ``projectors.rebuild.Progress``."""

import io

import pytest
from rich.console import Console

from projectors.rebuild import Progress
from workers.progress_bars import RebuildBars


def console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=140, force_terminal=False), out


def test_each_phase_gets_a_bar_with_counts_and_rate_and_the_last_one_is_completed():
    screen, out = console()
    bars: Progress
    with RebuildBars(screen, label="projections") as bars:
        bars.start("courses", 250)
        for _ in range(5):
            bars.advance(50)
        bars.start("changes made meanwhile", None)
        bars.advance(7)
    text = out.getvalue()
    assert "projections: courses" in text and "250/250" in text and "courses/s" in text
    assert "projections: changes made meanwhile" in text and "7/7" in text  # its total is what it did


def test_an_open_ended_phase_that_did_nothing_leaves_no_line_and_a_failure_stops_the_bars():
    screen, out = console()
    with pytest.raises(RuntimeError), RebuildBars(screen) as bars:
        bars.start("courses", 10)
        bars.advance(10)
        bars.start("changes made meanwhile", None)
        raise RuntimeError("interrupted")
    assert "rebuild: courses" in out.getvalue() and "meanwhile" in out.getvalue()  # shown as it was

    screen, out = console()
    with RebuildBars(screen) as bars:
        bars.start("courses", 3)
        bars.advance(3)
        bars.start("changes made meanwhile", None)
    assert "rebuild: courses" in out.getvalue() and "meanwhile" not in out.getvalue()
