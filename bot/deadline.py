"""A bound on the whole answer: the customer never waits on a slow model past the deadline."""

from __future__ import annotations

import asyncio
import logging

from bot.engine import AnswerEngine, Draft, DraftRequest, EngineError
from bot.metrics import Metrics

log = logging.getLogger(__name__)

# Each of the SDK's three attempts (one call, two retries) gets this share of the deadline, so
# together with the pauses between them they end inside it even before the deadline cuts in.
ATTEMPT_SHARE = 0.3
MODEL_RETRIES = 2


def attempt_timeout(deadline_seconds: float) -> float:
    """The model client's timeout for one attempt under a whole-answer deadline."""
    return deadline_seconds * ATTEMPT_SHARE


class DeadlineEngine:
    """Give up on an engine that has not drafted within the deadline (an EngineError)."""

    def __init__(
        self, engine: AnswerEngine, *, seconds: float, metrics: Metrics | None = None
    ) -> None:
        self._metrics = metrics
        self._engine = engine
        self._seconds = seconds
        self.name = engine.name

    async def draft(self, request: DraftRequest) -> Draft:
        """Draft with the wrapped engine, or raise EngineError when the deadline passes."""
        try:
            async with asyncio.timeout(self._seconds):
                return await self._engine.draft(request)
        except TimeoutError as error:
            if self._metrics is not None:
                self._metrics.model_deadline.inc()
            log.warning(
                "%s engine gave no answer within %.1f s: channel=%s",
                self.name,
                self._seconds,
                request.channel_id,
            )
            raise EngineError(f"no answer within {self._seconds:.0f} s") from error
