"""In-process periodic work: SLA reminders and recovery of messages a crash left unanswered.

Every job claims its work in the database, so several replicas can run this loop side by side.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from storage.tables import utcnow

log = logging.getLogger(__name__)

# A job does what is due at the round's time; every job of a round sees the same `now`.
Job = Callable[[datetime], Awaitable[object]]


class Ticks(Protocol):
    """When the next round is due: wall-clock intervals in production, a test's hand in tests."""

    async def wait(self, interval: float, stopping: asyncio.Event) -> bool:
        """Return True when a round is due, False once `stopping` is set."""
        ...


class IntervalTicks:
    """A round every `interval` seconds of real time."""

    async def wait(self, interval: float, stopping: asyncio.Event) -> bool:
        """Sleep one interval, waking early (and saying so) when the loop stops."""
        try:
            await asyncio.wait_for(stopping.wait(), timeout=interval)
        except TimeoutError:
            return True
        return False


class Scheduler:
    """Run each job every `interval` seconds until stopped; a failing job is logged and retried."""

    def __init__(
        self,
        jobs: dict[str, Job],
        *,
        interval: float = 30.0,
        ticks: Ticks | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._jobs = jobs
        self._interval = interval
        # Both replaceable until start(): tests drive the rounds and their time themselves.
        self.ticks: Ticks = ticks or IntervalTicks()
        self.clock = clock
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def job_names(self) -> list[str]:
        """The jobs every round runs, in order."""
        return list(self._jobs)

    def start(self) -> None:
        """Start the loop in the background."""
        self._task = asyncio.create_task(self._loop(), name="scheduler")

    async def stop(self) -> None:
        """Stop the loop and wait for the running round to finish."""
        self._stopping.set()
        if self._task is not None:
            await self._task

    async def run_once(self, *, now: datetime | None = None) -> None:
        """Run every job once at `now` (default: the clock), each isolated from the others."""
        now = now or self.clock()
        for name, job in self._jobs.items():
            try:
                await job(now)
            except Exception:
                log.exception("scheduled job %s failed", name)

    async def _loop(self) -> None:
        # Start-up already did a round; the loop's first one comes one interval later.
        while not self._stopping.is_set():
            if not await self.ticks.wait(self._interval, self._stopping):
                return
            await self.run_once()
