"""Drive the Slack emulator's Web API with the real slack_sdk AsyncWebClient."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from emulators import EmulatorTimeout, SlackEmulator

from .conftest import AGENT, AGENTS, CUSTOMER, CUSTOMER_USER, SHARED, VENDOR


def section(text: str) -> dict[str, object]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


async def test_auth_test_describes_the_bot(web_client: AsyncWebClient) -> None:
    answer = await web_client.auth_test()
    assert answer["team_id"] == VENDOR
    assert answer["user_id"] == "U_BOT"
    assert answer["bot_id"] == "B_BOT"
    assert answer["url"] == "https://brightwave.slack.com/"


async def test_post_and_read_a_thread(slack: SlackEmulator, web_client: AsyncWebClient) -> None:
    parent = slack.post_as_user(SHARED, CUSTOMER_USER, "My router is down")
    reply = await web_client.chat_postMessage(channel=SHARED, text="On it", thread_ts=parent["ts"])
    assert reply["message"]["bot_id"] == "B_BOT"
    assert reply["message"]["thread_ts"] == parent["ts"]

    answer = await web_client.conversations_replies(channel=SHARED, ts=parent["ts"])

    assert [m["text"] for m in answer["messages"]] == ["My router is down", "On it"]
    assert answer["messages"][0]["reply_count"] == 1
    assert answer["messages"][0]["user_team"] == CUSTOMER
    assert slack.bot_messages(SHARED)[0]["ts"] == reply["ts"]


async def test_replies_honour_limit_and_cursor(
    slack: SlackEmulator, web_client: AsyncWebClient
) -> None:
    parent = slack.post_as_user(SHARED, CUSTOMER_USER, "q")
    for i in range(4):
        slack.post_as_user(SHARED, CUSTOMER_USER, f"r{i}", thread_ts=parent["ts"])

    first = await web_client.conversations_replies(channel=SHARED, ts=parent["ts"], limit=2)
    cursor = first["response_metadata"]["next_cursor"]
    second = await web_client.conversations_replies(
        channel=SHARED, ts=parent["ts"], limit=10, cursor=cursor
    )

    assert [m["text"] for m in first["messages"]] == ["q", "r0"]
    assert first["has_more"] is True
    assert [m["text"] for m in second["messages"]] == ["r1", "r2", "r3"]


async def test_ts_strictly_increase_even_with_a_frozen_clock(slack: SlackEmulator) -> None:
    slack.clock = lambda: 1_700_000_000.0
    stamps = [slack.post_as_user(SHARED, CUSTOMER_USER, str(i))["ts"] for i in range(3)]
    assert stamps == ["1700000000.000000", "1700000000.000100", "1700000000.000200"]


async def test_chat_update_edits_only_bot_messages(
    slack: SlackEmulator, web_client: AsyncWebClient
) -> None:
    posted = await web_client.chat_postMessage(channel=AGENTS, text="Draft v1")
    await web_client.chat_update(channel=AGENTS, ts=posted["ts"], text="Draft v2")
    assert slack.message(AGENTS, posted["ts"])["text"] == "Draft v2"
    assert "edited" in slack.message(AGENTS, posted["ts"])

    human = slack.post_as_user(AGENTS, AGENT, "mine")
    with pytest.raises(SlackApiError) as caught:
        await web_client.chat_update(channel=AGENTS, ts=human["ts"], text="hijack")
    assert caught.value.response["error"] == "cant_update_message"
    with pytest.raises(SlackApiError) as missing:
        await web_client.chat_update(channel=AGENTS, ts="1.000001", text="x")
    assert missing.value.response["error"] == "message_not_found"


async def test_bad_or_missing_token_and_unknown_things(slack: SlackEmulator) -> None:
    bad = AsyncWebClient(token="xoxb-wrong", base_url=slack.base_url)
    with pytest.raises(SlackApiError) as caught:
        await bad.auth_test()
    assert caught.value.response["error"] == "invalid_auth"

    anonymous = AsyncWebClient(base_url=slack.base_url)
    with pytest.raises(SlackApiError) as unauthed:
        await anonymous.api_call("auth.test")
    assert unauthed.value.response["error"] == "not_authed"

    good = AsyncWebClient(token=slack.bot_token, base_url=slack.base_url)
    with pytest.raises(SlackApiError) as unknown:
        await good.api_call("chat.teleport")
    assert unknown.value.response.status_code == 200
    assert unknown.value.response["error"] == "unknown_method"
    with pytest.raises(SlackApiError) as nochannel:
        await good.chat_postMessage(channel="C_NOPE", text="hi")
    assert nochannel.value.response["error"] == "channel_not_found"


async def test_ratelimit_raises_then_retry_handler_recovers(
    slack: SlackEmulator, web_client: AsyncWebClient
) -> None:
    slack.fail_next("chat.postMessage", retry_after=3)
    with pytest.raises(SlackApiError) as caught:
        await web_client.chat_postMessage(channel=AGENTS, text="hi")
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "3"
    assert caught.value.response["error"] == "ratelimited"

    slack.fail_next("chat.postMessage", retry_after=0)
    patient = AsyncWebClient(
        token=slack.bot_token,
        base_url=slack.base_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    answer = await patient.chat_postMessage(channel=AGENTS, text="hi again")
    assert answer["ok"]
    statuses = [c.status for c in slack.attempts_to("chat.postMessage")]
    assert statuses == [429, 429, 200]


async def test_server_errors_can_be_injected_several_times(
    slack: SlackEmulator, web_client: AsyncWebClient
) -> None:
    slack.fail_next(
        "users.info", status=503, error="service_unavailable", retry_after=None, times=2
    )
    for _ in range(2):
        with pytest.raises(SlackApiError) as caught:
            await web_client.users_info(user=AGENT)
        assert caught.value.response.status_code == 503
    assert (await web_client.users_info(user=AGENT))["ok"]


async def test_block_kit_limits_are_enforced(
    slack: SlackEmulator, web_client: AsyncWebClient
) -> None:
    too_many = [section(f"b{i}") for i in range(51)]
    too_long = [section("x" * 3001)]
    long_header = [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]
    fat_button = [
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "approve",
                    "text": {"type": "plain_text", "text": "Approve"},
                    "value": "v" * 2001,
                }
            ],
        }
    ]
    for blocks in (too_many, too_long, long_header, fat_button):
        with pytest.raises(SlackApiError) as caught:
            await web_client.chat_postMessage(channel=AGENTS, text="t", blocks=blocks)
        assert caught.value.response["error"] == "invalid_blocks"
        assert caught.value.response["response_metadata"]["messages"]
    assert slack.messages(AGENTS) == []


async def test_blocks_without_text_are_accepted_with_a_warning(
    slack: SlackEmulator, web_client: AsyncWebClient
) -> None:
    with pytest.warns(UserWarning):
        answer = await web_client.chat_postMessage(channel=AGENTS, blocks=[section("hi")])
    assert answer["warning"] == "missing_text_or_fallback_or_attachments"
    assert slack.warnings == [
        {
            "method": "chat.postMessage",
            "channel": AGENTS,
            "warning": "missing_text_or_fallback_or_attachments",
        }
    ]


async def test_ephemeral_permalink_and_info(
    slack: SlackEmulator, web_client: AsyncWebClient
) -> None:
    answer = await web_client.chat_postEphemeral(channel=AGENTS, user=AGENT, text="only you")
    assert slack.ephemerals(user=AGENT)[0]["ts"] == answer["message_ts"]
    assert slack.messages(AGENTS) == []
    with pytest.raises(SlackApiError) as caught:
        await web_client.chat_postEphemeral(channel=AGENTS, user=CUSTOMER_USER, text="no")
    assert caught.value.response["error"] == "user_not_in_channel"

    parent = await web_client.chat_postMessage(channel=SHARED, text="top")
    reply = await web_client.chat_postMessage(channel=SHARED, text="r", thread_ts=parent["ts"])
    link = await web_client.chat_getPermalink(channel=SHARED, message_ts=reply["ts"])
    digits = reply["ts"].replace(".", "")
    assert link["permalink"] == (
        f"https://brightwave.slack.com/archives/{SHARED}/p{digits}"
        f"?thread_ts={parent['ts']}&cid={SHARED}"
    )

    info = (await web_client.conversations_info(channel=SHARED))["channel"]
    assert info["is_ext_shared"] and info["is_shared"] and info["is_member"]
    assert info["connected_team_ids"] == [CUSTOMER]
    assert info["context_team_id"] == VENDOR
    private = (await web_client.conversations_info(channel=AGENTS))["channel"]
    assert private["is_private"] and not private["is_ext_shared"]
    members = await web_client.conversations_members(channel=SHARED)
    assert set(members["members"]) == {AGENT, CUSTOMER_USER, "U_BOT"}

    user = (await web_client.users_info(user=CUSTOMER_USER))["user"]
    assert user["team_id"] == CUSTOMER
    assert user["profile"]["team"] == CUSTOMER
    assert user["is_bot"] is False


async def test_calls_record_decoded_params(
    slack: SlackEmulator, web_client: AsyncWebClient
) -> None:
    blocks = [section("hello")]
    await web_client.api_call(
        "chat.postMessage", data={"channel": AGENTS, "text": "t", "blocks": json.dumps(blocks)}
    )
    await web_client.chat_postMessage(channel=AGENTS, text="t2", blocks=blocks)
    form_call, json_call = slack.calls_to("chat.postMessage")
    assert form_call.params["blocks"] == json_call.params["blocks"] == blocks
    assert json_call.ok and json_call.status == 200
    assert slack.calls_to("chat.postMessage", text="t2") == [json_call]


async def test_wait_for_returns_past_and_future_calls(
    slack: SlackEmulator, web_client: AsyncWebClient
) -> None:
    await web_client.chat_postMessage(channel=AGENTS, text="first")
    assert (await slack.wait_for("chat.postMessage")).params["text"] == "first"

    later = asyncio.create_task(slack.wait_for("chat.postMessage", count=2, channel=AGENTS))
    await web_client.chat_postMessage(channel=SHARED, text="elsewhere")
    await web_client.chat_postMessage(channel=AGENTS, text="second")
    assert (await later).params["text"] == "second"

    with pytest.raises(EmulatorTimeout) as caught:
        await slack.wait_for("views.open", timeout=0.05)
    assert "chat.postMessage" in str(caught.value)
    assert isinstance(caught.value, TimeoutError)
    assert isinstance(caught.value, AssertionError)


async def test_feed_reports_changes(slack: SlackEmulator, web_client: AsyncWebClient) -> None:
    feed = slack.subscribe()
    posted = await web_client.chat_postMessage(channel=AGENTS, text="v1")
    await web_client.chat_update(channel=AGENTS, ts=posted["ts"], text="v2")
    slack.unsubscribe(feed)
    await web_client.chat_postMessage(channel=AGENTS, text="unseen")

    kinds = []
    while not feed.empty():
        event = feed.get_nowait()
        kinds.append((event["kind"], event["channel"], event["message"]["text"]))
    assert kinds == [("message", AGENTS, "v1"), ("message_changed", AGENTS, "v2")]


async def test_bot_outside_a_channel_cannot_post(
    slack: SlackEmulator, web_client: AsyncWebClient
) -> None:
    slack.add_channel("C_PUBLIC", "general", bot_member=False)
    slack.add_channel("G_SECRET", "hr", is_private=True, bot_member=False)
    for channel, code in (("C_PUBLIC", "not_in_channel"), ("G_SECRET", "channel_not_found")):
        with pytest.raises(SlackApiError) as caught:
            await web_client.chat_postMessage(channel=channel, text="hi")
        assert caught.value.response["error"] == code
    slack.join("C_PUBLIC", "U_BOT")
    assert (await web_client.chat_postMessage(channel="C_PUBLIC", text="hi"))["ok"]


async def test_snapshot_is_json_ready(slack: SlackEmulator, web_client: AsyncWebClient) -> None:
    await web_client.chat_postMessage(channel=SHARED, text="hello")
    snapshot = json.loads(json.dumps(slack.snapshot()))
    assert snapshot["team"]["domain"] == "brightwave"
    assert snapshot["channels"][SHARED]["messages"][0]["text"] == "hello"
    assert snapshot["users"][CUSTOMER_USER]["team_id"] == CUSTOMER


async def test_socket_mode_opens_only_with_the_app_token_and_says_hello(
    slack: SlackEmulator, web_client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError) as bot_token:
        await web_client.apps_connections_open(app_token=slack.bot_token)
    assert bot_token.value.response["error"] == "not_allowed_token_type"

    opened = await web_client.apps_connections_open(app_token=slack.app_token)

    assert opened["url"].startswith("ws://127.0.0.1:")
    async with aiohttp.ClientSession() as session, session.ws_connect(opened["url"]) as socket:
        hello = await socket.receive_json()
        assert hello["type"] == "hello" and hello["connection_info"]["app_id"] == "A_HITL"
