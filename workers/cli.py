"""The ``edu`` command (contract §2), with the same EDU_* settings as the services."""

import asyncio
import enum
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from workers import stack
from workers.projections_cli import projections_app

if TYPE_CHECKING:
    from seed.runner import SeedReport

# No locals in tracebacks: they would print settings, secrets included.
app = typer.Typer(help="EduPlatform operations.", no_args_is_help=True, pretty_exceptions_show_locals=False)
admin_app = typer.Typer(help="Administrators.", no_args_is_help=True)
stack_app = typer.Typer(help="The local dev stack (make demo / up / down).", no_args_is_help=True)
db_app = typer.Typer(help="The write side's databases.", no_args_is_help=True)
app.add_typer(admin_app, name="admin")
app.add_typer(stack_app, name="stack")
app.add_typer(db_app, name="db")
app.add_typer(projections_app, name="projections")
console = Console()

WEB_UI = "http://127.0.0.1:8000"
COMMAND_API = "http://127.0.0.1:8001"
READ_API = "http://127.0.0.1:8002"
OPS_API = "http://127.0.0.1:8003"


class ScaleName(enum.StrEnum):
    demo = "demo"
    full = "full"


@admin_app.command("create")
def admin_create(
    email: str,
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    name: str | None = typer.Option(None, help="Display name (default: the email's local part)."),
) -> None:
    """Create an admin, or reset that admin's password (ending all of its sessions)."""
    from pydantic import TypeAdapter, ValidationError

    from write.context import CommandContext
    from write.errors import DomainError
    from write.identity.commands import create_or_reset_admin
    from write.identity.schemas import NewPassword, PersonName
    from write.settings import get_settings

    try:
        TypeAdapter(NewPassword).validate_python(password)
        if name is not None:
            name = TypeAdapter(PersonName).validate_python(name)
    except ValidationError as error:
        console.print(f"[red]Invalid input:[/red] {error.errors()[0]['msg']}")
        raise typer.Exit(2) from None

    async def create() -> tuple:
        ctx = CommandContext.build(get_settings())
        try:
            return await create_or_reset_admin(ctx, email, password, name)
        finally:
            await ctx.close()

    try:
        user, created = asyncio.run(create())
    except DomainError as error:
        console.print(f"[red]{error.message}[/red]")
        raise typer.Exit(1) from None
    console.print(f"Admin {user.email} {'created' if created else 'password reset'} (id {user.id}).")


@db_app.command("migrate")
def db_migrate() -> None:
    """Create the domain databases if needed and apply every migration."""
    from write.migrations import upgrade_all
    from write.settings import get_settings

    upgrade_all(get_settings())
    console.print("Migrations applied.")


@app.command("seed")
def seed_command(
    scale: ScaleName = typer.Option(..., help="demo: a few thousand courses in seconds; full: 100,000 courses."),
    seed: int = typer.Option(1, help="The same seed gives the same data, byte for byte."),
    reset: bool = typer.Option(False, "--reset", help="Empty the platform's tables first (never anything else)."),
) -> None:
    """Load generated, realistic data into the write side's databases, then rebuild every projection from
    them (contract §2). Exits 1 when the projections cannot be rebuilt: the data would not be visible."""
    from seed.progress import Bars
    from seed.runner import seed_platform
    from seed.safety import DatabasesNotEmpty, SeedRefused
    from seed.scales import SCALES
    from write.settings import get_settings

    try:
        report = seed_platform(get_settings(), SCALES[scale.value], seed=seed, reset=reset, reporter=Bars(console))
    except DatabasesNotEmpty as error:
        console.print(f"[red]Refusing to seed:[/red] these tables already hold data: {', '.join(error.tables)}.")
        console.print("Run again with --reset to empty the platform's tables first.")
        raise typer.Exit(1) from None
    except SeedRefused as error:
        console.print(f"[red]Refusing to seed:[/red] {error}.")
        raise typer.Exit(1) from None
    _print_seed_report(report)
    # The bulk load writes no outbox events (ADR 0006): the projections are rebuilt from the tables.
    _rebuild_projections(after="seeded")


def _rebuild_projections(after: str) -> None:
    """Rebuilds every projection with progress bars; exits 1, saying why, if it cannot."""
    import time

    from projectors.rebuild import rebuild
    from projectors.runtime import Runtime
    from workers.progress_bars import RebuildBars

    started = time.perf_counter()
    rt = Runtime.from_environment()
    try:
        with RebuildBars(console, label="projections") as bars:
            report = rebuild(rt, progress=bars)
    except Exception as error:  # whatever it is, the person must know the read side does not show the data
        console.print(
            f"[red]The data is {after}, but the projections could not be rebuilt:[/red] {type(error).__name__}: {error}"
        )
        console.print("Nothing of it is visible to readers until `edu projections rebuild` succeeds.")
        raise typer.Exit(1) from None
    finally:
        rt.close()
    versions = ", ".join(
        f"{name} {version if str(version).startswith('v') else f'v{version}'}"
        for name, version in sorted(report.versions.items())
    )
    console.print(
        f"Projections rebuilt from the write side: {report.courses:,} published courses "
        f"in {time.perf_counter() - started:.1f} s ({versions})."
    )


