"""The one module that speaks to the anthropic SDK; every SDK error leaves it as ModelError."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import anthropic
from anthropic import AsyncAnthropic

from bot.metrics import Metrics

log = logging.getLogger(__name__)


class ModelError(Exception):
    """Claude could not answer: unreachable, rate limited, overloaded, refused, or malformed."""


@dataclass(frozen=True)
class ModelTurn:
    """One Messages API response, reduced to what the engine reads."""

    text: str
    tool_uses: tuple[dict[str, Any], ...]
    stop_reason: str | None
    raw_content: list[dict[str, Any]]
    usage: dict[str, int] = field(default_factory=dict)


def build_client(
    *, api_key: str, base_url: str | None, timeout: float, max_retries: int
) -> AsyncAnthropic:
    """Build the process's one AsyncAnthropic client (the composition root calls this)."""
    return AsyncAnthropic(
        api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries
    )


class ModelClient:
    """Send one Messages API call and turn the answer or the failure into our own types."""

    def __init__(
        self,
        client: AsyncAnthropic,
        *,
        model: str,
        max_tokens: int = 1500,
        metrics: Metrics | None = None,
    ) -> None:
        self._metrics = metrics
        self._client = client
        self.model = model
        self._max_tokens = max_tokens

    async def create(
        self,
        *,
        system: str | Sequence[str],
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None = None,
        output_schema: dict[str, Any] | None = None,
    ) -> ModelTurn:
        """Call Claude once; raise ModelError for anything but a usable answer.

        `system` is the constant part of the prompt (the instructions, then the knowledge base):
        one cache breakpoint after its last block caches tools and system together, so every
        later message reads them from the cache.
        """
        parts = [system] if isinstance(system, str) else list(system)
        blocks: list[dict[str, Any]] = [{"type": "text", "text": part} for part in parts]
        blocks[-1]["cache_control"] = {"type": "ephemeral"}
        kwargs: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self._max_tokens,
            "system": blocks,
            "messages": messages,
        }
        if tools:
            kwargs["tools"] = tools
        if output_schema is not None:
            # Structured outputs, not forced tool_choice: current models reject forced tool use.
            kwargs["output_config"] = {"format": {"type": "json_schema", "schema": output_schema}}
        started = time.monotonic()
        try:
            response = await self._call(kwargs)
        except anthropic.APIStatusError as error:
            raise ModelError(f"Claude answered HTTP {error.status_code}") from error
        except anthropic.APITimeoutError as error:
            raise ModelError("Claude timed out") from error
        except anthropic.APIConnectionError as error:
            raise ModelError("Claude is unreachable") from error
        except anthropic.AnthropicError as error:
            raise ModelError(f"Claude call failed: {type(error).__name__}") from error
        finally:
            if self._metrics is not None:
                self._metrics.model_latency.observe(time.monotonic() - started)
        if response.stop_reason == "refusal":
            raise ModelError("Claude refused to answer")
        content = [block.model_dump(mode="json", exclude_none=True) for block in response.content]
        text = "".join(block.get("text", "") for block in content if block.get("type") == "text")
        tool_uses = tuple(block for block in content if block.get("type") == "tool_use")
        usage = {
            key: int(value)
            for key, value in response.usage.model_dump().items()
            if isinstance(value, int)
        }
        return ModelTurn(text, tool_uses, response.stop_reason, content, usage)

    async def _call(self, kwargs: dict[str, Any]) -> Any:
        try:
            response = await self._client.messages.create(**kwargs)
        except BaseException:
            if self._metrics is not None:
                self._metrics.model_calls.labels("error").inc()
            raise
        if self._metrics is not None:
            self._metrics.model_calls.labels("ok").inc()
        return response


def parse_json_object(text: str) -> dict[str, Any]:
    """Read the JSON object a structured-output answer holds, or raise ModelError."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ModelError("Claude's structured answer was not JSON") from error
    if not isinstance(value, dict):
        raise ModelError("Claude's structured answer was not a JSON object")
    return value
