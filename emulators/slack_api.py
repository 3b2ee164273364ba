"""Implement the chat.*, conversations.*, users.* and auth.* Web API methods."""

from __future__ import annotations

import base64
import copy
import re
import secrets
from collections.abc import Callable
from typing import Any

from .blockkit import message_blocks_errors
from .slack_models import Channel
from .slack_state import Workspace

Handler = Callable[[Workspace, dict[str, Any]], dict[str, Any]]
METHODS: dict[str, Handler] = {}
MESSAGE_TEXT_MAX = 40_000
TS_PATTERN = re.compile(r"^\d+\.\d+$")


class ApiFailure(Exception):
    """An ok:false answer with an error code and optional extra fields."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def api(name: str) -> Callable[[Handler], Handler]:
    """Register a handler for a Web API method name."""

    def register(handler: Handler) -> Handler:
        """Store the handler under the method name."""
        METHODS[name] = handler
        return handler

    return register


def required(params: dict[str, Any], *keys: str) -> None:
    """Fail like Slack when a required argument is absent or empty."""
    missing = [k for k in keys if params.get(k) in (None, "")]
    if missing:
        messages = [f"[ERROR] missing required field: {k}" for k in missing]
        raise ApiFailure("invalid_arguments", response_metadata={"messages": messages})


def truthy(value: Any) -> bool:
    """Read a boolean that may arrive as JSON true or form "true"/"1"."""
    return value is True or str(value).lower() in ("1", "true")


def channel_of(ws: Workspace, params: dict[str, Any], key: str = "channel") -> Channel:
    """Resolve the channel argument; a user id opens (or reuses) a DM like Slack does."""
    channel_id = params.get(key)
    if not channel_id:
        raise ApiFailure("channel_not_found")
    if channel_id in ws.channels:
        return ws.channels[channel_id]
    if channel_id in ws.users:
        return open_dm(ws, channel_id)
    raise ApiFailure("channel_not_found")


def open_dm(ws: Workspace, user_id: str) -> Channel:
    """Return the bot's direct-message channel with a user, creating it on first use."""
    for channel in ws.channels.values():
        if channel.id.startswith("D") and channel.members == [user_id, ws.bot_user_id]:
            return channel
    channel = ws.add_channel(ws.new_id("D"), user_id, is_private=True, members=(user_id,))
    return channel


def check_content(
    ws: Workspace, method: str, channel: str, params: dict[str, Any]
) -> dict[str, Any]:
    """Validate text/blocks of a message; return Slack's warning fields to merge in the answer."""
    text, blocks = params.get("text") or "", params.get("blocks")
    if blocks is not None:
        errors = message_blocks_errors(blocks)
        if errors:
            raise ApiFailure(
                "invalid_blocks", errors=errors, response_metadata={"messages": errors}
            )
    # chat.update may change blocks only and keep the old text.
    if not text and not blocks and not params.get("attachments") and method != "chat.update":
        raise ApiFailure("no_text")
    if len(text) > MESSAGE_TEXT_MAX:
        raise ApiFailure("msg_too_long")
    if blocks and not text and method != "chat.update":
        # Slack accepts this but mobile notifications then show nothing useful.
        warning = "missing_text_or_fallback_or_attachments"
        ws.warnings.append({"method": method, "channel": channel, "warning": warning})
        return {"warning": warning, "response_metadata": {"warnings": [warning]}}
    return {}


