"""Implement the views.* and files.* Web API methods."""

from __future__ import annotations

import copy
import mimetypes
import secrets
from typing import Any

from .blockkit import view_errors
from .slack_api import ApiFailure, api, bot_message, channel_of, required, thread_of, with_block_ids
from .slack_models import StoredFile, ViewRecord
from .slack_state import Workspace

TRIGGER_TTL_SECONDS = 3.0
MAX_VIEW_STACK = 3


def use_trigger(ws: Workspace, trigger_id: str) -> str:
    """Consume a trigger_id and return its user, enforcing single use and the 3-second rule."""
    trigger = ws.triggers.get(trigger_id)
    if trigger is None:
        raise ApiFailure("invalid_trigger_id")
    if trigger.used:
        raise ApiFailure("exchanged_trigger_id")
    if ws.clock() - trigger.created_at > TRIGGER_TTL_SECONDS:
        raise ApiFailure("expired_trigger_id")
    trigger.used = True
    return trigger.user


def check_view(view: Any) -> dict[str, Any]:
    """Reject views Slack would refuse, with its response_metadata messages."""
    errors = view_errors(view)
    if errors or not isinstance(view, dict):
        messages = errors or ["[ERROR] view must be an object"]
        raise ApiFailure("invalid_arguments", response_metadata={"messages": messages})
    return view


def new_hash(ws: Workspace) -> str:
    """Return a view hash like Slack's ("1596530361.3wRYuk3R")."""
    return f"{int(ws.clock())}.{secrets.token_urlsafe(6)[:8]}"


def render_view(
    ws: Workspace,
    view_id: str,
    user: str,
    view: dict[str, Any],
    *,
    root: str | None = None,
    previous: str | None = None,
) -> dict[str, Any]:
    """Build the full view object Slack stores and echoes back."""
    user_team = ws.users[user].team_id if user in ws.users else ws.team_id
    return {
        "id": view_id,
        "team_id": user_team,
        "type": view.get("type", "modal"),
        "blocks": with_block_ids(view.get("blocks", [])) or [],
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": {}},
        "hash": new_hash(ws),
        "title": view.get("title"),
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "close": view.get("close"),
        "submit": view.get("submit"),
        "previous_view_id": previous,
        "root_view_id": root or view_id,
        "app_id": ws.app_id,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": ws.team_id,
        "bot_id": ws.bot_id,
    }


def find_view(ws: Workspace, params: dict[str, Any]) -> ViewRecord:
    """Locate an open view by view_id or external_id."""
    if not params.get("view_id") and not params.get("external_id"):
        raise ApiFailure(
            "invalid_arguments",
            response_metadata={"messages": ["[ERROR] either view_id or external_id is required"]},
        )
    for record in ws.views.values():
        if record.id == params.get("view_id") or (
            params.get("external_id") and record.view.get("external_id") == params["external_id"]
        ):
            if not record.is_open:
                raise ApiFailure("not_found")
            return record
    raise ApiFailure("not_found")


def replace_view(ws: Workspace, record: ViewRecord, view: dict[str, Any], how: str) -> None:
    """Swap a view's content in place, keeping its id, stack links and input state."""
    old = record.view
    fresh = render_view(
        ws, record.id, record.user, view, root=old["root_view_id"], previous=old["previous_view_id"]
    )
    fresh["state"] = old.get("state", {"values": {}})
    record.view = fresh
    record.history.append(how)
    ws.publish("view_updated", view_id=record.id, user=record.user, view=fresh, how=how)


def open_record(
    ws: Workspace, user: str, view: dict[str, Any], *, previous: ViewRecord | None, how: str
) -> ViewRecord:
    """Create and announce a new view record (opened or pushed)."""
    view_id = ws.new_id("V")
    root = previous.view["root_view_id"] if previous else None
    rendered = render_view(
        ws, view_id, user, view, root=root, previous=previous.id if previous else None
    )
    record = ViewRecord(view_id, user, rendered, history=[how])
    record.stack = [*previous.stack, previous.id] if previous else []
    ws.views[view_id] = record
    ws.publish(f"view_{how}", view_id=view_id, user=user, view=rendered)
    return record


def close_view(ws: Workspace, view_id: str, how: str) -> None:
    """Close a view (and, for clear, every view stacked under it)."""
    record = ws.views[view_id]
    targets = [record] + ([ws.views[v] for v in record.stack] if how == "cleared" else [])
    for target in targets:
        if target.is_open:
            target.is_open = False
            target.history.append(how)
            ws.publish("view_closed", view_id=target.id, user=target.user, how=how)


