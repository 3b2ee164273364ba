"""Who the bot is in its workspace: auth.test, asked at start-up and kept.

Bolt's single-token mode asks auth.test on the first request and, when that call fails, answers
Slack 200 with an error text: the event is acknowledged and never stored, and Slack does not
redeliver a 200. Asking once at start (with retries) and reading the kept answer afterwards
takes the Web API out of every request's path; while no answer is known, requests fail with
`IdentityUnavailable`, which the app answers with a 5xx so that Slack delivers them again.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.models import Frozen

log = logging.getLogger(__name__)

START_ATTEMPTS = 3
RETRY_PAUSE_SECONDS = 0.5
# While the identity is unknown a request asks Slack again, one at a time, within this budget.
REFRESH_BUDGET_SECONDS = 2.0


class IdentityUnavailable(Exception):
    """auth.test has not answered yet: the request must fail so that Slack retries it."""


class BotIdentity(Frozen):
    """What auth.test said about the bot token."""

    team_id: str
    bot_id: str | None = None
    bot_user_id: str | None = None
    enterprise_id: str | None = None
    team: str | None = None
    user: str | None = None
    url: str | None = None


class IdentityCache:
    """Hold the bot's identity, fetched once, so no request waits on auth.test."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self._known: BotIdentity | None = None
        self._lock = asyncio.Lock()
        self._tries = 0

    @property
    def known(self) -> BotIdentity | None:
        """The identity, when auth.test has answered."""
        return self._known

    async def load(self, *, attempts: int = START_ATTEMPTS) -> BotIdentity | None:
        """Ask auth.test, retrying a few times; None when Slack did not answer well."""
        for attempt in range(1, attempts + 1):
            identity = await self._ask()
            if identity is not None:
                return identity
            if attempt < attempts:
                await asyncio.sleep(RETRY_PAUSE_SECONDS * attempt)
        return None

    async def get(self) -> BotIdentity:
        """The kept identity; ask Slack again (rarely) while it is unknown, else raise."""
        if self._known is not None:
            return self._known
        tries_seen = self._tries
        async with self._lock:
            # A request that waited while another asked Slack takes that answer, not a new call.
            if self._known is None and self._tries == tries_seen:
                try:
                    async with asyncio.timeout(REFRESH_BUDGET_SECONDS):
                        await self._ask()
                except TimeoutError:
                    log.warning("auth.test did not answer within %.0f s", REFRESH_BUDGET_SECONDS)
        if self._known is None:
            raise IdentityUnavailable("auth.test has not answered yet")
        return self._known

    async def keep_trying(self, *, pause: float = 5.0) -> None:
        """Ask until Slack answers (a background task while the start-up attempts failed)."""
        while self._known is None:
            await asyncio.sleep(pause)
            await self._ask()

    async def _ask(self) -> BotIdentity | None:
        self._tries += 1
        try:
            answer = await self._client.auth_test()
        except SlackApiError as error:
            log.warning(
                "auth.test failed: status=%s error=%s",
                error.response.status_code,
                error.response.get("error"),
            )
            return None
        except (OSError, TimeoutError, aiohttp.ClientError) as error:
            log.warning("auth.test unreachable: %s", type(error).__name__)
            return None
        team_id = answer.get("team_id")
        if not team_id:
            log.warning("auth.test answered without a team_id")
            return None
        self._known = BotIdentity(
            team_id=str(team_id),
            bot_id=answer.get("bot_id"),
            bot_user_id=answer.get("user_id") if answer.get("bot_id") else None,
            enterprise_id=answer.get("enterprise_id"),
            team=answer.get("team"),
            user=answer.get("user"),
            url=answer.get("url"),
        )
        log.info(
            "bot identity: team=%s bot_id=%s user=%s",
            self._known.team_id,
            self._known.bot_id,
            self._known.bot_user_id,
        )
        return self._known
