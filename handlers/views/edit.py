"""The Edit modal's submission: validate inside the modal, send after the ack."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import ids
from bot.actions import Actor
from bot.deps import deps_from
from bot.intake import normalise_text
from handlers.actions.payload import actor_of, parse_id


async def handle_edit_submission(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    logger: Logger,
) -> None:
    """Show errors in the modal, or close it and send the edited reply."""
    deps = deps_from(context)
    escalation_id = parse_id(view.get("private_metadata"))
    values = (view.get("state") or {}).get("values") or {}
    text = normalise_text(
        str(((values.get(ids.EDIT_BLOCK) or {}).get(ids.EDIT_INPUT) or {}).get("value") or "")
    )
    actor = actor_of(body)
    if escalation_id is None:
        await ack(response_action="errors", errors={ids.EDIT_BLOCK: "This form is out of date."})
        return
    problem = await deps.actions.refusal(actor) or await deps.actions.edit_errors(
        escalation_id, text
    )
    if problem is not None:
        await ack(response_action="errors", errors={ids.EDIT_BLOCK: problem})
        return
    await ack()
    deps.worker.submit(
        _send(deps.actions, client, escalation_id, actor, text, deps.agent_channel, logger),
        name="edit-send",
    )


async def _send(
    actions: Any,
    client: AsyncWebClient,
    escalation_id: int,
    actor: Actor,
    text: str,
    channel: str,
    logger: Logger,
) -> None:
    outcome = await actions.send_edited(escalation_id, actor, text)
    if outcome.notice:
        await client.chat_postEphemeral(channel=channel, user=actor.user_id, text=outcome.notice)
    logger.debug("edited reply for escalation %s: %s", escalation_id, outcome.done)
