"""Drive interactivity like a Slack client: button clicks, modal submits, slash commands."""

from __future__ import annotations

import copy
import secrets
from typing import Any

from . import payloads
from .delivery import ACK_DEADLINE_SECONDS as DELIVERY_ACK_DEADLINE
from .delivery import Delivery, SlackDelivery
from .errors import EmulatorUsageError
from .slack_api import ApiFailure, bot_message, with_block_ids
from .slack_api_views import check_view, close_view, open_record, replace_view
from .slack_state import Workspace

# Slack gives up on an interactive request that is not acknowledged within 3 seconds.
ACK_DEADLINE_SECONDS = DELIVERY_ACK_DEADLINE


class Interactions:
    """Turn user gestures into signed interactive payloads and apply the app's answers."""

    def __init__(self, delivery: SlackDelivery) -> None:
        self.delivery = delivery
        self.ws: Workspace = delivery.ws
        self.token = delivery.token

    def _response_url(self, **context: Any) -> str:
        """Mint a response_url on the emulator bound to this interaction."""
        response_id = secrets.token_urlsafe(12)
        self.ws.response_urls[response_id] = context
        return f"{self.delivery.emulator.root_url}/response_url/{response_id}"

    async def click(
        self,
        user: str,
        channel: str,
        message_ts: str,
        action_id: str,
        *,
        value: str | None = None,
        block_id: str | None = None,
    ) -> Delivery:
        """Click a button on a channel message or on an ephemeral shown to that user."""
        found = self.ws.require_channel(channel)
        message, is_ephemeral = self.ws.find_message(channel, message_ts), False
        if message is None:
            message = next(
                (
                    e
                    for e in self.ws.ephemerals
                    if e["channel"] == channel and e["ts"] == message_ts and e["visible_to"] == user
                ),
                None,
            )
            is_ephemeral = message is not None
        if message is None:
            raise EmulatorUsageError(f"{user} sees no message {message_ts} in {channel}")
        button, button_block = payloads.find_button(message.get("blocks"), action_id)
        action = {
            "action_id": action_id,
            "block_id": block_id or button_block,
            "text": button.get("text"),
            "value": value if value is not None else button.get("value"),
            "type": "button",
            "action_ts": f"{self.ws.clock():.6f}",
        }
        if button.get("style"):
            action["style"] = button["style"]
        response_url = self._response_url(
            channel=channel,
            message_ts=message_ts,
            user=user,
            is_ephemeral=is_ephemeral,
            thread_ts=message.get("thread_ts"),
        )
        payload = payloads.block_actions(
            self.ws,
            token=self.token,
            user=user,
            channel=found,
            message=message,
            is_ephemeral=is_ephemeral,
            action=action,
            trigger_id=self.ws.new_trigger(user),
            response_url=response_url,
        )
        return await self.delivery.post_interactive(payload)

    async def submit_view(
        self, user: str, view_id: str, values: dict[str, dict[str, Any]]
    ) -> Delivery:
        """Submit an open modal and apply the app's response_action to it."""
        record = self.ws.views.get(view_id)
        if record is None or not record.is_open or record.user != user:
            raise EmulatorUsageError(f"{user} has no open view {view_id}")
        record.view["state"] = payloads.view_state(record.view, values)
        payload = payloads.view_submission(
            self.ws,
            token=self.token,
            user=user,
            view=copy.deepcopy(record.view),
            trigger_id=self.ws.new_trigger(user),
        )
        delivery = await self.delivery.post_interactive(payload)
        self._apply_view_answer(record.id, delivery)
        return delivery

    def _apply_view_answer(self, view_id: str, delivery: Delivery) -> None:
        """Do to the modal what Slack does with the app's ack body."""
        record = self.ws.views[view_id]
        answer = delivery.json or {}
        action = answer.get("response_action")
        if not delivery.ok or delivery.elapsed > ACK_DEADLINE_SECONDS:
            # Slack keeps the modal and shows "We had some trouble connecting".
            why = "timeout" if delivery.ok else str(delivery.status)
            record.history.append(f"submit_failed:{why}")
            self.ws.publish("view_error", view_id=view_id, user=record.user, status=delivery.status)
        elif action == "errors":
            errors = answer.get("errors") or {}
            inputs = {b.get("block_id") for b in record.view["blocks"] if b.get("type") == "input"}
            unknown = sorted(set(errors) - inputs)
            # Errors must name input blocks of the view, or Slack cannot show them.
            record.history.append(f"invalid_errors:{','.join(unknown)}" if unknown else "errors")
            self.ws.publish("view_errors", view_id=view_id, user=record.user, errors=errors)
        elif action in ("update", "push"):
            try:
                view = check_view(answer.get("view"))
            except ApiFailure as failure:
                # Slack shows a generic error in the modal; surface the reason to the test.
                record.history.append(f"invalid_{action}")
                self.ws.publish(
                    "view_error",
                    view_id=view_id,
                    user=record.user,
                    errors=failure.extra.get("response_metadata", {}),
                )
                return
            if action == "update":
                replace_view(self.ws, record, view, "updated_by_ack")
            else:
                open_record(self.ws, record.user, view, previous=record, how="pushed")
        else:
            close_view(self.ws, view_id, "cleared" if action == "clear" else "submitted")

    async def close_view(self, user: str, view_id: str) -> Delivery | None:
        """Press Cancel on a modal; deliver view_closed when notify_on_close is set."""
        record = self.ws.views.get(view_id)
        if record is None or not record.is_open or record.user != user:
            raise EmulatorUsageError(f"{user} has no open view {view_id}")
        close_view(self.ws, view_id, "cancelled")
        if not record.view.get("notify_on_close"):
            return None
        payload = payloads.view_closed(self.ws, token=self.token, user=user, view=record.view)
        return await self.delivery.post_interactive(payload)

    async def slash_command(
        self, user: str, channel: str, command: str, text: str = ""
    ) -> Delivery:
        """Run a slash command as a user in a channel."""
        found = self.ws.require_channel(channel)
        response_url = self._response_url(
            channel=channel, message_ts=None, user=user, is_ephemeral=False, thread_ts=None
        )
        fields = payloads.slash_command(
            self.ws,
            token=self.token,
            user=user,
            channel=found,
            command=command,
            text=text,
            response_url=response_url,
            trigger_id=self.ws.new_trigger(user),
        )
        return await self.delivery.post_form(fields)


