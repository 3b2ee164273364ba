"""Serve a scripted Claude Messages API (POST /v1/messages) on a loopback port."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections import deque
from typing import Any

from aiohttp import web

from .anthropic_checks import KNOWN_MODELS, request_problem, schema_mismatch
from .anthropic_replies import Reply, Responder, Scripted, new_id, text_reply
from .anthropic_stream import write_stream
from .anthropic_usage import PromptCache, estimate_tokens, output_tokens
from .errors import EmulatorTimeout
from .server import LocalServer


class AnthropicEmulator(LocalServer):
    """Answer Messages API calls from a FIFO script (or a default responder) and record them."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        strict: bool = True,
        min_cache_tokens: int | None = None,
    ) -> None:
        """Serve on loopback; `min_cache_tokens` overrides each model's minimum cacheable prefix."""
        super().__init__()
        self.api_key = api_key
        self.strict = strict
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.responses: list[dict[str, Any]] = []
        self.unexpected: list[dict[str, Any]] = []
        self.rejected: list[dict[str, Any]] = []
        self._script: deque[Scripted] = deque()
        self._default: Responder | None = None
        self._cache = PromptCache(min_cache_tokens)
        self._changed = asyncio.Condition()

    @property
    def base_url(self) -> str:
        """Return the URL for AsyncAnthropic(base_url=...) (the SDK appends /v1/messages)."""
        return self.root_url

    def build_app(self) -> web.Application:
        """Route the Messages and token-counting endpoints."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/messages", self._handle_messages)
        app.router.add_post("/v1/messages/count_tokens", self._handle_count_tokens)
        return app

    # -- scripting -----------------------------------------------------------------------------

    def script(self, *replies: Scripted) -> None:
        """Queue replies (or callables request -> reply) to answer the next calls in order."""
        self._script.extend(replies)

    def set_default(self, responder: Responder | None) -> None:
        """Answer with this callable whenever the script is empty (None restores strictness)."""
        self._default = responder

    @property
    def pending(self) -> int:
        """Return how many scripted replies are still unused."""
        return len(self._script)

    def assert_all_used(self) -> None:
        """Fail if scripted replies were left over or a call arrived with nothing to answer."""
        problems = []
        if self._script:
            problems.append(f"{len(self._script)} scripted reply(ies) never requested")
        if self.unexpected:
            last = [_last_user_text(r) for r in self.unexpected]
            problems.append(f"{len(self.unexpected)} unexpected request(s); last user text: {last}")
        if problems:
            raise AssertionError("AnthropicEmulator: " + "; ".join(problems))

    async def wait_for_requests(
        self,
        n: int,
        timeout: float = 5.0,  # noqa: ASYNC109  (part of the public test API)
    ) -> list[dict[str, Any]]:
        """Wait until at least n requests arrived and return the first n."""
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: len(self.requests) >= n), timeout
                )
            except TimeoutError:
                raise EmulatorTimeout(
                    f"waited {timeout}s for {n} Messages API request(s); got {len(self.requests)}"
                ) from None
        return self.requests[:n]

    def total_usage(self) -> dict[str, int]:
        """Sum the token counters of every successful answer."""
        keys = (
            "input_tokens",
            "output_tokens",
            "cache_creation_input_tokens",
            "cache_read_input_tokens",
        )
        return {k: sum(r["usage"].get(k, 0) for r in self.responses) for k in keys}

    # -- HTTP ----------------------------------------------------------------------------------

    def _auth_problem(self, request: web.Request) -> str | None:
        """Return why the request is unauthenticated, or None."""
        key = request.headers.get("x-api-key")
        bearer = request.headers.get("Authorization", "")
        if bearer.startswith("Bearer "):
            key = key or bearer.removeprefix("Bearer ").strip()
        if not key:
            return "x-api-key header is required"
        if self.api_key is not None and key != self.api_key:
            return "invalid x-api-key"
        return None

    async def _handle_messages(self, request: web.Request) -> web.StreamResponse:
        """Record, validate and answer one POST /v1/messages."""
        problem = self._auth_problem(request)
        try:
            body = json.loads(await request.text())
        except ValueError:
            body = None
        if isinstance(body, dict):
            self.requests.append(body)
            self.headers.append({k.lower(): v for k, v in request.headers.items()})
            async with self._changed:
                self._changed.notify_all()
        if problem:
            return _error_response(401, "authentication_error", problem)
        if not isinstance(body, dict):
            return _error_response(400, "invalid_request_error", "body: invalid JSON")
        invalid = request_problem(body) if self.strict else None
        if invalid:
            self.rejected.append({"request": body, "error": invalid})
            return _error_response(400, "invalid_request_error", invalid)
        if self.strict and body["model"] not in KNOWN_MODELS:
            self.rejected.append({"request": body, "error": "unknown model"})
            return _error_response(404, "not_found_error", f"model: {body['model']}")
        reply = await self._next_reply(body)
        if reply is None:
            self.unexpected.append(body)
            problem = (
                f"AnthropicEmulator: unexpected request #{len(self.requests)} "
                "(script empty and no default responder)"
            )
            return _error_response(500, "api_error", problem)
        if reply.latency:
            await asyncio.sleep(reply.latency)
        if reply.is_error:
            return _error_response(
                reply.status, reply.error_type or "api_error", reply.message, reply.retry_after
            )
        mismatch = self._schema_problem(body, reply)
        if mismatch:
            self.unexpected.append(body)
            return _error_response(500, "api_error", f"AnthropicEmulator: {mismatch}")
        message = self._message(body, reply)
        self.responses.append(message)
        headers = {"request-id": new_id("req_")}
        if body.get("stream"):
            return await write_stream(request, message, headers)
        return web.json_response(message, headers=headers)

    async def _handle_count_tokens(self, request: web.Request) -> web.Response:
        """Answer POST /v1/messages/count_tokens with an estimate."""
        problem = self._auth_problem(request)
        if problem:
            return _error_response(401, "authentication_error", problem)
        body = await request.json()
        prompt = [body.get("tools"), body.get("system"), body.get("messages")]
        return web.json_response({"input_tokens": estimate_tokens([p for p in prompt if p])})

    async def _next_reply(self, body: dict[str, Any]) -> Reply | None:
        """Pop the next scripted reply (or ask the default) and resolve callables."""
        if self._script:
            scripted: Scripted | None = self._script.popleft()
        else:
            scripted = self._default
        if scripted is None:
            return None
        result: Any = scripted
        if not isinstance(scripted, Reply):
            result = scripted(body)
            if inspect.isawaitable(result):
                result = await result
        return text_reply(result) if isinstance(result, str) else result

    def _schema_problem(self, body: dict[str, Any], reply: Reply) -> str | None:
        """Check a json_reply against the schema the request asked for (stale scripts)."""
        output_format = (body.get("output_config") or {}).get("format") or {}
        schema = output_format.get("schema")
        if reply.json_value is None or not isinstance(schema, dict):
            return None
        problem = schema_mismatch(reply.json_value, schema)
        return (
            f"scripted json_reply does not match output_config schema: {problem}"
            if problem
            else None
        )

    def _message(self, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        """Build the Message JSON for a successful reply."""
        content = [dict(block) for block in reply.content]
        usage = self._cache.usage(body, output_tokens(content))
        usage.update(reply.usage)
        return {
            "id": new_id("msg_"),
            "type": "message",
            "role": "assistant",
            "model": body.get("model"),
            "content": content,
            "stop_reason": reply.stop_reason,
            "stop_sequence": None,
            "usage": usage,
        }


def _error_response(
    status: int, error_type: str, message: str, retry_after: int | None = None
) -> web.Response:
    """Build an API error with the real body shape and request-id header."""
    request_id = new_id("req_")
    headers = {"request-id": request_id}
    if retry_after is not None:
        headers["retry-after"] = str(retry_after)
    body = {
        "type": "error",
        "error": {"type": error_type, "message": message},
        "request_id": request_id,
    }
    return web.json_response(body, status=status, headers=headers)


def _last_user_text(body: dict[str, Any]) -> str:
    """Summarise a request by its last user text, for failure messages."""
    for message in reversed(body.get("messages") or []):
        content = message.get("content")
        if isinstance(content, str):
            return content[:80]
        for block in content or []:
            if isinstance(block, dict) and block.get("type") == "text":
                return str(block.get("text", ""))[:80]
    return ""
