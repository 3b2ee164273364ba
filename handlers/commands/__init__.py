"""Slash command listeners."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot import ids
from handlers.commands.hitl import handle_hitl_command


def register(app: AsyncApp) -> None:
    """The one command, /hitl, with its sub-commands."""
    app.command(ids.COMMAND)(handle_hitl_command)
