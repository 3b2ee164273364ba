"""Reading button payloads: who clicked, and which stored object the button points at."""

from __future__ import annotations

from typing import Any

from bot.actions import Actor, ClickedOn


def actor_of(body: dict[str, Any]) -> Actor:
    """The clicking user and their home team (an external user's team in Slack Connect)."""
    user = body.get("user") or {}
    return Actor(user_id=str(user.get("id") or ""), team_id=user.get("team_id"))


MAX_STORED_ID = 2**63 - 1  # a BIGINT: a longer number is forged, and the database would refuse it


def parse_id(value: object) -> int | None:
    """A row id written as ASCII digits, or None for anything else (forged, overlong, "²")."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    number = int(text)
    return number if 0 < number <= MAX_STORED_ID else None


def stored_id(action: dict[str, Any]) -> int | None:
    """The id a button carries, or None for a malformed or forged value."""
    return parse_id(action.get("value"))


def channel_of(body: dict[str, Any], *, default: str = "") -> str:
    """The channel the click came from (where a private answer to the clicker belongs)."""
    return str((body.get("channel") or {}).get("id") or default)


def clicked_on(body: dict[str, Any]) -> ClickedOn:
    """The message whose button was clicked (the container), where the action must belong."""
    container = body.get("container") or {}
    return ClickedOn(
        channel_id=str(container.get("channel_id") or (body.get("channel") or {}).get("id") or ""),
        message_ts=str(container.get("message_ts") or ""),
    )
