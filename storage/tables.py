"""Every table of the app, in one place so the schema reads top to bottom."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Store aware UTC datetimes; SQLite hands back naive ones, so re-attach UTC on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware UTC datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Conversation(SQLModel, table=True):
    """One customer thread: the unit the bot answers and a human may own."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel_id", "thread_ts"),)

    id: int | None = Field(default=None, primary_key=True)
    channel_id: str = Field(index=True)
    thread_ts: str
    customer_user_id: str = Field(index=True)
    customer_team_id: str | None = Field(default=None, index=True)
    state: str = Field(default="open")  # open | escalated | taken_over | resolved
    owner_user_id: str | None = None
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    updated_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class Message(SQLModel, table=True):
    """Every message in and out, with its Slack ids, so nothing a customer wrote is lost."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel_id", "ts"),
        Index("ix_messages_status_direction", "status", "direction"),
        # The digest's range scans over customer messages read only this index (covering).
        Index(
            "ix_messages_digest",
            "author_kind",
            "direction",
            "created_at",
            "status",
            "conversation_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversations.id", index=True)
    channel_id: str
    ts: str
    direction: str  # inbound | outbound
    author_kind: str  # customer | staff | bot
    author_user_id: str | None = None
    kind: str = "text"  # inbound: text; outbound: answer | holding | human | notice
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: str = "done"  # inbound customer messages: pending until answered or escalated
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    attempts: int = 0  # how many times a worker took it (a cap stops endless retries)
    event_id: str | None = None
    risk_score: float | None = None
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))


class ProcessedEvent(SQLModel, table=True):
    """Slack event ids already taken in, so a retried delivery is handled once."""

    __tablename__ = "processed_events"

    event_id: str = Field(primary_key=True)
    received_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class Escalation(SQLModel, table=True):
    """A conversation handed to humans: why, the draft, the card, and what a human did."""

    __tablename__ = "escalations"
    __table_args__ = (
        # The digest reads a period's escalations, the oldest pending ones and all-time
        # decisions per reason from these indexes alone (covering), never from the wide rows.
        Index(
            "ix_escalations_digest",
            "created_at",
            "top_reason",
            "status",
            "action",
            "first_action_at",
        ),
        Index("ix_escalations_status_created", "status", "created_at"),
        Index("ix_escalations_reason_action", "top_reason", "action"),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversations.id", index=True)
    status: str = Field(default="pending", index=True)
    # pending | approved | edited | taken_over | resolved | handed_back | blocked
    top_reason: str = Field(index=True)
    reasons: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    score: float
    draft: str = Field(sa_column=Column(Text, nullable=False))
    summary: str = Field(default="", sa_column=Column(Text, nullable=False))
    question: str = Field(default="", sa_column=Column(Text, nullable=False))  # what set it off
    over_limit: str | None = None  # why the draft breaks the compensation policy, if it does
    final_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    action: str | None = None  # approved | edited | taken_over
    actor_user_id: str | None = None
    card_channel: str | None = None
    card_ts: str | None = None
    permalink: str | None = None
    org_name: str = ""
    review_only: bool = False
    customer_message_id: int | None = None
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    first_action_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    reminded_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    customer_updated_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    edit_distance: int | None = None  # characters changed between the draft and what was sent


class AuditEntry(SQLModel, table=True):
    """Append-only record of every human or bot action on an escalation."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int | None = Field(default=None, foreign_key="escalations.id", index=True)
    conversation_id: int | None = Field(default=None, index=True)
    action: str
    actor_user_id: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class Feedback(SQLModel, table=True):
    """Thumbs up or down a customer gave an automatic answer."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("message_ts", "channel_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int | None = Field(default=None, index=True)
    channel_id: str
    message_ts: str
    user_id: str
    value: int  # +1 or -1
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))


class DigestRun(SQLModel, table=True):
    """A claimed digest period: the primary key makes "once a day" hold across replicas."""

    __tablename__ = "digest_runs"

    period: str = Field(primary_key=True)  # e.g. 2026-11-24 in HITL_TIMEZONE
    claimed_by: str
    claimed_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    posted_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
