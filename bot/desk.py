"""The escalation desk: hand a conversation to humans and keep its card in the agent channel.

Cards never go into a channel shared with another organisation: the agent channel is checked
with conversations.info before the first card and the answer cached for a few minutes.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import build_customer_copy
from bot.cards import CardView, ReasonLine, build_card
from bot.channels import ChannelDirectory
from bot.compensation import over_limit
from bot.engine import Draft
from bot.knowledge import tokenize
from bot.metrics import Metrics
from bot.models import Turn
from bot.outbox import Outbox
from bot.policy import Policy
from bot.reasons import AccountBrief
from bot.risk import RiskAssessment, RiskReason
from bot.summary import summarize_request
from bot.tools import Account, Toolbox
from storage.escalations import EscalationStore
from storage.store import Store
from storage.tables import Conversation, Escalation, Message, utcnow

log = logging.getLogger(__name__)

SHARED_CHECK_SECONDS = 300.0
IN_FLIGHT = timedelta(minutes=1)
RESCORE_DELTA = 0.05


class Desk:
    """Escalate conversations, post and refresh their cards, and copy later messages in."""

    def __init__(
        self,
        *,
        client: AsyncWebClient,
        store: Store,
        escalations: EscalationStore,
        outbox: Outbox,
        toolbox: Toolbox,
        policy: Policy,
        agent_channel: str,
        channels: ChannelDirectory,
        notice_channel: str | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._metrics = metrics
        self._channels = channels
        self._client = client
        self._store = store
        self.escalations = escalations
        self._outbox = outbox
        self._toolbox = toolbox
        self._policy = policy
        self.agent_channel = agent_channel
        self._shared_checked: tuple[float, bool] | None = None
        self.notice_channel = notice_channel
        self._warned = False

    async def escalate(
        self,
        *,
        conversation: Conversation,
        message: Message | None,
        draft: Draft,
        assessment: RiskAssessment,
        account: Account | None,
        history: tuple[Turn, ...],
        review_only: bool = False,
    ) -> Escalation | None:
        """Store the escalation, then hold the customer and post the card; None if escalated."""
        assert conversation.id is not None
        reasons = list(assessment.reasons)
        if review_only:
            # Nothing was risky: the channel's mode asks for a human on every reply.
            review = RiskReason(category="review", evidence="channel is in review mode", weight=0.0)
            reasons.insert(0, review)
        escalation = await self.escalations.open(
            conversation_id=conversation.id,
            expected_states=("open", "resolved"),
            conversation_state="escalated",
            holding_needed=not review_only,
            customer_message_id=message.id if message else None,
            top_reason=reasons[0].category if reasons else "review",
            reasons=[r.model_dump() for r in reasons],
            score=assessment.score,
            draft=draft.text,
            summary=draft.summary
            or summarize(
                history,
                message,
                reasons=assessment.reasons,
                article_title=draft.sources[0].title if draft.sources else None,
            ),
            over_limit=over_limit(
                draft.text,
                self._policy.compensation,
                tier=account.tier if account else None,
                monthly_fee=account.monthly_value if account else None,
            ),
            org_name=_org_name(account, conversation),
            review_only=review_only,
            question=message.text if message else "",
        )
        if escalation is None:
            if message is not None:
                await self.follow_up(conversation, message, assessment)
            return None
        log.info(
            "escalated: escalation=%s conversation=%s reason=%s score=%.2f",
            escalation.id,
            conversation.id,
            escalation.top_reason,
            assessment.score,
        )
        if self._metrics is not None:
            self._metrics.escalations.labels(escalation.top_reason).inc()
        await self.deliver(escalation, conversation)
        return escalation

    async def record_take_over(self, *, conversation: Conversation, user_id: str) -> None:
        """An agent answered in a thread the bot owned: give them the thread, with a card."""
        assert conversation.id is not None
        rows = await self._store.thread(conversation_id=conversation.id)
        history = tuple(Turn(role=row.author_kind, text=row.text) for row in rows)
        escalation = await self.escalations.open(
            conversation_id=conversation.id,
            expected_states=("open", "resolved"),
            conversation_state="taken_over",
            owner_user_id=user_id,
            status="taken_over",
            actor_user_id=user_id,
            holding_needed=False,  # the agent is already talking to the customer
            top_reason="agent_reply",
            reasons=[{"category": "agent_reply", "evidence": "an agent replied", "weight": 0.0}],
            score=0.0,
            draft="(no draft: an agent replied in the thread)",
            summary=summarize(history, None),
            org_name=conversation.customer_team_id or f"#{conversation.channel_id}",
        )
        if escalation is not None:
            await self.deliver(escalation, conversation)

    async def deliver(self, escalation: Escalation, conversation: Conversation) -> None:
        """Send what an escalation still owes: the holding reply, then the card."""
        assert escalation.id is not None
        if escalation.customer_updated_at is None and not escalation.review_only:
            await self._outbox.send_holding(conversation)
            await self.escalations.mark_customer_updated(escalation_id=escalation.id)
        if escalation.card_ts is None:
            await self.post_card(escalation, conversation)

    async def deliver_pending(self, *, now: datetime | None = None) -> int:
        """Finish escalations a failure left half-done (no holding reply or no card yet)."""
        # Young ones may still be in flight in another task; give them a minute.
        cutoff = (now or utcnow()) - IN_FLIGHT
        waiting = await self.escalations.undelivered(created_before=cutoff)
        done = 0
        for escalation in waiting:
            conversation = await self._store.conversation(escalation.conversation_id)
            if conversation is None:
                continue
            if escalation.card_ts is None:
                # Ask Slack afresh: this is how a channel fixed by the operator is noticed.
                await self._agent_channel_is_shared(fresh=True)
            await self.deliver(escalation, conversation)
            done += 1
        return done

    async def post_card(self, escalation: Escalation, conversation: Conversation) -> None:
        """Post the card, unless the agent channel would leak it to another organisation."""
        assert escalation.id is not None and conversation.id is not None
        if await self._agent_channel_is_shared():
            log.error(
                "agent channel %s is shared with another organisation: escalation %s kept "
                "pending without a card",
                self.agent_channel,
                escalation.id,
            )
            await self.escalations.audit(
                escalation_id=escalation.id,
                action="card_withheld",
                detail={"why": "agent channel is shared with another organisation"},
            )
            await self._warn_operators()
            return
        permalink = await self._permalink(conversation)
        escalation.permalink = permalink
        text, blocks = build_card(await self.card_view(escalation, conversation))
        response = await self._client.chat_postMessage(
            channel=self.agent_channel, text=text, blocks=blocks, unfurl_links=False
        )
        card_ts = str(response["ts"])
        await self.escalations.set_card(
            escalation_id=escalation.id,
            channel=str(response["channel"]),
            ts=card_ts,
            permalink=permalink,
        )
        # Messages the customer wrote while the card was on its way belong in its thread.
        for held in await self._store.held_since(
            conversation_id=conversation.id, since=escalation.created_at
        ):
            await self._copy_to_card(held, str(response["channel"]), card_ts)

    async def _warn_operators(self) -> None:
        """Tell the people running the app, once, in the digest channel if it is a safe one."""
        if self._warned or not self.notice_channel or self.notice_channel == self.agent_channel:
            return
        try:
            info = (await self._client.conversations_info(channel=self.notice_channel))["channel"]
            if info.get("is_ext_shared"):
                return
            await self._client.chat_postMessage(
                channel=self.notice_channel,
                text=(
                    f":warning: Escalation cards are being withheld: <#{self.agent_channel}> is "
                    "shared with another organisation. Point HITL_AGENT_CHANNEL at an internal "
                    "channel; the waiting cards will then be posted there."
                ),
            )
            self._warned = True
        except SlackApiError as error:
            log.error("could not warn in %s: %s", self.notice_channel, error.response.get("error"))

    @property
    def agent_channel_shared(self) -> bool | None:
        """What the last check found: True when cards are being withheld, None if never checked."""
        return self._shared_checked[1] if self._shared_checked else None

    async def refresh_card(self, escalation: Escalation) -> None:
        """Re-render the card in place from the stored escalation."""
        if not escalation.card_channel or not escalation.card_ts:
            return
        conversation = await self._store.conversation(escalation.conversation_id)
        assert conversation is not None
        text, blocks = build_card(await self.card_view(escalation, conversation))
        await self._client.chat_update(
            channel=escalation.card_channel, ts=escalation.card_ts, text=text, blocks=blocks
        )

    async def follow_up(
        self, conversation: Conversation, message: Message, assessment: RiskAssessment
    ) -> None:
        """Copy a later customer message to the card's thread and refresh the risk if it moved."""
        assert conversation.id is not None
        escalation = await self.escalations.open_for(conversation_id=conversation.id)
        if escalation is None or escalation.id is None or not escalation.card_ts:
            return
        await self._copy_to_card(
            message, escalation.card_channel or self.agent_channel, escalation.card_ts
        )
        merged = _merge(escalation.reasons, assessment.reasons)
        score = max(escalation.score, assessment.score)
        if score - escalation.score < RESCORE_DELTA and len(merged) == len(escalation.reasons):
            return
        await self.escalations.set_assessment(
            escalation_id=escalation.id,
            top_reason=merged[0]["category"],
            reasons=merged,
            score=score,
        )
        refreshed = await self.escalations.get(escalation.id)
        assert refreshed is not None
        await self.refresh_card(refreshed)

    async def _copy_to_card(self, message: Message, channel: str, card_ts: str) -> None:
        text, blocks = build_customer_copy(message.author_user_id or "", message.text)
        await self._client.chat_postMessage(
            channel=channel, thread_ts=card_ts, text=text, blocks=blocks
        )

    async def card_view(self, escalation: Escalation, conversation: Conversation) -> CardView:
        """Assemble what the card shows from the stored rows and the account."""
        assert escalation.id is not None
        account = await self._toolbox.account_for(await self._channels.scope_for(conversation))
        return CardView(
            escalation_id=escalation.id,
            org_name=escalation.org_name or _org_name(account, conversation),
            customer_user_id=conversation.customer_user_id,
            channel_id=conversation.channel_id,
            permalink=escalation.permalink,
            summary=escalation.summary,
            reasons=tuple(ReasonLine.model_validate(r) for r in escalation.reasons),
            score=escalation.score,
            account_facts=self._toolbox.card_facts(account),
            account=AccountBrief(tier=account.tier, monthly_value=account.monthly_value)
            if account
            else None,
            draft=escalation.draft,
            over_limit=escalation.over_limit,
            status=escalation.status,
            actor_user_id=escalation.actor_user_id,
            acted_at=escalation.first_action_at,
            final_text=escalation.final_text,
        )

    async def similar_cases(self, text: str, *, channel_id: str, limit: int = 2) -> tuple[str, ...]:
        """Replies agents sent in the most similar recent cases, to guide new drafts.

        Only this channel's cases: agents' replies carry customer details, and another
        customer's must never reach this one, not even through a draft.
        """
        words = set(tokenize(text))
        if not words:
            return ()
        scored = []
        for escalation in await self.escalations.decided(channel_id=channel_id, limit=200):
            overlap = len(words & set(tokenize(f"{escalation.summary} {escalation.question}")))
            if overlap >= 2 and escalation.final_text:
                scored.append((overlap, escalation.final_text))
        scored.sort(key=lambda pair: pair[0], reverse=True)
        return tuple(text for _, text in scored[:limit])

    async def _agent_channel_is_shared(self, *, fresh: bool = False) -> bool:
        now = time.monotonic()
        recent = self._shared_checked and now - self._shared_checked[0] < SHARED_CHECK_SECONDS
        if recent and not fresh and self._shared_checked:
            return self._shared_checked[1]
        try:
            info = (await self._client.conversations_info(channel=self.agent_channel))["channel"]
        except SlackApiError as error:
            log.error(
                "conversations.info on the agent channel failed: %s", error.response.get("error")
            )
            return True  # unknown is treated as unsafe: a card is not worth a leak
        shared = bool(
            info.get("is_ext_shared") or (info.get("is_shared") and info.get("connected_team_ids"))
        )
        self._shared_checked = (now, shared)
        return shared

    async def _permalink(self, conversation: Conversation) -> str | None:
        try:
            response = await self._client.chat_getPermalink(
                channel=conversation.channel_id, message_ts=conversation.thread_ts
            )
        except SlackApiError as error:
            log.warning(
                "no permalink for %s: %s", conversation.channel_id, error.response.get("error")
            )
            return None
        return str(response["permalink"])


