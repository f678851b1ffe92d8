"""The refreshers: a long-lived loop per lane in every ``edu worker`` process, of which exactly one per lane
works at a time -- the holder of the lane's lease (a Redis key with a time-to-live, renewed every round).

The leader waits on the lane's wake list (``Backlog.wait_for_work``: a blocking pop, no polling), which
every mark pushes to, then runs refresh rounds until nothing is claimed, and waits again. The others stand
by, trying for the lease every ``refresher_standby_seconds``; when a leader dies (even by SIGKILL) its
lease runs out after ``refresher_lock_seconds`` and one of them takes over, with the work list intact in
Redis. A leader that wakes without being woken (its wait timed out) still runs a round: retries that
came due are promoted then, without any event.

Why a loop and not an RQ job per drain (the first design): a job hop is a second wait in the events queue
behind whatever else waits there, and the search lane's writer lived only as long as a job, so every
drain opened a new tantivy IndexWriter -- threads, a memory arena and a commit that re-merges -- about
three times the CPU of a commit on a writer kept open (measured, docs/benchmarks.md). The leader keeps
its writer for as long as it leads, and lets go of both when asked to pause (``Runtime.as_refresher``:
a rebuild's switch, a repair), when it stops, or when it finds its lease lost.
"""

import logging
import threading
import time
import uuid
from collections.abc import Callable

from projectors import metrics
from projectors.backlog import SEARCH_LANE
from projectors.refresh import Projector
from projectors.settings import ProjectorSettings

log = logging.getLogger("edu.projectors.refresher")

# After a failed round (the write side or Redis unreachable, the search engine down), the leader lets go
# and waits this long, doubling up to the cap, so a dependency that is down is not hammered.
FAILURE_BACKOFF_SECONDS = (0.5, 10.0)
# Standby periods a refresher lets pass before taking a free lease while its process leads another lane.
DEFERRALS = 5


class LaneRefresher:
    """One lane's refresher loop (``run``), fed by its own ``Projector`` (and so its own source
    connections: a refresher runs on its own thread)."""

    def __init__(
        self, projector: Projector, settings: ProjectorSettings, siblings_leading: Callable[[], bool] = lambda: False
    ) -> None:
        self.projector = projector
        self.siblings_leading = siblings_leading
        self._deferred = 0
        self.backlog = projector.backlog
        self.lane = projector.backlog.lane
        self.settings = settings
        self.token = uuid.uuid4().hex
        self.leading = False
        self._ttl_ms = int(settings.refresher_lock_seconds * 1000)
        # A leader renews its lease at least this often, even with nothing to do.
        self._idle_seconds = min(settings.refresher_idle_seconds, settings.refresher_lock_seconds / 3)

    def run(self, stop: threading.Event) -> None:
        """Leads or stands by until ``stop`` is set; lets go of the lease (and writer) on the way out."""
        backoff = FAILURE_BACKOFF_SECONDS[0]
        try:
            while not stop.is_set():
                try:
                    self.step(stop.wait, stop.is_set)
                    backoff = FAILURE_BACKOFF_SECONDS[0]
                except Exception:
                    metrics.FAILURES.labels("round").inc()
                    log.exception("the %s refresher failed; retrying in %.1f s", self.lane, backoff)
                    self._let_go()
                    stop.wait(backoff)
                    backoff = min(backoff * 2, FAILURE_BACKOFF_SECONDS[1])
        finally:
            self._let_go()

    def step(self, sleep: Callable[[float], object], stopping: Callable[[], bool]) -> int:
        """One turn of the loop: take the lease if free (else wait a standby period), run rounds until
        nothing is left, then wait for a wake-up. Returns the courses projected."""
        if not self.leading:
            if self._defer_to_other_processes() or not self.backlog.take_lease(self.token, self._ttl_ms):
                sleep(self.settings.refresher_standby_seconds)
                return 0
            self._lead(True)
        projected = 0
        interval = self.settings.search_commit_interval_seconds if self.lane == SEARCH_LANE else 0.0
        while not stopping():
            claimed = self.projector.round()
            if not self.backlog.hold_lease(self.token, self._ttl_ms):  # paused, or lost after a stall
                self._let_go()
                return projected
            if not claimed:
                break
            projected += claimed
            if interval:  # let more changes gather into the next commit
                sleep(interval)
        if not stopping():
            self.backlog.wait_for_work(self._idle_seconds)
        return projected

    def _defer_to_other_processes(self) -> bool:
        """Passes up a free lease a few times while this process leads another lane, so that the lanes'
        leaders spread over the worker processes (and cores) when there are several, even when they start
        a few seconds apart; a lease nobody else takes is taken after that."""
        if self.siblings_leading() and self._deferred < DEFERRALS:
            self._deferred += 1
            return True
        self._deferred = 0
        return False

    def _lead(self, leading: bool) -> None:
        if leading != self.leading:
            log.info("%s the %s refresher", "now leading" if leading else "no longer leading", self.lane)
        self.leading = leading
        metrics.LEADING.labels(self.lane).set(1 if leading else 0)

    def _let_go(self) -> None:
        """Closes the search writer (so the next leader, in any process, can open one), then frees the
        lease if this refresher still holds it."""
        if self.lane == SEARCH_LANE:
            try:
                self.projector.engine.release_writer()
            except Exception:
                log.warning("closing the search writer failed", exc_info=True)
        if self.leading:
            try:
                self.backlog.release(self.token)
            except Exception:  # Redis down: the lease runs out by itself
                log.warning("releasing the %s lease failed", self.lane, exc_info=True)
        self._lead(False)


class Refreshers:
    """Every lane's refresher, each on a daemon thread of this process (``edu worker`` runs them beside
    RQ's job loop)."""

    def __init__(self, refreshers: list[LaneRefresher]) -> None:
        self.refreshers = refreshers
        for refresher in refreshers:
            refresher.siblings_leading = self._leading_besides(refresher)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _leading_besides(self, one: LaneRefresher) -> Callable[[], bool]:
        return lambda: any(other.leading for other in self.refreshers if other is not one)

    def start(self) -> None:
        for refresher in self.refreshers:
            thread = threading.Thread(
                target=refresher.run, args=(self._stop,), name=f"refresher-{refresher.lane}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 30.0) -> None:
        """Stops the loops after their current round; they let go of their leases."""
        self._stop.set()
        for refresher in self.refreshers:  # cut a wait for work short
            refresher.backlog.wake_all()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
