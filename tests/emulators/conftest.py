"""Fixtures: running emulators, real SDK clients, and a tiny signed-request receiver app."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from anthropic import AsyncAnthropic
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from emulators import AnthropicEmulator, SlackEmulator

SIGNING_SECRET = "emulator-test-signing-secret"
VENDOR, CUSTOMER = "T_VENDOR", "T_ACME"
AGENT, CUSTOMER_USER = "U_AGENT", "U_CUST"
SHARED, AGENTS = "C_SHARED", "C_AGENTS"


@pytest.fixture
async def slack() -> AsyncIterator[SlackEmulator]:
    """Start a workspace with an agent channel and a Slack Connect channel to Acme."""
    emulator = SlackEmulator()
    emulator.add_team(CUSTOMER, "Acme Corp")
    emulator.add_user(AGENT, "dana", team_id=VENDOR, real_name="Dana Agent")
    emulator.add_user(CUSTOMER_USER, "carl", team_id=CUSTOMER, real_name="Carl Customer")
    emulator.add_channel(AGENTS, "support-agents", is_private=True, members=(AGENT,))
    emulator.add_channel(
        SHARED, "acme-support", connected_team_ids=(CUSTOMER,), members=(AGENT, CUSTOMER_USER)
    )
    async with emulator:
        yield emulator


@pytest.fixture
def web_client(slack: SlackEmulator) -> AsyncWebClient:
    """Return the real slack_sdk client pointed at the emulator."""
    return AsyncWebClient(token=slack.bot_token, base_url=slack.base_url)


@pytest.fixture
async def claude() -> AsyncIterator[AnthropicEmulator]:
    """Start the Messages API emulator."""
    async with AnthropicEmulator() as emulator:
        yield emulator


@pytest.fixture
async def anthropic_client(claude: AnthropicEmulator) -> AsyncIterator[AsyncAnthropic]:
    """Return the real anthropic SDK client pointed at the emulator, without retries."""
    client = AsyncAnthropic(api_key="test", base_url=claude.base_url, max_retries=0)
    yield client
    await client.close()


Responder = Callable[[dict[str, Any]], Awaitable[web.StreamResponse | None]]


@dataclass
class Receiver:
    """A stand-in for the app: verifies Slack signatures and records what arrived."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    responder: Responder | None = None


def _decode(raw: bytes, content_type: str) -> dict[str, Any]:
    if content_type == "application/json":
        return json.loads(raw)
    fields = dict(urllib.parse.parse_qsl(raw.decode(), keep_blank_values=True))
    return json.loads(fields["payload"]) if "payload" in fields else fields


@pytest.fixture
async def receiver(slack: SlackEmulator) -> AsyncIterator[Receiver]:
    """Run a tiny app on a free port and connect the emulator to it."""
    state = Receiver()
    verifier = SignatureVerifier(SIGNING_SECRET)

    async def handle(request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        valid = verifier.is_valid(
            body=raw,
            timestamp=request.headers.get("X-Slack-Request-Timestamp", ""),
            signature=request.headers.get("X-Slack-Signature", ""),
        )
        if not valid:
            return web.json_response({"error": "invalid signature"}, status=401)
        body = _decode(raw, request.content_type)
        state.received.append({"headers": dict(request.headers), "body": body})
        if state.responder is not None:
            answer = await state.responder(body)
            if answer is not None:
                return answer
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/slack/events", handle)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    state.url = str(server.make_url("/slack/events"))
    slack.connect_app(state.url, SIGNING_SECRET)
    yield state
    await server.close()
