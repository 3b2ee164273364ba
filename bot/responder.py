"""Answer one stored customer message: draft, score, then reply or escalate."""

from __future__ import annotations

import itertools
import logging
from datetime import timedelta

from bot.desk import Desk
from bot.engine import AnswerEngine, Draft, DraftRequest, EngineError
from bot.knowledge import KnowledgeBase
from bot.models import Turn
from bot.outbox import Outbox
from bot.policy import Policy
from bot.risk import ModelAssessment, RiskAssessment, RiskReason, RiskScorer, RiskSignals
from bot.tools import Account, Toolbox, ToolScope
from storage.store import Store
from storage.tables import Conversation, Message, utcnow

log = logging.getLogger(__name__)

AI_UNAVAILABLE = "ai_unavailable"


class Responder:
    """Turn a pending customer message into an automatic answer or an escalation."""

    def __init__(
        self,
        *,
        store: Store,
        knowledge: KnowledgeBase,
        engine: AnswerEngine,
        fallback: AnswerEngine,
        toolbox: Toolbox,
        scorer: RiskScorer,
        policy: Policy,
        outbox: Outbox,
        desk: Desk,
    ) -> None:
        self._store = store
        self._knowledge = knowledge
        self._engine = engine
        self._fallback = fallback
        self._toolbox = toolbox
        self._scorer = scorer
        self._policy = policy
        self._outbox = outbox
        self._desk = desk

    async def handle(self, message_id: int) -> None:
        """Process one pending message exactly once; a finished one is left alone."""
        message = await self._store.message(message_id)
        if message is None or message.status != "pending":
            return
        conversation = await self._store.conversation(message.conversation_id)
        assert conversation is not None
        mode = self._policy.channels.mode_for(conversation.channel_id)
        if mode == "off":
            await self._store.finish_message(message_id=message_id, status="ignored")
            return
        scope = ToolScope(channel_id=conversation.channel_id, team_id=conversation.customer_team_id)
        account = await self._toolbox.account_for(scope)
        history = await self._history(conversation, before=message)
        if conversation.state != "open":
            # A human owns the thread: the bot stays silent and keeps the agents informed.
            assessment = self._scorer.assess(message.text, self._signals(history, account))
            await self._desk.follow_up(conversation, message, assessment)
            await self._store.finish_message(
                message_id=message_id, status="held", risk_score=assessment.score
            )
            return
        draft, failure = await self._draft(message, conversation, history, account)
        assessment = await self._assess(message, conversation, history, account, draft, failure)
        if assessment.decision == "auto" and mode == "auto":
            await self._outbox.send_auto_answer(
                conversation, draft.text, decision=assessment.decision, mode=mode
            )
            status = "answered"
        else:
            await self._desk.escalate(
                conversation=conversation,
                message=message,
                draft=draft,
                assessment=assessment,
                account=account,
                history=history,
                review_only=assessment.decision == "auto",
            )
            status = "escalated"
        await self._store.finish_message(
            message_id=message_id, status=status, risk_score=assessment.score
        )

    async def _draft(
        self,
        message: Message,
        conversation: Conversation,
        history: tuple[Turn, ...],
        account: Account | None,
    ) -> tuple[Draft, str | None]:
        request = DraftRequest(
            question=message.text,
            channel_id=conversation.channel_id,
            team_id=conversation.customer_team_id,
            history=history,
            search=self._knowledge.search(message.text),
            account=account.model_dump(mode="json") if account else None,
            similar_cases=await self._desk.similar_cases(message.text),
        )
        try:
            return await self._engine.draft(request), None
        except EngineError as error:
            log.warning("%s engine failed (%s); drafting offline", self._engine.name, error)
            return await self._fallback.draft(request), str(error)

    async def _assess(
        self,
        message: Message,
        conversation: Conversation,
        history: tuple[Turn, ...],
        account: Account | None,
        draft: Draft,
        failure: str | None,
    ) -> RiskAssessment:
        since = utcnow() - timedelta(hours=self._policy.risk.repeat_contact_window_hours)
        contacts = await self._store.conversations_started(
            customer_user_id=conversation.customer_user_id, since=since
        )
        model = None
        if draft.model_score is not None:
            model = ModelAssessment(
                score=draft.model_score,
                reasons=tuple(
                    RiskReason(category=c, evidence=e, weight=draft.model_score)
                    for c, e in draft.model_reasons
                ),
            )
        signals = self._signals(history, account).model_copy(
            update={
                "recent_contacts": max(0, contacts - 1),
                "grounding": draft.grounding,
                "model_assessment": model,
            }
        )
        assessment = self._scorer.assess(message.text, signals)
        if failure is None:
            return assessment
        unavailable = RiskReason(
            category=AI_UNAVAILABLE, evidence=f"AI unavailable: {failure}", weight=1.0
        )
        return RiskAssessment(
            score=1.0, decision="escalate", reasons=(unavailable, *assessment.reasons)
        )

    def _signals(self, history: tuple[Turn, ...], account: Account | None) -> RiskSignals:
        customer_texts = tuple(t.text for t in history if t.role == "customer")
        # Every bot answer the customer wrote back after (the current message included).
        roles = [t.role for t in history] + ["customer"]
        unresolved = sum(
            1
            for earlier, later in itertools.pairwise(roles)
            if earlier == "bot" and later == "customer"
        )
        return RiskSignals(
            thread_customer_texts=customer_texts,
            unresolved_turns=unresolved,
            account_tier=account.tier if account else None,
            monthly_value=account.monthly_value if account else None,
        )

    async def _history(self, conversation: Conversation, *, before: Message) -> tuple[Turn, ...]:
        assert conversation.id is not None
        rows = await self._store.thread(conversation_id=conversation.id)
        return tuple(
            Turn(role=row.author_kind, text=row.text)
            for row in rows
            if row.id != before.id and row.created_at <= before.created_at
        )
