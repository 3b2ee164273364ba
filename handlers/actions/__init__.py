"""Button listeners: the card's buttons and the buttons on automatic answers."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot import ids
from handlers.actions.answer import handle_talk_to_person, handle_thumbs
from handlers.actions.card import handle_card_button
from handlers.actions.edit import handle_edit_button


def register(app: AsyncApp) -> None:
    """Map every action id to its listener."""
    for action_id in (ids.APPROVE, ids.TAKE_OVER, ids.HAND_BACK, ids.RESOLVE):
        app.action(action_id)(handle_card_button)
    app.action(ids.EDIT)(handle_edit_button)
    app.action(ids.TALK_TO_PERSON)(handle_talk_to_person)
    for action_id in (ids.THUMBS_UP, ids.THUMBS_DOWN):
        app.action(action_id)(handle_thumbs)
