"""Events API listeners: every event type the manifest subscribes to has one."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.events.message import handle_message, take_in_message


def register(app: AsyncApp) -> None:
    """message.channels and message.groups both arrive as `message` events, every subtype."""
    app.event("message", middleware=[take_in_message])(handle_message)
