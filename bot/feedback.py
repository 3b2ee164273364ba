"""The feedback record: every escalation, what the human did with the draft, and when."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.escalations import EscalationStore


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def export_feedback(engine: AsyncEngine) -> list[str]:
    """One JSON line per escalation, with its append-only audit trail."""
    lines = []
    for escalation, audit in await EscalationStore(engine).all_with_audit():
        record = {
            "escalation_id": escalation.id,
            "conversation_id": escalation.conversation_id,
            "organisation": escalation.org_name,
            "reason": escalation.top_reason,
            "reasons": escalation.reasons,
            "score": escalation.score,
            "status": escalation.status,
            "action": escalation.action,
            "agent": escalation.actor_user_id,
            "draft": escalation.draft,
            "final_text": escalation.final_text,
            "edit_distance": escalation.edit_distance,
            "escalated_at": _iso(escalation.created_at),
            "first_action_at": _iso(escalation.first_action_at),
            "sent_at": _iso(escalation.sent_at),
            "audit": [
                {"action": e.action, "actor": e.actor_user_id, "at": _iso(e.at), "detail": e.detail}
                for e in audit
            ],
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return lines
