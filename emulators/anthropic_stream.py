"""Write a Messages API answer as the server-sent event stream `stream: true` asks for."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from aiohttp import web

CHUNK = 24


def _chunks(text: str) -> Iterator[str]:
    """Split text into stream-sized deltas."""
    for start in range(0, len(text), CHUNK):
        yield text[start : start + CHUNK]


def _block_events(index: int, block: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield start/delta/stop events that rebuild one content block."""
    kind = block.get("type")
    if kind == "text":
        empty: dict[str, Any] = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": c} for c in _chunks(block["text"])]
    elif kind == "thinking":
        empty = {"type": "thinking", "thinking": "", "signature": ""}
        deltas = [{"type": "thinking_delta", "thinking": c} for c in _chunks(block["thinking"])]
        deltas.append({"type": "signature_delta", "signature": block.get("signature", "")})
    elif kind == "tool_use":
        empty = {**block, "input": {}}
        payload = json.dumps(block.get("input", {}))
        deltas = [{"type": "input_json_delta", "partial_json": c} for c in _chunks(payload)]
    else:
        empty, deltas = block, []
    yield (
        "content_block_start",
        {"type": "content_block_start", "index": index, "content_block": empty},
    )
    for delta in deltas:
        yield "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}
    yield "content_block_stop", {"type": "content_block_stop", "index": index}


def stream_events(message: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield the (event name, data) pairs of a whole streamed message."""
    usage = message["usage"]
    start = {
        **message,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {**usage, "output_tokens": 1},
    }
    yield "message_start", {"type": "message_start", "message": start}
    yield "ping", {"type": "ping"}
    for index, block in enumerate(message["content"]):
        yield from _block_events(index, block)
    delta = {"stop_reason": message["stop_reason"], "stop_sequence": None}
    final_usage = {"output_tokens": usage["output_tokens"]}
    yield "message_delta", {"type": "message_delta", "delta": delta, "usage": final_usage}
    yield "message_stop", {"type": "message_stop"}


async def write_stream(
    request: web.Request, message: dict[str, Any], headers: dict[str, str]
) -> web.StreamResponse:
    """Send a message as text/event-stream."""
    response = web.StreamResponse(
        status=200,
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", **headers},
    )
    await response.prepare(request)
    for name, data in stream_events(message):
        await response.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
    await response.write_eof()
    return response
