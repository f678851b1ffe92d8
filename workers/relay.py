"""The outbox relay: moves every domain's committed events onto the RQ events queue (docs/adr/0002-outbox.md).

One pass, per domain database, repeats until the outbox has nothing undelivered left:
``SELECT ... WHERE delivered_at IS NULL ORDER BY id LIMIT n FOR UPDATE SKIP LOCKED``, enqueue the rows as
jobs (one Redis pipeline), mark them delivered, commit. There is no "last id" watermark, so a row that
commits after a higher-numbered one is still undelivered and is claimed by the next pass (the commit-order
gap). Enqueueing comes before the commit, so a relay killed between the two leaves its rows undelivered and
they are enqueued again: at least once; consumers dedupe on ``event_id``. ``SKIP LOCKED`` lets several
relays run at once without handing the same row to two of them.

Passes are woken by ``LISTEN edu_outbox`` (one listening connection per domain database, each in its own
thread) and also run every ``poll_interval`` seconds, because NOTIFY is not durable. Delivered rows older
than ``retention`` are deleted in small batches.
"""

import logging
import threading
import time
from datetime import timedelta

import psycopg
from psycopg.rows import dict_row
from redis.exceptions import RedisError
from rq import Queue

from projectors.connections import DomainConnections
from projectors.queues import EVENTS_JOB, event_to_job, job_retry, new_job_id
from write.outbox import NOTIFY_CHANNEL, DeliveredEvent
from write.settings import DOMAINS, WriteSettings

log = logging.getLogger("edu.relay")

CLAIM = """
SELECT id, event_id, event_type, aggregate_type, aggregate_id, aggregate_version, payload, occurred_at
FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT %(batch)s FOR UPDATE SKIP LOCKED
"""
MARK = "UPDATE outbox SET delivered_at = now(), attempts = attempts + 1 WHERE id = ANY(%(ids)s)"
PRUNE = """
DELETE FROM outbox WHERE id IN (
    SELECT id FROM outbox WHERE delivered_at < now() - %(retention)s
    ORDER BY id LIMIT %(batch)s FOR UPDATE SKIP LOCKED
)
"""


def conninfo(settings: WriteSettings, domain: str) -> str:
    return settings.libpq_url(domain)


class OutboxRelay:
    def __init__(
        self,
        settings: WriteSettings,
        queue: Queue,
        *,
        domains: tuple[str, ...] = DOMAINS,
        batch_size: int = 200,
        poll_interval: float = 2.0,
        retention: timedelta = timedelta(hours=1),
        prune_batch: int = 1000,
        prune_interval: float = 60.0,
    ) -> None:
        self.settings = settings
        self.queue = queue
        self.domains = domains
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.retention = retention
        self.prune_batch = prune_batch
        self.prune_interval = prune_interval
        self._connections = DomainConnections(settings, row_factory=dict_row)
        self._wake = threading.Event()
        self._stop = threading.Event()

    # -- one pass -------------------------------------------------------------------------------------

    def deliver_batch(self, domain: str) -> int:
        """Claims, enqueues and marks at most ``batch_size`` rows of one domain in one transaction."""
        connection = self._connections.get(domain)
        try:
            with connection.transaction():
                rows = connection.execute(CLAIM, {"batch": self.batch_size}).fetchall()
                if not rows:
                    return 0
                jobs = [
                    Queue.prepare_data(
                        EVENTS_JOB,
                        args=(event_to_job(DeliveredEvent.from_row(row)),),
                        job_id=new_job_id(self.queue),
                        description=f"{row['event_type']} {row['event_id']}",
                        retry=job_retry(),
                    )
                    for row in rows
                ]
                with self.queue.connection.pipeline() as pipe:
                    self.queue.enqueue_many(jobs, pipeline=pipe)
                    pipe.execute()
                connection.execute(MARK, {"ids": [row["id"] for row in rows]})
            return len(rows)
        except BaseException:
            self._connections.drop(domain)
            raise

    def deliver_pending(self, domain: str) -> int:
        """Claims batches until none is left (a short batch may only mean another relay holds some rows)."""
        total = 0
        while not self._stop.is_set() and (delivered := self.deliver_batch(domain)) > 0:
            total += delivered
        return total

    def pass_once(self) -> int:
        """Delivers everything undelivered in every domain; returns how many rows this relay delivered."""
        return sum(self.deliver_pending(domain) for domain in self.domains)

    def prune(self) -> int:
        """Deletes delivered rows older than the retention, ``prune_batch`` rows per transaction."""
        total = 0
        for domain in self.domains:
            connection = self._connections.get(domain)
            while True:
                with connection.transaction():
                    cursor = connection.execute(PRUNE, {"retention": self.retention, "batch": self.prune_batch})
                total += cursor.rowcount
                if cursor.rowcount < self.prune_batch:
                    break
        return total

    def close(self) -> None:
        self._connections.close()

    # -- the loop -------------------------------------------------------------------------------------

    def _listen(self, domain: str) -> None:
        """Sets the wake flag on every NOTIFY of one domain database; reconnects after failures."""
        while not self._stop.is_set():
            try:
                with psycopg.connect(conninfo(self.settings, domain), autocommit=True) as connection:
                    connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self._wake.set()  # anything committed while we were not listening
                    while not self._stop.is_set():
                        for _ in connection.notifies(timeout=1.0):
                            self._wake.set()
            except psycopg.Error as error:
                log.warning("LISTEN on %s failed (%s); retrying", domain, error)
                self._stop.wait(1.0)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def run(self) -> None:
        """Runs until ``stop()``: a pass on every wake-up or poll tick, a prune every ``prune_interval``."""
        listeners = [
            threading.Thread(target=self._listen, args=(domain,), name=f"listen-{domain}", daemon=True)
            for domain in self.domains
        ]
        for listener in listeners:
            listener.start()
        next_prune = time.monotonic()
        try:
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    delivered = self.pass_once()
                    if delivered:
                        log.info("delivered %d events", delivered)
                    if time.monotonic() >= next_prune:
                        pruned = self.prune()
                        if pruned:
                            log.info("pruned %d delivered events", pruned)
                        next_prune = time.monotonic() + self.prune_interval
                except (psycopg.Error, RedisError, OSError) as error:
                    log.warning("relay pass failed (%s); retrying", error)
                    self.close()
                    self._stop.wait(1.0)
                    continue
                self._wake.wait(self.poll_interval)
        finally:
            self.stop()
            self.close()
