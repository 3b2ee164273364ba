"""Bolt's `authorize`: the bot's identity from the start-up auth.test, never a call per request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_bolt.authorization import AuthorizeResult

from bot.identity import IdentityCache

Authorize = Callable[..., Awaitable[AuthorizeResult]]


def build_authorize(identity: IdentityCache, *, bot_token: str) -> Authorize:
    """An authorize function for one workspace; it raises while auth.test has not answered.

    Raising (not returning None) matters: Bolt answers an exception with 500, and Slack
    delivers the event again, whereas a None is answered 200 and the event is lost.
    """

    async def authorize(user_id: str | None = None) -> AuthorizeResult:
        known = await identity.get()
        return AuthorizeResult(
            enterprise_id=known.enterprise_id,
            team_id=known.team_id,
            team=known.team,
            url=known.url,
            bot_id=known.bot_id,
            bot_user_id=known.bot_user_id,
            bot_token=bot_token,
            user_id=user_id,
        )

    return authorize
