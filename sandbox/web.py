"""The sandbox page's HTTP surface: the page, the workspace state, a change stream and gestures.

Every gesture goes through the emulator's delivery client, so the bot receives exactly what it
would receive from Slack: signed requests on /slack/events.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from emulators import Delivery, EmulatorUsageError, SlackEmulator
from sandbox.workspace import AGENT_CHANNEL, AGENTS, DIGEST_CHANNEL, MANAGER

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
# Slack refuses longer messages; the page should hear the same limit.
MAX_TEXT = 40_000
# A comment line now and then lets the server notice closed tabs and keeps proxies from timing out.
HEARTBEAT_SECONDS = 15.0
SHUTDOWN: dict[str, Any] = {"kind": "_shutdown"}

Gesture = Callable[[SlackEmulator, dict[str, Any]], Awaitable[Delivery | None]]

EMULATOR_KEY = web.AppKey("sandbox_emulator", SlackEmulator)
STREAMS_KEY: web.AppKey[set[asyncio.Queue[dict[str, Any]]]] = web.AppKey("sandbox_streams")


def install(app: web.Application, emulator: SlackEmulator) -> None:
    """Add the page, its API and the file proxy to the bot's aiohttp app."""
    app[EMULATOR_KEY] = emulator
    app[STREAMS_KEY] = set()
    app.router.add_get("/", page)
    app.router.add_static("/static", STATIC_DIR, append_version=False)
    app.router.add_get("/sandbox/api/state", state)
    app.router.add_get("/sandbox/api/events", events)
    app.router.add_post("/sandbox/api/say", say)
    app.router.add_post("/sandbox/api/click", click)
    app.router.add_post("/sandbox/api/submit", submit)
    app.router.add_post("/sandbox/api/close_view", close_view)
    app.router.add_post("/sandbox/api/command", command)
    app.router.add_get("/files/{file_id}", file)
    app.on_shutdown.append(_end_streams)


# -- reading -------------------------------------------------------------------------------------


async def page(request: web.Request) -> web.FileResponse:
    """Serve the single page."""
    return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})


async def state(request: web.Request) -> web.Response:
    """Return the whole workspace as the page renders it."""
    return web.json_response(workspace_state(request.app[EMULATOR_KEY]))


def workspace_state(emulator: SlackEmulator) -> dict[str, Any]:
    """Shape the emulator's snapshot for the page: ordered channels, threads, roles, open views."""
    snap = emulator.snapshot()
    ws = emulator.workspace
    teams = snap["teams"]
    agents = {p.user_id for p in AGENTS}
    people = {}
    for user_id, user in snap["users"].items():
        external = user["team_id"] != ws.team_id
        role = "customer" if external else "staff"
        if user["is_bot"]:
            role = "bot"
        elif user_id in agents:
            role = "agent"
        elif user_id == MANAGER.user_id:
            role = "manager"
        people[user_id] = {
            "id": user_id,
            "name": user["name"],
            "real_name": user["real_name"],
            "team_id": user["team_id"],
            "team_name": teams.get(user["team_id"], {}).get("name", user["team_id"]),
            "external": external,
            "role": role,
        }
    channels = [
        _channel(ws.channels[cid].connected_team_ids, c, teams)
        for cid, c in snap["channels"].items()
    ]
    order = {"customer": 0, "agents": 1, "digest": 2, "other": 3}
    channels.sort(key=lambda c: (order[c["kind"]], c["name"]))
    ephemerals: dict[str, list[dict[str, Any]]] = {}
    for message in snap["ephemerals"]:
        ephemerals.setdefault(message["visible_to"], []).append(message)
    views = [
        {"id": v["id"], "user": v["user"], "view": v["view"]}
        for v in snap["views"].values()
        if v["is_open"] and v["view"].get("type", "modal") == "modal"
    ]
    return {
        "team": snap["team"],
        "bot_user_id": ws.bot_user_id,
        "agent_channel": AGENT_CHANNEL,
        "digest_channel": DIGEST_CHANNEL,
        "manager": MANAGER.user_id,
        "people": people,
        "channels": channels,
        "ephemerals": ephemerals,
        "views": views,
    }


