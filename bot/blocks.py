"""Block Kit builders: pure functions from core values to Slack message payloads.

Every builder returns `(text, blocks)`: the plain text fallback Slack shows in notifications and
the blocks, each kept inside Block Kit's limits whatever the input.
"""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.mrkdwn import escape, quote, truncate

Block = dict[str, Any]

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
FALLBACK_LIMIT = 3000
MAX_BLOCKS = 50


def section(text: str) -> Block:
    """A mrkdwn section, cut to Slack's 3,000 characters."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_LIMIT)}}


def header(text: str) -> Block:
    """A plain-text header, cut to Slack's 150 characters."""
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": truncate(text, HEADER_LIMIT), "emoji": True},
    }


def context(*texts: str) -> Block:
    """A context line of up to ten mrkdwn elements."""
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": truncate(t, SECTION_LIMIT)} for t in texts[:10]],
    }


def button(label: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    """A button carrying only an id: state lives in the database, not in the message."""
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": truncate(label, 75), "emoji": True},
        "action_id": action_id,
        "value": truncate(value, 2000),
    }
    if style:
        element["style"] = style
    return element


def actions(block_id: str, *elements: Block) -> Block:
    """An actions block with a stable block id."""
    return {"type": "actions", "block_id": block_id, "elements": list(elements[:25])}


def fit(blocks: list[Block]) -> list[Block]:
    """Keep a message within 50 blocks, dropping from the middle and keeping the actions last."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    tail = [b for b in blocks[-2:] if b.get("type") in ("actions", "context")]
    head = blocks[: MAX_BLOCKS - len(tail) - 1]
    return [*head, context("_… more omitted to fit in one message_"), *tail]


def build_answer(text: str, *, conversation_id: int) -> tuple[str, list[Block]]:
    """An automatic answer, with "Talk to a person" and thumbs for feedback."""
    value = str(conversation_id)
    blocks = [
        section(text),
        actions(
            ids.ANSWER_ACTIONS_BLOCK,
            button("Talk to a person", ids.TALK_TO_PERSON, value),
            button("👍", ids.THUMBS_UP, value),
            button("👎", ids.THUMBS_DOWN, value),
        ),
    ]
    return truncate(text, FALLBACK_LIMIT), blocks


def build_plain(text: str) -> tuple[str, list[Block]]:
    """A message of one section and its fallback."""
    return truncate(text, FALLBACK_LIMIT), [section(text)]


def build_customer_copy(user_id: str, text: str) -> tuple[str, list[Block]]:
    """A later customer message copied into the card's thread for the agents."""
    body = f"<@{user_id}> wrote in the customer thread:\n{quote(text)}"
    return truncate(f"Customer wrote: {escape(text)}", FALLBACK_LIMIT), [section(body)]


def escaped(text: str) -> str:
    """Escape user text for mrkdwn (re-exported for builders in sibling modules)."""
    return escape(text)
