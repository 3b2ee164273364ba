"""In-process periodic work: SLA reminders and recovery of messages a crash left unanswered.

Every job claims its work in the database, so several replicas can run this loop side by side.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]


class Scheduler:
    """Run each job every `interval` seconds until stopped; a failing job is logged and retried."""

    def __init__(self, jobs: dict[str, Job], *, interval: float = 30.0) -> None:
        self._jobs = jobs
        self._interval = interval
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the loop in the background."""
        self._task = asyncio.create_task(self._loop(), name="scheduler")

    async def stop(self) -> None:
        """Stop the loop and wait for the running round to finish."""
        self._stopping.set()
        if self._task is not None:
            await self._task

    async def run_once(self) -> None:
        """Run every job once, each isolated from the others' failures."""
        for name, job in self._jobs.items():
            try:
                await job()
            except Exception:
                log.exception("scheduled job %s failed", name)

    async def _loop(self) -> None:
        # Start-up already did a round; the loop's first one comes one interval later.
        while not self._stopping.is_set():
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=self._interval)
            except TimeoutError:
                await self.run_once()
