"""Buttons on automatic answers: "Talk to a person" and thumbs up or down."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import ids
from bot.deps import deps_from
from handlers.actions.payload import actor_of, channel_of, stored_id


async def handle_talk_to_person(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    logger: Logger,
) -> None:
    """Escalate the thread at once; customers in a Slack Connect channel may press it."""
    await ack()
    conversation_id = stored_id(action)
    if conversation_id is None:
        logger.warning("talk-to-person without a conversation id")
        return
    deps = deps_from(context)
    deps.worker.submit(
        deps.responder.talk_to_person(
            conversation_id=conversation_id,
            user_id=actor_of(body).user_id,
            channel_id=channel_of(body),
        ),
        name="talk-to-person",
    )


async def handle_thumbs(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    """Store the vote on the answer and thank the voter privately."""
    await ack()
    deps = deps_from(context)
    channel = channel_of(body)
    message_ts = str((body.get("container") or {}).get("message_ts") or "")
    user = actor_of(body).user_id
    value = 1 if action.get("action_id") == ids.THUMBS_UP else -1
    stored = await deps.desk.escalations.add_feedback(
        conversation_id=stored_id(action),
        channel_id=channel,
        message_ts=message_ts,
        user_id=user,
        value=value,
    )
    text = "Thanks for the feedback!" if stored else "You already rated this answer."
    await client.chat_postEphemeral(channel=channel, user=user, text=text)
