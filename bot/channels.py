"""What Slack says about a customer channel, cached: which organisation sits on the other side."""

from __future__ import annotations

import logging
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.tools import ToolScope
from storage.tables import Conversation

log = logging.getLogger(__name__)

CACHE_SECONDS = 300.0


class ChannelDirectory:
    """Answer "whose channel is this?" from conversations.info, a few calls per hour at most."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self._connected: dict[str, tuple[float, frozenset[str]]] = {}
        self._domains: dict[str, tuple[float, tuple[str, ...]]] = {}

    async def connected_teams(self, channel_id: str) -> frozenset[str]:
        """The external organisations connected to a channel (empty when unknown or internal)."""
        now = time.monotonic()
        cached = self._connected.get(channel_id)
        if cached is not None and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        try:
            info = (await self._client.conversations_info(channel=channel_id))["channel"]
        except SlackApiError as error:
            log.warning(
                "conversations.info on %s failed: %s", channel_id, error.response.get("error")
            )
            return frozenset()
        teams = frozenset(info.get("connected_team_ids") or ())
        self._connected[channel_id] = (now, teams)
        return teams

    async def team_domains(self, team_id: str) -> tuple[str, ...]:
        """An organisation's domains from team.info: its Slack domain and its email domains."""
        now = time.monotonic()
        cached = self._domains.get(team_id)
        if cached is not None and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        try:
            team = (await self._client.team_info(team=team_id))["team"]
        except SlackApiError as error:
            log.warning("team.info on %s failed: %s", team_id, error.response.get("error"))
            return ()
        slack_domain = str(team.get("domain") or "")
        found = [slack_domain, f"{slack_domain}.slack.com" if slack_domain else ""]
        found += [d.strip() for d in str(team.get("email_domain") or "").split(",")]
        domains = tuple(d.lower() for d in found if d.strip())
        self._domains[team_id] = (now, domains)
        return domains

    async def sole_team(self, channel_id: str, team_id: str | None) -> str | None:
        """The author's organisation, only if it is the one organisation across the channel.

        An account found by organisation is shown in the channel; with two organisations in it,
        one would read the other's account, so then no organisation is used at all.
        """
        if team_id is None:
            return None
        return team_id if await self.connected_teams(channel_id) == {team_id} else None

    async def scope_for(self, conversation: Conversation) -> ToolScope:
        """The tool scope of a conversation: its channel, and its organisation when safe."""
        team = await self.sole_team(conversation.channel_id, conversation.customer_team_id)
        return ToolScope(channel_id=conversation.channel_id, team_id=team)
