"""Implement the conversations.* and users.* Web API methods."""

from __future__ import annotations

import copy
from typing import Any

from .slack_api import ApiFailure, api, channel_of, open_dm, page, required
from .slack_models import Channel
from .slack_state import Workspace


def channel_object(ws: Workspace, channel: Channel) -> dict[str, Any]:
    """Render the conversations.info `channel` object."""
    shared = channel.is_ext_shared
    is_dm = channel.id.startswith("D")
    return {
        "id": channel.id,
        "name": channel.name,
        "name_normalized": channel.name,
        "is_channel": not is_dm,
        "is_group": False,
        "is_im": is_dm,
        "is_mpim": False,
        "is_private": channel.is_private,
        "created": channel.created,
        "creator": next(iter(channel.members), ""),
        "is_archived": False,
        "is_general": False,
        "is_frozen": False,
        "is_shared": shared,
        "is_ext_shared": shared,
        "is_org_shared": False,
        "is_pending_ext_shared": False,
        "pending_shared": [],
        "pending_connected_team_ids": [],
        "shared_team_ids": [ws.team_id, *channel.connected_team_ids] if shared else [ws.team_id],
        "connected_team_ids": list(channel.connected_team_ids),
        "internal_team_ids": [],
        "context_team_id": ws.team_id,
        "conversation_host_id": ws.team_id,
        "is_member": ws.bot_user_id in channel.members,
        "num_members": len(channel.members),
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {"value": "", "creator": "", "last_set": 0},
    }


@api("conversations.info")
def conversations_info(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Describe a channel, including its Slack Connect sharing."""
    return {"ok": True, "channel": channel_object(ws, channel_of(ws, params))}


@api("conversations.open")
def conversations_open(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Open the bot's DM with one user."""
    required(params, "users")
    user = str(params["users"]).split(",")[0]
    if user not in ws.users:
        raise ApiFailure("user_not_found")
    return {"ok": True, "channel": {"id": open_dm(ws, user).id}}


@api("conversations.replies")
def conversations_replies(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Return a thread, parent first, honouring limit and cursor."""
    channel = channel_of(ws, params)
    required(params, "ts")
    if ws.find_message(channel.id, params["ts"]) is None:
        raise ApiFailure("thread_not_found")
    messages = ws.thread(channel.id, ws.thread_root(channel.id, params["ts"]))
    chunk, cursor = page(messages, params, 1000)
    meta = {"next_cursor": cursor}
    return {
        "ok": True,
        "messages": copy.deepcopy(chunk),
        "has_more": bool(cursor),
        "response_metadata": meta,
    }


@api("conversations.history")
def conversations_history(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Return top-level messages, newest first."""
    channel = channel_of(ws, params)
    top = [
        m
        for m in reversed(channel.messages)
        if m.get("thread_ts") in (None, m["ts"]) or m.get("subtype") == "thread_broadcast"
    ]
    chunk, cursor = page(top, params, 100)
    meta = {"next_cursor": cursor}
    return {
        "ok": True,
        "messages": copy.deepcopy(chunk),
        "has_more": bool(cursor),
        "response_metadata": meta,
    }


@api("conversations.members")
def conversations_members(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """List a channel's member ids."""
    channel = channel_of(ws, params)
    chunk, cursor = page(list(channel.members), params, 100)
    return {"ok": True, "members": chunk, "response_metadata": {"next_cursor": cursor}}


@api("users.info")
def users_info(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Describe a user; external users report their home team."""
    required(params, "user")
    user = ws.users.get(params["user"])
    if user is None:
        raise ApiFailure("user_not_found")
    return {"ok": True, "user": user.to_api()}


@api("team.info")
def team_info(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Describe our team, or a Slack Connect team (`team`) the workspace shares a channel with."""
    team = ws.teams.get(params.get("team") or ws.team_id)
    if team is None:
        raise ApiFailure("team_not_found")
    return {"ok": True, "team": team.to_api()}
