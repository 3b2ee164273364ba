"""The one door to a customer's channel: every post into a customer thread goes through here.

An automatic answer needs an "auto" risk decision, a channel in auto mode and a conversation the
bot still owns; a human reply needs a stored human decision. Holding replies say only that a
person is looking, so they need neither.
"""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import build_answer, build_plain
from bot.commitments import find_commitments
from storage.store import Store
from storage.tables import Conversation, Escalation

log = logging.getLogger(__name__)

HOLDING_REPLY = (
    "Thanks, I've passed this to a person on our support team. They have the full conversation "
    "and will reply here in this thread shortly."
)


class CustomerGateError(Exception):
    """A post into a customer thread was attempted without the decision that allows it."""


class Outbox:
    """Post into customer threads, and store what was posted."""

    def __init__(self, client: AsyncWebClient, store: Store) -> None:
        self._client = client
        self._store = store

    async def send_auto_answer(
        self, conversation: Conversation, text: str, *, decision: str, mode: str
    ) -> str:
        """Post the bot's own answer; only for an auto decision in an auto channel."""
        if decision != "auto" or mode != "auto":
            raise CustomerGateError(f"automatic answer refused: decision={decision} mode={mode}")
        if find_commitments(text):
            # The last check before a customer reads it, on the exact text that would be posted.
            raise CustomerGateError("automatic answer refused: it promises money")
        current = await self._store.conversation(_id(conversation))
        if current is None or current.state in ("escalated", "taken_over"):
            raise CustomerGateError("automatic answer refused: a human owns this thread")
        fallback, blocks = build_answer(text, conversation_id=_id(conversation))
        return await self._post(conversation, fallback, blocks, kind="answer")

    async def send_holding(self, conversation: Conversation, text: str = HOLDING_REPLY) -> str:
        """Tell the customer a person is on it; says nothing else, so no decision is needed."""
        fallback, blocks = build_plain(text)
        return await self._post(conversation, fallback, blocks, kind="holding")

    async def send_human_reply(
        self, conversation: Conversation, escalation: Escalation, *, actor_user_id: str
    ) -> str:
        """Send the text a human approved or wrote, read back from the stored decision."""
        if escalation.status not in ("approved", "edited") or not escalation.final_text:
            raise CustomerGateError("human reply refused: no stored human decision")
        fallback, blocks = build_plain(escalation.final_text)
        return await self._post(
            conversation, fallback, blocks, kind="human", author_user_id=actor_user_id
        )

    async def _post(
        self,
        conversation: Conversation,
        fallback: str,
        blocks: list[dict[str, object]],
        *,
        kind: str,
        author_user_id: str | None = None,
    ) -> str:
        response = await self._client.chat_postMessage(
            channel=conversation.channel_id,
            thread_ts=conversation.thread_ts,
            text=fallback,
            blocks=blocks,
            unfurl_links=False,
        )
        ts = str(response["ts"])
        await self._store.record_outbound(
            conversation_id=_id(conversation),
            channel_id=conversation.channel_id,
            ts=ts,
            text=fallback,
            kind=kind,
            author_user_id=author_user_id,
        )
        return ts


def _id(conversation: Conversation) -> int:
    assert conversation.id is not None, "conversation rows come from the store with ids"
    return conversation.id
