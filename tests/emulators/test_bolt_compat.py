"""Check that a stock slack_bolt AsyncApp accepts everything the emulator delivers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from emulators import SlackEmulator

from .blocks import CARD_BLOCKS, EDIT_MODAL
from .conftest import AGENT, AGENTS, CUSTOMER, CUSTOMER_USER, SHARED, SIGNING_SECRET


def bolt_app(slack: SlackEmulator, seen: dict[str, Any]) -> AsyncApp:
    """Build a Bolt app with one listener per request kind the emulator produces."""
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.base_url)
    app = AsyncApp(signing_secret=SIGNING_SECRET, client=client)

    @app.event("message")
    async def on_message(event: dict[str, Any], context: Any, say: Any) -> None:
        seen["actor_team_id"] = context.actor_team_id
        await say(text=f"echo: {event['text']}", thread_ts=event["ts"])

    @app.action("edit")
    async def on_edit(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=EDIT_MODAL)

    @app.view("edit_draft")
    async def on_submit(ack: Any, view: dict[str, Any]) -> None:
        text = view["state"]["values"]["draft"]["text"]["value"]
        if len(text) < 5:
            await ack(response_action="errors", errors={"draft": "Too short"})
        else:
            await ack()

    @app.command("/copilot")
    async def on_command(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        await ack()
        await respond(f"status for {command['user_id']}: ok")

    return app


@pytest.fixture
async def bolt(slack: SlackEmulator) -> AsyncIterator[dict[str, Any]]:
    seen: dict[str, Any] = {}
    server = TestServer(bolt_app(slack, seen).web_app(path="/slack/events"), port=0)
    await server.start_server()
    slack.connect_app(str(server.make_url("/slack/events")), SIGNING_SECRET)
    yield seen
    await server.close()


async def test_bolt_handles_a_slack_connect_message(
    slack: SlackEmulator, bolt: dict[str, Any]
) -> None:
    said = await slack.user_says(SHARED, CUSTOMER_USER, "router down")
    assert said.status == 200
    reply = await slack.wait_for("chat.postMessage", channel=SHARED)
    assert reply.params["thread_ts"] == said.ts
    assert slack.thread(SHARED, said.ts)[1]["text"] == "echo: router down"
    assert bolt["actor_team_id"] == CUSTOMER
    assert slack.calls_to("auth.test")


async def test_bolt_click_modal_and_submit(slack: SlackEmulator, bolt: dict[str, Any]) -> None:
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.base_url)
    card = await client.chat_postMessage(channel=AGENTS, text="Draft", blocks=CARD_BLOCKS)

    clicked = await slack.click(AGENT, AGENTS, card["ts"], "edit")
    assert clicked.status == 200
    # Bolt acks before the listener's views.open completes: wait for it, do not race it.
    await slack.wait_for("views.open")
    (record,) = slack.open_views(AGENT)

    refused = await slack.submit_view(AGENT, record.id, {"draft": {"text": "hey"}})
    assert refused.json == {"response_action": "errors", "errors": {"draft": "Too short"}}
    assert record.is_open
    accepted = await slack.submit_view(AGENT, record.id, {"draft": {"text": "Hello there"}})
    assert accepted.status == 200 and not record.is_open


async def test_bolt_slash_command_responds(slack: SlackEmulator, bolt: dict[str, Any]) -> None:
    delivery = await slack.slash_command(AGENT, AGENTS, "/copilot", "status")
    assert delivery.status == 200
    await slack.wait_for("response_url")
    assert slack.ephemerals(AGENTS, AGENT)[0]["text"] == f"status for {AGENT}: ok"
