"""Block Kit fixtures shared by the delivery tests: an approval card and an edit modal."""

from __future__ import annotations

from typing import Any

CARD_BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "block_id": "summary", "text": {"type": "mrkdwn", "text": "Draft"}},
    {
        "type": "actions",
        "block_id": "decide",
        "elements": [
            {
                "type": "button",
                "action_id": "approve",
                "text": {"type": "plain_text", "text": "Approve"},
                "value": "case-42",
                "style": "primary",
            },
            {
                "type": "button",
                "action_id": "edit",
                "text": {"type": "plain_text", "text": "Edit"},
                "value": "case-42",
            },
        ],
    },
]
EDIT_MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "edit_draft",
    "private_metadata": "case-42",
    "title": {"type": "plain_text", "text": "Edit draft"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        {
            "type": "input",
            "block_id": "draft",
            "label": {"type": "plain_text", "text": "Reply"},
            "element": {"type": "plain_text_input", "action_id": "text", "max_length": 500},
        }
    ],
}
