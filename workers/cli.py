"""The ``edu`` command (contract §2), with the same EDU_* settings as the services."""

import asyncio
import enum
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from workers import stack

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
console = Console()

COMMAND_API = "http://127.0.0.1:8001"


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
    """Load generated, realistic data into the write side's databases (contract §2)."""
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
    # The bulk load writes no outbox events, so nothing reaches the projections by itself.
    console.print("Projections must now be rebuilt from the tables (edu projections rebuild, once it exists).")


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

    from workers.queues import events_queue
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
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: relay.stop())
    relay.run()


@app.command("worker")
def worker_command(
    burst: bool = typer.Option(False, "--burst", help="Exit once the queue is empty."),
) -> None:
    """Run an RQ worker on the projections' events queue."""
    from workers.worker import run_worker
    from write.settings import get_settings

    run_worker(get_settings(), burst=burst)


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
    console.print(f"  command API  {COMMAND_API}   (docs: {COMMAND_API}/docs)")
    for login in DEMO_LOGINS:
        console.print(f"  {login.role:<8} {login.email} / {login.password}")
    console.print("  (Ctrl-C stops the stack when it runs in the foreground; make down otherwise)\n")


if __name__ == "__main__":
    app()
