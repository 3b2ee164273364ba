"""The escalation card: one pure builder for every state the card goes through."""

from __future__ import annotations

from datetime import datetime

from bot import ids
from bot.blocks import (
    Block,
    actions,
    button,
    context,
    fit,
    header,
    section,
)
from bot.models import Frozen
from bot.mrkdwn import escape, mention, quote_mrkdwn, truncate, unescape
from bot.reasons import (
    AccountBrief,
    ReasonLine,
    details_line,
    reason_label,
    reason_sentence,
    weights_line,
)

__all__ = ["CardView", "ReasonLine", "build_card", "build_edit_modal", "reason_label"]

DRAFT_LIMIT = 2800
SUMMARY_LIMIT = 2000
REASONS_SHOWN = 12


class CardView(Frozen):
    """Everything an agent needs on the card, in the state the card is in."""

    escalation_id: int
    org_name: str
    customer_user_id: str
    channel_id: str
    permalink: str | None
    summary: str
    reasons: tuple[ReasonLine, ...]
    score: float
    account_facts: tuple[tuple[str, str], ...] = ()
    account: AccountBrief | None = None
    draft: str  # mrkdwn as it would reach the customer: its links render on the card too
    over_limit: str | None = None
    status: str = "pending"
    actor_user_id: str | None = None
    acted_at: datetime | None = None
    final_text: str | None = None  # mrkdwn, exactly as it was sent


def build_card(view: CardView) -> tuple[str, list[Block]]:
    """Render the card; buttons depend on the status, and the draft is always shown."""
    top = view.reasons[0].category if view.reasons else "review"
    title = f"{view.org_name} · {reason_label(top)}"
    where = f"<{view.permalink}|Open the thread>" if view.permalink else "Thread link unavailable"
    blocks: list[Block] = [
        header(title),
        section(f"{where} in <#{view.channel_id}> · customer {mention(view.customer_user_id)}"),
        section(f"*Summary*\n{truncate(escape(view.summary), SUMMARY_LIMIT)}"),
        section(_reasons_text(view)),
        _numbers(view),
    ]
    if view.account_facts:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": truncate(f"*{escape(k)}*\n{escape(v)}", 2000)}
                    for k, v in view.account_facts[:10]
                ],
            }
        )
    blocks.append(section(f"*Drafted reply*\n{quote_mrkdwn(truncate(view.draft, DRAFT_LIMIT))}"))
    if view.over_limit:
        blocks.append(
            context(f":warning: *Over the compensation policy:* {escape(view.over_limit)}")
        )
    blocks.extend(_state_blocks(view))
    blocks.append(context(f"Escalation #{view.escalation_id}"))
    text = f"Escalation: {escape(title)}. {escape(view.summary)}"
    return truncate(text, 3000), fit(blocks)


def _reasons_text(view: CardView) -> str:
    lines = ["*Why it was escalated*"]
    lines += [f"• {reason_sentence(r, view.account)}" for r in view.reasons[:REASONS_SHOWN]]
    return "\n".join(lines)


def _numbers(view: CardView) -> Block:
    """The score, weights and measurements, one level down from the sentences."""
    shown = view.reasons[:REASONS_SHOWN]
    details = details_line(shown)
    return context(weights_line(view.score, shown), *([details] if details else []))


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f" <!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def _state_blocks(view: CardView) -> list[Block]:
    value = str(view.escalation_id)
    who = mention(view.actor_user_id) if view.actor_user_id else "someone"
    if view.status == "pending":
        if view.over_limit:
            # Edit leads; Approve stays visible but only explains why it cannot send this draft.
            return [
                actions(
                    ids.CARD_ACTIONS_BLOCK,
                    button("Edit", ids.EDIT, value, style="primary"),
                    button("Take over", ids.TAKE_OVER, value),
                    button("Approve (blocked: over policy)", ids.APPROVE, value),
                )
            ]
        return [
            actions(
                ids.CARD_ACTIONS_BLOCK,
                button("Approve", ids.APPROVE, value, style="primary"),
                button("Edit", ids.EDIT, value),
                button("Take over", ids.TAKE_OVER, value),
            )
        ]
    if view.status == "taken_over":
        return [
            section(
                f":raising_hand: *Taken over by {who}*{_when(view.acted_at)}. The bot stays "
                "silent in this thread."
            ),
            actions(
                ids.CARD_ACTIONS_BLOCK,
                button("Hand back to bot", ids.HAND_BACK, value),
                button("Resolve", ids.RESOLVE, value, style="primary"),
            ),
        ]
    if view.status in ("approved", "edited"):
        verb = "Approved" if view.status == "approved" else "Edited and sent"
        sent = quote_mrkdwn(truncate(view.final_text or "", DRAFT_LIMIT))
        return [
            section(f":white_check_mark: *{verb} by {who}*{_when(view.acted_at)}\n*Sent:*\n{sent}")
        ]
    if view.status == "resolved":
        return [section(f":white_check_mark: *Resolved by {who}*{_when(view.acted_at)}")]
    if view.status == "handed_back":
        return [section(f":robot_face: *Handed back to the bot by {who}*{_when(view.acted_at)}")]
    if view.status == "blocked":
        return [section(":no_entry: *Not actionable here*: the agent channel is shared.")]
    return []


def build_edit_modal(*, escalation_id: int, draft: str, org_name: str) -> dict[str, object]:
    """The Edit modal: the draft prefilled in a multiline input, the escalation id as metadata.

    The input is plain text: entities show as the characters they stand for, and links keep
    their `<url|label>` form so they survive the edit (the reply is escaped again on submit).
    """
    return {
        "type": "modal",
        "callback_id": ids.EDIT_VIEW,
        "private_metadata": str(escalation_id),
        "title": {"type": "plain_text", "text": "Edit reply"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            context(f"Reply to {escape(org_name)} · escalation #{escalation_id}"),
            {
                "type": "input",
                "block_id": ids.EDIT_BLOCK,
                "label": {"type": "plain_text", "text": "Reply to the customer"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": ids.EDIT_INPUT,
                    "multiline": True,
                    "initial_value": truncate(unescape(draft), 3000),
                    "max_length": 3000,
                },
            },
        ],
    }
