"""Deliver signed events and interactions to a tiny app that verifies them like Bolt does."""

from __future__ import annotations

import json
import time
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from emulators import ButtonNotFound, EmulatorUsageError, SlackEmulator

from .blocks import CARD_BLOCKS, EDIT_MODAL
from .conftest import AGENT, AGENTS, CUSTOMER, CUSTOMER_USER, SHARED, VENDOR, Receiver


async def post(url: str, body: dict[str, Any]) -> None:
    async with aiohttp.ClientSession() as session, session.post(url, json=body) as response:
        assert response.status == 200


async def test_customer_message_in_slack_connect_channel(
    slack: SlackEmulator, receiver: Receiver, web_client: AsyncWebClient
) -> None:
    delivery = await slack.user_says(SHARED, CUSTOMER_USER, "Internet is down")

    assert delivery.status == 200
    body = receiver.received[0]["body"]
    event = body["event"]
    assert body["type"] == "event_callback" and body["event_id"].startswith("Ev")
    assert body["team_id"] == CUSTOMER and body["context_team_id"] == VENDOR
    assert body["is_ext_shared_channel"] is True
    assert body["authorizations"][0] == {
        "enterprise_id": None,
        "team_id": VENDOR,
        "user_id": "U_BOT",
        "is_bot": True,
        "is_enterprise_install": False,
    }
    assert event["user_team"] == event["source_team"] == CUSTOMER
    assert event["channel_type"] == "channel" and event["event_ts"] == event["ts"]
    assert event["client_msg_id"] and event["blocks"][0]["type"] == "rich_text"
    assert delivery.ts == event["ts"] == delivery.payload["event"]["ts"]
    history = await web_client.conversations_replies(channel=SHARED, ts=delivery.ts)
    assert history["messages"][0]["text"] == "Internet is down"


async def test_private_channel_thread_reply(slack: SlackEmulator, receiver: Receiver) -> None:
    first = await slack.user_says(AGENTS, AGENT, "who takes case 42?")
    await slack.user_says(AGENTS, AGENT, "me", thread_ts=first.ts)

    body = receiver.received[1]["body"]
    assert body["team_id"] == VENDOR and body["is_ext_shared_channel"] is False
    assert body["event"]["channel_type"] == "group"
    assert body["event"]["thread_ts"] == first.ts
    assert "user_team" not in body["event"]
    assert slack.message(AGENTS, first.ts)["reply_count"] == 1


async def test_retries_carry_headers_and_the_same_event_id(
    slack: SlackEmulator, receiver: Receiver
) -> None:
    first = await slack.user_says(SHARED, CUSTOMER_USER, "hello", event_id="Ev_FIXED")
    retry = await slack.redeliver(first, retry_num=2)

    original, again = receiver.received
    assert "X-Slack-Retry-Num" not in original["headers"]
    assert again["headers"]["X-Slack-Retry-Num"] == "2"
    assert again["headers"]["X-Slack-Retry-Reason"] == "http_timeout"
    assert again["body"] == original["body"] and again["body"]["event_id"] == "Ev_FIXED"
    assert retry.request_body == first.request_body
    assert len(slack.messages(SHARED)) == 1


async def test_forged_or_stale_requests_are_rejected_by_the_app(
    slack: SlackEmulator, receiver: Receiver
) -> None:
    body = json.dumps({"type": "event_callback", "event": {"type": "message"}}).encode()
    forged = await slack.send_raw(body, content_type="application/json", signature="v0=bad")
    stale = await slack.send_raw(
        body, content_type="application/json", timestamp=str(int(time.time()) - 301)
    )
    good = await slack.send_raw(body, content_type="application/json")
    assert (forged.status, stale.status, good.status) == (401, 401, 200)
    assert len(receiver.received) == 1


async def test_send_event_wraps_arbitrary_events(slack: SlackEmulator, receiver: Receiver) -> None:
    event = {
        "type": "message",
        "subtype": "bot_message",
        "bot_id": "B_OTHER",
        "text": "beep",
        "ts": "1700000000.000100",
        "channel": SHARED,
    }
    await slack.send_event(event, event_id="Ev_BOT")
    body = receiver.received[0]["body"]
    assert body["event_id"] == "Ev_BOT"
    assert body["event"]["event_ts"] == "1700000000.000100"


async def test_user_edit_delivers_message_changed(slack: SlackEmulator, receiver: Receiver) -> None:
    said = await slack.user_says(SHARED, CUSTOMER_USER, "typo")
    await slack.user_edits(SHARED, CUSTOMER_USER, said.ts, "fixed")
    event = receiver.received[1]["body"]["event"]
    assert event["subtype"] == "message_changed"
    assert event["message"]["text"] == "fixed" and event["previous_message"]["text"] == "typo"
    assert slack.message(SHARED, said.ts)["text"] == "fixed"


