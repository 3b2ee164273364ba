"""Estimate token usage and simulate prompt caching so cost benchmarks have numbers to sum."""

from __future__ import annotations

import hashlib
import json
from typing import Any

CHARS_PER_TOKEN = 4
# The shortest prefix each model caches (PLATFORM.md, "Prompt caching"): below it the request
# succeeds, nothing is cached and both cache counters stay 0. First matching prefix wins.
MIN_CACHEABLE_TOKENS = (
    ("claude-haiku-4-5", 4096),
    ("claude-sonnet-5", 1024),
    ("claude-sonnet-4", 1024),
    ("claude-opus-4", 1024),
    ("claude-opus-5", 512),
    ("claude-haiku-5", 512),
    ("claude-fable-5", 512),
)
DEFAULT_MIN_CACHEABLE_TOKENS = 1024


def min_cacheable_tokens(model: str) -> int:
    """Return the minimum cacheable prefix length of a model."""
    for prefix, tokens in MIN_CACHEABLE_TOKENS:
        if model.startswith(prefix):
            return tokens
    return DEFAULT_MIN_CACHEABLE_TOKENS


def estimate_tokens(obj: Any) -> int:
    """Approximate the token count of any JSON-able value (about 4 characters a token)."""
    if obj in (None, "", [], {}):
        return 0
    text = obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)
    return max(1, len(text) // CHARS_PER_TOKEN)


def output_tokens(content: list[dict[str, Any]]) -> int:
    """Approximate the tokens the model generated for these content blocks."""
    total = 0
    for block in content:
        if block.get("type") == "text":
            total += estimate_tokens(block.get("text", ""))
        elif block.get("type") == "thinking":
            total += estimate_tokens(block.get("thinking", ""))
        elif block.get("type") == "tool_use":
            total += estimate_tokens(block.get("name", "")) + estimate_tokens(block.get("input"))
    return max(1, total)


def _segments(request: dict[str, Any]) -> list[tuple[Any, dict[str, Any] | None]]:
    """Flatten the prompt in cache order (tools, system, messages) with each cache_control."""
    segments: list[tuple[Any, dict[str, Any] | None]] = []
    for tool in request.get("tools") or []:
        segments.append((tool, tool.get("cache_control") if isinstance(tool, dict) else None))
    parts: list[Any] = []
    system = request.get("system")
    parts += system if isinstance(system, list) else [system] if system else []
    for message in request.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        blocks = content if isinstance(content, list) else [content]
        parts += [{"role": message.get("role"), "block": b} for b in blocks]
    for part in parts:
        block = part.get("block", part) if isinstance(part, dict) else part
        control = block.get("cache_control") if isinstance(block, dict) else None
        segments.append((part, control))
    return segments


def _key(values: list[Any]) -> str:
    """Hash a prompt prefix for the cache table."""
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


class PromptCache:
    """Remember cached prefixes so repeated prompts report cache reads instead of writes.

    Like the real API, a prefix is cached only at a cache_control breakpoint, only when it is at
    least the model's minimum cacheable length (or `min_tokens` when given), and only for the
    model it was sent to.
    """

    def __init__(self, min_tokens: int | None = None) -> None:
        self.min_tokens = min_tokens
        self._prefixes: list[tuple[int, str]] = []

    def usage(self, request: dict[str, Any], generated: int) -> dict[str, Any]:
        """Return the usage object for a request whose answer has `generated` tokens."""
        segments = _segments(request)
        model = str(request.get("model", ""))
        minimum = self.min_tokens if self.min_tokens is not None else min_cacheable_tokens(model)
        # The model heads the hashed values, so one model never reads another model's cache.
        values = [model, *(value for value, _ in segments)]
        marks = [i for i, (_, control) in enumerate(segments) if control]
        if request.get("cache_control") and segments:
            # Automatic caching puts the breakpoint on the last cacheable block.
            marks.append(len(segments) - 1)
        total = estimate_tokens(values[1:])
        read = written = 0
        ttl = "5m"
        if marks:
            end = max(marks) + 2  # one past the breakpoint, counting the model in front
            control = segments[max(marks)][1] or request.get("cache_control") or {}
            ttl = control.get("ttl", "5m")
            prefix_tokens = estimate_tokens(values[1:end])
            if prefix_tokens >= minimum:
                hit = max(
                    (n for n, key in self._prefixes if n <= end and _key(values[:n]) == key),
                    default=0,
                )
                read = estimate_tokens(values[1:hit]) if hit else 0
                written = prefix_tokens - read
                self._prefixes.append((end, _key(values[:end])))
        return {
            "input_tokens": max(1, total - read - written),
            "output_tokens": generated,
            "cache_creation_input_tokens": written,
            "cache_read_input_tokens": read,
            "cache_creation": {
                "ephemeral_5m_input_tokens": written if ttl != "1h" else 0,
                "ephemeral_1h_input_tokens": written if ttl == "1h" else 0,
            },
            "service_tier": "standard",
            "inference_geo": "not_available",
        }
