"""Block Kit: the emulator refuses what Slack refuses, and accepts Slack's own shapes."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from emulators import SlackEmulator
from emulators.blockkit import message_blocks_errors, view_errors

from .blocks import CARD_BLOCKS
from .conftest import AGENT, AGENTS

PAYLOADS = Path(__file__).resolve().parents[3] / "shared" / "slack" / "payloads"

Blocks = list[dict[str, Any]]


def payload(name: str) -> dict[str, Any]:
    """A real Slack payload from the shared fixtures."""
    loaded: dict[str, Any] = json.loads((PAYLOADS / name).read_text())
    return loaded


def card() -> Blocks:
    """A valid card: header, section with fields, context, divider, buttons."""
    return [
        {"type": "header", "text": {"type": "plain_text", "text": "Acme · churn risk"}},
        *copy.deepcopy(CARD_BLOCKS),
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": "*Plan*\nEnterprise"}],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "score 0.8"}]},
        {"type": "divider"},
    ]


def set_in(path: str, value: Any) -> Callable[[Blocks], None]:
    """A change that sets one field, addressed like a json-pointer below /blocks."""

    def change(blocks: Blocks) -> None:
        *parents, last = path.split("/")
        target: Any = blocks
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


# Block indexes in card(): 0 header, 1 section, 2 actions, 3 fields section, 4 context, 5 divider.
BROKEN_CARDS = {
    "unknown block type": (set_in("5/type", "separator"), "/blocks/5/type"),
    "unknown element type": (
        set_in("2/elements/0/type", "link_button"),
        "/blocks/2/elements/0/type",
    ),
    "mrkdwn in a header": (set_in("0/text/type", "mrkdwn"), "/blocks/0/text/type"),
    "mrkdwn in a button": (
        set_in("2/elements/1/text/type", "mrkdwn"),
        "/blocks/2/elements/1/text/type",
    ),
    "unknown text object type": (set_in("1/text/type", "markdown"), "/blocks/1/text/type"),
    "empty section text": (set_in("1/text/text", ""), "/blocks/1/text/text"),
    "empty header text": (set_in("0/text/text", ""), "/blocks/0/text/text"),
    "empty button label": (set_in("2/elements/0/text/text", ""), "/blocks/2/elements/0/text/text"),
    "empty field": (set_in("3/fields/0/text", ""), "/blocks/3/fields/0/text"),
    "empty context element": (set_in("4/elements/0/text", ""), "/blocks/4/elements/0/text"),
    "empty block_id": (set_in("1/block_id", ""), "/blocks/1/block_id"),
    "empty action_id": (set_in("2/elements/0/action_id", ""), "/blocks/2/elements/0/action_id"),
    "header over 150": (set_in("0/text/text", "h" * 151), "/blocks/0/text/text"),
    "section over 3000": (set_in("1/text/text", "s" * 3001), "/blocks/1/text/text"),
    "field over 2000": (set_in("3/fields/0/text", "f" * 2001), "/blocks/3/fields/0/text"),
    "button label over 75": (
        set_in("2/elements/0/text/text", "b" * 76),
        "/blocks/2/elements/0/text/text",
    ),
    "button value over 2000": (
        set_in("2/elements/0/value", "v" * 2001),
        "/blocks/2/elements/0/value",
    ),
    "block_id over 255": (set_in("1/block_id", "i" * 256), "/blocks/1/block_id"),
    "emoji on mrkdwn": (set_in("1/text/emoji", True), "/blocks/1/text/emoji"),
    "unknown button style": (set_in("2/elements/0/style", "green"), "/blocks/2/elements/0/style"),
    "11 fields": (
        set_in("3/fields", [{"type": "mrkdwn", "text": "x"}] * 11),
        "/blocks/3/fields",
    ),
    "11 context elements": (
        set_in("4/elements", [{"type": "plain_text", "text": "x"}] * 11),
        "/blocks/4/elements",
    ),
    "26 actions": (
        set_in(
            "2/elements",
            [
                {
                    "type": "button",
                    "action_id": f"a{i}",
                    "text": {"type": "plain_text", "text": "x"},
                }
                for i in range(26)
            ],
        ),
        "/blocks/2/elements",
    ),
    "empty actions": (set_in("2/elements", []), "/blocks/2"),
    "section without text or fields": (set_in("1/text", None), "/blocks/1"),
}


def test_a_valid_card_and_slacks_own_rich_text_pass() -> None:
    rich_text = payload("message_user_channel.json")["event"]["blocks"]

    assert message_blocks_errors(card()) == []
    assert message_blocks_errors(rich_text) == []


@pytest.mark.parametrize("name", sorted(BROKEN_CARDS))
async def test_card_slack_would_refuse_is_refused_with_a_pointer(
    slack: SlackEmulator, web_client: AsyncWebClient, name: str
) -> None:
    change, pointer = BROKEN_CARDS[name]
    blocks = card()
    change(blocks)

    with pytest.raises(SlackApiError) as refused:
        await web_client.chat_postMessage(channel=AGENTS, text="card", blocks=blocks)

    assert refused.value.response["error"] == "invalid_blocks"
    messages = refused.value.response["response_metadata"]["messages"]
    assert any(f"[json-pointer:{pointer}]" in m for m in messages), messages
    assert slack.calls_to("chat.postMessage") == []  # a refused card never "arrives"
    assert slack.messages(AGENTS) == []


def test_more_than_50_blocks_in_a_message_is_refused() -> None:
    blocks = [{"type": "divider"} for _ in range(51)]

    assert message_blocks_errors(blocks) == [
        "[ERROR] no more than 50 items allowed [json-pointer:/blocks]"
    ]
    assert message_blocks_errors(blocks[:50]) == []


def test_slacks_own_modal_passes() -> None:
    view = payload("view_submission.json")["view"]
    sent = {k: view[k] for k in ("type", "title", "submit", "close", "blocks", "callback_id")}

    assert view_errors(sent) == []


@pytest.mark.parametrize(
    ("field", "value", "pointer"),
    [
        ("title", {"type": "mrkdwn", "text": "Edit"}, "/view/title/type"),
        ("submit", {"type": "plain_text", "text": ""}, "/view/submit/text"),
        ("close", {"type": "plain_text", "text": "c" * 25}, "/view/close/text"),
    ],
)
def test_modal_title_submit_close_are_short_plain_text(
    field: str, value: dict[str, str], pointer: str
) -> None:
    view = copy.deepcopy(payload("view_submission.json")["view"])
    view[field] = value

    assert any(f"[json-pointer:{pointer}]" in e for e in view_errors(view))


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        (set_in("0/label/type", "mrkdwn"), "/view/blocks/0/label/type"),
        (set_in("0/label/text", ""), "/view/blocks/0/label/text"),
        (set_in("0/hint", {"type": "mrkdwn", "text": "h"}), "/view/blocks/0/hint/type"),
        (set_in("0/element/type", "button"), "/view/blocks/0/element/type"),
        (set_in("0/element/max_length", 0), "/view/blocks/0/element/max_length"),
        (
            set_in("0/element/placeholder", {"type": "plain_text", "text": "p" * 151}),
            "/view/blocks/0/element/placeholder/text",
        ),
    ],
)
async def test_modal_input_rules_are_enforced_by_views_open(
    slack: SlackEmulator,
    web_client: AsyncWebClient,
    change: Callable[[Blocks], None],
    pointer: str,
) -> None:
    view = copy.deepcopy(payload("view_submission.json")["view"])
    sent = {k: view[k] for k in ("type", "title", "submit", "close", "blocks", "callback_id")}
    change(sent["blocks"])

    with pytest.raises(SlackApiError) as refused:
        await web_client.views_open(trigger_id=slack.new_trigger(AGENT), view=sent)

    assert refused.value.response["error"] == "invalid_arguments"
    messages = refused.value.response["response_metadata"]["messages"]
    assert any(f"[json-pointer:{pointer}]" in m for m in messages), messages