async def test_click_opens_a_modal_and_responds_through_response_url(
    slack: SlackEmulator, receiver: Receiver, web_client: AsyncWebClient
) -> None:
    card = await web_client.chat_postMessage(channel=AGENTS, text="Draft ready", blocks=CARD_BLOCKS)

    async def open_modal(body: dict[str, Any]) -> None:
        # Like the app's Edit handler: ack quickly, then views.open within 3 s.
        await web_client.views_open(trigger_id=body["trigger_id"], view=EDIT_MODAL)

    receiver.responder = open_modal
    delivery = await slack.click(AGENT, AGENTS, card["ts"], "edit")

    payload = receiver.received[0]["body"]
    assert delivery.ok and payload["type"] == "block_actions"
    assert payload["container"] == {
        "type": "message",
        "message_ts": card["ts"],
        "channel_id": AGENTS,
        "is_ephemeral": False,
    }
    assert payload["actions"][0]["action_id"] == "edit"
    assert payload["actions"][0]["value"] == "case-42"
    assert payload["actions"][0]["block_id"] == "decide"
    assert payload["message"]["blocks"][1]["elements"][1]["action_id"] == "edit"
    assert payload["user"] == {"id": AGENT, "username": "dana", "name": "dana", "team_id": VENDOR}
    (record,) = slack.open_views(AGENT)
    assert record.view["callback_id"] == "edit_draft"

    await post(payload["response_url"], {"replace_original": True, "text": "Approved by Dana"})
    assert slack.message(AGENTS, card["ts"])["text"] == "Approved by Dana"
    assert (await slack.wait_for("response_url")).params["replace_original"] is True


async def test_click_on_missing_button_is_a_test_bug(
    slack: SlackEmulator, receiver: Receiver, web_client: AsyncWebClient
) -> None:
    card = await web_client.chat_postMessage(channel=AGENTS, text="t", blocks=CARD_BLOCKS)
    with pytest.raises(ButtonNotFound, match="approve"):
        await slack.click(AGENT, AGENTS, card["ts"], "reject")
    with pytest.raises(EmulatorUsageError):
        await slack.click(AGENT, AGENTS, "1.000001", "approve")
    assert receiver.received == []


async def test_click_on_ephemeral_then_delete_it(
    slack: SlackEmulator, receiver: Receiver, web_client: AsyncWebClient
) -> None:
    shown = await web_client.chat_postEphemeral(
        channel=AGENTS, user=AGENT, text="Take it?", blocks=CARD_BLOCKS
    )
    await slack.click(AGENT, AGENTS, shown["message_ts"], "approve", value="override")

    payload = receiver.received[0]["body"]
    assert payload["container"]["is_ephemeral"] is True and "message" not in payload
    assert payload["actions"][0]["value"] == "override"
    await post(payload["response_url"], {"delete_original": True})
    assert slack.ephemerals(AGENTS) == []


async def open_edit_modal(slack: SlackEmulator, web_client: AsyncWebClient) -> str:
    answer = await web_client.views_open(trigger_id=slack.new_trigger(AGENT), view=EDIT_MODAL)
    return answer["view"]["id"]


async def test_submit_view_with_errors_keeps_it_open(
    slack: SlackEmulator, receiver: Receiver, web_client: AsyncWebClient
) -> None:
    view_id = await open_edit_modal(slack, web_client)

    async def reject(body: dict[str, Any]) -> web.Response:
        errors = {"draft": "Too short"}
        return web.json_response({"response_action": "errors", "errors": errors})

    receiver.responder = reject
    delivery = await slack.submit_view(AGENT, view_id, {"draft": {"text": "hi"}})

    payload = receiver.received[0]["body"]
    assert payload["type"] == "view_submission"
    assert payload["view"]["state"]["values"] == {
        "draft": {"text": {"type": "plain_text_input", "value": "hi"}}
    }
    assert payload["view"]["private_metadata"] == "case-42"
    assert payload["view"]["app_installed_team_id"] == VENDOR
    assert delivery.json == {"response_action": "errors", "errors": {"draft": "Too short"}}
    assert slack.views[view_id].is_open and slack.views[view_id].history[-1] == "errors"


async def test_submit_view_plain_ack_closes_and_update_replaces(
    slack: SlackEmulator, receiver: Receiver, web_client: AsyncWebClient
) -> None:
    closing = await open_edit_modal(slack, web_client)
    await slack.submit_view(AGENT, closing, {"draft": {"text": "Looks good"}})
    assert not slack.views[closing].is_open
    assert slack.views[closing].history == ["opened", "submitted"]

    updating = await open_edit_modal(slack, web_client)

    async def update(body: dict[str, Any]) -> web.Response:
        view = {**EDIT_MODAL, "title": {"type": "plain_text", "text": "Sent"}}
        return web.json_response({"response_action": "update", "view": view})

    receiver.responder = update
    await slack.submit_view(AGENT, updating, {"draft": {"text": "Looks good"}})
    assert slack.views[updating].is_open
    assert slack.views[updating].view["title"]["text"] == "Sent"

    with pytest.raises(EmulatorUsageError, match="required"):
        await slack.submit_view(AGENT, updating, {})
    with pytest.raises(EmulatorUsageError, match="over 500"):
        await slack.submit_view(AGENT, updating, {"draft": {"text": "x" * 501}})


