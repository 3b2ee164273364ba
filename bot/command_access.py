"""Who may use /hitl and where: people of our own workspace; the digest only in internal channels.

Customers reach our slash command in Slack Connect channels (and as guests of our workspace);
the refusals they get name no internal channel and say nothing about what there is to see.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

CACHE_SECONDS = 300.0
CHECK_TIMEOUT_SECONDS = 2.0  # the command must still be acknowledged within Slack's 3 seconds
NOT_STAFF = "Sorry, /hitl is only for the support team of this workspace."
NOT_HERE = "The digest can't be posted from a channel shared with another organisation."
NO_CHECK = "I could not check your access right now; please try again."


class CommandAccess:
    """Decide whether a /hitl request is answered, from users.info and conversations.info."""

    def __init__(self, client: AsyncWebClient, *, internal_channels: frozenset[str]) -> None:
        self._client = client
        self._internal = internal_channels
        self._our_team: str | None = None
        self._staff: dict[str, tuple[float, bool]] = {}
        self._channels: dict[str, tuple[float, bool]] = {}

    async def refusal(self, *, user_id: str, channel_id: str, sub_command: str) -> str | None:
        """Why this request is refused, or None when it may be answered."""
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                if not await self._is_staff(user_id):
                    return NOT_STAFF
                if sub_command == "digest" and not await self._is_internal(channel_id):
                    return NOT_HERE
        except (SlackApiError, TimeoutError) as error:
            log.warning("cannot check /hitl access: %s", type(error).__name__)
            return NO_CHECK
        return None

    async def _team(self) -> str:
        if self._our_team is None:
            self._our_team = str((await self._client.auth_test())["team_id"])
        return self._our_team

    async def _is_staff(self, user_id: str) -> bool:
        cached = self._staff.get(user_id)
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        user: dict[str, Any] = (await self._client.users_info(user=user_id))["user"]
        # A guest (restricted) is in our workspace but is not one of us: customers join so too.
        staff = (
            user.get("team_id") == await self._team()
            and not user.get("deleted")
            and not user.get("is_bot")
            and not user.get("is_restricted")
            and not user.get("is_ultra_restricted")
            and not user.get("is_stranger")
        )
        self._staff[user_id] = (time.monotonic(), staff)
        return staff

    async def _is_internal(self, channel_id: str) -> bool:
        if channel_id in self._internal:
            return True
        cached = self._channels.get(channel_id)
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        info: dict[str, Any] = (await self._client.conversations_info(channel=channel_id))[
            "channel"
        ]
        internal = not (
            info.get("is_ext_shared")
            or info.get("is_pending_ext_shared")
            or info.get("connected_team_ids")
            or info.get("pending_connected_team_ids")
        )
        self._channels[channel_id] = (time.monotonic(), internal)
        return internal
