"""Thin Bolt listeners, one Slack surface per sub-package."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.deps import DEPS_KEY, Deps
from handlers import actions, commands, events, views
from handlers.authorize import build_authorize

__all__ = ["build_authorize", "register"]


def register(app: AsyncApp, deps: Deps) -> None:
    """Put the services on every request's context, then map every id to its listener."""

    async def provide_deps(context: dict[str, object], next: object) -> None:
        context[DEPS_KEY] = deps
        await next()  # type: ignore[operator]

    app.use(provide_deps)
    events.register(app)
    actions.register(app)
    views.register(app)
    commands.register(app)
