"""The built-in engine: answers from the best knowledge-base passage and the tools, no model.

It is the product's path whenever Claude is not configured, and the fallback draft when Claude
fails, so it must say only what an article or a tool states, and admit when nothing matches.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.engine import Draft, DraftRequest
from bot.models import Passage, Source
from bot.mrkdwn import escape, first_sentences, link, quote
from bot.tools import Outage, Toolbox, ToolScope

QUOTE_CHARS = 600
LIST_CHARS = 900

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


def answer_from(passage: Passage, *, plan: str | None = None) -> str:
    """A reply quoting one section: its lead-in and list kept as a list, or a few sentences."""
    lead = passage.heading.split(" › ")[-1] if passage.heading else ""
    if passage.items:
        items: list[str] = []
        numbered = passage.items[0][:1].isdigit()
        for item in passage.items:
            # Numbered steps are never cut; a long bulleted list keeps its first items.
            if items and not numbered and sum(map(len, (*items, item))) > LIST_CHARS:
                break
            items.append(item)
        excerpt = "\n".join([f"{lead}:" if lead else "", *items]).strip()
    else:
        excerpt = first_sentences(passage.body or passage.text, QUOTE_CHARS)
        if lead:
            excerpt = f"{lead}: {excerpt}"
    return (
        f"Here is what our help centre says in {link(passage.url, passage.title)}:\n"
        f"{quote(excerpt)}\n"
        + (f"Your lines are on *{escape(plan)}*.\n" if plan else "")
        + "If that doesn't solve it, press *Talk to a person* and someone from our team will "
        "pick this up."
    )


def is_service_problem(text: str) -> bool:
    """Whether a message reports a network or service fault (the cue to check for outages)."""
    return bool(_SERVICE_PROBLEM.search(text))


class OfflineEngine:
    """Quote the best-matching article, name known outages, or say a person will help."""

    name = "offline"

    def __init__(self, toolbox: Toolbox) -> None:
        self._toolbox = toolbox

    async def draft(self, request: DraftRequest) -> Draft:
        """Draft a reply from tools and the knowledge base only."""
        if is_service_problem(request.question):
            outage_draft = await self._outage_draft(request)
            if outage_draft is not None:
                return outage_draft
        best = request.search.best
        if best is None:
            return Draft(text=NO_MATCH_REPLY, grounding=0.0, engine=self.name)
        # The search's calibrated confidence is the draft's grounding: below the policy's
        # grounding_min the risk decision escalates, the customer gets only the holding reply,
        # and this text is the closest article an agent can approve or edit.
        plan = str((request.account or {}).get("plan") or "")
        # The customer's own plan, when the quoted section distinguishes plans by name.
        applies = bool(plan) and plan.lower() in best.text.lower()
        return Draft(
            text=answer_from(best, plan=plan if applies else None),
            grounding=request.search.confidence,
            sources=(Source(title=best.title, url=best.url),),
            engine=self.name,
            facts=(f"plan: {plan}",) if applies else (),
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
