"""Hold the fake workspace: teams, users, channels, messages, views, files and triggers."""

from __future__ import annotations

import asyncio
import copy
import itertools
import secrets
from collections.abc import Callable
from typing import Any

from .slack_models import Channel, StoredFile, Team, Trigger, User, ViewRecord, domain_for


class Workspace:
    """Keep all mutable Slack state and broadcast every change to feed subscribers."""

    def __init__(
        self,
        *,
        team_id: str,
        team_name: str,
        bot_user_id: str,
        bot_id: str,
        app_id: str,
        clock: Callable[[], float],
    ) -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.clock = clock
        self.root_url = ""
        self.teams: dict[str, Team] = {}
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.views: dict[str, ViewRecord] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self.files: dict[str, StoredFile] = {}
        self.triggers: dict[str, Trigger] = {}
        self.warnings: list[dict[str, Any]] = []
        # Requests the app answered after Slack's 3-second deadline: Slack gave up on them.
        self.late_acks: list[dict[str, Any]] = []
        # response_url id -> where a reply to it lands (channel, message, user).
        self.response_urls: dict[str, dict[str, Any]] = {}
        self._subscribers: list[asyncio.Queue[dict[str, Any]]] = []
        self._ids = itertools.count(1)
        self._last_micros = 0
        self.add_team(team_id, team_name)
        self.add_user(bot_user_id, "hitl", team_id=team_id, real_name="HITL Support", is_bot=True)
        self.users[bot_user_id].bot_id = bot_id

    # -- directory -------------------------------------------------------------------------

    def add_team(self, team_id: str, name: str, domain: str | None = None) -> Team:
        """Register a workspace (ours or a Slack Connect partner)."""
        team = Team(team_id, name, domain or domain_for(name))
        self.teams[team_id] = team
        return team

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
        """Register a user; a team_id other than ours makes them an external (Connect) user."""
        if team_id not in self.teams:
            self.add_team(team_id, team_id)
        user = User(user_id, name, team_id, real_name or name.title(), is_bot, is_admin)
        self.users[user_id] = user
        return user

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
        """Create a channel; the bot is a member unless bot_member is False."""
        listed = list(dict.fromkeys(members))
        if bot_member and self.bot_user_id not in listed:
            listed.append(self.bot_user_id)
        channel = Channel(
            channel_id,
            name,
            is_private,
            is_ext_shared or bool(connected_team_ids),
            list(connected_team_ids),
            listed,
            int(self.clock()),
        )
        self.channels[channel_id] = channel
        return channel

    def join(self, channel_id: str, user_id: str) -> None:
        """Add a user to a channel's members."""
        members = self.require_channel(channel_id).members
        if user_id not in members:
            members.append(user_id)

    def require_channel(self, channel_id: str) -> Channel:
        """Return a channel or fail loudly (test-side helper)."""
        if channel_id not in self.channels:
            raise KeyError(f"unknown channel {channel_id!r}; call add_channel first")
        return self.channels[channel_id]

    def require_user(self, user_id: str) -> User:
        """Return a user or fail loudly (test-side helper)."""
        if user_id not in self.users:
            raise KeyError(f"unknown user {user_id!r}; call add_user first")
        return self.users[user_id]

    def domain(self, team_id: str | None = None) -> str:
        """Return the subdomain of a team (ours by default)."""
        team = self.teams.get(team_id or self.team_id)
        return team.domain if team else domain_for(team_id or "workspace")

    # -- ids and time --------------------------------------------------------------------------

    def next_ts(self) -> str:
        """Return a message ts strictly greater than every earlier one."""
        # The counter step keeps ts unique when the (possibly frozen) clock does not move.
        micros = max(int(self.clock() * 1_000_000), self._last_micros + 100)
        self._last_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def new_id(self, prefix: str) -> str:
        """Return a fresh Slack-looking id such as V0000000007."""
        return f"{prefix}{next(self._ids):010d}"

    def new_trigger(self, user: str) -> str:
        """Mint a trigger_id for a user action, stamped with the emulator clock."""
        now = self.clock()
        trigger_id = f"{int(now)}{next(self._ids):04d}.{int(now) % 10**9}.{secrets.token_hex(16)}"
        self.triggers[trigger_id] = Trigger(trigger_id, user, now)
        return trigger_id

    # -- messages ------------------------------------------------------------------------------

    def find_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """Return the stored message with this ts in this channel."""
        found = self.channels.get(channel)
        if found is None:
            return None
        return next((m for m in found.messages if m["ts"] == ts), None)

    def add_message(self, channel: str, message: dict[str, Any]) -> dict[str, Any]:
        """Store a message, maintaining thread metadata on its parent, and announce it."""
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != message["ts"]:
            parent = self.find_message(channel, thread_ts)
            if parent is not None:
                author = message.get("user") or message.get("bot_id")
                parent["thread_ts"] = parent["ts"]
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                users = parent.setdefault("reply_users", [])
                if author and author not in users:
                    users.append(author)
                parent["reply_users_count"] = len(users)
                parent["latest_reply"] = message["ts"]
                message.setdefault("parent_user_id", parent.get("user"))
        self.require_channel(channel).messages.append(message)
        self.publish("message", channel=channel, ts=message["ts"], message=message)
        return message

    def remove_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """Delete a message from a channel and announce it."""
        found = self.find_message(channel, ts)
        if found is not None:
            self.channels[channel].messages.remove(found)
            self.publish("message_deleted", channel=channel, ts=ts)
        return found

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Return every message of a channel, replies included, oldest first."""
        return list(self.require_channel(channel).messages)

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """Return a thread's parent followed by its replies."""
        return [
            m
            for m in self.require_channel(channel).messages
            if m["ts"] == thread_ts or m.get("thread_ts") == thread_ts
        ]

    def thread_root(self, channel: str, ts: str) -> str:
        """Return the ts of the thread a message belongs to (its own ts for a parent)."""
        found = self.find_message(channel, ts)
        return (found or {}).get("thread_ts") or ts

    def permalink(self, channel: str, ts: str) -> str:
        """Build the archive link Slack returns from chat.getPermalink."""
        link = f"https://{self.domain()}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        root = self.thread_root(channel, ts)
        if root != ts:
            link += f"?thread_ts={root}&cid={channel}"
        return link

    def bot_profile(self) -> dict[str, Any]:
        """Return the bot_profile object attached to our bot's messages."""
        return {
            "id": self.bot_id,
            "app_id": self.app_id,
            "name": "HITL Support",
            "deleted": False,
            "updated": 1700000000,
            "team_id": self.team_id,
            "icons": {"image_48": "https://a.slack-edge.com/80588/img/plugins/app/bot_48.png"},
        }

    # -- change feed ---------------------------------------------------------------------------

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        """Return a queue that receives every future state change."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._subscribers.append(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        """Stop delivering changes to a queue."""
        if queue in self._subscribers:
            self._subscribers.remove(queue)

    def publish(
        self, kind: str, *, channel: str | None = None, ts: str | None = None, **data: Any
    ) -> None:
        """Put one change event on every subscriber queue."""
        # Snapshot so later edits do not rewrite history a browser already rendered.
        event = copy.deepcopy(
            {"kind": kind, "channel": channel, "ts": ts, "at": self.clock(), **data}
        )
        for queue in self._subscribers:
            queue.put_nowait(event)
