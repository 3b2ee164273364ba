"""Intake: decide whose message this is and store it durably before Slack gets its ack."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.metrics import Metrics
from bot.models import AuthorKind, IncomingMessage
from storage.store import Store

log = logging.getLogger(__name__)

# C0 and C1 control characters other than tab and newline: PostgreSQL refuses NUL in text, and
# none of them means anything to a reader.
_CONTROLS = dict.fromkeys(
    [c for c in range(0x20) if c not in (0x09, 0x0A)] + list(range(0x7F, 0xA0)), None
)


def normalise_text(text: str) -> str:
    """User text as stored and shown: line ends made \\n, control characters removed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROLS)


# Subtypes that carry new text from a person; edits, deletions, joins and topic changes do not.
TEXT_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})


@dataclass(frozen=True)
class TakenIn:
    """The outcome of taking a message in: what it is and which row to process, if any."""

    author: AuthorKind | None
    message_id: int | None = None
    conversation_id: int | None = None
    duplicate: bool = False

    @property
    def needs_answer(self) -> bool:
        """Only a new customer message is answered."""
        return self.author is AuthorKind.CUSTOMER and self.message_id is not None


def classify(message: IncomingMessage, *, internal_channels: frozenset[str]) -> AuthorKind | None:
    """Who wrote this, as the bot must treat it; None means the bot ignores it."""
    if message.channel_id in internal_channels:
        return None
    if message.subtype not in TEXT_SUBTYPES or message.bot_id or not message.user_id:
        return None
    if not message.text.strip():
        return None
    # In a Slack Connect channel our own people are staff, whoever else is in the channel; a
    # missing team is no proof of being one of ours, so that author counts as a customer.
    ours = message.user_team_id is not None and message.user_team_id == message.installed_team_id
    if message.is_ext_shared_channel and ours:
        return AuthorKind.STAFF
    return AuthorKind.CUSTOMER


class Intake:
    """Store new messages once; the answer happens after the ack, from the stored row."""

    def __init__(
        self,
        store: Store,
        *,
        internal_channels: frozenset[str],
        metrics: Metrics | None = None,
    ) -> None:
        self._store = store
        self._internal = internal_channels
        self._metrics = metrics

    async def take_in(self, message: IncomingMessage) -> TakenIn:
        """Record a customer message as pending, or a staff reply in a known thread."""
        taken_in = await self._take_in(message)
        outcome = (
            "duplicate"
            if taken_in.duplicate
            else "ignored"
            if taken_in.message_id is None
            else "stored"
        )
        if self._metrics is not None:
            self._metrics.events.labels(outcome).inc()
        log.info(
            "event taken in: event=%s channel=%s ts=%s outcome=%s message=%s conversation=%s",
            message.event_id,
            message.channel_id,
            message.ts,
            outcome,
            taken_in.message_id,
            taken_in.conversation_id,
        )
        return taken_in

    async def _take_in(self, message: IncomingMessage) -> TakenIn:
        message = message.model_copy(update={"text": normalise_text(message.text)})
        author = classify(message, internal_channels=self._internal)
        if author is None:
            return TakenIn(None)
        if author is AuthorKind.STAFF:
            # Staff messages matter only inside a customer thread the bot knows (a take-over).
            known = message.thread_ts is not None and await self._store.conversation_at(
                channel_id=message.channel_id, thread_ts=message.thread_ts
            )
            if not known:
                return TakenIn(None)
        recorded = await self._store.record_inbound(
            event_id=message.event_id,
            channel_id=message.channel_id,
            ts=message.ts,
            thread_ts=message.thread_ts,
            user_id=message.user_id or "",
            user_team_id=message.user_team_id,
            text=message.text,
            author_kind=author.value,
            status="pending" if author is AuthorKind.CUSTOMER else "done",
        )
        if recorded.message is None:
            log.info("duplicate delivery of %s in %s ignored", message.ts, message.channel_id)
            return TakenIn(author, duplicate=True)
        return TakenIn(author, recorded.message.id, recorded.message.conversation_id)