def apply_response(ws: Workspace, context: dict[str, Any], body: dict[str, Any]) -> None:
    """Apply a POST to a response_url: replace/delete the source message or post a new one."""
    channel, source_ts, user = context["channel"], context.get("message_ts"), context["user"]
    source = _source_message(ws, context) if source_ts else None
    if source is not None and body.get("delete_original"):
        if context["is_ephemeral"]:
            ws.ephemerals.remove(source)
            ws.publish("ephemeral_deleted", channel=channel, ts=source_ts, user=user)
        elif source_ts is not None:
            ws.remove_message(channel, source_ts)
        return
    if source is not None and body.get("replace_original"):
        previous = copy.deepcopy(source)
        source["text"] = body.get("text", "")
        source["blocks"] = with_block_ids(body.get("blocks")) or []
        kind = "ephemeral_changed" if context["is_ephemeral"] else "message_changed"
        ws.publish(
            kind, channel=channel, ts=source_ts, user=user, message=source, previous=previous
        )
        return
    message = bot_message(ws, body)
    thread_ts = body.get("thread_ts") or context.get("thread_ts")
    if thread_ts:
        message["thread_ts"] = thread_ts
    if body.get("response_type") == "in_channel":
        ws.add_message(channel, message)
        return
    message.update(channel=channel, visible_to=user, is_ephemeral=True)
    ws.ephemerals.append(message)
    ws.publish("ephemeral", channel=channel, ts=message["ts"], user=user, message=message)


def _source_message(ws: Workspace, context: dict[str, Any]) -> dict[str, Any] | None:
    """Return the message a response_url refers to, if it still exists."""
    if not context["is_ephemeral"]:
        return ws.find_message(context["channel"], context["message_ts"])
    return next(
        (
            e
            for e in ws.ephemerals
            if e["channel"] == context["channel"] and e["ts"] == context["message_ts"]
        ),
        None,
    )
