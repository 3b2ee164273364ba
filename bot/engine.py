"""What an answer engine is given and gives back, shared by the offline engine and Claude."""

from __future__ import annotations

from typing import Any, Protocol

from bot.knowledge import SearchResult
from bot.models import Frozen, Source, Turn


class EngineError(Exception):
    """The engine could not produce a draft (the model is unavailable or answered nonsense)."""


class DraftRequest(Frozen):
    """Everything an engine may ground a reply on; customer text is untrusted data."""

    question: str
    channel_id: str
    team_id: str | None = None
    history: tuple[Turn, ...] = ()
    search: SearchResult
    account: dict[str, Any] | None = None
    similar_cases: tuple[str, ...] = ()  # final texts agents sent in similar past cases


class Offer(Frozen):
    """Money a reply promises: what kind, how much, for how many months."""

    kind: str  # service_credit | free_month | discount | refund | voucher | fee_waiver | ...
    amount_eur: float | None = None
    months: int | None = None
    percent: float | None = None
    evidence: str = ""  # the words of the reply that make the offer, when the model names them


class Draft(Frozen):
    """A reply ready to send or to show an agent, with how well it is grounded."""

    text: str
    grounding: float  # 0..1
    sources: tuple[Source, ...] = ()
    engine: str  # offline | claude
    model_score: float | None = None
    model_reasons: tuple[tuple[str, str], ...] = ()  # (category, evidence) from the model
    tool_calls: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()  # tool facts the reply used (outage names, account plan)
    summary: str = ""  # one line for the agent's card, when the engine writes one
    offers: tuple[Offer, ...] = ()  # money the engine says the reply offers (never auto-sent)


class AnswerEngine(Protocol):
    """Drafts a reply to a customer message."""

    name: str

    async def draft(self, request: DraftRequest) -> Draft:
        """Draft a reply grounded in the request's passages and tools."""
        ...