@api("views.open")
def views_open(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Open a modal for the user who produced the trigger."""
    required(params, "trigger_id", "view")
    view = check_view(params["view"])
    user = use_trigger(ws, params["trigger_id"])
    record = open_record(ws, user, view, previous=None, how="opened")
    return {"ok": True, "view": copy.deepcopy(record.view)}


@api("views.update")
def views_update(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Replace an open view, refusing stale hashes."""
    required(params, "view")
    view = check_view(params["view"])
    record = find_view(ws, params)
    if params.get("hash") and params["hash"] != record.view["hash"]:
        raise ApiFailure("hash_conflict")
    replace_view(ws, record, view, "updated")
    return {"ok": True, "view": copy.deepcopy(record.view)}


@api("views.push")
def views_push(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Push a view on top of the user's open modal."""
    required(params, "trigger_id", "view")
    view = check_view(params["view"])
    user = use_trigger(ws, params["trigger_id"])
    top = next((r for r in reversed(ws.views.values()) if r.user == user and r.is_open), None)
    if top is None:
        raise ApiFailure("not_found")
    if len(top.stack) + 1 >= MAX_VIEW_STACK:
        raise ApiFailure("push_limit_reached")
    record = open_record(ws, top.user, view, previous=top, how="pushed")
    return {"ok": True, "view": copy.deepcopy(record.view)}


@api("views.publish")
def views_publish(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Publish a user's Home tab."""
    required(params, "user_id", "view")
    view = check_view(params["view"])
    user = params["user_id"]
    if user not in ws.users:
        raise ApiFailure("user_not_found")
    previous = ws.home_views.get(user)
    view_id = previous["id"] if previous else ws.new_id("V")
    if previous and params.get("hash") and params["hash"] != previous["hash"]:
        raise ApiFailure("hash_conflict")
    rendered = render_view(ws, view_id, user, view)
    ws.home_views[user] = rendered
    ws.publish("home_published", view_id=view_id, user=user, view=rendered)
    return {"ok": True, "view": copy.deepcopy(rendered)}


def file_object(ws: Workspace, stored: StoredFile, channels: list[str]) -> dict[str, Any]:
    """Render a Slack file object whose URLs point back at the emulator."""
    now = int(ws.clock())
    url = f"{ws.root_url}/files/{stored.id}"
    return {
        "id": stored.id,
        "created": now,
        "timestamp": now,
        "name": stored.name,
        "title": stored.title or stored.name,
        "mimetype": stored.mimetype,
        "filetype": stored.name.rsplit(".", 1)[-1] if "." in stored.name else "binary",
        "user": ws.bot_user_id,
        "user_team": ws.team_id,
        "size": len(stored.data or b""),
        "mode": "hosted",
        "is_external": False,
        "is_public": bool(channels),
        "url_private": url,
        "url_private_download": f"{url}?download=1",
        "permalink": f"https://{ws.domain()}.slack.com/files/{ws.bot_user_id}/{stored.id}/{stored.name}",
        "channels": channels,
    }


@api("files.getUploadURLExternal")
def get_upload_url(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Reserve a file id and hand out an upload URL on the emulator."""
    required(params, "filename", "length")
    file_id = ws.new_id("F")
    mimetype = mimetypes.guess_type(params["filename"])[0] or "application/octet-stream"
    ws.files[file_id] = StoredFile(
        file_id, params["filename"], int(params["length"]), None, None, mimetype
    )
    return {"ok": True, "upload_url": f"{ws.root_url}/upload/v1/{file_id}", "file_id": file_id}


@api("files.completeUploadExternal")
def complete_upload(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Finish uploads and share them as one message in the channel (and thread) given."""
    required(params, "files")
    entries = params["files"] if isinstance(params["files"], list) else []
    stored_files: list[StoredFile] = []
    for entry in entries:
        stored = ws.files.get(entry.get("id", "")) if isinstance(entry, dict) else None
        if stored is None or stored.data is None:
            raise ApiFailure("file_not_found")
        stored.title = entry.get("title") or stored.name
        stored_files.append(stored)
    if not stored_files:
        raise ApiFailure("invalid_arguments")
    channel = channel_of(ws, params, "channel_id") if params.get("channel_id") else None
    channels = [channel.id] if channel else []
    objects = [file_object(ws, f, channels) for f in stored_files]
    if channel is not None:
        thread_ts = thread_of(ws, channel.id, params.get("thread_ts"))
        message = bot_message(ws, {"text": params.get("initial_comment") or ""})
        message.update(files=objects, upload=True, display_as_bot=False)
        if thread_ts:
            message["thread_ts"] = thread_ts
        ws.add_message(channel.id, message)
    for obj in objects:
        ws.publish("file_uploaded", channel=channel.id if channel else None, file=obj)
    return {"ok": True, "files": copy.deepcopy(objects)}


@api("files.info")
def files_info(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Describe an uploaded file."""
    required(params, "file")
    stored = ws.files.get(params["file"])
    if stored is None:
        raise ApiFailure("file_not_found")
    return {"ok": True, "file": file_object(ws, stored, [])}
