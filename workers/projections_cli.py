"""``edu projections status | rebuild | verify | requeue`` (contract §2)."""

import typer
from rich.console import Console
from rich.table import Table

from projectors.layout import PROJECTIONS

projections_app = typer.Typer(help="The read model: watch, rebuild, verify, requeue.", no_args_is_help=True)
console = Console()

SHOWN_DIFFERENCES = 50


def _runtime():
    from projectors.runtime import Runtime

    return Runtime.from_environment()


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} ms"


@projections_app.command("status")
def status_command() -> None:
    """Per projection: active version, documents, recent lag (p50/p99); queues, backlogs, failures."""
    from projectors.status import status

    rt = _runtime()
    try:
        report = status(rt)
    finally:
        rt.close()
    window = rt.projector_settings.lag_window_seconds
    table = Table("projection", "active", "building", "documents", f"lag p50 ({window} s)", "lag p99", "samples")
    for p in report.projections:
        table.add_row(p.name, p.active or "[red]none[/red]", p.building or "", f"{p.documents:,}",
                      _ms(p.lag_p50_ms), _ms(p.lag_p99_ms), f"{p.lag_samples:,}")  # fmt: skip
    console.print(table)
    queues = Table("queue", "waiting", "scheduled retries", "failed (parked)")
    for name, depth in report.queues.items():
        queues.add_row(name, f"{depth['waiting']:,}", f"{depth['scheduled']:,}", f"{depth['failed']:,}")
    console.print(queues)
    backlog = ", ".join(f"{d} {'?' if n is None else n}" for d, n in report.outbox_backlog.items())
    console.print(f"Outbox backlog (undelivered events): {backlog}")
    console.print(
        "Courses waiting to be projected: "
        + "; ".join(
            f"{lane}: {report.dirty[lane]:,} changed, {report.delayed[lane]:,} to retry" for lane in report.dirty
        )
        + f"; {len(report.parked):,} parked"
    )
    for course_id, parked in list(report.parked.items())[:10]:
        console.print(f"  parked {course_id} after {parked['attempts']} attempts: {parked['error']}")
    if report.parked or any(d["failed"] for d in report.queues.values()):
        console.print("Requeue failures with: edu projections requeue")
    if report.read_model_missing:
        console.print(
            f"[red]The read model is missing[/red] although {report.published_courses:,} courses are published "
            "(Redis restarted empty?). Bring it back with: edu projections rebuild"
        )


@projections_app.command("rebuild")
def rebuild_command(
    names: list[str] = typer.Argument(None, help=f"Projections to rebuild (default: all): {', '.join(PROJECTIONS)}."),
) -> None:
    """Rebuild from the write side while reads go on; switch atomically when done."""
    from projectors.rebuild import RebuildInProgress, rebuild
    from workers.progress_bars import RebuildBars

    unknown = [n for n in names or [] if n not in PROJECTIONS]
    if unknown:
        console.print(f"[red]Unknown projections:[/red] {', '.join(unknown)} (known: {', '.join(PROJECTIONS)})")
        raise typer.Exit(2)
    rt = _runtime()
    try:
        with RebuildBars(console) as progress:
            report = rebuild(rt, names or None, progress)
    except RebuildInProgress as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        console.print("Interrupted: the new versions were dropped; the live ones were never touched.")
        raise typer.Exit(130) from None
    finally:
        rt.close()
    if report.parked:
        console.print(
            f"[yellow]{report.parked:,} courses could not be projected and were parked[/yellow] "
            "(their errors: edu projections status; after fixing them: edu projections requeue)"
        )
    switched = ", ".join(f"{name} → {version}" for name, version in report.versions.items())
    console.print(
        f"Rebuilt {report.courses:,} courses in {report.seconds.get('build', 0):.1f} s "
        f"(+{report.caught_up:,} changed meanwhile); now active: {switched}"
    )


@projections_app.command("verify")
def verify_command(
    repair: bool = typer.Option(False, "--repair", help="Fix every difference found, then verify again."),
) -> None:
    """Compare every projection with the write side; exit 1 listing the differences."""
    from projectors.verify import verify
    from workers.progress_bars import RebuildBars

    rt = _runtime()
    try:
        with RebuildBars(console, label="verify") as progress:
            first = verify(rt, progress=progress)
        if first.differences:
            _print_differences(first.differences, "Differences")
        final = verify(rt, repair=True) if repair and first.differences else first
    finally:
        rt.close()
    checked = ", ".join(f"{name} {count:,}" for name, count in final.checked.items())
    console.print(f"Checked: {checked}; {final.pending:,} courses pending (changes on their way) left out.")
    if repair and first.differences:
        console.print(f"Repaired {final.repaired:,} items.")
    if final.differences:
        if repair:
            _print_differences(final.differences, "Still different after the repair")
        raise typer.Exit(1)
    console.print("[green]Every projection agrees with the write side.[/green]")


def _print_differences(differences: list, title: str) -> None:
    table = Table("projection", "key", "problem", title=f"{title}: {len(differences):,}")
    for difference in differences[:SHOWN_DIFFERENCES]:
        table.add_row(difference.projection, difference.key, difference.problem)
    console.print(table)
    if len(differences) > SHOWN_DIFFERENCES:
        console.print(f"… and {len(differences) - SHOWN_DIFFERENCES:,} more")


@projections_app.command("requeue")
def requeue_command(
    course_ids: list[str] = typer.Argument(None, help="Parked courses to retry (default: every parked course)."),
    jobs: bool = typer.Option(True, "--jobs/--no-jobs", help="Also requeue the failed RQ jobs."),
) -> None:
    """Retry parked courses and failed jobs (after fixing what made them fail)."""
    import uuid

    from projectors.requeue import requeue_failures

    try:
        ids = [uuid.UUID(i) for i in course_ids] if course_ids else None
    except ValueError:
        console.print("[red]Not a course id[/red]")
        raise typer.Exit(2) from None
    rt = _runtime()
    try:
        courses, requeued_jobs = requeue_failures(rt, ids, jobs=jobs)
    finally:
        rt.close()
    console.print(f"Requeued {courses:,} parked courses and {requeued_jobs:,} failed jobs.")
