"""Who wrote a message decides whether the bot answers it."""

from __future__ import annotations

import pytest

from bot.intake import classify
from bot.models import AuthorKind, IncomingMessage

INTERNAL = frozenset({"C_AGENTS", "C_DIGEST"})


def message(**changes: object) -> IncomingMessage:
    base: dict[str, object] = {
        "event_id": "Ev1",
        "channel_id": "C_ACME",
        "ts": "1.1",
        "thread_ts": None,
        "user_id": "U_DANA",
        "user_team_id": "T_ACME",
        "installed_team_id": "T_VENDOR",
        "text": "hello",
        "is_ext_shared_channel": True,
    }
    base.update(changes)
    return IncomingMessage.model_validate(base)


def test_external_user_in_a_connect_channel_is_a_customer() -> None:
    assert classify(message(), internal_channels=INTERNAL) is AuthorKind.CUSTOMER


def test_own_workspace_member_in_a_connect_channel_is_staff() -> None:
    own = message(user_id="U_ANA", user_team_id="T_VENDOR")
    assert classify(own, internal_channels=INTERNAL) is AuthorKind.STAFF


@pytest.mark.parametrize(
    "changes",
    [
        {"subtype": "message_changed"},
        {"subtype": "message_deleted"},
        {"subtype": "channel_join"},
        {"subtype": "channel_topic"},
        {"subtype": "bot_message"},
        {"bot_id": "B_OTHER"},
        {"user_id": None},
        {"text": "   "},
        {"channel_id": "C_AGENTS"},
        {"channel_id": "C_DIGEST"},
    ],
)
def test_non_customer_text_is_ignored(changes: dict[str, object]) -> None:
    assert classify(message(**changes), internal_channels=INTERNAL) is None


def test_thread_broadcast_and_file_share_are_customer_text() -> None:
    for subtype in ("thread_broadcast", "file_share"):
        assert classify(message(subtype=subtype), internal_channels=INTERNAL) is AuthorKind.CUSTOMER


def test_connect_author_without_a_team_is_treated_as_a_customer() -> None:
    assert classify(message(user_team_id=None), internal_channels=INTERNAL) is AuthorKind.CUSTOMER
