"""Reading button payloads: who clicked, and which stored object the button points at."""

from __future__ import annotations

from typing import Any

from bot.actions import Actor


def actor_of(body: dict[str, Any]) -> Actor:
    """The clicking user and their home team (an external user's team in Slack Connect)."""
    user = body.get("user") or {}
    return Actor(user_id=str(user.get("id") or ""), team_id=user.get("team_id"))


def stored_id(action: dict[str, Any]) -> int | None:
    """The id a button carries, or None for a malformed or forged value."""
    value = str(action.get("value") or "")
    return int(value) if value.isdigit() else None


def channel_of(body: dict[str, Any], *, default: str = "") -> str:
    """The channel the click came from (where a private answer to the clicker belongs)."""
    return str((body.get("channel") or {}).get("id") or default)
