"""The built-in engine: answers from the best knowledge-base passage and the tools, no model.

It is the product's path whenever Claude is not configured, and the fallback draft when Claude
fails, so it must say only what an article or a tool states, and admit when nothing matches.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.engine import Draft, DraftRequest
from bot.models import Source
from bot.mrkdwn import escape, first_sentences, link, quote
from bot.tools import Outage, Toolbox, ToolScope

QUOTE_CHARS = 600

_SERVICE_PROBLEM = re.compile(
    r"\b(drop(?:ped|s|ping)?\s+(?:calls?|out)|calls?\s+(?:keep\s+)?(?:drop|fail|cut)\w*"
    r"|no\s+(?:signal|service|coverage|data|internet|connection|network|bars)"
    r"|(?:can'?t|cannot|unable\s+to)\s+(?:make|receive|place)\s+calls?"
    r"|outage|network\s+(?:is\s+)?down|(?:internet|broadband|data|mobile)\s+(?:is\s+)?(?:down|dead)"
    r"|not\s+working|stopped\s+working|(?:very\s+)?slow\s+(?:data|internet|broadband|speeds?))",
    re.IGNORECASE,
)

NO_MATCH_REPLY = (
    "Thanks for your message. I couldn't find a reliable answer to this in our help centre, "
    "so I'm bringing in a person from our support team, who will reply in this thread."
)


def is_service_problem(text: str) -> bool:
    """Whether a message reports a network or service fault (the cue to check for outages)."""
    return bool(_SERVICE_PROBLEM.search(text))


class OfflineEngine:
    """Quote the best-matching article, name known outages, or say a person will help."""

    name = "offline"

    def __init__(self, toolbox: Toolbox, *, min_coverage: float) -> None:
        # Below this share of the question's words in the best article, quoting it would be a
        # guess; the same figure is the risk policy's grounding threshold.
        self._toolbox = toolbox
        self._min_coverage = min_coverage

    async def draft(self, request: DraftRequest) -> Draft:
        """Draft a reply from tools and the knowledge base only."""
        if is_service_problem(request.question):
            outage_draft = await self._outage_draft(request)
            if outage_draft is not None:
                return outage_draft
        best = request.search.best
        if best is None or request.search.coverage < self._min_coverage:
            return Draft(text=NO_MATCH_REPLY, grounding=request.search.coverage, engine=self.name)
        excerpt = first_sentences(best.text, QUOTE_CHARS)
        text = (
            f"Here is what our help centre says in {link(best.url, best.title)}:\n"
            f"{quote(excerpt)}\n"
            "If that doesn't solve it, press *Talk to a person* and someone from our team will "
            "pick this up."
        )
        return Draft(
            text=text,
            grounding=request.search.coverage,
            sources=(Source(title=best.title, url=best.url),),
            engine=self.name,
        )

    async def _outage_draft(self, request: DraftRequest) -> Draft | None:
        scope = ToolScope(channel_id=request.channel_id, team_id=request.team_id)
        result = await self._toolbox.call("outage_status", {}, scope=scope)
        if result.is_error:
            return None
        outages = [Outage.model_validate(item) for item in result.data.get("outages", [])]
        active = [o for o in outages if o.status == "active"]
        if not active:
            return None
        lines = [
            f"• {escape(o.summary)} Expected to be fixed by {_when(o.expected_end)}."
            for o in active
        ]
        text = (
            "I'm sorry about the disruption. There is a known problem on our network in your area "
            "right now:\n" + "\n".join(lines) + "\n"
            "Our engineers are working on it and service should return by itself once it is "
            "fixed; there is no need to restart or reset your devices. We'll update you here if "
            "the estimate changes."
        )
        return Draft(
            text=text,
            grounding=0.9,
            engine=self.name,
            tool_calls=("outage_status",),
            facts=tuple(f"{o.id}: {o.summary}" for o in active),
        )


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "an as yet unknown time"
    return moment.strftime("%-d %b %Y, %H:%M UTC")
