"""Answer one stored customer message: draft, score, then reply or escalate."""

from __future__ import annotations

import itertools
import logging
from datetime import timedelta

from bot.channels import ChannelDirectory
from bot.desk import Desk
from bot.engine import AnswerEngine, Draft, DraftRequest, EngineError
from bot.knowledge import KnowledgeBase
from bot.knowledge.query import is_pleasantry
from bot.models import Turn
from bot.money import money_needs_a_human
from bot.outbox import Outbox
from bot.policy import Policy
from bot.risk import ModelAssessment, RiskAssessment, RiskReason, RiskScorer, RiskSignals
from bot.tools import Account, Toolbox
from storage.store import Store
from storage.tables import Conversation, Message, utcnow

log = logging.getLogger(__name__)

AI_UNAVAILABLE = "ai_unavailable"
HUMAN_STATES = ("escalated", "taken_over")
MAX_ATTEMPTS = 5
# Scoring and search read the head of very long messages: what a person would read first, and a
# bound on the time one message can cost (the whole text is still stored and shown to agents).
MAX_ANALYSED_CHARS = 4000


def head(text: str) -> str:
    """The part of a message the scorer and the search look at."""
    return text[:MAX_ANALYSED_CHARS]


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
        channels: ChannelDirectory,
    ) -> None:
        self._channels = channels
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
        """Process one pending message exactly once; on failure it goes back to pending."""
        if not await self._store.claim_message(message_id=message_id):
            return
        message = await self._store.message(message_id)
        if message is not None and message.attempts > MAX_ATTEMPTS:
            # A message that fails every time must not cost a model call every 30 s forever.
            log.error("message %s failed %d times; giving up", message_id, MAX_ATTEMPTS)
            await self._store.finish_message(message_id=message_id, status="failed")
            return
        try:
            await self._handle_claimed(message_id)
        except BaseException:
            await self._store.release_message(message_id=message_id)
            raise

    async def _handle_claimed(self, message_id: int) -> None:
        message = await self._store.message(message_id)
        assert message is not None
        conversation = await self._store.conversation(message.conversation_id)
        assert conversation is not None
        mode = self._policy.channels.mode_for(conversation.channel_id)
        if mode == "off":
            await self._store.finish_message(message_id=message_id, status="ignored")
            return
        scope = await self._channels.scope_for(conversation)
        account = await self._toolbox.account_for(scope)
        history = await self._history(conversation, before=message)
        if conversation.state in HUMAN_STATES:
            # A human owns the thread: the bot stays silent and keeps the agents informed.
            assessment = self._scorer.assess(head(message.text), self._signals(history, account))
            await self._desk.follow_up(conversation, message, assessment)
            await self._store.finish_message(
                message_id=message_id, status="held", risk_score=assessment.score
            )
            return
        if is_pleasantry(message.text):
            # A greeting, a thanks or a sign-off on its own is not a question: no answer, and
            # no card for a person to read.
            await self._store.finish_message(message_id=message_id, status="ignored")
            return
        draft, failure = await self._draft(message, conversation, history, account)
        assessment = await self._assess(message, conversation, history, account, draft, failure)
        assessment = money_needs_a_human(draft, assessment)
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

    async def talk_to_person(self, *, conversation_id: int, user_id: str, channel_id: str) -> None:
        """Escalate a thread at once because the customer pressed "Talk to a person"."""
        conversation = await self._store.conversation(conversation_id)
        if conversation is None or conversation.channel_id != channel_id:
            # A forged or replayed value pointing at another channel's thread does nothing.
            log.warning(
                "talk-to-person for conversation %s from %s refused", conversation_id, channel_id
            )
            return
        if conversation.state in HUMAN_STATES:
            return
        rows = await self._store.thread(conversation_id=conversation_id)
        history = tuple(Turn(role=row.author_kind, text=row.text) for row in rows)
        last_customer = next((r for r in reversed(rows) if r.author_kind == "customer"), None)
        scope = await self._channels.scope_for(conversation)
        account = await self._toolbox.account_for(scope)
        question = last_customer.text if last_customer else "The customer asked for a person."
        draft, _ = await self._draft_for(question, conversation, history, account)
        pressed = RiskReason(
            category="human_request", evidence=f"<@{user_id}> pressed Talk to a person", weight=1.0
        )
        assessment = RiskAssessment(score=1.0, decision="escalate", reasons=(pressed,))
        await self._desk.escalate(
            conversation=conversation,
            message=None,
            draft=draft,
            assessment=assessment,
            account=account,
            history=history,
        )

    async def _draft(
        self,
        message: Message,
        conversation: Conversation,
        history: tuple[Turn, ...],
        account: Account | None,
    ) -> tuple[Draft, str | None]:
        return await self._draft_for(message.text, conversation, history, account)

    async def _draft_for(
        self,
        question: str,
        conversation: Conversation,
        history: tuple[Turn, ...],
        account: Account | None,
    ) -> tuple[Draft, str | None]:
        request = DraftRequest(
            question=question,
            channel_id=conversation.channel_id,
            team_id=(await self._channels.scope_for(conversation)).team_id,
            history=history,
            search=self._knowledge.search(head(question)),
            account=account.model_dump(mode="json") if account else None,
            similar_cases=await self._desk.similar_cases(
                question, channel_id=conversation.channel_id
            ),
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
        assessment = self._scorer.assess(head(message.text), signals)
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
        """The thread before this message, read afresh after a human resolved or handed it back.

        Turns from before the last human closure are left out, so a settled complaint does not
        keep re-escalating the conversation.
        """
        assert conversation.id is not None
        rows = await self._store.thread(conversation_id=conversation.id)
        closed_at = await self._desk.escalations.last_closed_at(conversation_id=conversation.id)
        return tuple(
            Turn(role=row.author_kind, text=row.text)
            for row in rows
            if row.id != before.id
            and row.created_at <= before.created_at
            and (closed_at is None or row.created_at > closed_at)
        )