_MOODS = (("anger", "angry"), ("frustration", "frustrated"), ("complaint", "unhappy"))


def summarize(
    history: tuple[Turn, ...],
    message: Message | None,
    *,
    reasons: tuple[RiskReason, ...] = (),
    article_title: str | None = None,
) -> str:
    """What the customer wants, from their last message and the thread before it."""
    customer = [t.text for t in history if t.role == "customer"]
    if message is not None:
        customer.append(message.text)
    if not customer:
        return "The customer asked for a person."
    categories = {r.category for r in reasons}
    mood = next((word for category, word in _MOODS if category in categories), None)
    return summarize_request(
        customer[-1], article_title=article_title, earlier=customer[:-1], mood=mood
    )


def _org_name(account: Account | None, conversation: Conversation) -> str:
    if account is not None:
        return account.name
    return conversation.customer_team_id or f"#{conversation.channel_id}"


def _merge(old: list[dict[str, Any]], new: tuple[RiskReason, ...]) -> list[dict[str, Any]]:
    by_category: dict[str, dict[str, Any]] = {r["category"]: dict(r) for r in old}
    for reason in new:
        current = by_category.get(reason.category)
        if current is None or reason.weight > float(current["weight"]):
            by_category[reason.category] = reason.model_dump()
    return sorted(by_category.values(), key=lambda r: float(r["weight"]), reverse=True)
