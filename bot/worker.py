"""Background work after Slack's ack: tracked tasks, bounded, drained on shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Worker:
    """Run coroutines in the background with a cap on how many run at once."""

    def __init__(self, *, concurrency: int = 32) -> None:
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, work: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[None]:
        """Start work now; its failure is logged, never lost silently."""
        task = asyncio.create_task(self._run(work, name), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run(self, work: Coroutine[Any, Any, Any], name: str) -> None:
        async with self._slots:
            try:
                await work
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("background work %s failed", name)

    async def drain(self, *, timeout: float = 10.0) -> list[str]:  # noqa: ASYNC109
        """Wait for running work at shutdown, then cancel what is left; name what was cancelled."""
        if not self._tasks:
            return []
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
            log.warning("cancelled background work still running at drain: %d", len(pending))
        return sorted(task.get_name() for task in pending)

    @property
    def busy(self) -> int:
        """How many tasks are running or waiting."""
        return len(self._tasks)
