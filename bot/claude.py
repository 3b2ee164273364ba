"""The Claude engine: one structured-output call per message, plus tool turns when needed."""

from __future__ import annotations

import logging
from typing import Any

from bot.engine import Draft, DraftRequest, EngineError, Offer
from bot.knowledge import KnowledgeBase
from bot.llm import ModelClient, ModelError, parse_json_object
from bot.models import Source
from bot.mrkdwn import sanitize_model_mrkdwn
from bot.prompts import (
    DRAFT_SCHEMA,
    SYSTEM_PROMPT,
    estimate_tokens,
    knowledge_prefix,
    user_content,
)
from bot.tools import TOOL_SPECS, Toolbox, ToolScope

log = logging.getLogger(__name__)

MAX_TOOL_ROUNDS = 3


class ClaudeEngine:
    """Draft and self-assess with Claude, grounded in the knowledge base and the tools.

    When the whole knowledge base fits `kb_max_tokens`, it sits in the cached system prompt and
    every message reuses it; otherwise each message carries the passages that match it.
    """

    name = "claude"

    def __init__(
        self, model: ModelClient, toolbox: Toolbox, *, knowledge: KnowledgeBase, kb_max_tokens: int
    ) -> None:
        self._model = model
        self._toolbox = toolbox
        whole = knowledge_prefix(knowledge.articles.values())
        self.knowledge_in_system = bool(knowledge.articles) and (
            estimate_tokens(whole) <= kb_max_tokens
        )
        self.system: tuple[str, ...] = (
            (SYSTEM_PROMPT, whole) if self.knowledge_in_system else (SYSTEM_PROMPT,)
        )
        # Links in a reply may point at the knowledge base's own articles, and nowhere else.
        self._article_urls = frozenset(a.url for a in knowledge.articles.values() if a.url)

    async def draft(self, request: DraftRequest) -> Draft:
        """Ask Claude for a reply and its risk assessment; raise EngineError when it fails."""
        scope = ToolScope(channel_id=request.channel_id, team_id=request.team_id)
        content = user_content(request, knowledge_in_system=self.knowledge_in_system)
        messages: list[dict[str, Any]] = [{"role": "user", "content": content}]
        called: list[str] = []
        try:
            for _ in range(MAX_TOOL_ROUNDS + 1):
                turn = await self._model.create(
                    system=self.system,
                    messages=messages,
                    tools=list(TOOL_SPECS),
                    output_schema=DRAFT_SCHEMA,
                )
                if turn.stop_reason != "tool_use" or not turn.tool_uses:
                    return self._read(turn.text, request, tuple(called))
                results = []
                for use in turn.tool_uses:
                    called.append(str(use.get("name")))
                    result = await self._toolbox.call(
                        str(use.get("name")), dict(use.get("input") or {}), scope=scope
                    )
                    results.append(
                        {
                            "type": "tool_result",
                            "tool_use_id": use["id"],
                            "content": result.content,
                            "is_error": result.is_error,
                        }
                    )
                messages.append({"role": "assistant", "content": turn.raw_content})
                messages.append({"role": "user", "content": results})
        except ModelError as error:
            raise EngineError(str(error)) from error
        raise EngineError("Claude kept asking for tools past the limit")

    def _read(self, text: str, request: DraftRequest, called: tuple[str, ...]) -> Draft:
        try:
            answer = parse_json_object(text)
        except ModelError as error:
            raise EngineError(str(error)) from error
        reply = sanitize_model_mrkdwn(
            str(answer.get("reply") or "").strip(), allowed_urls=self._article_urls
        )
        if not reply:
            raise EngineError("Claude's answer had no reply")
        confidence = _unit(answer.get("confidence"), default=0.0)
        grounding = confidence if answer.get("grounded") is True else min(confidence, 0.2)
        reasons = tuple(
            (str(item.get("category", "other")), str(item.get("evidence", "")))
            for item in answer.get("risk_reasons") or []
            if isinstance(item, dict)
        )
        return Draft(
            text=reply,
            grounding=grounding,
            sources=tuple(Source(title=p.title, url=p.url) for p in request.search.passages[:1]),
            engine=self.name,
            model_score=_unit(answer.get("risk_score"), default=0.0),
            model_reasons=reasons,
            tool_calls=called,
            summary=str(answer.get("summary") or ""),
            offers=_offers(answer.get("offers")),
        )


def _offers(value: object) -> tuple[Offer, ...]:
    """The offers of money the model declares its reply makes; anything malformed still counts."""
    if not isinstance(value, list):
        return ()
    offers = []
    for item in value:
        if not isinstance(item, dict):
            offers.append(Offer(kind="other"))
            continue
        months = item.get("months")
        offers.append(
            Offer(
                kind=str(item.get("kind") or "other"),
                amount_eur=_number(item.get("amount_eur")),
                percent=_number(item.get("percent")),
                months=months if type(months) is int else None,
                evidence=str(item.get("evidence") or ""),
            )
        )
    return tuple(offers)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _unit(value: object, *, default: float) -> float:
    """Clamp a model-given number into [0, 1]; anything else is the default."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return max(0.0, min(1.0, float(value)))
