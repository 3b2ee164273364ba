"""Approve, Take over, Hand back and Resolve on the escalation card."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import ids
from bot.actions import Actor, AgentActions, ClickedOn
from bot.deps import deps_from
from handlers.actions.payload import actor_of, channel_of, clicked_on, stored_id
from handlers.notice import tell_privately


async def handle_card_button(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    logger: Logger,
) -> None:
    """Acknowledge, then act in the background and tell the clicker what happened."""
    await ack()
    deps = deps_from(context)
    escalation_id = stored_id(action)
    if escalation_id is None:
        logger.warning("card button without an escalation id: %r", action.get("value"))
        return
    actor = actor_of(body)
    channel = channel_of(body, default=deps.agent_channel)
    deps.worker.submit(
        _act(
            deps.actions,
            client,
            str(action["action_id"]),
            escalation_id,
            actor,
            (channel, clicked_on(body)),
            logger,
        ),
        name=f"card-{action['action_id']}",
    )


async def _act(
    actions: AgentActions,
    client: AsyncWebClient,
    action_id: str,
    escalation_id: int,
    actor: Actor,
    where: tuple[str, ClickedOn],
    logger: Logger,
) -> None:
    channel, source = where
    refusal = await actions.refusal(actor) or await actions.misplaced(escalation_id, source)
    if refusal is None:
        perform = {
            ids.APPROVE: actions.approve,
            ids.TAKE_OVER: actions.take_over,
            ids.HAND_BACK: actions.hand_back,
            ids.RESOLVE: actions.resolve,
        }[action_id]
        try:
            outcome = await perform(escalation_id, actor)
        except Exception:
            logger.exception("%s on escalation %s failed", action_id, escalation_id)
            refusal = "Something went wrong; nothing was sent. Please try again."
        else:
            refusal = outcome.notice
    if refusal:
        await tell_privately(client, channel=channel, user=actor.user_id, text=refusal)
