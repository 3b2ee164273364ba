"""Escalations and their audit log: every state change is one compare-and-set UPDATE."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from storage.db import rows_changed, session_factory
from storage.store import insert_ignoring_conflict
from storage.tables import AuditEntry, Conversation, Escalation, Feedback, utcnow

OPEN_STATES = ("pending", "taken_over")


class EscalationStore:
    """Async, keyword-only data functions for escalations; each call is one transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.sessions = session_factory(engine)

    async def open(
        self,
        *,
        conversation_id: int,
        expected_states: tuple[str, ...],
        conversation_state: str,
        owner_user_id: str | None = None,
        status: str = "pending",
        actor_user_id: str | None = None,
        holding_needed: bool = True,
        **fields: Any,
    ) -> Escalation | None:
        """Hand a conversation to humans and store its escalation in one transaction.

        The conversation's state is the compare-and-set: None when it was not in an expected
        state (someone escalated it first). Holding reply and card are sent afterwards, as
        steps that can be retried until done.
        """
        now = utcnow()
        async with self.sessions.begin() as session:
            moved = await session.execute(
                update(Conversation)
                .where(
                    col(Conversation.id) == conversation_id,
                    col(Conversation.state).in_(expected_states),
                )
                .values(state=conversation_state, owner_user_id=owner_user_id, updated_at=now)
            )
            if not rows_changed(moved):
                return None
            escalation = Escalation(
                conversation_id=conversation_id,
                status=status,
                actor_user_id=actor_user_id,
                action="taken_over" if status == "taken_over" else None,
                first_action_at=now if status != "pending" else None,
                customer_updated_at=None if holding_needed else now,
                created_at=now,
                **fields,
            )
            session.add(escalation)
            await session.flush()
            session.add(
                AuditEntry(
                    escalation_id=escalation.id,
                    conversation_id=conversation_id,
                    action="escalated" if status == "pending" else status,
                    actor_user_id=actor_user_id,
                    detail={"reason": escalation.top_reason, "score": escalation.score},
                    at=now,
                )
            )
        return escalation

    async def undelivered(self, *, created_before: datetime) -> list[Escalation]:
        """Open escalations still missing their card or their customer's holding reply."""
        async with self.sessions() as session:
            statement = (
                select(Escalation)
                .where(
                    col(Escalation.status).in_(OPEN_STATES),
                    col(Escalation.created_at) < created_before,
                    col(Escalation.card_ts).is_(None)
                    | col(Escalation.customer_updated_at).is_(None),
                )
                .order_by(col(Escalation.id))
                .limit(50)
            )
            return list((await session.execute(statement)).scalars())

    async def mark_customer_updated(self, *, escalation_id: int) -> None:
        """Remember that the customer just heard from us (holding reply or update)."""
        await self._update(escalation_id, customer_updated_at=utcnow())

    async def claim_send(self, *, escalation_id: int) -> Escalation | None:
        """Claim the one delivery of a human decision to the customer (None if taken)."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(Escalation)
                .where(
                    col(Escalation.id) == escalation_id,
                    col(Escalation.status).in_(("approved", "edited")),
                    col(Escalation.sent_at).is_(None),
                )
                .values(sent_at=utcnow())
            )
            if not rows_changed(result):
                return None
            return await session.get(Escalation, escalation_id, populate_existing=True)

    async def unclaim_send(self, *, escalation_id: int) -> None:
        """Slack refused the reply: free the claim so a later round sends it."""
        await self._update(escalation_id, sent_at=None)

    async def unsent(self, *, decided_before: datetime) -> list[Escalation]:
        """Human decisions whose reply has not reached the customer yet."""
        async with self.sessions() as session:
            statement = select(Escalation).where(
                col(Escalation.status).in_(("approved", "edited")),
                col(Escalation.sent_at).is_(None),
                col(Escalation.first_action_at) < decided_before,
            )
            return list((await session.execute(statement)).scalars())

    async def get(self, escalation_id: int) -> Escalation | None:
        """Load one escalation."""
        async with self.sessions() as session:
            return await session.get(Escalation, escalation_id)

    async def open_for(self, *, conversation_id: int) -> Escalation | None:
        """The conversation's escalation that still waits for or belongs to a human."""
        async with self.sessions() as session:
            statement = (
                select(Escalation)
                .where(
                    col(Escalation.conversation_id) == conversation_id,
                    col(Escalation.status).in_(OPEN_STATES),
                )
                .order_by(col(Escalation.id).desc())
                .limit(1)
            )
            return (await session.execute(statement)).scalar_one_or_none()

    async def last_closed_at(self, *, conversation_id: int) -> datetime | None:
        """When a human last closed an escalation of this conversation."""
        async with self.sessions() as session:
            statement = select(func.max(col(Escalation.closed_at))).where(
                col(Escalation.conversation_id) == conversation_id
            )
            return (await session.execute(statement)).scalar_one_or_none()

    async def set_card(
        self, *, escalation_id: int, channel: str, ts: str, permalink: str | None
    ) -> None:
        """Remember where the escalation's card was posted and the thread it points at."""
        await self._update(escalation_id, card_channel=channel, card_ts=ts, permalink=permalink)

    async def set_assessment(
        self, *, escalation_id: int, top_reason: str, reasons: list[dict[str, Any]], score: float
    ) -> None:
        """Replace the risk shown on the card after a re-score."""
        await self._update(escalation_id, top_reason=top_reason, reasons=reasons, score=score)

    async def block(self, *, escalation_id: int, why: str) -> None:
        """Mark an escalation whose card may not be posted (it would leak)."""
        await self._update(escalation_id, status="blocked", over_limit=None)
        await self.audit(escalation_id=escalation_id, action="blocked", detail={"why": why})

    async def _update(self, escalation_id: int, **values: Any) -> None:
        async with self.sessions.begin() as session:
            await session.execute(
                update(Escalation).where(col(Escalation.id) == escalation_id).values(**values)
            )

    async def transition(
        self,
        *,
        escalation_id: int,
        expected: tuple[str, ...],
        status: str,
        actor_user_id: str,
        conversation_state: str,
        owner_user_id: str | None,
        final_text: str | None = None,
        action: str | None = None,
        closes: bool = False,
        edit_distance: int | None = None,
    ) -> Escalation | None:
        """Move an escalation (and its conversation) on, only from an expected status.

        The WHERE on the status makes the UPDATE the arbiter: of two concurrent clicks exactly
        one changes a row; the other gets None and must not act.
        """
        now = utcnow()
        values: dict[str, Any] = {"status": status, "actor_user_id": actor_user_id}
        if final_text is not None:
            values["final_text"] = final_text
        if action is not None:
            values["action"] = action
        if closes:
            values["closed_at"] = now
        if edit_distance is not None:
            values["edit_distance"] = edit_distance
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(Escalation)
                .where(
                    col(Escalation.id) == escalation_id,
                    col(Escalation.status).in_(expected),
                )
                .values(**values)
            )
            if not rows_changed(result):
                return None
            await session.execute(
                update(Escalation)
                .where(
                    col(Escalation.id) == escalation_id, col(Escalation.first_action_at).is_(None)
                )
                .values(first_action_at=now)
            )
            escalation = await session.get(Escalation, escalation_id, populate_existing=True)
            assert escalation is not None
            await session.execute(
                update(Conversation)
                .where(col(Conversation.id) == escalation.conversation_id)
                .values(state=conversation_state, owner_user_id=owner_user_id, updated_at=now)
            )
            session.add(
                AuditEntry(
                    escalation_id=escalation_id,
                    conversation_id=escalation.conversation_id,
                    action=status,
                    actor_user_id=actor_user_id,
                    detail={"final_text": final_text} if final_text is not None else {},
                    at=now,
                )
            )
            return escalation

    async def mark_sent(self, *, escalation_id: int, conversation_id: int) -> None:
        """The reply reached the customer: audit it and give the thread back to the bot."""
        now = utcnow()
        async with self.sessions.begin() as session:
            await session.execute(
                update(Escalation)
                .where(col(Escalation.id) == escalation_id)
                .values(customer_updated_at=now)
            )
            await session.execute(
                update(Conversation)
                .where(
                    col(Conversation.id) == conversation_id,
                    col(Conversation.state) == "escalated",
                )
                .values(state="open", owner_user_id=None, updated_at=now)
            )
            session.add(
                AuditEntry(
                    escalation_id=escalation_id,
                    conversation_id=conversation_id,
                    action="sent",
                    at=now,
                )
            )

    async def quiet_customers(self, *, silent_since: datetime) -> list[Escalation]:
        """Pending, customer-facing escalations whose customer last heard from us too long ago."""
        async with self.sessions() as session:
            last_word = func.coalesce(
                col(Escalation.customer_updated_at), col(Escalation.created_at)
            )
            statement = select(Escalation).where(
                col(Escalation.status) == "pending",
                col(Escalation.review_only).is_(False),
                last_word < silent_since,
            )
            return list((await session.execute(statement)).scalars())

    async def claim_customer_update(
        self, *, escalation_id: int, silent_since: datetime, now: datetime
    ) -> bool:
        """Claim one "still on it" update to the customer (true for exactly one caller)."""
        last_word = func.coalesce(col(Escalation.customer_updated_at), col(Escalation.created_at))
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(Escalation)
                .where(col(Escalation.id) == escalation_id, last_word < silent_since)
                .values(customer_updated_at=now)
            )
            return rows_changed(result) > 0

    async def claim_reminder(self, *, escalation_id: int) -> bool:
        """Claim the one SLA reminder of an escalation (true for exactly one caller)."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(Escalation)
                .where(col(Escalation.id) == escalation_id, col(Escalation.reminded_at).is_(None))
                .values(reminded_at=utcnow())
            )
            return rows_changed(result) > 0

    async def overdue(self, *, created_before: datetime) -> list[Escalation]:
        """Pending escalations older than the SLA that were never reminded about."""
        async with self.sessions() as session:
            statement = select(Escalation).where(
                col(Escalation.status) == "pending",
                col(Escalation.reminded_at).is_(None),
                col(Escalation.created_at) < created_before,
                col(Escalation.card_ts).is_not(None),
            )
            return list((await session.execute(statement)).scalars())

    async def decided(self, *, channel_id: str, limit: int) -> list[Escalation]:
        """Recent escalations a human answered (approved or edited) in one channel, newest first."""
        async with self.sessions() as session:
            statement = (
                select(Escalation)
                .join(Conversation, col(Conversation.id) == col(Escalation.conversation_id))
                .where(
                    col(Escalation.action).in_(("approved", "edited")),
                    col(Conversation.channel_id) == channel_id,
                )
                .order_by(col(Escalation.id).desc())
                .limit(limit)
            )
            return list((await session.execute(statement)).scalars())

    async def audit(
        self,
        *,
        escalation_id: int | None,
        action: str,
        actor_user_id: str | None = None,
        detail: dict[str, Any] | None = None,
        conversation_id: int | None = None,
    ) -> None:
        """Append one entry to the audit log."""
        async with self.sessions.begin() as session:
            session.add(
                AuditEntry(
                    escalation_id=escalation_id,
                    conversation_id=conversation_id,
                    action=action,
                    actor_user_id=actor_user_id,
                    detail=detail or {},
                    at=utcnow(),
                )
            )

    async def all_with_audit(self) -> list[tuple[Escalation, list[AuditEntry]]]:
        """Every escalation with its audit entries, oldest first (for the feedback export)."""
        async with self.sessions() as session:
            escalations = list(
                (await session.execute(select(Escalation).order_by(col(Escalation.id)))).scalars()
            )
            entries = list(
                (await session.execute(select(AuditEntry).order_by(col(AuditEntry.id)))).scalars()
            )
        by_escalation: dict[int, list[AuditEntry]] = {}
        for entry in entries:
            if entry.escalation_id is not None:
                by_escalation.setdefault(entry.escalation_id, []).append(entry)
        return [(e, by_escalation.get(e.id or 0, [])) for e in escalations]

    async def add_feedback(
        self,
        *,
        conversation_id: int | None,
        channel_id: str,
        message_ts: str,
        user_id: str,
        value: int,
    ) -> bool:
        """Store one thumbs vote per user and answer; a repeat vote is ignored."""
        async with self.sessions.begin() as session:
            return await insert_ignoring_conflict(
                session,
                Feedback,
                {
                    "conversation_id": conversation_id,
                    "channel_id": channel_id,
                    "message_ts": message_ts,
                    "user_id": user_id,
                    "value": value,
                    "created_at": utcnow(),
                },
            )
