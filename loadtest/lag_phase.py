"""The lag phase of ``make bench-projections``: after the rebuild, the services start on the private
platform, the teachers of the chosen courses log in, a warm-up runs (not measured) and the queues drain,
then ``--rate`` commands a second for ``--seconds`` on a fixed schedule (``loadtest.commit_lag``), with the
CPU each process used (``loadtest.cpu_usage``), the projector's own lag samples and RQ's job records
(``loadtest.pipeline_stages``)."""

import asyncio
import contextlib
import math
import os
import time
from datetime import UTC, datetime

from loadtest import cpu_usage
from loadtest.authoring_targets import log_in, pick_targets
from loadtest.commit_lag import CardWatcher, drive, wait_visible
from loadtest.lean_http import LeanClient
from loadtest.pipeline_stages import stage_samples, wait_drained
from loadtest.private_platform import PrivatePlatform
from loadtest.projections_report import LagFacts
from projectors.backlog import Backlog
from projectors.layout import CARDS, SEARCH, ReadModelKeys


def say(line: str) -> None:
    print(f"[bench] {line}", flush=True)


def measure_lag(platform: PrivatePlatform, args) -> LagFacts:
    quiet_s = platform.quiesce()
    say(f"PostgreSQL CHECKPOINT and Redis AOF rewrite done in {quiet_s:.1f} s")
    say(f"starting the command API, the relay and {args.workers} worker(s)")
    platform.start_services(args.workers)
    chosen = pick_targets(platform.settings, args.write_courses)
    if not chosen:
        raise RuntimeError("no published course of a verified teacher to send commands to")
    prefix = platform.settings.redis_key_prefix
    keys = ReadModelKeys(prefix)
    with contextlib.closing(platform.redis()) as redis, contextlib.closing(platform.redis()) as watched:
        cards_key = keys.data(CARDS, int(redis.hget(keys.active, CARDS)))
        watcher = CardWatcher(watched, cards_key)
        watcher.start()
        try:
            lag = asyncio.run(_lag(platform, args, chosen, watcher, Backlog(redis, prefix)))
        finally:
            watcher.stop()
    lag.quiesce_s = quiet_s
    return lag


async def _lag(platform: PrivatePlatform, args, chosen, watcher: CardWatcher, backlog: Backlog) -> LagFacts:
    client = LeanClient(platform.api_url)
    try:
        tokens = await log_in(client, chosen)
        say(f"{len(chosen)} courses of {len(tokens)} teacher(s); warming up {args.warmup:g} s at {args.rate:g}/s")
        warm = await drive(client, chosen, tokens, watcher, args.rate, args.warmup, seed=args.seed + 1)
        warm_settle = await wait_visible(watcher, args.settle_timeout)
        failed = [s for s in warm.samples if not s.ok]
        unseen = [s for s in warm.samples if s.ok and s.visible is None]
        warmup = (
            f"{len(warm.samples):,} commands in {args.warmup:g} s, {len(failed):,} failed; "
            + (f"{len(unseen):,} not visible" if unseen else "all visible")
            + f" {warm_settle:.1f} s after the last answer"
        )
        say(f"warm-up: {warmup}")
        if len(failed) == len(warm.samples):
            raise RuntimeError(f"warm-up: every command failed, e.g. {failed[0].error}")
        await asyncio.to_thread(wait_drained, platform.settings, args.settle_timeout)  # start with empty queues
        for name in (CARDS, SEARCH):  # the projector's lag samples of the measured run only
            backlog.redis.delete(backlog.keys.lag(name))
        say(f"measuring: {args.rate:g} commands/s for {args.seconds:g} s")
        since = datetime.now(UTC)
        roots = platform.process_roots() | {"benchmark client (this process)": os.getpid()}
        cpu_before, cpu_began = cpu_usage.snapshot(roots), time.perf_counter()
        run = await drive(client, chosen, tokens, watcher, args.rate, args.seconds, seed=args.seed,
                          first_index=len(warm.samples))  # fmt: skip
        settle = await wait_visible(watcher, args.settle_timeout)
        cpu = cpu_usage.cores_used(cpu_before, cpu_usage.snapshot(roots), time.perf_counter() - cpu_began)
        if not await asyncio.to_thread(wait_drained, platform.settings, args.settle_timeout):
            say("the queues still held jobs at the end: the stage table leaves those out")
        window = math.ceil(time.perf_counter() - run.started) + 2
        internal = {name: backlog.recent_lags(name, window) for name in (CARDS, SEARCH)}
    finally:
        await client.aclose()
    stages = stage_samples(platform.settings, since)
    return LagFacts(run, len(chosen), len(tokens), args.workers, settle, internal, stages, cpu, warmup)
