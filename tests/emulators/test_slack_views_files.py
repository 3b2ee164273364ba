"""Modals (trigger rules, limits, hashes) and the files_upload_v2 round trip."""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from emulators import SlackEmulator

from .conftest import AGENT, AGENTS

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


def modal(title: str = "Edit draft", blocks: int = 1) -> dict[str, object]:
    return {
        "type": "modal",
        "callback_id": "edit_draft",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Send"},
        "blocks": [
            {
                "type": "input",
                "block_id": f"draft_{i}",
                "label": {"type": "plain_text", "text": "Draft"},
                "element": {"type": "plain_text_input", "action_id": "text"},
            }
            for i in range(blocks)
        ],
    }


async def test_views_open_with_fresh_trigger(
    slack: SlackEmulator, web_client: AsyncWebClient
) -> None:
    trigger = slack.new_trigger(AGENT)
    answer = await web_client.views_open(trigger_id=trigger, view=modal())
    view = answer["view"]
    assert view["id"].startswith("V") and view["hash"]
    assert view["callback_id"] == "edit_draft"
    assert view["app_installed_team_id"] == "T_VENDOR"
    record = slack.views[view["id"]]
    assert record.user == AGENT and record.is_open

    with pytest.raises(SlackApiError) as reused:
        await web_client.views_open(trigger_id=trigger, view=modal())
    assert reused.value.response["error"] == "exchanged_trigger_id"


async def test_views_open_rejects_expired_and_unknown_triggers(
    slack: SlackEmulator, web_client: AsyncWebClient
) -> None:
    now = [1_700_000_000.0]
    slack.clock = lambda: now[0]
    trigger = slack.new_trigger(AGENT)
    now[0] += 3.5
    with pytest.raises(SlackApiError) as expired:
        await web_client.views_open(trigger_id=trigger, view=modal())
    assert expired.value.response["error"] == "expired_trigger_id"
    with pytest.raises(SlackApiError) as unknown:
        await web_client.views_open(trigger_id="123.456.nope", view=modal())
    assert unknown.value.response["error"] == "invalid_trigger_id"
    assert slack.views == {}


async def test_modal_limits(slack: SlackEmulator, web_client: AsyncWebClient) -> None:
    for view in (modal(title="t" * 25), modal(blocks=101)):
        with pytest.raises(SlackApiError) as caught:
            await web_client.views_open(trigger_id=slack.new_trigger(AGENT), view=view)
        assert caught.value.response["error"] == "invalid_arguments"
        assert caught.value.response["response_metadata"]["messages"]


async def test_views_update_checks_the_hash(
    slack: SlackEmulator, web_client: AsyncWebClient
) -> None:
    opened = (await web_client.views_open(trigger_id=slack.new_trigger(AGENT), view=modal()))[
        "view"
    ]
    updated = await web_client.views_update(
        view_id=opened["id"], hash=opened["hash"], view=modal(title="Edited")
    )
    assert updated["view"]["title"]["text"] == "Edited"
    assert slack.views[opened["id"]].view["title"]["text"] == "Edited"

    with pytest.raises(SlackApiError) as caught:
        await web_client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())
    assert caught.value.response["error"] == "hash_conflict"
    with pytest.raises(SlackApiError) as missing:
        await web_client.views_update(view_id="V_NOPE", view=modal())
    assert missing.value.response["error"] == "not_found"


async def test_files_upload_v2_round_trip(slack: SlackEmulator, web_client: AsyncWebClient) -> None:
    parent = await web_client.chat_postMessage(channel=AGENTS, text="case 42")
    feed = slack.subscribe()

    answer = await web_client.files_upload_v2(
        channel=AGENTS,
        thread_ts=parent["ts"],
        content=PNG,
        filename="chart.png",
        title="Latency chart",
        initial_comment="Here is the chart",
    )

    file_id = answer["file"]["id"]
    assert slack.file_bytes(file_id) == PNG
    shared = slack.thread(AGENTS, parent["ts"])[1]
    assert shared["text"] == "Here is the chart"
    assert shared["files"][0]["mimetype"] == "image/png"
    assert shared["files"][0]["title"] == "Latency chart"
    async with (
        aiohttp.ClientSession() as session,
        session.get(shared["files"][0]["url_private"]) as response,
    ):
        assert response.content_type == "image/png"
        assert await response.read() == PNG
    kinds = [feed.get_nowait()["kind"] for _ in range(feed.qsize())]
    assert kinds == ["message", "file_uploaded"]
    assert [c.method for c in slack.calls] == [
        "chat.postMessage",
        "files.getUploadURLExternal",
        "files.upload",
        "files.completeUploadExternal",
    ]
