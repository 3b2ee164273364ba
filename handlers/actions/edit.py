"""Edit: open the modal with the draft, right after the ack (trigger ids live 3 seconds)."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.cards import build_edit_modal
from bot.deps import deps_from
from handlers.actions.payload import actor_of, channel_of, clicked_on, stored_id
from handlers.notice import tell_privately


async def handle_edit_button(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    logger: Logger,
) -> None:
    """Open the Edit modal for an agent; anyone else gets a private refusal."""
    await ack()
    deps = deps_from(context)
    actor = actor_of(body)
    escalation_id = stored_id(action)
    escalation, refusal = await deps.actions.editable(escalation_id, actor)
    if escalation_id is not None and refusal is None:
        misplaced = await deps.actions.misplaced(escalation_id, clicked_on(body))
        if misplaced is not None:
            escalation, refusal = None, misplaced
    if escalation is None or escalation.id is None:
        channel = channel_of(body, default=deps.agent_channel)
        await tell_privately(client, channel=channel, user=actor.user_id, text=refusal or "")
        return
    view = build_edit_modal(
        escalation_id=escalation.id, draft=escalation.draft, org_name=escalation.org_name
    )
    await client.views_open(trigger_id=str(body["trigger_id"]), view=view)
    logger.debug("edit modal opened for escalation %s", escalation.id)
