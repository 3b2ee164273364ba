"""SLA: remind agents of untouched escalations, and never leave a held customer in silence."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.outbox import Outbox
from bot.policy import SlaPolicy
from storage.escalations import EscalationStore
from storage.store import Store
from storage.tables import utcnow

log = logging.getLogger(__name__)

STILL_ON_IT = (
    "A quick update: your conversation is still with our support team and a person will reply "
    "here as soon as possible. Thanks for your patience."
)


def mention(policy: SlaPolicy) -> str:
    """Who the reminder pings: a user group, the channel, or nobody."""
    if not policy.mention:
        return ""
    if policy.mention == "channel":
        return "<!channel> "
    return f"<!subteam^{policy.mention}> "


class SlaMonitor:
    """Run on a schedule; each reminder and customer update is claimed once in the database."""

    def __init__(
        self,
        *,
        client: AsyncWebClient,
        store: Store,
        escalations: EscalationStore,
        outbox: Outbox,
        policy: SlaPolicy,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._client = client
        self._store = store
        self._escalations = escalations
        self._outbox = outbox
        self._policy = policy
        self._clock = clock

    async def run_once(self, *, now: datetime | None = None) -> int:
        """Send what is due at `now` (the clock's time by default); return how many were sent."""
        now = now or self._clock()
        sent = 0
        due = now - timedelta(minutes=self._policy.reminder_minutes)
        for escalation in await self._escalations.overdue(created_before=due):
            assert escalation.id is not None
            if not await self._escalations.claim_reminder(escalation_id=escalation.id):
                continue
            waited = int((now - escalation.created_at).total_seconds() // 60)
            text = (
                f"{mention(self._policy)}:alarm_clock: Escalation #{escalation.id} "
                f"({escalation.org_name}) has waited {waited} minutes with no action."
            )
            await self._client.chat_postMessage(
                channel=str(escalation.card_channel), thread_ts=escalation.card_ts, text=text
            )
            sent += 1
        quiet = now - timedelta(minutes=self._policy.holding_reply_max_minutes)
        for escalation in await self._escalations.quiet_customers(silent_since=quiet):
            assert escalation.id is not None
            if not await self._escalations.claim_customer_update(
                escalation_id=escalation.id, silent_since=quiet, now=now
            ):
                continue
            conversation = await self._store.conversation(escalation.conversation_id)
            if conversation is not None:
                await self._outbox.send_holding(conversation, STILL_ON_IT)
                sent += 1
        return sent
