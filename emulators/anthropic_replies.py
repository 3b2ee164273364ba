"""Describe scripted Claude answers: text, JSON, tool use, thinking and API errors."""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}
_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 24) -> str:
    """Return an id shaped like the API's (msg_…, toolu_…, req_…)."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


@dataclass(frozen=True)
class Reply:
    """One scripted answer of the Messages API (a success or an error)."""

    content: tuple[dict[str, Any], ...] = ()
    stop_reason: str | None = "end_turn"
    status: int = 200
    error_type: str | None = None
    message: str = ""
    retry_after: int | None = None
    latency: float = 0.0
    usage: dict[str, Any] = field(default_factory=dict)
    # When set, the emulator checks the request's output_config schema against this object.
    json_value: Any = None

    @property
    def is_error(self) -> bool:
        """Return whether this reply is an HTTP error."""
        return self.status >= 400


Responder = Callable[[dict[str, Any]], "Reply | str | Awaitable[Reply | str]"]
Scripted = Reply | Responder


def _thinking(thinking: str | None) -> list[dict[str, Any]]:
    """Return a thinking block list for the optional thinking text."""
    if thinking is None:
        return []
    return [{"type": "thinking", "thinking": thinking, "signature": new_id("sig_", 40)}]


def text_reply(
    text: str,
    *,
    stop_reason: str = "end_turn",
    thinking: str | None = None,
    latency: float = 0.0,
    usage: dict[str, Any] | None = None,
) -> Reply:
    """Answer with one text block (optionally after a thinking block)."""
    content = (*_thinking(thinking), {"type": "text", "text": text})
    return Reply(content=content, stop_reason=stop_reason, latency=latency, usage=usage or {})


def json_reply(
    obj: Any,
    *,
    thinking: str | None = None,
    latency: float = 0.0,
    usage: dict[str, Any] | None = None,
) -> Reply:
    """Answer the way structured output does: a text block holding the JSON document."""
    reply = text_reply(json.dumps(obj), thinking=thinking, latency=latency, usage=usage)
    return Reply(
        content=reply.content,
        stop_reason="end_turn",
        latency=latency,
        usage=reply.usage,
        json_value=obj,
    )


def tool_use(
    name: str,
    input: dict[str, Any],  # Named like the API field.
    *,
    text: str | None = None,
    id: str | None = None,
    thinking: str | None = None,
    latency: float = 0.0,
    usage: dict[str, Any] | None = None,
) -> Reply:
    """Ask the caller to run a tool (stop_reason tool_use), optionally after some text."""
    blocks: list[dict[str, Any]] = _thinking(thinking)
    if text:
        blocks.append({"type": "text", "text": text})
    blocks.append(
        {
            "type": "tool_use",
            "id": id or new_id("toolu_"),
            "name": name,
            "input": input,
            "caller": {"type": "direct"},
        }
    )
    return Reply(content=tuple(blocks), stop_reason="tool_use", latency=latency, usage=usage or {})


def error(
    status: int,
    type: str | None = None,  # Named like the API field error.type.
    message: str = "Emulated error",
    *,
    retry_after: int | None = None,
    latency: float = 0.0,
) -> Reply:
    """Answer with an API error; the type defaults from the status (429 → rate_limit_error)."""
    return Reply(
        status=status,
        error_type=type or ERROR_TYPES.get(status, "api_error"),
        message=message,
        retry_after=retry_after,
        latency=latency,
        stop_reason=None,
    )
