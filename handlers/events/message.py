"""Customer messages: stored before the ack, answered after it."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from bot.deps import deps_from
from bot.models import IncomingMessage

TAKEN_IN_KEY = "hitl_taken_in"


def parse_message(body: dict[str, Any]) -> IncomingMessage:
    """Reduce a message event envelope to the fields the core needs."""
    event = body.get("event") or {}
    authorizations = body.get("authorizations") or [{}]
    installed = (
        authorizations[0].get("team_id") or body.get("context_team_id") or body.get("team_id")
    )
    return IncomingMessage(
        event_id=body.get("event_id"),
        channel_id=str(event.get("channel") or ""),
        ts=str(event.get("ts") or ""),
        thread_ts=event.get("thread_ts"),
        user_id=event.get("user"),
        user_team_id=event.get("user_team") or event.get("source_team"),
        installed_team_id=installed,
        text=str(event.get("text") or ""),
        subtype=event.get("subtype"),
        bot_id=event.get("bot_id"),
        is_ext_shared_channel=bool(body.get("is_ext_shared_channel")),
    )


async def take_in_message(body: dict[str, Any], context: AsyncBoltContext, next: Any) -> None:
    """Store the message durably before Bolt acks, so a crash after the ack loses nothing."""
    message = parse_message(body)
    context[TAKEN_IN_KEY] = await deps_from(context).intake.take_in(message)
    await next()


async def handle_message(context: AsyncBoltContext, logger: Logger) -> None:
    """Answer a new customer message, or note a staff reply; everything else is ignored."""
    deps = deps_from(context)
    taken_in = context.get(TAKEN_IN_KEY)
    if taken_in is None or taken_in.message_id is None:
        return
    if taken_in.needs_answer:
        deps.worker.submit(deps.responder.handle(taken_in.message_id), name="answer")
    elif taken_in.conversation_id is not None:
        staff_user = str(context.user_id or "")
        deps.worker.submit(
            deps.actions.staff_replied(
                conversation_id=taken_in.conversation_id, user_id=staff_user
            ),
            name="staff-reply",
        )
    logger.debug("message %s taken in", taken_in.message_id)