def _channel(
    connected: list[str], channel: dict[str, Any], teams: dict[str, Any]
) -> dict[str, Any]:
    """Group a channel's messages into threads: top-level messages with their replies."""
    kind = {AGENT_CHANNEL: "agents", DIGEST_CHANNEL: "digest"}.get(channel["id"])
    kind = kind or ("customer" if channel["is_ext_shared"] else "other")
    threads: list[dict[str, Any]] = []
    by_ts: dict[str, dict[str, Any]] = {}
    for message in channel["messages"]:
        root = message.get("thread_ts")
        if root and root != message["ts"] and root in by_ts:
            by_ts[root]["replies"].append(message)
            continue
        entry = {**message, "replies": []}
        by_ts[message["ts"]] = entry
        threads.append(entry)
    org = next(({"id": t, "name": teams[t]["name"]} for t in connected if t in teams), None)
    return {
        "id": channel["id"],
        "name": channel["name"],
        "kind": kind,
        "external": channel["is_ext_shared"],
        "private": channel["is_private"],
        "org": org,
        "members": channel["members"],
        "threads": threads,
    }


async def events(request: web.Request) -> web.StreamResponse:
    """Stream one server-sent event per workspace change; the page then refetches the state."""
    emulator = request.app[EMULATOR_KEY]
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    queue = emulator.subscribe()
    request.app[STREAMS_KEY].add(queue)
    try:
        await response.write(b"retry: 2000\n\nevent: hello\ndata: {}\n\n")
        while True:
            try:
                change = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                await response.write(b": ping\n\n")
                continue
            if change is SHUTDOWN:
                break
            summary = {k: change.get(k) for k in ("kind", "channel", "ts", "view_id", "user")}
            await response.write(f"data: {json.dumps(summary)}\n\n".encode())
    except (ConnectionResetError, aiohttp.ClientConnectionResetError):
        pass  # the tab was closed
    finally:
        request.app[STREAMS_KEY].discard(queue)
        emulator.unsubscribe(queue)
    return response


async def _end_streams(app: web.Application) -> None:
    """Let open event streams finish so shutdown does not wait on idle browsers."""
    streams = app[STREAMS_KEY]
    for queue in list(streams):
        queue.put_nowait(SHUTDOWN)


async def file(request: web.Request) -> web.Response:
    """Serve an uploaded file (the digest chart) from the emulator, same origin as the page."""
    stored = request.app[EMULATOR_KEY].workspace.files.get(request.match_info["file_id"])
    if stored is None or stored.data is None:
        return web.json_response({"ok": False, "error": "no such file"}, status=404)
    return web.Response(body=stored.data, content_type=stored.mimetype)


# -- gestures ------------------------------------------------------------------------------------


class BadInput(Exception):
    """A request the page should not have sent; its message says what to fix."""


async def say(request: web.Request) -> web.Response:
    """Post a message as a person (top level or in a thread) and deliver it to the bot."""
    return await _gesture(request, _say)


async def click(request: web.Request) -> web.Response:
    """Click a button on a message or an ephemeral, as a person."""
    return await _gesture(request, _click)


async def submit(request: web.Request) -> web.Response:
    """Submit a modal; the answer carries the bot's response_action (errors keep it open)."""
    return await _gesture(request, _submit)


async def close_view(request: web.Request) -> web.Response:
    """Cancel a modal."""
    return await _gesture(request, _close_view)


async def command(request: web.Request) -> web.Response:
    """Run a slash command; its immediate answer is what Slack shows only to that person."""
    return await _gesture(request, _command)


async def _gesture(request: web.Request, act: Gesture) -> web.Response:
    """Parse, validate and run one gesture, turning every failure into a clear JSON answer."""
    emulator = request.app[EMULATOR_KEY]
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return web.json_response({"ok": False, "error": "send a JSON object"}, status=400)
    try:
        delivery = await act(emulator, body)
    except (BadInput, EmulatorUsageError) as error:
        # EmulatorUsageError says what Slack itself would refuse (a button the user cannot see).
        return web.json_response({"ok": False, "error": str(error)}, status=400)
    except (aiohttp.ClientError, TimeoutError) as error:
        log.warning("the bot did not answer a sandbox gesture: %s", type(error).__name__)
        return web.json_response(
            {"ok": False, "error": f"the bot did not answer ({type(error).__name__})"}, status=502
        )
    return web.json_response(_answer(delivery))