def _print_seed_report(report: "SeedReport") -> None:
    from rich.table import Table

    table = Table(
        "table", "rows", "load s", "rows/s", title=f"edu seed --scale {report.scale.name} --seed {report.seed}"
    )
    for domain, load in report.loads.items():
        for name, seconds in load.copy.items():
            rows = report.rows[f"{domain}.{name}"]
            table.add_row(f"{domain}.{name}", f"{rows:,}", f"{seconds:.1f}", f"{rows / max(seconds, 1e-9):,.0f}")
        table.add_row(f"{domain}: keys, indexes / analyze", "", f"{load.rebuild:.1f} / {load.analyze:.1f}", "")
    console.print(table)
    planned, total = report.plan_seconds, report.total_seconds
    console.print(f"Databases checked and data planned in {planned:.1f} s; seeded in {total:.1f} s in all.")


@app.command("relay")
def relay_command(
    once: bool = typer.Option(False, "--once", help="Deliver what is undelivered now, then exit."),
    domain: list[str] = typer.Option(None, "--domain", help="Only these domains' outboxes (default: all)."),
    batch_size: int = typer.Option(200, min=1, envvar="EDU_RELAY_BATCH_SIZE", help="Rows per transaction."),
    poll_seconds: float = typer.Option(2.0, min=0.05, envvar="EDU_RELAY_POLL_SECONDS", help="Polling fallback."),
    retention_seconds: int = typer.Option(
        3600, min=0, envvar="EDU_RELAY_RETENTION_SECONDS", help="Keep delivered outbox rows this long."
    ),
) -> None:
    """Move committed events from every domain's outbox onto the RQ events queue (LISTEN + polling)."""
    import logging
    import signal
    from datetime import timedelta

    from projectors.queues import events_queue
    from projectors.settings import get_projector_settings
    from workers.relay import OutboxRelay
    from write.settings import DOMAINS, get_settings

    unknown = sorted(set(domain or ()) - set(DOMAINS))
    if unknown:
        console.print(f"[red]Unknown domain(s):[/red] {', '.join(unknown)}")
        raise typer.Exit(2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = get_settings()
    relay = OutboxRelay(
        settings,
        events_queue(settings),
        domains=tuple(domain) if domain else DOMAINS,
        batch_size=batch_size,
        poll_interval=poll_seconds,
        retention=timedelta(seconds=retention_seconds),
    )
    if once:
        try:
            delivered = relay.pass_once()
        finally:
            relay.close()
        console.print(f"Delivered {delivered} events.")
        return
    ops = _serve_ops(settings, get_projector_settings().relay_ops_port, "EDU_RELAY_OPS_PORT")
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: relay.stop())
    try:
        relay.run()
    finally:
        if ops is not None:
            ops.close()


@app.command("worker")
def worker_command(
    burst: bool = typer.Option(
        False, "--burst", help="Run the queued event jobs, re-project what they marked, exit (no ops endpoints)."
    ),
) -> None:
    """Run an RQ worker on the projections' events queue (with RQ's scheduler for retries) and the
    refresher of each projection lane (one process at a time leads each lane; the others stand by).

    Serves /metrics and /health/* on EDU_WORKER_OPS_PORT (9101; a second worker needs another port)."""
    import logging

    from projectors.settings import get_projector_settings
    from workers.worker import run_worker
    from write.settings import get_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = get_settings()
    # A burst run is a one-off (tests, scripts): it serves nothing, so it never competes for the port.
    ops = None if burst else _serve_ops(settings, get_projector_settings().worker_ops_port, "EDU_WORKER_OPS_PORT")
    try:
        run_worker(settings, burst=burst)
    finally:
        if ops is not None:
            ops.close()


def _serve_ops(settings, port: int, setting: str):
    """The process's /metrics and /health/* (None when its port setting is 0); exits 1 if the port is taken."""
    from workers.ops_http import PortInUse, serve_process_ops

    try:
        return serve_process_ops(settings, port, setting=setting)
    except PortInUse as error:
        console.print(f"[red]Cannot start:[/red] {error}.")
        raise typer.Exit(1) from None


@stack_app.command("run")
def stack_run() -> None:
    """Run the whole stack in the foreground (make demo). Ctrl-C stops everything it started."""
    raise typer.Exit(stack.run(on_ready=_announce))


@stack_app.command("up")
def stack_up() -> None:
    """Start the stack in the background; returns when every service is ready (make up)."""
    stack.up()
    _announce()


@stack_app.command("down")
def stack_down() -> None:
    """Stop the stack and its PostgreSQL and Redis; the data stays in ./.devstack (make down)."""
    stack.down()
    console.print("Stack stopped; data kept in ./.devstack.")


def _announce() -> None:
    from seed.demo_logins import DEMO_LOGINS

    console.print("\n[bold green]EduPlatform is ready[/bold green]")
    console.print(f"  web UI       {WEB_UI}   (search, courses, lessons; {WEB_UI}/teach for teachers,")
    console.print(f"               {WEB_UI}/admin/teachers and {WEB_UI}/ops/projections for admins)")
    console.print(f"  command API  {COMMAND_API}   (docs: {COMMAND_API}/docs)")
    console.print(f"  read API     {READ_API}   (docs: {READ_API}/docs)")
    console.print(f"  ops API      {OPS_API}   (docs: {OPS_API}/docs; admins only)")
    console.print("  workers, relay  :9101, :9103, :9102   (/metrics, /health/ready)")
    for login in DEMO_LOGINS:
        console.print(f"  {login.role:<8} {login.email} / {login.password}")
    console.print("  (Ctrl-C stops the stack when it runs in the foreground; make down otherwise)\n")


if __name__ == "__main__":
    app()
