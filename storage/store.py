"""Conversations, messages and taken-in events: the intake side of the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from storage.db import rows_changed, session_factory
from storage.tables import Conversation, Message, ProcessedEvent, utcnow


@dataclass(frozen=True)
class Recorded:
    """What recording an inbound message did: the rows, and whether it was new."""

    is_new: bool
    conversation: Conversation | None
    message: Message | None


async def insert_ignoring_conflict(
    session: AsyncSession, table: Any, values: dict[str, Any]
) -> bool:
    """Insert one row unless a unique key already holds it; say whether this call inserted it."""
    dialect = session.get_bind().dialect.name
    build = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = build(table).values(**values).on_conflict_do_nothing()
    result = await session.execute(statement)
    return rows_changed(result) > 0


class Store:
    """Async, keyword-only data functions; each call is one transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)

    async def record_inbound(
        self,
        *,
        event_id: str | None,
        channel_id: str,
        ts: str,
        thread_ts: str | None,
        user_id: str,
        user_team_id: str | None,
        text: str,
        author_kind: str,
        status: str,
    ) -> Recorded:
        """Store a message and its event id at once; a second delivery of either is a no-op."""
        now = utcnow()
        async with self.sessions.begin() as session:
            if event_id is not None:
                fresh = await insert_ignoring_conflict(
                    session, ProcessedEvent, {"event_id": event_id, "received_at": now}
                )
                if not fresh:
                    return Recorded(False, None, None)
            root_ts = thread_ts or ts
            await insert_ignoring_conflict(
                session,
                Conversation,
                {
                    "channel_id": channel_id,
                    "thread_ts": root_ts,
                    "customer_user_id": user_id,
                    "customer_team_id": user_team_id,
                    "state": "open",
                    "created_at": now,
                    "updated_at": now,
                },
            )
            conversation = await self._conversation_for(session, channel_id, root_ts)
            assert conversation is not None and conversation.id is not None
            inserted = await insert_ignoring_conflict(
                session,
                Message,
                {
                    "conversation_id": conversation.id,
                    "channel_id": channel_id,
                    "ts": ts,
                    "direction": "inbound",
                    "author_kind": author_kind,
                    "author_user_id": user_id,
                    "kind": "text",
                    "text": text,
                    "status": status,
                    "event_id": event_id,
                    "created_at": now,
                },
            )
            if not inserted:
                return Recorded(False, conversation, None)
            message = (
                await session.execute(
                    select(Message).where(
                        col(Message.channel_id) == channel_id, col(Message.ts) == ts
                    )
                )
            ).scalar_one()
            return Recorded(True, conversation, message)

    async def _conversation_for(
        self, session: AsyncSession, channel_id: str, thread_ts: str
    ) -> Conversation | None:
        statement = select(Conversation).where(
            col(Conversation.channel_id) == channel_id, col(Conversation.thread_ts) == thread_ts
        )
        return (await session.execute(statement)).scalar_one_or_none()

    async def record_outbound(
        self,
        *,
        conversation_id: int,
        channel_id: str,
        ts: str,
        text: str,
        kind: str,
        author_kind: str = "bot",
        author_user_id: str | None = None,
    ) -> Message:
        """Store a message we posted into a customer thread."""
        message = Message(
            conversation_id=conversation_id,
            channel_id=channel_id,
            ts=ts,
            direction="outbound",
            author_kind=author_kind,
            author_user_id=author_user_id,
            kind=kind,
            text=text,
            status="done",
            created_at=utcnow(),
        )
        async with self.sessions.begin() as session:
            session.add(message)
        return message

    async def claim_message(self, *, message_id: int) -> bool:
        """Take a pending inbound message for processing; true for exactly one caller."""
        values = {
            "status": "processing",
            "claimed_at": utcnow(),
            "attempts": col(Message.attempts) + 1,
        }
        return await self._move_message(message_id, ("pending",), values)

    async def finish_message(
        self, *, message_id: int, status: str, risk_score: float | None = None
    ) -> bool:
        """Move a message being processed to its final status, once."""
        values: dict[str, Any] = {"status": status}
        if risk_score is not None:
            values["risk_score"] = risk_score
        return await self._move_message(message_id, ("processing", "pending"), values)

    async def release_message(self, *, message_id: int) -> None:
        """Put a message whose processing failed back to pending, for a later retry."""
        await self._move_message(message_id, ("processing",), {"status": "pending"})

    async def release_stuck(self, *, message_id: int, claimed_before: datetime) -> bool:
        """Put back a message whose worker died: only if its claim is still the stale one."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(Message)
                .where(
                    col(Message.id) == message_id,
                    col(Message.status) == "processing",
                    col(Message.claimed_at) < claimed_before,
                )
                .values(status="pending")
            )
            return rows_changed(result) > 0

    async def _move_message(
        self, message_id: int, expected: tuple[str, ...], values: dict[str, Any]
    ) -> bool:
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(Message)
                .where(col(Message.id) == message_id, col(Message.status).in_(expected))
                .values(**values)
            )
            return rows_changed(result) > 0

    async def message(self, message_id: int) -> Message | None:
        """Load one message by id."""
        async with self.sessions() as session:
            return await session.get(Message, message_id)

    async def conversation(self, conversation_id: int) -> Conversation | None:
        """Load one conversation by id."""
        async with self.sessions() as session:
            return await session.get(Conversation, conversation_id)

    async def conversation_at(self, *, channel_id: str, thread_ts: str) -> Conversation | None:
        """Find the conversation a thread belongs to."""
        async with self.sessions() as session:
            return await self._conversation_for(session, channel_id, thread_ts)

    async def thread(self, *, conversation_id: int) -> list[Message]:
        """Every stored message of a conversation, oldest first."""
        async with self.sessions() as session:
            statement = (
                select(Message)
                .where(col(Message.conversation_id) == conversation_id)
                .order_by(col(Message.created_at), col(Message.id))
            )
            return list((await session.execute(statement)).scalars())

    async def held_since(self, *, conversation_id: int, since: datetime) -> list[Message]:
        """Customer messages the bot held (a human owned the thread) since a moment."""
        async with self.sessions() as session:
            statement = (
                select(Message)
                .where(
                    col(Message.conversation_id) == conversation_id,
                    col(Message.status) == "held",
                    col(Message.created_at) >= since,
                )
                .order_by(col(Message.id))
            )
            return list((await session.execute(statement)).scalars())

    async def pending_inbound(self, *, since: datetime, stuck_before: datetime) -> list[Message]:
        """Customer messages taken in but never answered (a crash after the ack), oldest first.

        A message claimed before `stuck_before` and still "processing" lost its worker.
        """
        async with self.sessions() as session:
            statement = (
                select(Message)
                .where(
                    col(Message.direction) == "inbound",
                    col(Message.created_at) >= since,
                    (col(Message.status) == "pending")
                    | (
                        (col(Message.status) == "processing")
                        & (col(Message.claimed_at) < stuck_before)
                    ),
                )
                .order_by(col(Message.id))
            )
            return list((await session.execute(statement)).scalars())

    async def conversations_started(self, *, customer_user_id: str, since: datetime) -> int:
        """How many conversations this customer opened since a moment (repeat contacts)."""
        async with self.sessions() as session:
            statement = select(func.count()).where(
                col(Conversation.customer_user_id) == customer_user_id,
                col(Conversation.created_at) >= since,
            )
            return int((await session.execute(statement)).scalar_one())

    async def set_conversation_state(
        self,
        *,
        conversation_id: int,
        state: str,
        expected: tuple[str, ...] | None = None,
        owner_user_id: str | None = None,
    ) -> bool:
        """Change a conversation's state, only from an expected state if given (compare and set)."""
        statement = update(Conversation).where(col(Conversation.id) == conversation_id)
        if expected is not None:
            statement = statement.where(col(Conversation.state).in_(expected))
        statement = statement.values(state=state, owner_user_id=owner_user_id, updated_at=utcnow())
        async with self.sessions.begin() as session:
            result = await session.execute(statement)
            return rows_changed(result) > 0