def _answer(delivery: Delivery | None) -> dict[str, Any]:
    """Describe what the bot answered to Slack (its ack body) for the page."""
    if delivery is None:
        return {"ok": True, "status": None, "answer": None, "text": None}
    answer = delivery.json
    text = answer.get("text") if answer else delivery.body or None
    return {
        "ok": delivery.ok,
        "status": delivery.status,
        "answer": answer,
        "text": text,
        "ts": delivery.ts,
    }


def _text(body: dict[str, Any], key: str, *, required: bool = True) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadInput(f"{key} must be a non-empty string")
    if len(value) > MAX_TEXT:
        raise BadInput(f"{key} is longer than Slack's {MAX_TEXT} characters")
    return value


def _person(emulator: SlackEmulator, body: dict[str, Any], channel: str | None = None) -> str:
    user = _text(body, "user")
    assert user is not None
    found = emulator.workspace.users.get(user)
    if found is None:
        raise BadInput(f"unknown user {user!r}")
    if found.is_bot:
        raise BadInput(f"{user} is the bot; choose a person")
    if channel is not None and user not in emulator.workspace.channels[channel].members:
        name = emulator.workspace.channels[channel].name
        raise BadInput(f"{found.real_name} is not a member of #{name}")
    return user


def _channel_id(emulator: SlackEmulator, body: dict[str, Any]) -> str:
    channel = _text(body, "channel")
    assert channel is not None
    if channel not in emulator.workspace.channels:
        raise BadInput(f"unknown channel {channel!r}")
    return channel


async def _say(emulator: SlackEmulator, body: dict[str, Any]) -> Delivery:
    channel = _channel_id(emulator, body)
    user = _person(emulator, body, channel)
    text = _text(body, "text")
    thread_ts = _text(body, "thread_ts", required=False) or None
    if thread_ts and emulator.message(channel, thread_ts) is None:
        raise BadInput(f"no message {thread_ts} in this channel to reply to")
    assert text is not None
    return await emulator.user_says(channel, user, text, thread_ts=thread_ts)


async def _click(emulator: SlackEmulator, body: dict[str, Any]) -> Delivery:
    channel = _channel_id(emulator, body)
    user = _person(emulator, body, channel)
    message_ts, action_id = _text(body, "message_ts"), _text(body, "action_id")
    assert message_ts is not None and action_id is not None
    value, block_id = _text(body, "value", required=False), _text(body, "block_id", required=False)
    return await emulator.click(
        user, channel, message_ts, action_id, value=value, block_id=block_id
    )


async def _submit(emulator: SlackEmulator, body: dict[str, Any]) -> Delivery:
    user = _person(emulator, body)
    view_id = _text(body, "view_id")
    values = body.get("values", {})
    valid = isinstance(values, dict) and all(
        isinstance(v, dict) and all(isinstance(x, str | None) for x in v.values())
        for v in values.values()
    )
    if not valid:
        raise BadInput("values must be {block_id: {action_id: text}}")
    assert view_id is not None
    return await emulator.submit_view(user, view_id, values)


async def _close_view(emulator: SlackEmulator, body: dict[str, Any]) -> Delivery | None:
    user = _person(emulator, body)
    view_id = _text(body, "view_id")
    assert view_id is not None
    return await emulator.close_view(user, view_id)


async def _command(emulator: SlackEmulator, body: dict[str, Any]) -> Delivery:
    channel = _channel_id(emulator, body)
    user = _person(emulator, body, channel)
    name = _text(body, "command")
    assert name is not None
    if not name.startswith("/") or " " in name.strip():
        raise BadInput("command must look like /hitl")
    text = _text(body, "text", required=False) or ""
    return await emulator.slash_command(user, channel, name.strip(), text)
