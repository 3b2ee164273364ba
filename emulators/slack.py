"""Emulate a Slack workspace with our app installed: Web API, state, change feed, delivery."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .calls import ApiCall
from .payloads import as_event, envelope, user_message
from .server import LocalServer
from .slack_driver import AppDriver
from .slack_models import Channel, Team, User, ViewRecord
from .slack_state import Workspace
from .slack_web import SlackWebApi


class SlackEmulator(AppDriver, LocalServer):
    """Emulate one Slack workspace with our app installed, over real HTTP."""

    def __init__(
        self,
        *,
        team_id: str = "T_VENDOR",
        team_name: str = "Brightwave Telecom",
        bot_user_id: str = "U_BOT",
        bot_id: str = "B_BOT",
        bot_token: str = "xoxb-emulator-token",
        app_token: str = "xapp-1-A_HITL-emulator-token",
        app_id: str = "A_HITL",
    ) -> None:
        super().__init__()
        self.bot_token = bot_token
        self.app_token = app_token
        self.workspace = Workspace(
            team_id=team_id,
            team_name=team_name,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            app_id=app_id,
            clock=time.time,
        )
        self._web = SlackWebApi(self.workspace, bot_token, app_token)
        self.socket_mode = self._web.socket_mode
        self._log = self._web.log
        self._faults = self._web.faults

    # -- server --------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """Return the Web API base URL for AsyncWebClient(base_url=...)."""
        return f"{self.root_url}/api/"

    @property
    def clock(self) -> Callable[[], float]:
        """Return the clock used for ts values, triggers and event_time."""
        return self.workspace.clock

    @clock.setter
    def clock(self, value: Callable[[], float]) -> None:
        """Replace the clock (tests pass a fake one)."""
        self.workspace.clock = value

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Start serving on a free port (or the one given)."""
        await super().start(host, port)
        self.workspace.root_url = self.root_url

    async def on_stop(self) -> None:
        """Close the delivery session and Socket Mode connections before the server stops."""
        await self.disconnect_app()
        await self.socket_mode.close()

    def build_app(self) -> web.Application:
        """Build the aiohttp app serving the Web API routes."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        self._web.install(app)
        return app

    # -- workspace setup -----------------------------------------------------------------------

    def add_team(self, team_id: str, name: str, domain: str | None = None) -> Team:
        """Register a workspace (e.g. a Slack Connect customer's)."""
        return self.workspace.add_team(team_id, name, domain)

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        team_id: str,
        real_name: str | None = None,
        is_bot: bool = False,
        is_admin: bool = False,
    ) -> User:
        """Register a user; another team_id makes them an external Slack Connect user."""
        return self.workspace.add_user(
            user_id, name, team_id=team_id, real_name=real_name, is_bot=is_bot, is_admin=is_admin
        )

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_private: bool = False,
        is_ext_shared: bool = False,
        connected_team_ids: tuple[str, ...] | list[str] = (),
        members: tuple[str, ...] | list[str] = (),
        bot_member: bool = True,
    ) -> Channel:
        """Create a channel (the bot joins it unless bot_member=False)."""
        return self.workspace.add_channel(
            channel_id,
            name,
            is_private=is_private,
            is_ext_shared=is_ext_shared,
            connected_team_ids=connected_team_ids,
            members=members,
            bot_member=bot_member,
        )

    def join(self, channel_id: str, user_id: str) -> None:
        """Add a user to a channel."""
        self.workspace.join(channel_id, user_id)

    def new_trigger(self, user: str) -> str:
        """Mint a trigger_id as if the user had just clicked something."""
        return self.workspace.new_trigger(user)

    def post_as_user(
        self, channel: str, user: str, text: str, *, thread_ts: str | None = None
    ) -> dict[str, Any]:
        """Store a human's message without telling the app (history that predates it)."""
        found = self.workspace.require_channel(channel)
        if thread_ts is not None:
            if self.workspace.find_message(channel, thread_ts) is None:
                raise KeyError(f"no message {thread_ts} in {channel} to reply to")
            thread_ts = self.workspace.thread_root(channel, thread_ts)
        self.workspace.join(channel, user)
        return self.workspace.add_message(
            channel, user_message(self.workspace, found, user, text, thread_ts)
        )

    async def user_says_over_socket(
        self, channel: str, user: str, text: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Post a human's message and push its event over Socket Mode; return it and the ack."""
        message = self.post_as_user(channel, user, text)
        event = as_event(self.workspace.channels[channel], message)
        event.setdefault("event_ts", event["ts"])
        body = envelope(
            self.workspace,
            event,
            token="emulator-verification-token",
            event_time=int(self.workspace.clock()),
        )
        ack = await self.socket_mode.send("events_api", body)
        return message, ack

    # -- calls and failures --------------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        """Return every Web API call so far, oldest first."""
        return self._log.calls

    def calls_to(self, method: str, **match: Any) -> list[ApiCall]:
        """Return the accepted calls to a method whose params equal each keyword."""
        return self._log.calls_to(method, **match)

    def attempts_to(self, method: str, **match: Any) -> list[ApiCall]:
        """Return every call to a method whose params match, refused ones included."""
        return self._log.attempts_to(method, **match)

    def refusals(self) -> list[ApiCall]:
        """Return the calls Slack refused on its own (not failures a test injected)."""
        return self._log.refusals()

    async def wait_for(
        self,
        method: str,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109  (part of the public test API)
        count: int = 1,
        **match: Any,
    ) -> ApiCall:
        """Return the count-th accepted matching call, waiting until it happens or timing out."""
        return await self._log.wait_for(method, timeout=timeout, count=count, **match)

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        error: str = "ratelimited",
        retry_after: int | None = 1,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of a method fail with this status and error."""
        self._faults.fail_next(
            method, status=status, error=error, retry_after=retry_after, times=times
        )

    def set_latency(self, method: str, seconds: float) -> None:
        """Delay every answer to a method."""
        self._faults.set_latency(method, seconds)

    # -- reading state -------------------------------------------------------------------------

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Return all messages of a channel (replies included), oldest first."""
        return self.workspace.messages(channel)

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """Return a thread's parent then its replies."""
        return self.workspace.thread(channel, thread_ts)

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """Return one message by ts."""
        return self.workspace.find_message(channel, ts)

    def bot_messages(self, channel: str) -> list[dict[str, Any]]:
        """Return the messages our bot posted in a channel."""
        return [m for m in self.messages(channel) if m.get("bot_id") == self.workspace.bot_id]

    def ephemerals(
        self, channel: str | None = None, user: str | None = None
    ) -> list[dict[str, Any]]:
        """Return ephemeral messages, optionally for one channel and/or recipient."""
        return [
            e
            for e in self.workspace.ephemerals
            if (channel is None or e["channel"] == channel)
            and (user is None or e["visible_to"] == user)
        ]

    @property
    def views(self) -> dict[str, ViewRecord]:
        """Return every modal ever opened, by view id."""
        return self.workspace.views

    def open_views(self, user: str | None = None) -> list[ViewRecord]:
        """Return the modals still open, optionally for one user."""
        return [v for v in self.views.values() if v.is_open and user in (None, v.user)]

    @property
    def warnings(self) -> list[dict[str, Any]]:
        """Return the Slack warnings issued (e.g. blocks without fallback text)."""
        return self.workspace.warnings

    @property
    def late_acks(self) -> list[dict[str, Any]]:
        """Return the requests the app acknowledged after Slack's 3-second deadline."""
        return self.workspace.late_acks

    def file_bytes(self, file_id: str) -> bytes:
        """Return the bytes uploaded for a file id."""
        stored = self.workspace.files[file_id]
        if stored.data is None:
            raise KeyError(f"file {file_id} was announced but never uploaded")
        return stored.data

    def snapshot(self) -> dict[str, Any]:
        """Return a JSON-ready copy of the workspace for the sandbox's first render."""
        ws = self.workspace
        return copy.deepcopy(
            {
                "team": {
                    "id": ws.team_id,
                    "name": ws.teams[ws.team_id].name,
                    "domain": ws.domain(),
                },
                "teams": {t.id: vars(t) for t in ws.teams.values()},
                "users": {u.id: u.to_api() for u in ws.users.values()},
                "channels": {
                    c.id: {
                        "id": c.id,
                        "name": c.name,
                        "is_private": c.is_private,
                        "is_ext_shared": c.is_ext_shared,
                        "members": c.members,
                        "messages": c.messages,
                    }
                    for c in ws.channels.values()
                },
                "ephemerals": ws.ephemerals,
                "views": {v.id: vars(v) for v in ws.views.values()},
            }
        )

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        """Return a queue receiving every future state change."""
        return self.workspace.subscribe()

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        """Stop feeding a queue."""
        self.workspace.unsubscribe(queue)