async def test_slash_command_and_ephemeral_response(
    slack: SlackEmulator, receiver: Receiver
) -> None:
    delivery = await slack.slash_command(AGENT, AGENTS, "/copilot", "status")

    fields = receiver.received[0]["body"]
    assert delivery.ok and fields["command"] == "/copilot" and fields["text"] == "status"
    assert fields["user_id"] == AGENT and fields["channel_id"] == AGENTS
    assert fields["team_id"] == VENDOR and fields["trigger_id"]
    await post(fields["response_url"], {"text": "All systems go"})
    assert slack.ephemerals(AGENTS, AGENT)[0]["text"] == "All systems go"


async def test_user_delete_and_view_feed(
    slack: SlackEmulator, receiver: Receiver, web_client: AsyncWebClient
) -> None:
    said = await slack.user_says(SHARED, CUSTOMER_USER, "oops")
    feed = slack.subscribe()
    await slack.user_deletes(SHARED, CUSTOMER_USER, said.ts)
    view_id = await open_edit_modal(slack, web_client)
    await slack.close_view(AGENT, view_id)

    event = receiver.received[1]["body"]["event"]
    assert event["subtype"] == "message_deleted" and event["deleted_ts"] == said.ts
    assert slack.messages(SHARED) == []
    kinds = [feed.get_nowait()["kind"] for _ in range(feed.qsize())]
    assert kinds == ["message_deleted", "view_opened", "view_closed"]


async def test_errors_for_unknown_blocks_and_late_acks_are_recorded(
    slack: SlackEmulator,
    receiver: Receiver,
    web_client: AsyncWebClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view_id = await open_edit_modal(slack, web_client)

    async def wrong_block(body: dict[str, Any]) -> web.Response:
        return web.json_response({"response_action": "errors", "errors": {"nope": "bad"}})

    receiver.responder = wrong_block
    await slack.submit_view(AGENT, view_id, {"draft": {"text": "hello"}})
    assert slack.views[view_id].history[-1] == "invalid_errors:nope"

    receiver.responder = None
    monkeypatch.setattr("emulators.interactions.ACK_DEADLINE_SECONDS", -1.0)
    await slack.submit_view(AGENT, view_id, {"draft": {"text": "hello"}})
    assert slack.views[view_id].is_open
    assert slack.views[view_id].history[-1] == "submit_failed:timeout"


async def test_response_url_rejects_invalid_blocks(
    slack: SlackEmulator, receiver: Receiver
) -> None:
    await slack.slash_command(AGENT, AGENTS, "/copilot")
    url = receiver.received[0]["body"]["response_url"]
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json={"text": "t", "blocks": blocks}) as response,
    ):
        assert response.status == 400
        assert (await response.json())["error"] == "invalid_blocks"
    assert slack.ephemerals() == []


async def test_an_event_acknowledged_after_three_seconds_is_recorded_as_given_up(
    slack: SlackEmulator, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompt = await slack.user_says(SHARED, CUSTOMER_USER, "answered in time")
    assert not prompt.late and slack.late_acks == []

    # Every answer now counts as later than Slack's deadline, events as well as modals.
    monkeypatch.setattr("emulators.delivery.ACK_DEADLINE_SECONDS", -1.0)
    late = await slack.user_says(SHARED, CUSTOMER_USER, "answered too late")
    await slack.slash_command(AGENT, AGENTS, "/copilot")

    assert late.late
    kinds = [entry["kind"] for entry in slack.late_acks]
    assert kinds == ["event_callback"] * 4 + ["/copilot"]  # the event and Slack's 3 retries


async def test_an_event_acknowledged_late_is_redelivered_as_slack_retries_it(
    slack: SlackEmulator, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("emulators.delivery.ACK_DEADLINE_SECONDS", -1.0)

    await slack.user_says(SHARED, CUSTOMER_USER, "answered too late")
    await slack.slash_command(AGENT, AGENTS, "/copilot")  # commands are never retried

    events = [r for r in receiver.received if r["body"].get("type") == "event_callback"]
    assert [r["headers"].get("X-Slack-Retry-Num") for r in events] == [None, "1", "2", "3"]
    assert {r["body"]["event_id"] for r in events} == {events[0]["body"]["event_id"]}
    assert {r["headers"].get("X-Slack-Retry-Reason") for r in events[1:]} == {"http_timeout"}
    assert len(receiver.received) == len(events) + 1
