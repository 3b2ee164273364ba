"""What an operator graphs and alerts on, in Prometheus' text format at GET /metrics.

One registry per app (not the library's global one), so two apps in one process, as in tests,
count apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
MODEL_BUCKETS = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0)


class Metrics:
    """Every counter, histogram and gauge the app exports."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "hitl_slack_requests",
            "Requests to /slack/events by outcome: acked (2xx), refused (4xx), failed (5xx).",
            ["outcome"],
            registry=r,
        )
        self.ack_latency = Histogram(
            "hitl_ack_latency_seconds",
            "Time from a Slack request's arrival to the app's answer.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.events = Counter(
            "hitl_events",
            "Message events taken in, by outcome: stored, duplicate, ignored.",
            ["outcome"],
            registry=r,
        )
        self.escalations = Counter(
            "hitl_escalations", "Escalations by top reason.", ["reason"], registry=r
        )
        self.model_calls = Counter(
            "hitl_model_calls", "Messages API calls by outcome: ok, error.", ["outcome"], registry=r
        )
        self.model_latency = Histogram(
            "hitl_model_call_seconds",
            "Duration of one Messages API call (the SDK's retries included).",
            buckets=MODEL_BUCKETS,
            registry=r,
        )
        self.model_deadline = Counter(
            "hitl_model_deadline_missed",
            "Answers the model did not give within the policy's deadline.",
            registry=r,
        )
        self.slack_errors = Counter(
            "hitl_slack_api_errors",
            "Slack Web API answers that were not ok, by method and error.",
            ["method", "error"],
            registry=r,
        )
        self.slack_retries = Counter(
            "hitl_slack_api_retries",
            "Slack Web API calls retried, by reason.",
            ["reason"],
            registry=r,
        )
        self.queue = Gauge(
            "hitl_worker_tasks",
            "Background tasks running or waiting (answers, card actions).",
            registry=r,
        )

    def watch_queue(self, depth: Callable[[], int]) -> None:
        """Read the queue depth from `depth` whenever /metrics is scraped."""
        self.queue.set_function(lambda: float(depth()))

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)


def _method(request: HttpRequest) -> str:
    return request.url.rstrip("/").rsplit("/", 1)[-1] or "unknown"


class SlackErrorCounter(AsyncRetryHandler):
    """Count failed Slack calls; placed first among the retry handlers, it never retries."""

    def __init__(self, metrics: Metrics) -> None:
        super().__init__(max_retry_count=0)
        self._metrics = metrics

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        """Record the failure, if this was one; leave retrying to the handlers after it."""
        if error is not None:
            self._metrics.slack_errors.labels(_method(request), type(error).__name__).inc()
        elif response is not None:
            body: Any = response.body
            ok = isinstance(body, dict) and body.get("ok") is True
            if response.status_code >= 400 or not ok:
                code = body.get("error") if isinstance(body, dict) else None
                label = str(code or f"http_{response.status_code}")[:40]
                self._metrics.slack_errors.labels(_method(request), label).inc()
        return False


class CountedRetries(AsyncRetryHandler):
    """A retry handler that counts each retry it decides on."""

    def __init__(self, inner: AsyncRetryHandler, metrics: Metrics, *, reason: str) -> None:
        super().__init__(max_retry_count=inner.max_retry_count)
        self._inner = inner
        self._metrics = metrics
        self._reason = reason

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        """Ask the wrapped handler."""
        return await self._inner.can_retry_async(
            state=state, request=request, response=response, error=error
        )

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        """Count the retry, then wait as the wrapped handler does."""
        self._metrics.slack_retries.labels(self._reason).inc()
        await self._inner.prepare_for_next_attempt_async(
            state=state, request=request, response=response, error=error
        )
