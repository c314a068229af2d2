"""The job consumer: huey's, patient with a queue that is down, sweeping when it comes back."""

from __future__ import annotations

import logging
import threading
import time

from huey.consumer import Consumer, Scheduler, Worker

from bimtek import jobs

log = logging.getLogger("bimtek.jobs")


class QueueHealth:
    """Whether the queue answers; a dead one is asked again after a growing pause (1 s up to 30 s)."""

    def __init__(self, queue):
        self.queue = queue
        self.delay = 1.0
        self.next_check = 0.0
        self.up = True
        self.lock = threading.Lock()
        self.on_recover = None

    def ping(self) -> None:
        """Raise if the queue can't be reached."""
        conn = getattr(self.queue.storage, "conn", None)
        if conn is not None and hasattr(conn, "ping"):
            conn.ping()
        else:
            self.queue.storage.queue_size()

    def ok(self) -> bool:
        """True when the queue answers; logs one line per failed attempt, never a traceback storm."""
        with self.lock:
            now = time.monotonic()
            if now < self.next_check:
                return self.up
            try:
                self.ping()
            except Exception as err:
                log.warning("Job queue unreachable (%s); trying again in %.0f s", type(err).__name__, self.delay)
                self.up, self.next_check = False, now + self.delay
                self.delay = min(self.delay * 2, 30.0)
                return False
            recovered = not self.up
            self.up, self.delay, self.next_check = True, 1.0, now + 1.0
        if recovered:
            log.warning("Job queue reachable again")
            if self.on_recover:
                self.on_recover()
        return True


class BackoffWorker(Worker):
    """A huey worker that waits while the queue is down instead of logging a traceback per poll."""

    health: QueueHealth

    def loop(self, now=None):
        if not self.health.ok():
            self.stop_flag.wait(1.0)
            return
        super().loop(now)


class BackoffScheduler(Scheduler):
    """The scheduler, quiet and patient while the queue is down."""

    health: QueueHealth

    def loop(self, now=None):
        if not self.health.ok():
            self.stop_flag.wait(1.0)
            return
        super().loop(now)


def consumer(workers: int = 2) -> Consumer:
    """A huey consumer that backs off while the queue is down and sweeps when it comes back."""
    health = QueueHealth(jobs.huey)

    def recovered() -> None:
        with jobs._app().app_context():
            jobs.sweep()

    health.on_recover = recovered
    worker_class = type("Worker", (BackoffWorker,), {"health": health})
    scheduler_class = type("Scheduler", (BackoffScheduler,), {"health": health})
    klass = type("BimtekConsumer", (Consumer,), {"worker_class": worker_class, "scheduler_class": scheduler_class})
    made = klass(jobs.huey, workers=workers, worker_type="thread")
    made.health = health
    return made