def with_block_ids(blocks: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Give every block a block_id, as Slack does when it stores a message."""
    if blocks is None:
        return None
    stored = copy.deepcopy(blocks)
    for block in stored:
        if isinstance(block, dict):
            block.setdefault("block_id", secrets.token_urlsafe(4)[:5])
    return stored


def thread_of(ws: Workspace, channel: str, thread_ts: Any) -> str | None:
    """Resolve thread_ts to the root ts of an existing thread."""
    if thread_ts in (None, ""):
        return None
    if not TS_PATTERN.match(str(thread_ts)):
        raise ApiFailure("invalid_thread_ts")
    if ws.find_message(channel, str(thread_ts)) is None:
        raise ApiFailure("thread_not_found")
    return ws.thread_root(channel, str(thread_ts))


def bot_message(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Build the stored form of a message our bot posts."""
    message: dict[str, Any] = {
        "type": "message",
        "user": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "app_id": ws.app_id,
        "text": params.get("text") or "",
        "ts": ws.next_ts(),
        "team": ws.team_id,
        "bot_profile": ws.bot_profile(),
    }
    blocks = with_block_ids(params.get("blocks"))
    if blocks is not None:
        message["blocks"] = blocks
    for key in ("attachments", "metadata"):
        if params.get(key):
            message[key] = params[key]
    return message


def page(items: list[Any], params: dict[str, Any], default_limit: int) -> tuple[list[Any], str]:
    """Cut a list at cursor/limit and return the page with the next cursor ("" at the end)."""
    cursor = params.get("cursor") or ""
    start = int(base64.b64decode(cursor).decode().split(":")[1]) if cursor else 0
    limit = int(params.get("limit") or default_limit) or default_limit
    end = start + limit
    next_cursor = base64.b64encode(f"offset:{end}".encode()).decode() if end < len(items) else ""
    return items[start:end], next_cursor


@api("auth.test")
def auth_test(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Describe the bot token's identity."""
    return {
        "ok": True,
        "url": f"https://{ws.domain()}.slack.com/",
        "team": ws.teams[ws.team_id].name,
        "user": ws.users[ws.bot_user_id].name,
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "app_id": ws.app_id,
        "is_enterprise_install": False,
    }


@api("chat.postMessage")
def post_message(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Post a bot message, optionally into a thread."""
    channel = channel_of(ws, params)
    if ws.bot_user_id not in channel.members:
        # A private channel the bot is not in does not exist for it; a public one needs a join.
        raise ApiFailure("channel_not_found" if channel.is_private else "not_in_channel")
    warnings = check_content(ws, "chat.postMessage", channel.id, params)
    thread_ts = thread_of(ws, channel.id, params.get("thread_ts"))
    message = bot_message(ws, params)
    if thread_ts:
        message["thread_ts"] = thread_ts
        if truthy(params.get("reply_broadcast")):
            message["subtype"] = "thread_broadcast"
    ws.add_message(channel.id, message)
    answer = {"ok": True, "channel": channel.id, "ts": message["ts"]}
    return {**answer, "message": copy.deepcopy(message), **warnings}


@api("chat.update")
def update_message(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Edit a message the bot posted."""
    channel = channel_of(ws, params)
    required(params, "ts")
    message = ws.find_message(channel.id, params["ts"])
    if message is None:
        raise ApiFailure("message_not_found")
    if message.get("bot_id") != ws.bot_id:
        raise ApiFailure("cant_update_message")
    check_content(ws, "chat.update", channel.id, params)
    previous = copy.deepcopy(message)
    if "text" in params and params["text"] is not None:
        message["text"] = params["text"]
    if params.get("blocks") is not None:
        blocks = with_block_ids(params["blocks"]) or []
        message["blocks"] = blocks
        if not blocks:
            message.pop("blocks")
    message["edited"] = {"user": ws.bot_user_id, "ts": ws.next_ts()}
    ws.publish(
        "message_changed", channel=channel.id, ts=message["ts"], message=message, previous=previous
    )
    answer = {"ok": True, "channel": channel.id, "ts": message["ts"], "text": message["text"]}
    return {**answer, "message": copy.deepcopy(message)}


@api("chat.delete")
def delete_message(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Delete a message the bot posted."""
    channel = channel_of(ws, params)
    required(params, "ts")
    message = ws.find_message(channel.id, params["ts"])
    if message is None:
        raise ApiFailure("message_not_found")
    if message.get("bot_id") != ws.bot_id:
        raise ApiFailure("cant_delete_message")
    ws.remove_message(channel.id, params["ts"])
    return {"ok": True, "channel": channel.id, "ts": params["ts"]}


@api("chat.postEphemeral")
def post_ephemeral(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Show a message to one user only; it is never part of channel history."""
    channel = channel_of(ws, params)
    required(params, "user")
    user = params["user"]
    if user not in ws.users:
        raise ApiFailure("user_not_found")
    humans = [m for m in channel.members if m != ws.bot_user_id]
    if humans and user not in humans:
        raise ApiFailure("user_not_in_channel")
    warnings = check_content(ws, "chat.postEphemeral", channel.id, params)
    message = bot_message(ws, params)
    message.update(channel=channel.id, visible_to=user, is_ephemeral=True)
    if params.get("thread_ts"):
        message["thread_ts"] = params["thread_ts"]
    ws.ephemerals.append(message)
    ws.publish("ephemeral", channel=channel.id, ts=message["ts"], user=user, message=message)
    return {"ok": True, "message_ts": message["ts"], **warnings}


@api("chat.getPermalink")
def get_permalink(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Return a message's archive URL."""
    channel = channel_of(ws, params)
    required(params, "message_ts")
    if ws.find_message(channel.id, params["message_ts"]) is None:
        raise ApiFailure("message_not_found")
    link = ws.permalink(channel.id, params["message_ts"])
    return {"ok": True, "channel": channel.id, "permalink": link}
