"""Socket Mode: apps.connections.open hands out a WebSocket URL; events arrive over it.

As Slack does it (api.slack.com/apis/socket-mode): the app calls apps.connections.open with
its app-level token (xapp-...), connects to the returned wss URL, gets a `hello`, then
receives envelopes `{envelope_id, type, payload, accepts_response_payload}` and must answer
each with `{"envelope_id": ...}` within 3 seconds.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

from aiohttp import WSMsgType, web

from .errors import EmulatorTimeout
from .slack_state import Workspace

SOCKET_PATH = "/socket-mode/{ticket}"
ACK_DEADLINE_SECONDS = 3.0


class SocketMode:
    """The app's Socket Mode connections and the envelopes sent over them."""

    def __init__(self, workspace: Workspace, app_token: str) -> None:
        self.ws = workspace
        self.app_token = app_token
        self._tickets: set[str] = set()
        self._sockets: list[web.WebSocketResponse] = []
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._connected = asyncio.Condition()

    def install(self, app: web.Application) -> None:
        """Add the WebSocket route."""
        app.router.add_get(SOCKET_PATH, self.handle_socket)

    def open_connection(self, token: str | None) -> dict[str, Any]:
        """Answer apps.connections.open: only an app-level token may open a socket."""
        if not token:
            return {"ok": False, "error": "not_authed"}
        if not token.startswith("xapp-"):
            return {"ok": False, "error": "not_allowed_token_type"}
        if token != self.app_token:
            return {"ok": False, "error": "invalid_auth"}
        ticket = secrets.token_urlsafe(12)
        self._tickets.add(ticket)
        ws_root = self.ws.root_url.replace("http://", "ws://", 1)
        return {"ok": True, "url": f"{ws_root}/socket-mode/{ticket}"}

    async def handle_socket(self, request: web.Request) -> web.WebSocketResponse:
        """Serve one connection: hello first, then read acks until the app hangs up."""
        ticket = request.match_info["ticket"]
        if ticket not in self._tickets:
            raise web.HTTPUnauthorized(text="invalid ticket")
        self._tickets.discard(ticket)
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": len(self._sockets) + 1,
                "debug_info": {"host": "emulator", "approximate_connection_time": 3600},
                "connection_info": {"app_id": self.ws.app_id},
            }
        )
        async with self._connected:
            self._sockets.append(socket)
            self._connected.notify_all()
        try:
            async for message in socket:
                if message.type != WSMsgType.TEXT:
                    continue
                answer = json.loads(message.data)
                waiter = self._acks.get(str(answer.get("envelope_id")))
                if waiter is not None and not waiter.done():
                    waiter.set_result(answer)
        finally:
            self._sockets.remove(socket)
        return socket

    async def wait_connected(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Return once the app holds an open socket."""

        async def connected() -> None:
            async with self._connected:
                await self._connected.wait_for(lambda: bool(self._sockets))

        try:
            await asyncio.wait_for(connected(), timeout)
        except TimeoutError:
            raise EmulatorTimeout(f"no Socket Mode connection within {timeout}s") from None

    async def send(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Push one envelope and return the app's ack; Slack gives up after 3 seconds."""
        if not self._sockets:
            raise EmulatorTimeout("the app has no Socket Mode connection")
        envelope_id = secrets.token_hex(16)
        waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = waiter
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await self._sockets[-1].send_json(envelope)
        try:
            return await asyncio.wait_for(waiter, ACK_DEADLINE_SECONDS)
        except TimeoutError:
            self.ws.late_acks.append({"kind": f"socket {kind}", "elapsed": ACK_DEADLINE_SECONDS})
            raise EmulatorTimeout(f"no ack for envelope {envelope_id} within 3 s") from None
        finally:
            del self._acks[envelope_id]

    async def close(self) -> None:
        """Hang up every socket (the emulator is stopping)."""
        for socket in list(self._sockets):
            await socket.close()
