"""Build the JSON bodies Slack sends to an app: events, block_actions, views, commands."""

from __future__ import annotations

import base64
import copy
import json
import secrets
import uuid
from typing import Any

from .errors import ButtonNotFound, EmulatorUsageError
from .slack_models import Channel
from .slack_state import Workspace

TEXT_INPUTS = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}


def rich_text(text: str) -> list[dict[str, Any]]:
    """Return the rich_text block Slack's clients attach to a typed message."""
    section = {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
    return [{"type": "rich_text", "block_id": secrets.token_urlsafe(3)[:4], "elements": [section]}]


def channel_type(channel: Channel) -> str:
    """Return the Events API channel_type of a channel."""
    if channel.id.startswith("D"):
        return "im"
    return "group" if channel.is_private else "channel"


def user_message(
    ws: Workspace, channel: Channel, user: str, text: str, thread_ts: str | None
) -> dict[str, Any]:
    """Build a message as a human's Slack client would create it."""
    author = ws.require_user(user)
    message: dict[str, Any] = {
        "client_msg_id": str(uuid.uuid4()),
        "type": "message",
        "text": text,
        "user": user,
        "ts": ws.next_ts(),
        "team": author.team_id,
        "blocks": rich_text(text),
    }
    if channel.is_ext_shared:
        # In Slack Connect channels the author's home team travels with every message.
        message["user_team"] = author.team_id
        message["source_team"] = author.team_id
    if thread_ts:
        message["thread_ts"] = thread_ts
    return message


def as_event(channel: Channel, message: dict[str, Any]) -> dict[str, Any]:
    """Turn a stored message into the `event` of a message event_callback."""
    event = copy.deepcopy(message)
    event.update(channel=channel.id, event_ts=message["ts"], channel_type=channel_type(channel))
    return event


def event_context(ws: Workspace, event_type: str, channel: str | None) -> str:
    """Return an opaque event_context string shaped like Slack's."""
    raw = json.dumps({"et": event_type, "tid": ws.team_id, "aid": ws.app_id, "cid": channel})
    return "4-" + base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def envelope(
    ws: Workspace, event: dict[str, Any], *, token: str, event_time: int, **overrides: Any
) -> dict[str, Any]:
    """Wrap an event in the event_callback envelope Slack POSTs to the request URL."""
    channel = ws.channels.get(event.get("channel") or "")
    shared = bool(channel and channel.is_ext_shared)
    author_team = event.get("user_team") or event.get("team") or ws.team_id
    body: dict[str, Any] = {
        "token": token,
        # For a Connect author Slack names their org here; the installation is in context_*.
        "team_id": author_team if shared else ws.team_id,
        "context_team_id": ws.team_id,
        "context_enterprise_id": None,
        "api_app_id": ws.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": "Ev" + secrets.token_hex(5).upper(),
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": ws.team_id,
                "user_id": ws.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": shared,
        "event_context": event_context(ws, event.get("type", ""), channel.id if channel else None),
    }
    body.update(overrides)
    return body


def user_ref(ws: Workspace, user: str) -> dict[str, Any]:
    """Return the `user` object of interactive payloads."""
    found = ws.require_user(user)
    return {"id": found.id, "username": found.name, "name": found.name, "team_id": found.team_id}


def team_ref(ws: Workspace, user: str) -> dict[str, Any]:
    """Return the `team` object of interactive payloads (the acting user's team)."""
    team_id = ws.require_user(user).team_id
    return {"id": team_id, "domain": ws.domain(team_id)}


def find_button(blocks: Any, action_id: str) -> tuple[dict[str, Any], str]:
    """Return (button element, block_id) for action_id, or raise listing what is clickable."""
    available: list[str] = []
    for block in blocks if isinstance(blocks, list) else []:
        elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
        if isinstance(block.get("accessory"), dict):
            elements.append(block["accessory"])
        for element in elements:
            if isinstance(element, dict) and element.get("type") == "button":
                if element.get("action_id") == action_id:
                    return element, block.get("block_id", "")
                available.append(str(element.get("action_id")))
    raise ButtonNotFound(f"no button {action_id!r} on this message; buttons: {available}")


def block_actions(
    ws: Workspace,
    *,
    token: str,
    user: str,
    channel: Channel,
    message: dict[str, Any],
    is_ephemeral: bool,
    action: dict[str, Any],
    trigger_id: str,
    response_url: str,
) -> dict[str, Any]:
    """Build the block_actions payload of a button click on a message."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": user_ref(ws, user),
        "api_app_id": ws.app_id,
        "token": token,
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel.id,
            "is_ephemeral": is_ephemeral,
        },
        "trigger_id": trigger_id,
        "team": team_ref(ws, user),
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel.id, "name": channel.name},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [action],
    }
    if not is_ephemeral:
        # Slack omits the message for ephemeral sources; the app must not rely on it there.
        public = {k: v for k, v in message.items() if k not in ("bot_profile",)}
        payload["message"] = copy.deepcopy(public)
    return payload


def _state_entry(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """Render one input's state the way Slack reports it for the element's type."""
    kind = element.get("type", "plain_text_input")
    options = element.get("options") or []
    option = next((o for o in options if o.get("value") == value), None)
    if kind in TEXT_INPUTS:
        return {"type": kind, "value": value}
    if kind in ("static_select", "external_select", "radio_buttons"):
        return {"type": kind, "selected_option": option}
    if kind in ("checkboxes", "multi_static_select"):
        return {"type": kind, "selected_options": [option] if option else []}
    keys = {
        "users_select": "selected_user",
        "conversations_select": "selected_conversation",
        "channels_select": "selected_channel",
        "datepicker": "selected_date",
    }
    return {"type": kind, keys.get(kind, "value"): value}


def view_state(view: dict[str, Any], values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Compute state.values for a submission, refusing what Slack's client would not send."""
    inputs = {b.get("block_id"): b for b in view.get("blocks", []) if b.get("type") == "input"}
    for block_id, actions in values.items():
        block = inputs.get(block_id)
        if block is None:
            raise EmulatorUsageError(f"view has no input block {block_id!r}; has {list(inputs)}")
        for action_id in actions:
            if block["element"].get("action_id") != action_id:
                raise EmulatorUsageError(f"input {block_id!r} has no element {action_id!r}")
    state: dict[str, Any] = {}
    for block_id, block in inputs.items():
        element = block["element"]
        action_id = element.get("action_id", "")
        value = values.get(block_id, {}).get(action_id)
        if value in (None, "") and not block.get("optional", False):
            raise EmulatorUsageError(f"Slack blocks submission: required input {block_id!r} empty")
        max_length = element.get("max_length")
        if isinstance(value, str) and isinstance(max_length, int) and len(value) > max_length:
            raise EmulatorUsageError(f"Slack blocks submission: {block_id!r} over {max_length}")
        state[block_id] = {action_id: _state_entry(element, value)}
    return {"values": state}


def view_submission(
    ws: Workspace, *, token: str, user: str, view: dict[str, Any], trigger_id: str
) -> dict[str, Any]:
    """Build the view_submission payload."""
    return {
        "type": "view_submission",
        "team": team_ref(ws, user),
        "user": user_ref(ws, user),
        "api_app_id": ws.app_id,
        "token": token,
        "trigger_id": trigger_id,
        "view": view,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def view_closed(ws: Workspace, *, token: str, user: str, view: dict[str, Any]) -> dict[str, Any]:
    """Build the view_closed payload sent when notify_on_close is set."""
    return {
        "type": "view_closed",
        "team": team_ref(ws, user),
        "user": user_ref(ws, user),
        "api_app_id": ws.app_id,
        "token": token,
        "view": view,
        "is_cleared": False,
        "is_enterprise_install": False,
        "enterprise": None,
    }


def slash_command(
    ws: Workspace,
    *,
    token: str,
    user: str,
    channel: Channel,
    command: str,
    text: str,
    response_url: str,
    trigger_id: str,
) -> dict[str, str]:
    """Build the flat form fields of a slash command."""
    found = ws.require_user(user)
    return {
        "token": token,
        "team_id": found.team_id,
        "team_domain": ws.domain(found.team_id),
        "channel_id": channel.id,
        "channel_name": channel.name,
        "user_id": found.id,
        "user_name": found.name,
        "command": command,
        "text": text,
        "api_app_id": ws.app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
