"""Modal submissions."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot import ids
from handlers.views.edit import handle_edit_submission


def register(app: AsyncApp) -> None:
    """The Edit modal's submission."""
    app.view(ids.EDIT_VIEW)(handle_edit_submission)
